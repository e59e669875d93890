"""data.model: the statistics model, its derived values, and language-neutral texts
(`Localized`, resolved for one edition by `localize`)."""

from __future__ import annotations

import dataclasses

import pytest

from reportbuilder.project.data import (
    RESERVED_CATEGORY_KEYS,
    Breakdown,
    Category,
    Figure,
    Localized,
    Table,
    localize,
)

ADULTS = Localized.of({"fr": "Adultes", "en": "Adults"})
AGE_LABEL = Localized.of({"fr": "Âge", "en": "Age"})


def age() -> Breakdown:
    adults = Category("adults", ADULTS, 88, 89, 0.89, note=ADULTS, decimals=0, base=99)
    minors = Category("minors", "Mineures", 11, 11, 0.11, decimals=0, base=99)
    return Breakdown("age", AGE_LABEL, 99, None, "OIM", None, {"adults": adults, "minors": minors})


def test_table_guesses_types_when_not_given() -> None:
    rows = [{"a": 1, "b": 1, "c": "x", "d": ""}, {"a": 2, "b": 2.5, "c": 3, "d": " "}]
    table = Table("t", ["a", "b", "c", "d"], rows, {"c": "percent"})
    assert table.types == {"a": "int", "b": "number", "c": "percent", "d": "text"}
    assert Table("t", ["a"], []).types == {"a": "text"}


def test_every_breakdown_attribute_is_reserved() -> None:
    public = {name for name in dir(Breakdown) if not name.startswith("_")}
    fields = set(Breakdown.__dataclass_fields__)
    assert public | fields <= set(RESERVED_CATEGORY_KEYS)


# --- Localized texts ---------------------------------------------------------------------


def test_localized_is_a_frozen_hashable_mapping_of_texts() -> None:
    assert ADULTS.texts == {"fr": "Adultes", "en": "Adults"}
    assert Localized((("fr", "Adultes"), ("en", "Adults"))) == ADULTS
    assert len({ADULTS, Localized.of({"fr": "Adultes", "en": "Adults"})}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        ADULTS.pairs = ()  # type: ignore[misc]
    with pytest.raises(ValueError, match="at least one language"):
        Localized(())


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Adultes"),
        ("en", "Adults"),
        ("en-GB", "Adults"),
        ("fr_CA", "Adultes"),
        ("es", "Adultes"),
    ],
)
def test_localized_picks_the_language_its_base_or_the_first(lang: str, text: str) -> None:
    assert ADULTS.pick(lang) == text


def test_localize_resolves_figures_breakdowns_and_categories() -> None:
    figure = Figure(99, label=Localized.of({"fr": "victimes", "en": "victims"}), unit="%")
    namespaces = {"study": {"victims": figure, "age": age(), "boxes": [figure, "x"]}, "n": 3}
    english = localize(namespaces, "en")
    study = english["study"]
    assert study["victims"] == Figure(99, label="victims", unit="%")
    assert study["boxes"] == [Figure(99, label="victims", unit="%"), "x"]
    assert (study["age"].label, study["age"].source) == ("Age", "OIM")
    assert study["age"].adults == Category(
        "adults", "Adults", 88, 89, 0.89, note="Adults", decimals=0, base=99
    )
    assert study["age"][1] is study["age"].minors and study["age"].minors.label == "Mineures"
    assert english["n"] == 3
    assert localize(namespaces, "fr")["study"]["age"].adults.label == "Adultes"
    # The language-neutral model is untouched, so the next edition starts from it again.
    assert namespaces["study"]["victims"] is figure and figure.label == Localized.of(
        {"fr": "victimes", "en": "victims"}
    )


def test_localize_copies_containers_and_shares_what_has_no_texts() -> None:
    plain = Figure(3, "x")
    table = Table("t", ["a"], [{"a": 1}])
    namespaces = {"k": {"plain": plain, "rows": [1, 2]}, "t": table}
    copied = localize(namespaces, "fr")
    assert copied == namespaces and copied is not namespaces
    assert copied["k"] is not namespaces["k"] and copied["k"]["rows"] is not namespaces["k"]["rows"]
    assert copied["k"]["plain"] is plain and copied["t"] is table
    assert localize({}, "fr") == {}
