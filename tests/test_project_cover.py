"""The cover photo's checks (project/cover.py): inside the project, an image, not too large."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from reportbuilder.project.cover import cover_problem
from reportbuilder.project.files import FilePolicy


def _problem(root: Path, file: str) -> str | None:
    return cover_problem(FilePolicy(root), file)


def test_a_photo_in_the_project_is_accepted(tmp_path: Path) -> None:
    Image.new("RGB", (1200, 800)).save(tmp_path / "cover.webp")
    assert _problem(tmp_path, "cover.webp") is None


def test_paths_outside_the_project_are_refused(tmp_path: Path) -> None:
    for written in ("../x.jpg", "/etc/x.jpg", "file:///etc/x.jpg", "assets\\x.jpg"):
        assert "write a path inside the project" in str(_problem(tmp_path, written))


def test_a_heavy_or_huge_or_unreadable_file_is_refused(tmp_path: Path) -> None:
    with (tmp_path / "heavy.jpg").open("wb") as file:
        file.truncate(26_000_000)  # sparse: 26 MB on paper
    assert "weighs 26 MB" in str(_problem(tmp_path, "heavy.jpg"))
    Image.new("1", (10_000, 6_000)).save(tmp_path / "huge.png")
    assert "10000×6000 pixels" in str(_problem(tmp_path, "huge.png"))
    (tmp_path / "text.png").write_text("hello")
    assert "not an image that can be read" in str(_problem(tmp_path, "text.png"))
    assert "not a JPEG, PNG or WebP" in str(_problem(tmp_path, "cover.gif"))
