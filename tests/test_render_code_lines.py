"""render/code_lines.py: every source line of a code block in a box of its own, the code's
text unchanged, inline elements closed and opened again at each line end."""

from __future__ import annotations

import re
from html import unescape

from reportbuilder.render.code_lines import LINE, LONG, mark_code_lines

PYGMENTS = (
    '<div class="highlight"><pre><span></span><code><span class="k">def</span> f():\n'
    '    <span class="k">return</span> 1\n\n# end\n</code></pre></div>'
)


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_one_box_a_source_line_and_the_text_unchanged() -> None:
    out = mark_code_lines(PYGMENTS)
    start = rf'<span class="{LINE}"[^>]*>'
    lines = re.findall(rf"{start}(.*?)</span>(?={start}|</pre>)", out)
    assert [_text(line) for line in lines] == ["def f():", "    return 1", "", "# end"]
    assert _text(out) == _text(PYGMENTS).rstrip("\n").replace("\n", "")


def test_an_element_across_lines_is_closed_and_opened_again_without_its_id() -> None:
    out = mark_code_lines('<pre><b id="x" class="y">a\nb</b>\nc &lt;d&gt;</pre>')
    assert out == (
        f'<pre><span class="{LINE}"><b id="x" class="y">a</b></span>'
        f'<span class="{LINE}"><b class="y">b</b></span>'
        f'<span class="{LINE}">c &lt;d&gt;</span></pre>'
    )


def test_text_outside_code_blocks_is_left_alone() -> None:
    html = "<p>a\nb <code>x\ny</code></p>"
    assert mark_code_lines(html) == html


def test_an_indented_line_hangs_past_its_indentation() -> None:
    out = mark_code_lines("<pre>a\n    b\n\tc\n    \n</pre>")
    hang = 'style="padding-left: calc({n}ch + 1.4em); text-indent: calc(-{n}ch - 1.4em)"'
    assert f'<span class="{LINE}" {hang.format(n=4)}>    b</span>' in out
    assert f'<span class="{LINE}" {hang.format(n=4)}>\tc</span>' in out  # a tab is 4 columns
    assert out.endswith(f'<span class="{LINE}">    </span></pre>')  # blank: no hang


def test_only_a_long_run_without_a_space_may_break_inside() -> None:
    url = "https://example.org/" + "a" * 40
    out = mark_code_lines(f'<pre>x = "{url}" + short_name</pre>')
    assert f'<span class="{LONG}">"{url}"</span>' in out
    assert f'class="{LINE}">' in out and "short_name" in out.split(LONG)[-1]
    spread = "".join(f"<i>{c}</i>" for c in "abcdefghij" * 5)  # 50 letters, one a token
    assert f'<span class="{LINE} {LONG}">' in mark_code_lines(f"<pre>{spread}</pre>")
    assert _text(mark_code_lines(f'<pre>x = "{url}"</pre>')) == f'x = "{url}"'
