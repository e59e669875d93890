"""The pictures of a document's figures: a figure whose picture is not drawn prints its
caption over nothing ("Figure 2. Map" and a blank), lost content where a picture in a line
of text is only a missing illustration. The check before layout (`pipeline.missing_images`)
refuses what it can know (a missing file, a host not allowed); the fetcher refuses, as an
error too, what only the layout meets (a host that does not resolve, a private address, a
failed download)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

# Said after the reason a figure's picture was refused.
NO_PICTURE = "; the figure would print without its picture"

_FIGURE = re.compile(r"<figure\b[^>]*>.*?</figure>", re.DOTALL)
SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def figure_pictures(text: str, base_url: str) -> frozenset[str]:
    """The absolute URLs the `src` attributes inside the `<figure>`s of the HTML `text` name."""
    return frozenset(
        urljoin(base_url, next(g for g in match.groups() if g is not None))
        for figure in _FIGURE.finditer(text)
        for match in SRC.finditer(figure[0])
    )


__all__ = ["NO_PICTURE", "SRC", "figure_pictures"]
