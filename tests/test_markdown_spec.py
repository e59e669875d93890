"""The CommonMark spec's 652 examples (tests/corpora/commonmark): the text each one shows
(CommonMark's HTML as a browser prints it) is in what the converter makes of it, word for
word and in order — every example, read at the HTML level — and in the PDF, for a sample
built as one report (a chapter per example). `ALLOWED` says why an example prints
otherwise; even there, every letter and digit is printed (marks only may differ)."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.compose.markup import convert, make_markdown
from test_markdown_code import project_with

EXAMPLES = json.loads(
    (Path(__file__).parent / "corpora" / "commonmark" / "examples.json").read_text("utf-8")
)
EXAMPLES_BY = {e["example"]: e for e in EXAMPLES}

_MARKS = "the marks"  # filled in below, for the reasons' wording

# example → why its text is not CommonMark's word for word (the letters and digits all print)
ALLOWED: dict[int, str] = {}

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
    return "".join(parser.parts)


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
        if letters := lost_letters(example["html"], printed):
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


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    chapters = {f"{e['example']:04d}": f"# EX{e['example']:04d}\n\n{e['markdown']}" for e in SAMPLE}
    # one chapter (so one page at least) per example, found again by its heading
    project = project_with(tmp_path_factory.mktemp("spec"), **chapters)
    pdf = project / "out" / "spec.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found: dict[int, str] = {}
    for page in text.split("\f"):
        heading = re.search(r"^EX(\d{4})$", page, re.MULTILINE)
        if heading and "....." not in page:  # not the contents
            number = int(heading[1])
            found[number] = found.get(number, "") + page.replace(heading[0], "", 1)
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
        if letters := lost_letters(example["html"], printed):
            lost[number] = (example["markdown"], letters)
    assert len(pages) == len(SAMPLE)
    assert wrong == {}
    assert lost == {}, "text lost (not marks)"
