"""PDFium is called by one thread at a time (`review/pdfium.py`): a build of several editions
with `--jobs 2` lints each PDF in its own thread, and two lints at once crashed the command
with a general protection fault in libpdfium (found by bench/speed.py --jobs-only)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from reportbuilder.review.pdflint import LintRules, lint_pdf
from reportbuilder.review.visual import drawn_alike

pytestmark = pytest.mark.pdf


def test_lints_and_drawings_from_many_threads_agree_and_do_not_crash() -> None:
    import weasyprint

    pages = "".join(
        f"<p style='font-size: {5 + n % 4}pt; break-after: page'>Page {n} of many words</p>"
        for n in range(30)
    )
    data = weasyprint.HTML(string=pages).write_pdf()
    rules = LintRules()
    alone = [str(p) for p in lint_pdf(data, rules)]
    assert alone  # the 5 pt text is under the smallest size: each lint has work to do

    def work(n: int) -> tuple[list[str], bool]:
        return [str(p) for p in lint_pdf(data, rules)], drawn_alike(
            data, 1 + n % 30, data, 1 + n % 30
        )

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(24)))
    assert all(found == alone and alike for found, alike in results)
