"""Dot leaders drawn as one run of text a line instead of one text box a dot.

WeasyPrint 70 fills a `leader(dotted)` by copying the one-dot text box once for every dot
that fits (`weasyprint.layout.leader.handle_leader`), about a hundred a contents line; at
drawing time each copy builds its own Pango layout again, so the dots of a 180-entry contents
cost more than the rest of the contents together. The copies sit side by side, one dot's
width apart, so the same glyphs at the same places are one text box holding the dots joined:
after the stock function has placed them, runs of them are merged into one box each, starting
where the run's first dot started. The page looks the same; `tests/test_render_leaders.py`
compares the rendered contents with and without this and times both.

The inline layout calls the function by its module-level name in `weasyprint.layout.inline`;
that name is wrapped once a process. The version is pinned (`<71`); with any other version, or
if the name is no longer WeasyPrint's own function, nothing is changed (slower, still right).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

_INSTALLED = "_reportbuilder_leaders"

# Dots a text box. A run is drawn with the font's advance rounded to 1/1000 em, where the
# layout placed each dot at Pango's exact advance: over 120 dots of 9 pt text the run ends
# 0.5 pt further right. Runs of 24 keep every dot within 0.1 pt of its place (under a fifth
# of a pixel at 100 dpi) for a twentieth of the text boxes.
RUN = 24


def install() -> bool:
    """Wrap WeasyPrint's leader layout (once per process); whether the merge is active."""
    import weasyprint
    from weasyprint.layout import inline, leader

    current = inline.handle_leader
    if getattr(current, _INSTALLED, False):
        return True
    original = getattr(current, _UNMERGED, current)
    if not weasyprint.__version__.startswith("70.") or original is not leader.handle_leader:
        return False

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        original(context, line, containing_block)
        _, box = leader.leader_index(line)
        if box is not None and box.children:
            box.children = _to_the_end(box)
        if box is not None and len(box.children) > 1:
            dots = sorted(box.children, key=lambda dot: dot.position_x)
            box.children = tuple(
                _joined(dots[start : start + RUN]) for start in range(0, len(dots), RUN)
            )

    setattr(handle_leader, _INSTALLED, original)
    inline.handle_leader = handle_leader
    return True


_UNMERGED = "_reportbuilder_unmerged"


def uninstall() -> None:
    """Dots one text box each again, as WeasyPrint draws them (for the test that compares
    both); they still run up to the page number (`_to_the_end`)."""
    from weasyprint.layout import inline, leader

    original = getattr(inline.handle_leader, _INSTALLED, None)
    if not original:
        return

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        original(context, line, containing_block)
        _, box = leader.leader_index(line)
        if box is not None and box.children:
            box.children = _to_the_end(box)

    setattr(handle_leader, _UNMERGED, original)
    inline.handle_leader = handle_leader


def _to_the_end(box: Any) -> tuple[Any, ...]:
    """The leader's dots, with more up to the end of its box where the stock function
    stopped short of it: it sets them from the line's right edge leftwards, and a contents
    entry's page number hangs past that edge (the theme's `margin-right: -9mm`, which keeps
    it on the title's last line), so the dots stopped a number's room before it."""
    dots = box.children
    width = dots[0].width
    if width <= 0:
        return tuple(dots)
    right = max(dot.position_x for dot in dots) + width
    end = box.position_x + box.width
    more = []
    while right + width <= end + 1e-6:
        dot = dots[0].copy()
        dot.position_x = right
        more.append(dot)
        right += width
    return (*reversed(more), *dots)  # right to left, as the stock function orders them


def _joined(dots: Sequence[Any]) -> Any:
    """One text box with the text of `dots` (copies of one box, left to right, side by side)."""
    first = dots[0]
    merged = first.copy_with_text(first.text * len(dots))
    merged.width = sum(box.width for box in dots)
    # The layout is re-made from its text when the box is drawn (`Layout.reactivate`).
    merged.pango_layout = copy.copy(first.pango_layout)
    merged.pango_layout.text = merged.text
    return merged
