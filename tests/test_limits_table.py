"""The README's limits table (issue 15) lists every cap with the value the code uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.compose import markup, templating
from reportbuilder.edition import MAX_EPOCH
from reportbuilder.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT, MAX_DEPTH, MAX_IMAGE_PIXELS
from reportbuilder.project import theme
from reportbuilder.project.data import load, readers, spreadsheets
from reportbuilder.render import fetcher

README = Path(__file__).resolve().parents[1] / "README.md"


def _table() -> str:
    text = README.read_text("utf-8")
    start = text.index("### Limits")
    return text[start : text.index("\n## ", start)]


@pytest.mark.parametrize(
    ("cap", "value"),
    [
        ("time for a whole build", DEFAULT_TIMEOUT),
        ("memory of the layout", DEFAULT_MAX_MEMORY_MB),
        ("memory of filling in the chapters", DEFAULT_MAX_MEMORY_MB),
        ("size of a CSV or XLSX", readers.CSV_MAX_BYTES),
        ("size of a CSV or XLSX", spreadsheets.XLSX_MAX_BYTES),
        ("cells (rows × columns)", readers.CSV_MAX_CELLS),
        ("data files in data/", load.MAX_DATA_FILES),
        ("all data files together", load.MAX_DATA_BYTES),
        ("files in a templates/ folder", theme.MAX_TEMPLATES),
        ("a chapter's text", templating.MAX_CHAPTER_CHARS),
        ("the whole HTML document", templating.MAX_DOCUMENT_CHARS),
        ("built in one step", templating._MAX_REPEAT),
        ("footnote text", markup.MAX_FOOTNOTE_CHARS),
        ("nesting of blocks", MAX_DEPTH),
        ("image size", MAX_IMAGE_PIXELS),
        ("a file the layout reads", fetcher.MAX_FILE_BYTES),
        ("a `data:` URL", fetcher.MAX_DATA_URL_CHARS),
        ("a download from an allowed host", fetcher.MAX_REMOTE_BYTES),
    ],
)
def test_every_cap_is_in_the_readme_table_with_its_value(cap: str, value: float) -> None:
    [row] = [line for line in _table().splitlines() if line.startswith("| ") and cap in line]
    default = row.split("|")[2].replace(" ", "")  # the default column, digits run together
    assert str(int(value)) in default, row


def test_the_epoch_limit_is_in_the_table() -> None:
    assert str(MAX_EPOCH) in _table()
