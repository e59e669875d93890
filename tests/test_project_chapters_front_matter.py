"""Front matter the chapters do not read, or that is all a chapter has: TOML between `+++`
lines (Hugo's) is an error at its line, as it printed as the first paragraph; a chapter of
front matter only is warned of, as it printed a page with its title alone."""

from __future__ import annotations

from pathlib import Path

from reportbuilder.errors import Severity
from reportbuilder.project.chapters import load_chapters
from reportbuilder.project.files import FilePolicy


def chapters(root: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    for rel, text in files.items():
        (root / "content").mkdir(exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _, problems = load_chapters(FilePolicy(root), None)
    return [(str(p), p.severity.value) for p in problems]


def test_toml_front_matter_is_an_error_at_its_first_line(tmp_path: Path) -> None:
    found = chapters(
        tmp_path,
        {"content/01-a.md": '+++\ntitle = "Access"\nannex = true\n+++\n\n# Access\n\nText.\n'},
    )
    assert len(found) == 1
    said, severity = found[0]
    assert said.startswith("content/01-a.md:1: front matter between '+++' lines (TOML)")
    assert severity == Severity.ERROR.value


def test_a_rule_of_plus_signs_alone_is_no_front_matter(tmp_path: Path) -> None:
    assert chapters(tmp_path, {"content/01-a.md": "+++\n\n# Access\n\nText.\n"}) == []


def test_a_chapter_of_front_matter_only_is_warned_of(tmp_path: Path) -> None:
    found = chapters(
        tmp_path,
        {
            "content/01-a.md": "# Access\n\nText.\n",
            "content/02-b.md": "---\ntitle: Annex B\nannex: true\n---\n\n",
        },
    )
    assert found == [
        (
            "content/02-b.md:1: the chapter has front matter and no text: it prints as its "
            "title alone on a page; write its text below the front matter, or leave the file "
            "out",
            "warning",
        )
    ]
