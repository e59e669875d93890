"""`{{ report.date }}` in a chapter prints the date as the cover does, in the edition's
language (`1 mars 2026`), not ISO (`2026-03-01`) in a French sentence; its parts and
`| date` work as before. Built and read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import copy_fixture, page_texts
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf


@pytest.mark.parametrize(
    ("lang", "printed"),
    [("fr", "Publié le 1 mars 2026 (2026, mars 2026)."), ("en", "Publié le March 1, 2026")],
)
def test_report_date_prints_the_editions_way(tmp_path: Path, lang: str, printed: str) -> None:
    root = copy_fixture("mini", tmp_path / "mini")
    (root / "content" / "02-findings.md").unlink()
    config = root / "report.yml"
    config.write_text(config.read_text().replace("lang: en", f"lang: {lang}"))
    (root / "content" / "02-dates.md").write_text(
        "# Dates\n\nPublié le {{ report.date }} ({{ report.date.year }}, "
        '{{ report.date | date("MMMM y") }}).\n\n{{ "Joined on " ~ report.date }}.\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = page_texts(pypdf.PdfReader(out))
    assert printed in "\n".join(pages)
    assert f"Joined on {'1 mars 2026' if lang == 'fr' else 'March 1, 2026'}." in "\n".join(pages)
    assert "2026-03-01" not in "\n".join(pages)
    cover_date = "1 mars 2026" if lang == "fr" else "March 1, 2026"
    assert cover_date in pages[0]
