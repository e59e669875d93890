"""PDF/X's DocumentID is derived from the document: the same input gives the same bytes
(trial 6 #20: WeasyPrint drew it at random for PDF/X-4 and PDF/X-5g)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import one_chapter_project
from reportbuilder import build
from reportbuilder.edition import Edition

pytestmark = pytest.mark.pdf

CREATED = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _document_id(path: Path) -> bytes:
    found = re.findall(rb"xmp\.did:([0-9a-f-]{36})", path.read_bytes())
    assert len(found) == 1, "the XMP is expected uncompressed, with one DocumentID"
    return found[0]


@pytest.mark.parametrize("variant", ["pdf/x-4", "pdf/x-5g"])
def test_the_same_input_gives_the_same_pdf_x(tmp_path: Path, variant: str) -> None:
    root = one_chapter_project(tmp_path / "p", "Print", "# Print\n\nThe same words.\n")
    edition = Edition(pdf_variant=variant, created=CREATED)
    one, two, other = tmp_path / "1.pdf", tmp_path / "2.pdf", tmp_path / "3.pdf"
    build(root, edition, output=one)
    build(root, edition, output=two)
    assert one.read_bytes() == two.read_bytes()
    (root / "content" / "01.md").write_text("# Print\n\nOther words.\n", encoding="utf-8")
    build(root, edition, output=other)
    assert _document_id(other) != _document_id(one)
