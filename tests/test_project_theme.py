"""project.theme: finding a theme (built-in or a folder in the project), reading its templates
through the file policy when the project is loaded, and a project's own templates and
stylesheets shadowing the theme's (`base:name.html` still reaching the theme's)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import copy_fixture
from reportbuilder.compose.html import render_html
from reportbuilder.errors import ComposeError, ProjectError, Stage
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.load import load_project
from reportbuilder.project.theme import (
    MAX_TEMPLATES,
    THEMES_DIR,
    builtin_themes,
    find_theme,
    load_theme,
    read_templates,
    stylesheets,
    theme_hint,
)

BASE = THEMES_DIR / "base"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def set_theme(project: Path, name: str) -> None:
    config = project / "report.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"theme: {name}\n", encoding="utf-8")


# --- Finding a theme --------------------------------------------------------------------------


def test_the_built_in_theme_ships_in_the_package() -> None:
    assert "base" in builtin_themes()
    assert {"report.html", "cover.html", "chapter.html"} <= {
        p.name for p in (BASE / "templates").iterdir()
    }


def test_find_theme_built_in_local_and_missing(tmp_path: Path) -> None:
    assert find_theme("base", tmp_path) == BASE
    (tmp_path / "house").mkdir()
    assert find_theme("house", tmp_path) == (tmp_path / "house").resolve()
    assert find_theme("nowhere", tmp_path) is None
    write(tmp_path / "plain", "a file, not a folder\n")
    assert find_theme("plain", tmp_path) is None


def test_a_built_in_theme_wins_over_a_folder_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    assert find_theme("base", tmp_path) == BASE


def test_a_local_theme_that_is_a_link_out_is_not_found(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "templates").mkdir(parents=True)
    project = tmp_path / "project"
    project.mkdir()
    (project / "house").symlink_to(elsewhere)
    assert find_theme("house", project) is None


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda project: (project / "house").symlink_to(project / "house"), "symbolic link loop"),
        (lambda project: (project / "house").symlink_to(project.parent), "link out of the project"),
        (lambda project: (project / "house").write_text("x"), "is a file, not a theme folder"),
    ],
    ids=["loop", "link-out", "file"],
)
def test_a_theme_that_is_not_a_folder_says_why(
    mini_project: Path, make: Callable[[Path], object], reason: str
) -> None:
    make(mini_project)
    set_theme(mini_project, "house")
    with pytest.raises(ProjectError) as raised:
        load_project(mini_project)
    [problem] = raised.value.problems
    assert str(problem).startswith("report.yml:20: theme 'house' not found (the project's 'house' ")
    assert reason in str(problem)


def test_theme_hint() -> None:
    assert theme_hint("bsae") == "did you mean 'base'?"
    assert theme_hint("zzzzzz") == f"known: {', '.join(builtin_themes())}"


def test_a_missing_theme_is_a_problem_at_its_line(mini_project: Path) -> None:
    set_theme(mini_project, "bsae")
    with pytest.raises(ProjectError) as raised:
        load_project(mini_project)
    [problem] = raised.value.problems
    assert str(problem) == "report.yml:20: theme 'bsae' not found (did you mean 'base'?)"


# --- Reading templates and stylesheets --------------------------------------------------------


def test_read_templates_names_files_by_their_path_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    write(folder / "cover.html", "<h1>cover</h1>")
    write(folder / "parts" / "note.html", "<p>note</p>")
    write(folder / ".cover.html.swp", "editor litter")
    found, problems = read_templates(folder, FilePolicy(tmp_path), "templates/")
    assert problems == []
    assert sorted(found) == ["cover.html", "parts/note.html"]
    assert found["parts/note.html"].source == "<p>note</p>"
    assert found["parts/note.html"].shown == "templates/parts/note.html"
    assert read_templates(tmp_path / "none", FilePolicy(tmp_path), "templates/") == ({}, [])


def test_read_templates_stops_at_its_limit(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    for n in range(MAX_TEMPLATES + 3):
        write(folder / f"t{n:03}.html", "x")
    found, problems = read_templates(folder, FilePolicy(tmp_path), "templates/")
    assert len(found) == MAX_TEMPLATES
    assert [str(p) for p in problems] == [
        f"templates/: more than {MAX_TEMPLATES} files; the rest are not read"
    ]


def test_stylesheets_are_the_css_files_in_name_order(tmp_path: Path) -> None:
    for name in ("20-b.css", "00-a.css", "notes.txt", "10-c.CSS"):
        write(tmp_path / "styles" / name, "")
    (tmp_path / "styles" / "sub.css").mkdir()
    assert [p.name for p in stylesheets(tmp_path / "styles")] == ["00-a.css", "20-b.css"]
    assert stylesheets(tmp_path / "none") == ()


def test_a_project_theme_names_its_files_by_their_place_in_the_project(tmp_path: Path) -> None:
    folder = tmp_path / "house"
    write(folder / "templates" / "report.html", "{{ report.title }}")
    write(folder / "styles" / "site.css", "p { color: red }")
    theme, problems = load_theme("house", folder, FilePolicy(tmp_path, folder))
    assert problems == []
    assert theme.templates["report.html"].shown == "house/templates/report.html"
    assert theme.stylesheets == (folder / "styles" / "site.css",)
    base, _ = load_theme("base", BASE, FilePolicy(tmp_path, BASE))
    assert base.templates["cover.html"].shown == "cover.html"  # a built-in theme: the name


# --- Shadowing, through load_project and render_html ------------------------------------------


def test_a_project_template_shadows_the_themes(mini_project: Path) -> None:
    write(
        mini_project / "templates" / "cover.html", '<section class="own-cover">OWN COVER</section>'
    )
    html = render_html(load_project(mini_project)).text
    assert "OWN COVER" in html
    assert 'class="cover-band"' not in html  # the theme's cover is not used at all
    assert 'class="closing"' in html  # the templates not shadowed are the theme's


def test_base_prefix_wraps_the_themes_template(mini_project: Path) -> None:
    write(
        mini_project / "templates" / "report.html",
        '{% extends "base:report.html" %}{% block cover %}<p>BEFORE</p>{{ super() }}{% endblock %}',
    )
    html = render_html(load_project(mini_project)).text
    assert html.index("<p>BEFORE</p>") < html.index('class="cover-band"')
    assert html.count("<html") == 1


def test_a_project_theme_replaces_the_built_in_one(mini_project: Path) -> None:
    write(
        mini_project / "house" / "templates" / "report.html",
        "<html><body>HOUSE {{ report.title }} {% for c in chapters %}[{{ c.title }}]"
        "{% endfor %}</body></html>",
    )
    set_theme(mini_project, "house")
    html = render_html(load_project(mini_project)).text
    assert html == "<html><body>HOUSE Water Access Survey [Overview][Main findings]</body></html>"


def test_a_project_stylesheet_shadows_the_themes_of_the_same_name(mini_project: Path) -> None:
    write(mini_project / "styles" / "10-report.css", "body { color: red }")
    html = render_html(load_project(mini_project)).text
    own = (mini_project / "styles" / "10-report.css").as_uri()
    assert own in html
    assert (BASE / "styles" / "10-report.css").as_uri() not in html
    assert (BASE / "styles" / "00-fonts.css").as_uri() in html


def test_a_project_template_cannot_change_the_words_of_other_builds(
    mini_project: Path, tmp_path: Path
) -> None:
    other = load_project(copy_fixture("mini", tmp_path / "other"))
    write(
        mini_project / "templates" / "cover.html",
        '{{ labels.update({"contents": "HIJACKED"}) or "" }}<p>cover</p>',
    )
    with pytest.raises(ComposeError) as raised:  # templates read data, never change it
        render_html(load_project(mini_project))
    assert "templates/cover.html:1: theme template: not allowed" in str(raised.value)
    html = render_html(other).text
    assert "HIJACKED" not in html and "Contents" in html


def test_a_template_that_links_out_is_refused_at_load_with_its_path(
    mini_project: Path, tmp_path: Path
) -> None:
    secret = write(tmp_path / "outside" / "secret.html", "SECRET-TEMPLATE")
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "cover.html").symlink_to(secret)
    with pytest.raises(ProjectError) as raised:
        load_project(mini_project)
    [problem] = raised.value.problems
    assert (problem.path, problem.stage) == ("templates/cover.html", Stage.PROJECT)
    assert str(problem) == "templates/cover.html: is a link out of the project; refused"
    assert "SECRET-TEMPLATE" not in str(raised.value)


def test_a_template_may_link_inside_the_project(mini_project: Path) -> None:
    write(mini_project / "shared" / "cover.html", "<p>SHARED COVER</p>")
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "cover.html").symlink_to("../shared/cover.html")
    assert "SHARED COVER" in render_html(load_project(mini_project)).text


# --- Manifests, parents, the built-in themes ---------------------------------------------


def test_a_house_theme_over_base_overrides_one_template_and_one_colour(mini_project: Path) -> None:
    write(mini_project / "house" / "theme.yml", "name: house\nparent: base\n")
    write(
        mini_project / "house" / "templates" / "cover.html",
        '<section class="cover"><p class="house-cover">HOUSE {{ report.title }}</p></section>',
    )
    write(mini_project / "house" / "styles" / "40-house.css", ":root { --primary: #8a1538; }\n")
    set_theme(mini_project, "house")
    project = load_project(mini_project)
    assert [layer.name for layer in project.theme.chain] == ["house", "base"]
    html = render_html(project).text
    assert "HOUSE Water Access Survey" in html  # the house's cover
    assert 'class="toc"' in html  # the rest from base
    sheets = [path.name for path in project.theme.stylesheets]
    assert sheets == ["00-fonts.css", "10-report.css", "20-code.css", "40-house.css"]
    assert project.strings.labels("en") is not None  # base's words


def test_a_missing_parent_and_a_loop_are_problems(mini_project: Path) -> None:
    write(mini_project / "house" / "theme.yml", "parent: nowhere\n")
    set_theme(mini_project, "house")
    with pytest.raises(ProjectError, match="theme house's parent 'nowhere' not found"):
        load_project(mini_project)
    write(mini_project / "house" / "theme.yml", "parent: other\n")
    write(mini_project / "other" / "theme.yml", "parent: house\n")
    with pytest.raises(ProjectError, match="themes' parents loop: house → other → house"):
        load_project(mini_project)


def test_a_wrong_manifest_key_is_located(mini_project: Path) -> None:
    write(mini_project / "house" / "theme.yml", "name: house\nparnet: base\n")
    set_theme(mini_project, "house")
    with pytest.raises(ProjectError) as caught:
        load_project(mini_project)
    assert any(
        p.path == "house/theme.yml" and p.line == 2 and "did you mean 'parent'" in p.message
        for p in caught.value.problems
    )


def test_the_brief_is_a_second_built_in_theme_over_base() -> None:
    from reportbuilder.project.theme import builtin_themes, theme_chain

    assert {"base", "brief"} <= set(builtin_themes())
    chain, problems = theme_chain("brief", BASE)
    assert not problems
    assert [layer.name for layer in chain] == ["brief", "base"]
