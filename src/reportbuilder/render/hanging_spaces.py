"""A line whose text fits but for the space after its last word is not broken at its first
word (trial 8 #5: "Py-" alone on the first line of a list item's paragraph, then
"thon-Markdown defaults …").

WeasyPrint 70's `split_first_line` lays out a text box's text (up to the next element, such
as an inline `<code>`) and measures the line with its trailing space. When the words fit and
only that space passes the edge, Pango keeps the whole text on the line but the measured
width is over: WeasyPrint then takes the line as one that "can't be split earlier" and
hyphenates its first word, leaving one syllable on the line and the rest below. A collapsible
space at the end of a line hangs (CSS Text 3, `white-space: normal`): when the text without
it fits, that is the line, and what follows (the `<code>`) goes to the next line as usual.

The inline layout calls the function by its module-level name in `weasyprint.layout.inline`;
that name is wrapped once a process. The version is pinned (`<71`); with any other version, or
if the name is no longer WeasyPrint's own function, nothing is changed.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = "_reportbuilder_hanging_spaces"
_COLLAPSING = ("normal", "nowrap", "pre-line")  # white-space values whose spaces collapse


def install() -> bool:
    """Wrap WeasyPrint's first-line split (once per process); whether it is active."""
    import weasyprint
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    current = inline.split_first_line
    if getattr(current, _INSTALLED, False):
        return True
    if not weasyprint.__version__.startswith("70.") or current is not line_break.split_first_line:
        return False
    original = current

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        split = original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        if split[2] is None or minimum or max_width is None or not text.endswith(" "):
            return split
        if style["white_space"] not in _COLLAPSING:
            return split
        words = text.rstrip(" ")
        if " " in text.encode()[: split[1]].decode(errors="ignore").strip(" ") or " " not in words:
            return split  # a line of words (the usual break), or one word that is too long
        whole = original(
            words, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        if whole[2] is None and whole[3] <= max_width:
            return whole  # the words fit; the space after them hangs
        return split

    setattr(split_first_line, _INSTALLED, True)
    inline.split_first_line = split_first_line
    return True
