"""project.chapters: `content/*.md` in order, each with optional front matter; every problem
at its file and line, and the body's lines kept where they were written."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from conftest import one_chapter_project
from reportbuilder import build
from reportbuilder.errors import Problem, ProjectError, Stage
from reportbuilder.project.chapters import load_chapters, slugify, split_front_matter
from reportbuilder.project.files import FilePolicy


def write(root: Path, files: dict[str, str]) -> FilePolicy:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return FilePolicy(root)


def shown(problems: list[Problem]) -> list[str]:
    assert all(p.stage is Stage.PROJECT for p in problems)
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Résumé exécutif", "resume-executif"),
        ("  Key figures: 2026!  ", "key-figures-2026"),
        ("Ñandú & Co", "nandu-co"),
        ("日本語", "section"),  # nothing left in ASCII
        ("", "section"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


# --- Front matter -----------------------------------------------------------------------------


def test_no_front_matter() -> None:
    assert split_front_matter("# Title\n\nText\n", "content/a.md") == ({}, "# Title\n\nText\n", [])
    assert split_front_matter("---\n", "content/a.md")[0] == {}
    assert split_front_matter("----\n# x\n", "content/a.md") == ({}, "----\n# x\n", [])


def test_front_matter_is_read_and_blanked_so_lines_stay_true() -> None:
    text = "---\ntitle: Résumé\nclass: summary wide\ntoc: false\nid: summary\n---\n# Résumé\n"
    meta, body, problems = split_front_matter(text, "content/a.md")
    assert meta == {"title": "Résumé", "class": "summary wide", "toc": False, "id": "summary"}
    assert problems == []
    assert body == "\n" * 6 + "# Résumé\n"  # the heading stays on line 7
    assert body.splitlines()[6] == "# Résumé"


def test_front_matter_never_closed() -> None:
    text = "---\ntitle: x\n# Heading\n"
    meta, body, problems = split_front_matter(text, "content/a.md")
    assert (meta, body) == ({}, text)
    assert shown(problems) == ["content/a.md:1: front matter opened with '---' is never closed"]


def test_front_matter_problems_name_their_lines() -> None:
    text = "---\ntitel: Résumé\ntoc: sometimes\nid: 'two words'\nclass: 'ok -bad'\nfoo: 1\n---\n"
    meta, _, problems = split_front_matter(text, "content/a.md")
    assert shown(problems) == [
        "content/a.md:2: unknown front matter key 'titel' (did you mean 'title'?)",
        "content/a.md:3: front matter 'toc': true or false (got 'sometimes')",
        "content/a.md:4: front matter 'id': a name of letters, digits, - and _ (got 'two words')",
        "content/a.md:5: front matter 'class': CSS class names (letters, digits, - and _)"
        " (got 'ok -bad')",
        "content/a.md:6: unknown front matter key 'foo'; known keys: title, class, toc, annex, "
        "id, translated_from",
    ]
    assert meta["toc"] == "sometimes"


def test_front_matter_that_is_no_mapping_or_bad_yaml() -> None:
    _, body, problems = split_front_matter("---\n- a\n- b\n---\n# T\n", "content/a.md")
    assert shown(problems) == ["content/a.md:2: front matter must be a mapping (title: …)"]
    assert body == "\n\n\n\n# T\n"
    _, _, problems = split_front_matter("---\ntitle: [unclosed\n---\n# T\n", "content/a.md")
    [problem] = problems
    assert problem.path == "content/a.md" and problem.line in (2, 3)


def test_empty_front_matter() -> None:
    assert split_front_matter("---\n---\n# T\n", "content/a.md") == ({}, "\n\n# T\n", [])


# --- Loading the chapters ---------------------------------------------------------------------


def test_chapters_in_file_name_order_with_slugs(tmp_path: Path) -> None:
    policy = write(
        tmp_path,
        {
            "content/02-results.md": "# Results\n",
            "content/01-résumé.md": "---\ntoc: false\n---\n# Résumé\n",
            "content/10_annex.md": "---\nid: extra\n---\n# Annex\n",
            "content/notes.txt": "not a chapter",
        },
    )
    chapters, problems = load_chapters(policy, None)
    # Said, as text in content/ that is not read (trial 6 #16); not a chapter.
    assert [(str(p), p.severity.value) for p in problems] == [
        ("content/notes.txt: not read: chapters are Markdown files ending in .md", "warning")
    ]
    assert [(c.rel, c.slug) for c in chapters] == [
        ("content/01-résumé.md", "resume"),
        ("content/02-results.md", "results"),
        ("content/10_annex.md", "extra"),
    ]
    assert [c.in_toc for c in chapters] == [False, True, True]


def test_chapters_numbered_without_leading_zeros_come_in_number_order(tmp_path: Path) -> None:
    """1-, 2-, 3-, 9-, 10-, 11- printed as 1, 10, 11, 2, 3, 9 (trial 4): the order of a file
    manager, numbers by value; zero-padded names keep theirs."""
    names = ["1-a.md", "10-b.md", "11-c.md", "2-d.md", "9-e.md", "09a-f.md", "B.md", "a.md"]
    policy = write(tmp_path, {f"content/{name}": f"# {name}\n" for name in names})
    chapters, problems = load_chapters(policy, None)
    assert problems == []
    assert [c.rel.removeprefix("content/") for c in chapters] == [
        "1-a.md",
        "2-d.md",
        "9-e.md",
        "09a-f.md",
        "10-b.md",
        "11-c.md",
        "B.md",
        "a.md",
    ]


def test_the_same_slug_twice_is_made_unique(tmp_path: Path) -> None:
    policy = write(tmp_path, {"content/01-intro.md": "# A\n", "content/02-intro.md": "# B\n"})
    chapters, _ = load_chapters(policy, None)
    assert [c.slug for c in chapters] == ["intro", "intro-2"]


def test_chapters_in_report_yml_order_and_missing_ones(tmp_path: Path) -> None:
    policy = write(
        tmp_path, {"content/alpha.md": "# A\n", "content/beta.md": "# B\n", "x.md": "# X\n"}
    )
    lines = {("chapters", 0): 5, ("chapters", 1): 6, ("chapters", 2): 7, ("chapters", 3): 8}
    chapters, problems = load_chapters(
        policy, ["beta.md", "alpha.md", "alpah.md", "../x.md"], lambda loc: lines.get(tuple(loc))
    )
    assert [c.rel for c in chapters] == ["content/beta.md", "content/alpha.md"]
    assert shown(problems) == [
        "report.yml:7: chapters: no file content/alpah.md (did you mean 'alpha.md'?)",
        "report.yml:8: chapters: no file content/../x.md",  # outside content/, even if it exists
    ]


def test_no_chapters(tmp_path: Path) -> None:
    assert shown(load_chapters(FilePolicy(tmp_path), None)[1]) == [
        "content/: no chapters: add Markdown files (*.md) to content/"
    ]


def test_a_chapter_that_links_out_is_refused_and_the_others_kept(tmp_path: Path) -> None:
    project = tmp_path / "project"
    policy = write(project, {"content/01-a.md": "# A\n"})
    (tmp_path / "secret.md").write_text("SECRET\n", encoding="utf-8")
    (project / "content" / "02-b.md").symlink_to(tmp_path / "secret.md")
    chapters, problems = load_chapters(policy, None)
    assert [c.rel for c in chapters] == ["content/01-a.md"]
    assert shown(problems) == ["content/02-b.md: is a link to a file outside the project; refused"]


def test_a_file_chapters_leaves_out_is_a_warning(tmp_path: Path) -> None:
    files = write(tmp_path, {"content/01-a.md": "# A\n", "content/02-b.md": "# B\n"})
    chapters, problems = load_chapters(files, ["01-a.md"])
    assert [c.rel for c in chapters] == ["content/01-a.md"]
    assert [(str(p), p.severity.value) for p in problems] == [
        (
            "content/02-b.md: not listed in chapters: in report.yml, so it is not in the report",
            "warning",
        )
    ]
    assert load_chapters(files, None)[1] == []  # without `chapters:` every file is read


def test_left_out_chapter_through_check(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from conftest import copy_fixture
    from reportbuilder.cli import main

    root = copy_fixture("mini", tmp_path / "p")
    with (root / "report.yml").open("a", encoding="utf-8") as out:
        out.write("chapters: [01-overview.md]\n")
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    line = (
        "content/02-findings.md: not listed in chapters: in report.yml, so it is not in the report"
    )
    assert result.exit_code == 0 and f"warning: {line}" in result.output
    result = CliRunner().invoke(main, ["check", str(root), "--strict"], catch_exceptions=False)
    assert result.exit_code == 1 and result.output.strip() == line


def test_a_chapter_outside_the_project_is_said_to_be_outside(tmp_path: Path) -> None:
    """`chapters: [.., ../../outside/secret.md]` said "no file" of a file that exists."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text("# Secret\n")
    policy = write(tmp_path / "p", {"content/alpha.md": "# A\n"})
    (tmp_path / "p" / "content" / "link.md").symlink_to(tmp_path / "outside" / "secret.md")
    names = ["alpha.md", "../../outside/secret.md", "../../outside/none.md", "link.md"]
    lines = {("chapters", i): 5 + i for i in range(len(names))}
    chapters, problems = load_chapters(policy, names, lambda loc: lines.get(tuple(loc)))
    assert [c.rel for c in chapters] == ["content/alpha.md"]
    outside = "is outside the project; a chapter is a Markdown file in content/"
    assert shown(problems) == [
        f"report.yml:6: chapters: ../../outside/secret.md {outside}",
        f"report.yml:7: chapters: ../../outside/none.md {outside}",  # the same: nothing probed
        f"report.yml:8: chapters: link.md {outside}",
    ]


def test_chapters_numbered_without_leading_zeros_keep_their_numbers_order(tmp_path: Path) -> None:
    """Trial 4 #33: 1-, 2-, 3-, 9-, 10-, 11- came out 1, 10, 11, 2, 3, 9 (the order of the
    characters), not the order Explorer and Finder show them in."""
    (tmp_path / "content").mkdir()
    for number in (1, 2, 3, 9, 10, 11):
        (tmp_path / "content" / f"{number}-chap.md").write_text(f"# Chapter {number}\n")
    chapters, problems = load_chapters(FilePolicy(tmp_path), None)
    assert problems == []
    assert [c.rel for c in chapters] == [f"content/{n}-chap.md" for n in (1, 2, 3, 9, 10, 11)]
    # Zero-padded names keep the order they always had.
    (tmp_path / "zero" / "content").mkdir(parents=True)
    for name in ("01-a.md", "02-b.md", "10-c.md", "annex.md"):
        (tmp_path / "zero" / "content" / name).write_text("# T\n")
    padded, _ = load_chapters(FilePolicy(tmp_path / "zero"), None)
    assert [c.rel for c in padded] == [
        "content/01-a.md", "content/02-b.md", "content/10-c.md", "content/annex.md"
    ]  # fmt: skip


def test_a_chapter_saved_under_another_name_is_an_error_and_a_sub_folder_is_said(
    tmp_path: Path,
) -> None:
    """Trial 5 #2: `02-two.MD`, `.markdown`, Notepad's `.md.txt` and `content/sub/04.md` were
    left out of the report without a word, `check` said "no problems found"."""
    content = tmp_path / "content"
    (content / "sub").mkdir(parents=True)
    for name in ("01-one.md", "02-two.MD", "03-three.markdown", "04-four.md.txt", "notes.csv"):
        (content / name).write_text("# Chapter\n", encoding="utf-8")
    (content / "sub" / "05-five.md").write_text("# Five\n", encoding="utf-8")
    (content / ".hidden.MD").write_text("# Hidden\n", encoding="utf-8")
    chapters, problems = load_chapters(FilePolicy(tmp_path), None)
    assert [c.rel for c in chapters] == ["content/01-one.md"]
    said = [(str(p), p.severity.value) for p in problems]
    rule = "not read as a chapter: a chapter's file name ends in .md, in lower case; rename it"
    assert said == [
        (f"content/02-two.MD: {rule} 02-two.md", "error"),
        (f"content/03-three.markdown: {rule} 03-three.md", "error"),
        (f"content/04-four.md.txt: {rule} 04-four.md", "error"),
        (
            "content/sub/05-five.md: not in the report: chapters are the .md files right in "
            "content/, not in its sub-folders (move it up, or out of content/ if it is a draft)",
            "warning",
        ),
    ]
    _, listed = load_chapters(FilePolicy(tmp_path), ["01-one.md"])  # with `chapters:` too
    assert [str(p) for p in listed if "02-two.MD" in str(p)] == [said[0][0]]


@pytest.mark.pdf
def test_the_renamed_chapter_is_built(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Named", "# One\n\nFirst.\n")
    (root / "content" / "02-two.MD").write_text("# Two\n\nSecond CHAPTERTWO.\n", "utf-8")
    out = tmp_path / "named.pdf"
    with pytest.raises(ProjectError) as raised:
        build(root, output=out)
    assert [p.path for p in raised.value.problems] == ["content/02-two.MD"]
    assert not out.exists()
    (root / "content" / "02-two.MD").rename(root / "content" / "02-two.md")
    build(root, output=out)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert "CHAPTERTWO" in text


def test_every_other_file_in_content_is_named(tmp_path: Path) -> None:
    """Trial 6 #16: `02-two.txt`, `03-three` (an extension hidden or forgotten), `04-four.md `
    (a space after a rename), R Markdown, Quarto, MDX, reStructuredText and Word files in
    content/ were left out with "no problems found". A file that looks like a chapter is an
    error; any other text or document a warning; pictures, data, backups nothing."""
    files = {
        "01-one.md": "# One\n",
        "02-two.txt": "# Two\n\nText.\n",
        "03-three": "Plain words, numbered like a chapter.\n",
        "04-four.md ": "# Four\n",
        "05-five.Rmd": "---\ntitle: Five\n---\n",
        "06-six.qmd": "# Six\n",
        "07-seven.docx": "PK",
        "notes.rst": "Some notes\n==========\n",
        "README": "What this folder is.\n",
        "minutes.docx": "PK",
        "chart.png": "",
        "table.csv": "a,b\n",
        "01-one.md~": "# One (backup)\n",
        "#01-one.md#": "# One (autosave)\n",
    }
    write(tmp_path, {f"content/{name}": text for name, text in files.items()})
    chapters, problems = load_chapters(FilePolicy(tmp_path), None)
    assert [c.rel for c in chapters] == ["content/01-one.md"]
    looks = "looks like a chapter but is not read: chapters end in .md; rename it"
    word = (
        "a word processor's document is not read: chapters are Markdown files ending in .md "
        "(copy its text into one)"
    )
    other = "not read: chapters are Markdown files ending in .md"
    assert sorted((str(p), p.severity.value) for p in problems) == sorted(
        [
            (f"content/02-two.txt: {looks} 02-two.md", "error"),
            (f"content/03-three: {looks} 03-three.md", "error"),
            (
                "content/04-four.md : not read as a chapter: a chapter's file name ends in .md, "
                "in lower case; rename it 04-four.md (its name ends in a space)",
                "error",
            ),
            (f"content/05-five.Rmd: {looks} 05-five.md", "error"),
            (f"content/06-six.qmd: {looks} 06-six.md", "error"),
            (f"content/07-seven.docx: {word}", "error"),
            (f"content/README: {other}", "warning"),
            (f"content/minutes.docx: {word}", "warning"),
            (f"content/notes.rst: {other}", "warning"),
        ]
    )


def test_bidi_controls_in_a_chapter_are_errors_at_their_line(tmp_path: Path) -> None:
    """Trial 6 #48: a right-to-left override in prose (typed, or as `&#x202E;`) made the
    PDF read "2025" where the source says "5202"; `check` found nothing. The marks of
    direction (U+200F), which reorder nothing, stay."""
    policy = write(
        tmp_path,
        {
            "content/01-a.md": "# A\n\nvictims \u202e5202\u202c here.\n\n"
            "victims &#x202E;5202&#8236; there.\n\nA mark \u200f stays.\n",
        },
    )
    _, problems = load_chapters(policy, None)
    rest = (
        "it makes the PDF show the text around it in another order than written; remove it"
        " (to keep a right-to-left name in its place beside a number, write it <bdi>…</bdi>,"
        ' or give its element dir="rtl")'
    )
    assert shown(problems) == [
        f"content/01-a.md:3: a bidirectional control (U+202E) at column 9: {rest}",
        f"content/01-a.md:5: a bidirectional control (&#x202E;) at column 9: {rest}",
    ]
