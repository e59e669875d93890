"""Choices that `report.yml`, the command line and the library share, kept free of heavy
imports so that the command starts fast.

`PDF_VARIANTS` must equal WeasyPrint's own list (`weasyprint.pdf.VARIANTS`, less its internal
`debug`): a test compares the two, so a WeasyPrint upgrade that adds or drops one fails CI
instead of reaching a user as a `KeyError`.
"""

from __future__ import annotations

PDF_VARIANTS = (
    "pdf/a-1a", "pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b",
    "pdf/a-3u", "pdf/a-4e", "pdf/a-4f", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2", "pdf/x-1a",
    "pdf/x-3", "pdf/x-4", "pdf/x-5g",
)  # fmt: skip

# Variants WeasyPrint offers that a report cannot honestly claim, with the reason and what
# to use instead: the file would say it conforms and a print shop's preflight would reject it.
REFUSED_VARIANTS: dict[str, str] = {
    "pdf/x-1a": (
        "pdf/x-1a needs every colour in CMYK and a printer's output intent, and a report's "
        "colours, photos and charts are RGB: the file would claim what it is not; for a "
        "print shop build with --print and --pdf-variant pdf/x-4 (which allows RGB), or ask "
        "the shop to convert a pdf/a-2b"
    ),
    "pdf/a-4f": (
        "pdf/a-4f is the PDF/A-4 level for a file that carries attached files, and a report "
        "attaches its sources only as a PDF/A-3 (--embed-sources): the file would claim "
        "attachments it does not have; build pdf/a-4u, or pdf/a-3b with --embed-sources"
    ),
}
# Variants that allow no transparency (PDF/A-1, PDF/X-3), with the one to use instead: the
# theme's see-through tints are drawn opaque and images with an alpha channel flattened on
# white (brand.html, render/fetcher.py), what stays see-through is refused (render/opaque.py).
OPAQUE_VARIANTS = {"pdf/a-1a": "pdf/a-2a", "pdf/a-1b": "pdf/a-2b", "pdf/x-3": "pdf/x-4"}


def variant_problem(variant: str | None) -> str | None:
    """Why `variant` cannot be built, or None."""
    if variant is None:
        return None
    if variant not in PDF_VARIANTS:
        return f"'{variant}' is not one of {', '.join(PDF_VARIANTS)}"
    return REFUSED_VARIANTS.get(variant)


# Page sizes a report may have, with their heights in millimetres (the cover is sized from it).
PAGE_HEIGHTS_MM: dict[str, float] = {
    "A4": 297, "A5": 210, "A3": 420, "B5": 250, "letter": 279.4, "legal": 355.6,
}  # fmt: skip
PAGE_SIZES = tuple(PAGE_HEIGHTS_MM)


def page_size_named(value: str) -> str | None:
    """The page size `value` names, in our spelling, whatever its case and the spaces around
    it (`Letter`, `a4 `, as Word and most people write them); None for one we do not know."""
    wanted = value.strip().lower()
    return next((size for size in PAGE_SIZES if size.lower() == wanted), None)


# Their widths, and the width of the theme's text block (the base theme's side margins are
# 22 mm and 20 mm): charts are drawn at that width, so their text keeps its size in points.
PAGE_WIDTHS_MM: dict[str, float] = {
    "A4": 210, "A5": 148, "A3": 297, "B5": 176, "letter": 215.9, "legal": 215.9,
}  # fmt: skip
SIDE_MARGINS_MM = 42.0


def text_width_mm(page_size: str) -> float:
    """The width of the base theme's text block on a page of this size, in millimetres."""
    return PAGE_WIDTHS_MM[page_size] - SIDE_MARGINS_MM


TOP_BOTTOM_MARGINS_MM = 46.0
PICTURE_HEIGHT_MM = 200.0  # the base theme's cap on a picture's height (`img { max-height }`)


def chart_height_mm(page_size: str) -> float:
    """The tallest chart a page of this size shows at its own size: the base theme's text
    block less 20 mm for the figure's caption and notes, and within the theme's picture cap."""
    block = PAGE_HEIGHTS_MM[page_size] - TOP_BOTTOM_MARGINS_MM - 20.0
    return min(PICTURE_HEIGHT_MM, block)
