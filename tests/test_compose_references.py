"""compose.references: figure and table numbers in reading order, and cross-references to them
("figure 2"), on the placeholders markup and the helpers leave in the HTML."""

from __future__ import annotations

from reportbuilder.compose.markup import NUM_CLASS
from reportbuilder.compose.references import link, lists, number
from reportbuilder.project.strings import builtin_labels

EN = builtin_labels("en")
FR = builtin_labels("fr")
NBSP = "\u00a0"


def placeholder(kind: str, target: str | None = None) -> str:
    data_id = f' data-id="{target}"' if target else ""
    return f'<span class="{NUM_CLASS}" data-kind="{kind}"{data_id}></span>'


def test_figures_and_tables_are_numbered_apart_in_reading_order() -> None:
    html = "".join(
        [
            placeholder("figure", "fig-age"),
            placeholder("table"),
            placeholder("figure"),
            placeholder("table", "tab-regions"),
            placeholder("figure", "fig-route"),
        ]
    )
    filled, targets = number(html, EN)
    assert targets == {
        "fig-age": ("figure", 1),
        "tab-regions": ("table", 2),
        "fig-route": ("figure", 3),
    }
    assert filled == (
        f'<span class="{NUM_CLASS}" data-kind="figure" id="rb-figure-1">Figure{NBSP}1.</span> '
        f'<span class="{NUM_CLASS}" data-kind="table" id="rb-table-1">Table{NBSP}1.</span> '
        f'<span class="{NUM_CLASS}" data-kind="figure" id="rb-figure-2">Figure{NBSP}2.</span> '
        f'<span class="{NUM_CLASS}" data-kind="table" id="rb-table-2">Table{NBSP}2.</span> '
        f'<span class="{NUM_CLASS}" data-kind="figure" id="rb-figure-3">Figure{NBSP}3.</span> '
    )


def test_numbers_use_the_languages_words() -> None:
    filled, _ = number(placeholder("table"), FR)
    assert f">Tableau{NBSP}1.</span>" in filled


def test_a_placeholder_of_no_known_kind_is_left_alone() -> None:
    html = f'<span class="{NUM_CLASS}" data-kind="chart"></span><p>text</p>'
    assert number(html, EN) == (html, {})


def test_a_cross_reference_gets_the_kind_and_number() -> None:
    html = '<p>See <a class="xref" href="#fig-age"></a> and <a class="xref" href="#tab-r"></a>.</p>'
    filled, unknown = link(html, {"fig-age": ("figure", 2), "tab-r": ("table", 1)}, FR)
    assert unknown == []
    assert filled == (
        f'<p>See <a class="xref" href="#fig-age">figure{NBSP}2</a>'
        f' and <a class="xref" href="#tab-r">tableau{NBSP}1</a>.</p>'
    )


def test_unknown_targets_are_returned_and_left_as_they_are() -> None:
    html = '<a class="xref" href="#fig-nope"></a><a class="xref" href="#fig-nope"></a>'
    filled, unknown = link(html, {}, EN)
    assert filled == html
    assert unknown == ["fig-nope", "fig-nope"]


def test_only_empty_xref_links_are_filled() -> None:
    html = (
        '<a href="#fig-age"></a>'  # empty but not a cross-reference
        '<a class="xref" href="#fig-age">written by hand</a>'
        '<a class="xref" href="https://example.org"></a>'
    )
    assert link(html, {"fig-age": ("figure", 1)}, EN) == (html, [])


def test_lists_of_figures_and_tables_link_each_caption() -> None:
    html = (
        f"<figure><figcaption>{placeholder('figure')}Map of <em>the</em> regions</figcaption>"
        f"</figure><table><caption>{placeholder('table')}Counts</caption></table>"
    )
    filled, _ = number(html, EN)
    made = lists(filled, EN, ("figure", "table"))
    assert '<h2 class="toc-title">List of figures</h2>' in made
    assert (
        f'<li><a href="#rb-figure-1"><span class="lists-num">Figure{NBSP}1.</span> '
        "Map of the regions</a></li>"
    ) in made
    assert f'<a href="#rb-table-1"><span class="lists-num">Table{NBSP}1.</span> Counts</a>' in made
    assert "Liste des tableaux" in lists(number(html, FR)[0], FR, ("table",))
    assert "List of tables" not in lists(filled, EN, ("figure",))
