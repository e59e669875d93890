"""addresses: one mailbox per value, no line breaks or controls in any header value."""

from __future__ import annotations

import pytest

from reportbuilder.addresses import check_address, check_header_text
from reportbuilder.errors import DeliveryError, Stage


def test_a_mailbox_with_or_without_a_name() -> None:
    assert str(check_address("ana@example.org")) == "ana@example.org"
    named = check_address("Ana Pérez <ana@example.org>", "Reply-To")
    assert (named.display_name, named.username, named.domain) == ("Ana Pérez", "ana", "example.org")


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\x00b", "a\u2028b", "a\u202eb"])
def test_header_text_refuses_breaks_controls_and_bidi_overrides(value: str) -> None:
    with pytest.raises(DeliveryError) as raised:
        check_header_text(value, "Subject")
    (problem,) = raised.value.problems
    assert (problem.path, problem.stage) == ("Subject", Stage.DELIVER)


def test_header_text_keeps_ordinary_text() -> None:
    assert check_header_text("  Rapport « été » 2026 ", "Subject") == "Rapport « été » 2026"


def test_a_quoted_name_may_hold_angle_brackets_and_commas() -> None:
    """Office lists write "Pérez, Ana <DG Migraciones>": quoted, it is one mailbox."""
    found = check_address('"Pérez, Ana <DG Migraciones>" <ana@example.org>')
    assert (found.display_name, found.addr_spec) == (
        "Pérez, Ana <DG Migraciones>",
        "ana@example.org",
    )
    with pytest.raises(DeliveryError, match="is not one email address"):
        check_address("Ana <DG> <ana@example.org>")  # unquoted: which is the address?
