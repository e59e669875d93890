"""Trial 6's minor findings #39, #44, #46, #47, #52, #53, #55, #57, and trial 5 #19's French
typography: each read back from a real PDF where the reader sees it, or from `check`."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts, read_words
from reportbuilder.cli import main


def project(root: Path, chapters: dict[str, str], report: str = "") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "report.yml").write_text(f"title: Minors\nlang: en\n{report}", encoding="utf-8")
    for name, text in chapters.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_blank_chart_description_is_an_error_that_quotes_no_data_url(tmp_path: Path) -> None:
    """#55: a 4 000-character warning quoting the chart's base64 twice, with no line."""
    data = "t: {base: 10, categories: {a: {count: 6, label: A}, b: {count: 4, label: B}}}\n"
    root = project(
        tmp_path / "p", {"01.md": '# C\n\nText.\n\n{{ chart(data.d.t, description="   ") }}\n'}
    )
    (root / "data").mkdir()
    (root / "data" / "d.yml").write_text(data, encoding="utf-8")
    code, output = run("check", str(root))
    assert code == 1
    assert "content/01.md:5:" in output and "description is blank" in output
    assert "base64" not in output and len(output) < 600


@pytest.mark.pdf
def test_minor_findings_in_one_pdf(tmp_path: Path) -> None:
    """#44 a `<br>` in a chapter title glued its words in the contents and the running
    header; #47 a chapter opening with a rule was read as front matter; trial 5 #19
    `Vraiment?!` kept no space in French and ordinals were not raised."""
    root = project(
        tmp_path / "p",
        {
            "01-a.md": "# Title line<br>second line BRH1\n\nText.\n",
            "02-b.md": "---\n\n# Rules chapter\n\nText RULE1.\n\n---\n\nMore RULE2.\n",
            "03-c.md": "# Typo\n\nVraiment?! Le 1er janvier, au XXIe siècle. `1er?!` CODE3.\n",
        },
        "toc: true\n",
    )
    (root / "report.yml").write_text("title: Minors\nlang: fr\ntoc: true\n", encoding="utf-8")
    code, output = run("build", str(root))
    assert code == 0, output
    pdf = next(root.glob("out/*.pdf"))
    text = "\n".join(page_texts(pypdf.PdfReader(pdf)))
    assert "Title line second line BRH1" in text  # the contents and the running header
    assert "linesecond" not in text
    assert "Rules chapter" in text and "RULE1" in text and "RULE2" in text
    assert "Vraiment\u202f?!" in text
    assert "1er?!" in text  # code as typed
    _, words = read_words(pdf)
    one = next(w for w in words if w.text.startswith("1") and "janvier" not in w.text)
    raised = [w for w in words if w.page == one.page and w.text.startswith("er")]
    # "er" is set smaller and higher than its figure
    assert raised and (raised[0].y1 - raised[0].y0) < (one.y1 - one.y0)


def test_check_says_the_minor_problems_at_their_place(tmp_path: Path) -> None:
    """#53 `{{ }}` in front matter printed as typed; #46 a hand-numbered title under
    number_chapters, an annex before a chapter; #52 a theme folder shadowed by the built-in
    one; #39 a refused image inside an SVG said nowhere."""
    root = project(
        tmp_path / "p",
        {
            "01-a.md": "---\ntitle: Results {{ report.title }}\n---\n\n# Results\n\nText.\n",
        },
    )
    code, output = run("check", str(root))
    assert code == 1 and "content/01-a.md:2: front matter 'title' is plain text" in output

    root = project(
        tmp_path / "q",
        {
            "01-a.md": "# 1. Methods\n\nText.\n",
            "02-q.md": "---\nannex: true\n---\n\n# Annex Q\n\nText.\n",
            "03-r.md": "# Results\n\nText.\n\n![Drawing](assets/d.svg)\n",
        },
        "number_chapters: true\n",
    )
    (root / "assets").mkdir()
    (root / "assets" / "d.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<image href="../../outside.png" width="40" height="40"/></svg>',
        encoding="utf-8",
    )
    code, output = run("check", str(root))
    assert code == 0, output
    assert "content/01-a.md:1: the title '1. Methods' starts with its own number" in output
    assert "content/03-r.md:1: this chapter prints after the annex 'Annex Q'" in output
    assert "content/03-r.md:5: refused" in output and "outside the project" in output

    (root / "base").mkdir()
    (root / "base" / "theme.yml").write_text("name: base\n", encoding="utf-8")
    code, output = run("check", str(root))
    assert code == 1 and "base/theme.yml: base/ has a theme.yml" in output


def test_merge_warns_of_an_untranslated_title_as_build_does(tmp_path: Path) -> None:
    """#57: a French requester row in an English project with no `languages: fr:` got only
    the chapters' warning, not the cover's ("prints title, subtitle in English")."""
    from reportbuilder import load_project
    from reportbuilder.merge.run import _untranslated

    root = project(tmp_path / "p", {"01.md": "# One\n\nText.\n"}, "subtitle: First results\n")
    found = [str(p) for p in _untranslated(load_project(root), "fr", "req.csv", 2)]
    assert any(
        "report.yml:1: the French edition prints title, subtitle in English" in f for f in found
    )
    assert any("req.csv:2: no French translation" in f for f in found)
