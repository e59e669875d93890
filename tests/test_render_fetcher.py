"""render.fetcher: the only way WeasyPrint reads a resource.

The network side runs against real HTTP servers on loopback: an allow-listed host is fetched
from the address that was checked (no second DNS answer can redirect it), redirects are not
followed, and loopback stays refused unless a test says otherwise. The file side asks the file
policy, and is tested with Hypothesis: whatever the URL looks like, the fetcher never hands
back a byte from outside the project, nor makes a request to a loopback server.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
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


PATHS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- Properties: no byte from outside the roots, no request to loopback (Hypothesis) ----------


@pytest.fixture(scope="module")
def loopback(serve_http: ServeHttp) -> Iterator[LoopbackServer]:
    server = serve_http(answer=Reply(body=b"SECRET", content_type="text/plain"))
    yield server
    server.close()


INSIDE = {"assets/ok.txt": b"INSIDE-1\n", "assets/sub/deep.txt": b"INSIDE-2\n"}
CANARY = b"OUTSIDE-CANARY\n"


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """base/project (the root) with inside files and links out; base/outside with the canary."""
    base = tmp_path_factory.mktemp("fetch")
    project, outside = base / "project", base / "outside"
    for rel, data in INSIDE.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_bytes(data)
    (outside / "sub").mkdir(parents=True)
    for rel in ("secret.txt", "sub/deep.txt", "assets/ok.txt"):
        (outside / rel).parent.mkdir(parents=True, exist_ok=True)
        (outside / rel).write_bytes(CANARY)
    (project / "assets" / "link.txt").symlink_to(outside / "secret.txt")
    (project / "assets" / "rel-link.txt").symlink_to("../../outside/secret.txt")
    (project / "linkdir").symlink_to(outside)
    (project / "assets" / "zero").symlink_to("/dev/zero")
    # A sibling whose name starts with the root's: `project-evil` is not inside `project`.
    (base / "project-evil").mkdir()
    (base / "project-evil" / "x.txt").write_bytes(CANARY)
    return project


SEGMENTS = [
    "..", ".", "assets", "ok.txt", "sub", "deep.txt", "link.txt", "rel-link.txt", "linkdir",
    "secret.txt", "outside", "zero", "%2e%2e", "%2E%2e", "..%2f..", "%2f", "",
    "project-evil", "x.txt", "etc", "passwd", "%00", ";", "?q=1", "#frag", "~", "..\\..",
]  # fmt: skip


INSIDE_TARGETS = [["assets", "ok.txt"], ["assets", "sub", "deep.txt"]]
TARGETS = [
    *INSIDE_TARGETS * 4, ["assets", "link.txt"],
    ["assets", "rel-link.txt"], ["linkdir", "secret.txt"], ["linkdir", "sub", "deep.txt"],
    ["linkdir", "assets", "ok.txt"], ["..", "outside", "secret.txt"], ["assets", "zero"],
    ["..", "project-evil", "x.txt"], ["..", "..", "..", "..", "..", "..", "etc", "passwd"],
]  # fmt: skip
NOISE = [["."], [""], ["assets", ".."], ["sub", ".."], ["linkdir", ".."], ["%2e"], ["x", ".."]]


@st.composite
def file_urls(draw: st.DrawFn, root: Path) -> str:
    """file: URLs near the root: a known target with detours, or a random walk of segments."""
    if draw(st.booleans()):
        segments = list(draw(st.sampled_from(TARGETS)))
        for _ in range(draw(st.integers(0, 4))):
            at = draw(st.integers(0, len(segments)))
            segments[at:at] = draw(st.sampled_from(NOISE))
        start = str(root)
    else:
        segments = draw(st.lists(st.sampled_from(SEGMENTS), max_size=8))
        start = draw(
            st.sampled_from(
                [str(root), str(root.parent), "", "/", "/etc", "/dev", "/proc/self", f"{root}/"]
            )
        )
    path = "/".join([start, *segments])
    if draw(st.booleans()):
        path = quote(path, safe="/%?#;")
    scheme = draw(st.sampled_from(["file://", "file://", "FILE://", "file://localhost", "file:"]))
    return scheme + path


LOOPBACK_HOSTS = [
    "127.0.0.1", "localhost", "127.1", "2130706433", "0x7f000001", "0.0.0.0", "127.0.0.1.",
    "[::ffff:127.0.0.1]", "[::1]", "LOCALHOST",
]  # fmt: skip


def _fetch_body(fetcher: PolicyFetcher, url: str) -> bytes | None:
    """The body the fetcher hands back (at most 1 MB), or None when it refuses."""
    try:
        response = fetcher.fetch(url)
    except Exception:
        return None
    try:
        return response.read(1 << 20)
    finally:
        response.close()


@PATHS
@given(data=st.data())
def test_fetcher_never_returns_bytes_from_outside(layout: Path, data: st.DataObject) -> None:
    url = data.draw(file_urls(layout), label="url")
    fetcher = PolicyFetcher(FilePolicy(layout))
    body = _fetch_body(fetcher, url)
    event("read" if body is not None else "refused")
    assert body is None or body in INSIDE.values(), (url, body[:40])


@pytest.mark.parametrize(
    "rel", ["assets/link.txt", "assets/rel-link.txt", "linkdir/secret.txt", "assets/zero"]
)
def test_fetcher_refuses_links_out(layout: Path, rel: str) -> None:
    fetcher = PolicyFetcher(FilePolicy(layout))
    with pytest.raises(Exception, match="outside the project"):
        fetcher.fetch((layout / rel).as_uri())


def test_fetcher_reads_inside_files(layout: Path) -> None:
    fetcher = PolicyFetcher(FilePolicy(layout))
    for rel, content in INSIDE.items():
        assert _fetch_body(fetcher, (layout / rel).as_uri()) == content


@PATHS
@given(
    host=st.sampled_from(LOOPBACK_HOSTS),
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp"]),
    path=st.sampled_from(["/x.png", "/a/../b.css", "/%2e%2e/", "/?u=file:///etc/passwd"]),
    allow=st.booleans(),
)
def test_fetcher_never_requests_loopback(
    layout: Path, loopback: LoopbackServer, host: str, scheme: str, path: str, allow: bool
) -> None:
    port = loopback.server_address[1]
    allowed = [host.strip("[]").rstrip(".").lower()] if allow else []
    fetcher = PolicyFetcher(FilePolicy(layout), network_hosts=allowed)
    url = f"{scheme}://{host}:{port}{path}"
    before = len(loopback.hits())
    assume(urlsplit(url).hostname is not None)
    assert _fetch_body(fetcher, url) is None, url
    assert len(loopback.hits()) == before, (url, loopback.hits()[before:])
