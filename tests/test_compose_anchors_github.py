"""Links written the GitHub way find their heading: `## L'accès à l'eau` is
`#laccès-à-leau` on GitHub as here; GitHub's hyphen per space (`#water--sanitation-2026`),
a link copied from a browser (`#lacc%C3%A8s-%C3%A0-leau`) and capitals were dangling."""

from __future__ import annotations

import pytest

from reportbuilder.compose.anchors import Part, resolve

SOURCE = "## L'accès à l'eau\n\n## Water & Sanitation: 2026\n\nSee [it]({link}).\n"
HEADINGS = '<h2 id="d--laccès-à-leau">L’accès à l’eau</h2><h2 id="d--water-sanitation-2026">W</h2>'


@pytest.mark.parametrize(
    ("link", "heading"),
    [
        ("#laccès-à-leau", "d--laccès-à-leau"),
        ("#lacc%C3%A8s-%C3%A0-leau", "d--laccès-à-leau"),
        ("#water--sanitation-2026", "d--water-sanitation-2026"),
        ("#Water--Sanitation-2026", "d--water-sanitation-2026"),
        ("#l'accès-à-l'eau", "d--laccès-à-leau"),
    ],
)
def test_a_link_written_the_github_way_finds_its_heading(link: str, heading: str) -> None:
    part = Part(
        "d", "content/02-d.md", SOURCE.format(link=link), f'{HEADINGS}<a href="{link}">it</a>'
    )
    (html,), problems, _ = resolve([part])
    assert problems == []
    assert f'<a href="#{heading}">it</a>' in html


def test_a_link_to_no_heading_is_still_warned_at_its_line() -> None:
    link = "#water--supply"
    part = Part(
        "d", "content/02-d.md", SOURCE.format(link=link), f'{HEADINGS}<a href="{link}">it</a>'
    )
    _, problems, _ = resolve([part])
    assert [str(p) for p in problems] == [
        "content/02-d.md:5: link to '#water--supply': no heading or element has this id"
    ]
