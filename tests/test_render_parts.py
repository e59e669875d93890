"""render/parts.py: a composed report cut at the theme's markers into front matter, chapters
and closing pages; each part written as a whole HTML document with the values the whole
report gives it; what cannot be laid out apart refused with a reason."""

from __future__ import annotations

from dataclasses import replace

from reportbuilder.render.parts import MARKER, Place, Split, document, places, split

HEAD = (
    "<!DOCTYPE html><html lang='fr'><head><style>\n"
    "@page body { @bottom-right { content: counter(page) ' / ' counter(pages); } }\n"
    "body { counter-reset: chapter; }\n"
    ".chapter:not(.annex) { counter-increment: chapter; }\n"
    '</style></head><body class="screen">'
)
FRONT = '<section class="cover"><h1>T</h1></section><nav class="toc"><a href="#b">B</a></nav>'
A = (
    f'{MARKER}<section class="chapter" id="a"><h1 id="a-t">A</h1>'
    '<p>x<span class="footnote">n</span> <a href="#b-t">b</a></p></section>'
)
B = f'{MARKER}<section class="chapter annex" id="b"><h1 id="b-t">B</h1></section>'
CLOSING = f'{MARKER}<section class="closing"><h2>Contact</h2></section>'


def report(body: str = FRONT + A + B + CLOSING, head: str = HEAD) -> str:
    return head + body + "</body>\n</html>\n"


def test_parts_and_what_they_give_and_take() -> None:
    found = split(report())
    assert isinstance(found, Split)
    assert [p.name for p in found.parts] == ["front", "a", "b", "closing"]
    _, a, b, closing = found.parts
    assert found.foreign(0) == {"b"} and found.foreign(1) == {"b-t"}
    assert (a.footnotes, a.chapters, b.chapters) == (1, 1, 0)  # an annex is not numbered
    assert found.numbered_chapters and closing.ids == frozenset()


def test_places_follow_page_counts_and_anchors() -> None:
    found = split(report())
    assert isinstance(found, Split)
    result = places(found, [2, 3, 1, 1], [{}, {"a": 0, "a-t": 0}, {"b": 0, "b-t": 0}, {}])
    assert [p.start for p in result] == [1, 3, 6, 7]
    assert {p.total for p in result} == {7}
    assert result[0].foreign == (("b", 6),) and result[1].foreign == (("b-t", 6),)
    assert (result[2].footnotes, result[2].chapters) == (1, 1)


def test_a_part_document_carries_its_numbers() -> None:
    found = split(report())
    assert isinstance(found, Split) and found.stamped
    # A part that links (it may print a page number) is laid out from its own first page.
    text = document(found, 1, Place(6, 7, 1, 1, (("b-t", 9),)))
    assert "@page :first { counter-reset: page 6; }" in text
    assert "html { counter-reset: footnote 1; }" in text
    assert "body { counter-reset: chapter 1; }" in text
    assert "counter(pages)" not in text and "' / ' \"0\"" in text  # the total is stamped
    assert 'id="a"' in text and 'id="b"' not in text and "cover" not in text
    # The footer row is left out: it is laid out apart and laid over the pages.
    assert "@bottom-right { content: none !important; }" in text


def test_a_part_that_prints_no_page_number_is_the_same_wherever_it_starts() -> None:
    found = split(report())
    assert isinstance(found, Split)
    assert [found.bound(i) for i in range(4)] == [True, True, False, False]
    here, there = (
        document(found, 2, Place(6, 7, 1, 1, ())),
        document(found, 2, Place(9, 12, 1, 1, ())),
    )
    assert here == there and "html { counter-reset: footnote 1; }" in here
    # Not stamped: the page numbers are in the part's own footer.
    top = "@page body { @top-right { content: counter(page); } }"
    unstamped = split(report(), project=[top])
    assert isinstance(unstamped, Split) and not unstamped.stamped
    text = document(unstamped, 2, Place(6, 7, 1, 1, ()))
    assert "counter-reset: page 6;" in text and "content: none" not in text


def test_what_cannot_be_laid_out_apart_is_refused() -> None:
    assert "mark" in str(split(report(FRONT + "<section class='chapter'></section>")))
    counters = HEAD.replace("</style>", "h2 { counter-increment: section; }</style>")
    assert "counters" in str(split(report(head=counters)))
    assert "counters" in str(split(report(), theme=["a::after { content: counter(pages) }"]))
    first = "@page :first { margin: 0 }"
    assert "first" in str(split(report(), project=[first]))
    twice = report(FRONT + A + A.replace("a-t", "x") + CLOSING)
    assert "two parts" in str(split(twice))
    parity = ".chapter { break-before: right }"
    assert "place" in str(split(report(), project=[parity]))
    late = A.replace('<h1 id="a-t">A</h1>', '<p>text first</p><h1 id="a-t">A</h1>')
    assert "title" in str(split(report(FRONT + late + B + CLOSING)))
    assert "running" in str(split(report(), project=["h2 { string-set: x content() }"]))
    # the theme's own print rules apply in print mode only, which is laid out whole
    assert isinstance(split(report(), theme=[".print .chapter { break-before: right; }"]), Split)


def test_the_total_is_written_into_styles_only() -> None:
    head = HEAD.replace("<style>", "<title>counter(pages)</title><style>")
    found = split(report(head=head))
    assert isinstance(found, Split)
    found = replace(found, stamped=False)  # the footers laid out with the parts
    text = document(found, 1, Place(3, 7, 0, 0, ()))
    assert "<title>counter(pages)</title>" in text and "' / ' \"7\"" in text
    assert "</head>" in str(split(report(head=HEAD.replace("</head>", ""))))


def test_a_part_not_laid_out_yet_is_guessed_from_one_of_the_same_shape() -> None:
    """The front is laid out ahead on guessed page counts (`incremental._in_order`): a
    chapter of the same shape as one laid out (a copy, a monthly chapter) is guessed to
    break its pages alike, its anchors in the same order on the same pages."""
    from reportbuilder.render.incremental import _guess_like

    def chapter(name: str, words: int) -> str:
        return (
            f'{MARKER}<section class="chapter" id="{name}"><h1 id="{name}-t">T</h1>'
            + "<p>mot</p>" * words
            + f'<h2 id="{name}-x">X</h2><p>fin</p></section>'
        )

    found = split(report(FRONT + chapter("a", 40) + chapter("b", 40) + chapter("c", 80)))
    assert isinstance(found, Split)
    pages = [2, 3, 1, 1]
    anchors = [{"cover": 0}, {"a": 0, "a-t": 0, "a-x": 2}, {}, {}]
    names = [("", ""), ("body", "body", "body"), (), ()]
    assert _guess_like(found, 2, pages, anchors, names, [1]) == (
        3,
        {"b": 0, "b-t": 0, "b-x": 2},
        ("body", "body", "body"),
    )
    # Longer: pages in proportion to its HTML's length (1.8 times); its anchors in the same
    # order, on the same pages.
    a, c = (len(found.parts[i].body) for i in (1, 3))
    count, where, guessed = _guess_like(found, 3, pages, anchors, names, [1])
    assert 1.7 < c / a < 1.9 and count == 5 and guessed == ("body",) * 5
    assert where == {"c": 0, "c-t": 0, "c-x": 2}
    # Pages of different names are not guessed (their footers are laid out when known).
    assert _guess_like(found, 2, pages, anchors, [(), ("a", "b", "b"), (), ()], [1])[2] == ()


def test_a_part_is_like_another_of_about_its_length_and_as_many_anchors() -> None:
    from reportbuilder.render.incremental import _alike

    def chapter(name: str, words: int, anchors: int = 1) -> str:
        heads = "".join(f'<h2 id="{name}-{n}">X</h2>' for n in range(anchors))
        return (
            f'{MARKER}<section class="chapter" id="{name}"><h1>T</h1>'
            + "<p>mot</p>" * words
            + heads
            + "</section>"
        )

    body = FRONT + chapter("a", 40) + chapter("b", 41) + chapter("c", 60) + chapter("d", 40, 2)
    found = split(report(body))
    assert isinstance(found, Split)
    assert _alike(found, 2, [1])  # a word more
    assert not _alike(found, 3, [1])  # half as long again: its pages would be guessed
    assert not _alike(found, 4, [1])  # another anchor: where it falls would be guessed
    assert _alike(found, 1, [3, 4, 2])  # any one of those laid out will do
