"""Trial 8 #20: a footnote called from a chapter title put its number in the running header
("Résultats1") and in the PDF outline, and the notes called from headings were set in the
headings' bold where the others are regular. The header and the outline have the heading's
words alone; every note is in the notes' own style."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pypdf
import pytest

from reportbuilder import Edition, build

CHAPTER = """# Résultats[^h]

Texte.

## Sous-partie avec note[^s]

Texte avec **une note en gras[^t]**.

[^h]: Note du titre.
[^s]: Note du sous-titre.
[^t]: Note du texte.
"""


@pytest.mark.pdf
def test_a_note_on_a_heading_stays_out_of_the_header_and_the_outline(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    (root / "report.yml").write_text("title: Test FR\nlang: fr\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(CHAPTER, encoding="utf-8")
    out = tmp_path / "notes.pdf"
    build(root, Edition(), output=out)
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "3", "-l", "3", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert " ".join(text.splitlines()[0].split()) == "Test FR Résultats"
    reader = pypdf.PdfReader(out)
    outline = reader.outline
    assert [item.title for item in outline if not isinstance(item, list)] == [  # type: ignore[union-attr]
        "Test FR",
        "Résultats",
    ]
    assert [item.title for item in outline[-1]] == ["Sous-partie avec note"]  # type: ignore[union-attr, index]
    fonts: dict[str, str] = {}

    def note(text: str, _cm: object, _tm: object, font: dict[str, str] | None, _s: float) -> None:
        if text.startswith("Note du") and font:
            fonts[text.strip()] = font["/BaseFont"].split("+")[-1]

    reader.pages[2].extract_text(visitor_text=note)
    assert fonts == {
        "Note du titre.": "Inter",
        "Note du sous-titre.": "Inter",
        "Note du texte.": "Inter",
    }
