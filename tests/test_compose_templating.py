"""compose.templating: the content sandbox (data only, every undefined name an error, named
with its full path) and the theme's environment (project templates shadow the theme's)."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from reportbuilder.compose.templating import (
    MAX_CHAPTER_CHARS,
    Namespace,
    content_environment,
    render_content,
    theme_environment,
    wrap,
)
from reportbuilder.errors import Stage
from reportbuilder.project.data.model import Table
from reportbuilder.project.theme import TemplateFile

REL = "content/01-a.md"
DATA = wrap("data", {"study": {"age": {"adults": 89}, "victims": 99}, "years": [{"n": 1}]})


# What an undefined bare name adds: it may be text the author meant literally.
RAW = "; to write {{, {% or {## as text, put it in `code` or between {% raw %} and {% endraw %}"


def render(source: str, **scope: Any) -> tuple[str | None, list[str]]:
    env = content_environment({"double": lambda value: value * 2})
    text, problems = render_content(env, source, REL, {"data": DATA, **scope})
    assert all(p.stage is Stage.COMPOSE and p.path == REL for p in problems)
    return text, [str(p) for p in problems]


def test_wrap_names_every_mapping_by_its_path() -> None:
    assert isinstance(DATA, Namespace) and DATA.path == "data"
    assert DATA["study"].path == "data.study"
    assert DATA["study"]["age"].path == "data.study.age"
    assert DATA["years"][0].path == "data.years[0]"
    assert wrap("x", DATA) is DATA and wrap("x", 5) == 5


def test_content_reads_data_and_filters() -> None:
    text, problems = render("{{ data.study.victims | double }} {{ data.study.age.adults }}\n")
    assert (text, problems) == ("198 89\n", [])


def test_an_undefined_name_says_its_path_and_a_close_key() -> None:
    assert render("# T\n\n{{ data.study.agee.adults }}\n") == (
        None,
        ["content/01-a.md:3: 'data.study.agee' is undefined (did you mean 'data.study.age'?)"],
    )
    assert render("{{ data.study.zzz }}") == (
        None,
        ["content/01-a.md:1: 'data.study.zzz' is undefined; it has: age, victims"],
    )
    assert render("{{ nothing }}") == (None, [f"content/01-a.md:1: 'nothing' is undefined{RAW}"])


def test_a_close_key_that_is_no_name_is_suggested_in_brackets() -> None:
    """Trial 4 #29: `data/Study Results 2025.csv` was suggested as `data.Study Results 2025`,
    which no template can write."""
    data = wrap("data", {"Study Results 2025": {"n": 1}})
    assert render("{{ data.StudyResults }}", data=data) == (
        None,
        [
            "content/01-a.md:1: 'data.StudyResults' is undefined "
            "(did you mean 'data[\"Study Results 2025\"]'?)"
        ],
    )
    assert render('{{ data["Study Results 2025"].n }}', data=data) == ("1", [])


def test_a_workbook_of_one_visible_sheet_is_not_asked_for_its_sheet() -> None:
    """Trial 4 #29: `data.m.Main` on a workbook whose one visible sheet is the table said
    "Table has no 'Main'"."""
    table = Table("m", ["a"], [{"a": 1}])
    table.source, table.sheet = "data/m.xlsx", "Main"
    _, problems = render("{{ table_of(data.m.Main) }}", data=wrap("data", {"m": table}),
                         table_of=len)  # fmt: skip
    assert problems == [
        "content/01-a.md:1: data/m.xlsx has one visible sheet ('Main'), which is the table "
        "itself: write data.m, without '.Main'"
    ]


def test_a_missing_attribute_of_a_value_is_named() -> None:
    _, problems = render('{{ "text".uper() }}')
    assert problems == ["content/01-a.md:1: str has no 'uper' (did you mean 'upper'?)"]


def test_methods_of_plain_values_work_but_not_of_other_objects() -> None:
    assert render('{{ "abc".upper() }} {{ data.study.keys() | list | length }}') == ("ABC 2", [])

    class Model:
        def parse_file(self) -> str:
            return "read a file"

    _, problems = render("{{ model.parse_file() }}", model=Model())
    assert len(problems) == 1 and problems[0].startswith(
        "content/01-a.md:1: not allowed in content"
    )


def test_the_sandbox_is_immutable_and_has_no_globals() -> None:
    _, problems = render("{{ data.study.update({'victims': 1}) }}")
    assert problems[0].startswith("content/01-a.md:1: not allowed in content")
    _, problems = render("{{ range(3) | list }}")
    assert problems == [f"content/01-a.md:1: 'range' is undefined{RAW}"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ 'x' * 200000 }}", "not allowed in content: that repetition would be too long"),
        ("{{ [0] * 200000 }}", "not allowed in content: that repetition would be too long"),
        ("{{ 10 ** 1000 }}", "not allowed in content: exponent too large"),
        # text doubled a line at a time (trial 4: 2 GB from one line, the build passed)
        (
            "{% set a = 'a' * 99999 %}{% set b = a~a~a~a~a~a~a~a~a~a %}"
            "{% set c = b~b~b~b~b~b~b~b~b~b %}{{ (c ~ c) | length }}",
            "not allowed in content: that text would be too long (the limit is 2000000)",
        ),
        (
            "{% set a = 'a' * 99999 %}{% set b = a+a+a+a+a+a+a+a+a+a %}"
            "{% set c = b+b+b+b+b+b+b+b+b+b %}{{ (c + c) | length }}",
            "not allowed in content: that text would be too long (the limit is 2000000)",
        ),
    ],
)
def test_huge_values_are_refused(source: str, message: str) -> None:
    assert render(source) == (None, [f"content/01-a.md:1: {message}"])


def test_a_chapter_may_not_grow_too_large() -> None:
    text, _ = render("{% for i in n %}{{ 'y' * 90000 }}{% endfor %}", n=list(range(20)))
    assert text is not None and len(text) == 1_800_000
    _, problems = render("{% for i in n %}{{ 'y' * 90000 }}{% endfor %}", n=list(range(30)))
    assert problems == [
        f"content/01-a.md: the chapter grows past {MAX_CHAPTER_CHARS} characters (the limit)"
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("line\n{% if %}", "content/01-a.md:2: template syntax: Expected an expression"),
        ("\n\n{% include 'secret.md' %}", "content/01-a.md:3: content cannot include other files"),
        ("{{ data.study.victims / 0 }}", "content/01-a.md:1: division by zero"),
        ("{{ data.years[5] }}", "content/01-a.md:1: "),
    ],
)
def test_failures_are_problems_at_their_line(source: str, message: str) -> None:
    text, problems = render(source)
    assert text is None and len(problems) == 1
    assert problems[0].startswith(message), problems[0]


def test_comments_are_double_hashes_so_attribute_lists_stay_text() -> None:
    assert render("# Title {#intro}\n{## a comment ##}text\n") == ("# Title {#intro}\ntext\n", [])


# --- The theme's environment ------------------------------------------------------------------


def files(**templates: str) -> dict[str, TemplateFile]:
    return {
        f"{name}.html": TemplateFile(text, f"theme/{name}.html") for name, text in templates.items()
    }


def test_own_templates_shadow_the_themes_and_base_reaches_the_themes() -> None:
    theme = files(cover="THEME COVER", report="{% include 'cover.html' %}|{% include 'toc.html' %}")
    theme["toc.html"] = TemplateFile("THEME TOC", "toc.html")
    own = {
        "cover.html": TemplateFile("OWN[{% include 'base:cover.html' %}]", "templates/cover.html")
    }
    env = theme_environment(theme, own)
    assert env.get_template("report.html").render() == "OWN[THEME COVER]|THEME TOC"
    assert env.get_template("base:cover.html").render() == "THEME COVER"


def test_a_template_that_is_nowhere() -> None:
    env = theme_environment(files(report="x"), {})
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("nowhere.html")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("base:nowhere.html")


def test_problems_in_a_template_name_its_file() -> None:
    env = theme_environment(files(report="line\n{{ broken("), {})
    with pytest.raises(jinja2.TemplateSyntaxError) as raised:
        env.get_template("report.html")
    assert (raised.value.filename, raised.value.lineno) == ("theme/report.html", 2)


def test_the_theme_is_sandboxed_and_escapes() -> None:
    env = theme_environment(files(report="{{ text }}|{{ ''.__class__ }}"), {})
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.get_template("report.html").render(text="<b>")
    env = theme_environment(files(report="{{ text }}"), {})
    assert env.get_template("report.html").render(text="<b>") == "&lt;b&gt;"


def test_a_misspelt_filter_or_helper_gets_did_you_mean() -> None:
    def chart() -> str:
        return ""

    assert render("x\n{{ 5 | doubel }}") == (
        None,
        ["content/01-a.md:2: no filter named 'doubel' (did you mean 'double'?)"],
    )
    # Jinja looks a filter inside a branch up only when the branch runs.
    assert render("{% if true %}{{ 5 | doubel }}{% endif %}") == (
        None,
        ["content/01-a.md:1: no filter named 'doubel' (did you mean 'double'?)"],
    )
    assert render("{{ 5 is od }}") == (
        None,
        ["content/01-a.md:1: no test named 'od' (did you mean 'odd'?)"],
    )
    assert render("\n{{ chrt(data.study) }}", chart=chart) == (
        None,
        ["content/01-a.md:2: 'chrt' is undefined (did you mean 'chart'?)"],
    )


def test_every_failing_value_of_a_chapter_is_reported_not_only_the_first() -> None:
    source = (
        "# T\n\nA {{ data.__class__ }} b.\n\nC {{ nope }} d.\n\n{{ data.study.victims }}\n\n"
        "E {{ data.study.victims / 0 }}\n"
    )
    text, problems = render(source)
    assert text is None
    assert [p.split(": ", 1)[0] for p in problems] == [
        "content/01-a.md:3",
        "content/01-a.md:5",
        "content/01-a.md:9",
    ]
    assert "__class__" in problems[0] and "'nope' is undefined" in problems[1]
    assert problems[2].endswith("division by zero")


def test_after_a_failing_statement_only_the_first_is_reported() -> None:
    # Leaving out a `{% … %}` line would change what follows: no guess at later problems.
    text, problems = render("{% for i in data.study.victims %}{{ i }}{% endfor %}\n{{ nope }}\n")
    assert text is None and len(problems) == 1 and problems[0].startswith("content/01-a.md:1:")
    text, problems = render("{{ nope }}\n{% if data.nothing.deeper %}x{% endif %}\n{{ nah }}\n")
    assert [p.split(": ", 1)[0] for p in problems] == ["content/01-a.md:1", "content/01-a.md:2"]


def test_every_failing_value_of_a_line_is_said() -> None:
    """Jinja stops at the first failure of a line: `{{ nosuch }}` after a wrong data key was
    learnt only once the first was fixed (trial 5 #14)."""
    text, problems = render(
        "A {{ data.study.nope }} and {{ nosuch }} and {{ data.study.victims }}\n\n"
        "{{ data.study.gone }}\n"
    )
    assert text is None
    assert problems == [
        "content/01-a.md:1: 'data.study.nope' is undefined; it has: age, victims",
        "content/01-a.md:1: 'nosuch' is undefined" + RAW,
        "content/01-a.md:3: 'data.study.gone' is undefined; it has: age, victims",
    ]


def test_default_and_defined_do_not_hide_a_misspelt_key() -> None:
    """Trial 6 #13: `{{ data.survey.tenure.owners.percnt | default(0) | percent }}` printed
    "0%": the typo that is an error elsewhere was hidden by `default` (and by `is defined`).
    A key close to one its owner has is an error; a key with no close match is left to them."""
    hidden = ": `default` would hide the misspelt key"
    assert render("{{ data.study.victms | default(0) }}") == (
        None,
        [f"content/01-a.md:1: 'data.study.victms' is undefined (did you mean "
         f"'data.study.victims'?){hidden}"],
    )  # fmt: skip
    assert render("\n{{ data.study.age.adutls | d(1) }}")[1] == [
        "content/01-a.md:2: 'data.study.age.adutls' is undefined (did you mean "
        f"'data.study.age.adults'?){hidden}"
    ]
    assert render("{% if data.study.agee is defined %}x{% endif %}")[1] == [
        "content/01-a.md:1: 'data.study.agee' is undefined (did you mean 'data.study.age'?): "
        "`is defined` would hide the misspelt key"
    ]
    fine = (
        "{{ data.study.zzz | default('n/a') }} {{ data.study.nothing is undefined }} "
        "{{ recipient.name | default('all') }} {{ data.study.victims | default(0) }}"
    )
    assert render(fine, recipient=wrap("recipient", {})) == ("n/a True all 99", [])


def test_int_and_float_refuse_what_is_no_number() -> None:
    """Trial 6 #59: `{{ "12,5" | float }}` (a French figure in a text column) and
    `{{ "n/a" | int }}` printed 0, exit 0. What is no number is an error at its line."""
    assert render(
        "{{ '12.5' | float }} {{ '42' | int }} {{ 7.9 | int }} {{ data.study.victims | float }}"
    ) == (
        "12.5 42 7 99.0",
        [],
    )
    said = "is not a number written with a point (12.5); declare the column's type"
    assert render("{{ '12,5' | float }}")[1] == [
        f"content/01-a.md:1: float: '12,5' {said} in report.yml, or give the value as a number"
    ]
    assert render("\n{{ 'n/a' | int }}")[1] == [
        f"content/01-a.md:2: int: 'n/a' {said} in report.yml, or give the value as a number"
    ]


def test_int_of_a_misspelt_key_says_the_key() -> None:
    assert render("{{ data.study.victms | int }}")[1] == [
        "content/01-a.md:1: 'data.study.victms' is undefined (did you mean 'data.study.victims'?)"
    ]


def test_a_dashed_name_is_said_to_need_brackets() -> None:
    """Trial 7 #30: `{{ table(data.my-data) }}` (data/my-data.csv) said "'data.my' is
    undefined; it has: …, my-data, …" with no word that '-' is a minus there."""
    from reportbuilder.compose.templating import content_environment, wrap

    env = content_environment({})
    data = wrap("data", {"my-data": 1, "survey": 2})
    with pytest.raises(jinja2.UndefinedError) as caught:
        env.from_string("{{ data.my-data }}").render(data=data)
    assert str(caught.value) == (
        "'data.my' is undefined (a '-' is a minus here: write data[\"my-data\"])"
    )


def test_strftime_points_to_the_date_filter(tmp_path: Any) -> None:
    """Trial 7 #30: `report.date.strftime("%B %Y")` suggested "did you mean 'strip'?"."""
    from click.testing import CliRunner

    from conftest import copy_fixture
    from reportbuilder.cli import main

    root = copy_fixture("tiny", tmp_path / "tiny")
    chapter = root / "content" / "01-only.md"
    chapter.write_text(chapter.read_text("utf-8") + '\n{{ report.date.strftime("%B %Y") }}\n')
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "has no 'strftime'" in result.stderr and '| date("MMMM y")' in result.stderr
    assert "strip" not in result.stderr
