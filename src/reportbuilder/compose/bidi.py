"""Bidirectional text: a value in a right-to-left script set inside a left-to-right line.

The Unicode bidi algorithm joins the neutral characters around an Arabic or Hebrew value
(", 14 ") to its right-to-left run: "pour محمد, 14 novembre" printed the "14" before the
name. A value isolated with FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (what HTML's
`<bdi>` and CSS `unicode-bidi: isolate` do, and what also works inside a CSS `content`
string) is laid out on its own and then placed as one neutral block.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

FSI = "\u2068"  # FIRST STRONG ISOLATE: the value's own first strong letter sets its direction
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE


def right_to_left(text: str) -> bool:
    """Whether `text` holds letters of a right-to-left script (Arabic, Hebrew, Syriac …)."""
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def isolated(text: str) -> str:
    """`text` between FSI and PDI when it holds right-to-left letters, else as it is (a
    left-to-right value cannot move its neighbours, and the text stays byte for byte)."""
    return f"{FSI}{text}{PDI}" if right_to_left(text) else text


def isolate(value: object) -> Markup:
    """The `isolate` filter of the theme's templates: a value escaped, then isolated."""
    text = escape(value)
    return Markup(isolated(str(text))) if right_to_left(text) else text
