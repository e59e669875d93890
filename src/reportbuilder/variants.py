"""Values shared by `report.yml` and the command line, kept free of heavy imports so that the
command starts fast."""

from __future__ import annotations

# WeasyPrint 70's PDF variants, listed here so that neither `check` nor `--help` imports it.
PDF_VARIANTS = (
    "pdf/a-1a", "pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b",
    "pdf/a-3u", "pdf/a-4b", "pdf/a-4e", "pdf/a-4f", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2",
)  # fmt: skip
