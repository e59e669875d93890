"""docs/data.md stays true: its file blocks (```` ```yaml file=data/study.yml ````) make one
project that builds through the CLI and whose PDF holds every ```` ```text pdf ```` line; each
`mistake` block, written into a copy of that project, gives exactly the ```` ```text error ````
block after it. A `.xlsx` block is written as CSV text and saved here as a real workbook."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import REPO, built_text
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf  # builds the documented project through the CLI

DOC = REPO / "docs" / "data.md"
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    info: list[str]
    text: str

    @property
    def file(self) -> str | None:
        return next((w[5:] for w in self.info if w.startswith("file=")), None)


def blocks() -> list[Block]:
    return [Block(m[1].split(), m[2]) for m in _FENCE.finditer(DOC.read_text(encoding="utf-8"))]


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        save_workbook(path, text)
    else:
        path.write_text(text, encoding="utf-8")


def save_workbook(path: Path, text: str) -> None:
    """CSV text as a one-sheet workbook: `62.5%` a percent-formatted cell, `2026-01-15` a date
    cell, `12500.50` a number shown with two decimals."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row, line in enumerate(text.strip().splitlines(), start=1):
        for column, written in enumerate(line.split(","), start=1):
            cell = sheet.cell(row=row, column=column, value=_cell(written))
            places = len(written.rstrip("%").partition(".")[2])
            shown = "0" + ("." + "0" * places if places else "")
            if row > 1 and written.endswith("%"):
                cell.number_format = shown + "%"
            elif row > 1 and re.fullmatch(r"\d+\.\d+", written):
                cell.number_format = shown
    book.save(path)


def _cell(text: str) -> object:
    if text.endswith("%"):
        return float(text[:-1]) / 100
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.datetime.fromisoformat(text)
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def documented_project(root: Path) -> Path:
    files: dict[str, str] = {}
    for block in blocks():
        if block.file and "mistake" not in block.info:
            files[block.file] = files.get(block.file, "") + block.text
    assert {"report.yml", "data/study.yml", "data/sites.csv", "data/budget.xlsx"} <= set(files)
    for rel, text in files.items():
        write(root, rel, text)
    return root


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_the_documented_project_builds_and_prints_what_the_page_says(tmp_path: Path) -> None:
    root = documented_project(tmp_path / "docs")
    code, text = built_text(root)
    assert code == 0, text
    expected = [line for b in blocks() if b.info == ["text", "pdf"] for line in b.text.splitlines()]
    assert len(expected) >= 15
    missing = [line for line in expected if flat(line) not in flat(text)]
    assert missing == [], flat(text)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert (result.exit_code, result.output.strip()) == (0, f"{root}: no problems found")


def mistakes() -> list[tuple[Block, str]]:
    found, pending = [], None
    for block in blocks():
        if "mistake" in block.info:
            pending = block
        elif pending is not None and block.info == ["text", "error"]:
            found.append((pending, block.text.strip()))
            pending = None
    return found


@pytest.mark.parametrize(("mistake", "error"), mistakes(), ids=lambda v: getattr(v, "file", ""))
def test_each_documented_mistake_gives_its_message(
    tmp_path: Path, mistake: Block, error: str
) -> None:
    root = documented_project(tmp_path / "docs")
    assert mistake.file is not None
    write(root, mistake.file, mistake.text)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert (result.exit_code, result.output.strip()) == (1, error)


def test_the_readme_links_the_data_reference() -> None:
    assert "(docs/data.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    assert len(mistakes()) >= 5


def test_the_table_of_languages_is_what_the_formatter_prints() -> None:
    from reportbuilder.compose.formatting import Formatter

    rows = re.findall(r"^\| `([\w-]+)` \| (.+) \|$", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert [lang for lang, _ in rows] == ["en", "en-GB", "fr", "es", "de"]
    day = dt.date(2026, 3, 31)
    for lang, cells in rows:
        fmt = Formatter(lang)
        printed = [fmt.number(1322.5), fmt.percent(12.5), fmt.date(day), fmt.date(day, "medium")]
        assert [flat(p) for p in printed] == [c.strip() for c in cells.split(" | ")]
