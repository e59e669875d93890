"""A cut running header's "…" is "…" in the PDF's text, not the text it hides (WeasyPrint
mapped the glyph to the hidden text: poppler refused the entry, and every "…" of the body
in that font read as the header's missing words)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import copy_fixture, page_texts
from reportbuilder.cli import main
from reportbuilder.render.ellipsis_text import hidden_text

LONG_TITLE = (
    "A very long chapter title about the regional distribution of household incomes and "
    "their change over the last ten years of the survey in every region"
)


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("ffi", False),  # a ligature
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", False),  # an emoji sequence
        ("क्ष", False),  # a conjunct
        (" household incomes and their change", True),
        ("regional", True),
    ],
)
def test_hidden_text(text: str, hidden: bool) -> None:
    assert hidden_text(text) is hidden


@pytest.mark.pdf
def test_a_cut_running_header_reads_as_cut(tmp_path: Path) -> None:
    root = copy_fixture("tiny", tmp_path / "tiny")
    chapter = root / "content" / "01-only.md"
    body = chapter.read_text("utf-8").split("\n", 1)[1]
    chapter.write_text(f"# {LONG_TITLE}\n{body}\nAnd then… a real ellipsis.\n", "utf-8")
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    pdf = root / "out" / "tiny.pdf"
    texts = page_texts(pypdf.PdfReader(pdf))
    headers = [line for text in texts for line in text.splitlines() if line.endswith("…")]
    assert headers, texts  # the running header is cut and says so
    assert all(len(line) < len(LONG_TITLE) for line in headers)
    assert "And then… a real ellipsis." in "\n".join(texts)
    poppler = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    assert "ToUnicode" not in poppler.stderr
    assert "household incomes and their change over the last ten years" not in "".join(
        line for line in poppler.stdout.splitlines() if line.endswith("…")
    )
