"""Compiled chapter templates and converted Markdown kept between builds (`compose.memo`): the
HTML composed from the memo is the HTML composed afresh, an edit is seen, and content cannot
forge a helper's placeholder through it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reportbuilder.compose.html import render_html
from reportbuilder.compose.memo import FIXED, memo_for
from reportbuilder.edition import Edition
from reportbuilder.project.load import load_project

EDITION = Edition(created=datetime(2024, 1, 1, tzinfo=UTC))


def _compose(root: Path, memo: bool) -> tuple[str, int, int]:
    kept = memo_for(root) if memo else None
    text = render_html(load_project(root), EDITION, memo=kept).text
    return text, kept.hits if kept else 0, kept.misses if kept else 0


def test_the_memo_gives_what_composing_afresh_gives(example_project: Path) -> None:
    fresh, _, _ = _compose(example_project, memo=False)
    first, hits, misses = _compose(example_project, memo=True)
    assert first == fresh and hits == 0 and misses > 0
    # Helpers (charts, references, figures) number their placeholders over the whole report
    # with a nonce new each build: the second build finds every chapter again.
    second, hits, misses = _compose(example_project, memo=True)
    assert second == fresh and misses == 0 and hits == 2 * 4  # code and Markdown, 4 chapters

    chapter = example_project / "content" / "02-methode.md"
    with chapter.open("a", encoding="utf-8") as file:
        file.write("\n\nUne phrase **ajoutée** au milieu.\n")
    edited, hits, misses = _compose(example_project, memo=True)
    assert edited == _compose(example_project, memo=False)[0]
    assert "Une phrase <strong>ajoutée</strong> au milieu." in edited
    assert misses == 2 and hits == 6  # only the edited chapter composed again


def test_content_cannot_forge_a_placeholder_through_the_memo(example_project: Path) -> None:
    chapter = example_project / "content" / "02-methode.md"
    with chapter.open("a", encoding="utf-8") as file:
        file.write(f"\n\nTexte {FIXED}N0X fin.\n")
    for _ in range(2):
        text, _, _ = _compose(example_project, memo=True)
        assert f"Texte {FIXED}N0X fin." in text
