"""The policy fetcher's network side, against real HTTP servers on loopback: an allow-listed
host is fetched from the address that was checked (no second DNS answer can redirect it),
redirects are not followed, and loopback stays refused unless a test says otherwise."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from weasyprint.urls import URLFetcher

from conftest import LoopbackServer, Reply, ServeHttp
from reportbuilder.project.files import FilePolicy
from reportbuilder.render.fetcher import PolicyFetcher


def hosts(server: LoopbackServer) -> list[str]:
    """The Host header of each request the server saw."""
    return [hit.host for hit in server.hits()]


@pytest.fixture
def servers(serve_http: ServeHttp) -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    first = serve_http("127.0.0.1")
    second = serve_http("127.0.0.2", port=first.port)
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
    servers: tuple[LoopbackServer, LoopbackServer],
    rebinding_dns: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = servers  # same port, two addresses: a rebinding would reach the second
    monkeypatch.setattr(PolicyFetcher, "public", staticmethod(lambda address: True))
    fetcher = _fetcher(tmp_path, ["rebind.test"])
    response = fetcher.fetch(f"http://rebind.test:{first.port}/chart.svg")
    assert response.read().startswith(b"<svg")
    assert hosts(first) == [f"rebind.test:{first.port}"]
    assert hosts(second) == []
    assert rebinding_dns == ["127.0.0.1"]  # resolved once, never again


def test_loopback_is_refused_even_when_allow_listed(
    tmp_path: Path, servers: tuple[LoopbackServer, LoopbackServer]
) -> None:
    first, _ = servers
    fetcher = _fetcher(tmp_path, ["127.0.0.1", "localhost"])
    for url in (f"http://127.0.0.1:{first.port}/x.svg", f"http://localhost:{first.port}/x.svg"):
        with pytest.raises(ValueError, match="non-public address"):
            fetcher.fetch(url)
    assert first.hits() == []


def test_redirects_are_not_followed(
    tmp_path: Path,
    rebinding_dns: list[str],
    monkeypatch: pytest.MonkeyPatch,
    serve_http: ServeHttp,
) -> None:
    target = serve_http("127.0.0.2")
    location = {"Location": f"http://127.0.0.2:{target.port}/x"}
    redirecting = serve_http("127.0.0.1", answer=Reply(status=302, headers=location))
    try:
        monkeypatch.setattr(PolicyFetcher, "public", staticmethod(lambda address: True))
        fetcher = _fetcher(tmp_path, ["rebind.test"])
        with pytest.raises(ValueError, match="answered 302"):
            fetcher.fetch(f"http://rebind.test:{redirecting.port}/x")
        assert len(redirecting.hits()) == 1
        assert target.hits() == []
    finally:
        redirecting.close()
        target.close()


def test_hosts_not_listed_and_other_schemes_are_refused(tmp_path: Path) -> None:
    fetcher = _fetcher(tmp_path, ["images.example.org"])
    for url in ("http://other.example.org/x.png", "ftp://images.example.org/x.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert isinstance(fetcher, URLFetcher)
