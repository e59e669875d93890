"""Language editions of one project: translated chapters (`01-x.en.md`), `languages:` in
report.yml, `build --lang fr,en,es|all`, and the translation gate (`translations --mark`,
missing and stale translations in `check`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import copy_example, copy_fixture
from reportbuilder import load_project
from reportbuilder.cli import main
from reportbuilder.project.chapters import translation_of
from reportbuilder.project.translations import State, mark, statuses

NBSP, NNBSP = "\u00a0", "\u202f"


def _with_french(tmp_path: Path) -> Path:
    """The mini fixture (English) with a French edition: one chapter translated."""
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "content" / "01-overview.fr.md").write_text(
        "# Aperçu\n\nL’enquête a touché {{ data.survey.households.value | number }} ménages.\n",
        encoding="utf-8",
    )
    with (project / "report.yml").open("a", encoding="utf-8") as config:
        config.write("languages:\n  fr: {title: Enquête sur l’eau}\n")
    return project


def test_translation_file_names() -> None:
    assert translation_of("01-summary.en.md") == ("01-summary", "en")
    assert translation_of("01-summary.pt-BR.md") == ("01-summary", "pt-br")
    assert translation_of("01-summary.md") is None
    assert translation_of("notes.v2.md") is None  # not a language code


def test_statuses_and_the_mark(tmp_path: Path) -> None:
    project = load_project(_with_french(tmp_path))
    found = {(s.chapter, s.state) for s in statuses(project)}
    assert found == {
        ("content/01-overview.md", State.UNMARKED),
        ("content/02-findings.md", State.MISSING),
    }
    fingerprint = mark(project, "content/01-overview.fr.md")
    text = (project.root / "content" / "01-overview.fr.md").read_text(encoding="utf-8")
    assert text.startswith(f"---\ntranslated_from: {fingerprint}\n---\n# Aperçu")
    assert statuses(load_project(project.root))[0].state is State.CURRENT
    # The source changes: the translation is now stale.
    with (project.root / "content" / "01-overview.md").open("a", encoding="utf-8") as source:
        source.write("\nOne more sentence.\n")
    assert statuses(load_project(project.root))[0].state is State.STALE
    # Marking again replaces the fingerprint, keeping the rest of the front matter.
    again = mark(load_project(project.root), "content/01-overview.fr.md")
    text = (project.root / "content" / "01-overview.fr.md").read_text(encoding="utf-8")
    assert text.count("translated_from:") == 1 and again in text and again != fingerprint


def test_check_names_missing_and_stale_translations_and_strict_fails(tmp_path: Path) -> None:
    project = _with_french(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        main, ["translations", str(project), "--mark", "content/01-overview.fr.md"]
    )
    assert result.exit_code == 0, result.output
    with (project / "content" / "01-overview.md").open("a", encoding="utf-8") as source:
        source.write("\nOne more sentence.\n")
    result = runner.invoke(main, ["check", str(project)])
    assert result.exit_code == 0, result.output
    assert (
        "warning: content/02-findings.md: no French translation (content/02-findings.fr.md): "
        "the French edition prints it in English"
    ) in result.output
    assert (
        "warning: content/01-overview.fr.md: translated from an older version of "
        "content/01-overview.md: bring it up to date, then run "
        "'reportbuilder translations --mark content/01-overview.fr.md'"
    ) in result.output
    result = runner.invoke(main, ["check", str(project), "--strict"])
    assert result.exit_code == 1
    assert "content/02-findings.md: no French translation" in result.output


def test_translations_command_lists_states_as_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["translations", str(_with_french(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [(t["file"], t["state"]) for t in doc["translations"]] == [
        ("content/01-overview.fr.md", "unmarked"),
        ("content/02-findings.fr.md", "missing"),
    ]


def test_marking_a_file_that_is_not_a_translation_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["translations", str(_with_french(tmp_path)), "--mark", "content/02-findings.md"]
    )
    assert result.exit_code == 1
    assert "content/02-findings.md: not a translation of a chapter of the report" in result.output


def test_a_wrong_language_setting_is_located(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    with (project / "report.yml").open("a", encoding="utf-8") as config:
        config.write("languages:\n  fr: {page_size: A9}\n")
    result = CliRunner().invoke(main, ["check", str(project)])
    assert result.exit_code == 1
    assert re.search(r"report\.yml:\d+: languages fr: 'page_size'", result.output)


@pytest.mark.pdf
def test_a_translated_edition_prints_its_chapters_title_and_words(tmp_path: Path) -> None:
    project = _with_french(tmp_path)
    result = CliRunner().invoke(main, ["build", str(project), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    pdf = project / "out" / "mini-fr.pdf"  # never the English edition's file
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "Enquête sur l’eau" in text and "Aperçu" in text and "Sommaire" in text
    assert f"1{NNBSP}250 ménages" in text or f"1{NBSP}250 ménages" in text
    assert not (project / "out" / "mini.pdf").exists()


@pytest.mark.pdf
@pytest.mark.slow
def test_the_example_in_three_languages_with_one_command(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "example")
    result = CliRunner().invoke(main, ["build", str(project), "--lang", "all", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["problems"] == []
    editions = {b["lang"]: Path(b["outputs"][0]["path"]) for b in doc["builds"]}
    assert sorted(editions) == ["en", "es", "fr"]
    expected = {
        # contents heading, "page X of Y", a month name, 89 % as the language writes it
        "fr": ("Sommaire", "Page 3 sur 8", "novembre", f"89{NBSP}%"),
        "en": ("Contents", "Page 3 of 8", "November", "89%"),
        "es": ("Índice", "Página 3 de 8", "noviembre", f"89{NBSP}%"),
    }
    for lang, pdf in editions.items():
        reader = pypdf.PdfReader(pdf)
        assert reader.root_object["/Lang"] == lang
        text = "\n".join(page.extract_text() for page in reader.pages)
        for words in expected[lang]:
            assert words in text, (lang, words)
    english = "\n".join(p.extract_text() for p in pypdf.PdfReader(editions["en"]).pages)
    assert "Human trafficking in Chile" in english and "Résumé" not in english
    assert "IOM Office in Chile" in english and "Bureau de l’OIM" not in english  # contacts.yml


@pytest.mark.pdf
def test_hyphenation_follows_the_language(tmp_path: Path) -> None:
    """The same long word in a narrow column breaks where each language's dictionary says."""
    word = "internationalisation"
    broken: dict[str, str] = {}
    for lang in ("en", "fr"):
        project = copy_fixture("tiny", tmp_path / lang)
        config = project / "report.yml"
        config.write_text(config.read_text().replace("lang: en", f"lang: {lang}"))
        for chapter in (project / "content").glob("*.md"):
            chapter.unlink()
        (project / "content" / "01-a.md").write_text(f"# Mot\n\n{word} {word}\n", encoding="utf-8")
        (project / "styles").mkdir(exist_ok=True)
        (project / "styles" / "narrow.css").write_text(".chapter p { width: 22mm; }\n")
        pdf = tmp_path / f"{lang}.pdf"
        result = CliRunner().invoke(main, ["build", str(project), "-o", str(pdf)])
        assert result.exit_code == 0, result.output
        text = "\n".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
        lines = [line for line in text.splitlines() if line.strip().endswith(("-", "\u2010"))]
        assert lines, (lang, text)
        broken[lang] = lines[0].strip()
    assert broken["en"] != broken["fr"], broken


@pytest.mark.pdf
def test_an_edition_printing_the_source_languages_cover_is_warned(tmp_path: Path) -> None:
    """The third trial's item 19: `build --lang fr` of an English project whose `languages:
    fr:` gives only the title printed the English subtitle and subject (cover, PDF
    properties) under a French /Lang, and said nothing."""
    project = copy_fixture("mini", tmp_path / "mini")
    config = project / "report.yml"
    config.write_text(
        config.read_text("utf-8") + "languages:\n  fr: {title: Accès à l’eau}\n", "utf-8"
    )
    pdf = tmp_path / "fr.pdf"
    result = CliRunner().invoke(
        main, ["build", str(project), "--lang", "fr", "-o", str(pdf), "--json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    problems = [(p["path"], p["line"], p["message"]) for p in json.loads(result.stdout)["problems"]]
    assert (
        "report.yml",
        3,
        "the French edition prints subtitle, subject in English: give them under 'languages: fr:'",
    ) in problems
    # What the warning says is what the PDF shows.
    reader = pypdf.PdfReader(pdf)
    assert "A small fixture report" in reader.pages[0].extract_text()
    english = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "en.pdf"),
                                        "--json"])  # fmt: skip
    assert not [
        p for p in json.loads(english.stdout)["problems"] if "edition prints" in p["message"]
    ]
