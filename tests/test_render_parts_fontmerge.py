"""The last assembly of a report laid out by parts merges the blocks' fonts, each already
merged from its parts (written again, so encoded otherwise than HarfBuzz wrote them): every
glyph record is read once a font program, not once for every pair of blocks compared, and
the text is the same as the parts joined unmerged."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from reportbuilder.render import fontmerge
from test_render_fontmerge import FIRST, SECOND, fonts, join, pdftotext, render

pytestmark = pytest.mark.pdf


def test_blocks_merged_again_read_each_glyph_record_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [FIRST, SECOND, "Troisième chapitre : éléphant, ça va, 42", "Quatre : où, naïf"]
    parts = [render(text) for text in texts * 2]
    # Four blocks of two parts, as `incremental._assemble_in_blocks` makes them.
    blocks = [fontmerge.merge_fonts(join(*parts[at : at + 2])) for at in range(0, 8, 2)]
    read: collections.Counter[tuple[int, bytes]] = collections.Counter()
    shape = fontmerge._glyf_shape

    def counted(member: fontmerge._Member, data: bytes) -> tuple[object, ...]:
        read[(id(member.program), data)] += 1
        return shape(member, data)

    monkeypatch.setattr(fontmerge, "_glyf_shape", counted)
    merged = tmp_path / "merged.pdf"
    merged.write_bytes(fontmerge.merge_fonts(join(*blocks)))

    assert read, "no glyph compared as an outline: the blocks' subsets were not written again"
    assert set(read.values()) == {1}
    assert not fontmerge._shapes  # kept during one merge only (keyed by the programs' ids)
    joined = tmp_path / "joined.pdf"
    joined.write_bytes(join(*parts))
    # Fewer programs than the parts carry (two blocks' serif subsets stay apart here, as
    # before the glyphs were read once), and the same text.
    assert len(fonts(merged)) < len(fonts(joined))
    assert pdftotext(merged) == pdftotext(joined)
