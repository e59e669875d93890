"""A workbook's zip archive judged from its own directory before anything is unpacked.

An `.xlsx` is a zip of XML parts. A 2 MB file can declare a 2 GiB sheet (a "zip bomb"):
openpyxl would inflate and parse it for a minute and take gigabytes of memory. The zip's
central directory states each part's size, so the archive is refused from those figures
alone, at once. Ordinary workbooks are far below both limits (a 20 MB workbook of numbers
unpacks to some 200 MB; XML of real cells compresses at most some 20 to 1, rarely 100)."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_UNPACKED_BYTES = 400_000_000  # the parts together, as the archive declares them
MAX_RATIO = 200  # unpacked : packed, for a part larger than RATIO_FROM_BYTES
RATIO_FROM_BYTES = 20_000_000


def archive_problem(path: Path) -> str | None:
    """Why the archive at `path` must not be unpacked, or None. A file that is no zip at
    all is left to the reader (which says it cannot be read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        return (
            f"would unpack to {unpacked / 1e6:,.0f} MB (the limit is "
            f"{MAX_UNPACKED_BYTES // 1_000_000} MB); not read. Is it a workbook saved by a "
            "spreadsheet program? Save it again from Excel or LibreOffice, or as .csv"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            return (
                f"its part {part.filename} is compressed {ratio:,.0f} to 1 (more than "
                f"{MAX_RATIO} to 1 is no spreadsheet's); not read. Save it again from Excel "
                "or LibreOffice, or as .csv"
            )
    return None
