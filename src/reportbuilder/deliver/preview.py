"""The HTML preview as one self-contained file: stylesheets, fonts and images inlined.

The composed HTML refers to the project's and the theme's files by `file:` URL or by a path
relative to the project; written to `out/`, a browser would find none of them. Here each
stylesheet becomes a `<style>` element (its fonts and images as `data:` URLs) and each image
a `data:` URL, so the file opens anywhere. Every reference goes through the PDF build's own
fetcher (`render.fetcher.PolicyFetcher`): what the PDF may not read, the preview does not
carry either. A refused image keeps its alt text and loses its address (a local path in the
file would disclose the author's disk and make a browser read the reader's), and the reason
is a warning at the line that asked for it, as in a PDF build.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from reportbuilder.errors import Problem
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.resources import Places
from reportbuilder.render.fetcher import PolicyFetcher, Refused

_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
_SRC = re.compile(r'(<img\b[^>]*?)\ssrc="([^"]+)"')
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_TYPES = {".svg": "image/svg+xml", ".otf": "font/otf", ".ttf": "font/ttf", ".woff2": "font/woff2"}
MAX_INLINED_BYTES = 20_000_000  # the preview stays a file a browser opens without trouble


class _Inliner:
    """Reads references through the build's fetcher; remembers what it refused."""

    def __init__(
        self,
        files: FilePolicy,
        network_hosts: Sequence[str],
        locations: Mapping[str, Places],
    ) -> None:
        self.fetcher = PolicyFetcher(files, network_hosts, locations)

    def data_url(self, url: str) -> str | None:
        """`url` as a `data:` URL, or None when the build may not read it."""
        if url.startswith("data:"):
            try:
                self.fetcher.fetch(url).read()  # the same size cap as the PDF's
            except Refused:
                return None
            return url
        try:
            response = self.fetcher.fetch(url)
        except Refused:
            return None
        try:
            data = response.read(MAX_INLINED_BYTES + 1)
            sent = response.headers.get("Content-Type") and response.headers.get_content_type()
        finally:
            response.close()
        if len(data) > MAX_INLINED_BYTES:
            self.fetcher.refuse(
                url,
                f"{_shown(url)} is larger than {MAX_INLINED_BYTES // 1_000_000} MB: "
                "left out of the HTML preview",
            )
            return None
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
        kind = _TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0] or sent
        encoded = base64.b64encode(data).decode("ascii")
        return f"data:{kind or 'application/octet-stream'};base64,{encoded}"

    def stylesheet(self, url: str) -> str | None:
        found = self.data_url(url)
        if found is None:
            return None
        css = base64.b64decode(found.split(",", 1)[1]).decode("utf-8", "replace")

        def inline(match: re.Match[str]) -> str:
            if match[2].startswith("#"):
                return match[0]
            return f'url("{self.data_url(urljoin(url, match[2])) or "data:,"}")'

        css = _CSS_URL.sub(inline, css).replace("</", "<\\/")
        return f"<style>\n{css}\n</style>"


def _shown(url: str) -> str:
    return url if len(url) < 120 else url[:117] + "..."


def self_contained(
    text: str,
    base_url: str,
    files: FilePolicy,
    network_hosts: Sequence[str] = (),
    locations: Mapping[str, Places] | None = None,
) -> tuple[str, list[Problem]]:
    """`text` (a composed report) with its stylesheets, fonts and images inlined, and the
    references left out because the build may not read them (located warnings)."""
    inliner = _Inliner(files, network_hosts, locations or {})

    def link(match: re.Match[str]) -> str:
        return inliner.stylesheet(match[1]) or ""

    def image(match: re.Match[str]) -> str:
        src = match[2].replace("&amp;", "&")
        found = inliner.data_url(src if src.startswith("data:") else urljoin(base_url, src))
        return f'{match[1]} src="{found}"' if found else match[1]

    out = _SRC.sub(image, _LINK.sub(link, text))
    return out, list(inliner.fetcher.refused)
