"""compose/linear_links.py: the closing-bracket table gives what Python-Markdown's forward
scan gives, and is found again for a paragraph whose links before the index were replaced
(tests/test_compose_costly_text.py times whole paragraphs)."""

from __future__ import annotations

from reportbuilder.compose.linear_links import IMAGE_TAIL, bounded_tail, bracket_ends


def test_bracket_ends_match_python_markdowns_forward_scan() -> None:
    """The table gives, for each index, the `]` Python-Markdown's forward scan finds."""

    def scan(data: str, index: int) -> int:
        depth = 1
        for pos in range(index, len(data)):
            depth += {"[": 1, "]": -1}.get(data[pos], 0)
            if depth == 0:
                return pos + 1
        return -1

    for data in ("[a]b]", "a[b[c]d]e]", "]]][[[", "[[a]](b)[c]", "x]y[z]]"):
        ends = bracket_ends(data)
        assert ends[: len(data)] == [scan(data, i) for i in range(len(data))]


def test_a_table_is_found_again_after_a_link_before_the_index_was_replaced() -> None:
    from reportbuilder.compose.linear_links import _SuffixTables

    tables = _SuffixTables()
    data = "[a](x) and [b [c]] d]"
    index = data.index("[b") + 1
    assert tables.end(data, index) == data.index("] d") + 1
    replaced = "\x02klzzwxh:0000\x03" + data[6:]  # the first link became a placeholder
    moved = index - 6 + len("\x02klzzwxh:0000\x03")
    assert tables.end(replaced, moved) == replaced.index("] d") + 1
    assert len(tables._tables) == 1  # found again, not computed again


def test_an_image_tail_ends_where_it_can_end() -> None:
    data = '![a](my image.png "t") rest (of) the paragraph'
    index = data.index("(")
    assert bounded_tail(data, index, IMAGE_TAIL) == data[: data.index(") rest") + 1]
    assert bounded_tail("![a](![a](![a](", 4, IMAGE_TAIL) is None
