"""A chapter's HTML is read whatever it holds: a marked section Python's parser does not know
(`<![A>`, a fuzzer's find) stopped `check` with "internal error: AssertionError"."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder import check
from reportbuilder.tolerant_html import TolerantHTMLParser


class _Collect(TolerantHTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.seen.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        self.seen.append(data)


@pytest.mark.parametrize("section", ["<![A>", "<![if !IE]>", "<![ INCLUDE x>"])
def test_an_unknown_marked_section_is_text(section: str) -> None:
    parser = _Collect()
    parser.feed(f"<p>{section} after <b>bold</b></p>")
    parser.close()
    assert "".join(parser.seen).replace("<![", "", 1).endswith("after <b>bold")
    assert parser.seen[0] == "<p>" and "<b>" in parser.seen


def test_check_of_a_chapter_holding_one_says_no_internal_error(mini_project: Path) -> None:
    chapter = mini_project / "content" / "01-overview.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n<script></script><![A>\n", "utf-8")
    result = check(mini_project)  # the script is removed with a warning; nothing crashes
    assert any("script" in w.message for w in result.warnings)
