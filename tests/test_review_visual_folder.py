"""`diff --visual DIR` never replaces a file it did not write nor writes among a project's
sources (trial 7 #20: a project's assets/page-001.png was overwritten by a page picture,
and pictures written into content/ or the project folder were read by the next build)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main


@pytest.fixture
def two_pdfs(tmp_path: Path) -> tuple[Path, Path]:
    """Two one-page PDFs, a square blue in one and red in the other (no layout needed)."""
    import pikepdf

    made = []
    for name, colour in (("a", b"0 0 1"), ("b", b"1 0 0")):
        pdf = pikepdf.new()
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Contents = pdf.make_stream(colour + b" rg 100 100 300 300 re f")
        path = tmp_path / f"{name}.pdf"
        pdf.save(path)
        made.append(path)
    return made[0], made[1]


def test_visual_refuses_a_folder_of_someone_elses_pictures(
    tmp_path: Path, two_pdfs: tuple[Path, Path]
) -> None:
    project = copy_fixture("tiny", tmp_path / "tiny")
    picture = project / "assets" / "page-001.png"
    picture.write_bytes(b"the report's own picture")
    old, new = two_pdfs
    for folder, said in (
        (project / "assets", "would go among the project's sources"),
        (project, "would go into the project folder itself"),
        (project / "content" / "pictures", "would go among the project's sources"),
    ):
        result = CliRunner().invoke(main, ["diff", str(old), str(new), "--visual", str(folder)])
        assert result.exit_code == 2, result.output
        assert said in result.stderr
    assert picture.read_bytes() == b"the report's own picture"
    assert not (project / "content" / "pictures").exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "page-001.png").write_bytes(b"a holiday photo")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--visual", str(mine)])
    assert result.exit_code == 2
    assert "holds page-001.png, which diff did not write" in result.stderr
    assert (mine / "page-001.png").read_bytes() == b"a holiday photo"
    fresh = tmp_path / "fresh"
    for _ in range(2):  # the second run replaces the pictures the first one wrote
        result = CliRunner().invoke(main, ["diff", str(old), str(new), "--visual", str(fresh)])
        assert result.exit_code == 1, result.output
        assert (fresh / "page-001.png").read_bytes()[:4] == b"\x89PNG"
