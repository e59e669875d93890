"""A report in a right-to-left language (`lang: ar`, any CLDR code with its locale/ar.po) was
laid out left to right: "12,5" at the left end of the line and "%." at the right, headings,
lists and contents on the wrong side (trial 8 #21). Its document reads right to left now."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import one_chapter_project, read_words
from reportbuilder import build, load_project, render_html

THEME_POT = Path(__file__).parent.parent / "src/reportbuilder/themes/base/locale/theme.pot"
CHAPTER = (
    "# مقدمة\n\nبلغ عدد المهاجرين {{ 12345 }} شخصا، أي بزيادة قدرها 12,5 %.\n\n- البند الأول\n"
)


def _arabic(tmp_path: Path) -> Path:
    project = one_chapter_project(tmp_path / "p", "تقرير", CHAPTER)
    config = project / "report.yml"
    config.write_text(config.read_text().replace("lang: en", "lang: ar"), encoding="utf-8")
    # every theme word given (in Arabic, "text"): the entries of the theme's template
    words = re.sub(r'(msgid "[^"]+"\n)msgstr ""', r'\1msgstr "نص"', THEME_POT.read_text("utf-8"))
    (project / "locale").mkdir()
    (project / "locale" / "ar.po").write_text(words, encoding="utf-8")
    return project


def test_a_right_to_left_language_sets_the_document_s_direction(tmp_path: Path) -> None:
    html = render_html(load_project(_arabic(tmp_path))).text
    assert '<html lang="ar" dir="rtl">' in html
    english = one_chapter_project(tmp_path / "en", "Report", "# Intro\n\nText.\n")
    assert '<html lang="en">' in render_html(load_project(english)).text


@pytest.mark.pdf
def test_a_right_to_left_paragraph_starts_at_the_right_margin(tmp_path: Path) -> None:
    project = _arabic(tmp_path)
    pdf = tmp_path / "ar.pdf"
    build(load_project(project), output=pdf)
    pages, words = read_words(pdf)
    # pdftotext gives an Arabic word's letters in the order they are drawn
    first = next(w for w in words if w.text in ("بلغ", "بلغ"[::-1]))
    width = pages[first.page - 1][0]
    assert first.x0 > width / 2, first  # the line's first word is on the right
    sign = next(w for w in words if w.page == first.page and "%" in w.text)
    figure = next(w for w in words if w.page == first.page and w.text.startswith("12,5"))
    assert abs(sign.y0 - figure.y0) < 2 and 0 <= figure.x0 - sign.x1 < 10, (figure, sign)
