"""Page footers laid out apart from the pages they go on, and laid over them ("stamps").

A chapter's body lays out the same whatever its first page number and the report's page
total: only the footer row prints them ("Page 4 of 100" at the bottom right, beside the
organisation and the logo, the three sharing the row's width). So the parts of a report are
laid out once with their footer row left out (`WITHOUT_FOOTER`), and the footers of all pages
are laid out in stamp documents: empty pages of the same names (so the same @page rules,
sizes and margins), numbered from the right page, with the report's total. Each stamp page
is laid over its page as a Form XObject marked as an artifact (page furniture, which screen
readers skip; WeasyPrint 70 leaves its margin boxes out of the structure tree too).
`unstampable` says when a stylesheet makes the footer depend on what the pages hold (then
the parts are laid out with their page numbers, two rounds on a first build).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Sequence
from typing import Any

_BOTTOM = (
    "bottom-left-corner",
    "bottom-left",
    "bottom-center",
    "bottom-right",
    "bottom-right-corner",
)
_OTHERS = (
    "top-left-corner",
    "top-left",
    "top-center",
    "top-right",
    "top-right-corner",
    "left-top",
    "left-middle",
    "left-bottom",
    "right-top",
    "right-middle",
    "right-bottom",
)


def _none(boxes: Sequence[str]) -> str:
    return "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in boxes) + " }"


# Every margin box of every page emptied (`parts.skeleton`).
NO_MARGIN_BOXES = _none((*_BOTTOM, *_OTHERS))
# Added to a part's head: its pages without the footer row.
WITHOUT_FOOTER = "<style>\n" + _none(_BOTTOM) + "\n</style>\n"
# Added to a stamp document's head: the footer row alone, on a page painted with nothing else.
_ONLY_FOOTER = "\n".join(
    (
        _none(_OTHERS),
        "@page { background: none !important; border: none !important; }",
        "html, body { background: none !important; border: none !important; }",
    )
)

_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
_BOTTOM_RULE = re.compile(r"@bottom-[a-z-]+\s*\{[^{}]*\}", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"counter\(\s*pages?\s*\)", re.IGNORECASE)
_FROM_PAGES = re.compile(r"\b(?:string|attr|content|target-[a-z]+)\(", re.IGNORECASE)
_ELEMENT = re.compile(r"\belement\(\s*([^)\s,]+)", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def unstampable(sheets: Sequence[str]) -> str | None:
    """Why the footers of these stylesheets cannot be laid out apart from the pages, or None:
    a page number printed elsewhere than in the footer row, or a footer showing what the
    pages hold (`string()`, a running element such as the theme's logo on every page)."""
    for sheet in sheets:
        if _PAGE_NUMBER.search(_BOTTOM_RULE.sub("", sheet)):
            return "a page number is printed outside the footer row"
        for rule in _BOTTOM_RULE.findall(sheet):
            if _FROM_PAGES.search(rule):
                return "the footer row shows what the pages hold (string(), target-counter())"
            if _ELEMENT.search(rule):
                # The running element left unused in the parts' footers changes the
                # structure tree WeasyPrint 70 builds for them (one more Sect).
                return "the footer row shows a running element (the logo on every page)"
    return None


def document(head: str, names: Sequence[str], start: int, total: int) -> str:
    """A stamp document: one empty page per name of `names` (a page's `@page` name, "" for
    none) with its footer row, numbered from `start` of `total`. `head` is the report's
    document up to its `<body>`."""
    rules = f"@page :first {{ counter-reset: page {start}; }}\n{_ONLY_FOOTER}\n"
    head = _STYLE.sub(lambda m: m[0].replace("counter(pages)", f'"{total}"'), head)
    head = re.sub(
        r"</head>", lambda _: f"<style>\n{rules}</style>\n</head>", head, count=1, flags=re.I
    )
    pages = "".join(
        f'<div style="page: {name if _NAME.match(name) else "auto"}; break-before: page; '
        'margin: 0; padding: 0; border: 0; height: 0; float: none; position: static"></div>'
        for name in names
    )
    return head + pages + "</body>\n</html>\n"


def overlay(out: Any, stamps: Sequence[bytes]) -> None:
    """Lay each page of `stamps` (in order, one stamp page per page of `out`) over its page,
    as a Form XObject marked as an artifact: the stamp's own marked content is dropped."""
    import pikepdf

    index = 0
    for data in stamps:
        with pikepdf.open(io.BytesIO(data)) as source:
            for page in source.pages:
                target = out.pages[index]
                index += 1
                kept = [
                    instruction
                    for instruction in pikepdf.parse_content_stream(page.obj)
                    if str(instruction.operator) not in ("BDC", "BMC", "EMC", "MP", "DP")
                ]
                drawn = ("Tj", "TJ", "Do", "f", "S", "re", "INLINE IMAGE")
                if not any(str(instruction.operator) in drawn for instruction in kept):
                    continue  # nothing in its footer row (the cover)
                content = zlib.compress(pikepdf.unparse_content_stream(kept))
                # The page's resources as they are (WeasyPrint shares one dictionary between
                # pages): copied once per stamp document, not once per page.
                form = pikepdf.Stream(source, content)
                form.Filter = pikepdf.Name.FlateDecode
                form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
                form.BBox = page.mediabox
                form.Resources = page.obj.Resources
                copied = out.copy_foreign(form)
                name = str(_free_name(target)).encode()
                target.add_resource(copied, pikepdf.Name.XObject, pikepdf.Name(name.decode()))
                _draw_after(target, name)
    if index != len(out.pages):
        raise ValueError(f"{index} stamp pages for {len(out.pages)} pages")


_FLIP = re.compile(rb"^\s*1 0 0 -1 0 ([0-9.]+) cm\b")


def _draw_after(page: Any, name: bytes) -> None:
    """Draw XObject `name` over `page`, as an artifact. WeasyPrint starts a page with a flip
    of the y axis and leaves it in force at the end (all else it draws between q and Q): the
    flip is undone before the stamp, which starts with its own, and the drawing appended to
    the page's content stream (one stream a page, compressed with the rest). A page that
    does not start so has its content wrapped in q/Q instead."""
    import pikepdf

    draw = b"/Artifact BMC q " + name + b" Do Q EMC\n"
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        data = contents.read_bytes()
        flip = _FLIP.match(data)
        if flip is not None:
            undo = b"1 0 0 -1 0 " + flip[1] + b" cm "
            whole = data + b"\n/Artifact BMC q " + undo + name + b" Do Q EMC\n"
            contents.write(zlib.compress(whole), filter=pikepdf.Name.FlateDecode)
            return
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"\nQ\n" + draw)


def _free_name(page: Any) -> Any:
    """An XObject name the page does not use yet (the same one on every build)."""
    import pikepdf

    resources = page.obj.get("/Resources")
    used = resources.get("/XObject") if resources is not None else None
    number = 0
    while used is not None and f"/RbStamp{number}" in used:
        number += 1
    return pikepdf.Name(f"/RbStamp{number}")
