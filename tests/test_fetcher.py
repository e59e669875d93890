"""The policy fetcher's network side, against real HTTP servers on loopback: an allow-listed
host is fetched from the address that was checked (no second DNS answer can redirect it),
redirects are not followed, and loopback stays refused unless a test says otherwise."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from weasyprint.urls import URLFetcher

from reportbuilder.project.files import FilePolicy
from reportbuilder.render.fetcher import PolicyFetcher


class _Server:
    def __init__(self, address: str, status: int = 200, location: str = "", port: int = 0) -> None:
        self.hits: list[str] = []  # the Host header of each request
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.headers.get("Host", ""))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "image/svg+xml")
                self.end_headers()
                self.wfile.write(b"<svg xmlns='http://www.w3.org/2000/svg'/>")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((address, port), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[tuple[_Server, _Server]]:
    first = _Server("127.0.0.1")
    second = _Server("127.0.0.2", port=first.port)
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`rebind.test` answers 127.0.0.1 the first time and 127.0.0.2 afterwards."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def fake(host: str, port: object, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        if host == "rebind.test":
            answers.append("127.0.0.1" if not answers else "127.0.0.2")
            return real(answers[-1], port, *args, **kwargs)  # type: ignore[arg-type]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers


def _fetcher(tmp_path: Path, hosts: list[str]) -> PolicyFetcher:
    return PolicyFetcher(FilePolicy(tmp_path), hosts)


def test_the_checked_address_is_the_one_connected_to(
    tmp_path: Path,
    servers: tuple[_Server, _Server],
    rebinding_dns: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = servers  # same port, two addresses: a rebinding would reach the second
    monkeypatch.setattr(PolicyFetcher, "public", staticmethod(lambda address: True))
    fetcher = _fetcher(tmp_path, ["rebind.test"])
    response = fetcher.fetch(f"http://rebind.test:{first.port}/chart.svg")
    assert response.read().startswith(b"<svg")
    assert first.hits == [f"rebind.test:{first.port}"]
    assert second.hits == []
    assert rebinding_dns == ["127.0.0.1"]  # resolved once, never again


def test_loopback_is_refused_even_when_allow_listed(
    tmp_path: Path, servers: tuple[_Server, _Server]
) -> None:
    first, _ = servers
    fetcher = _fetcher(tmp_path, ["127.0.0.1", "localhost"])
    for url in (f"http://127.0.0.1:{first.port}/x.svg", f"http://localhost:{first.port}/x.svg"):
        with pytest.raises(ValueError, match="non-public address"):
            fetcher.fetch(url)
    assert first.hits == []


def test_redirects_are_not_followed(
    tmp_path: Path, rebinding_dns: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _Server("127.0.0.2")
    redirecting = _Server("127.0.0.1", status=302, location=f"http://127.0.0.2:{target.port}/x")
    try:
        monkeypatch.setattr(PolicyFetcher, "public", staticmethod(lambda address: True))
        fetcher = _fetcher(tmp_path, ["rebind.test"])
        with pytest.raises(ValueError, match="answered 302"):
            fetcher.fetch(f"http://rebind.test:{redirecting.port}/x")
        assert len(redirecting.hits) == 1
        assert target.hits == []
    finally:
        redirecting.close()
        target.close()


def test_hosts_not_listed_and_other_schemes_are_refused(tmp_path: Path) -> None:
    fetcher = _fetcher(tmp_path, ["images.example.org"])
    for url in ("http://other.example.org/x.png", "ftp://images.example.org/x.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert isinstance(fetcher, URLFetcher)
