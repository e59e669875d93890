"""A picture shown in several chapters is embedded once in a PDF assembled from parts, as in
one laid out whole (trial 7 #7: a banner in each of 30 chapters, 5.7 MB against 0.5 MB)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import copy_fixture
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf


def _images(pdf: Path) -> set[tuple[int, int]]:
    """The image objects the pages draw."""
    found = set()
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for _, item in page.get_images().items():
                found.add(item.objgen)
    return found


def test_a_picture_in_every_chapter_is_embedded_once_by_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(300 * 150 * 3))
    Image.frombytes("RGB", (300, 150), noise).save(project / "assets" / "banner.jpg", quality=90)
    chapters = sorted((project / "content").glob("*.md"))
    assert len(chapters) >= 2
    for chapter in chapters:
        chapter.write_text(
            chapter.read_text("utf-8") + "\n\n![The banner](assets/banner.jpg)\n", "utf-8"
        )
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def built(name: str, layout: str, *args: str) -> Path:
        output = project / "out" / f"{name}.pdf"
        command = ["build", str(project), "--json", "-o", str(output), *args]
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["outputs"][0]["layout"] == layout
        return output

    monkeypatch.setenv("REPORTBUILDER_PARTS", "1")
    parts = built("parts", "parts")
    monkeypatch.setenv("REPORTBUILDER_PARTS", "0")
    whole = built("whole", "whole", "--force")
    assert len(_images(whole)) == 1
    assert len(_images(parts)) == 1  # one object for every chapter's picture
    assert parts.stat().st_size <= 1.10 * whole.stat().st_size
