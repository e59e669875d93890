"""Charts cached by what they are drawn from (`cache.ChartCache`, which `build` gives the HTML
stage; `check` and `render_html` alone write nothing): a rebuild after a prose edit draws no
chart again; a change to the data, the brand's colours, the language or the
drawing code draws it again (never a stale chart); `cache clear` removes them."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from reportbuilder import Edition, load_project, render_html
from reportbuilder.cache import CACHE_DIR, CHARTS_DIR, Cache, ChartCache
from reportbuilder.compose import charts


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds of the charts drawn (not taken from the cache) from now on."""
    calls: list[str] = []
    for name in ("bar_chart", "donut_chart", "stacked_bar"):
        original = getattr(charts, name)

        def counted(*args: object, _original: object = original, _name: str = name, **kw: object):  # type: ignore[no-untyped-def]
            calls.append(_name)
            return _original(*args, **kw)  # type: ignore[operator]

        monkeypatch.setattr(charts, name, counted)
    return calls


def _svgs(project: Path, edition: Edition | None = None) -> list[str]:
    """The charts' SVG text in the report's HTML, in order."""
    cache = ChartCache(project)
    html = render_html(load_project(project), edition or Edition(), chart_cache=cache).text
    found = re.findall(r'class="chart-img" src="data:image/svg\+xml;base64,([^"]+)"', html)
    return [base64.b64decode(data).decode("utf-8") for data in found]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_prose_edit_draws_no_chart_again(example_project: Path, drawn: list[str]) -> None:
    first = _svgs(example_project)
    assert len(first) == 2 and sorted(drawn) == ["bar_chart", "donut_chart"]
    assert len(list((example_project / CACHE_DIR / CHARTS_DIR).glob("*.svg"))) == 2
    drawn.clear()
    _edit(
        example_project / "content" / "02-methode.md",
        "première exploration",
        "toute première exploration",
    )
    assert _svgs(example_project) == first
    assert drawn == []


@pytest.mark.parametrize(
    ("file", "edits", "changed"),
    [
        (
            "data/study.yml",
            [
                ("percent: 89}", "percent: 87}"),
                ("de edad}, percent: 11}", "de edad}, percent: 13}"),
            ],
            ["bar_chart"],
        ),
        ("report.yml", [('primary: "#123e6b"', 'primary: "#00aa55"')], None),
    ],
    ids=["data", "brand colour"],
)
def test_a_change_to_what_a_chart_shows_draws_it_again(
    example_project: Path,
    drawn: list[str],
    file: str,
    edits: list[tuple[str, str]],
    changed: list[str] | None,
) -> None:
    first = _svgs(example_project)
    drawn.clear()
    for old, new in edits:
        _edit(example_project / file, old, new)
    second = _svgs(example_project)
    if changed is not None:  # only the chart of that breakdown
        assert drawn == changed
        assert second[0] != first[0] and second[1] == first[1]
        assert "87" in second[0] and "87" not in first[0]
    else:  # every chart takes the brand's colours
        assert sorted(drawn) == ["bar_chart", "donut_chart"]
        assert second != first and any("#00aa55" in svg for svg in second)
    drawn.clear()
    assert _svgs(example_project) == second and drawn == []


def test_each_language_has_its_own_charts(example_project: Path, drawn: list[str]) -> None:
    french = _svgs(example_project)
    drawn.clear()
    english = _svgs(example_project, Edition(lang="en"))
    assert len(drawn) == 2
    assert "Adults" in english[0] and "Adultes" in french[0]


def test_new_drawing_code_draws_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ChartCache(tmp_path)
    recipe = {"kind": "bar", "bars": [["a", 1.0, "1"]]}
    assert cache.chart(recipe, lambda: "<svg>one</svg>") == "<svg>one</svg>"
    assert cache.chart(recipe, lambda: "<svg>two</svg>") == "<svg>one</svg>"
    assert cache.chart({**recipe, "kind": "donut"}, lambda: "<svg>3</svg>") == "<svg>3</svg>"
    monkeypatch.setattr("reportbuilder.cache._CODE", ["another version of charts.py"])
    assert cache.chart(recipe, lambda: "<svg>two</svg>") == "<svg>two</svg>"
    assert cache.drawn == 3


def test_an_unwritable_cache_only_draws_again(tmp_path: Path) -> None:
    (tmp_path / ".reportbuilder").write_text("not a folder", encoding="utf-8")
    cache = ChartCache(tmp_path)
    assert cache.chart({"kind": "bar"}, lambda: "<svg/>") == "<svg/>"
    assert cache.chart({"kind": "bar"}, lambda: "<svg/>") == "<svg/>"
    assert cache.drawn == 2


def test_clearing_the_cache_removes_the_charts(example_project: Path) -> None:
    _svgs(example_project)
    folder = example_project / CACHE_DIR / CHARTS_DIR
    assert len(list(folder.glob("*.svg"))) == 2
    assert Cache(example_project).clear() == 2
    assert list(folder.glob("*.svg")) == []


def test_without_a_chart_cache_nothing_is_written(example_project: Path, drawn: list[str]) -> None:
    render_html(load_project(example_project), Edition())
    render_html(load_project(example_project), Edition())
    assert len(drawn) == 4
    assert not (example_project / ".reportbuilder").exists()


@pytest.mark.pdf
def test_build_keeps_the_charts_and_a_rebuild_after_a_prose_edit_takes_them(
    example_project: Path, drawn: list[str]
) -> None:
    from click.testing import CliRunner

    from reportbuilder.cli import main

    build = ["build", str(example_project), "-o", str(example_project / "r.pdf")]
    assert CliRunner().invoke(main, build).exit_code == 0
    assert sorted(drawn) == ["bar_chart", "donut_chart"]
    drawn.clear()
    _edit(example_project / "content" / "02-methode.md", "première exploration", "exploration")
    result = CliRunner().invoke(main, build)
    assert result.exit_code == 0, result.output
    assert "up to date" not in result.output and drawn == []
