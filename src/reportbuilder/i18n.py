"""The theme's own words (contents, page X of Y, figure, table …) in each report language."""

from __future__ import annotations

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
    },
}


def colon(lang: str) -> str:
    """What goes between a label and its value: French puts a no-break space before ':'."""
    return "\u00a0: " if lang.startswith("fr") else ": "


def labels_for(lang: str) -> dict[str, str]:
    """The labels for `lang` (`fr-CA` uses `fr`); English for a language we have no words for."""
    return LABELS.get(lang.split("-")[0].split("_")[0].lower(), LABELS["en"])
