"""Footnotes carried to a later page in a chapter that holds a `ref()` (trial 7 #15): laid
out whole, WeasyPrint paginated the report again for the reference's page number, remade
only the pages that changed, and lost the notes a reused page had carried — the report was
refused ("lost after the last page") where the parts layout built it. Each case is built
three ways: with WeasyPrint's own pagination (it must still lose a note, or the case tests
nothing), with ours, and with every page remade on every pass (slow, never loses a note):
ours must give the same pages, with every note on the same page, as that last one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest

from conftest import one_chapter_project
from reportbuilder import build
from reportbuilder.cache import Cache
from reportbuilder.errors import RenderError
from reportbuilder.render import carried_notes
from reportbuilder.render.engine import import_weasyprint

pytestmark = pytest.mark.pdf

FILL = (
    "The survey reached households in every region, and the answers were weighed by age, "
    "sex and region so that the figures speak for the whole population. "
)


def _note(n: int, lines: int) -> str:
    body = " ".join(["The note says where the figure comes from and how it was counted."] * lines)
    return f"[^n{n}]: NOTE{n}START {body} NOTE{n}END"


def _chapter(
    notes: int = 4,
    lines: int = 10,
    table: bool = False,
    refs: int = 1,
    backward: bool = False,
    gap: int = 0,
    target: bool = True,
) -> str:
    """A chapter whose paragraph (or table) of `notes` calls, each note `lines` sentences
    long, lies on a page without a reference; after `gap` paragraphs, the pages hold `refs`
    forward references to a table further on (and, if `backward`, one back to a table
    before); text after that table (this chapter's unless not `target`) gives the carried
    notes pages of the chapter to go to."""
    parts = ["# Start", FILL * 3]
    if backward:
        parts += ["| Year | Count |\n|---|---|\n| 2024 | 10 |\n\nTable: Earlier {#tab-a}"]
    parts += [FILL * 3] * 3
    calls = "".join(f"[^n{n}]" for n in range(1, notes + 1))
    if table:
        rows = "\n".join(f"| Region {n} | {n * 10}[^n{n}] |" for n in range(1, notes + 1))
        parts += [f"| Region | Count |\n|---|---|\n{rows}\n\nTable: Noted {{#tab-n}}"]
    else:
        parts += [f"The figures come from several sources.{calls} More text follows."]
    parts += [FILL * 4] * gap
    for n in range(refs):
        back = ' and {{ ref("tab-a") }}' if backward else ""
        parts += [f'See {{{{ ref("tab-x") }}}}{back} for the counts ({n}). ' + FILL * 2]
        parts += [FILL * 3] * 2
    if target:  # else another chapter's
        parts += ["| Region | Count |\n|---|---|\n| North | 12 |\n\nTable: Counts {#tab-x}"]
    parts += [FILL * 4] * 12  # pages to set the notes on
    parts += [_note(n, lines) for n in range(1, notes + 1)]
    return "\n\n".join(parts) + "\n"


def _project(tmp_path: Path, chapter: str, page_size: str = "A4") -> Path:
    root = one_chapter_project(tmp_path / "p", "Notes", chapter)
    (root / "report.yml").write_text(
        f"title: Notes\nlang: en\npage_size: {page_size}\n", encoding="utf-8"
    )
    return root


def _every_page_again(context: Any, root_box: Any, html: Any, pages: Any) -> Any:
    """WeasyPrint's pagination with no page reused: every page remade on every pass."""
    from weasyprint.layout import page

    return page.make_all_pages(context, root_box, html, [])


def _texts(root: Path, out: Path) -> list[str] | str:
    """Each page's text, or the problems of a refused build."""
    try:
        build(root, output=out)
    except RenderError as error:
        return "\n".join(str(p) for p in error.problems)
    return [page.extract_text() for page in pypdf.PdfReader(out).pages]


def _three_ways(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str] | str]:
    """The report built with WeasyPrint's pagination ("stock"), ours ("fixed"), and every
    page remade on every pass ("every"). A build starts its own render process, forked
    after the pagination is chosen here."""
    import_weasyprint()
    from weasyprint import layout
    from weasyprint.layout import page

    ours = layout.make_all_pages
    assert getattr(ours, "_reportbuilder_carried_notes", False)
    ways: dict[str, Callable[..., Any]] = {
        "stock": page.make_all_pages,
        "fixed": ours,
        "every": _every_page_again,
    }
    found: dict[str, list[str] | str] = {}
    for name, function in ways.items():
        with monkeypatch.context() as patch:
            patch.setattr(layout, "make_all_pages", function)
            patch.setattr(carried_notes, "install", lambda: False)
            found[name] = _texts(root, root / "out" / f"{name}.pdf")
    assert layout.make_all_pages is ours
    return found


def _where(texts: list[str], notes: int) -> dict[int, tuple[int, int]]:
    """Note → (page of its start, page of its end)."""

    def page_of(marker: str) -> int:
        return next(i for i, text in enumerate(texts) if marker in text)

    return {n: (page_of(f"NOTE{n}START"), page_of(f"NOTE{n}END")) for n in range(1, notes + 1)}


CASES = {
    "several notes carried": ({"notes": 4, "lines": 20}, "A4"),
    # Notes carried from the page of their calls to the next, and from it to the one after.
    "notes carried over two pages": ({"notes": 6, "lines": 30, "gap": 4}, "A4"),
    "notes in a table": ({"notes": 4, "lines": 20, "table": True}, "A4"),
    "A5": ({"notes": 3, "lines": 12}, "A5"),
    "Letter": ({"notes": 4, "lines": 20, "gap": 2}, "letter"),
    "several refs, forward and backward": (
        {"notes": 4, "lines": 20, "refs": 3, "backward": True},
        "A4",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_notes_carried_before_a_reference_are_all_printed(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments, page_size = CASES[case]
    notes = int(arguments["notes"])
    root = _project(tmp_path, _chapter(**arguments), page_size)
    found = _three_ways(root, monkeypatch)
    stock, fixed, every = found["stock"], found["fixed"], found["every"]
    assert isinstance(stock, str) and "lost after the last page" in stock, stock
    assert isinstance(every, list), every
    assert isinstance(fixed, list), fixed
    assert fixed == every  # the same pages, the same text on each
    where = _where(fixed, notes)
    call = next(i for i, text in enumerate(fixed) if "NOTE" in text)
    assert any(start > call for start, _ in where.values())  # some were carried
    assert all(start <= end for start, end in where.values())
    shutil.rmtree(root / "out")


def _parts_and_whole(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """Each page's text of the report laid out by parts, then whole."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with monkeypatch.context() as patch:
        patch.setenv("REPORTBUILDER_PARTS", "1")
        result = build(root, output=root / "out" / "parts.pdf", cache=Cache(root), jobs=2)
    assert result.outputs[0].layout == "parts", result.outputs[0].layout_reason
    parts = [p.extract_text() for p in pypdf.PdfReader(root / "out" / "parts.pdf").pages]
    whole = _texts(root, root / "out" / "whole.pdf")
    assert isinstance(whole, list), whole
    return parts, whole


@pytest.mark.parametrize(("page_size", "lines", "gap"), [("A4", 20, 2), ("A5", 12, 1)])
def test_notes_carried_before_a_reference_to_another_chapter_print_as_laid_out_by_parts(
    page_size: str, lines: int, gap: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trial's case: the reference points to a table of a later chapter (laid out by
    parts, its page is known from the page map; laid out whole, it is resolved on a second
    pass). Both layouts give the same pages, every note on the same page."""
    notes = 4
    chapter = _chapter(notes=notes, lines=lines, gap=gap, refs=2, target=False)
    root = _project(tmp_path, chapter, page_size)
    (root / "content" / "02-counts.md").write_text(
        "# Counts\n\n" + FILL * 2 + "\n\n| Region | Count |\n|---|---|\n| North | 12 |\n\n"
        "Table: Counts {#tab-x}\n\n" + FILL * 2 + "\n",
        encoding="utf-8",
    )
    with monkeypatch.context() as patch:
        from weasyprint import layout
        from weasyprint.layout import page

        patch.setattr(layout, "make_all_pages", page.make_all_pages)
        patch.setattr(carried_notes, "install", lambda: False)
        stock = _texts(root, root / "out" / "stock.pdf")
    assert isinstance(stock, str) and "lost after the last page" in stock, stock
    parts, whole = _parts_and_whole(root, monkeypatch)
    assert len(whole) == len(parts)
    assert _where(whole, notes) == _where(parts, notes)
    assert whole == parts
