"""A content-addressed cache of built outputs: the same inputs give back the same bytes without
composing or laying anything out.

The key hashes everything a build depends on: every file of the project (but its `out/`,
hidden files and the cache itself), the theme's files, report.yml's settings as loaded (a
variant and `--set` included), the edition, the output's path and format, `SOURCE_DATE_EPOCH`,
and the versions of reportbuilder, WeasyPrint and Python. A change to any of them is a new
key, so a stale output is never returned. Entries live in the project's
`.reportbuilder/cache/`, the least recently used removed past a size cap.

Charts are cached apart (`ChartCache`, in `charts/` there): a drawn chart's SVG keyed by
what it is drawn from (its kind, categories, values and their text, title, description,
colours, font, width, language) and the drawing code itself, so that a build after an edit
elsewhere takes every chart unchanged from there instead of drawing it again.

The folder travels with the project, which may come from anyone, and its keys are hashes
anyone can compute: what it holds is used without laying it out again (a whole PDF, a
part's PDF, a block, a chart's SVG). So every entry is signed with this user's key
(`signed`): an entry's record holds an HMAC of its name and its record, the record holds
its data's hash; a chart is a `signed.SignedFolder` file. An entry whose signature does not
match (another user's, shipped with a project, edited) is a miss and is built again; with
no key (no user cache folder) nothing is kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import hmac
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from reportbuilder.deliver.files import write_atomic
from reportbuilder.project.files import unwatched_folder
from reportbuilder.signed import SignedFolder, secret, signed_folder

CACHE_DIR = Path(".reportbuilder") / "cache"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
CHARTS_DIR = "charts"
MEMO_DIR = "compose"  # compiled chapter templates and converted Markdown (`compose.memo`)
FONTS_DIR = "fonts"  # font programs read when parts are assembled (`render.fontmerge`)
INPUTS_DIR = "inputs"  # what a build's inputs loaded (`Cache.remember`)
MAX_INPUTS = 4096  # files kept in inputs/ (a few KiB each), the least recently used go first
MAX_CHARTS = 4096  # files kept in charts/ (a few KiB each), the least recently used go first
LARGE_FILE = 64 * 1024 * 1024  # hashed by size and time, not read


def versions() -> dict[str, str]:
    """What produced a cached output, beyond its inputs."""
    found = {"python": sys.version.split()[0]}
    for name in ("reportbuilder", "weasyprint", "pydyf", "tinycss2", "markdown", "jinja2"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "?"
    found["code"] = _code_stamp()
    return found


@functools.cache
def _code_stamp() -> str:
    """Our own files' stamp (`code_stamp` of this package), once a process."""
    return code_stamp(Path(__file__).parent)


def code_stamp(package: Path) -> str:
    """The name, size and time of each code, style, template and message file under
    `package`: code changed under one version number (an editable install, a patched copy) is
    a new build, not an old PDF "up to date"."""
    stamps = []
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".css", ".html", ".json", ".po", ".yml"):
            info = path.stat()
            stamps.append(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}")
    return sha256("\n".join(stamps).encode("utf-8"))[:16]


def _files(folder: Path) -> list[Path]:
    """Every file under `folder` a build may read (`project.files.unwatched` refuses the
    others), in a stable order."""
    found = []
    for current, dirs, names in os.walk(folder):
        top = current == str(folder)
        dirs[:] = sorted(d for d in dirs if not unwatched_folder(d, top=top))
        for name in sorted(names):
            if not name.startswith("."):
                found.append(Path(current) / name)
    return found


@dataclass(frozen=True)
class Entry:
    """One cached output: where it was written, its bytes' hash and the build's report."""

    target: str
    format: str
    sha256: str
    pages: int | None
    problems: list[dict[str, Any]]


def linked_cache(root: Path) -> str | None:
    """The cache folder of the project at `root`, or one of its folders, when it is a link
    (`.reportbuilder`, `.reportbuilder/cache/charts` …), as the project shows it; None when
    none is. A cloned repository can carry such a link: the build would write, and `cache
    clear` delete, wherever it points. A linked cache is not used."""
    places = [Path(".reportbuilder"), CACHE_DIR]
    places += [CACHE_DIR / name for name in (CHARTS_DIR, MEMO_DIR, FONTS_DIR, INPUTS_DIR)]
    for place in places:
        if os.path.islink(root / place):
            return place.as_posix()
    return None


class Cache:
    """The cache of one project folder."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, read: bool = True):
        """`read=False` (`build --force`): build anyway, and store the result."""
        self.root = root.resolve()
        self.folder = self.root / CACHE_DIR
        self.max_bytes = max_bytes
        self.read = read
        self._key: bytes | None = None

    def _signature(self, name: str, record: Mapping[str, Any]) -> str | None:
        """The HMAC of entry `name`'s record (which holds its data's hash) under this user's
        key; None without a key."""
        if self._key is None:
            self._key = secret()
            if self._key is None:
                return None
        text = json.dumps({k: v for k, v in record.items() if k != "mac"}, sort_keys=True)
        return hmac.new(self._key, f"{name}\0{text}".encode(), "sha256").hexdigest()

    def _read(self, name: str) -> tuple[dict[str, Any], bytes] | None:
        """Entry `name`'s record and data when both are there and signed with our key."""
        meta, data = self.folder / f"{name}.json", self.folder / f"{name}.bin"
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
            content = data.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or not isinstance(record.get("mac"), str):
            return None
        expected = self._signature(name, record)
        if expected is None or not hmac.compare_digest(record["mac"], expected):
            return None  # not written by this user's builds: a miss, never an output
        if hashlib.sha256(content).hexdigest() != record.get("sha256"):
            return None  # a damaged entry is a miss, never an output
        with contextlib.suppress(OSError):
            os.utime(meta)  # most recently used
        return record, content

    def _write(self, name: str, record: dict[str, Any], data: bytes) -> None:
        """Keep `data` as entry `name`, with `record` and its signature (nothing without a key)."""
        record = {**record, "sha256": hashlib.sha256(data).hexdigest()}
        signature = self._signature(name, record)
        if signature is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Not synced: an entry torn by a crash fails its hash or signature, a miss.
            write_atomic(self.folder / f"{name}.bin", data, durable=False)
            write_atomic(
                self.folder / f"{name}.json",
                json.dumps({**record, "mac": signature}).encode("utf-8"),
                durable=False,
            )
            self._trim()
        except OSError:  # a cache that cannot be written (a file in its place, a full disk)
            return  # only misses

    def key(
        self,
        *,
        config: str,
        edition: Any,
        theme_folders: tuple[Path, ...],
        output: str | None,
        format: str | None,
    ) -> str:
        """The hash of everything the build of one output depends on."""
        digest = hashlib.sha256()
        add = _adder(digest)
        add("versions", json.dumps(versions(), sort_keys=True))
        # Where the project is: an entry names the file it wrote, and a moved or copied
        # project must write its own, not the old folder's.
        add("root", os.fsencode(self.root))
        add("config", config)
        add("edition", repr(_settings(edition)))
        add("output", f"{output}|{format}|{os.environ.get('SOURCE_DATE_EPOCH', '')}")
        self._add_files(add, (self.root, *theme_folders), output)
        return digest.hexdigest()

    def inputs_key(
        self,
        *,
        edition: Any,
        variant: str | None,
        assignments: Sequence[tuple[tuple[str, ...], Any]],
        output: str | None,
        format: str | None,
    ) -> str:
        """The hash of what one output's build is given before the project is read: the
        project's files, the variant and `--set` assignments, the edition, the output and
        the versions. The same inputs load the same settings and theme, which `remember`
        keeps under this key, so that `known_key` finds the build's key without loading
        the project (an unchanged build then costs a hash of the files)."""
        digest = hashlib.sha256()
        add = _adder(digest)
        add("versions", json.dumps(versions(), sort_keys=True))
        add("variant", repr(variant))
        add("assignments", repr(tuple(assignments)))
        add("edition", repr(_settings(edition)))
        add("output", f"{output}|{format}|{os.environ.get('SOURCE_DATE_EPOCH', '')}")
        self._add_files(add, (self.root,), output)
        return digest.hexdigest()

    def remember(self, inputs: str, *, config: str, theme_folders: tuple[Path, ...]) -> None:
        """Keep what the project read from the inputs hashed as `inputs` gave: its settings
        as loaded (what `key` hashes as `config`) and its theme's folders, signed like an
        entry (a record shipped with a project would otherwise point these inputs at another
        build's entry). Computed before the project was read: an edit made while it was read
        gives other inputs, never these inputs with the edit's settings."""
        record = {"config": config, "theme_folders": [os.fspath(f) for f in theme_folders]}
        signature = self._signature(f"in-{inputs}", record)
        if signature is None:
            return
        folder = self.folder / INPUTS_DIR
        try:
            folder.mkdir(parents=True, exist_ok=True)
            data = json.dumps({**record, "mac": signature}).encode("utf-8")
            write_atomic(folder / f"{inputs}.json", data, durable=False)  # signed: torn = miss
            files = list(folder.glob("*.json"))
            if len(files) > MAX_INPUTS:
                files.sort(key=lambda path: path.stat().st_mtime)
                for path in files[: len(files) - MAX_INPUTS]:
                    path.unlink(missing_ok=True)
        except OSError:  # a cache that cannot be written only misses
            return

    def known_key(
        self, inputs: str, *, edition: Any, output: str | None, format: str | None
    ) -> str | None:
        """`key` for a build whose inputs (`inputs_key`) were seen before (`remember`),
        computed without loading the project: the theme's files are hashed as they are now.
        None when these inputs were not seen (or with `read=False`)."""
        if not self.read:
            return None
        path = self.folder / INPUTS_DIR / f"{inputs}.json"
        try:
            seen = json.loads(path.read_text(encoding="utf-8"))
            config, folders = seen["config"], seen["theme_folders"]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if not isinstance(config, str) or not isinstance(folders, list):
            return None
        if not all(isinstance(folder, str) for folder in folders):
            return None
        expected = self._signature(f"in-{inputs}", seen)
        if expected is None or not hmac.compare_digest(str(seen.get("mac")), expected):
            return None  # not written by this user's builds
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used
        return self.key(
            config=config,
            edition=edition,
            theme_folders=tuple(Path(folder) for folder in folders),
            output=output,
            format=format,
        )

    def _add_files(
        self, add: Callable[[str, str | bytes], None], bases: Iterable[Path], output: str | None
    ) -> None:
        skipped = {os.path.abspath(self.root / output)} if output else set()
        for base in bases:
            for path in _files(base):
                if os.path.abspath(path) not in skipped:
                    add(f"file {path.relative_to(base)}", _content(path))

    def get(self, key: str) -> tuple[Entry, bytes] | None:
        if not self.read:
            return None
        found = self._read(key)
        if found is None:
            return None
        record, content = found
        fields = {f.name for f in dataclasses.fields(Entry)}
        try:
            entry = Entry(**{k: v for k, v in record.items() if k in fields})
        except TypeError:
            return None
        return entry, content

    def put(self, key: str, entry: Entry, data: bytes) -> None:
        self._write(key, dataclasses.asdict(entry), data)

    def get_blob(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        """A piece of a build stored under `key` (a part's PDF and its page map), or None."""
        if not self.read:
            return None
        return self._read(key)

    def put_blob(self, key: str, meta: dict[str, Any], data: bytes) -> None:
        self._write(key, meta, data)

    def clear(self) -> int:
        """Remove every entry; returns how many files were removed."""
        removed = 0
        charts, memo = self.folder / CHARTS_DIR, self.folder / MEMO_DIR
        for folder, suffixes in (
            (self.folder, (".bin", ".json")),
            (charts, (".svg",)),
            (memo, (".pyc", ".json", ".jbc")),
            (self.folder / FONTS_DIR, (".font",)),
        ):
            if folder.is_dir():
                for path in folder.iterdir():
                    if path.suffix in suffixes:
                        path.unlink(missing_ok=True)
                        removed += 1
        inputs = self.folder / INPUTS_DIR
        if inputs.is_dir():  # not outputs: not counted
            for path in inputs.glob("*.json"):
                path.unlink(missing_ok=True)
        return removed

    def _trim(self) -> None:
        """Remove the least recently used entries until the cache is within its cap."""
        metas = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        sizes = {p: p.stat().st_size + _size(p.with_suffix(".bin")) for p in metas}
        total = sum(sizes.values())
        for meta in metas:
            if total <= self.max_bytes:
                break
            total -= sizes[meta]
            meta.unlink(missing_ok=True)
            meta.with_suffix(".bin").unlink(missing_ok=True)


class ChartCache:
    """Drawn charts of one project, by what they are drawn from, signed with this user's key;
    a folder that cannot be read or written (or no key) only means drawing again."""

    def __init__(self, root: Path) -> None:
        self.folder = root.resolve() / CACHE_DIR / CHARTS_DIR
        self._store: SignedFolder | bool | None = False  # False: not opened yet
        self.drawn = 0  # charts drawn (not found) by this cache, for tests

    def _kept(self) -> SignedFolder | None:
        if self._store is False:
            self._store = signed_folder(self.folder, MAX_CHARTS)
        return self._store if isinstance(self._store, SignedFolder) else None

    def chart(self, recipe: Mapping[str, Any], draw: Callable[[], str]) -> str:
        """The SVG `draw()` gives for `recipe` (everything it depends on), from the cache
        when this user's builds drew it before."""
        text = json.dumps(
            {"recipe": recipe, "code": _chart_code()}, sort_keys=True, ensure_ascii=False
        )
        name = f"{sha256(text.encode('utf-8'))}.svg"
        store = self._kept()
        found = store.get(name) if store is not None else None
        if found is not None:
            try:
                svg = found.decode("utf-8")
                os.utime(self.folder / name)  # recently used
                return svg
            except (OSError, UnicodeDecodeError):
                pass
        svg = draw()
        self.drawn += 1
        if store is not None:
            store.put(name, svg.encode("utf-8"))
        return svg


_CODE: list[str] = []


_METRICS = "chart_metrics.json"  # the font widths the charts leave room by


def _chart_code() -> str:
    """The hash of the drawing module's source, its font widths and our version: new code,
    new charts."""
    if not _CODE:
        from reportbuilder import __version__
        from reportbuilder.compose import charts

        folder = Path(charts.__file__).parent
        source = b"".join((folder / name).read_bytes() for name in ("charts.py", _METRICS))
        _CODE.append(sha256(source + __version__.encode("utf-8")))
    return _CODE[0]


def sources_digest(folders: Iterable[Path], *, edition: Any, skip: Iterable[Path] = ()) -> str:
    """The hash of every file a build may read under `folders` (the project's, its theme's),
    the versions and the edition's settings, leaving out the files under `skip`: what a
    merge's copies were made from, so that a copy made before a correction is not taken for
    a current one."""
    digest = hashlib.sha256()
    add = _adder(digest)
    add("versions", json.dumps(versions(), sort_keys=True))
    add("edition", repr(_settings(edition)))
    left_out = [os.path.abspath(path) for path in skip]
    for base in folders:
        for path in _files(base):
            where = os.path.abspath(path)
            if not any(where == out or where.startswith(out + os.sep) for out in left_out):
                add(f"file {path.relative_to(base)}", _content(path))
    return digest.hexdigest()


def _content(path: Path) -> bytes:
    """What stands for a file in the key: its bytes; for a link, where it points (a build
    refuses links out of the project anyway); for a large file, its size and time; for
    anything else (a FIFO, a device), its kind: never read, so never waited on."""
    try:
        info = os.lstat(path)
    except OSError:
        return b"unreadable"
    if stat.S_ISLNK(info.st_mode):
        try:
            return b"link " + os.fsencode(os.readlink(path))
        except OSError:
            return b"link"
    if not stat.S_ISREG(info.st_mode):
        return f"special {stat.S_IFMT(info.st_mode)}".encode()
    if info.st_size > LARGE_FILE:
        return f"large {info.st_size} {info.st_mtime_ns}".encode()
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return b"unreadable"
    return digest.digest()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _settings(edition: Any) -> dict[str, Any]:
    """The edition's settings that shape the output (its time and memory limits do not)."""
    values = {f.name: getattr(edition, f.name) for f in dataclasses.fields(edition)}
    values.pop("limits", None)
    return values


def _adder(digest: Any) -> Callable[[str, str | bytes], None]:
    """`add(label, value)` into `digest`, each value framed by its label and length."""

    def add(label: str, value: str | bytes) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else value
        digest.update(f"{label}:{len(data)}:".encode())
        digest.update(data)

    return add


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["CACHE_DIR", "Cache", "ChartCache", "Entry", "sha256", "versions"]
