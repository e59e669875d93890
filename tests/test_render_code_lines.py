"""render/code_lines.py: every source line of a code block in a box of its own, the code's
text unchanged, inline elements closed and opened again at each line end."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.render.code_lines import LINE, LONG, RUN, mark_code_lines, shortest_wrap

PYGMENTS = (
    '<div class="highlight"><pre><span></span><code><span class="k">def</span> f():\n'
    '    <span class="k">return</span> 1\n\n# end\n</code></pre></div>'
)


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_one_box_a_source_line_and_the_text_unchanged() -> None:
    out = mark_code_lines(PYGMENTS, shortest=-1)  # every line may wrap
    start = rf'<span class="{LINE}"[^>]*>'
    lines = re.findall(rf"{start}(.*?)</span>(?={start}|</pre>)", out)
    assert [_text(line) for line in lines] == ["def f():", "    return 1", "", "# end"]
    assert RUN not in out
    assert _text(out) == _text(PYGMENTS).rstrip("\n").replace("\n", "")


def test_an_element_across_lines_is_closed_and_opened_again_without_its_id() -> None:
    out = mark_code_lines('<pre><b id="x" class="y">a\nb</b>\nc &lt;d&gt;</pre>', shortest=0)
    assert out == (
        f'<pre><span class="{LINE}"><b id="x" class="y">a</b></span>'
        f'<span class="{LINE}"><b class="y">b</b></span>'
        f'<span class="{LINE}">c &lt;d&gt;</span></pre>'
    )


def test_text_outside_code_blocks_is_left_alone() -> None:
    html = "<p>a\nb <code>x\ny</code></p>"
    assert mark_code_lines(html) == html


def test_lines_too_short_to_wrap_stay_together_in_one_box_a_run() -> None:
    long = "x = compute(" + "argument, " * 5 + ")"
    html = f"<pre><code>a\n\n{long}\n\nb\n</code></pre>"
    out = mark_code_lines(html, shortest=35)
    assert out == (
        f'<pre><span class="{RUN}"><code>a\n\n</code></span>'
        f'<span class="{LINE}"><code>{long}</code></span>'
        f'<span class="{RUN}"><code>\nb</code></span></pre>'
    )
    # The page decides what may wrap: 60 % of a line of the text block.
    assert shortest_wrap("<style>@page { size: A5; }</style>") == 35
    assert shortest_wrap("<style>@page { size: A4; }</style>") == 58


def test_an_indented_line_hangs_past_its_indentation() -> None:
    out = mark_code_lines("<pre>a\n    b\n\tc\n    \n</pre>", shortest=-1)
    hang = 'style="padding-left: calc({n}ch + 1.4em); text-indent: calc(-{n}ch - 1.4em)"'
    assert f'<span class="{LINE}" {hang.format(n=4)}>    b</span>' in out
    assert f'<span class="{LINE}" {hang.format(n=4)}>\tc</span>' in out  # a tab is 4 columns
    assert out.endswith(f'<span class="{LINE}">    </span></pre>')  # blank: no hang


def test_only_a_long_run_without_a_space_may_break_inside() -> None:
    url = "https://example.org/" + "a" * 40
    out = mark_code_lines(f'<pre>x = "{url}" + short_name</pre>', shortest=10)
    assert f'<span class="{LONG}">"{url}"</span>' in out
    assert out.startswith(f'<pre><span class="{LINE}">x = ')  # the run is marked, not the line
    spread = "".join(f"<i>{c}</i>" for c in "abcdefghij" * 5)  # 50 letters, each a token
    assert f'<span class="{LINE} {LONG}">' in mark_code_lines(f"<pre>{spread}</pre>", shortest=10)
    assert _text(mark_code_lines(f'<pre>x = "{url}"</pre>')) == f'x = "{url}"'


def test_the_empty_span_pygments_opens_a_block_with_goes() -> None:
    marked = mark_code_lines("<pre><span></span><code>x</code></pre>")
    assert "<span></span>" not in marked and _text(marked) == "x"


@pytest.mark.pdf
def test_a_long_first_run_wraps_inside_its_box(tmp_path: Path) -> None:
    """Trial 4 #34: Pygments' empty `<span></span>` before a block's first line kept
    WeasyPrint from breaking its long run (`overflow-wrap: anywhere`): the line ran off an
    A5 page and its end ("END1") was lost. The empty span goes; the run wraps."""
    long = "an_indented_code_line_without_any_spaces_that_is_far_too_long_for_an_a5_page_END1"
    root = one_chapter_project(tmp_path / "p", "Code", f"# Code\n\nText.\n\n    {long}\n")
    (root / "report.yml").write_text("title: Code\nlang: en\npage_size: A5\n")
    out = tmp_path / "c.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "past the right edge" not in result.output
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "".join(text.split()).count(long) == 1  # every character, wrapped
