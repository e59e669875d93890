"""Rows of side-by-side figures (`<div class="figure-row">`, made by markup.py) sized so that
their images come out the same height and the row fills the text block: each figure's width
is its image's share of the row by proportions. When that height would be under
`MIN_HEIGHT_MM` (three photos on an A5 page), the row is stacked, one figure under the other,
each image `STACKED_HEIGHT_MM` high (or as wide as the text block, if that is lower).

Runs on the sanitised HTML: the widths are ours, in millimetres, never the writer's styles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape

from reportbuilder.compose.markup import ROW_CLASS

GAP_MM = 5.0  # between two figures of a row
MIN_HEIGHT_MM = 30.0  # lower than this, the figures of a row are stacked
STACKED_HEIGHT_MM = 60.0  # two stacked photos and their captions fit an A5 page
_SLACK_MM = 1.0  # rounding: the widths and gaps must not add up past the line
_UNKNOWN_RATIO = 4 / 3  # an image whose size cannot be read (a URL, a missing file)

_ROW = re.compile(rf'<div class="{ROW_CLASS}">(.*?)</div>', re.DOTALL)
_FIGURE = re.compile(r'<figure class="figure side-by-side"([^>]*)>(.*?)</figure>', re.DOTALL)
_SRC = re.compile(r'<img [^>]*\bsrc="([^"]*)"')


def size_rows(html: str, sizes: Mapping[str, tuple[float, float]], width_mm: float) -> str:
    """Every figure row of `html` given its figures' widths (or stacked); `sizes` is the
    images' (width, height) by path as written, `width_mm` the text block's width."""

    def sized(row: re.Match[str]) -> str:
        figures = list(_FIGURE.finditer(row[1]))
        ratios = []
        for figure in figures:
            src = _SRC.search(figure[2])
            size = sizes.get(unescape(src[1])) if src else None
            ratios.append(size[0] / size[1] if size else _UNKNOWN_RATIO)
        room = width_mm - _SLACK_MM - GAP_MM * (len(figures) - 1)
        height = room / sum(ratios) if ratios else 0
        stacked = len(figures) < 2 or height < MIN_HEIGHT_MM
        parts = []
        for index, (figure, ratio) in enumerate(zip(figures, ratios, strict=True)):
            if stacked:
                style = f"width: {min(ratio * STACKED_HEIGHT_MM, width_mm):.2f}mm;"
            else:
                gap = f" margin-left: {GAP_MM}mm;" if index else ""
                style = f"width: {ratio * height:.2f}mm;{gap}"
            parts.append(
                f'<figure class="figure side-by-side"{figure[1]} style="{style}">{figure[2]}'
                "</figure>"
            )
        kind = f"{ROW_CLASS} stacked" if stacked else ROW_CLASS
        return f'<div class="{kind}">{"".join(parts)}</div>'

    return _ROW.sub(sized, html)


__all__ = ["GAP_MM", "MIN_HEIGHT_MM", "STACKED_HEIGHT_MM", "size_rows"]
