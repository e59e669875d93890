"""Compiled chapter templates and converted Markdown kept between builds (`compose.memo`): the
HTML composed from the memo is the HTML composed afresh, an edit is seen, and content cannot
forge a helper's placeholder through it."""

from __future__ import annotations

import html
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reportbuilder.compose.html import render_html
from reportbuilder.compose.memo import FIXED, memo_for
from reportbuilder.edition import Edition
from reportbuilder.project.load import load_project

EDITION = Edition(created=datetime(2024, 1, 1, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's key for signing memo files, in a folder of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


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
    kept = memo_for(example_project)
    assert kept is not None and any(p.suffix == ".jbc" for p in kept.folder.iterdir())

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


def test_a_memo_file_not_signed_with_the_users_key_is_not_used(
    example_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project may come with a cache folder from anyone: its compiled code would run and
    its HTML be printed unsanitised."""
    fresh, _, _ = _compose(example_project, memo=True)
    kept = memo_for(example_project)
    assert kept is not None
    files = sorted(kept.folder.iterdir())
    assert files
    for path in files:  # what another user (another key) would have written
        data = path.read_bytes()
        forged = data[32:].replace(b"<p>", b"<p>FORGED ") if path.suffix == ".json" else b""
        path.write_bytes(data[:32] + (forged if forged != data[32:] else data[32:] + b"\0"))
    text, hits, misses = _compose(example_project, memo=True)
    assert text == fresh and "FORGED" not in text
    assert hits == 0 and misses == len([p for p in files if p.suffix != ".jbc"])
    # Another user's key: none of this user's files is used either.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    text, hits, _ = _compose(example_project, memo=True)
    assert text == fresh and hits == 0


def test_a_filter_of_constants_is_formatted_in_each_editions_language(
    mini_project: Path,
) -> None:
    """`{{ 1234.5 | number }}` was folded into the compiled chapter by Jinja, in the language
    of the edition that compiled it first, and the memo gave that text to every other
    edition (the French report read "1,234.5", the English "1 234,5"), even with --force."""
    chapter = mini_project / "content" / "02-findings.md"
    with chapter.open("a", encoding="utf-8") as file:
        file.write(
            "\n\nKONST {{ 1234.5 | number }} | {{ 12.5 | percent }} | "
            '{{ "2026-03-01" | date }} ENDK\n'
        )

    def line(lang: str) -> str:
        edition = Edition(created=EDITION.created, lang=lang)
        text = render_html(load_project(mini_project), edition, memo=memo_for(mini_project)).text
        (found,) = re.findall(r"KONST (.*?) ENDK", text)
        return html.unescape(found)

    for order in (("fr", "en", "es"), ("en", "fr", "es")):
        shutil.rmtree(mini_project / ".reportbuilder", ignore_errors=True)
        lines = {lang: line(lang) for lang in order}
        assert lines["en"] == "1,234.5 | 12.5% | March 1, 2026"
        assert lines["fr"] == "1\u202f234,5 | 12,5\u00a0% | 1 mars 2026"
        assert lines["es"] == "1234,5 | 12,5\u00a0% | 1 de marzo de 2026"
