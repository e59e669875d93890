"""`reportbuilder init`: a small project that builds as it is, in French, English or Spanish."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reportbuilder.errors import OutputError, Problem, Stage

_TEXT = {
    "en": {
        "title": "Household survey 2026",
        "subtitle": "First results",
        "org": "Your organisation",
        "chapter": "introduction",
        "heading": "Introduction",
        "body": (
            "This survey reached {{ data.survey.households.value | number }} households. "
            "Most of them ({{ data.survey.tenure.owners.percent | percent }}) own their home."
        ),
        "households": "households surveyed",
        "tenure": "Housing tenure",
        "owners": "Owners",
        "renters": "Renters",
        "other": "Other",
        "chart": "Households by housing tenure",
        "name": "Alex Example",
        "office": "Research office",
    },
    "fr": {
        "title": "Enquête auprès des ménages 2026",
        "subtitle": "Premiers résultats",
        "org": "Votre organisation",
        "chapter": "introduction",
        "heading": "Introduction",
        "body": (
            "L’enquête a touché {{ data.survey.households.value | number }} ménages. "
            "La plupart ({{ data.survey.tenure.owners.percent | percent }}) sont propriétaires "
            "de leur logement."
        ),
        "households": "ménages interrogés",
        "tenure": "Statut d’occupation du logement",
        "owners": "Propriétaires",
        "renters": "Locataires",
        "other": "Autre",
        "chart": "Ménages selon le statut d’occupation",
        "name": "Camille Exemple",
        "office": "Service des études",
    },
    "es": {
        "title": "Encuesta de hogares 2026",
        "subtitle": "Primeros resultados",
        "org": "Su organización",
        "chapter": "introduccion",
        "heading": "Introducción",
        "body": (
            "La encuesta llegó a {{ data.survey.households.value | number }} hogares. "
            "La mayoría ({{ data.survey.tenure.owners.percent | percent }}) son propietarios "
            "de su vivienda."
        ),
        "households": "hogares encuestados",
        "tenure": "Régimen de tenencia de la vivienda",
        "owners": "Propietarios",
        "renters": "Inquilinos",
        "other": "Otro",
        "chart": "Hogares según el régimen de tenencia",
        "name": "Andrea Ejemplo",
        "office": "Oficina de estudios",
    },
}


def project_files(lang: str) -> dict[str, str]:
    """The files of a new project, by relative path."""
    t = _TEXT[lang]
    return {
        "report.yml": (
            f"title: {t['title']}\n"
            f"subtitle: {t['subtitle']}\n"
            f"lang: {lang}\n"
            "date: 2026-01-15\n"
            "organisation:\n"
            f"  name: {t['org']}\n"
            "brand:\n"
            '  primary: "#0b3c5d"\n'
            '  accent: "#f2a541"\n'
            "contact: office\n"
        ),
        f"content/01-{t['chapter']}.md": (
            f"# {t['heading']}\n\n{t['body']}\n\n"
            "{{ keyfigures(data.survey.households, data.survey.tenure.owners) }}\n\n"
            "{{ table(data.survey.tenure) }}\n\n"
            f'{{{{ chart(data.survey.tenure, kind="bar", title="{t["chart"]}") }}}}\n'
        ),
        "data/survey.yml": (
            "households:\n"
            "  value: 1200\n"
            f"  label: {t['households']}\n"
            "tenure:\n"
            f"  label: {t['tenure']}\n"
            "  base: households\n"
            "  categories:\n"
            f"    owners: {{label: {t['owners']}, percent: 58}}\n"
            f"    renters: {{label: {t['renters']}, percent: 37}}\n"
            f"    other: {{label: {t['other']}, percent: 5}}\n"
        ),
        "contacts.yml": (
            "contacts:\n"
            "  - id: office\n"
            f"    name: {t['name']}\n"
            f"    organisation: {t['org']}\n"
            f"    office: {t['office']}\n"
            '    phone: "+1 202 555 0100"\n'
            "    email: research@example.org\n"
        ),
        # the outputs, and the build cache (`.reportbuilder/cache/`, megabytes after a few builds)
        ".gitignore": "/out/\n/.reportbuilder/\n",
    }


def create_project(directory: Path, lang: str) -> list[Path]:
    """Write a new project into `directory`, which must be empty or absent."""
    if lang not in _TEXT:
        raise OutputError(
            Problem(
                str(directory), None, f"no starter text for language '{lang}'", stage=Stage.OUTPUT
            )
        )
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise OutputError(
            Problem(
                str(directory),
                None,
                "exists and is not empty; choose a new folder",
                stage=Stage.OUTPUT,
            )
        )
    written: list[Path] = []
    try:
        for rel, text in project_files(lang).items():
            path = directory / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
        (directory / "assets").mkdir(exist_ok=True)
    except OSError as error:
        for path in written:  # no half-made project left behind
            path.unlink(missing_ok=True)
        reason = error.strerror or str(error)
        raise OutputError(
            Problem(
                str(directory), None, f"cannot create the project: {reason}", stage=Stage.OUTPUT
            )
        ) from None
    return written


# `init --ci KIND`: the file each kind writes, and where.
CI_FILES = {
    "github": ("github.yml", ".github/workflows/report.yml"),
    "gitlab": ("gitlab.yml", ".gitlab-ci.yml"),
    "pre-commit": ("pre-commit-config.yml", ".pre-commit-config.yaml"),
}


_UNSET = 'REPORTBUILDER: ""'


def ci_text(kind: str, install: str | None = None) -> str:
    """The CI file of `kind` (github, gitlab, pre-commit), as shipped in the package, with
    `install` (what pip installs reportbuilder from) written in when given."""
    from importlib.resources import files

    name, _ = CI_FILES[kind]
    text = files("reportbuilder.ci").joinpath(name).read_text(encoding="utf-8")
    if install is not None:
        text = text.replace(_UNSET, f"REPORTBUILDER: {json.dumps(install)}")  # YAML's quotes
    return text


def install_source() -> str | None:
    """What this reportbuilder was installed from, when a CI job can install the same
    pinned: a git URL at its commit, or a wheel's URL (PEP 610's direct_url.json). None
    for a local folder, an editable install or a package index: a bare name on a public
    index could be anyone's package."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        raw = distribution("reportbuilder").read_text("direct_url.json")
        found = json.loads(raw or "{}")
    except (PackageNotFoundError, ValueError):
        return None
    url = str(found.get("url", ""))
    if not url.startswith("https://"):
        return None
    vcs = found.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"git+{url}@{vcs['commit_id']}"
    archive = found.get("archive_info")
    if archive is not None and url.endswith(".whl"):
        digest = (archive.get("hashes") or {}).get("sha256")
        return f"{url}#sha256={digest}" if digest else url
    return None


_PINNED_GIT = re.compile(r"git\+https://[^\s@]+@[0-9a-fA-F]{7,40}")
_WHEEL_URL = re.compile(r"https://\S+\.whl(?:#sha256=[0-9a-fA-F]+)?")


def install_problem(spec: str, directory: Path) -> str | None:
    """Why `spec` is not what a CI job may install reportbuilder from, or None. A name or a
    version on a package index (`reportbuilder`, `reportbuilder==0.1.0`) could be anyone's
    package there, which the job would run with the repository's token."""
    spec = spec.strip()
    if _PINNED_GIT.fullmatch(spec) or _WHEEL_URL.fullmatch(spec):
        return None
    if spec.endswith(".whl") and "://" not in spec:
        wheel = Path(spec)
        if wheel.is_absolute() or ".." in wheel.parts:
            return f"'{spec}': a wheel inside the repository, by its path from the project folder"
        return None  # not there yet in a new project: `init` says so
    return (
        f"'{spec}' is not pinned: a name or a version on a package index could be anyone's "
        "package; give a wheel in the repository (vendor/reportbuilder-0.1.0-py3-none-any.whl), "
        "its https:// URL, or git+https://…@COMMIT"
    )


def write_ci(directory: Path, kinds: list[str], install: str | None = None) -> list[Path]:
    """Add CI files to the project in `directory`; an existing file is never replaced.
    `install`: what the workflows install reportbuilder from (else left for the user)."""
    targets = [(directory / CI_FILES[kind][1], kind) for kind in dict.fromkeys(kinds)]
    taken = [path for path, _ in targets if path.exists() or path.is_symlink()]
    if taken:
        problems = [
            Problem(str(path), None, "exists already; not replaced", stage=Stage.OUTPUT)
            for path in taken
        ]
        raise OutputError(problems)
    written: list[Path] = []
    for path, kind in targets:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as file:
                file.write(ci_text(kind, install))
        except OSError as error:
            for done in written:
                done.unlink(missing_ok=True)
            reason = error.strerror or str(error)
            raise OutputError(
                Problem(str(path), None, f"cannot write: {reason}", stage=Stage.OUTPUT)
            ) from None
        written.append(path)
    return written
