"""The theme's words from gettext catalogs: the base theme's theme.pot, fr.po and es.po, a
project's own locale/<lang>.po over them, and a clear problem for a language without words."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_fixture
from reportbuilder import ProjectError, load_project, render_html
from reportbuilder.edition import Edition
from reportbuilder.errors import ComposeError
from reportbuilder.project.strings import builtin_labels
from reportbuilder.project.theme import THEMES_DIR

NBSP = "\u00a0"
BASE_LOCALE = THEMES_DIR / "base" / "locale"


def test_every_catalog_translates_every_word() -> None:
    english = dict(builtin_labels("en"))
    assert len(english) > 15 and english["contents"] == "Contents"
    for catalog in sorted(BASE_LOCALE.glob("*.po")):
        words = builtin_labels(catalog.stem)
        assert set(words) == set(english), catalog.name
        assert all(text.strip() for text in words.values()), catalog.name
        assert words != english, catalog.name


@pytest.mark.parametrize(
    ("lang", "contents", "page_of"),
    [
        ("fr", "Sommaire", "sur"),
        ("fr-CA", "Sommaire", "sur"),
        ("es", "Índice", "de"),
        ("en-GB", "Contents", "of"),
    ],
)
def test_words_for_a_language_and_its_regions(lang: str, contents: str, page_of: str) -> None:
    labels = builtin_labels(lang)
    assert (labels["contents"], labels["page_of"]) == (contents, page_of)


def test_french_words_carry_their_own_spacing() -> None:
    assert builtin_labels("fr")["contact_lead"] == f"Veuillez contacter{NBSP}:"


def test_a_language_without_words_is_a_problem_naming_the_catalog(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    config = project / "report.yml"
    config.write_text(config.read_text().replace("lang: en", "lang: de"))
    with pytest.raises(ProjectError) as caught:
        load_project(project)
    [problem] = caught.value.problems
    assert problem.path == "report.yml" and problem.line is not None
    assert "no theme words for language 'de': add locale/de.po to the project" in problem.message
    assert "theme.pot" in problem.message


def test_an_edition_in_a_language_without_words_is_refused(tmp_path: Path) -> None:
    project = load_project(copy_fixture("mini", tmp_path / "mini"))
    with pytest.raises(ComposeError, match="no theme words for language 'it'"):
        render_html(project, Edition(lang="it"))


GERMAN = """\
msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""


def _german(words: dict[str, str]) -> str:
    english = builtin_labels("en")
    entries = [
        f'msgctxt "{key}"\nmsgid "{english[key]}"\nmsgstr "{words.get(key, "")}"\n'
        for key in english
    ]
    return GERMAN + "\n".join(entries)


def test_a_project_catalog_adds_a_language(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    english = builtin_labels("en")
    words = {key: f"de:{key}" for key in english} | {"contents": "Inhalt", "page_of": "von"}
    (project / "locale").mkdir()
    (project / "locale" / "de.po").write_text(_german(words), encoding="utf-8")
    html = render_html(load_project(project), Edition(lang="de")).text
    assert ">Inhalt<" in html
    assert '"von"' in html


def test_a_project_catalog_missing_words_names_them(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "locale").mkdir()
    (project / "locale" / "de.po").write_text(_german({"contents": "Inhalt"}), encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        load_project(project)
    [problem] = caught.value.problems
    assert problem.path == "locale/de.po"
    assert problem.message.startswith("untranslated words: ")
    assert "page_of" in problem.message and "contents" not in problem.message


def test_a_project_catalog_changes_some_words_of_the_theme(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "locale").mkdir()
    (project / "locale" / "en.po").write_text(
        GERMAN.replace("Language: de", "Language: en")
        + 'msgctxt "contents"\nmsgid "Contents"\nmsgstr "In this report"\n',
        encoding="utf-8",
    )
    loaded = load_project(project)
    assert loaded.strings.labels("en")["contents"] == "In this report"  # type: ignore[index]
    assert loaded.strings.labels("en")["page_of"] == "of"  # type: ignore[index]


def test_a_broken_catalog_is_located(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "locale").mkdir()
    (project / "locale" / "fr.po").write_text('msgctxt "x"\nmsgid "unclosed\n', encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        load_project(project)
    assert caught.value.problems[0].path == "locale/fr.po"


@pytest.mark.parametrize(
    ("translated", "said"),
    [
        (
            "QR code for {nom}",
            "the translation writes {nom}, which the original does not give (it gives "
            "{name}); keep the original's names between braces",
        ),
        (
            "Code QR de {name.__class__.__mro__} fin",
            "the translation writes {name.__class__.__mro__}: only a name in braces, as in "
            "the original",
        ),
        (
            "QR {name!r}",
            "the translation writes {name!r}: only a name in braces, as in the original",
        ),
        ("QR {name", "a lone { or } in the translation: write {{ or }} for a brace"),
    ],
)
def test_a_translation_fills_only_the_originals_places(
    tmp_path: Path, translated: str, said: str
) -> None:
    """Trial 6 #31: `{nom}` for the theme's `{name}` stopped the build with an internal
    error, and `{name.__class__.__mro__}` was evaluated by `str.format` (the QR image's
    alt text read "(<class 'str'>, <class 'object'>)")."""
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "locale").mkdir()
    (project / "locale" / "en.po").write_text(
        GERMAN.replace("Language: de", "Language: en")
        + '\nmsgctxt "qr_code"\nmsgid "QR code: the contact card of {name}"\n'
        f'msgstr "{translated}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ProjectError) as caught:
        load_project(project)
    [problem] = caught.value.problems
    assert (problem.path, problem.message) == ("locale/en.po", said)
    assert problem.line == GERMAN.count("\n") + 3  # the msgid's line
