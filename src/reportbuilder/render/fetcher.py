"""The only way WeasyPrint may read a resource: files inside the project or the theme,
small `data:` URLs, and nothing from the network.

WeasyPrint's own fetcher reads any local file and any URL; every image, stylesheet, font
and attachment request goes through `fetch`, so this is where access is decided.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from reportbuilder.errors import Location, Problem, Severity, Stage
from reportbuilder.limits import MAX_DATA_URL_CHARS
from reportbuilder.project.files import (
    FilePolicy,
    UnusablePath,
    is_file,
    missing_message,
    remote_file_message,
    resolved,
)
from reportbuilder.project.image_files import (
    RASTER_SUFFIXES,
    image_problem,
    opaque_image,
    printable_image,
)
from reportbuilder.project.resources import Places
from reportbuilder.render.engine import import_weasyprint
from reportbuilder.render.figure_pictures import NO_PICTURE

# WeasyPrint imported first without cffi's library search (ldconfig, gcc, ld: `engine`), as
# the render process does: `--format html` reads its files through this fetcher too.
import_weasyprint()

from weasyprint.urls import HTTP_HEADERS, URLFetcher, URLFetcherResponse  # noqa: E402

MAX_FILE_BYTES = 50_000_000
MAX_REMOTE_BYTES = 20_000_000


class Refused(ValueError):
    """A resource this build may not read; WeasyPrint logs it and goes on without it."""


class _Converted(URLFetcherResponse):
    """A file's image converted for the renderer: WeasyPrint reads a `file:` response's file
    again when it writes the PDF, unless the response names none."""

    path = None


class PolicyFetcher(URLFetcher):
    """Reads `file:` URLs under `roots`, `data:` URLs up to a size, and http(s) only from
    allow-listed hosts with public addresses; refuses everything else."""

    def __init__(
        self,
        files: FilePolicy,
        network_hosts: Sequence[str] = (),
        locations: Mapping[str, Places] | None = None,
        *,
        opaque: bool = False,
        pictures: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(timeout=10, allow_redirects=False)
        self.opaque = opaque  # images flattened on white: a variant with no transparency
        self.files = files
        self.hosts = {host.lower().rstrip(".") for host in network_hosts}
        self.refused: list[Problem] = []  # what to tell the user, located where we can
        self.reasons: list[str] = []  # the bare messages, as WeasyPrint will echo them
        self.locations = locations or {}  # absolute URL → where the project asks for it
        # The pictures of figures (`render.figure_pictures`): one refused is an error.
        self.pictures = pictures
        self._url = ""

    def _refuse(self, message: str) -> Refused:
        figure = self._url in self.pictures
        for where in self.locations.get(self._url) or (Location(""),):
            self.refused.append(
                Problem(
                    where.path or None,
                    where.line,
                    message + NO_PICTURE if figure else message,
                    stage=Stage.RENDER,
                    severity=Severity.ERROR if figure else Severity.WARNING,
                )
            )
        self.reasons.append(message)
        return Refused(message)

    def refuse(self, url: str, message: str) -> Refused:
        """Record a refusal of `url` decided by a caller (located like the fetcher's own)."""
        self._url = url
        return self._refuse(message)

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
        path = self.checked_file(url)
        if path.suffix.lower() in RASTER_SUFFIXES and (broken := image_problem(path)):
            # A truncated PNG was drawn half-decoded without a word: refused, as `check` says.
            raise self._refuse(f"image {self.files.shown(path)} not used: {broken}")
        if path.suffix.lower() in RASTER_SUFFIXES and (png := printable_image(path)):
            # A 16-bit greyscale scan would print as a black rectangle: an 8-bit copy.
            if self.opaque:
                png = opaque_image(png) or png
            return _Converted(path.as_uri(), png, {"Content-Type": "image/png"})
        if self.opaque and path.suffix.lower() in RASTER_SUFFIXES and (png := opaque_image(path)):
            # PDF/A-1: no alpha channel; white is what shows through on the page.
            return _Converted(path.as_uri(), png, {"Content-Type": "image/png"})
        return super().fetch(path.as_uri(), headers)

    def checked_file(self, url: str) -> Path:
        """The file a `file:` URL names, if this build may read it (else `Refused`, recorded
        as `fetch` records it): what `fetch` reads, without reading it."""
        self._url = url
        if remote := remote_file_message(url):
            raise self._refuse(remote)
        path = Path(url2pathname(unquote(urlsplit(url).path)))
        try:
            real = resolved(path)
        except UnusablePath as error:
            raise self._refuse(f"refused {self.files.shown(path)}: it {error.reason}") from None
        refusal = self.files.refusal(real)
        if refusal is not None:
            raise self._refuse(f"refused {self.files.shown(real)}: it {refusal}")
        if not self.files.readable(real):
            raise self._refuse(f"refused {path}: outside the project")
        if not is_file(real):
            raise self._refuse(missing_message(self.files.shown(real), real))
        if real.stat().st_size > MAX_FILE_BYTES:
            raise self._refuse(f"file too large: {self.files.shown(real)}")
        return real

    def _fetch_remote(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        """http(s) to an allow-listed host with a public address only; no redirects, no
        proxy, capped. The connection goes to the address that was checked, so a second DNS
        answer (rebinding) cannot send it elsewhere."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        if host not in self.hosts:
            raise self._refuse(f"host not in network.allow: refused {url[:120]}")
        secure = parts.scheme.lower() == "https"
        port = parts.port or (443 if secure else 80)
        try:
            infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except OSError as error:
            raise self._refuse(f"cannot resolve {host}: {error}") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        for address in addresses:
            if not self.public(address):
                raise self._refuse(
                    f"refused {host}: it resolves to a non-public address ({address})"
                )
        connection = _pinned_connection(host, str(addresses[0]), port, secure, self._timeout)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        try:
            connection.request(
                "GET", target, headers={**HTTP_HEADERS, **(headers or {}), "Host": parts.netloc}
            )
            response = connection.getresponse()
            body = response.read(MAX_REMOTE_BYTES + 1)
        except (OSError, http.client.HTTPException) as error:
            raise self._refuse(f"{url[:120]}: {error}") from None
        finally:
            connection.close()
        if response.status != 200:
            raise self._refuse(f"{url[:120]}: the server answered {response.status}")
        if len(body) > MAX_REMOTE_BYTES:
            raise self._refuse(f"{url[:120]}: larger than {MAX_REMOTE_BYTES} bytes")
        return URLFetcherResponse(url, body, dict(response.getheaders()), response.status)

    @staticmethod
    def public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        """Whether an address is on the public internet (not loopback, private, link-local)."""
        return address.is_global


def _pinned_connection(
    host: str, address: str, port: int, secure: bool, timeout: float
) -> http.client.HTTPConnection:
    """An HTTP(S) connection to `address` that still speaks to `host` (Host header, TLS name)."""
    if not secure:
        return http.client.HTTPConnection(address, port, timeout=timeout)
    context = ssl.create_default_context()

    class Pinned(http.client.HTTPSConnection):
        def connect(self) -> None:
            raw = socket.create_connection((address, port), timeout=timeout)
            self.sock = context.wrap_socket(raw, server_hostname=host)

    return Pinned(host, port, timeout=timeout, context=context)
