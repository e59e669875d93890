"""Code blocks on a narrow page (A5), read back from the PDF: a wrapped line breaks at a
space and never inside a word that fits, an indented line's continuation starts under its
own text, only continuations carry the drawn mark, and a long run without a space still
wraps with every character kept."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import FIXTURES, Word, read_words
from reportbuilder.cli import main

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

SOURCE = [
    "import csv, sys",
    "def write(rows, weights, out=sys.stdout):",
    '    writer = csv.writer(out); writer.writerow(["id", "weight", "region", "visits", '
    '"tests", "positive", "referred"])',
    '    mean = sum(weights) / len(weights); print("mean weight over all the households in '
    'the survey:", mean, file=sys.stderr)',
    '    url = "https://example.org/' + "a" * 40 + "/" + "b" * 40 + '"',
    "    return mean",
]
# A line that is one word longer than the page, in a plain block (no highlighting): it ran
# off the page, `--strict` failing on the overflow (trial 4).
FIRST_WORD = "a_snake_case_name_with_no_space_" * 3 + "END"
DPI = 100
MARK = (0x8A, 0x94, 0xA0)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Word]]:
    root = tmp_path_factory.mktemp("code")
    project = root / "code"
    shutil.copytree(FIXTURES / "mini", project)
    config = project / "report.yml"
    config.write_text(config.read_text() + "page_size: A5\n")
    for chapter in (project / "content").iterdir():
        chapter.unlink()
    code = "\n".join(SOURCE)
    plain = f"```\n{FIRST_WORD}1\n```\n\n    {FIRST_WORD}2\n"
    (project / "content" / "01-code.md").write_text(f"# Code\n\n```python\n{code}\n```\n\n{plain}")
    out = root / "code.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    _, words = read_words(out)
    return out, words


def _is_mark(pixel: tuple[int, int, int]) -> bool:
    """The mark's blue-grey; anti-aliased black text is a neutral grey (r = g = b)."""
    near = all(abs(a - b) <= 30 for a, b in zip(pixel, MARK, strict=True))
    return near and pixel[2] - pixel[0] >= 12


def _code_lines(words: list[Word]) -> list[list[Word]]:
    """The printed lines of the code block, top to bottom, each a list of its words."""
    start = next(w for w in words if w.text == "import")
    page = [w for w in words if w.page == start.page and w.y0 >= start.y0 - 1]
    rows: dict[float, list[Word]] = {}
    for word in page:
        rows.setdefault(round(word.y0), []).append(word)
    lines = [sorted(rows[y], key=lambda w: w.x0) for y in sorted(rows)]
    end = next(i for i, line in enumerate(lines) if line[0].text == "return")
    return lines[: end + 1]


def test_every_character_is_kept_in_order(built: tuple[Path, list[Word]]) -> None:
    _, words = built
    printed = "".join(str(w.text) for line in _code_lines(words) for w in line)
    assert printed == "".join("".join(SOURCE).split())


def test_lines_break_at_spaces_and_words_that_fit_are_whole(built: tuple[Path, list[Word]]) -> None:
    _, words = built
    tokens = {t for line in SOURCE for t in line.split()}
    lines = _code_lines(words)
    assert len(lines) > len(SOURCE), "the long lines wrap on A5"
    for line in lines:
        for word in line:
            text = str(word.text)
            # Only a long run without a space may break inside.
            whole = text in tokens or any(text in t for t in tokens if len(t) >= 30)
            assert whole, f"{text!r} is a piece of a word"


def test_continuations_hang_under_their_line_and_only_they_are_marked(
    built: tuple[Path, list[Word]],
) -> None:
    out, words = built
    lines = _code_lines(words)
    left = lines[0][0].x0  # "import", at the block's text edge
    indent = next(line for line in lines if line[0].text == "writer")[0].x0
    assert indent - left > 10, "an indented source line keeps its indentation"
    page = lines[0][0].page
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), str(out), str(out)],
        check=True,
    )
    image = Image.open(next(out.parent.glob(f"{out.name}-*{page}.png"))).convert("RGB")
    scale = DPI / 72
    firsts = {line.split()[0] for line in SOURCE}
    for line in lines:
        x0, y0, y1 = line[0].x0, line[0].y0, line[0].y1
        gutter = image.crop(
            (int((left - 2) * scale), int(y0 * scale), int((left + 9) * scale), int(y1 * scale))
        )
        # A drawn mark is a few pixels of its blue-grey; the dark text beside it may give one.
        marked = (
            sum(
                _is_mark(gutter.getpixel((x, y)))
                for x in range(gutter.width)
                for y in range(gutter.height)
            )
            >= 4
        )
        starts_a_source_line = str(line[0].text) in firsts and x0 <= indent + 1
        if starts_a_source_line:
            assert not marked, f"a source line is marked: {line[0]['text']!r}"
        else:
            assert marked, f"a continuation has no mark: {line[0]['text']!r}"
            assert x0 > indent + 5, "an indented line's continuation starts past its indentation"


def test_a_line_that_is_one_long_word_wraps_in_a_plain_block(
    built: tuple[Path, list[Word]],
) -> None:
    _, words = built
    printed = "".join(str(w.text) for w in words)
    for number in (1, 2):
        assert f"{FIRST_WORD}{number}" in printed  # `--strict` passed: nothing ran off the page
