"""The cover at small page sizes: the organisation's name is never under the colour band,
and a long title, subtitle and four authors stack without overprinting (trial 4 #18: at A5
`init`'s own "Your organisation" was half hidden under the band; a 150-character title and
subtitle ran into the authors and the date, the authors to the paper's edge)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from click.testing import CliRunner

from conftest import read_words
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

LONG = {
    "title": "Estudio nacional sobre las condiciones de vida, el acceso a servicios básicos y "
    "la movilidad de los hogares migrantes en las regiones del norte de Chile",
    "subtitle": "Resultados preliminares de la encuesta de hogares realizada entre marzo y "
    "junio de 2026 en Arica, Iquique, Antofagasta y Calama, con apoyo de socios locales",
}
AUTHORS = (
    "authors: [María José García López, Pedro Álvarez Fernández, Ana Lucía Gómez de la "
    "Fuente, Juan Carlos Rodríguez Pérez]\n"
)


def cover(tmp_path: Path, page_size: str, long: bool) -> tuple[Path, Path]:
    root = tmp_path / "p"
    assert CliRunner().invoke(main, ["init", str(root), "--lang", "en"]).exit_code == 0
    config = root / "report.yml"
    text = config.read_text(encoding="utf-8")
    if long:
        text = text.replace("title: Household survey 2026", f'title: "{LONG["title"]}"')
        text = text.replace("subtitle: First results", f'subtitle: "{LONG["subtitle"]}"')
        text += AUTHORS
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "c.pdf"
    args = ["build", str(root), "-o", str(out), "--set", f"page_size={page_size}"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root, out


@pytest.mark.parametrize("page_size", ["A5", "B5", "A4"])
def test_the_organisation_is_above_the_band(tmp_path: Path, page_size: str) -> None:
    _, out = cover(tmp_path, page_size, long=False)
    _, words = read_words(out)
    org = next(w for w in words if w.page == 1 and w.text == "organisation")
    page = pypdfium2.PdfDocument(str(out))[0]
    scale = 2
    picture = page.render(scale=scale).to_pil().convert("RGB")
    # Just below the name's letters the page is white, not the band's colour.
    x = int((org.x0 + org.x1) / 2 * scale)
    y = int((org.y1 + 2) * scale)
    assert min(picture.getpixel((x, y))) > 240, picture.getpixel((x, y))


def test_a_long_title_and_four_authors_stack_on_an_a5_cover(tmp_path: Path) -> None:
    _, out = cover(tmp_path, "A5", long=True)
    sizes, words = read_words(out)
    width = sizes[0][0]
    first = [w for w in words if w.page == 1]
    subtitle_end = max(w.y1 for w in first if w.text in ("socios", "locales"))
    authors = [w for w in first if w.text in ("María", "Pedro", "Juan", "Fuente,", "Fuente")]
    assert authors and subtitle_end < min(w.y0 for w in authors)  # no overprint
    assert max(w.x1 for w in first) < width - 40  # nothing runs to the paper's edge
    date = next(w for w in first if w.text == "2026" and w.y0 > subtitle_end)
    assert max(w.y1 for w in authors) <= date.y0 + 1
