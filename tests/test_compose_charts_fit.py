"""Charts keep every word inside their picture on any page (A5, Letter, a narrow column,
a landscape page), and a chart with more categories than a page holds at a readable size
is refused at its line, saying how many fit (trial 7 #17 and #18)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import weasyprint
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from conftest import Word, copy_fixture, read_words
from reportbuilder import ReportError, build, check
from reportbuilder.compose.charts import Bar, ChartStyle, bar_chart, donut_chart, stacked_bar

FONTS = Path(__file__).resolve().parents[1] / "src" / "reportbuilder" / "themes" / "base" / "fonts"
MM = 72 / 25.4

# Labels that ran out of the picture: a sentence wider than an A5 legend row, a compound
# word wider than a label column, a value as wide as a donut's legend column.
LONG = [
    Bar("Households with a heat pump installed after the 2019 renovation programme", 40, "40%"),
    Bar("Electric radiators", 30, "30%"),
    Bar("Gas", 20, "20%"),
    Bar("Other", 10, "10%"),
]
WORD = [
    Bar("Donaudampfschifffahrtsgesellschaftskapitänsmützenhersteller", 60, "60%"),
    Bar("Sonstige", 40, "40%"),
]
MONEY = [Bar("Annual budget", 4_000_000, "4 000 000 €"), Bar("Monthly", 10, "10 €")]
DRAW = {"bar": bar_chart, "stacked": stacked_bar, "donut": donut_chart}


def _drawn_words(svg: str, width: float, out: Path) -> tuple[float, float, list[Word]]:
    """The chart alone on a page exactly its size: (width, height in pt, its words)."""
    height = float(re.search(r'height="([\d.]+)mm"', svg)[1])  # type: ignore[index]
    html = (
        f"<!doctype html><style>@page {{ size: {width}mm {height}mm; margin: 0 }}"
        f"@font-face {{ font-family: Inter; src: url({FONTS.as_uri()}/Inter-Bold.otf);"
        " font-weight: bold }"
        f"@font-face {{ font-family: Inter; src: url({FONTS.as_uri()}/Inter-Regular.otf) }}"
        f"body {{ margin: 0 }} svg {{ display: block }}</style>{svg}"
    )
    weasyprint.HTML(string=html).write_pdf(out)
    pages, words = read_words(out)
    assert len(pages) == 1, "the chart is one picture"
    return width * MM, height * MM, words


@pytest.mark.pdf
@pytest.mark.parametrize("width", [106.0, 173.9, 60.0], ids=["A5", "letter", "narrow"])
@pytest.mark.parametrize("kind", list(DRAW))
def test_every_word_of_a_chart_is_inside_its_picture(
    kind: str, width: float, tmp_path: Path
) -> None:
    """#17: on A5 a stacked bar's legend ran past the picture's right edge (a label wider than
    a row), a donut's legend beside it overflowed (no room for a long word or a wide value),
    a bar label did (one long word). All of each label and value is still there."""
    for n, bars in enumerate((LONG, WORD, MONEY)):
        extra = {"center_text": bars[0].text, "center_label": "x"} if kind == "donut" else {}
        svg = DRAW[kind](bars, title="t", description="d", style=ChartStyle(width=width), **extra)
        right, bottom, words = _drawn_words(svg, width, tmp_path / f"{n}.pdf")
        outside = [w for w in words if w.x0 < -0.5 or w.x1 > right + 0.5 or w.y1 > bottom + 0.5]
        assert not outside, (kind, width, outside)
        # Nothing shortened: every letter of every label and value is drawn.
        drawn = "".join(w.text for w in words).replace("-", "")
        for bar in bars:
            assert bar.label.replace(" ", "").replace("-", "") in drawn
            assert bar.text.replace(" ", "") in drawn


CHARTS_CHAPTER = """# Only chapter

{{ chart(data.heat.heating, kind="stacked") }}

{{ chart(data.heat.heating, kind="donut") }}

{{ chart(data.heat.heating) }}
"""
HEATING = """heating:
  label: Heating
  categories:
    a: {label: Households with a heat pump installed after the 2019 renovation programme,
        percent: 31.5}
    b: {label: Natural gas boiler, percent: 24.5}
    c: {label: Zentralfernwärmeversorgungsanschlussleitungen, percent: 18}
    d: {label: Electric radiators, percent: 14}
    e: {label: Wood or pellets, percent: 12}
"""


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("page_size", "css", "column_mm"),
    [
        ("A5", "", 106.0),
        ("letter", "", 173.9),
        ("A4", "@page { size: A4 landscape } .chart { width: 70mm }", 70.0),
    ],
    ids=["A5", "letter", "landscape-narrow"],
)
def test_charts_in_a_report_keep_their_legend_on_the_page(
    page_size: str, css: str, column_mm: float, tmp_path: Path
) -> None:
    """#17 as a user sees it: a stacked bar, a donut and a bar chart of long labels in a
    report on A5, on Letter, and in a 70 mm column of a landscape page: every word of the
    charts lies in the figure's column (left margin 22 mm)."""
    project = copy_fixture("tiny", tmp_path / "tiny")
    report = project / "report.yml"
    report.write_text(report.read_text("utf-8") + f"page_size: {page_size}\n", encoding="utf-8")
    (project / "data" / "heat.yml").write_text(HEATING, encoding="utf-8")
    (project / "content" / "01-only.md").write_text(CHARTS_CHAPTER, encoding="utf-8")
    if css:
        (project / "styles").mkdir()
        (project / "styles" / "narrow.css").write_text(css, encoding="utf-8")
    pdf = tmp_path / "out.pdf"
    build(project, output=pdf)
    pages, words = read_words(pdf)
    captions = [w for w in words if w.text == "Heating"]
    assert len(captions) == 3, "three charts, three captions"
    chart_pages = {w.page for w in captions}
    left, right = 22 * MM - 0.5, (22 + column_mm) * MM + 0.5
    inside = [
        w
        for w in words
        if w.page in chart_pages
        and 24 * MM < w.y0 < pages[w.page - 1][1] - 22 * MM  # not the running head or foot
    ]
    outside = [w for w in inside if w.x0 < left or w.x1 > right]
    assert not outside, outside
    text = " ".join(w.text for w in inside)
    # The long label is all there, in each of the three charts.
    assert text.count("programme") == 3, text
    assert text.count("2019") == 3


def _towns(count: int) -> str:
    rows = "".join(
        f"    t{i}: {{label: Municipality {i}, count: {10 + i}}}\n" for i in range(count)
    )
    return f"towns:\n  label: Towns\n  categories:\n{rows}"


def _many_bars_project(tmp_path: Path, count: int, page_size: str = "A5") -> Path:
    project = copy_fixture("tiny", tmp_path / f"tiny{count}")
    report = project / "report.yml"
    report.write_text(report.read_text("utf-8") + f"page_size: {page_size}\n", encoding="utf-8")
    (project / "data" / "many.yml").write_text(_towns(count), encoding="utf-8")
    (project / "content" / "01-only.md").write_text(
        "# Only chapter\n\nOne short paragraph.\n\n{{ chart(data.many.towns) }}\n",
        encoding="utf-8",
    )
    return project


@pytest.mark.parametrize(("page_size", "fit"), [("A5", 18), ("A4", 25)])
def test_a_bar_chart_of_more_bars_than_a_page_holds_is_refused_at_its_line(
    page_size: str, fit: int, tmp_path: Path
) -> None:
    """#18: 60 bars were drawn and shrunk to the page, their labels at 1.7 pt (a warning
    only). The chart's line says how many bars fit and what to do instead."""
    project = _many_bars_project(tmp_path, 60, page_size)
    with pytest.raises(ReportError) as caught:
        check(project)
    message = str(caught.value)
    assert "content/01-only.md:5: " in message, message
    assert "60 bars" in message and f"only {fit} bars fit" in message, message
    assert "table()" in message


@pytest.mark.pdf
def test_as_many_bars_as_the_refusal_says_fit_are_drawn_at_full_size(tmp_path: Path) -> None:
    """#18: the count the refusal gives is honest: 18 bars on A5 are drawn with their text at
    its size (no warning of small text), and 19 are refused."""
    with pytest.raises(ReportError, match=r"19 bars .* only 18 bars fit"):
        check(_many_bars_project(tmp_path, 19))
    project = _many_bars_project(tmp_path, 18)
    pdf = tmp_path / "out.pdf"
    result = build(project, output=pdf)
    assert not [w for w in result.warnings if "pt minimum" in w.message], result.warnings
    _, words = read_words(pdf)
    labels = [w for w in words if w.text == "Municipality"]
    assert len(labels) == 18 and len({w.page for w in labels}) == 1
    # 8.5 pt text: a word's box is about as tall as the font size.
    assert min(w.y1 - w.y0 for w in labels) > 7.5


@pytest.mark.parametrize("kind", ["stacked", "donut"])
def test_a_legend_taller_than_a_page_is_refused(kind: str) -> None:
    """#18 for the other kinds: a long legend (a brand palette of many colours) that would
    make the picture taller than a page is refused, not shrunk."""
    palette = tuple(f"#{i:02x}3c5d" for i in range(90))
    bars = [Bar(f"Category number {i}", 1, "1.1%") for i in range(90)]
    style = ChartStyle(palette=palette, width=106.0, max_height=144.0)
    extra = {"center_text": "x"} if kind == "donut" else {}
    with pytest.raises(ValueError, match="a page has room for 144 mm"):
        DRAW[kind](bars, title="t", description="d", style=style, **extra)
    fewer = ChartStyle(palette=palette, width=106.0)
    assert DRAW[kind](bars[:8], title="t", description="d", style=fewer, **extra)


SVG_NS = "{http://www.w3.org/2000/svg}"


def _extents(svg: str) -> tuple[float, float, list[tuple[str, float, float, float]]]:
    """The chart's width and height, and each text's (content, left, right, baseline) by the
    widths the charts leave room by."""
    import xml.etree.ElementTree as ET

    from reportbuilder.compose.charts import _FONT, _text_width

    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    found = []
    for text in root.iter(f"{SVG_NS}text"):
        scale = float(text.get("font-size", _FONT)) / _FONT
        bold = text.get("font-weight") == "600"
        length = _text_width(text.text or "", bold=bold)
        length += sum(_text_width(t.text or "", bold=True) for t in text)
        length *= scale
        x = float(text.get("x", "0"))
        anchor = text.get("text-anchor", "start")
        left = x - length if anchor == "end" else x - length / 2 if anchor == "middle" else x
        content = "".join(text.itertext())
        found.append((content, left, left + length, float(text.get("y", "0"))))
    return width, height, found


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàéüßWM%0123456789-/", min_size=1, max_size=45)


# No shrinking: a failing example is reported as found (shrinking these nested texts ran for
# minutes under load), and stays in hypothesis's database for the next run.
@settings(max_examples=60, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(
    labels=st.lists(st.lists(_WORDS, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=5),
    values=st.lists(st.text(alphabet="0123456789,.% €", min_size=1, max_size=12), min_size=5),
    width=st.sampled_from([60.0, 106.0, 134.0, 173.9, 255.0]),
    kind=st.sampled_from(list(DRAW)),
)
def test_no_text_of_any_chart_runs_out_of_its_picture(
    labels: list[str], values: list[str], width: float, kind: str
) -> None:
    """#17 for the class: any labels (long words included), any value texts, any column from
    a narrow one to A3 landscape; every text fits between the picture's edges."""
    bars = [Bar(label, float(i + 1), values[i]) for i, label in enumerate(labels)]
    extra = (
        {"center_text": bars[-1].text, "center_label": bars[-1].label} if kind == "donut" else {}
    )
    svg = DRAW[kind](bars, title="t", description="d", style=ChartStyle(width=width), **extra)
    chart_width, chart_height, texts = _extents(svg)
    assert chart_width == width
    for content, left, right, baseline in texts:
        assert left >= -0.05 and right <= width + 0.05, (content, left, right, width)
        assert 0 < baseline <= chart_height + 0.05, (content, baseline, chart_height)
