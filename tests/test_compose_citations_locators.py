"""Pandoc's citation forms beyond `[@key]` (trial 8 #18): `[@rojas2025, p. 12]`,
`[voir @rojas2025, chap. 2]` printed as typed, and the work was left out of the references
(the one warning said to write the brackets it had). A page, a chapter, a prefix and a suffix
are printed the style's way; `[-@key]` is an error at its line; a bracket with words around no
known key (`[ping @bob on Slack]`) is text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportbuilder import ComposeError, load_project, render_html
from reportbuilder.compose.citations import CITATION, Citations, items_of

ROJAS = {
    "id": "rojas2025",
    "type": "report",
    "title": "Trata de personas",
    "author": [{"family": "Rojas", "given": "Ana"}],
    "issued": {"date-parts": [[2025]]},
}
WHO = {
    "id": "who2019",
    "type": "report",
    "title": "World report",
    "author": [{"literal": "WHO"}],
    "issued": {"date-parts": [[2019]]},
}


def _cite(text: str, lang: str = "en") -> str | None:
    match = CITATION.search(text)
    assert match is not None, text
    items = items_of(match)
    assert items is not None
    return Citations([ROJAS, WHO], lang).cite(items)


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("[@rojas2025, p. 12]", "(Rojas, 2025, p. 12)"),
        ("[@rojas2025, pp. 12-14]", "(Rojas, 2025, pp. 12–14)"),
        ("[@rojas2025, 12]", "(Rojas, 2025, p. 12)"),
        ("[@rojas2025 p. 12]", "(Rojas, 2025, p. 12)"),
        ("[@rojas2025, chap. 2]", "(Rojas, 2025, ch. 2)"),
        ("[see @rojas2025, p. 3]", "(see Rojas, 2025, p. 3)"),
        ("[@rojas2025, p. 3, emphasis added]", "(Rojas, 2025, p. 3, emphasis added)"),
        ("[@rojas2025, p. 3; @who2019]", "(WHO, 2019; Rojas, 2025, p. 3)"),
    ],
)
def test_a_locator_a_prefix_and_a_suffix_are_printed(written: str, printed: str) -> None:
    assert _cite(written) == f'<span class="citation">{printed}</span>'


def test_the_locator_is_said_in_the_edition_s_language() -> None:
    assert _cite("[voir @rojas2025, chap. 2]", "fr") == (
        '<span class="citation">(voir Rojas, 2025, chap. 2)</span>'
    )
    spanish = _cite("[@rojas2025, pág. 7]", "es")
    assert spanish == '<span class="citation">(Rojas, 2025, p. 7)</span>'


def test_a_prefix_is_escaped() -> None:
    assert _cite("[<b>x</b> @rojas2025]") == (
        '<span class="citation">(&lt;b&gt;x&lt;/b&gt; Rojas, 2025)</span>'
    )


@pytest.mark.parametrize(
    "text", ["[write to ana@example.org]", "[@rojas2025](https://example.org)", "[a; b]"]
)
def test_an_address_a_link_or_a_bracket_without_a_key_is_no_citation(text: str) -> None:
    match = CITATION.search(text)
    assert match is None or items_of(match) is None


def _project(project: Path, sentence: str) -> Path:
    (project / "references.json").write_text(json.dumps([ROJAS, WHO]))
    config = project / "report.yml"
    config.write_text(config.read_text() + "bibliography: references.json\n")
    chapter = project / "content" / "01-overview.md"
    chapter.write_text(chapter.read_text() + f"\n{sentence}\n")
    return chapter


def test_every_work_cited_with_a_locator_is_in_the_references(mini_project: Path) -> None:
    _project(
        mini_project,
        "Two [@rojas2025, p. 12]. Three [see @who2019, chap. 2]. Ping [ask @bob on Slack].",
    )
    html = render_html(load_project(mini_project)).text
    assert 'Two <span class="citation">(Rojas, 2025, p. 12)</span>.' in html
    assert 'Three <span class="citation">(see WHO, 2019, ch. 2)</span>.' in html
    assert "Ping [ask @bob on Slack]." in html
    assert "<li>Rojas, A. (2025)" in html and "<li>WHO (2019)" in html


def test_the_author_left_out_is_an_error_at_its_line(mini_project: Path) -> None:
    chapter = _project(mini_project, "Rojas shows it [-@rojas2025].")
    line = len(chapter.read_text().splitlines())
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(mini_project))
    assert [str(p) for p in raised.value.problems] == [
        f"content/01-overview.md:{line}: citation [-@rojas2025]: the author left out "
        "(-@rojas2025) is not supported: name the author in the sentence and write [@rojas2025]"
    ]
