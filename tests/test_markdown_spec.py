"""CommonMark spec examples (lists, list items, fences; tests/corpora/commonmark) built into
one PDF: each example's visible text reaches its page, in order. The allow-list says why
each exception prints otherwise."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from test_markdown_code import project_with

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

EXAMPLES = json.loads(
    (Path(__file__).parent / "corpora" / "commonmark" / "examples.json").read_text("utf-8")
)

# example → why its text does not reach the PDF as CommonMark's HTML shows it
ALLOWED: dict[int, str] = {
    137: "superfences closes a fence on a closing run indented 4 spaces, where CommonMark "
    "keeps that line ('    ```') as code of a fence never closed: only the fence mark is lost",
    312: "'    - e' after '   - d' is a sub-list in Python-Markdown (4 spaces), in CommonMark "
    "the rest of d's paragraph ('d - e'): every word is printed, the dash as a bullet",
}

_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\xad": None})


def _normal(text: str) -> str:
    text = text.translate(_TYPOGRAPHY)
    text = text.replace("—", "---").replace("–", "--").replace("…", "...")
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    chapters = {
        f"{e['example']:04d}": f"# EX{e['example']:04d}\n\n{e['markdown']}" for e in EXAMPLES
    }
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


def _missing(expected_html: str, printed: str) -> list[str]:
    """The words of the example's HTML text (and its lists' first numbers) not found in order
    in what was printed."""
    # A numbered list's first number is text a reader sees: "4." for <ol start="4">.
    numbered = re.sub(r'<ol start="(\d+)">', r" \1. ", expected_html).replace("<ol>", " 1. ")
    words = html.unescape(re.sub(r"<[^>]+>", " ", numbered)).split()
    got, at, missing = _normal(printed), 0, []
    for word in words:
        where = got.find(_normal(word), at)
        if where < 0:
            missing.append(word)
        else:
            at = where + len(_normal(word))
    return missing


def test_each_examples_text_reaches_the_pdf_in_order(pages: dict[int, str]) -> None:
    wrong = {}
    for example in EXAMPLES:
        number = example["example"]
        missing = _missing(example["html"], pages.get(number, ""))
        if missing and number not in ALLOWED:
            wrong[number] = (example["markdown"], missing)
    assert wrong == {}
    fixed = [n for n in ALLOWED if not _missing(EXAMPLES_BY[n]["html"], pages.get(n, ""))]
    assert fixed == [], "allowed but now right: take them off ALLOWED"


EXAMPLES_BY = {e["example"]: e for e in EXAMPLES}
