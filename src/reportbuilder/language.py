"""Everything that depends on the report's language, in one place: language codes, the theme's
own words, and typographic rules (quotes, French spacing, the colon).

Numbers, percents and dates are formatted by `compose.formatting` (Babel/CLDR) from the codes
parsed here; data files may give a text per language, picked by `pick_text`.

The theme's words are used by `themes/base/templates/`: the running footer ("Page 3 of 8":
`page`, `page_of`) and the cross-reference page (`page_word`) in `brand.html`, which sets them
into the CSS of `styles/10-report.css`; `contents` in `toc.html`; the contact page's heading
and lead in `closing.html`; the rest in tables, figures and contact cards (`compose.helpers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from babel import Locale, UnknownLocaleError

# --- Language codes ----------------------------------------------------------------------


def parse_locale(lang: str) -> Locale:
    """The Babel locale for a report language code such as `fr`, `es` or `en-GB`."""
    return Locale.parse(lang.replace("-", "_"))


def is_known_locale(lang: str) -> bool:
    try:
        parse_locale(lang)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def normalize(lang: str) -> str:
    """One spelling everywhere: BCP 47 (`en-GB`), as in `<html lang>`."""
    return lang.replace("_", "-")


def base_language(lang: str) -> str:
    """`fr` for `fr-CA`."""
    return normalize(lang).split("-")[0].lower()


def pick_text(texts: Mapping[str, str], lang: str) -> str:
    """The text for `lang`, else for its base language (`en` for `en-GB`), else the first."""
    by_code = {str(code).lower().replace("_", "-"): text for code, text in texts.items()}
    wanted = normalize(lang).lower()
    for code in (wanted, wanted.split("-")[0]):
        if code in by_code:
            return by_code[code]
    for code, text in by_code.items():
        if code.split("-")[0] == wanted.split("-")[0]:
            return text
    return next(iter(texts.values()))


# --- The theme's words -------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "contents": "Contents",
        "page": "Page",
        "page_of": "of",
        "page_word": "page",
        "figure": "Figure",
        "table": "Table",
        "source": "Source",
        "contact_heading": "To obtain a copy of the report or for more information",
        "contact_lead": "Please contact:",
        "phone": "Tel.",
        "email": "Email",
        "of_total": "of",
        "count": "Number",
        "total": "Total",
        "note": "Note",
        "notes": "Notes",
        "note_rounded": "Percentages are rounded and may not add up to 100.",
        "note_multiple": "Several answers were possible: percentages may add up to more than 100.",
        "continued": "(continued)",
        "annex": "Annex",
        "references": "References",
        "list_of_figures": "List of figures",
        "list_of_tables": "List of tables",
    },
    "fr": {
        "contents": "Sommaire",
        "page": "Page",
        "page_of": "sur",
        "page_word": "page",
        "figure": "Figure",
        "table": "Tableau",
        "source": "Source",
        "contact_heading": "Pour obtenir une copie du rapport ou plus d’informations",
        "contact_lead": "Veuillez contacter\u00a0:",
        "phone": "Tél.",
        "email": "Courriel",
        "of_total": "sur",
        "count": "Nombre",
        "total": "Total",
        "note": "Note",
        "notes": "Notes",
        "note_rounded": "Les pourcentages étant arrondis, leur somme peut différer de 100.",
        "note_multiple": "Plusieurs réponses étaient possibles\u00a0: la somme des pourcentages "
        "peut dépasser 100.",
        "continued": "(suite)",
        "annex": "Annexe",
        "references": "Références",
        "list_of_figures": "Liste des figures",
        "list_of_tables": "Liste des tableaux",
    },
    "es": {
        "contents": "Índice",
        "page": "Página",
        "page_of": "de",
        "page_word": "página",
        "figure": "Figura",
        "table": "Cuadro",
        "source": "Fuente",
        "contact_heading": "Para obtener una copia del informe o más información",
        "contact_lead": "Póngase en contacto con:",
        "phone": "Tel.",
        "email": "Correo electrónico",
        "of_total": "de",
        "count": "Número",
        "total": "Total",
        "note": "Nota",
        "notes": "Notas",
        "note_rounded": "Los porcentajes están redondeados y pueden no sumar 100.",
        "note_multiple": "Se podían dar varias respuestas: los porcentajes pueden sumar "
        "más de 100.",
        "continued": "(continuación)",
        "annex": "Anexo",
        "references": "Referencias",
        "list_of_figures": "Índice de figuras",
        "list_of_tables": "Índice de cuadros",
    },
}


def labels_for(lang: str) -> dict[str, str]:
    """The labels for `lang` (`fr-CA` uses `fr`); English for a language we have no words for.

    A copy: the theme's templates get it, and what they do to it stays in their own build.
    """
    return dict(LABELS.get(base_language(lang), LABELS["en"]))


# --- Typography --------------------------------------------------------------------------


def colon(lang: str) -> str:
    """What goes between a label and its value: French puts a no-break space before ':'."""
    return "\u00a0: " if base_language(lang) == "fr" else ": "


_QUOTES: dict[str, dict[str, str]] = {
    "fr": {
        "left-double-quote": "«\u202f",
        "right-double-quote": "\u202f»",
        "left-single-quote": "‘",
        "right-single-quote": "’",
    },
    "es": {"left-double-quote": "«", "right-double-quote": "»"},
}


def quote_substitutions(lang: str) -> dict[str, str]:
    """Python-Markdown's smarty substitutions for the language's quotation marks."""
    return dict(_QUOTES.get(base_language(lang), {}))


_FR_BEFORE = re.compile(r"[ \u00a0]([;!?])")
_FR_COLON = re.compile(r" :(?=\s|$)")
_FR_OPEN = re.compile(r"« ")
_FR_CLOSE = re.compile(r" »")


def _french(text: str) -> str:
    text = _FR_BEFORE.sub("\u202f\\1", text)
    text = _FR_COLON.sub("\u00a0:", text)
    text = _FR_OPEN.sub("«\u202f", text)
    return _FR_CLOSE.sub("\u202f»", text)


def has_spacing_rules(lang: str) -> bool:
    """Whether `typeset` changes text in this language."""
    return base_language(lang) == "fr"


def typeset(text: str, lang: str) -> str:
    """Plain text with the language's spacing rules: French no-break spaces before ; : ! ?
    and inside « »."""
    return _french(text) if has_spacing_rules(lang) else text
