"""Parsed stylesheets and registered fonts kept between the renders of one render process.

Every WeasyPrint render parses the document's `<link>` and `<style>` stylesheets again and
registers every `@font-face` in a new `FontConfiguration`: about 80 ms of CPU before the first
page, two thirds of a one-page document (`bench/fixed_cost.py`). A render process lays out
many documents (a merge's covers, a report's parts, the passes of one layout, `watch`), most
with the same theme: here each stylesheet is parsed once and each set of `@font-face` rules
is registered once, and later renders reuse them.

`author_sheets(html, fetcher)` resolves a document's author stylesheets before it is laid
out, the way WeasyPrint 70's `css.find_stylesheets` does, and hands back the sheets and the
font configuration to lay it out with; while `using(resolved)` is active, WeasyPrint gets
those sheets instead of parsing them. The output is the same byte for byte.

What keeps this safe:

- A sheet is keyed by what WeasyPrint parses: a `<link>`'s URL, or a `<style>`'s text and the
  document's base URL, and the media type. Every resource its parse read (the sheet itself,
  `@import`s) and every font a font configuration registered is fetched again through the
  *current* job's policy fetcher on each use and compared by SHA-256: a refused resource is
  refused (and reported) again, a changed file is parsed again. One project's `<style>` or
  `styles/` never serves another's (their URLs differ); a theme's files are shared.
- Warnings logged while parsing (unknown properties, a font that cannot be loaded) are kept
  with the entry and logged again on every use, with the stylesheet they are about.
- A font configuration is keyed by the exact `@font-face` rules, in order; one into which a
  document registered more fonts (an SVG image's `@font-face`) serves no other job.
- What read the network (a stylesheet, an `@import`, a font) serves its own document only,
  never a later one. A document with sheets WeasyPrint links to one another (`@layer`,
  `@counter-style`, `@color-profile`) is laid out exactly as before, without the cache.
- Bounded: the last `MAX_SHEETS` sheets and `MAX_FONTS` font configurations. In a forked
  process the font configurations of the parent are dropped (their files are the parent's).
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import hashlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from reportbuilder.project.files import FilePolicy

MAX_SHEETS = 24
MAX_FONTS = 4
_LOCAL = ("file", "data")  # what may be kept: never what the network answered


class _Linked(Exception):
    """A sheet WeasyPrint links to the document's other sheets (`@layer`, `@counter-style`,
    `@color-profile`): the document is laid out without the cache."""


@dataclass
class _Recorder:
    """A URL fetcher that passes every request to the job's fetcher and notes what it got:
    (URL, SHA-256 of the answer, or None when it was refused)."""

    inner: Any
    fetched: list[tuple[str, str | None]] = field(default_factory=list)
    remote: bool = False

    @property
    def _fail_on_errors(self) -> bool:  # read by `weasyprint.urls.fetch`
        return bool(getattr(self.inner, "_fail_on_errors", False))

    def __call__(self, url: str) -> Any:
        return self.fetch(url)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        from weasyprint.urls import URLFetcherResponse

        scheme = urlsplit(url).scheme.lower()
        if scheme not in _LOCAL:
            self.remote = True
        checked = getattr(self.inner, "checked_file", None) if scheme == "file" else None
        try:
            real = checked(url) if checked is not None else None
            response = self.inner.fetch(url, headers)
        except Exception:
            self.fetched.append((url, None))
            raise
        try:
            body = response.read()
        finally:
            response.close()
        digest = _digest(response, body) if real is None else _path_digest(real, body)
        self.fetched.append((url, digest))
        return URLFetcherResponse(response.url, body, response.headers, response.status)


def _digest(response: Any, body: bytes) -> str:
    sha = hashlib.sha256()
    for part in (response.url, response.headers.get("Content-Type", "")):
        sha.update(str(part).encode("utf-8", "surrogatepass") + b"\0")
    sha.update(body)
    return sha.hexdigest()


def _path_digest(real: Path, body: bytes) -> str:
    """A file's: its real path (which also gives its media type) and its bytes."""
    return hashlib.sha256(os.fsencode(real) + b"\0" + body).hexdigest()


# A file's digest by its (device, inode, size, modification and change times), kept only
# for a file unchanged for RACY seconds when it was read: a later write then changes one of
# them (git's "racily clean" rule), so the theme's fonts are not read again for every use.
_HASHED: dict[Path, tuple[tuple[int, ...], str]] = {}
MAX_HASHED = 256
RACY_NS = 2_000_000_000


def _file_digest(real: Path) -> str:
    info = real.stat()
    signature = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    known = _HASHED.get(real)
    if known is not None and known[0] == signature:
        return known[1]
    digest = _path_digest(real, real.read_bytes())
    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) > RACY_NS:
        if len(_HASHED) >= MAX_HASHED:
            _HASHED.clear()
        _HASHED[real] = (signature, digest)
    return digest


def _still_same(fetched: list[tuple[str, str | None]], fetcher: Any) -> bool:
    """Whether `fetcher` (the current job's) gives what an entry's parse was given: the same
    bytes for each resource read, a refusal for each refused (reported again by the fetcher).
    A file is checked under the policy (`checked_file`) and compared without being fetched."""
    checked = getattr(fetcher, "checked_file", None)
    for url, digest in fetched:
        try:
            if checked is not None and urlsplit(url).scheme.lower() == "file":
                now = _file_digest(checked(url))
            else:
                response = fetcher.fetch(url)
                try:
                    now = _digest(response, response.read())
                finally:
                    response.close()
        except Exception:
            if digest is None:
                continue
            return False
        if digest is None or now != digest:
            return False
    return True


class _Capture(logging.Handler):
    """Holds WeasyPrint's log records while a sheet is parsed, each with the stylesheet it
    was logged about (`record.stylesheet`), to be logged again on every use."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)  # what the renderer reports
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        from reportbuilder.render.renderer import _stylesheet_being_read

        record.stylesheet = _stylesheet_being_read()
        if isinstance(record.args, tuple):  # an exception would keep its job's frames alive
            record.args = tuple(
                str(arg) if isinstance(arg, BaseException) else arg for arg in record.args
            )
        self.records.append(record)


@contextlib.contextmanager
def _captured() -> Iterator[_Capture]:
    """WeasyPrint's log goes to a capture only, within the block."""
    logger = logging.getLogger("weasyprint")
    capture = _Capture()
    handlers, logger.handlers = logger.handlers, [capture]
    propagate, logger.propagate = logger.propagate, False
    try:
        yield capture
    finally:
        logger.handlers, logger.propagate = handlers, propagate


def _replay(records: list[logging.LogRecord]) -> None:
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


class _Faces:
    """Takes the `@font-face` rules of a sheet being parsed, in order, for registering later."""

    def __init__(self) -> None:
        self.rules: list[Any] = []

    def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> None:
        self.rules.append(rule_descriptors)


@dataclass
class _Sheet:
    """A parsed stylesheet (None: a `<link>` that could not be read), what its parse read
    and logged, and the `@font-face` rules it holds."""

    css: Any
    fetched: list[tuple[str, str | None]]
    records: list[logging.LogRecord]
    faces: list[Any]
    keep: bool = True  # False: it read the network (used once, for its document)


@dataclass
class _Fonts:
    """A font configuration with some `@font-face` rules registered, what registering them
    read and logged; `owner`, the fetcher of the job that registered more (SVG fonts)."""

    config: Any
    fetched: list[tuple[str, str | None]]
    records: list[logging.LogRecord]
    owner: Any = None


@dataclass(frozen=True)
class Resolved:
    """A document's author stylesheets, in order, and the font configuration to lay it out
    with (see `using`)."""

    wrapper: Any
    sheets: tuple[Any, ...]
    fonts: Any


class _State:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.sheets: OrderedDict[tuple[Any, ...], _Sheet] = OrderedDict()
        self.fonts: OrderedDict[tuple[str, ...], _Fonts] = OrderedDict()

    def forked(self) -> None:
        """In a forked child: the parent's font configurations are not ours to use or end
        (their font files are in the parent's folder, removed when it ends them)."""
        if self.pid == os.getpid():
            return
        for entry in self.fonts.values():
            entry.config._folder = None  # so that ending it here removes none of them
        self.fonts.clear()
        self.pid = os.getpid()


_state = _State()
_active: contextvars.ContextVar[Resolved | None] = contextvars.ContextVar(
    "reportbuilder_stylesheets", default=None
)


def clear() -> None:
    """Forget every kept sheet and font configuration; a font configuration this process
    made removes its font files as it goes."""
    _state.forked()
    _state.sheets.clear()
    _state.fonts.clear()


def _end() -> None:
    """At exit: the font copies of the configurations kept removed now, not when they are
    collected (another reference, a document or a test's copy of the cache, would keep
    them, and then their files, past the process's end), then the cache cleared."""
    from reportbuilder.render.renderer import end_font_copies

    _state.forked()
    for entry in _state.fonts.values():
        end_font_copies(entry.config)
    clear()


# At exit, while the modules WeasyPrint's clean-up needs are still there.
atexit.register(_end)


def _elements(html: Any) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The document's stylesheets as WeasyPrint 70's `css.find_stylesheets` finds them: a
    key and the arguments of `CSS` for each."""
    from weasyprint.css import get_child_text, media_queries
    from weasyprint.html import element_has_link_type, parse_url

    for wrapper in html.wrapper_element.query_all("style", "link"):
        element = wrapper.etree_element
        mime_type = element.get("type", "text/css").split(";", 1)[0].strip()
        if mime_type != "text/css":
            continue
        media_attr = element.get("media", "").strip() or "all"
        media = [media_type.strip() for media_type in media_attr.split(",")]
        if not media_queries.evaluate_media_query(media, html.media_type):
            continue
        if element.tag == "style":
            text = get_child_text(element)
            key = ("style", text, html.base_url, html.media_type)
            yield key, {"string": text, "base_url": html.base_url}
        elif element.tag == "link" and element.get("href"):
            if not element_has_link_type(element, "stylesheet") or element_has_link_type(
                element, "alternate"
            ):
                continue
            href = parse_url(element.get("href"), html.base_url)
            if href is not None:
                yield ("link", href, html.media_type), {"url": href, "_check_mime_type": True}


def _parse(arguments: dict[str, Any], media_type: str, fetcher: Any) -> _Sheet | None:
    """One stylesheet parsed on its own; None when it must not be kept (see the module)."""
    import weasyprint
    from weasyprint.css.counters import CounterStyle
    from weasyprint.logger import LOGGER
    from weasyprint.urls import URLFetchingError

    recorder = _Recorder(fetcher)
    faces = _Faces()
    counters: dict[str, Any] = CounterStyle()
    profiles: dict[str, Any] = {}
    page_rules: list[Any] = []
    layers: list[Any] = []
    with _captured() as capture:
        try:
            css = weasyprint.CSS(
                **arguments,
                url_fetcher=recorder,
                media_type=media_type,
                font_config=faces,
                counter_style=counters,
                color_profiles=profiles,
                page_rules=page_rules,
                layers=layers,
            )
        except URLFetchingError as exception:  # as `find_stylesheets` says it
            href = arguments["url"]
            LOGGER.error("Failed to load stylesheet at %s: %s", href, exception)
            LOGGER.debug("Error while loading stylesheet:", exc_info=exception)
            css = None
    if counters or profiles or layers:
        return None
    return _Sheet(css, recorder.fetched, capture.records, faces.rules, keep=not recorder.remote)


def _sheet(key: tuple[Any, ...], arguments: dict[str, Any], html: Any, fetcher: Any) -> _Sheet:
    entry = _state.sheets.get(key)
    if entry is not None and _still_same(entry.fetched, fetcher):
        _state.sheets.move_to_end(key)
        return entry
    found = _parse(arguments, html.media_type, fetcher)
    if found is None or not found.keep:  # not kept: what the network said, or linked
        _state.sheets.pop(key, None)
    if found is None:
        raise _Linked
    if not found.keep:
        return found  # for this document only: the network is not asked twice
    _state.sheets[key] = found
    _state.sheets.move_to_end(key)
    while len(_state.sheets) > MAX_SHEETS:
        _state.sheets.popitem(last=False)
    return found


class _Config:
    """Made lazily: a `FontConfiguration` that notes fonts registered by anyone else than
    this module (an SVG image's `@font-face`, while a document is laid out)."""

    made: type | None = None

    @classmethod
    def new(cls) -> Any:
        if cls.made is None:
            from weasyprint.text.fonts import FontConfiguration

            class Config(FontConfiguration):
                registering = False
                grown = False

                def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
                    if not self.registering:
                        self.grown = True
                    return super().add_font_face(rule_descriptors, url_fetcher)

            cls.made = Config
        return cls.made()


def _fonts(faces: list[Any], fetcher: Any) -> Any:
    """The font configuration with `faces` registered, kept or made now."""
    key = tuple(repr(rule) for rule in faces)
    entry = _state.fonts.get(key)
    if entry is not None:
        mine = not entry.config.grown or entry.owner is fetcher
        if mine and _still_same(entry.fetched, fetcher):
            _state.fonts.move_to_end(key)
            entry.owner = fetcher
            _replay(entry.records)
            return entry.config
        del _state.fonts[key]
    config = _Config.new()
    recorder = _Recorder(fetcher)
    config.registering = True
    try:
        with _captured() as capture:
            for rule in faces:
                config.add_font_face(rule, recorder)
    finally:
        config.registering = False
    _replay(capture.records)
    if not recorder.remote:
        _state.fonts[key] = _Fonts(config, recorder.fetched, capture.records, fetcher)
        while len(_state.fonts) > MAX_FONTS:
            _state.fonts.popitem(last=False)
    return config


def author_sheets(html: Any, fetcher: Any) -> Resolved | None:
    """The document's author stylesheets, parsed or kept, and its font configuration; their
    warnings logged. None when the document is to be laid out without the cache."""
    _state.forked()
    sheets: list[_Sheet] = []
    try:
        for key, arguments in _elements(html):
            sheets.append(_sheet(key, arguments, html, fetcher))
    except _Linked:
        return None
    for sheet in sheets:
        _replay(sheet.records)
    fonts = _fonts([rule for sheet in sheets for rule in sheet.faces], fetcher)
    found = tuple(sheet.css for sheet in sheets if sheet.css is not None)
    return Resolved(html.wrapper_element, found, fonts)


def warm_up(sheets: Iterable[Path], files: FilePolicy) -> None:
    """Parse `sheets` and register their fonts now, as for a document that links them, under
    `files`: a process that forks render processes pays it once for all of them (each use
    is still checked under its own job's policy). Their warnings are not said here."""
    import weasyprint

    from reportbuilder.render.fetcher import PolicyFetcher

    links = "".join(f'<link rel="stylesheet" href="{escape(p.as_uri())}">' for p in sheets)
    fetcher = PolicyFetcher(files)
    html = weasyprint.HTML(
        string=f"<html><head>{links}</head></html>",
        base_url=files.root.as_uri() + "/",
        url_fetcher=fetcher,
    )
    with _captured():
        author_sheets(html, fetcher)


def warm_up_themes() -> None:
    """`warm_up` the built-in themes' stylesheets (what most documents link)."""
    from reportbuilder.project.files import FilePolicy
    from reportbuilder.project.theme import THEMES_DIR

    warm_up(sorted(THEMES_DIR.glob("*/styles/*.css")), FilePolicy(THEMES_DIR))


def install() -> None:
    """Let `using` hand WeasyPrint the resolved sheets (once a process)."""
    import weasyprint.css

    original = weasyprint.css.find_stylesheets
    if getattr(original, "_reportbuilder_stylecache", False):
        return

    def find_stylesheets(wrapper_element: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        resolved = _active.get()
        if resolved is not None and resolved.wrapper is wrapper_element:
            yield from resolved.sheets
        else:
            yield from original(wrapper_element, *args, **kwargs)

    find_stylesheets._reportbuilder_stylecache = True  # type: ignore[attr-defined]
    weasyprint.css.find_stylesheets = find_stylesheets


@contextlib.contextmanager
def using(resolved: Resolved | None) -> Iterator[None]:
    """Within the block, laying out `resolved`'s document uses its sheets (None: as usual)."""
    install()
    token = _active.set(resolved)
    try:
        yield
    finally:
        _active.reset(token)
