"""Keeping a render process warm between documents of one project: parsed stylesheets and
fonts reused, for a mail merge's covers that all link the same theme.

WeasyPrint parses every linked stylesheet and registers every `@font-face` again for each
document: about 60 % of the time a one-page cover takes. Here a stylesheet read from a file
is parsed once per process and font configuration (keyed by the file's path, size and
modification time), and what its parse would have added to the document (page rules, layers,
counter styles) is added again from what the first parse gave. Used inside the render process
only, for jobs that ask for it (`RenderJob.warm`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

MAX_SHEETS = 64

_state: dict[str, Any] = {"fonts": None, "sheets": {}}


def font_config() -> Any:
    """The process's shared FontConfiguration (fonts of `@font-face` rules stay registered)."""
    if _state["fonts"] is None:
        from weasyprint.text.fonts import FontConfiguration

        _state["fonts"] = FontConfiguration()
    return _state["fonts"]


def _file_key(url: str) -> tuple[Any, ...] | None:
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    try:
        info = os.stat(url2pathname(parts.path))
    except OSError:
        return None
    return (url, info.st_size, info.st_mtime_ns)


@contextlib.contextmanager
def stylesheets() -> Iterator[None]:
    """Within the block, WeasyPrint's linked stylesheets come from the process's cache."""
    import weasyprint.css

    original = weasyprint.css.CSS
    sheets: dict[tuple[Any, ...], tuple[Any, list[Any], list[Any], dict[Any, Any]]]
    sheets = _state["sheets"]

    def cached(*args: Any, **kwargs: Any) -> Any:
        url = kwargs.get("url")
        key = _file_key(url) if isinstance(url, str) and not args else None
        if key is None:
            return original(*args, **kwargs)
        key += (kwargs.get("media_type"), id(kwargs.get("font_config")))
        found = sheets.get(key)
        if found is None:
            counters = kwargs.get("counter_style")
            own: tuple[list[Any], list[Any], dict[Any, Any]] = (
                [],
                [],
                type(counters)() if counters is not None else {},
            )
            sheet = original(
                **{**kwargs, "page_rules": own[0], "layers": own[1], "counter_style": own[2]}
            )
            if len(sheets) >= MAX_SHEETS:
                sheets.clear()
            found = sheets[key] = (sheet, *own)
        sheet, page_rules, layers, counters = found
        for name, into in (("page_rules", page_rules), ("layers", layers)):
            target = kwargs.get(name)
            if target is not None:
                target.extend(into)
        if kwargs.get("counter_style") is not None:
            kwargs["counter_style"].update(counters)
        return sheet

    weasyprint.css.CSS = cached
    try:
        yield
    finally:
        weasyprint.css.CSS = original
