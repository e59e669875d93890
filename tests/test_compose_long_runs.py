"""compose/long_runs.py: break opportunities only in runs longer than any line, across the
inline elements they span, never inside an entity, a placeholder or a combining sequence."""

from __future__ import annotations

from reportbuilder.compose.long_runs import EVERY, LONGEST, ZWSP, break_long_runs


def test_ordinary_html_is_returned_unchanged() -> None:
    html = '<p>Words <strong>bold</strong> and a <a href="https://x.org/a">link</a>.</p>' * 50
    assert break_long_runs(html) is html


def test_a_run_across_elements_gets_a_break_every_few_characters() -> None:
    html = "<p>" + "<strong>a</strong>b" * 200 + " end</p>"
    out = break_long_runs(html)
    assert out.replace(ZWSP, "") == html
    run = out[3 : out.index(" end")]
    letters = [part.replace("<strong>", "").replace("</strong>", "") for part in run.split(ZWSP)]
    assert all(len(part) == EVERY for part in letters[:-1])


def test_entities_accents_and_placeholders_are_never_cut() -> None:
    text = ("&lt;e\u0301" + "RBPART0123456789abN12X") * 40
    out = break_long_runs(f"<p>{text}</p>")
    assert out.replace(ZWSP, "") == f"<p>{text}</p>"
    for piece in out[3:-4].split(ZWSP):
        assert not piece.startswith(("lt;", "\u0301")) and "RBPART0123456789abN12X" in (
            piece + "RBPART0123456789abN12X"
        )
    assert "&l" + ZWSP not in out and ZWSP + "\u0301" not in out


def test_code_blocks_tables_and_short_runs_are_left_alone() -> None:
    long = "x" * (LONGEST + 50)
    for html in (f"<pre><code>{long}</code></pre>", f"<table><tr><td>{long}</td></tr></table>"):
        assert (
            ZWSP not in break_long_runs(html + "<p>" + "y" * (LONGEST + 1) + "</p>").split("<p>")[0]
        )
    assert break_long_runs("<p>" + "z" * LONGEST + "</p>") == "<p>" + "z" * LONGEST + "</p>"
