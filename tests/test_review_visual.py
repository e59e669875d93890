"""`review.visual`: the outlines drawn around changed regions, on pictures made here."""

from __future__ import annotations

from PIL import Image, ImageChops, ImageDraw

from reportbuilder.review.visual import _changed_cells, _side_by_side


def _page() -> Image.Image:
    return Image.new("RGB", (200, 280), "white")


def test_equal_pictures_have_no_changed_region() -> None:
    assert _changed_cells(Image.new("RGB", (203, 287), "black")) == []


def test_one_changed_word_is_one_box_around_it() -> None:
    old, new = _page(), _page()
    ImageDraw.Draw(new).rectangle((50, 100, 90, 108), fill="black")
    difference = ImageChops.difference(old, new)
    boxes = _changed_cells(difference)
    assert len(boxes) == 1
    left, top, right, bottom = boxes[0]
    assert left <= 50 and top <= 100 and right >= 90 and bottom >= 108
    assert right - left < 60 and bottom - top < 24


def test_two_distant_changes_are_two_boxes() -> None:
    new = _page()
    draw = ImageDraw.Draw(new)
    draw.rectangle((10, 10, 20, 14), fill="black")
    draw.rectangle((150, 250, 170, 256), fill="black")
    assert len(_changed_cells(ImageChops.difference(_page(), new))) == 2


def test_side_by_side_shows_both_pages_with_red_outlines() -> None:
    new = _page()
    ImageDraw.Draw(new).rectangle((50, 100, 90, 108), fill="black")
    sheet = _side_by_side(_page(), new, 4, 5)
    assert sheet.width > 2 * 200 and sheet.height > 280
    colours = {rgb for _, rgb in sheet.getcolors(maxcolors=1 << 20) or []}
    assert (220, 30, 30) in colours
    # The old page (left) carries the outline too, at the same place.
    left_half = sheet.crop((0, 0, 200, sheet.height))
    assert (220, 30, 30) in {rgb for _, rgb in left_half.getcolors(maxcolors=1 << 20) or []}
