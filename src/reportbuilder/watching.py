"""`watch`: build a project, then build it again whenever one of its sources changes, on one
warm render process; optionally serve a preview page on 127.0.0.1 that reloads itself when a
build finishes and shows the problems of a build that failed.

A broken edit prints its problems and leaves the last good PDF in place (the build writes
atomically); Ctrl-C (or SIGTERM) ends the watch, the render process with it.
"""

from __future__ import annotations

import html
import json
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from reportbuilder.edition import Edition
from reportbuilder.errors import Problem, ReportError, Stage
from reportbuilder.project.files import unwatched, unwatched_folder

DEBOUNCE_MS = 300  # changes closer together than this make one rebuild


@dataclass
class Status:
    """What the preview page shows: the last build's outcome; `build` counts finished builds."""

    title: str = ""
    build: int = 0
    ok: bool = False
    problems: list[str] = field(default_factory=list)
    pdf: Path | None = None
    page_loads: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "title": self.title,
                "build": self.build,
                "ok": self.ok,
                "problems": list(self.problems),
                "page_loads": self.page_loads,
            }


# What a file beside report.yml may be for a build: settings, data, text, styles, templates,
# pictures, fonts, references. A log, a note or a PDF there is no input, whatever it says.
TOP_LEVEL_INPUTS = frozenset(
    {
        *(".yml", ".yaml", ".json", ".toml", ".csv", ".xlsx", ".md", ".bib", ".csl", ".po"),
        *(".css", ".html", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif"),
        *(".tiff", ".ttf", ".otf", ".woff", ".woff2"),
    }
)


def project_folders(root: Path) -> list[Path]:
    """`root` and every folder under it a build may read, not through a link (a link out of
    the project is refused by builds; watched, it could be the whole file system)."""
    found = [root]
    for current, dirs, _ in os.walk(root):  # followlinks is False: a linked folder is left
        top = current == str(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not unwatched_folder(d, top=top) and not os.path.islink(os.path.join(current, d))
        )
        found.extend(Path(current) / d for d in dirs)
    return found


def is_source(path: str, root: Path, output: Path | None) -> bool:
    """Whether a changed file is one a build reads: not the output, not `out/`, not a hidden
    file or a tool's folder, not an editor's temporary file, not a file beside report.yml
    that no build reads (a log the watch's own output is written to)."""
    changed = Path(path)
    if output is not None and changed == output:
        return False
    try:
        parts = changed.relative_to(root).parts
    except ValueError:
        return True  # a theme folder outside the project
    if not parts or unwatched(parts) is not None:
        return False
    name = parts[-1]
    if len(parts) == 1 and Path(name).suffix.lower() not in TOP_LEVEL_INPUTS:
        return False  # `watch > build.log` in the project: each line written was a change
    return not (name.endswith(("~", ".swp", ".tmp")) or name.startswith("#"))


def watch(
    project: Path,
    edition: Edition,
    *,
    output: Path | None = None,
    report: Callable[[Any, list[Problem]], None],
    status: Status | None = None,
    stop: threading.Event | None = None,
    max_memory_mb: int | None = None,
) -> None:
    """Build `project`, then rebuild on every change until `stop` is set (or Ctrl-C).

    `report(result, problems)` is called after each build: the `BuildResult` (None when the
    build failed) and the problems met (warnings, or the errors that stopped it).
    """
    import watchfiles

    from reportbuilder.pipeline import build
    from reportbuilder.project.load import load_project
    from reportbuilder.project.theme import find_theme
    from reportbuilder.render.renderer import PdfRenderer

    root = project.resolve()
    status = status or Status()
    target = output.resolve() if output is not None else None
    renderer_args = () if max_memory_mb is None else (max_memory_mb,)
    with PdfRenderer(*renderer_args) as renderer:

        def once() -> None:
            result, problems = None, []
            try:
                loaded = load_project(root)
                result = build(loaded, edition, output=output, renderer=renderer)
                problems = list(result.problems)
            except ReportError as error:
                problems = list(error.problems)
                loaded = None
            with status.lock:
                status.build += 1
                status.ok = result is not None
                status.problems = [str(p) for p in problems]
                if loaded is not None:
                    status.title = loaded.config.title
                if result is not None:
                    status.pdf = Path(result.outputs[0].path)
            report(result, problems)

        folders = [root]
        try:
            config_theme = load_project(root).config.theme
            theme = find_theme(config_theme, root)
            if theme is not None and not theme.is_relative_to(root):
                folders.append(theme)  # a built-in theme being edited in a checkout
        except ReportError:
            pass

        def wanted(change: Any, path: str) -> bool:
            return is_source(path, root, target or status.pdf)

        # Watching starts before the first build, so that an edit made while it runs is seen.
        ended = stop or threading.Event()
        changes: queue.Queue[object] = queue.Queue()

        def observe() -> None:
            try:
                while not ended.is_set():
                    # Folder by folder, not recursively: the watcher would follow a link out
                    # of the project (`assets/root -> /`: the whole file system, and a
                    # traceback at the first folder it may not read). A new folder is a
                    # change too, and the folders are listed again.
                    watched = [f for folder in folders for f in project_folders(folder)]
                    for found in watchfiles.watch(
                        *watched,
                        watch_filter=wanted,
                        debounce=DEBOUNCE_MS,
                        stop_event=ended,
                        recursive=False,
                        ignore_permission_denied=True,
                    ):
                        changes.put(found)
                        if any(Path(path).is_dir() for _, path in found):
                            break
                    else:
                        break
            except Exception as error:
                changes.put(error)
            changes.put(None)

        observer = threading.Thread(target=observe, daemon=True)
        observer.start()
        try:
            once()
            while not ended.is_set():
                try:
                    found = changes.get(timeout=0.5)
                except queue.Empty:
                    continue
                if found is None:
                    break
                if isinstance(found, Exception):
                    raise ReportError(
                        [Problem(None, None, f"watching stopped: {found}", stage=Stage.OUTPUT)]
                    )
                while not changes.empty():  # several batches queued during a build: one more
                    if changes.get_nowait() is None:
                        ended.set()
                once()
        finally:
            ended.set()
            observer.join(timeout=5)


# --- The preview page ---------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ margin: 0; font: 14px system-ui, sans-serif; display: flex; flex-direction: column;
         height: 100vh; }}
  header {{ padding: 8px 14px; background: #0b3c5d; color: #fff; display: flex; gap: 14px; }}
  header b {{ flex: 1; }}
  #problems {{ margin: 0; padding: 8px 14px 8px 32px; background: #fdecea; color: #611a15;
              font-family: ui-monospace, monospace; }}
  #problems:empty {{ display: none; }}
  iframe {{ flex: 1; border: 0; width: 100%; }}
</style>
</head>
<body data-build="{build}">
<header><b id="title">{title}</b><span id="state">{state}</span></header>
<ul id="problems">{problems}</ul>
<iframe src="/report.pdf?build={build}" title="{title}"></iframe>
<script>
  const shown = {build};
  async function poll() {{
    try {{
      const status = await (await fetch("/status", {{cache: "no-store"}})).json();
      if (status.build !== shown) {{ location.reload(); return; }}
    }} catch (error) {{}}
    setTimeout(poll, 700);
  }}
  setTimeout(poll, 700);
</script>
</body>
</html>
"""


def page(status: Status) -> str:
    """The preview page for the current status."""
    state = status.as_json()
    items = "".join(f"<li>{html.escape(p)}</li>" for p in state["problems"])
    label = "built" if state["ok"] else "build failed: the last good PDF is shown"
    return _PAGE.format(
        title=html.escape(state["title"] or "reportbuilder"),
        build=int(state["build"]),
        state=html.escape(f"build {state['build']}: {label}"),
        problems=items,
    )


_LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


def is_local_host(host: str | None, port: int) -> bool:
    """Whether a request's `Host` header names this machine's preview server: 127.0.0.1,
    localhost or [::1] with its port (the port may be left out only when it is 80)."""
    if not host:
        return False
    host = host.strip().lower()
    return any(host in (f"{name}:{port}", name if port == 80 else "") for name in _LOCAL_NAMES)


def serve(status: Status, port: int) -> ThreadingHTTPServer:
    """Serve the preview on 127.0.0.1:`port` (0: any free port) in a background thread: `/`
    the page, `/status` its state as JSON, `/report.pdf` the last good PDF. Nothing else."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if not is_local_host(self.headers.get("Host"), own_port):
                # DNS rebinding: a page of evil.example resolving to 127.0.0.1 would read
                # the unpublished draft from the writer's browser; its Host names it.
                self._send(421, "text/plain; charset=utf-8", b"not a local address")
            elif path == "/":
                with status.lock:
                    status.page_loads += 1
                self._send(200, "text/html; charset=utf-8", page(status).encode("utf-8"))
            elif path == "/status":
                self._send(200, "application/json", json.dumps(status.as_json()).encode("utf-8"))
            elif path == "/report.pdf" and status.pdf is not None and status.pdf.is_file():
                self._send(200, "application/pdf", status.pdf.read_bytes())
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found")

        def _send(self, code: int, kind: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal shows builds, not requests

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    own_port = int(server.server_address[1])
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


__all__ = ["Status", "is_local_host", "is_source", "page", "project_folders", "serve", "watch"]
