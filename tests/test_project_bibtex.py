"""BibTeX bibliographies: read into CSL-JSON items (accents, `@string`, month macros, corporate
names), malformed and hostile files, and a `[@key]` citation printed with its entry."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts
from reportbuilder.cli import main
from reportbuilder.project.bibtex import cited_keys, read_bibtex

LIBRARY = r"""% exported by a reference manager
@string{trust = "Example Water {T}rust"}
@comment{ an old entry: @book{rojas2025, title = {Not this one}} }
@report{Rojas2025,
  author    = {Rojas, Mar{\'\i}a and P{\'e}rez, Jos{\'e} and {World Health Organization}},
  title     = {Water points in {Springfield}: a {\em second} look},
  institution = trust # " and partners",
  year      = 2025,
  month     = aug,
}
@article{lopez2019,
  author  = {L{\'o}pez, Ana},
  title   = {Deep {{{{{{nested}}}}}} braces},
  journal = {Journal of Water},
  year    = {2019},
  volume  = 12,
  number  = 3,
  pages   = {10--20},
}
"""


def test_entries_are_read_with_accents_macros_and_months() -> None:
    items, problems, _ = read_bibtex(LIBRARY, {"rojas2025", "lopez2019"})
    assert problems == []
    by_id = {item["id"].lower(): item for item in items}
    rojas = by_id["rojas2025"]
    assert rojas["type"] == "report"
    assert rojas["title"] == "Water points in Springfield: a second look"
    assert rojas["publisher"] == "Example Water Trust and partners"
    assert rojas["author"] == [
        {"family": "Rojas", "given": "María"},
        {"family": "Pérez", "given": "José"},
        {"literal": "World Health Organization"},
    ]
    assert rojas["issued"] == {"date-parts": [[2025, 8]]}
    lopez = by_id["lopez2019"]
    assert (lopez["title"], lopez["issue"], lopez["page"]) == ("Deep nested braces", "3", "10–20")


def test_latex_logos_print_and_unknown_commands_print_as_written_with_a_warning() -> None:
    """The second trial's item 16: `{\\LaTeX}` vanished from a title without a word."""
    text = (
        '@article{dna,\n  author = {M{\\"u}ller, Jan},\n'
        "  title = {On the {DNA} of {\\LaTeX} \\& \\emph{emphasis} -- a \\mbox{study}},\n"
        "  journal = {\\TeX{} and \\foo{Bar} Review},\n  year = 2020,\n}\n"
    )
    items, problems, warnings = read_bibtex(text, {"dna"})
    assert problems == []
    [item] = items
    assert item["title"] == "On the DNA of LaTeX & emphasis – a study"
    assert item["container-title"] == "TeX and \\foo Bar Review"
    assert item["author"] == [{"family": "Müller", "given": "Jan"}]
    assert warnings == [
        (
            1,
            "entry 'dna': LaTeX command \\foo is not known, so it is printed as written "
            "(write the text it stands for)",
        )
    ]


def test_a_malformed_entry_is_a_problem_at_its_line() -> None:
    text = LIBRARY + "@book{broken,\n  title = {never closed,\n  year = 2020\n"
    items, problems, _ = read_bibtex(text, {"rojas2025", "broken"})
    assert [item["id"] for item in items] == ["Rojas2025"]
    line = text.splitlines().index("@book{broken,") + 1
    assert problems == [
        (line, "entry 'broken' is not valid BibTeX (check its braces, quotes and commas)")
    ]


def test_a_key_written_twice_is_a_problem() -> None:
    text = LIBRARY + "\n@book{lopez2019, title = {Again}, year = 2020}\n"
    _, problems, _ = read_bibtex(text, {"lopez2019"})
    assert problems == [(len(text.splitlines()), "entry 'lopez2019' is written twice; keep one")]


def test_input_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    text = rf"@misc{{x, title = {{Before \input{{{secret}}} after \include{{{secret}}}}}}}"
    items, problems, _ = read_bibtex(text, {"x"})
    assert problems == []
    assert "SECRET" not in repr(items)
    assert items[0]["title"].startswith("Before")


def test_deep_braces_and_commands_are_problems_not_crashes() -> None:
    text = "@book{deep, title = {" + "{" * 5000 + "x" + "}" * 5000 + "}, year = 2020}\n"
    text += "@book{cmds, title = {" + "\\textbf{" * 45 + "x" + "}" * 45 + "}, year = 2020}\n"
    text += "@book{fine, title = {" + "{" * 40 + "x" + "}" * 40 + "}, year = 2020}\n"
    items, problems, _ = read_bibtex(text, {"deep", "cmds", "fine"})
    assert problems == [(1, "entry 'deep' nests braces 5001 deep (at most 50)")]
    assert sorted(item["title"] for item in items) == ["x", "x"]


def test_a_five_megabyte_library_costs_the_cited_entries() -> None:
    entry = (
        "@book{{key{0},\n  title = {{Title {0}}},\n  author = {{Doe, Jane}},\n  year = 2001\n}}\n"
    )
    text = "".join(entry.format(n) for n in range(65_000))
    assert len(text) > 5_000_000
    started = time.monotonic()
    items, problems, _ = read_bibtex(text, {"key7", "key64999"})
    assert time.monotonic() - started < 15  # generous: a loaded machine; about 1 s idle
    assert problems == []
    assert sorted(item["title"] for item in items) == ["Title 64999", "Title 7"]


def test_cited_keys_are_found_in_the_chapters() -> None:
    assert cited_keys(["As seen [@Rojas2025; @lopez2019].", "none", "[@x]"]) == {
        "rojas2025",
        "lopez2019",
        "x",
    }


def _bibtex_project(project: Path, citation: str) -> None:
    (project / "references.bib").write_text(LIBRARY)
    config = project / "report.yml"
    config.write_text(config.read_text() + "bibliography: references.bib\n")
    chapter = next((project / "content").glob("01-*.md"))  # mini's or tiny's first chapter
    chapter.write_text(chapter.read_text() + f"\nAs counted before {citation}.\n")


@pytest.mark.pdf
def test_a_bibtex_citation_and_its_entry_are_printed(tiny_project: Path) -> None:
    _bibtex_project(tiny_project, "[@rojas2025]")
    out = tiny_project / "out" / "bib.pdf"
    result = CliRunner().invoke(main, ["build", str(tiny_project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    # Words hyphenated at a line end read whole again.
    texts = [" ".join(re.sub("\u2010\\s+", "", t).split()) for t in page_texts(reader)]
    cited = "As counted before (Rojas, Pérez and World Health Organization, 2025)."
    assert any(cited in text for text in texts)
    (entry,) = [t for t in texts if "Water points in Springfield" in t]
    assert re.search(r"Rojas, M\., Pérez, J\. and World Health Organization \(2025\)", entry)
    assert "Example Water Trust and partners" in entry


@pytest.mark.pdf
def test_an_unknown_key_and_a_broken_entry_are_located(mini_project: Path) -> None:
    _bibtex_project(mini_project, "[@nobody2020]")
    bib = mini_project / "references.bib"
    bib.write_text(bib.read_text() + "@book{nobody2020,\n  title = {open\n")
    result = CliRunner().invoke(main, ["build", str(mini_project)])
    assert result.exit_code == 1
    bib_line = len(LIBRARY.splitlines()) + 1
    assert f"references.bib:{bib_line}: entry 'nobody2020' is not valid BibTeX" in result.output
    assert not (mini_project / "out" / "mini.pdf").exists()
    bib.write_text(LIBRARY)
    result = CliRunner().invoke(main, ["build", str(mini_project)])
    assert result.exit_code == 1
    chapter = mini_project / "content" / "01-overview.md"
    line = chapter.read_text().splitlines().index("As counted before [@nobody2020].") + 1
    assert f"content/01-overview.md:{line}: " in result.output
    assert "nobody2020" in result.output


def test_a_key_written_without_brackets_is_warned_at_its_line(mini_project: Path) -> None:
    """The second trial's item 16: "@rojas2025" (pandoc's author-in-text form) printed as
    written without a word; an e-mail address or a handle that is no key stays quiet."""
    from reportbuilder import check

    _bibtex_project(
        mini_project, "[@rojas2025]. As @rojas2025 said; write to desk@rojas2025.org or @someone"
    )
    chapter = mini_project / "content" / "02-findings.md"
    chapter.write_text(chapter.read_text() + "\nOnly in this form: @lopez2019.\n")
    first = mini_project / "content" / "01-overview.md"
    line = next(n for n, text in enumerate(first.read_text().splitlines(), 1) if "said" in text)
    found = [(w.path, w.line, w.message) for w in check(mini_project).warnings]
    last = len(chapter.read_text().splitlines())
    assert found == [
        (
            "content/01-overview.md",
            line,
            "@rojas2025 prints as written: a citation is written in brackets, [@rojas2025]",
        ),
        (
            "content/02-findings.md",
            last,
            "@lopez2019 prints as written: a citation is written in brackets, [@lopez2019]",
        ),
    ]
