"""Where a report's numbers came from: the data files and a build manifest, attached to a
PDF/A-3 as associated files (`build --embed-sources`), then listed and checked against a
project folder (`reportbuilder provenance`).

The manifest records the tool and engine versions, the edition's settings, the build date
(from `SOURCE_DATE_EPOCH`, else none) and a SHA-256 of every source file of the project, so
anyone holding the PDF can tell whether a folder is the one it was made from. This is the
only way files enter a PDF: the render process refuses embedded files in any other build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import re
import unicodedata
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from reportbuilder.project.config import SOURCE_PLACES

MANIFEST = "reportbuilder-manifest.json"
DATA_RELATIONSHIP = "Data"  # ISO 32000-2, 7.11.3: what a table or a chart is drawn from
MANIFEST_RELATIONSHIP = "Supplement"
MAX_FILES = 5000  # a project with more source files than this is not a report project
EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the file date when no build date is set


@dataclass(frozen=True)
class Attached:
    """A file attached to a PDF, as read back."""

    name: str
    relationship: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Check:
    """One source file of the manifest compared with a project folder."""

    path: str
    state: str  # "same", "changed", "missing"


@dataclass
class Provenance:
    attached: list[Attached]
    manifest: dict[str, Any] | None
    checks: list[Check] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """A manifest is there, the attached data match it, and every check is "same"."""
        return (
            self.manifest is not None
            and not self.tampered()
            and all(c.state == "same" for c in self.checks)
        )

    def tampered(self) -> list[str]:
        """Attached data files whose bytes are not those the manifest recorded."""
        recorded = {x["path"]: x["sha256"] for x in (self.manifest or {}).get("inputs", [])}
        return [
            a.name for a in self.attached if a.name != MANIFEST and recorded.get(a.name) != a.sha256
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "attached": [
                {
                    "name": a.name,
                    "relationship": a.relationship,
                    "bytes": len(a.data),
                    "sha256": a.sha256,
                }
                for a in self.attached
            ],
            "manifest": self.manifest,
            "tampered": self.tampered(),
            "checks": [{"path": c.path, "state": c.state} for c in self.checks],
        }


def source_files(root: Path) -> list[Path]:
    """The project's source files (report.yml, contacts.yml, content/, data/, assets/,
    templates/, styles/), regular files only, links not followed, in a stable order."""
    found: list[Path] = []
    for place in SOURCE_PLACES:
        top = root / place
        if top.is_symlink():
            continue
        if top.is_file():
            found.append(top)
        elif top.is_dir():
            for path in sorted(top.rglob("*")):
                if len(found) >= MAX_FILES:
                    break
                if path.is_file() and not path.is_symlink() and not _hidden(path, root):
                    found.append(path)
    return found


# What the data loader reads (and its `NAME.csv.yml` settings); anything else in data/ is
# no source of the report's figures and is not attached (a stray `notes.txt`).
_DATA_SUFFIXES = (".csv", ".yml", ".yaml", ".json", ".xlsx")


def _read_as_data(relative: Path) -> bool:
    """Whether a project file is one the data loader reads: in data/ itself, of a data
    suffix, not an Office lock file or an editor backup."""
    return (
        len(relative.parts) == 2
        and relative.parts[0] == "data"
        and relative.name.lower().endswith(_DATA_SUFFIXES)
        and not relative.name.startswith("~$")
    )


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def manifest(root: Path, settings: dict[str, Any], built: dt.datetime | None) -> bytes:
    """The build manifest as JSON bytes (sorted, so the same inputs give the same bytes)."""
    inputs = []
    for path in source_files(root):
        data = path.read_bytes()
        inputs.append(
            {
                "path": path.relative_to(root).as_posix(),
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
        )
    document = {
        "tool": {"name": "reportbuilder", "version": _version("reportbuilder")},
        "engine": {"weasyprint": _version("weasyprint"), "python": platform.python_version()},
        "built": built.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if built else None,
        "edition": settings,
        "inputs": inputs,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def data_files(root: Path) -> list[Path]:
    """The files of data/ the data loader reads (and their `NAME.csv.yml` settings)."""
    return [path for path in source_files(root) if _read_as_data(path.relative_to(root))]


def data_files_read(root: Path, names: set[str] | None) -> tuple[list[Path], list[Path]]:
    """(read, not read): the data files behind the data `names` the chapters read (None:
    all), with their settings files and the files their figures refer to (`of:
    study.households` reads data/study.yml), and the others."""
    files = data_files(root)
    if names is None:
        return files, []
    stems = {path: unicodedata.normalize("NFC", _data_name(path.name)) for path in files}
    wanted = {unicodedata.normalize("NFC", name) for name in names}
    grown = True
    while grown:  # a figure's base may be another file's figure, itself based on a third
        grown = False
        for path, stem in stems.items():
            if stem not in wanted or path.suffix.lower() not in (".yml", ".yaml", ".json"):
                continue
            text = _text(path)
            for other in set(stems.values()) - wanted:
                if re.search(rf"(?<![\w.]){re.escape(other)}\.\w", text):
                    wanted.add(other)
                    grown = True
    read = [path for path in files if stems[path] in wanted]
    return read, [path for path in files if stems[path] not in wanted]


def _data_name(name: str) -> str:
    """The data name a file of data/ gives (`survey` for survey.yml), its settings file
    (`survey.csv.yml`) the name of the file it describes."""
    lowered = name.lower()
    for suffix in _DATA_SUFFIXES:
        for side in (".yml", ".yaml"):
            if lowered.endswith(suffix + side):
                return name[: -len(suffix + side)]
    return name.rsplit(".", 1)[0]


def _text(path: Path) -> str:
    try:
        return unicodedata.normalize("NFC", path.read_text("utf-8", "replace"))
    except OSError:
        return ""


def embedded_sources(
    root: Path,
    settings: dict[str, Any],
    built: dt.datetime | None,
    attach: list[Path] | None = None,
) -> list[tuple[str, bytes, str, str, dt.datetime]]:
    """What `--embed-sources` attaches: each data file of `attach` (default: all) with
    relationship Data, and the manifest (Supplement), which hashes every source file, as
    (name, bytes, relationship, description, date)."""
    date = built or EPOCH
    attached = [
        (
            path.relative_to(root).as_posix(),
            path.read_bytes(),
            DATA_RELATIONSHIP,
            "data the report's figures come from",
            date,
        )
        for path in (data_files(root) if attach is None else attach)
    ]
    attached.append(
        (
            MANIFEST,
            manifest(root, settings, built),
            MANIFEST_RELATIONSHIP,
            "how this PDF was built: tool, engine, edition, and a hash of every source file",
            date,
        )
    )
    return attached


def read(pdf: Path) -> Provenance:
    """The files attached to a PDF and its manifest, if it has one."""
    import pypdf

    reader = pypdf.PdfReader(pdf)
    attached = [
        Attached(item.name, str(item.associated_file_relationship).lstrip("/"), item.content)
        for item in reader.attachment_list
    ]
    found = next((a for a in attached if a.name == MANIFEST), None)
    document = None
    if found is not None:
        try:
            loaded = json.loads(found.data)
            document = loaded if isinstance(loaded, dict) else None
        except (ValueError, UnicodeDecodeError):
            document = None
    return Provenance(attached, document)


def verify(provenance: Provenance, root: Path) -> Provenance:
    """Compare the manifest's source files with those of the project folder `root`: each is
    "same", "changed" or "missing"; files in the folder the manifest lacks are "added"."""
    recorded = {x["path"]: x["sha256"] for x in (provenance.manifest or {}).get("inputs", [])}
    present = {p.relative_to(root).as_posix(): p for p in source_files(root)}
    checks = []
    for path, digest in recorded.items():
        file = present.get(path)
        if file is None:
            checks.append(Check(path, "missing"))
        else:
            same = hashlib.sha256(file.read_bytes()).hexdigest() == digest
            checks.append(Check(path, "same" if same else "changed"))
    checks += [Check(path, "added") for path in present if path not in recorded]
    provenance.checks = checks
    return provenance
