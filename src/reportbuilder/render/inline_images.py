"""Inline images too wide to share a line, set on a line of their own.

An image written inside a sentence (`… as the picture ![](wide.png) shows …`) that is scaled
to the text width cannot share its line: the words before it end a line that the paragraph's
justification stretches with wide gaps. After a layout, `wide_inline_images` finds each
inline image at least half as wide as its line; `with_own_line` gives it a class the theme
sets as a centred block, so the line before it ends as a paragraph's last line does (not
stretched) and the sentence goes on below it. Icons and small pictures stay in the text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

OWN_LINE = "rb-own-line"  # an inline image set on a line of its own
_SHARE = 0.5  # of its line's width from which an image no longer shares the line
_IMG = re.compile(r"<img\b[^>]*>")
_CLASS = re.compile(r'\bclass="([^"]*)"')


def wide_inline_images(pages: Sequence[Any]) -> set[int]:
    """Indexes (document order of `<img>`) of images laid out inside a line of text and at
    least half as wide as it."""
    from weasyprint.formatting_structure import boxes

    if not pages:
        return set()
    root = pages[0]._page_box.children[0].element
    images = {id(img): i for i, img in enumerate(root.iter("img"))}
    found: set[int] = set()
    for page in pages:
        stack: list[tuple[Any, Any]] = [(page._page_box, None)]
        while stack:
            box, line = stack.pop()
            if isinstance(box, boxes.LineBox):
                line = box
            if (
                isinstance(box, boxes.InlineReplacedBox)
                and line is not None
                and box.element is not None
                and id(box.element) in images
                and box.margin_width() >= _SHARE * line.width
            ):
                found.add(images[id(box.element)])
            if isinstance(box, boxes.ParentBox):
                stack.extend((child, line) for child in box.children)
    return found


def with_own_line(text: str, wide: Collection[int]) -> str:
    """`text` with the images of `wide` (by index) given the class that sets them apart."""
    if not wide:
        return text

    def mark(index: int, tag: str) -> str:
        if index not in wide:
            return tag
        found = _CLASS.search(tag)
        if found is None:
            return tag[:4] + f' class="{OWN_LINE}"' + tag[4:]
        return tag[: found.start(1)] + f"{OWN_LINE} {found[1]}" + tag[found.end(1) :]

    counter = iter(range(len(text)))
    return _IMG.sub(lambda m: mark(next(counter), m[0]), text)
