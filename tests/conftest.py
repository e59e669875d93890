"""Shared fixtures: copies of the example project and of the mini fixture project in tmp_path,
the example report built once per session, and helpers that read PDFs back with pypdf.

pypdf (not poppler's pdftotext) is used to read text back because it keeps U+00A0 and U+202F,
so French typography (`89\u00a0%`, `victimes\u202f?`) can be asserted exactly.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What makes up the example project at the repository root (templates/ and styles/ are
# optional overrides and are copied when present).
EXAMPLE_PARTS = ("report.yml", "content", "data", "contacts.yml", "assets", "templates", "styles")
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def pytest_configure(config: pytest.Config) -> None:
    # Our own bugs raise with their traceback in tests (and in the CLI runs they start),
    # instead of the one-line "internal error" users get.
    os.environ["REPORTBUILDER_DEBUG"] = "1"
    config.addinivalue_line(
        "markers",
        "slow: a slow end-to-end test (runs in the default `make test` run; deselect by hand "
        "with -m 'not slow' while iterating)",
    )


def copy_example(dest: Path) -> Path:
    """Copy the example report project at the repository root into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        elif source.is_file():
            shutil.copy2(source, dest / name)
    return dest


def copy_fixture(name: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / name, dest)
    return dest


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A fresh copy of the example project (the repository root) in tmp_path."""
    return copy_example(tmp_path / "example")


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A fresh copy of tests/fixtures/mini (a small English project) in tmp_path."""
    return copy_fixture("mini", tmp_path / "mini")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# --- Reading PDFs back ------------------------------------------------------------------------


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def _fonts_in(resources: Any, seen: set[int]) -> Iterator[Any]:
    """Every font dictionary reachable from a /Resources dictionary (form XObjects included)."""
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        ref = getattr(xobject, "idnum", None)
        if ref is not None:
            if ref in seen:
                continue
            seen.add(ref)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts_in(xobject.get("/Resources"), seen)


def pdf_fonts(reader: pypdf.PdfReader) -> list[dict[str, Any]]:
    """The fonts of a PDF that carry glyphs: (BaseFont, FontDescriptor) of each descendant.

    A Type0 (composite) font's glyphs live in its /DescendantFonts; simple fonts carry their
    own /FontDescriptor. Type3 fonts have no descriptor and are reported as such.
    """
    found: dict[str, dict[str, Any]] = {}
    seen: set[int] = set()
    for page in reader.pages:
        for font in _fonts_in(page.get("/Resources"), seen):
            parts = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for part in parts:
                name = str(part.get("/BaseFont", font.get("/BaseFont", "")))
                descriptor = part.get("/FontDescriptor")
                found[name] = {
                    "name": name.lstrip("/"),
                    "subtype": str(part.get("/Subtype")),
                    "descriptor": descriptor.get_object() if descriptor is not None else None,
                }
    return list(found.values())


# --- The example report, built once per session -------------------------------------------------


@dataclass(frozen=True)
class ExampleBuild:
    project: Path
    pdf: Path
    data: bytes
    reader: pypdf.PdfReader
    texts: list[str]
    json_doc: dict[str, Any]
    stdout: str


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> ExampleBuild:
    """`reportbuilder build <copy of the example> --json`, run once; many tests read it."""
    project = copy_example(tmp_path_factory.mktemp("example-session") / "example")
    result = CliRunner().invoke(main, ["build", str(project), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    pdf = Path(project, doc["outputs"][0]["path"])
    data = pdf.read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    return ExampleBuild(project, pdf, data, reader, page_texts(reader), doc, result.stdout)
