"""language: language codes and typography (quotes, French spacing, the
colon), asserted character by character (U+00A0 no-break space, U+202F narrow one)."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from conftest import one_chapter_project
from reportbuilder import build
from reportbuilder.language import (
    base_language,
    colon,
    has_spacing_rules,
    is_known_locale,
    normalize,
    parse_locale,
    pick_text,
    quote_substitutions,
    typeset,
)

NBSP = "\u00a0"
NNBSP = "\u202f"


# --- Language codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["fr", "en", "es", "en-GB", "en_GB", "fr-CA", "pt-BR"])
def test_known_codes(code: str) -> None:
    assert is_known_locale(code)
    assert str(parse_locale(code)) == code.replace("-", "_")


@pytest.mark.parametrize("code", ["xx", "xx-nope", "", "english", "fr--CA", "../fr"])
def test_unknown_codes(code: str) -> None:
    assert not is_known_locale(code)


def test_one_spelling_and_the_base_language() -> None:
    assert normalize("en_GB") == "en-GB" and normalize("fr") == "fr"
    assert base_language("fr-CA") == "fr"
    assert base_language("EN_gb") == "en"


# --- pick_text --------------------------------------------------------------------------------

TEXTS = {"fr": "Adultes", "en": "Adults", "en-GB": "Grown-ups", "es": "Adultos"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Adultes"),
        ("en-GB", "Grown-ups"),  # the exact code first
        ("en_GB", "Grown-ups"),  # in either spelling
        ("en", "Adults"),
        ("en-US", "Adults"),  # else its base language
        ("fr-CA", "Adultes"),
        ("de", "Adultes"),  # else the first text given
    ],
)
def test_pick_text(lang: str, text: str) -> None:
    assert pick_text(TEXTS, lang) == text


def test_pick_text_falls_back_to_a_regional_text_of_the_same_language() -> None:
    assert pick_text({"es": "Adultos", "en-GB": "Grown-ups"}, "en") == "Grown-ups"
    assert pick_text({"es": "Adultos", "en-GB": "Grown-ups"}, "en-US") == "Grown-ups"


def test_pick_text_reads_the_codes_of_a_file_in_any_case() -> None:
    assert pick_text({"FR": "Adultes", "en_gb": "Grown-ups"}, "en-GB") == "Grown-ups"
    assert pick_text({"FR": "Adultes", "en_gb": "Grown-ups"}, "fr") == "Adultes"


# --- Typography -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "separator"), [("fr", f"{NBSP}: "), ("fr-CA", f"{NBSP}: "), ("en", ": "), ("es", ": ")]
)
def test_colon(lang: str, separator: str) -> None:
    assert colon(lang) == separator


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Combien ?", f"Combien{NNBSP}?"),
        ("Attention !", f"Attention{NNBSP}!"),
        ("a ; b", f"a{NNBSP}; b"),
        (f"Déjà{NBSP}?", f"Déjà{NNBSP}?"),  # a no-break space already there becomes narrow
        ("Note : ceci", f"Note{NBSP}: ceci"),
        ("Note :", f"Note{NBSP}:"),
        ("« Bonjour »", f"«{NNBSP}Bonjour{NNBSP}»"),
        ("Combien?", f"Combien{NNBSP}?"),  # none written: added (trial 5 #19)
        ("Vraiment?!", f"Vraiment{NNBSP}?!"),
        ("https://x.org/?q=1 ok", "https://x.org/?q=1 ok"),  # inside a word: left alone
        ("12:30 et http://x", "12:30 et http://x"),  # a colon inside a word is left alone
        ("a :b", "a :b"),  # only a colon followed by a space or the end
    ],
)
def test_typeset_french(text: str, expected: str) -> None:
    assert typeset(text, "fr") == expected
    assert typeset(text, "fr-CA") == expected


@pytest.mark.parametrize("lang", ["en", "es", "en-GB", "de"])
def test_typeset_changes_nothing_in_other_languages(lang: str) -> None:
    text = "How many ? Note : « this » ; and !"
    assert typeset(text, lang) == text
    assert has_spacing_rules(lang) == (lang == "es")


def test_only_french_and_spanish_have_spacing_rules() -> None:
    assert has_spacing_rules("fr") and has_spacing_rules("fr-BE") and has_spacing_rules("es")


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_figure_keeps_its_unit_on_its_line(lang: str) -> None:
    """The third trial's item 14: a typed "12,5 %" broke between the figure and the sign."""
    text = "un taux de 12,5 % et 30 € et 5 km, 20 m² ; 3 mois, 2 litres, 4 h"
    expected = (
        f"un taux de 12,5{NBSP}% et 30{NBSP}€ et 5{NBSP}km, 20{NBSP}m² ; 3 mois, 2 litres, 4{NBSP}h"
    )
    if lang == "fr":
        expected = expected.replace(" ;", f"{NNBSP};")
    assert typeset(text, lang) == expected
    assert typeset("12,5 %", "en") == "12,5 %"


@pytest.mark.parametrize(("lang", "joiner"), [("fr", NNBSP), ("es", NBSP)])
def test_a_figure_typed_with_spaces_stays_on_one_line(lang: str, joiner: str) -> None:
    """Trial 5 #16 and #20: `1 234 567` typed with spaces broke as "1 234" / "567", read as
    two figures, in a table cell and in running text."""
    text = "environ 1 234 567 personnes et 12 500 ménages en 2020 100 fois, 1 2345"
    expected = (
        f"environ 1{joiner}234{joiner}567 personnes et 12{joiner}500 ménages en 2020 100 "
        "fois, 1 2345"
    )
    assert typeset(text, lang) == expected
    assert typeset("1 234 567", "en") == "1 234 567"


def test_quote_substitutions() -> None:
    assert quote_substitutions("fr") == {
        "left-double-quote": f"«{NNBSP}",
        "right-double-quote": f"{NNBSP}»",
        "left-single-quote": "‘",
        "right-single-quote": "’",
    }
    assert quote_substitutions("es-MX") == {
        "left-double-quote": "«",
        "right-double-quote": "»",
    }
    assert quote_substitutions("en") == {}  # Python-Markdown's own curly quotes
    substitutions = quote_substitutions("fr")
    substitutions.clear()
    assert quote_substitutions("fr")  # a copy each time


@pytest.mark.pdf
def test_a_typed_figure_reaches_the_pdf_joined(tmp_path: Path) -> None:
    root = one_chapter_project(
        tmp_path / "p",
        "Chiffres",
        "# Chiffres\n\nEnviron 1 234 567 personnes.\n\n"
        "| Région | Total |\n|---|---:|\n| Nord | 1 234 567 |\n",
    )
    config = root / "report.yml"
    config.write_text(config.read_text("utf-8").replace("lang: en", "lang: fr"), "utf-8")
    out = tmp_path / "fr.pdf"
    build(root, output=out)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert text.count(f"1{NNBSP}234{NNBSP}567") == 2
