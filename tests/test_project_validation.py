"""project.validation: pydantic's errors as located, friendly problems ("did you mean …")."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from reportbuilder.errors import Stage
from reportbuilder.project.validation import dotted, problems_from


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Fonts(_Strict):
    heading: str | None = None
    body: str | None = None


class Brand(_Strict):
    primary: str = "#000"
    fonts: Fonts | None = None


class Settings(_Strict):
    title: str
    pages: int = 1
    brand: Brand = Brand()
    sections: list[Brand] = []


LINES = {("title",): 1, ("pages",): 2, ("brand",): 3, ("brand", "fonts"): 4, ("sections",): 6}


def line_of(loc: Sequence[str | int]) -> int | None:
    """Like YamlDoc.line: the line of the longest known prefix."""
    parts = tuple(loc)
    for end in range(len(parts), -1, -1):
        if parts[:end] in LINES:
            return LINES[parts[:end]]
    return None


def problems(value: object) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        Settings.model_validate(value)
    found = problems_from(raised.value, Settings, "report.yml", line_of)
    assert all(p.stage is Stage.PROJECT and p.path == "report.yml" for p in found)
    return [str(p) for p in found]


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        ([], ""),
        (["title"], "title"),
        (["brand", "fonts", "heading"], "brand.fonts.heading"),
        (["sections", 2, "primary"], "sections[2].primary"),
        ([0, "id"], "[0].id"),
    ],
)
def test_dotted(loc: list[str | int], text: str) -> None:
    assert dotted(loc) == text


def test_an_unknown_key_with_a_close_known_one() -> None:
    assert problems({"title": "x", "brand": {"fonts": {"headin": "Inter"}}}) == [
        "report.yml:4: unknown key 'brand.fonts.headin' (did you mean 'heading'?)"
    ]


def test_an_unknown_key_with_no_close_one_lists_the_known_keys() -> None:
    assert problems({"title": "x", "colour": "blue"}) == [
        "report.yml: unknown key 'colour'; known keys: brand, pages, sections, title"
    ]


def test_an_unknown_key_inside_a_list_item() -> None:
    assert problems({"title": "x", "sections": [{}, {"primery": "#fff"}]}) == [
        "report.yml:6: unknown key 'sections[1].primery' (did you mean 'primary'?)"
    ]


def test_a_missing_key_and_a_bad_value_with_what_was_given() -> None:
    assert problems({"pages": "many"}) == [
        "report.yml:1: missing required key 'title'",
        "report.yml:2: 'pages': Input should be a valid integer, unable to parse string as an"
        " integer (got 'many')",
    ]


def test_a_value_that_is_not_plain_is_not_shown() -> None:
    [problem] = problems({"title": ["a", "list"]})
    assert problem == "report.yml:1: 'title': Input should be a valid string"


def test_a_wrong_shape_at_the_top() -> None:
    assert problems(["not", "a", "mapping"]) == [
        "report.yml: '(top level)': Input should be a valid dictionary or instance of Settings"
    ]


def test_keys_not_indented_under_an_empty_key_are_said_to_belong_there(tmp_path) -> None:
    """Trial 6 #61: `brand:` then `primary:` at the same indent gave pydantic's "Input should
    be a valid dictionary" and "unknown key 'primary'; known keys: …" (every top-level key)."""
    from click.testing import CliRunner

    from conftest import copy_fixture
    from reportbuilder.cli import main

    root = copy_fixture("tiny", tmp_path / "tiny")
    with (root / "report.yml").open("a", encoding="utf-8") as config:
        config.write('brand:\nprimary: "#0b3c5d"\ncolour: red\nlanguages:\nfr:\n  title: Essai\n')
    lines = (root / "report.yml").read_text("utf-8").splitlines()
    brand = lines.index("brand:") + 1
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    said = result.stderr
    assert f"report.yml:{brand}: 'brand' is empty: the keys under it (primary) are not" in said
    assert (
        f"report.yml:{brand + 1}: unknown key 'primary': it belongs under 'brand:' (line "
        f"{brand}): indent it by 2 spaces" in said
    )
    assert f"report.yml:{brand + 2}: unknown key 'colour'; known keys:" in said  # not brand's
    assert f"report.yml:{brand + 4}: unknown key 'fr': it belongs under 'languages:'" in said
    assert "Input should be a valid dictionary" not in said
