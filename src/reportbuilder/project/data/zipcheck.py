"""A workbook's zip archive judged from its own directory before anything is unpacked.

An `.xlsx` is a zip of XML parts. A 2 MB file can declare a 2 GiB sheet (a "zip bomb"):
openpyxl would inflate and parse it for a minute and take gigabytes of memory. The zip's
central directory states each part's size, so the archive is refused from those figures
alone, at once. Ordinary workbooks are far below both limits (a 20 MB workbook of numbers
unpacks to some 200 MB; XML of real cells compresses at most some 20 to 1, rarely 100)."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

MAX_UNPACKED_BYTES = 400_000_000  # the parts together, as the archive declares them
# Cells stored in the sheets together. openpyxl reads some 7,500 cells a second here, so a
# million cells cost `check` over two minutes and a gigabyte; a CSV of the same table is
# read a hundred times faster (its own limit is CSV_MAX_CELLS).
MAX_CELLS = 1_000_000
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
    cells = count_cells(path, [p for p in parts if p.filename.startswith("xl/worksheets/")])
    if cells > MAX_CELLS:
        return (
            f"has {cells:,} cells in its sheets, more than {MAX_CELLS:,} (each cell of a merge "
            "counts): too many to read from a workbook; unmerge what reaches beyond the table, "
            "save the table as .csv (read a hundred times faster) or split it"
        )
    return None


def count_cells(path: Path, parts: list[zipfile.ZipInfo]) -> int:
    """Cells (`<c …>`, or `<x:c …>` with a namespace prefix) the sheet parts hold, counted
    while unpacking them in chunks: no XML is parsed, no more than a chunk is held. The cells
    a merge covers count too: openpyxl makes an object for each (a 5 KB file merging
    A1:Z1048576 is 27 million of them). A part that cannot be unpacked counts none (the
    reader says the file cannot be read)."""
    count = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for part in parts:
                with archive.open(part) as stream:
                    tail = b""
                    while True:
                        chunk = stream.read(_CHUNK)
                        joined = tail + chunk
                        # a cell cut by the chunk's end is counted with the next chunk
                        cut = len(joined) - _LONGEST_TAG if chunk else len(joined)
                        count += sum(1 for m in _CELL.finditer(joined) if m.start() < cut)
                        count += sum(
                            _merged_area(m) for m in _MERGE.finditer(joined) if m.start() < cut
                        )
                        if not chunk:
                            break
                        tail = joined[max(cut, 0) :]
    except (zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return 0
    return count


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?c[\s>/]")
_MERGE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,20}:)?mergeCell\s[^>]{0,40}?ref=[\"']([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"
)
_LONGEST_TAG = 96  # a merge's tag up to its reference


def _merged_area(match: re.Match[bytes]) -> int:
    """The cells a merge covers beyond its first (each an object of its own)."""
    from openpyxl.utils.cell import column_index_from_string

    first_column, first_row, last_column, last_row = match.groups()
    try:
        columns = column_index_from_string(last_column.decode()) - column_index_from_string(
            first_column.decode()
        )
    except ValueError:
        return 0
    return max((abs(columns) + 1) * (abs(int(last_row) - int(first_row)) + 1) - 1, 0)


_CHUNK = 1 << 20
