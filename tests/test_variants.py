"""variants: the page sizes and PDF variants report.yml, the command line and the library
share. That the PDF variants are WeasyPrint's own is tested in test_api.py."""

from __future__ import annotations

import pytest
from weasyprint.css.computed_values import PAGE_SIZES as WEASYPRINT_PAGE_SIZES

from reportbuilder.variants import PAGE_HEIGHTS_MM, PAGE_SIZES, PDF_VARIANTS


def test_the_page_sizes_are_the_heights_keys() -> None:
    assert tuple(PAGE_HEIGHTS_MM) == PAGE_SIZES
    assert PAGE_SIZES[0] == "A4"  # report.yml's default comes first in messages


@pytest.mark.parametrize("size", PAGE_SIZES)
def test_every_page_size_is_one_weasyprint_knows_with_the_same_height(size: str) -> None:
    width, height = WEASYPRINT_PAGE_SIZES[size.lower()]
    millimetres = {"mm": 1, "in": 25.4}
    assert round(height.value * millimetres[height.unit], 1) == PAGE_HEIGHTS_MM[size]
    assert width.value < height.value  # portrait


def test_pdf_variants_are_lowercase_and_unique() -> None:
    assert len(set(PDF_VARIANTS)) == len(PDF_VARIANTS)
    assert all(v == v.lower() and v.startswith("pdf/") for v in PDF_VARIANTS)
