"""The theme's own words (contents, page X of Y, figure, table …) in each report language."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "contents": "Contents",
        "page": "Page",
        "page_of": "of",
        "figure": "Figure",
        "table": "Table",
        "source": "Source",
        "note": "Note",
        "key_figures": "Key figures",
        "contact_heading": "To obtain a copy of the report or for more information",
        "contact_lead": "Please contact:",
        "phone": "Tel.",
        "email": "Email",
        "published_by": "Published by",
        "date": "Date",
        "authors": "Authors",
        "of_total": "of",
        "count": "Number",
        "total": "Total",
        "footnotes": "Notes",
    },
    "fr": {
        "contents": "Sommaire",
        "page": "Page",
        "page_of": "sur",
        "figure": "Figure",
        "table": "Tableau",
        "source": "Source",
        "note": "Note",
        "key_figures": "Chiffres clés",
        "contact_heading": "Pour obtenir une copie du rapport ou plus d’informations",
        "contact_lead": "Veuillez contacter\u00a0:",
        "phone": "Tél.",
        "email": "Courriel",
        "published_by": "Publié par",
        "date": "Date",
        "authors": "Auteurs",
        "of_total": "sur",
        "count": "Nombre",
        "total": "Total",
        "footnotes": "Notes",
    },
    "es": {
        "contents": "Índice",
        "page": "Página",
        "page_of": "de",
        "figure": "Figura",
        "table": "Cuadro",
        "source": "Fuente",
        "note": "Nota",
        "key_figures": "Cifras clave",
        "contact_heading": "Para obtener una copia del informe o más información",
        "contact_lead": "Póngase en contacto con:",
        "phone": "Tel.",
        "email": "Correo electrónico",
        "published_by": "Publicado por",
        "date": "Fecha",
        "authors": "Autores",
        "of_total": "de",
        "count": "Número",
        "total": "Total",
        "footnotes": "Notas",
    },
}


def labels_for(lang: str) -> dict[str, str]:
    """The labels for `lang` (`fr-CA` uses `fr`); English for a language we have no words for."""
    return LABELS.get(lang.split("-")[0].split("_")[0].lower(), LABELS["en"])
