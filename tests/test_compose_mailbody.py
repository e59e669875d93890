"""compose.mailbody: the message's words in fr, en and es, the summary from the data (or from
report.yml's `mail.summary`), the contact's signature, and a project's own templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder import ComposeError, Edition, load_project
from reportbuilder.compose.mailbody import render_mail_body


def body(project: Path, lang: str = "en", **extra: object):  # type: ignore[no-untyped-def]
    return render_mail_body(
        load_project(project), Edition(lang=lang), pages=6, size=81_000, **extra
    )


def test_the_example_in_french_has_its_key_figures_and_signature(example_project: Path) -> None:
    made = body(example_project, "fr")
    assert made.subject == "La traite des personnes au Chili"
    lines = made.text.splitlines()
    assert lines[0] == "Bonjour,"
    assert lines[2] == (
        "Veuillez trouver ci-joint le rapport «\u00a0La traite des personnes au Chili\u00a0» "
        "(6\u00a0pages, 81\u00a0Ko)."
    )
    assert lines[4].startswith("Étude préliminaire sur les victimes")  # the subtitle
    assert lines[5].startswith("99 victimes identifiées et interrogées · 5 mois")  # figures
    assert lines[-6:] == [
        "-- ",
        "Gabriela Rodriguez",
        "OIM Santiago",
        "Bureau de l’OIM au Chili",
        "+56 2 2274 6713",
        "iomsantiago@iom.int",
    ]
    assert '<html lang="fr">' in made.html
    assert "99 victimes identifiées" in made.html
    assert '<a href="tel:+56222746713">+56 2 2274 6713</a><br>' in made.html
    assert '<a href="mailto:iomsantiago@iom.int">iomsantiago@iom.int</a>' in made.html


@pytest.mark.parametrize(
    ("lang", "greeting", "closing"),
    [("en", "Dear Ana Pérez,", "Best regards,"), ("es", "Buenos días, Ana Pérez:", "Atentamente,")],
)
def test_a_named_recipient_is_greeted_in_the_editions_language(
    mini_project: Path, lang: str, greeting: str, closing: str
) -> None:
    made = body(mini_project, lang, recipient={"name": "Ana Pérez"})
    assert made.text.startswith(greeting + "\n")
    assert closing in made.text
    assert f"<p>{greeting}</p>" in made.html


def test_mail_summary_is_a_template_over_the_data_and_html_is_escaped(mini_project: Path) -> None:
    config = mini_project / "report.yml"
    config.write_text(
        config.read_text()
        + "mail:\n  summary: |\n    <b>{{ report.title }}</b> & more\n"
        + "    {{ 1234567 | number }} people asked\n",
        encoding="utf-8",
    )
    made = body(mini_project)
    assert "<b>Water Access Survey</b> & more\n1,234,567 people asked\n" in made.text
    assert "&lt;b&gt;Water Access Survey&lt;/b&gt; &amp; more<br>" in made.html


def test_a_wrong_summary_is_reported_at_report_yml(mini_project: Path) -> None:
    config = mini_project / "report.yml"
    config.write_text(config.read_text() + "mail:\n  summary: '{{ data.nope }}'\n")
    with pytest.raises(ComposeError) as raised:
        body(mini_project)
    (problem,) = raised.value.problems
    assert problem.path == "report.yml" and problem.message.startswith("mail.summary: ")


def test_a_project_template_replaces_the_themes(mini_project: Path) -> None:
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "mail.txt").write_text(
        "Hi {{ recipient.name | default('there') }} & co — {{ title }} ({{ size }})\n"
    )
    made = body(mini_project)
    assert made.text == "Hi there & co — Water Access Survey (81\u00a0KB)\n"  # not escaped
    assert "<p>Hello,</p>" in made.html  # the theme's HTML stays


def test_each_language_edition_has_its_own_title_and_figures(example_project: Path) -> None:
    made = body(example_project, "es")
    assert made.subject == "La trata de personas en Chile"
    lines = made.text.splitlines()
    assert lines[0] == "Buenos días:"
    assert lines[2].startswith("Le enviamos adjunto el informe «La trata de personas en Chile»")
    assert lines[5].startswith("99 víctimas identificadas y entrevistadas · 5 meses")


@pytest.mark.parametrize(
    ("summary", "line", "message"),
    [
        ("'{{ data.nope }}'", 0, "mail.summary: 'data.nope' is undefined"),
        ("|\n    Fine.\n    {{ data.survey.nope.value }}", 2, "mail.summary: 'data.survey.nope'"),
        ("|\n    {{ ''.__class__.__mro__ }}", 1, "mail.summary: "),
    ],
    ids=["inline", "block", "sandbox"],
)
def test_check_finds_a_wrong_summary_at_its_report_yml_line(
    mini_project: Path, summary: str, line: int, message: str
) -> None:
    """`check` said "no problems found" and `mail` then failed with no line (trial2 #28)."""
    from click.testing import CliRunner

    from reportbuilder.cli import main

    config = mini_project / "report.yml"
    text = config.read_text() + f"mail:\n  summary: {summary}\n"
    config.write_text(text)
    key = text.splitlines().index(f"  summary: {summary.splitlines()[0]}") + 1
    result = CliRunner().invoke(main, ["check", str(mini_project)])
    assert result.exit_code == 1, result.output
    [shown] = result.stderr.splitlines()
    assert shown.startswith(f"report.yml:{key + line}: {message}"), shown
    with pytest.raises(ComposeError) as raised:
        body(mini_project)  # what `mail` and `merge` say: the same line
    assert str(raised.value.problems[0]) == shown


def test_figures_in_the_summary_carry_no_markdown_backslash(mini_project: Path) -> None:
    """Trial 6 #33: an English `mail.summary` printed "P 58\\.5% Q 1,234\\.50" to every
    recipient: the filters' text was escaped for Markdown, which the summary never goes
    through. Text from the data prints as written too, in both bodies."""
    config = mini_project / "report.yml"
    config.write_text(
        config.read_text()
        + 'mail:\n  summary: "P {{ 58.5 | percent }} Q {{ 1234.5 | number(decimals=2) }} '
        + "R {{ '*starred* [x](y) 1.' }}\"\n",
        encoding="utf-8",
    )
    made = body(mini_project)
    assert "P 58.5% Q 1,234.50 R *starred* [x](y) 1.\n" in made.text
    assert "P 58.5% Q 1,234.50 R *starred* [x](y) 1." in made.html
    assert "\\" not in made.text + made.html
