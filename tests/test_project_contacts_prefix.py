"""`phone: "0033 1 23 45 67 89"` (the international prefix as Europe and Latin America dial
it) was refused as "+003 does not start with a country calling code", a number the user
never typed (trial 8 #37): 00 is read as "+"."""

from __future__ import annotations

import pytest

from reportbuilder.project.contacts import parse_phone, phone_uri


def test_a_leading_00_is_the_international_prefix() -> None:
    assert phone_uri("0033 1 23 45 67 89") == phone_uri("+33 1 23 45 67 89") == "tel:+33123456789"
    assert phone_uri("0056 2 2274 6713") == "tel:+56222746713"


def test_a_wrong_country_after_00_is_said_with_the_plus_it_stands_for() -> None:
    with pytest.raises(ValueError, match=r"\+991 does not start with a country calling code"):
        parse_phone("0099 123")
