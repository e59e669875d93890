"""`check` says a missing image is an error whatever the other chapters hold (trial 7 #23):
when another chapter's template failed, composing stopped and the image was only the load
stage's warning — an error otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import one_chapter_project
from reportbuilder import check
from reportbuilder.errors import ReportError, Severity


def _image_problem(root: Path) -> tuple[Severity, int | None, list[str]]:
    with pytest.raises(ReportError) as raised:
        check(root)
    problems = raised.value.problems
    [image] = [p for p in problems if "assets/map.png" in p.message]
    return image.severity, image.line, [str(p) for p in problems]


def test_a_missing_image_is_an_error_even_when_another_chapter_fails(tmp_path: Path) -> None:
    root = one_chapter_project(
        tmp_path / "p", "Images", "# Map\n\nThe regions.\n\n![The regions](assets/map.png)\n"
    )
    alone = _image_problem(root)
    (root / "content" / "02-broken.md").write_text(
        "# Broken\n\nThere are {{ data.nosuch.count }} regions.\n", encoding="utf-8"
    )
    severity, line, problems = _image_problem(root)
    assert (severity, line) == alone[:2] == (Severity.ERROR, 5)
    assert any(p.startswith("content/02-broken.md:3:") for p in problems)
    # Said once, as the error: not also as the load stage's warning.
    assert len([p for p in problems if "assets/map.png" in p]) == 1


def test_a_missing_image_in_the_failing_chapter_is_still_said(tmp_path: Path) -> None:
    """That chapter was not filled in: its image is said as the load stage finds it (a
    warning; the chapter's own error fails the check)."""
    root = one_chapter_project(
        tmp_path / "p",
        "Images",
        "# Map\n\n{{ data.nosuch.count }} regions.\n\n![The regions](assets/map.png)\n",
    )
    severity, line, problems = _image_problem(root)
    assert (severity, line) == (Severity.WARNING, 5)
    assert any(p.startswith("content/01.md:3:") for p in problems)
