"""Files a build keeps for the next one and trusts: signed with a key of this user.

A project's cache folder travels with the project, which may come from anyone. What a build
would run (compiled template code) or use without checking it again (converted HTML, a font
program's glyphs) is kept in a `SignedFolder`: each file starts with an HMAC-SHA256 of its
data under a key kept in the user's cache folder (`secret`), and a file whose signature does
not match is as good as absent. A folder that cannot be read or written only means doing the
work again.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from reportbuilder.deliver.files import write_atomic

MAC = 32  # bytes of an HMAC-SHA256
KEY_FILE = "memo.key"


class SignedFolder:
    """Files by name in `folder`, signed with `key`, at most `max_files` of them (the least
    recently written go first)."""

    def __init__(self, folder: Path, key: bytes, max_files: int = 4096) -> None:
        self.folder = folder
        self._key = key
        self._max_files = max_files
        self._written = False

    def get(self, name: str) -> bytes | None:
        """The data of file `name`, if it is there and signed with our key."""
        try:
            signed = (self.folder / name).read_bytes()
        except OSError:
            return None
        mac, data = signed[:MAC], signed[MAC:]
        if not hmac.compare_digest(mac, self._mac(name, data)):
            return None
        return data

    def _mac(self, name: str, data: bytes) -> bytes:
        # The name is signed too: a file of ours moved under another name (another template's
        # code, another chapter's HTML) is not taken for that one.
        return hmac.digest(self._key, name.encode("utf-8") + b"\0" + data, "sha256")

    def put(self, name: str, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Not synced: a file torn by a crash fails its signature, a miss.
            write_atomic(self.folder / name, self._mac(name, data) + data, durable=False)
            if not self._written:  # once a build: the folder is listed to trim it
                self._written = True
                self._trim()
        except OSError:
            pass

    def _trim(self) -> None:
        files = list(self.folder.iterdir())
        if len(files) <= self._max_files:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for path in files[: len(files) - self._max_files]:
            path.unlink(missing_ok=True)


def signed_folder(folder: Path, max_files: int = 4096) -> SignedFolder | None:
    """A `SignedFolder` at `folder` with this user's key; None without a key."""
    key = secret()
    return SignedFolder(folder, key, max_files) if key else None


def user_folder() -> Path | None:
    """`$XDG_CACHE_HOME/reportbuilder` or `~/.cache/reportbuilder`; None without a home."""
    try:
        home = os.path.expanduser("~")
    except (KeyError, RuntimeError):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return Path(base) / "reportbuilder"


def secret() -> bytes | None:
    """This user's key (made on first use, readable by the user only), in `user_folder()`;
    None when it can be neither read nor made (then nothing is kept)."""
    folder = user_folder()
    if folder is None:
        return None
    path = folder / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= MAC:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = secrets.token_bytes(MAC)
        # Made exclusively: two builds at once agree on the first key written.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(fresh)
        return fresh
    except FileExistsError:
        try:
            key = path.read_bytes()
            return key if len(key) >= MAC else None
        except OSError:
            return None
    except OSError:
        return None
