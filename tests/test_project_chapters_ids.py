"""Trial 8 #29: `content/01-résumé.md` and `content/02-resume.md` both have the id `resume`;
the second silently became `resume-2`, and a link to #resume led to the first. A warning at
the second file says so and how to choose its id; files named by numbers alone (`01.md`,
`02.md`, which no link names) are not warned of."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reportbuilder.cli import main


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "report.yml").write_text("title: Ids\nlang: fr\n", encoding="utf-8")
    for name, text in files.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def _warnings(root: Path) -> list[str]:
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line.startswith("warning:")]


def test_a_second_chapter_with_the_same_id_is_said(tmp_path: Path) -> None:
    root = _project(
        tmp_path / "a",
        {
            "01-résumé.md": "# Résumé\n\nVoir [l’autre](#resume).\n",
            "02-resume.md": "# Reprise\n\nTexte.\n",
            "03-x.md": "---\nid: resume\n---\n# Trois\n\nTexte.\n",
        },
    )
    assert _warnings(root) == [
        "warning: content/02-resume.md:1: its id 'resume' is taken by content/01-résumé.md, "
        "so this chapter's is 'resume-2' and a link to #resume leads to the other: set id: "
        "in its front matter",
        "warning: content/03-x.md:1: its id 'resume' is taken by content/01-résumé.md, so "
        "this chapter's is 'resume-2-2' and a link to #resume leads to the other: set id: in "
        "its front matter",
    ]


def test_chapters_named_by_numbers_alone_are_not_warned_of(tmp_path: Path) -> None:
    root = _project(tmp_path / "b", {"01.md": "# Un\n\nTexte.\n", "02.md": "# Deux\n\nTexte.\n"})
    assert _warnings(root) == []
