"""What composing a chapter gives, kept between builds of a project: the compiled code of its
template text (Jinja) and its Markdown converted to HTML.

Both are pure functions of what the key holds — the chapter's text, its language and slug
prefix, the versions of Python, Jinja, Markdown, pymdown-extensions and Pygments, and the
source of the composing code itself — so a hit is exactly what doing the work again would
give. Template *rendering* is never kept: it reads the data, the helpers' state and the
scope. A folder that cannot be read or written only means doing the work again.

The folder lives in the project, which may come from anyone, and what it holds is run
(compiled code) or printed unsanitised (HTML): it is a `signed.SignedFolder`.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import jinja2.bccache

from reportbuilder.signed import SignedFolder, signed_folder

MAX_FILES = 4096  # files kept (a few KiB each); the least recently used go first

Converted = tuple[str, list[tuple[str, str]], list[dict[str, Any]]]  # html, removed, toc


class ComposeMemo:
    """The kept results of one project, in `folder`."""

    def __init__(self, store: SignedFolder) -> None:
        self.store = store
        self.folder = store.folder
        self.hits = 0
        self.misses = 0

    def code(
        self, source: str, name: str, names: str, compile_: Callable[[], CodeType]
    ) -> CodeType:
        """Jinja's code for template `source` named `name`, compiled by `compile_` on a miss;
        `names` stands for the environment's filters and tests (Jinja checks them when it
        compiles)."""
        path = self._path("code", ".pyc", name, names, source)
        found = self.store.get(path)
        try:
            code = marshal.loads(found) if found is not None else None
        except (ValueError, EOFError, TypeError):
            code = None
        if isinstance(code, CodeType):
            self.hits += 1
            return code
        code = compile_()
        self.misses += 1
        self.store.put(path, marshal.dumps(code))
        return code

    def markdown(
        self,
        text: str,
        lang: str,
        slug: str,
        placeholders: tuple[str, int],
        convert: Callable[[], Converted],
    ) -> Converted:
        """The HTML, losses and headings (`toc_tokens`) of Markdown `text` in a chapter of
        `lang` whose ids start with `slug`; `convert()` on a miss.

        `text` holds the helpers' placeholders (`compose.helpers`): `RBPART<nonce>N<i>X`, a
        nonce new each build and `i` counted over the whole report. They are renamed in the
        key, the nonce to a fixed one and `i` from the chapter's first (`placeholders`: the
        nonce, and how many were made before the chapter), so that an unchanged chapter finds
        its HTML again; Markdown copies such a word as it is, and a result where the nonce
        shows otherwise (a heading id made from it) is not kept."""
        nonce, start = placeholders
        token = re.compile(rf"RBPART{re.escape(nonce)}N(\d+)X")
        if FIXED in text or any(int(i) < start for i in token.findall(text)):
            return convert()  # cannot be renamed both ways: not kept

        def to_fixed(value: str) -> str:
            return token.sub(lambda m: f"{FIXED}N{int(m[1]) - start}X", value)

        def from_fixed(value: str) -> str:
            return _FIXED_TOKEN.sub(lambda m: f"RBPART{nonce}N{int(m[1]) + start}X", value)

        path = self._path("markdown", ".json", lang, slug, to_fixed(text))
        try:
            found = json.loads(self.store.get(path) or b"")
            html, removed, toc = found["html"], found["removed"], found["toc"]
            self.hits += 1
            pairs = [(from_fixed(str(a)), from_fixed(str(b))) for a, b in removed]
            return from_fixed(str(html)), pairs, _strings(toc, from_fixed)
        except (ValueError, KeyError, TypeError):
            pass
        html, removed, toc = convert()
        self.misses += 1
        kept = {
            "html": to_fixed(html),
            "removed": [(to_fixed(a), to_fixed(b)) for a, b in removed],
            "toc": _strings(toc, to_fixed),
        }
        data = json.dumps(kept, ensure_ascii=False)
        if nonce.lower() not in data.lower():  # only placeholders as they were copied
            self.store.put(path, data.encode("utf-8"))
        return html, removed, toc

    def templates(self, env: jinja2.Environment) -> jinja2.BytecodeCache:
        """A bytecode cache for `env`'s templates (the theme's and the project's), in the
        same signed folder; keyed by the template's name, Jinja's check of its source, the
        environment's filters and tests, and our composing code (its options are there)."""
        return _Bytecode(self.store, json.dumps([sorted(env.filters), sorted(env.tests)]))

    def _path(self, kind: str, suffix: str, *values: str) -> str:
        digest = hashlib.sha256(_code_key().encode())
        digest.update(kind.encode())
        for value in values:
            data = value.encode("utf-8", "surrogateescape")
            digest.update(f"{len(data)}:".encode() + data)
        return digest.hexdigest() + suffix


class _Bytecode(jinja2.BytecodeCache):
    """Jinja's bytecode cache over a `SignedFolder` (Jinja checks the source's checksum)."""

    def __init__(self, store: SignedFolder, names: str) -> None:
        self.store = store
        self.names = names

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        digest = hashlib.sha256(f"{_code_key()}\0{self.names}\0{name}\0{filename}".encode())
        return digest.hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key + ".jbc")
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.put(bucket.key + ".jbc", bucket.bytecode_to_string())


FIXED = "RBPART" + "0" * 12  # the nonce as it is in the key (`secrets.token_hex(6)`: 12)
_FIXED_TOKEN = re.compile(FIXED + r"N(\d+)X")


def _strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` (JSON data) with `change` applied to every string in it, keys too."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {change(k): _strings(v, change) for k, v in value.items()}
    return value


_KEY: list[str] = []


def _code_key() -> str:
    """The versions of what composes a chapter and the source of our composing modules:
    another version or other code, other keys."""
    if not _KEY:
        digest = hashlib.sha256(sys.version.encode())
        for name in ("jinja2", "markdown", "pymdown-extensions", "pygments"):
            digest.update(f"{name}\0{_metadata(name)}\0".encode())
        # The whole package, not only compose/: typography (language.py) and the limits the
        # conversion obeys live elsewhere, and a stale conversion would be silent. Walked
        # with os.walk, not Path.rglob: a tenth of the time, on every `check`.
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        found = []
        for folder, dirs, files in os.walk(package):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            found += [os.path.join(folder, f) for f in files if f.endswith(".py")]
        for path in sorted(found, key=lambda p: os.path.relpath(p, package).split(os.sep)):
            rel = os.path.relpath(path, package).replace(os.sep, "/")
            digest.update(rel.encode() + b"\0" + _identity(path) + b"\0")
        _KEY.append(digest.hexdigest())
    return _KEY[0]


def _identity(path: str) -> bytes:
    """What stands for the content of source file `path`: its size, inode, modification and
    change times. Any write to a file sets its change time to the clock's, which no tool
    can set back (`os.utime` sets the other two), so other content gives another identity;
    a file copied or installed anew gets a new change time too (one miss, nothing stale).
    Reading and hashing the package's 120 files instead was a tenth of `check`'s time
    (issue 13); Python's own bytecode cache trusts less (size and whole-second mtime)."""
    try:
        st = os.stat(path)
    except OSError:  # unreadable: the content stands for itself (or its absence)
        try:
            with open(path, "rb") as file:
                return hashlib.sha256(file.read()).hexdigest().encode()
        except OSError:
            return b"?"
    return f"{st.st_size}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}".encode()


def _metadata(name: str) -> str:
    """The installed distribution's METADATA as it is (its version and more): read, not
    parsed. Found by name among the `.dist-info` folders of `sys.path`, as installers write
    them; `importlib.metadata` (whose import alone costs `check` a twentieth of its time:
    email, zipfile, csv …) only where that finds nothing (an egg, a zip)."""
    wanted = _normal(name)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            # `{name}-{version}.dist-info`, the name with `_` for `-` (older installers kept
            # its case and dots)
            stem, _, suffix = folder.rpartition(".")
            if suffix.lower() == "dist-info" and _normal(stem.rpartition("-")[0]) == wanted:
                try:
                    with open(os.path.join(entry or ".", folder, "METADATA"), "rb") as file:
                        return file.read().decode("utf-8", "surrogateescape")
                except OSError:
                    break
    from importlib import metadata

    try:
        return metadata.distribution(name).read_text("METADATA") or "?"
    except metadata.PackageNotFoundError:
        return "?"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def memo_for(root: Path) -> ComposeMemo | None:
    """The memo of the project at `root` (inside its cache folder); None without a key."""
    from reportbuilder.cache import CACHE_DIR, MEMO_DIR

    store = signed_folder(root.resolve() / CACHE_DIR / MEMO_DIR, MAX_FILES)
    return ComposeMemo(store) if store is not None else None


def user_memo() -> ComposeMemo | None:
    """The memo of this user, for what writes nothing in a project (`check`): in the user's
    cache folder beside the key, shared by every project (the least recently written files
    go first past `MAX_FILES`); None without a key."""
    from reportbuilder.signed import user_folder

    folder = user_folder()
    store = signed_folder(folder / "compose", MAX_FILES) if folder is not None else None
    return ComposeMemo(store) if store is not None else None


__all__ = ["ComposeMemo", "memo_for", "user_memo"]
