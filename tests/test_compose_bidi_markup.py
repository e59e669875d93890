"""`<bdi>` and `dir` written in a chapter are kept, so a right-to-left name stays before the
number after it in the PDF; `<bdo>` and a `dir` of another value are removed with a warning
that says what to write (trial 7 #11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_fixture, read_words
from reportbuilder import ReportError, build, check
from reportbuilder.compose.markup import removals, sanitize

NAME, OTHER = "שרה", "דוד"
CHAPTER = f"""# Only chapter

The winner: <bdi>{NAME}</bdi> 42 points.

Second place: <span dir="rtl">{OTHER}</span> 40 points.

<p dir="rtl">שלום עולם 2026</p>
"""


def test_bdi_and_dir_pass_the_sanitiser() -> None:
    html = (
        f'<p>A <bdi>{NAME}</bdi> 42, <span dir="RTL">{OTHER}</span> 40,'
        ' <em dir="auto">x</em></p><div dir="ltr">y</div>'
    )
    cleaned = sanitize(html)
    assert f"<bdi>{NAME}</bdi> 42" in cleaned
    assert f'<span dir="rtl">{OTHER}</span>' in cleaned
    assert '<em dir="auto">x</em>' in cleaned and '<div dir="ltr">y</div>' in cleaned
    assert removals(html) == []


def test_bdo_and_an_unknown_direction_are_removed_saying_what_to_write() -> None:
    html = '<p><bdo dir="rtl">abc</bdo> and <span dir="sideways">x</span></p>'
    assert sanitize(html) == "<p>abc and <span>x</span></p>"
    messages = [message for message, _ in removals(html)]
    assert any("<bdo>" in m and "<bdi>…</bdi>" in m for m in messages), messages
    assert "removed dir='sideways' from <span> (dir is rtl, ltr or auto)" in messages


def test_a_typed_isolate_is_refused_pointing_to_bdi(tmp_path: Path) -> None:
    """The error for a typed FIRST STRONG ISOLATE says how to get what it was meant for."""
    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "content" / "01-only.md").write_text(
        f"# Only chapter\n\nThe winner: \u2068{NAME}\u2069 42 points.\n", encoding="utf-8"
    )
    with pytest.raises(ReportError) as caught:
        check(project)
    message = str(caught.value)
    assert "content/01-only.md:3: a bidirectional control (U+2068)" in message
    assert "<bdi>…</bdi>" in message and 'dir="rtl"' in message


@pytest.mark.pdf
def test_a_right_to_left_name_stays_before_its_number(tmp_path: Path) -> None:
    """ "The winner: <bdi>שרה</bdi> 42" printed "The winner: 42 שרה": the sanitiser removed
    `<bdi>` (and `dir`), and the bidi algorithm took the number into the Hebrew run. Now the
    name prints before the number, a `dir="rtl"` paragraph is set from the right margin, and
    nothing is said removed."""
    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "content" / "01-only.md").write_text(CHAPTER, encoding="utf-8")
    pdf = tmp_path / "out.pdf"
    result = build(project, output=pdf)
    assert not [w for w in result.warnings if "removed" in w.message], result.warnings
    pages, every = read_words(pdf)
    (winner,) = [w for w in every if w.text == "winner:"]
    words = [w for w in every if w.page == winner.page]
    # pdftotext gives a right-to-left word's letters in the order they are drawn.
    for name, number in ((NAME, "42"), (OTHER, "40")):
        (drawn,) = [w for w in words if w.text == name[::-1]]
        (figure,) = [w for w in words if w.text == number]
        assert drawn.page == figure.page and abs(drawn.y1 - figure.y1) < 3  # one line
        assert drawn.x1 < figure.x0, (name, drawn, figure)
    (year,) = [w for w in words if w.text == "2026"]
    (hello,) = [w for w in words if w.text == "שלום"[::-1]]
    width = pages[year.page - 1][0]
    # Right to left: the line ends at the right margin (20 mm), the year on its left end.
    assert abs(hello.x1 - (width - 20 * 72 / 25.4)) < 2, (hello, width)
    assert year.x1 < hello.x0
