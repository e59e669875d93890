"""What `diff` and `build --compare` quote reads as the reader sees it: a no-break space as a
space, not Python's `'Adultes: 89\\xa0%'` (trial 8 #12); only an invisible character is
written as its code, so that a change to it still shows."""

from __future__ import annotations

from reportbuilder.review.pdfdiff import _shown


def test_a_quoted_text_shows_its_spaces_as_spaces() -> None:
    assert _shown("Adultes: 89\u00a0%; Mineures: 11\u202f%") == "“Adultes: 89 %; Mineures: 11 %”"
    assert _shown("l'eau, “citée”") == "“l'eau, “citée””"
    assert _shown(None) == "(none)"


def test_an_invisible_character_is_written_as_its_code() -> None:
    assert _shown("a\u200bb") == "“aU+200Bb”"
    assert _shown("tab\there") == "“tabU+0009here”"
