"""render/assembly.py: parts laid out apart and joined equal the document laid out whole —
text, links and where they lead, outline (nested over parts), structure tree — with one
parent tree and unique table header ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdfsame import summary
from reportbuilder.project.files import FilePolicy
from reportbuilder.render.assembly import LaidOut, assemble
from reportbuilder.render.renderer import RenderJob, render_in_process

pytestmark = pytest.mark.pdf

HEAD = """<!DOCTYPE html><html lang="en"><head><title>T</title><style>
@page { @bottom-right { content: counter(page) " of " counter(pages); } }
section { break-before: page; }
a.x::after { content: " p. " target-counter(attr(href url), page); }
</style>{extra}</head><body>"""
ONE = """<section id="one"><h1 id="t1">One</h1><p><a class="x" href="#t2">to two</a></p>
<table><thead><tr><th>H</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></section>"""
TWO = """<section id="two"><h2 id="t2">Two, a level below</h2><p><a class="x" href="#t1">back</a>
<a href="https://example.org/">out</a></p>
<table><thead><tr><th>H</th></tr></thead><tbody><tr><td>2</td></tr></tbody></table></section>"""


def _render(tmp_path: Path, text: str, foreign: dict[str, int] | None = None) -> bytes:
    job = RenderJob(
        text, tmp_path.as_uri() + "/", FilePolicy(tmp_path), foreign_pages=foreign or {}
    )
    return render_in_process(job).data


def test_parts_joined_equal_the_whole(tmp_path: Path) -> None:
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(_render(tmp_path, HEAD.replace("{extra}", "") + ONE + TWO))
    parts = []
    for body, start, foreign in ((ONE, 1, {"t2": 2}), (TWO, 2, {"t1": 1})):
        extra = f"<style>@page :first {{ counter-reset: page {start}; }}</style>"
        head = HEAD.replace("{extra}", extra).replace("counter(pages)", '"2"')
        job = RenderJob(
            head + body,
            tmp_path.as_uri() + "/",
            FilePolicy(tmp_path),
            foreign_pages=foreign,
            page_map=True,
        )
        pdf = render_in_process(job)
        parts.append(LaidOut(pdf.data, pdf.bookmarks, tables=True))
    joined = tmp_path / "joined.pdf"
    joined.write_bytes(assemble(parts))
    expected, found = summary(whole), summary(joined)
    assert found["text"][1].startswith("Two") and "back p. 1" in found["text"][1]
    assert [(depth, title) for depth, title, _ in found["outline"]] == [
        (0, "One"),
        (1, "Two, a level below"),
    ]
    assert found["parent_tree_ok"] and found["header_ids_ok"]
    for key in expected:
        assert found[key] == expected[key], key
