"""The rule for text that prints as a name or goes into a message: every character prints as
itself (report.yml's titles, contacts, requester cells)."""

from __future__ import annotations

import pytest

from reportbuilder.project.printable import printed_text, refuse_unprintable


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("E\u202eF", "a bidirectional control (U+202E)"),
        ("E\u2067F\u2069", "a bidirectional control (U+2067)"),
        ("a\u200bb", "an invisible character (U+200B)"),
        ("a\u200fb", "an invisible character (U+200F)"),
        ("\ufeffTitle", "an invisible character (U+FEFF)"),
        ("a\x1b[31mb", "a control character (U+001B)"),
        ("one\ntwo", "a line break (U+000A)"),
    ],
)
def test_what_would_print_as_something_else_is_named(text: str, what: str) -> None:
    with pytest.raises(ValueError, match=r"^contains ") as refused:
        printed_text(text)
    assert str(refused.value) == (
        f"contains {what}: it would print or send as something else; remove it"
    )


def test_what_prints_as_itself_passes() -> None:
    for text in (
        "Encuesta de hogares 2026",
        "Rapport d\u2019activit\u00e9",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        "\U0001f469\u200d\U0001f52c",
        "co\u00adoperation",
    ):
        assert printed_text(text) == text
    refuse_unprintable("Calle 1\nSantiago", multiline=True)  # an address's lines
