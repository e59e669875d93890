"""The file policy: which folders a build may read, asked by every reader and by the renderer.

Content, data, contacts and report.yml are read from the project folder; templates and
stylesheets from the project and from its theme's folder; the renderer (images, fonts,
stylesheets) from the same two. A path is judged by where it really is – symbolic links
resolved – so a link from inside to `~/.ssh` is refused. A file with other hard links is
refused too (one of them may be outside the project, and nothing tells which), and so is a
path that cannot be resolved at all (a link loop, an over-long name, a NUL). So is a file the
build cache and `watch` do not look at (`unwatched`): a hidden file or folder, a tool's folder,
the output folder `out/` — a change to it would not be seen, and the last PDF would be kept.
Nothing else decides this.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reportbuilder.errors import Problem, ProjectError, Stage
from reportbuilder.project.textio import read_text

TOOL_FOLDERS = frozenset({"__pycache__", "node_modules"})  # at any depth
OUTPUT_FOLDER = "out"  # at the top of the project only


def unwatched_folder(name: str, *, top: bool) -> bool:
    """Whether the cache and `watch` leave out the folder `name` (`top`: in the project's
    or theme's own folder)."""
    return name.startswith(".") or name in TOOL_FOLDERS or (top and name == OUTPUT_FOLDER)


def unwatched(parts: Sequence[str]) -> str | None:
    """Why a build may not read the file at `parts` (relative to the project or theme
    folder): the build cache would not see it change. None for a watched file."""
    for depth, name in enumerate(parts[:-1]):
        if unwatched_folder(name, top=depth == 0):
            kind = "the output folder" if name == OUTPUT_FOLDER else "the folder"
            return (
                f"lies in {kind} {'/'.join(parts[: depth + 1])}/, which builds do not watch "
                "(a change to it would not be seen); refused (move it, e.g. to assets/)"
            )
    if parts and parts[-1].startswith("."):
        return (
            "is a hidden file, which builds do not watch (a change to it would not be seen); "
            "refused (rename it without the leading dot)"
        )
    return None


@dataclass(frozen=True)
class FilePolicy:
    """The folders one project's build may read: `root` (the project) and `theme`."""

    root: Path
    theme: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", self.root.resolve())
        if self.theme is not None:
            object.__setattr__(self, "theme", self.theme.resolve())

    @property
    def roots(self) -> tuple[Path, ...]:
        """Folders the renderer may read from."""
        return (self.root,) if self.theme is None else (self.root, self.theme)

    def real(self, path: Path) -> Path:
        """Where `path` really is: links resolved, a relative path taken from the project
        folder (never from the working folder). A path that cannot be resolved (see
        `refusal`) comes back as written, made absolute."""
        try:
            return resolved(self.root / path)
        except UnusablePath:
            return Path(os.path.abspath(self.root / path))

    def refusal(self, path: Path) -> str | None:
        """Why `path` may not be read even if it seems to lie in the project, or None: it
        cannot be resolved, or it is a file with other hard links."""
        try:
            real = resolved(self.root / path)
        except UnusablePath as error:
            return error.reason
        for base in self.roots:
            if real.is_relative_to(base):
                if reason := unwatched(real.relative_to(base).parts):
                    return reason
                break
        if real.is_relative_to(self.root):
            try:
                info = real.stat()
            except (OSError, ValueError):
                return None  # missing: the caller says so
            if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
                return (
                    f"has {info.st_nlink - 1} other hard link(s), which may lie outside the "
                    "project; refused (copy the file instead)"
                )
        return None

    def in_project(self, path: Path) -> bool:
        """Whether `path`, links resolved, lies inside the project folder (and may be read)."""
        return self.refusal(path) is None and self.real(path).is_relative_to(self.root)

    def readable(self, path: Path) -> bool:
        """Whether the renderer or a template may read `path` (project or theme)."""
        if self.refusal(path) is not None:
            return False
        real = self.real(path)
        return any(real.is_relative_to(root) for root in self.roots)

    def shown(self, path: Path) -> str:
        """`path` as the user knows it: relative to the project when inside it."""
        real = self.real(path)
        return (
            real.relative_to(self.root).as_posix() if real.is_relative_to(self.root) else str(path)
        )

    def read_project_text(self, rel: str, *, max_bytes: int = 2_000_000) -> str:
        """The text of the project file `rel` (a refusal if it really lies outside)."""
        path = self.root / rel
        if not self.in_project(path):
            raise ProjectError(Problem(rel, None, self._outside(rel), stage=Stage.PROJECT))
        return read_text(path, rel, max_bytes=max_bytes)

    def _outside(self, rel: str) -> str:
        """Why the project file `rel` may not be read: a refusal, a path that leads out, or
        a link that does."""
        path = self.root / rel
        if refusal := self.refusal(path):
            return refusal
        if not Path(os.path.normpath(self.root / rel)).is_relative_to(self.root):
            return "lies outside the project; refused (copy the file into the project)"
        return "is a link to a file outside the project; refused"

    def read_theme_text(self, path: Path, shown: str, *, max_bytes: int = 2_000_000) -> str:
        """The text of a template or stylesheet, from the project or the theme."""
        if not self.readable(path):
            message = self.refusal(path) or "is a link out of the project; refused"
            raise ProjectError(Problem(shown, None, message, stage=Stage.PROJECT))
        return read_text(path, shown, max_bytes=max_bytes)


class UnusablePath(ValueError):
    """A path that cannot be resolved: a link loop, an over-long name, a NUL character."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def resolved(path: Path) -> Path:
    """`path.resolve()`, raising `UnusablePath` (with a reason for the user) instead of the
    assorted errors a hostile name gives (RuntimeError, OSError, ValueError)."""
    try:
        return path.resolve()
    except RuntimeError:
        raise UnusablePath("is a symbolic link loop; refused") from None
    except ValueError:
        raise UnusablePath("contains a NUL character; refused") from None
    except OSError as error:
        raise UnusablePath(f"cannot be used: {(error.strerror or str(error)).lower()}") from None


if os.name == "nt":
    from nturl2path import url2pathname
else:

    def url2pathname(url: str) -> str:
        """The file path a `file:` URL's path names (`urllib.request.url2pathname` on POSIX,
        without importing `urllib.request`, which brings HTTP, SSL and email along: a
        twentieth of `check`)."""
        return unquote(url)


def is_file(path: Path) -> bool:
    """`path.is_file()`, False (not an error) for a name that is too long or holds a NUL."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    """`path.is_dir()`, False (not an error) for a name that is too long or holds a NUL."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def remote_file_message(url: str) -> str | None:
    """What is said of a `file:` URL naming another machine (`//host/x.png` in a chapter
    resolves to `file://host/x.png`): the host kept, where "/x.png: outside the project"
    dropped it; None for a local file."""
    parts = urlsplit(url)
    host = parts.netloc
    if parts.scheme.lower() != "file" or not host or host.lower() == "localhost":
        return None
    shown = f"//{host}{parts.path}"[:120]
    return (
        f"refused {shown}: an address on the machine {host}, not a file of the project "
        "(an image from the web is written https://…, its host in network.allow)"
    )


def missing_message(shown: str, path: Path) -> str:
    """ "missing file assets/map.png", with the file of that folder it most likely means
    ("did you mean assets/Map.png?": a case or a letter off), the same words in `check`
    and `build`."""
    import difflib

    try:
        names = [entry.name for entry in os.scandir(path.parent) if entry.is_file()]
    except OSError:
        names = []
    import unicodedata

    wanted = unicodedata.normalize("NFC", path.name)
    if any(n != path.name and unicodedata.normalize("NFC", n) == wanted for n in names):
        # The same letters, written apart: "e" + U+0301 (NFD, as macOS, zip archives made
        # on a Mac and some sync tools name files) is another name than "é" typed here.
        return (
            f"missing file {shown}: the file there has this name with its accents written "
            "apart (NFD, as macOS and some zip tools name files); rename it, typing the name"
        )
    # Stems compared, among files of the same type: "gone.svg" does not mean "logo.svg".
    suffix = path.suffix.lower()
    stems = {Path(n).stem.lower(): n for n in names if Path(n).suffix.lower() == suffix}
    close = difflib.get_close_matches(path.stem.lower(), list(stems), n=1, cutoff=0.75)
    if not close:
        return f"missing file {shown}"
    folder = shown.rsplit("/", 1)[0] + "/" if "/" in shown else ""
    return f"missing file {shown} (did you mean {folder}{stems[close[0]]}?)"
