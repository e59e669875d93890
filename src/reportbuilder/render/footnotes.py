"""Footnotes the layout could not set under their chapter's pages.

WeasyPrint carries the notes that do not fit at a page's foot to the next page. Many calls
close together near a chapter's end (a "Sources" paragraph, a row of cited figures) leave
notes over when the chapter ends: the next page is the next chapter's (the notes print under
another chapter's running header) or the contact page, and after the last page on pages of
notes alone, without header or page number — with no word from WeasyPrint. A note on no page
at all ("lost") was WeasyPrint's pagination losing carried notes (`render.carried_notes`).
Measured in the laid-out pages: each note's page and its call's chapter; an error at the
chapter, since a note lost or set under another chapter is text lost or misplaced.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from reportbuilder.errors import Problem, Severity, Stage

_CALL = "::footnote-call"


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def _chapter(element: Any, parents: Mapping[Any, Any]) -> Any:
    while element is not None:
        if element.tag == "section" and "chapter" in (element.get("class") or "").split():
            return element
        element = parents.get(element)
    return None


def footnote_problems(
    pages: Sequence[Any], sources: Mapping[str, tuple[str, str]]
) -> list[Problem]:
    """An error per chapter whose notes are not all set on its own pages (lost after the
    last page, or under the next chapter or the contact page)."""
    if not pages:
        return []
    root = pages[0]._page_box.children[0].element
    notes = [e for e in root.iter("span") if "footnote" in (e.get("class") or "").split()]
    if not notes:
        return []
    parents = {child: parent for parent in root.iter() for child in parent}
    on_page: list[set[int]] = []  # id() of the chapters whose body is on each page
    alone: set[int] = set()  # pages of notes alone (after the last page, or blank in print)
    noted: dict[int, int] = {}  # id(note element) → index of the page its note is set on
    for index, page in enumerate(pages):
        body, *areas = page._page_box.children
        elements = {id(b.element): b.element for b in _boxes(body) if b.element is not None}
        on_page.append({id(_chapter(e, parents)) for e in elements.values()})
        if not body.children:
            alone.add(index)
        for area in areas:
            if type(area).__name__ == "FootnoteAreaBox":
                for box in area.children:
                    noted.setdefault(id(box.element), index)
    # chapter → (it, its notes not on its pages, how many lost, how many on pages alone)
    wrong: dict[int, tuple[Any, list[Any], int, int]] = {}
    for note in notes:
        chapter = _chapter(note, parents)
        if chapter is None:
            continue
        where = noted.get(id(note))
        if where is not None and id(chapter) in on_page[where]:
            continue
        _, missed, lost, apart = wrong.setdefault(id(chapter), (chapter, [], 0, 0))
        missed.append(note)
        if where is None:
            lost += 1
        elif where in alone:
            apart += 1
        wrong[id(chapter)] = (chapter, missed, lost, apart)
    problems = []
    for chapter, missed, lost, apart in wrong.values():
        path, source = sources.get(chapter.get("id") or "", (None, ""))
        first = " ".join("".join(missed[0].itertext()).split())
        words = " ".join(first.split()[:4])
        line = _line_of(source, words)
        under = len(missed) - lost - apart
        what = [
            (n, text)
            for n, text in (
                (lost, "lost after the last page"),
                (apart, "set on a page of notes alone, with no page number"),
                (under, "set under the next chapter or page"),
            )
            if n
        ]
        quoted = f"“{first[:60].rstrip()}{'…' if len(first) > 60 else ''}”"
        if len(missed) > 1:
            told = ", ".join(f"{n} {text}" for n, text in what)
            message = (
                f"{len(missed)} footnotes of this chapter do not fit on its pages ({told}), "
                f"from the one that reads {quoted}"
            )
        else:
            message = (
                f"a footnote of this chapter does not fit on its pages ({what[0][1]}): the "
                f"one that reads {quoted}"
            )
        problems.append(
            Problem(
                path,
                line,
                message,
                stage=Stage.RENDER,
                severity=Severity.ERROR,
                hint="fewer notes called close together near the chapter's end: cite the "
                "sources in a list or a table, or spread the calls over the text",
            )
        )
    return problems


def _line_of(source: str, words: str) -> int | None:
    """The line of the chapter's source that holds `words` (a note's first words)."""
    at = source.find(words) if words else -1
    return source.count("\n", 0, at) + 1 if at >= 0 else None
