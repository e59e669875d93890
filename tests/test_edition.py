"""edition: `Edition`, one output of a project, checked when it is made; `settings()` (what it
replaces in report.yml); `source_date` (SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest

from reportbuilder.edition import BRAND_COLOURS, Edition, source_date
from reportbuilder.errors import ProjectError
from reportbuilder.limits import Limits
from reportbuilder.variants import PAGE_SIZES, PDF_VARIANTS, REFUSED_VARIANTS


def test_an_edition_left_empty_keeps_everything_of_report_yml() -> None:
    edition = Edition()
    assert edition.settings() == {}
    assert edition.brand == {} and edition.personalisation is None and edition.created is None
    assert edition.limits == Limits() and edition.print_mode is False


def test_settings_are_what_the_edition_replaces() -> None:
    edition = Edition(
        lang="en_GB",
        page_size="A5",
        pdf_variant="pdf/a-3b",
        strict=False,
        print_mode=True,
        brand={"primary": "#8a1538"},
    )
    # print_mode and brand are not report.yml settings of the same name: for_edition merges
    # the brand, and the theme reads print_mode.
    assert edition.settings() == {
        "lang": "en-GB",
        "page_size": "A5",
        "pdf_variant": "pdf/a-3b",
        "strict": False,
    }


def test_the_language_is_written_one_way() -> None:
    assert Edition(lang="fr_CA").lang == "fr-CA"
    assert Edition(lang="es").lang == "es"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"lang": "xx-nope"}, "lang: 'xx-nope' is not a language code Babel knows"),
        ({"lang": ""}, "lang: '' is not a language code"),
        ({"page_size": "A7"}, f"page_size: 'A7' is not one of {', '.join(PAGE_SIZES)}"),
        ({"page_size": "a4"}, "page_size: 'a4' is not one of"),
        ({"pdf_variant": "pdf/a-4b"}, "pdf_variant: 'pdf/a-4b' is not one of pdf/a-1a"),
        ({"brand": {"primary": "blue"}}, "brand.primary: a colour is written as #rgb or #rrggbb"),
        ({"brand": {"accent": "#12345"}}, "brand.accent: a colour is written as"),
        ({"brand": {"primary": 0x8A1538}}, "brand.primary: a colour is written as"),
        (
            {"brand": {"background": "#ffffff"}},
            f"brand: unknown colour 'background'; known: {', '.join(BRAND_COLOURS)}",
        ),
        ({"personalisation": {"name": 42}}, "personalisation: keys and values must be text"),
        ({"personalisation": {1: "Ana"}}, "personalisation: keys and values must be text"),
    ],
)
def test_bad_values_are_refused_when_the_edition_is_made(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as raised:
        Edition(**values)
    assert str(raised.value).startswith(message), str(raised.value)


def test_every_page_size_and_pdf_variant_is_accepted() -> None:
    for size in PAGE_SIZES:
        assert Edition(page_size=size).settings() == {"page_size": size}
    for variant in PDF_VARIANTS:
        if variant in REFUSED_VARIANTS:  # a claim a report cannot make (test_pdf_variant_claims)
            with pytest.raises(ValueError, match=re.escape(REFUSED_VARIANTS[variant][:40])):
                Edition(pdf_variant=variant)
            continue
        assert Edition(pdf_variant=variant).settings() == {"pdf_variant": variant}


def test_brand_colours_in_both_lengths() -> None:
    assert Edition(brand={"primary": "#abc", "text": "#1F2933"}).brand == {
        "primary": "#abc",
        "text": "#1F2933",
    }


def test_an_edition_keeps_its_own_copies() -> None:
    brand = {"primary": "#8a1538"}
    person = {"name": "Ana Pérez"}
    edition = Edition(brand=brand, personalisation=person)
    brand["primary"] = "#000000"
    person["name"] = "someone else"
    assert edition.brand == {"primary": "#8a1538"}
    assert edition.personalisation == {"name": "Ana Pérez"}


def test_an_edition_is_frozen() -> None:
    edition = Edition(lang="fr")
    with pytest.raises(dataclasses.FrozenInstanceError):
        edition.lang = "en"  # type: ignore[misc]
    assert dataclasses.replace(edition, lang="en").lang == "en"  # replace() checks again
    with pytest.raises(ValueError, match="lang"):
        dataclasses.replace(edition, lang="xx-nope")


def test_source_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert source_date() == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 0 ")
    assert source_date() == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    assert source_date() == dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert source_date() is None


@pytest.mark.parametrize(
    "bad",
    ["yesterday", "-5", "1.5", "\u00b2", "99999999999999999999", "253402300800", "1\x1b[2J"],
)
def test_source_date_refuses_what_is_no_date(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    """A set but unusable value is a located problem (it used to be ignored, or to end in a
    traceback: a superscript digit, an overflow, the year 10000)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
    with pytest.raises(ProjectError) as caught:
        source_date()
    [problem] = caught.value.problems
    assert str(problem).startswith("SOURCE_DATE_EPOCH: the environment variable is ")
    assert "\x1b" not in str(problem) and "\n" not in str(problem)
