"""report.yml's `cover_image`: the photo must be an image file inside the project, of a size a
PDF can carry. Checked once at load, each problem at its report.yml line."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from reportbuilder.project.files import FilePolicy, is_file

SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
MAX_BYTES = 25_000_000
MAX_PIXELS = 50_000_000  # a 300 dpi A3 page with bleed needs 18 million


def cover_problem(files: FilePolicy, written: str) -> str | None:
    """What is wrong with the cover photo written `written` (report.yml's `cover_image.file`),
    or None."""
    path = PurePosixPath(written)
    if ":" in written or path.is_absolute() or ".." in path.parts or "\\" in written:
        return (
            f"cover_image.file: write a path inside the project (assets/cover.jpg), not '{written}'"
        )
    if path.suffix.lower() not in SUFFIXES:
        return f"cover_image.file: '{written}' is not a JPEG, PNG or WebP photo"
    full = files.root / written
    if not is_file(full) or not files.in_project(full):
        return f"cover_image.file: no file {written} in the project"
    refused = files.refusal(Path(written))
    if refused:
        return f"cover_image.file: {written} {refused}"
    real = files.real(Path(written))
    weight = real.stat().st_size
    if weight > MAX_BYTES:
        return (
            f"cover_image.file: {written} weighs {weight / 1e6:.0f} MB; a cover photo may weigh "
            f"{MAX_BYTES // 1_000_000} MB (export it smaller)"
        )
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(real) as image:  # the header only
            width, height = image.size
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return f"cover_image.file: {written} is not an image that can be read"
    if width * height > MAX_PIXELS:
        return (
            f"cover_image.file: {written} is {width}×{height} pixels; a cover photo may have "
            f"{MAX_PIXELS // 1_000_000} million (export it smaller)"
        )
    return None


__all__ = ["cover_problem"]
