"""Code stays code: fenced blocks with their lines, indentation and straight quotes, `#` lines
that are not headings, and `{{`, `{%`, `{##` that print as typed inside code (issue 9)."""

from __future__ import annotations

import html as htmllib
import io
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import copy_fixture, page_texts
from reportbuilder import ComposeError, check, load_project, render_html
from reportbuilder.cli import main
from reportbuilder.compose.templating import protect_code


def project_with(tmp_path: Path, **chapters: str) -> Path:
    """The mini fixture with its chapters replaced by `chapters` (file stem → text)."""
    project = copy_fixture("mini", tmp_path / "mini")
    shutil.rmtree(project / "content")
    (project / "content").mkdir()
    for stem, text in chapters.items():
        (project / "content" / f"{stem}.md").write_text(text, encoding="utf-8")
    return project


def chapter_html(project: Path) -> str:
    html = render_html(load_project(project)).text
    return "\n".join(re.findall(r'<section class="chapter.*?</section>', html, re.DOTALL))


def visible(html: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html))


CODE = """# Setup

Run this:

```python
# not a heading
def main(name='world'):
    if __name__ == "__main__":
        print(f"hi {name}")  # it's "quoted"
```

Then:

~~~yaml
on: push
jobs:
  build:
    steps:
      - run: echo ${{ secrets.TOKEN }}
        with: {% set x = 1 %}
  # {## kept ##}
~~~

Inline `{{ name }}`, ``{% set x = 1 %}`` and `{## note ##}` stay as typed; `__init__` too.
"""


def test_fenced_code_keeps_lines_indentation_and_straight_quotes(tmp_path: Path) -> None:
    html = chapter_html(project_with(tmp_path, **{"01-setup": CODE}))
    text = visible(html)
    assert "# not a heading\ndef main(name='world'):\n    if __name__ == \"__main__\":\n" in text
    assert '        print(f"hi {name}")  # it\'s "quoted"' in text
    assert "```" not in text and "~~~" not in text
    assert "“" not in text.split("Inline")[0] and "’" not in text.split("Inline")[0]
    assert 'class="language-python highlight"' in html
    assert html.count("<h1") == 1 and "<h2" not in html
    assert "<strong>" not in html  # __name__ is not bold


def test_template_syntax_inside_code_prints_literally(tmp_path: Path) -> None:
    text = visible(chapter_html(project_with(tmp_path, **{"01-setup": CODE})))
    assert "- run: echo ${{ secrets.TOKEN }}" in text
    assert "with: {% set x = 1 %}" in text
    assert "# {## kept ##}" in text
    assert (
        "Inline {{ name }}, {% set x = 1 %} and {## note ##} stay as typed; __init__ too." in text
    )


def test_helpers_outside_code_still_run(tmp_path: Path) -> None:
    source = "# T\n\n`{{ data.survey.households.value }}` is {{ data.survey.households.value }}.\n"
    text = visible(chapter_html(project_with(tmp_path, **{"01": source})))
    assert "{{ data.survey.households.value }} is 1,250." in text


def test_template_code_in_an_html_comment_is_not_run(tmp_path: Path) -> None:
    """Trial 4 #29: a comment is dropped from the report, yet `<!-- TODO {{ later }} -->`
    failed the build ("'later' is undefined"); a commented-out value no longer there too."""
    source = (
        "# T\n\n<!-- TODO: fix {{ later }} and {% if x %} -->\n\n"
        "Kept {{ data.survey.households.value }}.\n<!-- {{ data.gone.x }}\n  -->\n"
    )
    text = visible(chapter_html(project_with(tmp_path, **{"01": source})))
    assert "Kept 1,250." in text and "later" not in text and "gone" not in text


def test_raw_blocks_the_author_wrote_are_left_alone(tmp_path: Path) -> None:
    source = (
        "# T\n\n{% raw %}\n```\n{{ a }}\n```\nand `{{ b }}`\n{% endraw %}\n\nAfter `{{ c }}`.\n"
    )
    text = visible(chapter_html(project_with(tmp_path, **{"01": source})))
    assert "{{ a }}" in text and "and {{ b }}" in text and "After {{ c }}." in text
    assert '"{"' not in text


@pytest.mark.parametrize(
    "source",
    [
        "`{{ x }}`\n\n```\n{% y %}\n```\n\n    {## z ##}\n",
        "a ``b `{{` c`` d\n\n~~~~\n```\n{{\n~~~~\n",
        "- item\n\n    {{ data.x }}\n",
    ],
)
def test_protection_keeps_every_line_where_it_was(source: str) -> None:
    protected, unclosed = protect_code(source)
    assert protected.count("\n") == source.count("\n")
    assert [line.split("{", 1)[0] for line in protected.splitlines()] == [
        line.split("{", 1)[0] for line in source.splitlines()
    ]
    assert unclosed == []


def test_indented_continuation_in_a_list_is_not_code() -> None:
    protected, _ = protect_code("- item\n\n    {{ data.x }}\n")
    assert protected == "- item\n\n    {{ data.x }}\n"


LIST_CODE = """# T

- An item with a code block:

        {{ x }} and {% set y = 1 %}

    A paragraph of the item: {{ data.survey.households.value }}.

    1. Nested, with code:

            ${{ secrets.TOKEN }}

Back at the margin: {{ data.survey.households.value }}.
"""


def test_indented_code_in_list_items_prints_literally(tmp_path: Path) -> None:
    html = chapter_html(project_with(tmp_path, **{"01": LIST_CODE}))
    codes = [visible(code) for code in re.findall(r"<pre.*?</pre>", html, re.DOTALL)]
    assert codes == ["{{ x }} and {% set y = 1 %}\n", "${{ secrets.TOKEN }}\n"]
    text = visible(html)
    assert "A paragraph of the item: 1,250." in text
    assert "Back at the margin: 1,250." in text


def test_stray_braces_in_prose_are_a_located_error_naming_raw(tmp_path: Path) -> None:
    source = "# T\n\nText.\n\nThe {{ is not closed here.\n"
    with pytest.raises(ComposeError) as caught:
        check(project_with(tmp_path, **{"01": source}))
    problem = caught.value.problems[0]
    assert (problem.path, problem.line) == ("content/01.md", 5)
    assert "{% raw %}" in problem.message


def test_undefined_name_in_prose_names_raw_too(tmp_path: Path) -> None:
    with pytest.raises(ComposeError) as caught:
        check(project_with(tmp_path, **{"01": "# T\n\nHello {{ name }}.\n"}))
    problem = caught.value.problems[0]
    assert problem.line == 3 and "'name' is undefined" in problem.message
    assert "{% raw %}" in problem.message


def test_unclosed_fence_is_a_located_warning(tmp_path: Path) -> None:
    result = check(project_with(tmp_path, **{"01": "# T\n\nText.\n\n```\ncode\n"}))
    assert [(w.path, w.line) for w in result.warnings] == [("content/01.md", 5)]
    assert "never closed" in result.warnings[0].message


MARKDOWN = """# Everyday Markdown

~~Struck~~ text, and ~5 % stays text.

- [x] done
- [ ] to do

The HTML spec is kept by the W3C.

*[HTML]: HyperText Markup Language
*[W3C]: World Wide Web Consortium
"""


def test_strikethrough_task_lists_and_abbreviations(tmp_path: Path) -> None:
    html = chapter_html(project_with(tmp_path, **{"01": MARKDOWN}))
    assert "<del>Struck</del> text, and ~5" in html
    assert '<span class="task-box done"></span> done' in html
    assert '<span class="task-box"></span> to do' in html
    assert '<abbr title="HyperText Markup Language">HTML</abbr>' in html
    assert "<input" not in html


@pytest.mark.slow
def test_code_in_the_pdf(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-setup": CODE, "02-more": MARKDOWN})
    result = CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(io.BytesIO((project / "out" / "mini.pdf").read_bytes()))
    text = "\n".join(page_texts(reader))
    assert "```" not in text and "~~~" not in text
    assert "def main(name='world'):" in text
    layout = reader.pages[2].extract_text(extraction_mode="layout").splitlines()
    indents = {
        key: next(len(line) - len(line.lstrip()) for line in layout if key in line)
        for key in ("if __name__", "print(f")
    }
    assert indents["if __name__"] < indents["print(f"]  # the indentation is kept
    assert "${{ secrets.TOKEN }}" in text and "{% set x = 1 %}" in text
    assert "{## kept ##}" in text and "{{ name }}" in text
    # the running header of the code chapter is its title, never a comment line of its code
    assert "not a heading" not in [line.strip() for line in text.splitlines()][:3]
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "# not a heading" not in outline


def test_any_info_string_opens_a_fence(tmp_path: Path) -> None:
    # Click's docs (MyST): "```{versionadded} 2.0" is a fence in CommonMark, and the fence
    # after it must not swallow the prose that follows
    source = "# T\n\n```{versionadded} 2.0\n```\n\nProse after.\n\n```{eval-rst}\n.. note::\n```\n"
    html = chapter_html(project_with(tmp_path, **{"01": source}))
    assert "<p>Prose after.</p>" in html and "```" not in visible(html)
    assert re.search(r"<code>\.\. note::\n</code>", html)
