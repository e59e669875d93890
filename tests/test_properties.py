"""Property-based tests (Hypothesis) of the two gates hostile content meets first:

- Markdown → HTML → sanitiser (`markup.make_markdown` + `markup.to_html`): whatever the text,
  it never raises, and what comes out has no active or fetching element, no event handler,
  no style, no attachment, and no URL with a scheme other than http, https or mailto;
- the file policy: `FilePolicy.read_project_text` refuses a file reached through a symlink
  that leads out of its project, and `PolicyFetcher.fetch` (which asks the same policy) never
  hands back a byte from outside, nor makes a request to a loopback server, whatever the URL
  looks like.
"""

from __future__ import annotations

import html
import itertools
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import slugify_unicode

from conftest import LoopbackServer, Reply, ServeHttp
from reportbuilder.compose.markup import make_markdown, to_html
from reportbuilder.errors import ReportError
from reportbuilder.limits import nesting_depth
from reportbuilder.project.files import FilePolicy
from reportbuilder.render.fetcher import PolicyFetcher

FUZZ = settings(max_examples=400, deadline=None)
PATHS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- Markdown → sanitised HTML ----------------------------------------------------------------

DANGEROUS_TAGS = [
    "script", "style", "link", "base", "iframe", "object", "embed", "svg", "math", "meta",
    "form", "input", "button", "textarea", "frame", "frameset", "applet", "video", "audio",
    "source", "template", "noscript", "img", "a", "div", "p", "span", "table", "td", "image",
]  # fmt: skip
URL_ATTRIBUTES = [
    "href", "src", "srcset", "action", "formaction", "data", "poster", "background",
    "xlink:href", "lowsrc", "dynsrc", "cite", "longdesc", "usemap", "codebase",
]  # fmt: skip
HOSTILE_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:x",
    "java\nscript:x", "&#106;avascript:x", "&#x6A;avascript:x", "javascript&colon;x",
    "\x01javascript:x", "vbscript:msgbox(1)", "file:///etc/passwd", "FILE:///etc/passwd",
    "file://localhost/etc/passwd", "file:relative", "smb://evil.example/share",
    "data:text/html,<script>alert(1)</script>", "data:image/svg+xml;base64,PHN2Zz4=",
    "ftp://127.0.0.1/x", "jar:file:///x!/y", "//evil.example/share", "\\\\evil\\share",
    "../../../etc/passwd", "/etc/passwd", "assets/pump.svg", "#anchor",
    "https://example.org/ok", "http://example.org/ok", "mailto:desk@example.org",
]  # fmt: skip
OTHER_ATTRIBUTES = [
    ("rel", "attachment"), ("rel", "ATTACHMENT stylesheet"), ("rel", "stylesheet"),
    ("style", "width: calc(1px +)"), ("style", "background: url(file:///etc/passwd)"),
    ("onclick", "alert(1)"), ("onerror", "alert(1)"), ("ONLOAD", "x()"), ("onmouseover", "x"),
    ("type", "text/css"), ("http-equiv", "refresh"), ("content", "0;url=file:///etc/passwd"),
    ("target", "_blank"), ("download", "x"), ("class", "note"), ("id", "here"),
    ("title", "a title"), ("alt", "words"), ("width", "10"), ("lang", "en"),
]  # fmt: skip
# Text that cannot spell a scheme, so that a scheme seen in the output came from a URL.
SAFE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghij klmnop 0123456789 .,;!?*_-#>\n")), max_size=30
)


def _quote_attr(value: str, style: str) -> str:
    if style == "none":
        return re.sub(r"[\s>\"']", "", value) or "x"
    if style == "'":
        return "'" + value.replace("'", "") + "'"
    return '"' + value.replace('"', "") + '"'


@st.composite
def html_fragments(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(DANGEROUS_TAGS))
    tag = draw(st.sampled_from([tag, tag.upper(), tag.capitalize()]))
    attributes = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            name, value = draw(st.sampled_from(URL_ATTRIBUTES)), draw(st.sampled_from(HOSTILE_URLS))
        else:
            name, value = draw(st.sampled_from(OTHER_ATTRIBUTES))
        quoting = draw(st.sampled_from(['"', "'", "none"]))
        attributes.append(f"{name}={_quote_attr(value, quoting)}")
    space = draw(st.sampled_from([" ", "  ", "\n", "\t"]))
    opening = f"<{tag}{space if attributes else ''}{' '.join(attributes)}"
    opening += draw(st.sampled_from([">", "/>", " >", ""]))
    inner = draw(SAFE_TEXT)
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
    return opening + inner + closing


@st.composite
def markdown_urls(draw: st.DrawFn) -> str:
    url = draw(st.sampled_from(HOSTILE_URLS))
    text = draw(SAFE_TEXT.filter(lambda t: "]" not in t and "[" not in t))
    form = draw(st.sampled_from(["link", "image", "reference", "autolink", "attr"]))
    if form == "link":
        return f"[{text}]({url})"
    if form == "image":
        return f"![{text}]({url})"
    if form == "reference":
        return f"[{text}][r]\n\n[r]: {url}\n"
    if form == "autolink":
        return f"<{url}>"
    attribute = draw(st.sampled_from([*URL_ATTRIBUTES, "onclick", "style", "rel"]))
    return f"# Heading {{: {attribute}=\"{url}\" }}\n\nPara {{: {attribute}='{url}' }}"


MARKDOWN_BITS = [
    "# Title\n", "## Sub\n", "> quote\n", "- item\n", "1. one\n", "    code\n", "```\nfence\n```\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "Table: caption\n", "Term\n:   definition\n",
    '!!! note "Title"\n    body\n', "text[^1]\n\n[^1]: note\n", "***\n", "\n\n", "<!-- c -->",
    "<![CDATA[x]]>", "<?php x ?>", "<!DOCTYPE html>", "&amp;", "&#0;", "&#x110000;", "\\",
]  # fmt: skip

hostile_documents = st.lists(
    st.one_of(
        st.text(max_size=40),
        html_fragments(),
        markdown_urls(),
        st.sampled_from(MARKDOWN_BITS),
        SAFE_TEXT,
    ),
    max_size=12,
).map("".join)

FORBIDDEN_TAGS = (
    "script", "style", "link", "base", "iframe", "object", "embed", "svg", "math", "meta",
    "form", "frame", "applet", "video", "audio", "source", "template", "image",
)  # fmt: skip
LINKED = {"href", "src"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _scheme(value: str) -> str:
    """The scheme a URL parser would see (WHATWG: C0 controls and spaces trimmed at both ends,
    tabs and newlines removed anywhere)."""
    cleaned = re.sub(r"[\t\n\r]", "", html.unescape(value).strip(_C0_AND_SPACE)).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match[1] if match else ""


def unsafe_parts(output: str) -> list[str]:
    """Everything in sanitised HTML that could act, fetch, or link off the web."""
    found = []
    lowered = output.lower()
    found += [f"<{tag}" for tag in FORBIDDEN_TAGS if f"<{tag}" in lowered]
    # Text's `<` is escaped, so every `<…>` left is a real tag: look inside them literally.
    for raw in re.findall(r"<[^>]*>", output):
        low = raw.lower()
        found += [f"{word} in {raw!r}" for word in ("javascript:", "file:") if word in low]
        if re.search(r"\son[a-z]+\s*=", low):
            found.append(f"event handler in {raw!r}")
        if 'rel="attachment"' in low or "rel=attachment" in low:
            found.append(f"attachment in {raw!r}")
    parser = _Tags()
    parser.feed(output)
    parser.close()
    for tag, attributes in parser.tags:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> element")
        for name, value in attributes:
            value = value or ""
            if name.startswith("on") or name in ("style", "rel", "srcset", "action", "data"):
                found.append(f"{name}= on <{tag}>")
            if name in LINKED:
                scheme = _scheme(value)
                if scheme and scheme not in ALLOWED_SCHEMES:
                    found.append(f"{name}={value!r} on <{tag}>")
            # The README: links other than http, https, mailto and in-document anchors are
            # removed (a relative link would become a file: link in the PDF).
            web_or_anchor = value.startswith("#") or _scheme(value) in ALLOWED_SCHEMES
            if name == "href" and tag == "a" and not web_or_anchor:
                found.append(f"link to {value!r}")
    return found


def _slug(value: str, separator: str) -> str:
    return "c--" + slugify_unicode(value, separator)


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
@FUZZ
@given(text=hostile_documents)
def test_markdown_output_is_sanitised(lang: str, text: str) -> None:
    output = to_html(text, make_markdown(lang, _slug))
    assert unsafe_parts(output) == [], output
    nesting_depth(output)  # the depth check that follows must not raise either


@FUZZ
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    output = to_html(text, make_markdown("fr", _slug))
    assert unsafe_parts(output) == [], output


@FUZZ
@given(fragment=html_fragments(), before=SAFE_TEXT, after=SAFE_TEXT)
def test_raw_html_fragment_is_sanitised(fragment: str, before: str, after: str) -> None:
    for text in (fragment, f"{before}\n\n{fragment}\n\n{after}", f"{before} {fragment} {after}"):
        output = to_html(text, make_markdown("en", _slug))
        assert unsafe_parts(output) == [], (text, output)


def test_the_oracle_sees_what_it_should() -> None:
    """The checker itself: unsanitised Markdown output trips it."""
    raw = make_markdown("en", _slug).convert(
        '<script>x</script><a href="javascript:x" rel="attachment" onclick="y">l</a>'
        '<img src="file:///etc/passwd" style="a"><base href="file:///"><link rel=x>'
    )
    found = unsafe_parts(raw)
    for expected in ("<script", "<base", "<link", "javascript:", "file:", "event handler"):
        assert any(expected in item for item in found), (expected, found)


# --- textio: symlinks out of the project -------------------------------------------------------

_counter = itertools.count()
NAMES = ["content", "data", "sub", "a b", "ünï", ".hidden"]
FILES = ["x.md", "report.yml", "contacts.yml", "table.csv", "n.json"]
TEXTIO_CANARY = "canary: TEXTIO-OUTSIDE\n"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@st.composite
def escapes(draw: st.DrawFn) -> dict[str, Any]:
    parts = [*draw(st.lists(st.sampled_from(NAMES), max_size=3)), draw(st.sampled_from(FILES))]
    return {
        "parts": parts,
        "link_at": draw(st.integers(0, len(parts) - 1)),
        "spelling": draw(st.sampled_from(["absolute", "relative", "chain", "dotted"])),
        "device": draw(st.booleans()),
    }


def _make_escape(base: Path, spec: dict[str, Any]) -> tuple[Path, str]:
    """A project whose file `rel` is reached through a symlink out of the project: the link is
    the `link_at`-th component of `rel` (a file or a folder), its target mirrors it outside."""
    n = next(_counter)
    project, outside = base / f"p{n}", base / f"outside{n}"
    parts, at = spec["parts"], spec["link_at"]
    link = project.joinpath(*parts[: at + 1])
    link.parent.mkdir(parents=True, exist_ok=True)
    if at == len(parts) - 1 and spec["device"]:
        target = Path("/dev/zero")
    else:
        target = outside.joinpath(*parts[: at + 1])
        secret = target.joinpath(*parts[at + 1 :])
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(TEXTIO_CANARY, "utf-8")
    spelling = spec["spelling"]
    if spelling == "relative":
        link.symlink_to(os.path.relpath(target, link.parent))
    elif spelling == "chain":  # a link inside the project that leads to one going out
        hop = project / f"hop{n}"
        hop.symlink_to(target)
        link.symlink_to(hop)
    elif spelling == "dotted" and target.is_relative_to(base):  # a detour through the project
        link.symlink_to(f"{project}/./../{target.relative_to(base)}")
    else:
        link.symlink_to(target)
    return project, "/".join(parts)


@PATHS
@given(spec=escapes())
def test_file_policy_refuses_symlinks_out_of_the_project(
    sandbox: Path, spec: dict[str, Any]
) -> None:
    project, rel = _make_escape(sandbox, spec)
    with pytest.raises(ReportError) as caught:
        FilePolicy(project).read_project_text(rel)
    assert "outside the project" in str(caught.value)
    assert TEXTIO_CANARY.strip() not in str(caught.value)


@PATHS
@given(parts=st.lists(st.sampled_from(NAMES), max_size=3), name=st.sampled_from(FILES))
def test_file_policy_follows_symlinks_that_stay_inside(
    sandbox: Path, parts: list[str], name: str
) -> None:
    project = sandbox / f"p{next(_counter)}"
    real = project / "store" / "real.txt"
    real.parent.mkdir(parents=True)
    real.write_text("inside\n", "utf-8")
    link = project.joinpath(*parts, name)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(real, link.parent))
    rel = "/".join([*parts, name])
    assert FilePolicy(project).read_project_text(rel) == "inside\n"


# --- PolicyFetcher: no byte from outside the roots, no request to loopback ----------------------


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
