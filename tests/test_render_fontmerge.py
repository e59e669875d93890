"""Merging the font subsets of an assembled PDF: one program per font, the same text and
pixels, and never two different fonts merged because they share a name."""

from __future__ import annotations

import collections
import io
import json
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from reportbuilder.cli import main
from reportbuilder.render.fontmerge import merge_fonts

pytestmark = pytest.mark.pdf

FONTS = Path(__file__).parents[1] / "src" / "reportbuilder" / "themes" / "base" / "fonts"


# -- reading PDFs back ------------------------------------------------------------------------


def fonts(path: Path) -> list[str]:
    """The fonts `pdffonts` lists: their base names, subset tag dropped."""
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    return [line.split()[0].split("+", 1)[-1] for line in lines]


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pypdf_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def pixels_apart(one: Path, two: Path, tmp: Path, dpi: int = 50) -> tuple[int, int, int]:
    """(pages, pixels that differ, largest difference of a channel) of two PDFs drawn by
    pdftoppm at `dpi`."""
    drawn = []
    for name, path in (("one", one), ("two", two)):
        folder = tmp / f"px-{name}-{path.stem}"
        folder.mkdir(parents=True)
        command = ["pdftoppm", "-r", str(dpi), "-png", str(path), str(folder / "p")]
        subprocess.run(command, check=True)
        drawn.append(sorted(folder.glob("*.png")))
    assert len(drawn[0]) == len(drawn[1])
    count = largest = 0
    for a, b in zip(*drawn, strict=True):
        diff = ImageChops.difference(Image.open(a).convert("RGB"), Image.open(b).convert("RGB"))
        raw = diff.tobytes()
        count += sum(1 for i in range(0, len(raw), 3) if raw[i : i + 3] != b"\0\0\0")
        largest = max(largest, max(raw, default=0))
    return len(drawn[0]), count, largest


# -- a PDF joined from separate renders, as chapters or a cover are ---------------------------

HTML = """<html><head><style>
@font-face {{ font-family: TestSerif; src: url({serif}); }}
@font-face {{ font-family: TestSans; src: url({sans}); }}
@font-face {{ font-family: TestSame; src: url({same}); }}
@page {{ size: A6; margin: 1cm }}
p {{ font-size: 14pt }}
</style></head><body>
<p style="font-family: TestSerif">{text}</p>
<p style="font-family: TestSans">{text}</p>
<p style="font-family: TestSame">{text}</p>
</body></html>"""


def render(text: str, same: Path = FONTS / "NotoSerif-Regular.ttf") -> bytes:
    import weasyprint

    html = HTML.format(
        serif=(FONTS / "NotoSerif-Regular.ttf").as_uri(),
        sans=(FONTS / "Inter-Regular.otf").as_uri(),
        same=same.as_uri(),
        text=text,
    )
    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def join(*parts: bytes) -> bytes:
    """The pages of several PDFs in one, each keeping its own fonts (as pikepdf joins them)."""
    with pikepdf.open(io.BytesIO(parts[0])) as whole:
        for part in parts[1:]:
            with pikepdf.open(io.BytesIO(part)) as other:
                whole.pages.extend(other.pages)
        out = io.BytesIO()
        whole.save(out)
        return out.getvalue()


FIRST = "Chapter one: Łódź, café, 1 234 km and a fine fish"
SECOND = "Chapter two: Zoë Ñúñez, 56 789 — quartz, jackdaws"


def test_a_joined_pdf_keeps_one_program_per_font(tmp_path: Path) -> None:
    joined = tmp_path / "joined.pdf"
    joined.write_bytes(join(render(FIRST), render(SECOND)))
    merged = tmp_path / "merged.pdf"
    merged.write_bytes(merge_fonts(joined.read_bytes()))

    before = collections.Counter(fonts(joined))
    assert set(before.values()) == {2}  # each font twice: one subset per render
    after = collections.Counter(fonts(merged))
    assert after.keys() == before.keys() and set(after.values()) == {1}
    assert merged.stat().st_size < joined.stat().st_size

    assert pypdf_texts(merged) == pypdf_texts(joined)
    assert pdftotext(merged) == pdftotext(joined)
    assert "Zoë Ñúñez" in pdftotext(merged) and "Łódź" in pdftotext(merged)
    for dpi in (50, 150):
        pages, count, largest = pixels_apart(joined, merged, tmp_path / str(dpi), dpi)
        assert pages == 2
        assert (count, largest) == (0, 0)


def test_subsets_merged_in_blocks_merge_again_into_one(tmp_path: Path) -> None:
    """A long report is assembled in blocks, then the blocks: a subset fontTools wrote again
    (composite glyphs such as "é" encoded otherwise) still merges with HarfBuzz's, and a
    small part drawing few glyphs joins through the parts it shares outlines with."""
    third, small = "Troisième chapitre : éléphant, ça va, 42", "ï"
    parts = [render(FIRST), render(SECOND), render(third), render(small)]
    blocks = [merge_fonts(join(*parts[:2])), merge_fonts(join(*parts[2:]))]
    joined = tmp_path / "joined.pdf"
    joined.write_bytes(join(*parts))
    merged = tmp_path / "merged.pdf"
    merged.write_bytes(merge_fonts(join(*blocks)))

    assert set(collections.Counter(fonts(joined)).values()) == {4}
    after = collections.Counter(fonts(merged))
    assert after.keys() == collections.Counter(fonts(joined)).keys()
    assert set(after.values()) == {1}
    assert pdftotext(merged) == pdftotext(joined)
    pages, count, largest = pixels_apart(joined, merged, tmp_path / "px", 100)
    assert pages == 4 and (count, largest) == (0, 0)


def test_the_merged_subset_has_a_fresh_tag_and_the_same_input_the_same_bytes() -> None:
    joined = join(render(FIRST), render(SECOND))
    one, two = merge_fonts(joined), merge_fonts(joined)
    assert one == two

    def tags(data: bytes) -> list[str]:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return [
                str(o.BaseFont)
                for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/Subtype") == "/Type0"
            ]

    old, new = tags(joined), tags(one)
    assert len(old) == 6 and len(set(old)) == 3  # two subsets of each font, one tag each
    assert len(new) == 3
    assert not set(new) & set(old)


def test_nothing_to_merge_leaves_the_pdf_as_it_is() -> None:
    single = render(FIRST)
    assert merge_fonts(single) == single


def system_font(family: str) -> Path:
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", family], check=True, capture_output=True, text=True
    ).stdout
    assert found.endswith(".ttf"), found
    return Path(found)


def test_two_fonts_that_share_a_name_are_not_merged(tmp_path: Path) -> None:
    """`TestSame` is Noto Serif in one render and DejaVu Sans in the other: the PDF names
    both `XXXXXX+TestSame`, and each keeps its own program."""
    joined = tmp_path / "joined.pdf"
    joined.write_bytes(join(render(FIRST), render(SECOND, system_font("DejaVu Sans"))))
    merged = tmp_path / "merged.pdf"
    merged.write_bytes(merge_fonts(joined.read_bytes()))
    assert collections.Counter(fonts(joined))["TestSame"] == 2
    found = collections.Counter(fonts(merged))
    assert found["TestSame"] == 2  # not merged
    assert found["TestSerif"] == found["TestSans"] == 1  # the others are
    assert pdftotext(merged) == pdftotext(joined)
    assert pixels_apart(joined, merged, tmp_path, 100)[1:] == (0, 0)


def test_a_font_with_the_same_tables_but_another_outline_is_not_merged(tmp_path: Path) -> None:
    """The same file with one glyph drawn otherwise (same head, names, dates): the glyph
    both subsets draw differs, so they are not one font."""
    font = TTFont(FONTS / "NotoSerif-Regular.ttf", recalcTimestamp=False)
    glyph = font["glyf"][font.getBestCmap()[ord("a")]]
    glyph.coordinates.scale((1.0, 0.5))
    other = tmp_path / "NotoSerif-Doctored.ttf"
    font.save(other)
    original = TTFont(FONTS / "NotoSerif-Regular.ttf")
    assert TTFont(other)["head"].modified == original["head"].modified

    joined = tmp_path / "joined.pdf"
    joined.write_bytes(join(render(FIRST), render(SECOND, other)))
    merged = tmp_path / "merged.pdf"
    merged.write_bytes(merge_fonts(joined.read_bytes()))
    assert collections.Counter(fonts(merged))["TestSame"] == 2
    assert pixels_apart(joined, merged, tmp_path, 100)[1:] == (0, 0)


def test_a_font_that_cannot_be_read_is_left_as_it_is(tmp_path: Path) -> None:
    """One subset's program is damaged: both subsets stay, nothing is lost."""
    joined = join(render(FIRST), render(SECOND))
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        damaged = 0
        for font in pdf.objects:
            if (
                isinstance(font, pikepdf.Dictionary)
                and font.get("/Subtype") == "/Type0"
                and str(font.BaseFont).endswith("+TestSans")
            ):
                descriptor = font.DescendantFonts[0].FontDescriptor
                descriptor.FontFile3.write(b"not a font")
                damaged += 1
                break
        out = io.BytesIO()
        pdf.save(out)
    assert damaged == 1
    merged = merge_fonts(out.getvalue())
    path = tmp_path / "merged.pdf"
    path.write_bytes(merged)
    found = collections.Counter(fonts(path))
    assert found["TestSans"] == 2 and found["TestSerif"] == 1


# -- a real merge: its copy against a full build of the same row ------------------------------

ROW = "name,email,organisation,lang,reference,date\n" + (
    "Zoë Łukasiewicz-Ñúñez,zoe@example.org,Ministère,fr,Q-77,2026-12-08\n"
)


def test_a_merged_copy_weighs_what_a_full_build_does(
    example_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    people = tmp_path / "requesters.csv"
    people.write_text(ROW, encoding="utf-8")
    made = {}
    for how in ("assembled", "full"):
        out = tmp_path / how
        args = ["merge", str(example_project), str(people), "-o", str(out), "--json"]
        result = runner.invoke(main, [*args, *(["--full"] if how == "full" else [])])
        assert result.exit_code == 0, result.output
        (row,) = json.loads(result.stdout)["rows"]
        assert row["method"] == how
        made[how] = out / row["file"]
    copy, full = made["assembled"], made["full"]

    ratio = copy.stat().st_size / full.stat().st_size
    print(f"merged copy {copy.stat().st_size} B, full build {full.stat().st_size} B: ×{ratio:.3f}")
    assert ratio <= 1.10
    names = fonts(copy)
    assert len(names) == len(set(names)) and sorted(names) == sorted(fonts(full))
    assert pypdf_texts(copy) == pypdf_texts(full)
    assert pdftotext(copy) == pdftotext(full)
    assert "Zoë Łukasiewicz-Ñúñez" in pdftotext(copy)
    pages, count, largest = pixels_apart(full, copy, tmp_path)
    assert pages > 3
    assert (count, largest) == (0, 0)


def test_the_quick_cff_union_draws_what_fonttools_writes() -> None:
    """The CFF union written byte for byte reads back, with fontTools, as the same glyphs
    and advances as the union fontTools writes itself."""
    from reportbuilder.render import fontmerge

    joined = join(render(FIRST), render(SECOND))
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        fonts = [f for f in pdf.objects if isinstance(f, pikepdf.Dictionary)]
        sans = [
            fontmerge._read(f)
            for f in fonts
            if f.get("/Subtype") == "/Type0" and str(f.BaseFont).endswith("+TestSans")
        ]
        members = [m for m in sans if m is not None]
        assert len(members) == 2
        base = max(members, key=lambda m: len(m.program.order))
        quick = fontmerge._cff_union(base, members)
        slow = fontmerge._union_program(base, members)
    assert quick is not None
    one, two = TTFont(io.BytesIO(quick)), TTFont(io.BytesIO(slow))
    assert one.getGlyphOrder() == two.getGlyphOrder()
    strings_one = one["CFF "].cff.topDictIndex[0].CharStrings
    strings_two = two["CFF "].cff.topDictIndex[0].CharStrings
    drawn = set(members[0].used | members[1].used)
    assert len(drawn) > 30
    for gid, name in enumerate(one.getGlyphOrder()):
        a, b = strings_one[name], strings_two[name]
        a.decompile()
        b.decompile()
        assert a.program == b.program, name
        if gid in drawn:
            assert one["hmtx"][name] == two["hmtx"][name]
