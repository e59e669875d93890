"""The HTML preview as one self-contained file: stylesheets, fonts and images inlined.

The composed HTML refers to the project's and the theme's files by `file:` URL or by a path
relative to the project; written to `out/`, a browser would find none of them. Here each
stylesheet becomes a `<style>` element (its fonts and images as `data:` URLs) and each image
a `data:` URL, so the file opens anywhere. Only files the project's `FilePolicy` lets the
renderer read are inlined; anything else (a web address, a refused path) is left as written.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from reportbuilder.project.files import FilePolicy

_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]+)(")')
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_TYPES = {".svg": "image/svg+xml", ".otf": "font/otf", ".ttf": "font/ttf", ".woff2": "font/woff2"}
MAX_INLINED_BYTES = 20_000_000  # a file larger than this stays a reference


def _path(url: str, files: FilePolicy) -> Path | None:
    """The readable local file a URL names, else None."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    path = Path(url2pathname(unquote(parts.path)))
    if not files.readable(path) or not path.is_file():
        return None
    if path.stat().st_size > MAX_INLINED_BYTES:
        return None
    return path


def _data_url(path: Path) -> str:
    kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{kind or 'application/octet-stream'};base64,{data}"


def _stylesheet(url: str, files: FilePolicy) -> str | None:
    path = _path(url, files)
    if path is None:
        return None
    css = path.read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        found = _path(urljoin(url, match[2]), files)
        return f'url("{_data_url(found)}")' if found else match[0]

    css = _CSS_URL.sub(inline, css).replace("</", "<\\/")
    return f"<style>\n{css}\n</style>"


def self_contained(text: str, base_url: str, files: FilePolicy) -> str:
    """`text` (a composed report) with its stylesheets, fonts and images inlined."""

    def link(match: re.Match[str]) -> str:
        return _stylesheet(match[1], files) or match[0]

    def image(match: re.Match[str]) -> str:
        src = match[2].replace("&amp;", "&")
        if src.startswith("data:"):
            return match[0]
        found = _path(urljoin(base_url, src), files)
        return f"{match[1]}{_data_url(found)}{match[3]}" if found else match[0]

    return _SRC.sub(image, _LINK.sub(link, text))
