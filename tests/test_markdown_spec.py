"""The CommonMark spec's 652 examples (tests/corpora/commonmark): the text each one shows
(CommonMark's HTML as a browser prints it) is in what the converter makes of it, word for
word and in order — every example, read at the HTML level — and in the PDF, for a sample
built as one report (a chapter per example, the chapters running on). `ALLOWED` says why an
example prints otherwise; even there, every letter and digit is printed (marks only may
differ)."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner
from PIL import Image

from reportbuilder.cli import main
from reportbuilder.compose.markup import convert, make_markdown
from test_markdown_code import project_with

EXAMPLES = json.loads(
    (Path(__file__).parent / "corpora" / "commonmark" / "examples.json").read_text("utf-8")
)
EXAMPLES_BY = {e["example"]: e for e in EXAMPLES}

_IN_HTML_BLOCK = (
    "a line of an HTML block (or right after its tag line) is read as Markdown: `*foo*` "
    "prints 'foo' in italics where CommonMark keeps the marks as written"
)
_FLANKING = (
    'emphasis where CommonMark\'s flanking rules see none (`a*"foo"*`, `*$*alpha`): '
    "every word prints, the `*` read as emphasis marks"
)

# example → why its text is not CommonMark's word for word (the letters and digits all print)
ALLOWED: dict[int, str] = {
    64: "`#5 bolt` is a heading, as Python-Markdown always read `#Title` (kept, so that no "
    "report changes shape): the `#` is read as the heading's mark",
    137: "superfences closes a fence on a closing run indented 4 spaces, where CommonMark "
    "keeps that line ('    ```') as code of a fence never closed: only the fence mark is lost",
    148: "the <pre> element keeps its lines as written ('_world_.' with its underscores), "
    "where CommonMark ends the HTML block at the blank line and makes 'world' emphasis",
    **dict.fromkeys(
        (150, 151, 155, 156, 158, 162, 163, 164, 165, 166, 177, 178, 186), _IN_HTML_BLOCK
    ),
    161: "a fence right after a `<div></div>` line is a code block (CommonMark: a line of the "
    "HTML block, its ``` and info string 'c' printed as text); the code prints",
    191: "indented `<td>` lines after blank lines in a <table> are the table the author "
    "wrote (CommonMark: an indented code block showing the tags); 'Hi' prints in its cell",
    312: "'    - e' after '   - d' is a sub-list in Python-Markdown (4 spaces), in CommonMark "
    "the rest of d's paragraph ('d - e'): every word is printed, the dash as a bullet",
    344: 'a code span is read before the tag: `<a href="`">`` prints the tag as text '
    "and '\">' as code (CommonMark: a raw tag, hidden, and a backtick)",
    346: "a code span is read before the autolink: the address and 'baz' print, the "
    "backticks as a code span",
    347: "an unmatched run of three backticks: Python-Markdown opens a code span at the "
    "second, so '`foo' prints as code, the other backticks as marks",
    **dict.fromkeys((352, 354, 368, 380, 392), _FLANKING),
    491: "CommonMark reads `<foo⏎bar>` as a raw tag (a browser hides it); it prints as "
    "text here: '[link](<foo bar>)'",
    524: 'CommonMark reads `<bar attr="](baz)">` as a raw tag (hidden); here \'[foo <bar '
    "attr=\"' is a link's text, and what CommonMark hides is not printed either",
    533: "a reference link inside a link's text (`[foo *bar [baz][ref]*][ref]`): the outer "
    "one is the link, the inner one's label prints as '[baz]'",
    536: 'as 524, with a reference: `<bar attr="][ref]">` is a raw tag for CommonMark',
    569: "`[foo][bar][baz]`: Python-Markdown pairs `[foo][bar]` (undefined: printed as "
    "written, with a warning) and links 'baz', where CommonMark links 'bar'; every word prints",
    571: "as 569, with `[bar]` defined too",
}

# The letters CommonMark prints that are a fence's info string here (the code's language)
_INFO_STRING = {161}

_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\xad": None})


class _Visible(HTMLParser):
    """The text a reader sees: no script or style content; a numbered list's first number."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "ol":
            self.parts.append(f" {dict(attrs).get('start') or 1}. ")
        self.parts.append(" " if tag in ("br", "p", "li", "td", "th", "pre") else "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    # A zero-width space is a break opportunity (a URL breaks after its slashes), drawn as
    # nothing and not in the PDF's text: not a character of the example's.
    return "".join(parser.parts).replace("\u200b", "")


def _normal(text: str) -> str:
    text = text.translate(_TYPOGRAPHY)
    text = text.replace("—", "---").replace("–", "--").replace("…", "...")
    return re.sub(r"\s+", "", text)


def _not_found(words: list[str], printed: str) -> list[str]:
    """The `words` not found in order in `printed` (spacing aside)."""
    got, at, missing = _normal(printed), 0, []
    for word in words:
        where = got.find(_normal(word), at)
        if where < 0:
            missing.append(word)
        else:
            at = where + len(_normal(word))
    return missing


def missing_words(expected_html: str, printed: str) -> list[str]:
    """The words CommonMark's HTML shows that are not in `printed`, in order."""
    return _not_found(visible(expected_html).split(), printed)


def lost_letters(expected_html: str, printed: str) -> list[str]:
    """The runs of letters and digits CommonMark's HTML shows (a tag shown as text, `<td>`,
    counts as marks) that are not in `printed`, in order: text lost, not marks."""
    shown = re.sub(r"</?[A-Za-z][^<>]*>", " ", visible(expected_html))
    return _not_found(re.findall(r"[^\W_]+", shown), printed)


@pytest.fixture(scope="module")
def md() -> markdown.Markdown:
    return make_markdown("en", lambda value, separator: value)


def test_each_examples_text_is_in_the_html(md: markdown.Markdown) -> None:
    wrong, lost, fixed = {}, {}, []
    for example in EXAMPLES:
        number = example["example"]
        printed = visible(convert(example["markdown"], md)[0])
        missing = missing_words(example["html"], printed)
        if missing and number not in ALLOWED:
            wrong[number] = (example["markdown"], missing)
        elif number in ALLOWED and not missing:
            fixed.append(number)
        letters = lost_letters(example["html"], printed)
        if letters and number not in _INFO_STRING:
            lost[number] = (example["markdown"], letters)
    assert wrong == {}
    assert lost == {}, "text lost (not marks)"
    assert fixed == [], "allowed but now right: take them off ALLOWED"


# The PDF sample: the sections where the page's own drawing matters (list numbers are CSS
# counters, code is laid out by the theme) whole, and every eighth example of the others.
_WHOLE = {"Lists", "List items", "Fenced code blocks"}
SAMPLE = [e for e in EXAMPLES if e["section"] in _WHOLE or e["example"] % 8 == 0] + [
    EXAMPLES_BY[n] for n in (184, 213, 491, 494, 508, 551, 619, 624, 632) if n % 8
]


# The chapters run on one after another, not each from a new page (and no contents): 38
# pages, not 185 (2.9 CPU s of layout instead of 14). Each example is still a chapter of its
# own, so an unclosed fence or HTML block ends with it and cannot swallow the next. The
# running header (the chapter's title: `EXnnnn` at a page's top while another example runs
# on) is left empty, so each heading is printed once, where its example starts.
RUN_ON = ".chapter { break-before: auto; }\n@page body { @top-right { content: none; } }\n"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    """Each example's printed text, by its number: what follows its heading `EXnnnn` up to
    the next one (the closing page left out)."""
    chapters = {f"{e['example']:04d}": f"# EX{e['example']:04d}\n\n{e['markdown']}" for e in SAMPLE}
    project = project_with(tmp_path_factory.mktemp("spec"), **chapters)
    (project / "styles").mkdir()
    (project / "styles" / "run-on.css").write_text(RUN_ON, "utf-8")
    with (project / "report.yml").open("a", encoding="utf-8") as config:
        config.write("toc: false\n")
    # The images the examples show, there (a missing one is an error): `train.jpg`, `uri3`.
    for sample in SAMPLE:
        for src in re.findall(r'<img src="([^":/]+)"', sample["html"]):
            Image.new("RGB", (8, 6), "grey").save(project / src, format="PNG")
    pdf = project / "out" / "spec.pdf"
    # Whole: the layout by parts starts each chapter on a page of its own.
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(pdf), "--no-parts"])
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    *body, closing = text.rstrip("\f").split("\f")
    assert "EX" not in closing and "Sam Fixture" in closing  # the closing page, by itself
    parts = re.split(r"^EX(\d{4})$", "\f".join(body), flags=re.MULTILINE)
    found: dict[int, str] = {}
    for number, printed in zip(parts[1::2], parts[2::2], strict=True):
        assert int(number) not in found, f"EX{number} printed twice"
        found[int(number)] = printed
    return found


@pytest.mark.pdf
@pytest.mark.slow
def test_a_samples_text_reaches_the_pdf_in_order(pages: dict[int, str]) -> None:
    wrong, lost = {}, {}
    for example in SAMPLE:
        number = example["example"]
        printed = pages.get(number, "")
        missing = missing_words(example["html"], printed)
        if missing and number not in ALLOWED:
            wrong[number] = (example["markdown"], missing)
        letters = lost_letters(example["html"], printed)
        if letters and number not in _INFO_STRING:
            lost[number] = (example["markdown"], letters)
    assert len(pages) == len(SAMPLE)
    assert wrong == {}
    assert lost == {}, "text lost (not marks)"
