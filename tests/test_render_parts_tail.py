"""render/incremental.py: what runs after the last part of a first build by parts is short —
the front assembled in a block of its own (its numbers are known last), the footer stamps
laid out ahead for the blocks whose parts are all laid out first (their blocks are assembled
while the other parts are laid out), the front's stamp last."""

from __future__ import annotations

from reportbuilder.render import incremental


def test_the_front_is_a_block_of_its_own_when_the_chapters_fill_several() -> None:
    # front | 7 chapters | 8 chapters | the closing page: three blocks of chapters.
    groups = [[0], [1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15], [16]]
    assert incremental._blocks(groups) == [[0], [1, 2], [3], [4]]
    # A report whose chapters fill one block keeps the front with them: one assembly.
    assert incremental._blocks([[0], [1, 2], [3]]) == [[0, 1, 2]]


def test_stamps_ahead_go_first_to_blocks_whose_parts_are_laid_out() -> None:
    blocks = [[0], [1, 2], [3], [4]]  # the front's block, then three of chapters
    tail = ["front", "one", "two", "three"]
    block_of = {"front": 0, "one": 1, "two": 2, "three": 3}
    done = {4: None}  # the last block's part is laid out, not the others nor the front
    order = []
    while tail:
        order.append(tail.pop(incremental._next_stamp(tail, block_of, blocks, done)))
    assert order == ["three", "one", "two", "front"]
