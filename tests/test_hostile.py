"""The hostile-input corpus (tests/hostile/cases.yml) run through the real CLI.

Every case is a small overlay on tests/hostile/base/, built with
`python -m reportbuilder build PROJECT -o OUT --timeout 20 [--strict]` in a process of its own,
with a previous good PDF already at OUT. The process is forked from a warm copy of the command
(`warm_cli.py`: the imports are paid once); `test_a_warm_run_is_a_run_of_python_m_reportbuilder`
checks that it answers as `python -m reportbuilder` in a subprocess does. Beside each project
sits an `outside/` folder of canary files that all carry a random token, and a loopback HTTP
server counts every request. For every case:

- no traceback on stderr, and the exit code the case documents (0 neutralised, 1 refused);
- the run ends within its time limit;
- the canary token is nowhere: not in the raw PDF bytes, not in its decompressed streams
  (`qpdf --qdf --object-streams=disable`), not in the text pypdf extracts, not on stdout/stderr;
- no embedded files or attachment annotations, no JavaScript or launch actions, and every link
  is http, https or mailto;
- the test server saw no request for the case;
- on failure the previous PDF is byte-identical; never a `*.tmp` left in the output folder;
  on success the new PDF passes `qpdf --check`;
- no raw control character on stdout or stderr (a name or value quoted into a message is
  escaped: `\\x1b`, `\\n`), and where the case says how many lines stderr has, that many.

The cases run in groups of GROUP_SIZE (consecutive in cases.yml): the first test of a group runs
all of its selected cases, two at a time (one at a time under pytest-xdist, whose workers already
fill the cores), and each test then asserts on the stored result of its case. Each group is an
`xdist_group`, so `make test` spreads the groups over its workers and a group runs on one.

A case that is only a chapter, neutralised or refused at that chapter's lines (`batchable`), is
built in a batch: up to BATCH_SIZE such cases of one exit code and --strict, each as a chapter
of its own, in one project and one build (a batch is a group). Each case then gets the build's
exit code, output and findings, the requests to its own URLs, and the stderr lines located in
its own chapter (plus those located in none): what it asserts is its own, for one run instead
of nine. A refused case must have an error of its own in its chapter, not only the batch's exit
code: a build says every problem of its stage at once (a control character in one chapter
and a template error in the next alike, `pipeline.load_for_build`), but not those of a later
stage (a missing picture is looked for once the chapters are filled in): a refused case whose
chapter has no error in its batch's output is run again alone.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import os
import re
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pypdf
import pytest
import yaml

from conftest import SLOW_LAYOUT_CHAPTER, LoopbackServer, Reply, ServeHttp
from reportbuilder.project.theme import THEMES_DIR
from test_processes import _processes_with
from warm_cli import WarmCli

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "hostile"
BASE = CORPUS / "base"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yml").read_text("utf-8"))
TIMEOUT = 20  # the --timeout every case runs with unless its args say otherwise
SLACK = 5  # seconds a run may take beyond its render timeout
# Builds at once in this process: two, or one per xdist worker (they share the cores).
WORKERS = 1 if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1 else 2
GROUP_SIZE = 12  # cases per xdist group: small enough to balance the workers
ALLOWED_URI_SCHEMES = {"http", "https", "mailto"}
# One random token per session; only the files outside the projects (and the server) carry it.
TOKEN = "RBCANARY" + secrets.token_hex(12)


# --- The loopback server ---------------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    """A 1-bit greyscale PNG of width × height, all black: a few KB for hundreds of megapixels.

    Written with zlib row by row: Pillow would hold the whole image in memory (400 MB for
    20000 × 20000) just to write a file of some tens of kilobytes.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = bytes(1 + (width + 7) // 8)  # filter byte 0, then the packed pixels
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _canary_reply(path: str) -> Reply:
    """Something renderable that carries the token, so a request that got through shows."""
    if path.endswith(".css"):
        return Reply(f'body::after {{ content: "{TOKEN}"; }}'.encode(), "text/css")
    if path.endswith(".svg"):
        return Reply(_canary_svg().encode(), "image/svg+xml")
    return Reply(_png(8, 8), "image/png")


@pytest.fixture(scope="session")
def http_server(serve_http: ServeHttp) -> LoopbackServer:
    return serve_http(answer=_canary_reply)


# --- Canaries outside the project -------------------------------------------------------------


def _canary_svg() -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
        f'<text x="0" y="20" font-size="12">{TOKEN}</text></svg>'
    )


def make_outside(outside: Path) -> None:
    """Files outside the project, each of which would show TOKEN if it reached the PDF."""
    cover = f'<section class="cover"><h1>{TOKEN}</h1></section>\n'
    files = {
        "canary.txt": f"{TOKEN}\n",
        "canary.css": f'body::before {{ content: "{TOKEN}"; }}\n',
        "canary.svg": _canary_svg(),
        "canary.md": f"# {TOKEN}\n\n{TOKEN}\n",
        "canary.yml": f"secret:\n  value: 1\n  label: {TOKEN}\n",
        "contacts.yml": f"contacts:\n  - id: desk\n    name: {TOKEN}\n",
        "report.yml": f"title: {TOKEN}\nlang: en\n",
        "cover.html": cover,
        "templates/cover.html": cover,
        "assets/pump.svg": _canary_svg(),
        "styles/x.css": f'body::before {{ content: "{TOKEN}"; }}\n',
        "content/01-x.md": f"# {TOKEN}\n\n{TOKEN}\n",
    }
    for rel, text in files.items():
        path = outside / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    # A complete theme (the built-in one) whose cover prints the token.
    shutil.copytree(THEMES_DIR / "base" / "templates", outside / "theme" / "templates")
    (outside / "theme" / "templates" / "cover.html").write_text(cover, "utf-8")


# --- Building a case --------------------------------------------------------------------------


def _nested_list(depth: int) -> str:
    return "# Case\n\n" + "\n".join("    " * level + "- item" for level in range(depth)) + "\n"


def _csv_rows(rows: int) -> str:
    lines = ["region,count,note"]
    lines += [f"Region {i},{i},row number {i} of the table" for i in range(rows)]
    return "\n".join(lines) + "\n"


def materialise(spec: str | dict[str, Any], subst: Callable[[str], str]) -> bytes:
    """The bytes of one overlay file (see the key list at the top of cases.yml)."""
    if isinstance(spec, str):
        return subst(spec).encode("utf-8")
    kind = spec.get("generate")
    if kind == "png":
        return _png(spec["width"], spec["height"])
    if kind == "nested_list":
        return _nested_list(spec["depth"]).encode("utf-8")
    if kind == "csv_rows":
        return _csv_rows(spec["rows"]).encode("utf-8")
    if kind is not None:
        raise ValueError(f"unknown generator {kind!r}")
    encoding = spec.get("encoding", "utf-8")
    if "repeat" in spec:
        text = spec.get("prefix", "") + spec["repeat"] * spec["times"] + spec.get("suffix", "")
        return subst(text).encode(encoding)
    return subst(spec["text"]).encode(encoding)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def lay_out(case: dict[str, Any], project: Path, subst: Callable[[str], str]) -> None:
    """Apply the case's files, appends and symlinks to the copy of the base project."""
    for rel, spec in (case.get("files") or {}).items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove(path)
        path.write_bytes(materialise(spec, subst))
    for rel, text in (case.get("append") or {}).items():
        with (project / rel).open("a", encoding="utf-8") as handle:
            handle.write(subst(text))
    for rel, target in (case.get("links") or {}).items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove(path)
        path.symlink_to(subst(target))
    for rel, target in (case.get("hardlinks") or {}).items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove(path)
        path.hardlink_to(subst(target))


def time_limit(case: dict[str, Any]) -> float:
    args = [str(a) for a in case.get("args") or []]
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else TIMEOUT
    return float(case.get("seconds", timeout + SLACK))


def command(case: dict[str, Any], project: Path, out: Path) -> list[str]:
    """The command's arguments (after `python -m reportbuilder`)."""
    cmd = ["build", str(project), "-o", str(out), "--timeout", str(TIMEOUT)]
    if case.get("strict"):
        cmd.append("--strict")
    # Later options win in Click, so a case's own --timeout replaces the default.
    return cmd + [str(a) for a in case.get("args") or []]


# --- Running and inspecting -------------------------------------------------------------------


@dataclass
class Run:
    case: dict[str, Any]
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    killed: bool = False
    previous: bytes = b""
    output: bytes | None = None
    leftovers: list[str] = field(default_factory=list)
    qdf: bytes = b""
    qdf_status: int | None = None
    check_status: int | None = None
    check_output: str = ""
    text: str = ""
    attachments: list[str] = field(default_factory=list)
    annotations: list[str] = field(default_factory=list)
    uris: list[str] = field(default_factory=list)
    pdf_error: str = ""
    hits: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)  # paths the case says must stay absent
    error: str = ""  # the harness itself failed
    limit: float | None = None  # the run's wall-clock limit, if not the case's own (a batch)


Runner = Callable[[list[str], Path, dict[str, str], float], tuple[int | None, str, str, bool]]


def run_subprocess(
    args: list[str], cwd: Path, env: dict[str, str], limit: float
) -> tuple[int | None, str, str, bool]:
    """`python -m reportbuilder ARGS` in its own process group, killed (with its render child)
    if it outlives `limit`: (exit code, stdout, stderr, killed)."""
    cmd = [sys.executable, "-m", "reportbuilder", *args]
    with subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    ) as proc:  # fmt: skip
        try:
            out, err = proc.communicate(timeout=limit)
            killed = False
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            killed = True
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), killed


_INSPECTED: dict[str, dict[str, Any]] = {}  # by SHA-256: most failed cases leave the same PDF
_INSPECTED_LOCK = threading.Lock()
_FINDINGS = ("qdf", "qdf_status", "check_status", "check_output", "text", "attachments")
_FINDINGS += ("annotations", "uris", "pdf_error")


def inspect_pdf(run: Run, pdf: Path, scratch: Path) -> None:
    """Decompress with qpdf, check it, and read text, attachments and links with pypdf."""
    digest = hashlib.sha256(run.output or b"").hexdigest()
    with _INSPECTED_LOCK:
        known = _INSPECTED.get(digest)
    if known is not None:
        for name, value in known.items():
            setattr(run, name, copy.deepcopy(value))
        return
    _inspect(run, pdf, scratch)
    with _INSPECTED_LOCK:
        _INSPECTED[digest] = {name: copy.deepcopy(getattr(run, name)) for name in _FINDINGS}


def _inspect(run: Run, pdf: Path, scratch: Path) -> None:
    qdf = scratch / "decompressed.pdf"
    done = subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(qdf)],
        capture_output=True,
        timeout=60,
    )
    run.qdf_status = done.returncode
    run.qdf = qdf.read_bytes() if qdf.exists() else b""
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, timeout=60)
    run.check_status = check.returncode
    run.check_output = (check.stdout + check.stderr).decode("utf-8", "replace")[-2000:]
    try:
        reader = pypdf.PdfReader(io.BytesIO(run.output or b""))
        run.text = "\n".join(page.extract_text() or "" for page in reader.pages)
        run.attachments = list(reader.attachments)
        for page in reader.pages:
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                run.annotations.append(str(annot.get("/Subtype")))
                action = annot.get("/A")
                if action is not None and "/URI" in action.get_object():
                    run.uris.append(str(action.get_object()["/URI"]))
    except Exception as error:  # recorded and asserted on, so a broken PDF fails the case
        run.pdf_error = f"{type(error).__name__}: {error}"


def _case_folder(case_dir: Path, previous: bytes) -> tuple[Path, Path, Path]:
    """A fresh copy of the base project, the folder outside it that attacks aim at, and the
    output, which holds the previous good PDF: (project, outside, out)."""
    project, outside, out_dir = case_dir / "project", case_dir / "outside", case_dir / "out"
    shutil.copytree(BASE, project)
    make_outside(outside)
    out_dir.mkdir()
    out = out_dir / "report.pdf"
    out.write_bytes(previous)
    return project, outside, out


def run_case(
    case: dict[str, Any],
    root: Path,
    server: LoopbackServer,
    previous: bytes,
    env: dict[str, str],
    runner: Runner,
) -> Run:
    run = Run(case=case, previous=previous)
    try:
        case_dir = root / case["id"]
        project, outside, out = _case_folder(case_dir, previous)
        http = f"http://127.0.0.1:{server.port}/{case['id']}"
        values = {
            "@OUTURL@": outside.as_uri(),
            "@OUT@": str(outside),
            "@HTTP@": http,
            "@PORT@": str(server.port),
            "@CASE@": case["id"],
        }

        def subst(text: str) -> str:
            for key, value in values.items():
                text = text.replace(key, value)
            return text

        lay_out(case, project, subst)
        limit = time_limit(case)
        started = time.monotonic()
        case_env = {**env, **{k: subst(str(v)) for k, v in (case.get("env") or {}).items()}}
        run.returncode, run.stdout, run.stderr, run.killed = runner(
            command(case, project, out), case_dir, case_env, limit + 30
        )
        run.seconds = time.monotonic() - started
        run.hits = [hit.path for hit in server.hits(f"/{case['id']}/")]
        run.leftovers = sorted(p.name for p in out.parent.iterdir() if p.name.endswith(".tmp"))
        run.present = [p for p in map(subst, case.get("absent") or []) if os.path.lexists(p)]
        if out.exists():
            run.output = out.read_bytes()
            inspect_pdf(run, out, case_dir)
    except Exception as error:
        run.error = f"{type(error).__name__}: {error}"
    return run


@pytest.fixture(scope="session")
def previous_pdf(
    tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str], warm_cli: WarmCli
) -> bytes:
    """The base project's PDF (built with --strict, so the base is clean), marked so that any
    rewrite of the output, even with identical content, is seen. Built by the warm command,
    as the cases are (a fresh interpreter cost 2-3 CPU s more on each worker)."""
    root = tmp_path_factory.mktemp("hostile-base")
    project = root / "project"
    shutil.copytree(BASE, project)
    out = root / "base.pdf"
    cmd = ["build", str(project), "-o", str(out), "--strict"]
    code, _, stderr, killed = warm_cli.run(cmd, root, cli_env, 120)
    assert code == 0 and not killed, stderr
    return out.read_bytes() + b"\n% previous good build, kept by failed builds\n"


# --- Batches: cases built side by side, one chapter each -------------------------------------

CHAPTER = "content/02-case.md"  # the chapter a case writes
BATCH_SIZE = 9  # cases a batch builds at once
_BATCH_KEYS = {"id", "why", "exit", "strict", "stderr", "text", "files"}


def batchable(case: dict[str, Any]) -> bool:
    """A case whose only file is its chapter, with no setting, link, environment, time limit or
    line count of its own: its problems are located there, so it can be built as one chapter
    of a project that holds the other such cases of its exit code and --strict."""
    files = case.get("files") or {}
    return set(case) <= _BATCH_KEYS and list(files) == [CHAPTER] and isinstance(files[CHAPTER], str)


def _batches() -> dict[str, list[str]]:
    """Batch name → the ids of its cases, in cases.yml's order."""
    kinds: dict[tuple[int, bool], list[str]] = {}
    for case in CASES:
        if batchable(case):
            kinds.setdefault((case["exit"], bool(case.get("strict"))), []).append(case["id"])
    batches: dict[str, list[str]] = {}
    for (code, strict), ids in kinds.items():
        for start in range(0, len(ids), BATCH_SIZE):
            name = f"hostile-exit{code}{'-strict' if strict else ''}-{start // BATCH_SIZE}"
            batches[name] = ids[start : start + BATCH_SIZE]
    return batches


BATCHES = _batches()
BATCH_OF = {case_id: name for name, ids in BATCHES.items() for case_id in ids}
ALONE = [case for case in CASES if case["id"] not in BATCH_OF]
BATCH_TIMEOUT = 60  # --timeout of a batch's build: nine chapters on a loaded machine


def _group(case: dict[str, Any]) -> str:
    """A batch is an xdist group; the other cases go GROUP_SIZE at a time."""
    if case["id"] in BATCH_OF:
        return BATCH_OF[case["id"]]
    return f"hostile-{ALONE.index(case) // GROUP_SIZE}"


def run_batch(
    cases: list[dict[str, Any]],
    root: Path,
    server: LoopbackServer,
    previous: bytes,
    env: dict[str, str],
    runner: Runner,
) -> list[Run]:
    """Build `cases` (one batch) as one project, each case's chapter as
    `content/02-case-ID.md`, and give each case a `Run` of its own: the build's exit code,
    output and findings, the requests to its own URLs, and of stderr the lines located in its
    chapter (named back `content/02-case.md`) and the lines located in no case's chapter."""
    name = BATCH_OF[cases[0]["id"]]
    runs = [Run(case=case, previous=previous) for case in cases]
    try:
        case_dir = root / name
        project, outside, out = _case_folder(case_dir, previous)
        for case in cases:
            http = f"http://127.0.0.1:{server.port}/{case['id']}"
            values = {"@OUTURL@": outside.as_uri(), "@OUT@": str(outside), "@HTTP@": http}
            values |= {"@PORT@": str(server.port), "@CASE@": case["id"]}
            text = case["files"][CHAPTER]
            for key, value in values.items():
                text = text.replace(key, value)
            (project / _chapter_of(case)).write_text(text, "utf-8")
        args = [*command(cases[0], project, out), "--timeout", str(BATCH_TIMEOUT)]
        limit = BATCH_TIMEOUT + SLACK
        started = time.monotonic()
        returncode, stdout, stderr, killed = runner(args, case_dir, env, limit + 30)
        seconds = time.monotonic() - started
        leftovers = sorted(p.name for p in out.parent.iterdir() if p.name.endswith(".tmp"))
        chapters = {_chapter_of(case): case["id"] for case in cases}
        common = [line for line in stderr.splitlines() if not any(c in line for c in chapters)]
        for run in runs:
            own = _chapter_of(run.case)
            lines = [line.replace(own, CHAPTER) for line in stderr.splitlines() if own in line]
            run.returncode, run.stdout, run.killed, run.seconds = (
                returncode,
                stdout,
                killed,
                seconds,
            )
            run.stderr = "".join(f"{line}\n" for line in lines + common)
            run.limit, run.leftovers = limit, leftovers
            run.hits = [hit.path for hit in server.hits(f"/{run.case['id']}/")]
        if out.exists():
            runs[0].output = out.read_bytes()
            inspect_pdf(runs[0], out, case_dir)
            for run in runs[1:]:
                run.output = runs[0].output
                for finding in _FINDINGS:
                    setattr(run, finding, copy.deepcopy(getattr(runs[0], finding)))
    except Exception as error:
        for run in runs:
            run.error = f"{type(error).__name__}: {error}"
        return runs
    # Refused at a later stage than another chapter of the batch: run alone (see the top).
    return [
        run_case(run.case, case_dir, server, previous, env, runner) if _hidden(run) else run
        for run in runs
    ]


def _hidden(run: Run) -> bool:
    """A refused case of a refused batch whose chapter the build's output does not name."""
    return (
        run.case["exit"] == 1
        and run.returncode == 1
        and not any(line.startswith(CHAPTER) for line in run.stderr.splitlines())
    )


def _chapter_of(case: dict[str, Any]) -> str:
    return CHAPTER.replace(".md", f"-{case['id']}.md")


@dataclass
class HostileRuns:
    """The runs of this process, by case id, made a group at a time when a test first needs one."""

    selected: set[str]
    root: Path
    server: LoopbackServer
    previous: bytes
    env: dict[str, str]
    runner: Runner
    runs: dict[str, Run] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, case: dict[str, Any]) -> Run:
        """The run of `case`, running its whole group first if it has not run here."""
        with self.lock:
            if case["id"] not in self.runs:
                group = _group(case)
                todo = [c for c in CASES if _group(c) == group and c["id"] in self.selected]
                todo = [c for c in todo if c["id"] not in self.runs] or [case]
                if group in BATCHES:
                    done = run_batch(
                        todo, self.root, self.server, self.previous, self.env, self.runner
                    )
                    self.runs.update((run.case["id"], run) for run in done)
                    return self.runs[case["id"]]
                with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                    done = pool.map(
                        lambda c: run_case(
                            c, self.root, self.server, self.previous, self.env, self.runner
                        ),
                        todo,
                    )
                    self.runs.update((run.case["id"], run) for run in done)
            return self.runs[case["id"]]


@pytest.fixture(scope="session")
def hostile_runs(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    http_server: LoopbackServer,
    previous_pdf: bytes,
    cli_env: dict[str, str],
    warm_cli: WarmCli,
) -> HostileRuns:
    """Runs the selected cases a group at a time, as the tests ask for them."""
    selected = {
        item.callspec.params["case"]["id"]
        for item in request.session.items
        if Path(item.path) == Path(__file__)
        and getattr(item, "callspec", None) is not None
        and "case" in item.callspec.params
    } or {case["id"] for case in CASES}
    root = tmp_path_factory.mktemp("hostile")
    return HostileRuns(selected, root, http_server, previous_pdf, cli_env, warm_cli.run)


# --- The checks -------------------------------------------------------------------------------


def _leaks(run: Run) -> list[str]:
    """Where the canary token shows up (it must not, anywhere)."""
    token = TOKEN.encode()
    forms = {
        "raw": token,
        "utf-16": TOKEN.encode("utf-16-be"),
        "hex": token.hex().encode(),
        "hex utf-16": TOKEN.encode("utf-16-be").hex().encode(),
    }
    found = []
    for where, data in (("PDF bytes", run.output or b""), ("decompressed PDF", run.qdf)):
        lowered = data.lower()
        found += [f"{where} ({name})" for name, form in forms.items() if form.lower() in lowered]
    if TOKEN in run.text:
        found.append("extracted text")
    if TOKEN in run.stdout or TOKEN in run.stderr:
        found.append("console output")
    return found


_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def problems_of(run: Run) -> list[str]:
    case = run.case
    expected = case["exit"]
    problems: list[str] = []
    if run.error:
        return [f"harness error: {run.error}"]
    if "Traceback" in run.stderr or "Traceback" in run.stdout:
        problems.append("a traceback was printed")
    python = re.search(r"TypeError|ValueError|KeyError|unexpected keyword", run.stderr)
    if python:
        problems.append(f"a message speaks Python ({python[0]})")
    limit = run.limit or time_limit(case)
    if run.killed:
        problems.append(f"still running after {limit + 30:.0f} s; killed")
    if run.returncode != expected:
        problems.append(f"exit code {run.returncode}, expected {expected}")
    if run.seconds > limit:
        problems.append(f"took {run.seconds:.1f} s, limit {limit:.0f} s")
    leaks = _leaks(run)
    if leaks:
        problems.append("canary content found in: " + ", ".join(leaks))
    if run.hits:
        problems.append(f"the test server was hit: {run.hits}")
    if run.present:
        problems.append(f"created, so something ran: {run.present}")
    if run.leftovers:
        problems.append(f"temporary files left in the output folder: {run.leftovers}")
    if run.output is None:
        problems.append("the output file is gone")
    if run.pdf_error:
        problems.append(f"pypdf cannot read the output: {run.pdf_error}")
    if run.attachments:
        problems.append(f"embedded files: {run.attachments}")
    if "/FileAttachment" in run.annotations:
        problems.append("a FileAttachment annotation")
    for marker in (b"/EmbeddedFiles", b"/FileAttachment", b"/JavaScript", b"/Launch"):
        if marker in run.qdf:
            problems.append(f"{marker.decode()} in the decompressed PDF")
    bad_uris = [u for u in run.uris if urlsplit(u).scheme.lower() not in ALLOWED_URI_SCHEMES]
    if bad_uris:
        problems.append(f"links with other schemes: {bad_uris}")
    if run.returncode != 0 and run.output != run.previous:
        problems.append("the build failed but the previous PDF was changed")
    if run.returncode == 0:
        if run.output == run.previous:
            problems.append("the build succeeded but did not write a new PDF")
        if run.check_status != 0:
            problems.append(f"qpdf --check: exit {run.check_status}: {run.check_output}")
        missing = [t for t in case.get("text") or [] if t not in run.text]
        if missing:
            problems.append(f"text missing from the PDF: {missing}")
    elif run.qdf_status not in (0, 3):
        problems.append(f"qpdf could not decompress the output (exit {run.qdf_status})")
    raw = sorted({hex(ord(c)) for c in run.stdout + run.stderr if _RAW_CONTROL.match(c)})
    if raw:
        problems.append(f"raw control characters on the terminal: {raw}")
    if "lines" in case and len(run.stderr.splitlines()) != case["lines"]:
        count = len(run.stderr.splitlines())
        problems.append(f"stderr has {count} lines, expected {case['lines']}")
    lowered = run.stderr.lower()
    missing = [s for s in case.get("stderr") or [] if s.lower() not in lowered]
    if missing:
        problems.append(f"stderr lacks {missing}")
    if (
        run.limit is not None
        and expected == 1
        and not any(line.startswith(CHAPTER) for line in run.stderr.splitlines())
    ):
        # In a batch the build fails if any case does: this one must have an error of its own.
        problems.append(f"no error located in {CHAPTER} (the batch failed for other cases)")
    return problems


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['id']}-exit{case['exit']}"


def test_corpus_is_large_and_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids), "duplicate case ids"
    known = {"id", "why", "exit", "strict", "args", "files", "append", "links", "stderr"}
    known |= {"text", "absent", "seconds", "env", "hardlinks", "lines"}
    for case in CASES:
        assert case["exit"] in (0, 1), case["id"]
        assert case.get("why"), f"{case['id']}: say why the exit code is right"
        assert set(case) <= known, f"{case['id']}: unknown keys {set(case) - known}"


def test_generated_bombs_are_small_files_of_many_pixels(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "bomb.png"
    path.write_bytes(_png(20000, 20000))
    assert path.stat().st_size < 200_000
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only the header is read
    try:
        with Image.open(path) as image:
            assert image.size == (20000, 20000)
    finally:
        Image.MAX_IMAGE_PIXELS = limit


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xdist_group(_group(c)), id=_case_id(c)) for c in CASES],
)
def test_hostile_case(
    case: dict[str, Any], hostile_runs: HostileRuns, http_server: LoopbackServer
) -> None:
    run = hostile_runs.of(case)
    problems = problems_of(run)
    assert not problems, (
        f"{case['id']}: {case['why']}\n  - "
        + "\n  - ".join(problems)
        + f"\nexit {run.returncode} in {run.seconds:.1f} s\nstderr:\n{run.stderr[-3000:]}"
    )
    # Not only this case's own path: no case run so far in this process reached the server.
    assert http_server.hits() == []


@pytest.mark.slow
@pytest.mark.xdist_group(_group(CASES[-1]))  # after the last group, in the same process
def test_no_request_ever_reached_the_server(
    hostile_runs: HostileRuns, http_server: LoopbackServer
) -> None:
    hostile_runs.of(CASES[-1])
    assert hostile_runs.runs
    assert http_server.hits() == []


def _masked(text: str) -> str:
    """Output with the build's duration and the case's folder masked (they differ per run)."""
    return re.sub(r"in \d+(\.\d+)? s\b", "in N s", text)


@pytest.mark.slow
@pytest.mark.parametrize(
    "case_id",
    # Refused at a located line, in a template, for the environment; neutralised and built.
    ["md-image-dotdot", "ssti-data-object-method", "env-source-date-escape", "link-relative-path"],
)
def test_a_warm_run_is_a_run_of_python_m_reportbuilder(
    case_id: str,
    tmp_path: Path,
    http_server: LoopbackServer,
    previous_pdf: bytes,
    cli_env: dict[str, str],
    warm_cli: WarmCli,
) -> None:
    [case] = [c for c in CASES if c["id"] == case_id]
    runs = {
        way: run_case(case, tmp_path / way, http_server, previous_pdf, cli_env, runner)
        for way, runner in (("cold", run_subprocess), ("warm", warm_cli.run))
    }
    cold, warm = runs["cold"], runs["warm"]
    assert not cold.error and not warm.error, (cold.error, warm.error)
    assert warm.returncode == cold.returncode == case["exit"]
    assert not cold.killed and not warm.killed
    for run in (cold, warm):  # the case folder is named the same, under another parent
        run.stdout = _masked(run.stdout.replace(str(tmp_path / "cold"), "ROOT"))
        run.stdout = run.stdout.replace(str(tmp_path / "warm"), "ROOT")
        run.stderr = _masked(run.stderr.replace(str(tmp_path / "cold"), "ROOT"))
        run.stderr = run.stderr.replace(str(tmp_path / "warm"), "ROOT")
    assert (warm.stdout, warm.stderr) == (cold.stdout, cold.stderr)
    assert (warm.output == warm.previous) == (cold.output == cold.previous)
    assert problems_of(warm) == problems_of(cold) == []


@pytest.mark.slow
def test_a_warm_run_past_its_limit_is_killed_with_its_render_process(
    tmp_path: Path, cli_env: dict[str, str], warm_cli: WarmCli
) -> None:
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    (project / "content" / "09-long.md").write_text(SLOW_LAYOUT_CHAPTER, "utf-8")
    token = f"RB_TEST_{secrets.token_hex(8)}"
    args = ["build", str(project), "-o", str(tmp_path / "x.pdf"), "--timeout", "600"]
    # SIGKILL to the whole group leaves the render process no chance to remove its scratch
    # folder: it is made here, not in the machine's /tmp.
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    env = {**cli_env, token: "1", "TMPDIR": str(scratch)}
    started = time.monotonic()
    returncode, _, stderr, killed = warm_cli.run(args, tmp_path, env, 4)
    assert killed and returncode == -signal.SIGKILL, stderr
    assert time.monotonic() - started < 4 + 30  # generous: the machine may be loaded
    assert _processes_with(token) == []  # the render process went with it
    assert not (tmp_path / "x.pdf").exists()
