"""The only way WeasyPrint may read a resource: files inside the project or the theme,
small `data:` URLs, and nothing from the network.

WeasyPrint's own fetcher reads any local file and any URL; every image, stylesheet, font
and attachment request goes through `fetch`, so this is where access is decided.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_FILE_BYTES = 50_000_000
MAX_DATA_URL_CHARS = 2_000_000
MAX_REMOTE_BYTES = 20_000_000


class Refused(ValueError):
    """A resource this build may not read; WeasyPrint logs it and goes on without it."""


class PolicyFetcher(URLFetcher):
    """Reads `file:` URLs under `roots`, `data:` URLs up to a size, and http(s) only from
    allow-listed hosts with public addresses; refuses everything else."""

    def __init__(
        self,
        roots: list[Path],
        display_root: Path,
        network_hosts: Sequence[str] = (),
        locations: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(timeout=10, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]
        self.hosts = {host.lower().rstrip(".") for host in network_hosts}
        self.display_root = display_root.resolve()
        self.refused: list[str] = []  # what to tell the user, located where we can
        self.reasons: list[str] = []  # the bare messages, as WeasyPrint will echo them
        self.locations = locations or {}  # absolute URL → "content/x.md:12" that asked for it
        self._url = ""

    def _shown(self, path: Path) -> str:
        return (
            path.relative_to(self.display_root).as_posix()
            if path.is_relative_to(self.display_root)
            else str(path)
        )

    def _refuse(self, message: str) -> Refused:
        where = self.locations.get(self._url)
        self.refused.append(f"{where}: {message}" if where else message)
        self.reasons.append(message)
        return Refused(message)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        self._url = url
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            if len(url) > MAX_DATA_URL_CHARS:
                raise self._refuse(f"data: URL larger than {MAX_DATA_URL_CHARS} characters refused")
            return super().fetch(url, headers)
        if scheme in ("http", "https") and self.hosts:
            return self._fetch_remote(url, headers)
        if scheme != "file":
            shown = url if len(url) < 120 else url[:117] + "..."
            raise self._refuse(f"network access is off: refused {shown}")
        path = Path(url2pathname(unquote(urlsplit(url).path)))
        real = path.resolve()
        if not any(real.is_relative_to(root) for root in self.roots):
            raise self._refuse(f"refused {path}: outside the project")
        if not real.is_file():
            raise self._refuse(f"missing or not a regular file: {self._shown(real)}")
        if real.stat().st_size > MAX_FILE_BYTES:
            raise self._refuse(f"file too large: {self._shown(real)}")
        return super().fetch(real.as_uri(), headers)

    def _fetch_remote(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        """http(s) to an allow-listed host with a public address only; no redirects, capped."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        if host not in self.hosts:
            raise self._refuse(f"host not in network.allow: refused {url[:120]}")
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError as error:
            raise self._refuse(f"cannot resolve {host}: {error}") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global:
                raise self._refuse(
                    f"refused {host}: it resolves to a non-public address ({address})"
                )
        response = super().fetch(url, headers)
        body = response.read(MAX_REMOTE_BYTES + 1)
        response.close()
        if len(body) > MAX_REMOTE_BYTES:
            raise self._refuse(f"{url[:120]}: larger than {MAX_REMOTE_BYTES} bytes")
        return URLFetcherResponse(response.url, body, response.headers, response.status)
