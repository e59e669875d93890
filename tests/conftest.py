"""Shared fixtures: copies of the example project and of the mini fixture project in tmp_path,
the example report built once per session, helpers that read PDFs back with pypdf, and a
loopback HTTP server that counts what reaches it.

pypdf (not poppler's pdftotext) is used to read text back because it keeps U+00A0 and U+202F,
so French typography (`89\u00a0%`, `victimes\u202f?`) can be asserted exactly.
"""

from __future__ import annotations

import gc
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import pypdf
import pytest
from click.testing import CliRunner

from cpu_report import CpuReport
from reportbuilder.cli import main
from warm_cli import WarmCli

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What makes up the example project at the repository root (templates/ and styles/ are
# optional overrides and are copied when present).
EXAMPLE_PARTS = ("report.yml", "content", "data", "contacts.yml", "assets", "templates", "styles")
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--cpu-report",
        type=int,
        metavar="N",
        help="list the N tests and files that cost the most CPU, with the processes they "
        "start (unlike --durations, the same on a busy machine; see tests/cpu_report.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Our own bugs raise with their traceback in tests (and in the CLI runs they start),
    # instead of the one-line "internal error" users get.
    os.environ["REPORTBUILDER_DEBUG"] = "1"
    config.addinivalue_line(
        "markers",
        "slow: takes many seconds: an end-to-end run, a large fuzzer (runs in `make test`; "
        "`make test-fast` leaves it out)",
    )
    config.addinivalue_line(
        "markers",
        "pdf: renders a PDF, starts the render process or runs a subprocess (runs in "
        "`make test`; `make test-fast` leaves it out)",
    )
    _watch_heavy_work()
    _bound_subprocess_waits()
    config.pluginmanager.register(_GroupIds(), "reportbuilder-xdist-group-ids")
    if config.getoption("cpu_report") is not None:
        config.pluginmanager.register(CpuReport(config.getoption("cpu_report")), "cpu-report")
    # pytest-xdist would hand out its groups largest first, then the single tests: the order
    # set below (the longest work first) is kept instead.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


# The longest work of `make test`, started first (see below): a wheel built and installed, the
# hostile corpus (its cases run in groups, see test_hostile.py).
LONGEST_FIRST = ("test_wheel.py", "test_hostile.py")


# Before pytest-xdist reads the xdist_group marks (it adds their group to the test ids then).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest tests first, then the other `slow` ones, then those reading a shared build
    (a group run on one worker), then the rest, each in their order: under pytest-xdist the
    long work starts at once, and the many short tests fill the workers at the end, instead of
    one worker finishing a long test or group while the other waits."""
    shared: set[str] = set()
    for item in items:
        group = _shared_build_group(item)
        if group is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))
            shared.add(item.nodeid)

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("slow") is None:
            return len(LONGEST_FIRST) + (1 if item.nodeid in shared else 2)
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    # A group's tests stay together (at the rank of its first): a `slow` one moved ahead of
    # the others would tear its module fixture down, and the build would be made again.
    ranks = {item.nodeid: rank(item) for item in items}
    first: dict[str, int] = {}
    for item in items:
        if item.nodeid in shared:
            group = str(item.get_closest_marker("xdist_group").args[0])  # type: ignore[union-attr]
            first[group] = min(first.get(group, ranks[item.nodeid]), ranks[item.nodeid])

    def grouped_rank(item: pytest.Item) -> int:
        if item.nodeid not in shared:
            return ranks[item.nodeid]
        return first[str(item.get_closest_marker("xdist_group").args[0])]  # type: ignore[union-attr]

    items.sort(key=grouped_rank)


class _GroupIds:
    """Gives each test of an xdist group its group's suffix (`ID@GROUP`) on a worker, where
    pytest-xdist (3.8) fails to: it sets `item._nodeid`, which pytest 9.2 no longer reads (the
    id lives in `item._id`). The controller groups tests by that suffix; without it every
    group's tests spread over the workers and each worker built the shared PDFs again (the
    hostile groups, the example build, every module fixture: measured, each built twice)."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        if not getattr(config.option, "loadgroup", False):
            return
        for item in items:
            names = {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
            suffix = "@" + "_".join(sorted(names))
            if not names or item.nodeid.endswith(suffix):
                continue
            grouped = item.nodeid + suffix
            if hasattr(item, "_id"):
                item._id = type(item._id).parse(grouped)
            else:
                item._nodeid = grouped


# Session fixtures that build a PDF: their tests run on one xdist worker, which builds it once.
SHARED_SESSION_BUILDS = ("example_build", "mini_build")


def _shared_build_group(item: pytest.Item) -> str | None:
    """The xdist group of a test that reads a build shared with other tests: a session fixture
    of SHARED_SESSION_BUILDS, or a module-scoped fixture of its own module (one group per
    parameter of such a fixture, so that A4 and A5 may go to two workers).

    Under `--dist loadgroup` the tests of a module otherwise spread over the workers, and each
    worker builds the module's fixture again: the same PDF laid out twice.
    """
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    names = info.names_closure
    shared = [name for name in SHARED_SESSION_BUILDS if name in names]
    if shared:
        return shared[0]
    params = getattr(getattr(item, "callspec", None), "params", {})
    module = item.nodeid.split("::")[0]
    own = [
        name
        for name in names
        if (defs := info.name2fixturedefs.get(name))
        and defs[-1].scope == "module"
        and defs[-1].baseid == module
    ]
    if not own:
        return None
    values = [f"{name}={params[name]}" for name in sorted(own) if name in params]
    # No "]" or "@" in a group's name: pytest-xdist takes the text after the last "@" of a
    # test id as its group only when no "]" follows it (a parameter may hold an "@").
    return re.sub(r"[\[\]@]", "-", f"{item.path.name}:{','.join(values)}")


# --- The fast subset: a test that renders or starts a process must say so ---------------------

# A test carrying one of these marks is left out of `make test-fast`.
HEAVY_MARKS = ("pdf", "slow")


class _Heavy:
    """What the running test did that `make test-fast` must not wait for."""

    watching = False  # the running test carries none of HEAVY_MARKS
    seen: ClassVar[list[str]] = []


def _note(what: str) -> None:
    if _Heavy.watching and what not in _Heavy.seen:
        _Heavy.seen.append(what)


def _watch_heavy_work() -> None:
    """Note the ways a test can render or start a process: a subprocess, the render process,
    WeasyPrint in this process (wrapped once it is imported, see `pytest_runtest_protocol`)."""
    from reportbuilder.render.renderer import PdfRenderer

    popen = subprocess.Popen.__init__
    start = PdfRenderer._start

    def noted_popen(self: subprocess.Popen[Any], args: Any, *more: Any, **named: Any) -> None:
        _note("runs a subprocess")
        popen(self, args, *more, **named)

    def noted_start(self: PdfRenderer) -> None:
        _note("starts the render process")
        start(self)

    subprocess.Popen.__init__ = noted_popen  # type: ignore[method-assign]
    PdfRenderer._start = noted_start  # type: ignore[method-assign]


# A subprocess still running this long is hung: its test fails (subprocess.run kills it)
# instead of holding the whole run forever.
SUBPROCESS_TIMEOUT = 900.0


def _bound_subprocess_waits() -> None:
    """Every wait for a subprocess without a timeout (`subprocess.run`, `communicate()`,
    `wait()`: pdftotext, a command under test …) gets SUBPROCESS_TIMEOUT."""
    communicate = subprocess.Popen.communicate
    wait = subprocess.Popen.wait

    def bounded_communicate(
        self: subprocess.Popen[Any], input: Any = None, timeout: float | None = None
    ) -> Any:
        return communicate(self, input, SUBPROCESS_TIMEOUT if timeout is None else timeout)

    def bounded_wait(self: subprocess.Popen[Any], timeout: float | None = None) -> int:
        return wait(self, SUBPROCESS_TIMEOUT if timeout is None else timeout)

    subprocess.Popen.communicate = bounded_communicate  # type: ignore[method-assign]
    subprocess.Popen.wait = bounded_wait  # type: ignore[method-assign]


def _watch_weasyprint() -> None:
    weasyprint = sys.modules.get("weasyprint")
    if weasyprint is None or getattr(weasyprint.HTML.render, "noted", False):
        return
    render = weasyprint.HTML.render

    def noted_render(self: Any, *args: Any, **kwargs: Any) -> Any:
        _note("renders with WeasyPrint")
        return render(self, *args, **kwargs)

    noted_render.noted = True  # type: ignore[attr-defined]
    weasyprint.HTML.render = noted_render


# Where the font copies of WeasyPrint run in this process go (set by `_keep_font_copies_in`).
FONT_COPIES: list[Path] = []


def _keep_font_copies_in(folder: Path) -> None:
    """Every folder of font copies a WeasyPrint `FontConfiguration` makes in this process (the
    themes' warm-up below; the tests that lay out here: test_render_leaders, the font merge
    tests, charts, contents, stylecache) is made in `folder`, a folder of the session's own
    temporary tree, removed when the process ends (`pytest_unconfigure`). WeasyPrint made them
    in TMPDIR and removes one when its configuration is collected; a worker ended before that
    (pytest-xdist's worker is `os._exit`-ed when its end takes over 15 s, as on a loaded
    machine), or whose clean-up at exit found `shutil` gone, left them: `weasyprint-*` folders
    of the themes' 7 font files in /tmp after a full run. A render process forked from here
    keeps its own (its scratch TMPDIR, removed with it)."""
    from weasyprint.text import fonts

    original = getattr(fonts.mkdtemp, "original", fonts.mkdtemp)
    owner = os.getpid()

    def mkdtemp(*args: Any, **kwargs: Any) -> str:
        if os.getpid() == owner:
            kwargs["dir"] = str(folder)
        return original(*args, **kwargs)

    mkdtemp.original = original  # type: ignore[attr-defined]
    fonts.mkdtemp = mkdtemp
    FONT_COPIES[:] = [folder]


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in FONT_COPIES:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_finish(session: pytest.Session) -> None:
    """When PDFs are to be rendered: the built-in themes' stylesheets parsed once in this
    process, as a long-lived render process keeps them (`render.stylecache`). Every render
    process the tests fork inherits them; each use is still checked (its own policy, the
    files' bytes), and tests/test_render_stylecache.py tests the cache from empty."""
    if any(item.get_closest_marker(mark) for item in session.items for mark in HEAVY_MARKS):
        from reportbuilder.render import stylecache

        _keep_font_copies_in(session.config._tmp_path_factory.mktemp("font-copies", numbered=False))  # type: ignore[attr-defined]
        stylecache.warm_up_themes()
    # What is imported and collected by now lives to the end: frozen, the cycle collector no
    # longer walks it in every full collection of the session, nor does a render process
    # forked from this one (copying each page it touches).
    gc.freeze()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    _watch_weasyprint()
    _Heavy.watching = not any(item.get_closest_marker(mark) for mark in HEAVY_MARKS)
    _Heavy.seen = []
    try:
        return (yield)
    finally:
        _Heavy.watching = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    result = yield
    if _Heavy.seen:
        pytest.fail(
            f"this test {' and '.join(_Heavy.seen)} (here or in a fixture) but is not marked: "
            "add @pytest.mark.pdf (or `pytestmark = pytest.mark.pdf`), so that "
            "`make test-fast` leaves it out",
            pytrace=False,
        )
    return result


def as_a_terminal_job() -> None:
    """`preexec_fn` for a command a test stops with Ctrl-C: SIGINT as a shell job has it
    (default action, not blocked). A child inherits an ignored signal, and a suite started
    in the background by a script (`make test > log &`, a CI step, an agent's shell) has
    SIGINT and SIGQUIT ignored from the start: a non-interactive shell ignores them in its
    background jobs (POSIX), and Python keeps an ignored SIGINT ignored. The command then
    never saw the Ctrl-C the test sent (3 failures in full runs, none run alone). No test
    changes the workers' signals: `_signals_left_as_found` checks each one."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


_KEPT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGCHLD)


def _signal_state() -> tuple[object, ...]:
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    return (*(signal.getsignal(number) for number in _KEPT_SIGNALS), frozenset(mask))


@pytest.fixture(autouse=True)
def _signals_left_as_found() -> Iterator[None]:
    """A test, or the product code it calls in this process, leaves the process's signal
    handlers and mask as it found them: every later command a test starts inherits an
    ignored or blocked signal (and a library user's process keeps what we set)."""
    before = _signal_state()
    yield
    after = _signal_state()
    if after == before:
        return
    for number, handler in zip(_KEPT_SIGNALS, before, strict=False):
        if handler is not None:
            signal.signal(number, handler)  # type: ignore[arg-type]
    signal.pthread_sigmask(signal.SIG_SETMASK, before[-1])  # type: ignore[arg-type]
    changed = [
        f"{number.name}: {old!r} -> {new!r}"
        for number, old, new in zip(_KEPT_SIGNALS, before, after, strict=False)
        if old != new
    ]
    if before[-1] != after[-1]:
        changed.append(f"blocked: {sorted(before[-1])} -> {sorted(after[-1])}")  # type: ignore[call-overload]
    pytest.fail("the test left signals changed: " + "; ".join(changed), pytrace=False)


def one_chapter_project(root: Path, title: str, chapter: str) -> Path:
    """A project with report.yml (`title`, English) and `content/01.md` = `chapter`, and an
    empty data/ folder for the test's files."""
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text(f"title: {title}\nlang: en\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(chapter, encoding="utf-8")
    return root


def copy_example(dest: Path) -> Path:
    """Copy the example report project at the repository root into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        elif source.is_file():
            shutil.copy2(source, dest / name)
    return dest


def copy_fixture(name: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / name, dest)
    return dest


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A fresh copy of the example project (the repository root) in tmp_path."""
    return copy_example(tmp_path / "example")


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A fresh copy of tests/fixtures/mini (a small English project) in tmp_path."""
    return copy_fixture("mini", tmp_path / "mini")


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A fresh copy of tests/fixtures/tiny (one short English chapter: 3 pages, about a third
    of mini's layout) in tmp_path: for a test that changes one thing and builds, where the
    point needs no more than a cover, the contents and a chapter."""
    return copy_fixture("tiny", tmp_path / "tiny")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# --- Reading PDFs back ------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A word as `pdftotext -bbox-layout` places it: its page (1-based) and box in points."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


_BBOX_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_BBOX_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def read_words(pdf: Path) -> tuple[list[tuple[float, float]], list[Word]]:
    """Every page's size and every word's position in a PDF (poppler's `pdftotext`)."""
    from html import unescape

    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages: list[tuple[float, float]] = []
    words: list[Word] = []
    for chunk in xml.split("<page ")[1:]:
        size = _BBOX_PAGE.match("<page " + chunk)
        assert size
        pages.append((float(size[1]), float(size[2])))
        for m in _BBOX_WORD.finditer(chunk):
            coords = (float(m[1]), float(m[2]), float(m[3]), float(m[4]))
            words.append(Word(len(pages), *coords, unescape(m[5])))
    return pages, words


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def _fonts_in(resources: Any, seen: set[int]) -> Iterator[Any]:
    """Every font dictionary reachable from a /Resources dictionary (form XObjects included)."""
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        ref = getattr(xobject, "idnum", None)
        if ref is not None:
            if ref in seen:
                continue
            seen.add(ref)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts_in(xobject.get("/Resources"), seen)


def pdf_fonts(reader: pypdf.PdfReader) -> list[dict[str, Any]]:
    """The fonts of a PDF that carry glyphs: (BaseFont, FontDescriptor) of each descendant.

    A Type0 (composite) font's glyphs live in its /DescendantFonts; simple fonts carry their
    own /FontDescriptor. Type3 fonts have no descriptor and are reported as such.
    """
    found: dict[str, dict[str, Any]] = {}
    seen: set[int] = set()
    for page in reader.pages:
        for font in _fonts_in(page.get("/Resources"), seen):
            parts = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for part in parts:
                name = str(part.get("/BaseFont", font.get("/BaseFont", "")))
                descriptor = part.get("/FontDescriptor")
                found[name] = {
                    "name": name.lstrip("/"),
                    "subtype": str(part.get("/Subtype")),
                    "descriptor": descriptor.get_object() if descriptor is not None else None,
                }
    return list(found.values())


# --- Processes ---------------------------------------------------------------------------------


def live_children() -> set[int]:
    """The live (not zombie) child processes of this test process, from /proc."""
    me = os.getpid()
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == me and state != "Z":
            found.add(int(entry.name))
    return found


# --- The command, warm ---------------------------------------------------------------------------


def child_env(pycache: Path) -> dict[str, str]:
    """The environment of the CLI runs: compiled modules cached in a session folder (about
    0.2 s saved per run), never beside the sources."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(pycache)}


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return child_env(tmp_path_factory.mktemp("pycache"))


@pytest.fixture(scope="session")
def warm_cli(
    tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]
) -> Iterator[WarmCli]:
    """`python -m reportbuilder`, imported once, forking a process per run (see warm_cli.py):
    a run costs its work, not ~1.2 s of imports on top. For tests about what a process does
    (exit codes, output, files) but not about starting one; one server per xdist worker."""
    with WarmCli(tmp_path_factory.mktemp("warm"), cli_env) as cli:
        yield cli


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(warm_cli: WarmCli, cli_env: dict[str, str]) -> RunCli:
    """`run_cli(args, cwd=None, env=None, timeout=300)`: `python -m reportbuilder ARGS` as a
    process forked from the warm command, as `subprocess.run(..., capture_output=True,
    text=True)` answers; `env` is added to the test's environment. Fails the test if the run
    outlives `timeout` (it is then killed with its process group)."""

    def run(
        args: list[str | Path],
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        command = [str(arg) for arg in args]
        folder = cwd or Path.cwd()
        code, out, err, killed = warm_cli.run(command, folder, {**cli_env, **(env or {})}, timeout)
        assert not killed, f"{command}: still running after {timeout} s; killed\n{err}"
        return subprocess.CompletedProcess(command, code if code is not None else -1, out, err)

    return run


# --- A chapter slow to lay out ----------------------------------------------------------------

# A chapter that WeasyPrint takes a minute or more to lay out (hundreds of pages) but that costs
# almost nothing to compose: one code block, whose text Markdown leaves alone. (A paragraph of
# 300 000 words cost ~3 s to compose as well, so on a loaded machine a time limit meant for the
# layout was hit while filling in the chapters.)
SLOW_LAYOUT_CHAPTER = "# Long\n\n```\n" + "word word word word word word word\n" * 20_000 + "```\n"


# --- The example report, built once per session -------------------------------------------------


@dataclass(frozen=True)
class ExampleBuild:
    project: Path
    pdf: Path
    data: bytes
    reader: pypdf.PdfReader
    texts: list[str]
    json_doc: dict[str, Any]
    stdout: str


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> ExampleBuild:
    """`reportbuilder build <copy of the example> --json`, run once; many tests read it."""
    project = copy_example(tmp_path_factory.mktemp("example-session") / "example")
    result = CliRunner().invoke(main, ["build", str(project), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    pdf = Path(project, doc["outputs"][0]["path"])
    data = pdf.read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    return ExampleBuild(project, pdf, data, reader, page_texts(reader), doc, result.stdout)


# --- The mini fixture, built once per session ----------------------------------------------------


@dataclass(frozen=True)
class MiniBuild:
    project: Path
    pdf: Path  # report.yml's output, out/mini.pdf
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> MiniBuild:
    """Plain `reportbuilder build <copy of mini>` with SOURCE_DATE_EPOCH set, run once: for the
    tests that read a build of the unchanged fixture (they change nothing in its folder but
    the cache's own, .reportbuilder/, by building it elsewhere with -o)."""
    project = copy_fixture("mini", tmp_path_factory.mktemp("mini-session") / "mini")
    env = {"SOURCE_DATE_EPOCH": MINI_EPOCH}
    result = CliRunner(env=env).invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return MiniBuild(project, project / "out" / "mini.pdf", result.stdout, result.stderr)


MINI_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z, mini_build's SOURCE_DATE_EPOCH


# --- A loopback HTTP server that counts what reaches it ----------------------------------------


class Hit(NamedTuple):
    """One request the server saw."""

    method: str
    path: str
    host: str  # the Host header, as the client sent it


@dataclass(frozen=True)
class Reply:
    """What the server answers; by default a small SVG that WeasyPrint can draw."""

    body: bytes = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    content_type: str = "image/svg+xml"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


class LoopbackServer(ThreadingHTTPServer):
    """An HTTP server on a loopback address, in a thread of the test process: it answers every
    GET, HEAD and POST with `answer(path)` and records each request as a `Hit`."""

    daemon_threads = True

    def __init__(self, address: str, port: int, answer: Callable[[str], Reply]) -> None:
        super().__init__((address, port), _LoopbackHandler)
        self.answer = answer
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def hits(self, prefix: str = "/") -> list[Hit]:
        """The requests so far whose path starts with `prefix`."""
        with self._lock:
            return [hit for hit in self._hits if hit.path.startswith(prefix)]

    def close(self) -> None:
        if self._thread.is_alive():
            self.shutdown()
            self._thread.join(5)
        self.server_close()


class _LoopbackHandler(BaseHTTPRequestHandler):
    server: LoopbackServer

    def _answer(self) -> None:
        self.server.record(Hit(self.command, self.path, self.headers.get("Host", "")))
        reply = self.server.answer(self.path)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_HEAD = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request is a hit to assert on, not a line on stderr


ServeHttp = Callable[..., LoopbackServer]


@pytest.fixture(scope="session")
def serve_http() -> Iterator[ServeHttp]:
    """Start a `LoopbackServer`: `serve_http(address="127.0.0.1", port=0, answer=None)`, where
    `answer` is a `Reply` (default: `Reply()`) or a function of the request path giving one.
    A server lives until the session ends, or until the test closes it."""
    started: list[LoopbackServer] = []

    def start(
        address: str = "127.0.0.1",
        port: int = 0,
        answer: Reply | Callable[[str], Reply] | None = None,
    ) -> LoopbackServer:
        reply = answer or Reply()
        server = LoopbackServer(address, port, reply if callable(reply) else lambda _: reply)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def built_text(root: Path) -> tuple[int, str]:
    """`reportbuilder build ROOT`: (0, the PDF's text) or (exit code, what it printed)."""
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    if result.exit_code != 0:
        return result.exit_code, result.output
    pdf = next((root / "out").glob("*.pdf"))
    return 0, "\n".join(page_texts(pypdf.PdfReader(pdf)))


def add_catalog(project: Path, lang: str) -> Path:
    """A `locale/<lang>.po` for `project` giving every theme word (in English): a language the
    theme has no words for builds once the project brings its own."""
    from babel.messages.pofile import read_po, write_po

    from reportbuilder.project.theme import THEMES_DIR

    with (THEMES_DIR / "base" / "locale" / "theme.pot").open("rb") as template:
        catalog = read_po(template)
    for message in catalog:
        if message.id:
            message.string = message.id
    catalog.locale = lang  # type: ignore[assignment]
    path = project / "locale" / f"{lang}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog)
    return path
