"""Files kept between builds and trusted (`signed`): read back only when signed with this
user's key, which is made once, readable by the user only, and shared by later calls."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from reportbuilder.signed import KEY_FILE, MAC, secret, signed_folder


@pytest.fixture(autouse=True)
def _user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def test_the_key_is_made_once_for_the_user_only(tmp_path: Path) -> None:
    key = secret()
    assert key is not None and len(key) == MAC
    path = tmp_path / "user-cache" / "reportbuilder" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret() == key


def test_only_files_signed_with_the_key_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = signed_folder(tmp_path / "kept")
    assert store is not None
    assert store.get("a.bin") is None
    store.put("a.bin", b"what a build made")
    assert store.get("a.bin") == b"what a build made"
    path = tmp_path / "kept" / "a.bin"
    signed = path.read_bytes()
    path.write_bytes(signed[:MAC] + b"what someone else wrote")
    assert store.get("a.bin") is None
    path.write_bytes(signed)
    # Our own file under another name is not that other file.
    (tmp_path / "kept" / "b.bin").write_bytes(signed)
    assert store.get("b.bin") is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    other = signed_folder(tmp_path / "kept")
    assert other is not None and other.get("a.bin") is None


def test_without_a_key_nothing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert secret() is None and signed_folder(tmp_path / "kept") is None


def test_the_folder_keeps_at_most_its_cap(tmp_path: Path) -> None:
    store = signed_folder(tmp_path / "kept", max_files=3)
    assert store is not None
    for index in range(5):
        store.put(f"{index}.bin", b"x")
    fresh = signed_folder(tmp_path / "kept", max_files=3)
    assert fresh is not None
    fresh.put("last.bin", b"y")  # a build trims the folder on its first write
    assert len(list((tmp_path / "kept").iterdir())) == 3
