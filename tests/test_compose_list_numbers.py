"""Lists print the numbers and the breaks between lists that the Markdown and HTML say:
a change of delimiter (`1.` then `1)`), bullet (`-` then `*`) or kind starts a new list
(CommonMark), `<ol reversed>` counts down (from `start` or its number of items), `<li value>`
sets a number in it, `<ol type="a">` prints letters. WeasyPrint 70 ignores `reversed`, and
`start`, `value` and `type` without presentational hints: built, and read back from the PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.compose.list_numbers import list_numbers

CHAPTER = """# Lists

1. one
2. two
1) three
2) four

Steps:

- a
- b
* c

Para.

3. x
4. y
7) z

<ol reversed>
<li>first</li>
<li>second</li>
<li>third</li>
</ol>

<ol start="10" reversed><li>ten</li><li value="7">seven</li><li>six</li></ol>

<ol type="a"><li>alpha</li><li>beta</li></ol>

<ol type="I" start="4"><li>four</li></ol>
"""


@pytest.mark.pdf
def test_lists_print_the_numbers_their_markdown_and_html_say(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "report.yml").write_text("title: Lists\nlang: en\n", encoding="utf-8")
    (tmp_path / "content" / "01.md").write_text(CHAPTER, encoding="utf-8")
    pdf = tmp_path / "lists.pdf"
    result = CliRunner().invoke(main, ["build", str(tmp_path), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    body = lines[lines.index("1. one") :]
    # A new list at each change of delimiter and bullet: numbered from its own first number.
    assert body[:4] == ["1. one", "2. two", "1. three", "2. four"]
    assert body[body.index("3. x") : body.index("3. x") + 3] == ["3. x", "4. y", "7. z"]
    numbered = [line for line in body if re.fullmatch(r"[0-9IVa-z]+\. \w+", line)]
    assert numbered[numbered.index("3. first") :] == [
        "3. first", "2. second", "1. third",  # counts down from its number of items
        "10. ten", "7. seven", "6. six",  # from start=, and from a value= on
        "a. alpha", "b. beta", "IV. four",
    ]  # fmt: skip
    # `- a`, `- b`, then `* c`: two lists, a list's space between b and c.
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    tops = {
        word: float(top) for top, word in re.findall(r'yMin="([\d.]+)"[^>]*>([abc])</word>', boxes)
    }
    assert tops["c"] - tops["b"] > tops["b"] - tops["a"] + 3


def test_numbers_are_set_on_each_list_and_its_own_items_only() -> None:
    html = '<ol reversed=""><li>a<ol><li>x</li><li>y</li></ol></li><li>b</li></ol>'
    assert list_numbers(html) == (
        '<ol reversed="" style="counter-reset: list-item 3">'
        '<li style="counter-increment: list-item -1">a<ol><li>x</li><li>y</li></ol></li>'
        '<li style="counter-increment: list-item -1">b</li></ol>'
    )
    assert list_numbers('<ol start=" 04 "><li value="x">a</li></ol>') == (
        '<ol start="4" style="counter-reset: list-item 3"><li value="x">a</li></ol>'
    )
    assert list_numbers('<ul type="a"><li>a</li></ul>') == '<ul type="a"><li>a</li></ul>'
    assert list_numbers('<ol type="disc"><li>a</li></ol>') == '<ol type="disc"><li>a</li></ol>'
