"""The sizes of side-by-side images, read from their headers at load (project/images.py)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from reportbuilder.project.chapters import Chapter
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.images import side_by_side_sizes


def test_only_side_by_side_images_in_the_project_are_measured(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    Image.new("RGB", (300, 200)).save(tmp_path / "assets" / "a.png")
    Image.new("RGB", (300, 200)).save(tmp_path / "assets" / "plain.png")
    (tmp_path / "assets" / "b.svg").write_text('<svg viewBox="0 0 40 30"></svg>')
    (tmp_path / "assets" / "bad.png").write_text("not an image")
    outside = tmp_path.parent / "outside.png"
    Image.new("RGB", (10, 10)).save(outside)
    (tmp_path / "assets" / "out.png").symlink_to(outside)
    source = (
        "![A](assets/a.png){.side-by-side}\n![B](assets/b.svg){ .side-by-side }\n"
        "![P](assets/plain.png)\n![X](assets/bad.png){.side-by-side}\n"
        "![O](assets/out.png){.side-by-side}\n![W](https://example.org/w.png){.side-by-side}\n"
    )
    chapter = Chapter(rel="content/01.md", source=source, slug="c")
    sizes = side_by_side_sizes([chapter], FilePolicy(tmp_path))
    assert sizes == {"assets/a.png": (300.0, 200.0), "assets/b.svg": (40.0, 30.0)}
