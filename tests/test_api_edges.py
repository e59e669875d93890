"""Edge cases found by trying the public API as a new user and as an attacker: each one once
printed something wrong, lost something, leaked between builds or wrote where it should not."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder import (
    ComposeError,
    Edition,
    Limits,
    OutputError,
    PdfRenderer,
    ProjectError,
    build,
    check,
    load_project,
    render_html,
)
from reportbuilder.cli import main


def _chapter(project: Path, text: str, name: str = "03-extra.md") -> Path:
    path = project / "content" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_template_cannot_change_the_theme_words_of_later_builds(
    mini_project: Path, tmp_path: Path
) -> None:
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "cover.html").write_text(
        '{% include "base:cover.html" %}{{ labels.update({"contents": "PWNED"}) }}\n',
        encoding="utf-8",
    )
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(mini_project))
    assert raised.value.problems[0].path == "templates/cover.html"
    innocent = tmp_path / "innocent"
    innocent.mkdir()
    for part in ("report.yml", "content", "data", "contacts.yml", "assets"):
        source = mini_project / part
        target = innocent / part
        if source.is_dir():
            target.mkdir()
            for child in source.iterdir():
                (target / child.name).write_bytes(child.read_bytes())
        else:
            target.write_bytes(source.read_bytes())
    html = render_html(load_project(innocent)).text
    assert "PWNED" not in html and ">Contents<" in html


def test_a_deadline_is_not_swallowed_by_constant_folding(mini_project: Path) -> None:
    # Jinja folds constant expressions inside `except Exception`: the interruption must pass.
    # Then work no machine ends in 3 s (9 million loop steps), so the limit is always met
    # there: printed, 3 000 folded `9 ** 99` took about 3 s, less on an idle machine, and
    # each is now an error of its own ("too large to print") that came first.
    slow = "{% set n = 'x' * 3000 %}{% for a in n %}{% for b in n %}{% set y = 7 ** 25 %}"
    _chapter(
        mini_project,
        "# Slow\n\n{{ (7 ** 100) ** 90 > 1 }}\n"
        + "{{ 9 ** 20 }}\n" * 3000
        + slow
        + "{% endfor %}{% endfor %}\n",
    )
    # CPU time, not the clock: on a loaded machine the 3 s run out with little work done, and
    # what this checks is that the work stops (folded, it would go on for minutes).
    started = time.process_time()
    # The limit covers reading the project too, which took more than 3 s on a loaded machine:
    # read first, so that the time runs out in the template, where the folding is.
    project = load_project(mini_project)
    with pytest.raises(ComposeError) as raised:
        check(project, Edition(limits=Limits(timeout=3)))
    assert time.process_time() - started < 15
    assert raised.value.problems[0].setting == "timeout"


@pytest.mark.parametrize("value", ["inf", "1e12", "0"])
def test_an_impossible_timeout_is_a_usage_error(
    mini_project: Path, runner: CliRunner, value: str
) -> None:
    result = runner.invoke(main, ["check", str(mini_project), "--timeout", value])
    assert result.exit_code == 2 and "Traceback" not in result.output
    with pytest.raises((ValueError, TypeError)):
        Limits(timeout=float(value))


def test_recursion_in_a_project_template_is_located(mini_project: Path) -> None:
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "cover.html").write_text(
        "<p>\n{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}\n</p>\n", encoding="utf-8"
    )
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(mini_project))
    [problem] = raised.value.problems
    assert problem.path == "templates/cover.html" and "recursion" in problem.message


def test_an_error_in_an_included_template_names_that_file(mini_project: Path) -> None:
    parts = mini_project / "templates" / "parts"
    parts.mkdir(parents=True)
    (mini_project / "templates" / "cover.html").write_text(
        '<div>\n{% include "parts/x.htm" %}\n</div>\n', encoding="utf-8"
    )
    (parts / "x.htm").write_text("<p>\n\n{{ 1 / 0 }}\n</p>\n", encoding="utf-8")
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(mini_project))
    [problem] = raised.value.problems
    assert (problem.path, problem.line) == ("templates/parts/x.htm", 3)


@pytest.mark.parametrize(
    ("entry", "wanted"),
    [("  - id: desk\n", "a name"), ("  - id: desk\n    name: Sam\n", "a way to reach")],
)
def test_a_contact_card_with_nothing_on_it_is_refused(
    mini_project: Path, entry: str, wanted: str
) -> None:
    (mini_project / "contacts.yml").write_text("contacts:\n" + entry, encoding="utf-8")
    with pytest.raises(ProjectError) as raised:
        load_project(mini_project)
    [problem] = raised.value.problems
    assert (problem.path, problem.line) == ("contacts.yml", 2)
    assert wanted in problem.message and "Value error" not in problem.message


def test_personalisation_is_printed_as_typed_never_as_markdown(mini_project: Path) -> None:
    _chapter(mini_project, "# For you\n\nPrepared for {{ recipient.name }}.\n")
    name = "Bob\n\n# Injected\n\n[verify](https://phish.example/x) **bold** <b>x</b>"
    html = render_html(load_project(mini_project), Edition(personalisation={"name": name})).text
    assert html.count("phish.example") == 2 and 'href="https://phish' not in html
    # The address stays text (no link), with break opportunities at its slashes.
    url = '<span class="url">https://phish.example/\u200bx</span>'
    typed = f"Bob # Injected [verify]({url}) **bold** &lt;b&gt;x&lt;/b&gt;"
    # Its line breaks are spaces (a name is one line of text), as a browser shows them.
    assert f"<p>Prepared for {typed}.</p>" in re.sub(r" +", " ", html)


@pytest.mark.pdf
def test_report_yml_output_through_a_link_out_is_refused(
    mini_project: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "mini.pdf").write_text("precious", encoding="utf-8")
    (mini_project / "out").symlink_to(victim)
    with pytest.raises(OutputError) as raised:
        build(mini_project)
    assert "leads out of the project" in raised.value.problems[0].message
    assert (victim / "mini.pdf").read_text(encoding="utf-8") == "precious"
    (mini_project / "out").unlink()
    (mini_project / "out").symlink_to(mini_project / "content")
    with pytest.raises(OutputError):
        build(mini_project, format="html")
    assert not (mini_project / "content" / "mini.html").exists()


def test_a_templates_link_to_a_big_tree_is_refused_without_walking_it(mini_project: Path) -> None:
    (mini_project / "templates").symlink_to("/usr")
    started = time.process_time()  # CPU time: walking /usr would take much; the clock, load
    with pytest.raises(ProjectError) as raised:
        load_project(mini_project)
    assert time.process_time() - started < 5
    [problem] = raised.value.problems
    assert problem.path == "templates" and "link out of the project" in problem.message


def test_check_strict_fails_where_build_strict_would(mini_project: Path) -> None:
    _chapter(
        mini_project,
        # in lines of text: as figures, their pictures refused would be errors (test_link_policy)
        "# Images\n\nA ![a](../../etc/x.png) icon.\n\nB ![b](https://example.org/b.png).\n\n"
        'C <img src="/etc/passwd" alt="c">.\n\n[a link is fine](https://example.org)\n',
    )
    result = check(mini_project)
    found = sorted((p.line, p.message) for p in result.warnings)
    assert [line for line, _ in found] == [3, 5, 7]
    assert found[0][1].startswith("refused ") and found[0][1].endswith("outside the project")
    assert found[1][1] == "network access is off: refused https://example.org/b.png"
    assert found[2][1] == "refused /etc/passwd: outside the project"
    assert all(p.path == "content/03-extra.md" for p in result.warnings)
    with pytest.raises(ProjectError):
        check(mini_project, Edition(strict=True))


def test_a_dangling_reference_is_located(mini_project: Path) -> None:
    _chapter(mini_project, "# Refs\n\nSome text.\n\nSee {{ ref('nope') }}.\n")
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(mini_project))
    [problem] = raised.value.problems
    assert (problem.path, problem.line) == ("content/03-extra.md", 5)


def test_wrong_argument_types_are_clear() -> None:
    with pytest.raises(TypeError, match=r"Edition\.print_mode must be a bool"):
        Edition(print_mode="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Edition\.limits must be a Limits"):
        Edition(limits={"timeout": 3})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Edition\.lang"):
        Edition(lang=123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="timeout must be a number"):
        Limits(timeout="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="render_html takes a Project"):
        render_html("some/folder")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="format"):
        build("some/folder", format="docx")  # type: ignore[arg-type]


def test_a_project_is_read_only(mini_project: Path) -> None:
    project = load_project(mini_project)
    with pytest.raises(TypeError):
        project.data["survey"] = 1  # type: ignore[index]


@pytest.mark.pdf
def test_a_closed_renderer_takes_no_more_jobs(tiny_project: Path) -> None:
    html = render_html(load_project(tiny_project))
    with PdfRenderer() as renderer:
        assert renderer.render(html).pages == 3  # the cover, the contents, the chapter
    with pytest.raises(RuntimeError, match="closed"):
        renderer.render(html)


@pytest.mark.pdf
def test_one_renderer_shared_by_threads_gives_each_its_own_pdf(tiny_project: Path) -> None:
    import io

    import pypdf

    _chapter(tiny_project, "# For you\n\nPrepared for {{ recipient.name }}.\n")
    project = load_project(tiny_project)
    names = ["Alice", "Bob", "Carol", "Dave"]
    got: dict[str, str] = {}
    with PdfRenderer() as renderer:

        def job(name: str) -> None:
            pdf = renderer.render(render_html(project, Edition(personalisation={"name": name})))
            reader = pypdf.PdfReader(io.BytesIO(pdf.data))
            text = " ".join(page.extract_text() or "" for page in reader.pages)
            got[name] = ",".join(n for n in names if f"Prepared for {n}" in text)

        threads = [threading.Thread(target=job, args=(n,)) for n in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert got == {n: n for n in names}
    assert os.getpid()  # the renderer ended with its block (see test_api for the process count)


def test_a_number_too_large_to_print_is_said_in_words(mini_project: Path) -> None:
    """`{{ 9 ** 99 }}` failed with "cannot compute this: [<class 'decimal.InvalidOperation'>]"."""
    _chapter(mini_project, "# Big\n\n{{ 9 ** 99 }}\n")
    with pytest.raises(ComposeError) as raised:
        check(mini_project)
    [problem] = raised.value.problems
    assert str(problem) == (
        "content/03-extra.md:3: cannot compute this: a number too large or too precise to print"
    )
