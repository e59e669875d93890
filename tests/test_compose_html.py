"""compose.html: `render_html`, one edition of a loaded project as one HTML document. Pure:
it reads no file and no environment variable; every problem of the chapters is collected
into one ComposeError, at its chapter and line."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from reportbuilder.compose.html import Html, css_string, render_html
from reportbuilder.edition import Edition
from reportbuilder.errors import ComposeError, Stage
from reportbuilder.limits import MAX_DEPTH
from reportbuilder.project.load import load_project


def chapter(project: Path, name: str, text: str) -> None:
    (project / "content" / name).write_text(text, encoding="utf-8")


def problems_of(project: Path, edition: Edition | None = None) -> list[str]:
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(project), edition)
    assert all(p.stage is Stage.COMPOSE for p in raised.value.problems)
    return [str(p) for p in raised.value.problems]


def test_the_html_and_what_the_renderer_needs(mini_project: Path) -> None:
    project = load_project(mini_project)
    html = render_html(project, Edition(lang="fr", pdf_variant="pdf/ua-1"))
    assert isinstance(html, Html) and str(html) == html.text
    assert html.text.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html.text
    assert (html.lang, html.pdf_variant) == ("fr", "pdf/ua-1")
    assert html.base_url == project.root.as_uri() + "/"
    assert html.files is project.files and html.network_hosts == ()
    assert html.resources == project.resources
    assert html.config.title == project.config.title and project.config.lang == "en"


def test_render_html_reads_no_file_and_no_environment(
    mini_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = load_project(mini_project)
    before = render_html(project).text
    shutil.rmtree(mini_project)  # everything it needs was read when the project was loaded
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert render_html(project).text == before


def test_the_editions_time_dates_the_document(mini_project: Path) -> None:
    created = dt.datetime(2026, 1, 1, 9, 30, tzinfo=dt.UTC)
    project = load_project(mini_project)
    html = render_html(project, Edition(created=created)).text
    assert '<meta name="dcterms.created" content="2026-01-01T09:30:00Z">' in html
    assert "March 1, 2026" in html  # report.yml's own date wins on the cover
    config = mini_project / "report.yml"
    config.write_text(config.read_text("utf-8").replace("date: 2026-03-01\n", ""), "utf-8")
    undated = load_project(mini_project)
    assert "January 1, 2026" in render_html(undated, Edition(created=created)).text
    assert "dcterms.created" not in render_html(undated).text


def test_print_mode_and_personalisation(mini_project: Path) -> None:
    chapter(
        mini_project,
        "03-copy.md",
        "# Copy\n\n{% if recipient %}For {{ recipient.name }}.{% endif %}\n",
    )
    project = load_project(mini_project)
    screen = render_html(project).text
    printed = render_html(project, Edition(print_mode=True, personalisation={"name": "Ana"})).text
    assert '<body class="screen">' in screen and "For Ana." not in screen
    assert '<body class="print">' in printed and "<p>For Ana.</p>" in printed


def test_css_string() -> None:
    assert css_string("Page") == '"Page"'
    assert css_string('a "quoted" \\ title\nnext') == '"a \\22 quoted\\22  \\5c  title next"'
    assert css_string("</style><script>") == '"\\3c /style\\3e \\3c script\\3e "'


@pytest.mark.parametrize(
    "text",
    [
        'A\r} body { background: red } x{content:"y',  # CR ended the string before
        "A\x0c} body { background: red }",  # and so did form feed
        "A\n} body { background: red }",
        "A\\",  # a trailing backslash would escape the closing quote
        "A' } body { background: red }",
        "A\u2028} body { background: red }",
    ],
)
def test_css_string_keeps_user_text_inside_the_string(text: str) -> None:
    """Whatever the text, the literal is one CSS string token: tinycss2 reads it back as one
    string holding the text (line breaks as spaces), nothing after it."""
    import tinycss2

    literal = str(css_string(text))
    tokens = [t for t in tinycss2.parse_component_value_list(literal) if t.type != "whitespace"]
    assert [t.type for t in tokens] == ["string"], literal
    assert tokens[0].value == re.sub("[\r\n\x0c\u2028]", " ", text)


def test_problems_of_every_chapter_at_once(mini_project: Path) -> None:
    chapter(mini_project, "03-a.md", "# A\n\n{{ data.survey.housholds.value }}\n")
    chapter(mini_project, "04-b.md", "No heading here.\n")
    chapter(mini_project, "05-c.md", "# C\n\n{{ data.survey.source }}\n")
    chapter(mini_project, "06-d.md", "# D\n\n{{ none_such | default(None) }}\n")
    assert problems_of(mini_project) == [
        "content/03-a.md:3: 'data.survey.housholds' is undefined"
        " (did you mean 'data.survey.households'?)",
        "content/04-b.md:1: the chapter has no title: start it with '# Title' or set title:"
        " in front matter",
        "content/05-c.md:3: wrong kind of value: cannot print this value directly; it is a"
        " breakdown: use table(…) or chart(…), or one of its categories",
        "content/06-d.md:3: wrong kind of value: nothing to print here: the value is empty",
    ]


def test_numbers_print_in_the_editions_language(mini_project: Path) -> None:
    chapter(mini_project, "03-n.md", "# N\n\n{{ data.survey.households.value * 1000.5 }}\n")
    project = load_project(mini_project)
    assert "<p>1,250,625</p>" in render_html(project).text
    assert "<p>1\u202f250\u202f625</p>" in render_html(project, Edition(lang="fr")).text


def test_a_number_written_in_the_template_prints_in_the_editions_language(
    mini_project: Path,
) -> None:
    # Jinja folds constants at compile time, escaping them to text before finalize sees them.
    chapter(mini_project, "03-n.md", "# N\n\n{{ 1234567.5 }} {{ 1000 * 2 }} {{ 3 > 2 }}\n")
    project = load_project(mini_project)
    assert "<p>1,234,567.5 2,000 True</p>" in render_html(project).text
    french = render_html(project, Edition(lang="fr")).text
    assert "<p>1\u202f234\u202f567,5 2\u202f000 True</p>" in french


def test_nothing_written_in_the_template_is_a_problem_too(mini_project: Path) -> None:
    chapter(mini_project, "03-n.md", "# N\n\n{{ None }}\n")
    assert problems_of(mini_project) == [
        "content/03-n.md:3: wrong kind of value: nothing to print here: the value is empty"
    ]


def test_nesting_too_deep_is_a_problem(mini_project: Path) -> None:
    chapter(mini_project, "03-deep.md", "# Deep\n\n" + "> " * (MAX_DEPTH + 5) + "down here\n")
    assert problems_of(mini_project) == [
        f"content/03-deep.md:3: nesting too deep: lists and quotes {MAX_DEPTH + 5} levels "
        f"inside each other (at most {MAX_DEPTH // 2} levels of lists, {MAX_DEPTH - 1} of "
        "quotes)"
    ]


def test_a_list_too_deep_is_said_in_list_levels_at_its_deepest_line(mini_project: Path) -> None:
    """Trial 5 #24: 31 list levels were "too deep …; the limit is 60 levels", with no line
    (the limit counted `<ul>` and `<li>` apart)."""
    items = "".join("  " * level + f"- item{level}\n" for level in range(MAX_DEPTH // 2 + 1))
    chapter(mini_project, "03-deep.md", "# Deep\n\n" + items)
    assert problems_of(mini_project) == [
        f"content/03-deep.md:{MAX_DEPTH // 2 + 3}: nesting too deep: lists and quotes "
        f"{MAX_DEPTH // 2 + 1} levels inside each other (at most {MAX_DEPTH // 2} levels of "
        f"lists, {MAX_DEPTH - 1} of quotes)"
    ]
    fewer = "".join("  " * level + f"- item{level}\n" for level in range(MAX_DEPTH // 2))
    chapter(mini_project, "03-deep.md", "# Deep\n\n" + fewer)
    assert "item29" in render_html(load_project(mini_project)).text  # 30 levels are laid out


def test_a_reference_to_no_figure_is_a_problem_of_its_chapter(mini_project: Path) -> None:
    chapter(mini_project, "03-ref.md", '# Ref\n\nSee {{ ref("fig-nope") }}.\n')
    [problem] = problems_of(mini_project)
    assert problem.startswith(
        "content/03-ref.md:3: ref('fig-nope'): no figure, table or heading has this id"
    )


def test_a_reference_fills_in_kind_and_number(mini_project: Path) -> None:
    chapter(
        mini_project,
        "03-ref.md",
        '# Ref\n\n![A pump](assets/pump.svg){#fig-pump2}\n\nSee {{ ref("fig-pump2") }}.\n',
    )
    html = render_html(load_project(mini_project)).text
    assert (
        '<a class="xref" href="#fig-pump2">figure\u00a03</a>' in html
    )  # after the overview's image and the findings' chart


def test_a_broken_project_template_is_named_at_its_line(mini_project: Path) -> None:
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "cover.html").write_text(
        "<section>\n{{ report.titel }}\n</section>\n", encoding="utf-8"
    )
    [problem] = problems_of(mini_project)
    assert problem.startswith("templates/cover.html:2: theme template: ")
    assert "titel" in problem


def test_an_include_of_a_file_outside_the_templates_is_named_at_its_line(
    mini_project: Path,
) -> None:
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "closing.html").write_text(
        '<section>\n<p>Thanks</p>\n{% include "/etc/passwd" %}\n</section>\n', encoding="utf-8"
    )
    [problem] = problems_of(mini_project)
    assert problem == (
        "templates/closing.html:3: template not found: /etc/passwd (a template includes only "
        "the theme's templates and those in templates/, by name)"
    )


def test_nothing_of_one_chapter_leaks_into_the_next(mini_project: Path) -> None:
    """The chapters share one Markdown converter, reset before each: notes, abbreviations,
    heading ids and the warnings are each chapter's own."""
    for old in (mini_project / "content").glob("*.md"):
        old.unlink()
    chapter(
        mini_project,
        "01-alpha.md",
        "# Alpha\n\nUses HTML.[^n]\n\n[^n]: Again.\n\n*[HTML]: Hyper Text Markup Language\n",
    )
    chapter(
        mini_project,
        "02-beta.md",
        "# Beta\n\nHTML again.[^n] And [^x].\n\n[^n]: Beta.\n\n## Alpha\n",
    )
    html = render_html(load_project(mini_project))
    alpha, beta = re.findall(r'<section class="chapter[^>]*>(.*?)</section>', html.text, re.S)
    assert '<abbr title="Hyper Text Markup Language">HTML</abbr>' in alpha
    assert '<span class="footnote">Again.</span>' in alpha and "Beta." not in alpha
    assert "<abbr" not in beta and "HTML again." in beta
    assert '<span class="footnote">Beta.</span>' in beta and "Note of alpha" not in beta
    assert 'id="alpha--alpha"' in alpha and 'id="beta--alpha"' in beta
    assert [str(p) for p in html.problems] == [
        "content/02-beta.md:3: footnote [^x] has no note (write '[^x]: the note' on a line of "
        "its own): it prints as written",
    ]


def test_every_missing_include_is_reported_not_only_the_first(mini_project: Path) -> None:
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "closing.html").write_text(
        "<section>\n<p>Thanks</p>\n"
        '{% include "../../outside/a.html" %}\n{% include "nope.html" %}\n'
        '{% include "gone.html" ignore missing %}\n</section>\n',
        encoding="utf-8",
    )
    rule = "(a template includes only the theme's templates and those in templates/, by name)"
    assert problems_of(mini_project) == [
        f"templates/closing.html:3: template not found: ../../outside/a.html {rule}",
        f"templates/closing.html:4: template not found: nope.html {rule}",
    ]


def test_a_right_to_left_value_in_a_chapter_is_isolated(mini_project: Path) -> None:
    """The third trial's item 7, in a chapter: a data label in Arabic printed in a sentence
    is bidi-isolated (FSI…PDI), so that ", 14" after it stays after it; a left-to-right one
    is printed as it is."""
    survey = mini_project / "data" / "survey.yml"
    survey.write_text(
        survey.read_text("utf-8").replace("label: Well,", 'label: "بئر",'), encoding="utf-8"
    )
    findings = mini_project / "content" / "02-findings.md"
    findings.write_text(
        findings.read_text("utf-8")
        + "\nR1 {{ data.survey.source.well.label }}, 14 R2 {{ data.survey.source.piped.label }}"
        ", 15 R3\n",
        encoding="utf-8",
    )
    html = render_html(load_project(mini_project), Edition()).text
    assert "R1 \u2068بئر\u2069, 14 R2 Piped water, 15 R3" in html


def test_report_date_prints_as_the_cover_and_has_its_parts(mini_project: Path) -> None:
    """Trial 4 #29: `{{ report.date.year }}` said "str has no 'year'"; printed, it is written
    the edition's way (test_compose_html_report_date)."""
    chapter(
        mini_project,
        "03-dated.md",
        "# Dated\n\nIn {{ report.date.year }} ({{ report.date.month }}/{{ report.date.day }}):"
        " {{ report.date }}, {{ report.date | date }}.\n",
    )
    html = render_html(load_project(mini_project)).text
    assert "In 2026 (3/1): March 1, 2026, March 1, 2026." in html


def test_a_chapter_cannot_print_how_the_report_is_sent(mini_project: Path) -> None:
    """Trial 6 #14: `{{ report | tojson }}` printed report.yml's mail relay, its account
    and password file, and the hosts the network may reach, into a PDF mailed out."""
    config = mini_project / "report.yml"
    config.write_text(
        config.read_text("utf-8")
        + "mail:\n  sender: desk@example.org\n  smtp:\n    host: relay.internal.example\n"
        "    user: secretuser\n    password_file: ~/.config/reportbuilder/smtp\n"
        "network:\n  allow: [tiles.internal.example]\n",
        "utf-8",
    )
    chapter(mini_project, "03-r.md", "# R\n\nALL {{ report | tojson }} END\n")
    text = render_html(load_project(mini_project)).text
    (printed,) = re.findall(r"ALL (.*?) END", text)
    assert "Water Access Survey" in printed and "desk@example.org" in printed
    for secret in ("relay.internal", "secretuser", "password_file", "tiles.internal"):
        assert secret not in printed
    chapter(mini_project, "03-r.md", "# R\n\n{{ report.mail.smtp.user }}\n")
    (problem,) = problems_of(mini_project)
    assert problem.startswith("content/03-r.md:3: ") and "smtp" in problem


def test_a_table_written_by_a_loop_keeps_its_rows(mini_project: Path) -> None:
    """Trial 6 #21: the `{% for %}` line left an empty line, which ended the table: its rows
    printed as a paragraph of "| North | 120 |". A line holding only a block tag leaves
    nothing; a list's items inside `{% if %}` keep their indentation."""
    chapter(
        mini_project,
        "03-loop.md",
        "# Loop\n\n| Region | People |\n|---|---:|\n"
        "{% for region, people in [('North', 120), ('South', 80)] %}\n"
        "| {{ region }} | {{ people | number }} |\n{% endfor %}\n\nAfter.\n\n"
        "- outer\n  {% if true %}\n  - inner\n  {% endif %}\n",
    )
    text = render_html(load_project(mini_project)).text
    section = text[text.index('id="loop"') :]
    table = section[section.index("<table") : section.index("</table>")]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", table) == ["North", "120", "South", "80"]
    assert "| North" not in section and "<p>After.</p>" in section
    assert re.search(r"<li>outer\s*<ul>\s*<li>inner</li>", section)
