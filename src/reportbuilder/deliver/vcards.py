"""`reportbuilder contacts`: contacts.yml checked, listed, and written as vCard files.

The same vCard the card's QR code carries (`compose.vcard`, version 3.0, which every phone
and address book reads), one `.vcf` file per contact, its texts in the edition's language.
Only contacts.yml is read (and report.yml's `lang`, when it can be): a chapter being wrong
does not stop anyone from checking the contacts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportbuilder.compose.formatting import format_phone
from reportbuilder.compose.vcard import vcard
from reportbuilder.deliver.files import write_atomic
from reportbuilder.errors import Problem, ProjectError, Severity, Stage
from reportbuilder.merge.naming import file_names
from reportbuilder.project.contacts import CONTACTS_FILE, Contact, load_contacts, text
from reportbuilder.project.files import FilePolicy

__all__ = ["ContactsResult", "contacts", "vcard_files"]


@dataclass(frozen=True)
class ContactsResult:
    """Every contact of contacts.yml, as the edition's language shows it, and the vCard
    files written (if asked)."""

    project: str
    lang: str
    contacts: tuple[dict[str, Any], ...] = ()
    written: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "project": self.project,
            "lang": self.lang,
            "contacts": list(self.contacts),
            "written": list(self.written),
            "problems": [p.as_json() for p in self.problems],  # warnings
        }


def vcard_files(found: dict[str, Contact], lang: str) -> dict[str, bytes]:
    """One `<id>.vcf` per contact (a safe, unique file name), its vCard as UTF-8."""
    ids = list(found)
    names = file_names(
        [{"id": ident, "line": str(n)} for n, ident in enumerate(ids, 1)], "{id}", "", ".vcf"
    )
    pairs = zip(names, ids, strict=True)
    return {name: vcard(found[ident], lang).encode("utf-8") for name, ident in pairs}


def contacts(
    project: str | os.PathLike[str],
    *,
    lang: str | None = None,
    vcard_dir: str | os.PathLike[str] | None = None,
) -> ContactsResult:
    """Check contacts.yml and list its contacts; with `vcard_dir`, write one `.vcf` file per
    contact there. Raises `ProjectError` with every problem at `contacts.yml:LINE` (and then
    writes nothing)."""
    root = Path(project).resolve()
    files = FilePolicy(root)
    if not (root / CONTACTS_FILE).is_file():
        message = f"no {CONTACTS_FILE} in {root}: nothing to check"
        raise ProjectError(Problem(CONTACTS_FILE, None, message, stage=Stage.PROJECT))
    found, problems = load_contacts(files)
    if any(p.severity is Severity.ERROR for p in problems):
        raise ProjectError(problems)
    lang = lang or _report_lang(root, files)
    written: list[str] = []
    names = vcard_files(found, lang)
    files_by_id = dict(zip(found, names, strict=True))
    if vcard_dir is not None:
        folder = Path(vcard_dir)
        from reportbuilder.errors import OutputError
        from reportbuilder.project.sources import among_sources

        # A contact's address book in content/ or data/ would go into git and the next build.
        if (inside := among_sources(root, folder, "the vCards")) is not None:
            raise OutputError(inside)
        for name, data in names.items():
            written.append(str(write_atomic(folder / name, data)))
    listed = tuple(
        _shown(contact, lang, files_by_id[ident] if vcard_dir is not None else None)
        for ident, contact in found.items()
    )
    return ContactsResult(str(root), lang, listed, tuple(written), tuple(problems))


def _report_lang(root: Path, files: FilePolicy) -> str:
    """report.yml's `lang`, or English when report.yml cannot be read (its own problems are
    `check`'s to report)."""
    from reportbuilder.errors import ReportError
    from reportbuilder.project.config import load_config

    try:
        config, _ = load_config(root, files)
    except (ReportError, OSError):
        return "en"
    return config.lang


def _shown(contact: Contact, lang: str, vcf: str | None) -> dict[str, Any]:
    phone = format_phone(contact.phone, lang, contact.country) if contact.phone else None
    return {
        "id": contact.id,
        "name": contact.name,
        "role": text(contact.role, lang),
        "organisation": text(contact.organisation, lang),
        "office": text(contact.office, lang),
        "address": text(contact.address, lang),
        "phone": phone,
        "email": contact.email,
        "url": contact.url,
        "vcard": vcf,
    }
