"""Trial 8 #33: a picture sized the Pandoc or HTML way (`{width=30%}`, `{ width="200" }`,
`<img width="100">`) printed at its own size, the width ignored, and `check` said "no
problems found". A warning at the picture's line names what is not applied and the theme's
classes that size a picture; a picture sized by a class is not warned of."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from conftest import one_chapter_project
from reportbuilder.cli import main

CHAPTER = """# W

![Petite](assets/p.png){width=30%}

![Autre](assets/p.png){ width="200" }

<img src="assets/p.png" alt="html" height="100">

![Classe](assets/p.png){.third}
"""
ADVICE = (
    "is not applied to a picture (it prints at its own size, at most the text's width): write "
    "{.third}, {.half} or {.two-thirds} after the image for its width, {.short} to keep it "
    "under 60 mm high"
)


def test_a_size_written_on_a_picture_is_said_at_its_line(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "W", CHAPTER)
    (root / "assets").mkdir()
    Image.new("RGB", (80, 40), "navy").save(root / "assets" / "p.png")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: content/01.md:3: width=30% {ADVICE}",
        f"warning: content/01.md:5: width=200 {ADVICE}",
        f"warning: content/01.md:7: height=100 {ADVICE}",
    ]
