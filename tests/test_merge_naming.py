"""File names of a merge and the split of its rows into shards."""

from __future__ import annotations

import pytest

from reportbuilder.merge.naming import (
    MAX_NAME_BYTES,
    Shard,
    check_template,
    file_names,
    parse_shard,
    safe_name,
)


def test_names_are_safe_and_unique() -> None:
    rows = [
        {"name": "Ana Pérez", "line": "2"},
        {"name": "../../etc/passwd", "line": "3"},
        {"name": "ana pérez", "line": "4"},
        {"name": "a\x00b\tc:d*e?f", "line": "5"},
        {"name": "...", "line": "6"},
        {"name": "é" * 200, "line": "7"},
    ]
    names = file_names(rows, "{name}", "report")
    assert names[:5] == [
        "Ana-Pérez.pdf",
        "etc-passwd.pdf",
        "ana-pérez-2.pdf",
        "a-b-c-d-e-f.pdf",
        "row-6.pdf",
    ]
    assert len(names[5].removesuffix(".pdf").encode()) <= MAX_NAME_BYTES
    names[5].encode().decode()  # no character cut in half
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)


def test_template_fields() -> None:
    rows = [{"name": "Ana", "reference": "R/7", "line": "2"}]
    assert file_names(rows, "{stem}_{reference}_{name}", "rapport") == ["rapport_R-7_Ana.pdf"]
    assert check_template("{stem}-{name}", ["name"]) is None
    assert "unknown field {nom}" in (check_template("{nom}", ["name"]) or "")
    assert "without its pair" in (check_template("{name", ["name"]) or "")
    assert check_template("{name.__class__}", ["name"]) is not None


def test_shards_together_take_every_row_once() -> None:
    shards = [Shard(i, 3) for i in (1, 2, 3)]
    for position in range(20):
        assert sum(s.takes(position) for s in shards) == 1
    assert [p for p in range(7) if shards[1].takes(p)] == [1, 4]


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("2/5", {}, Shard(2, 5)),
        ("auto/4", {"JOB_COMPLETION_INDEX": "0"}, Shard(1, 4)),
        ("auto", {"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"}, Shard(3, 3)),
        (
            "auto",
            {
                "SLURM_ARRAY_TASK_ID": "3",
                "SLURM_ARRAY_TASK_MIN": "1",
                "SLURM_ARRAY_TASK_COUNT": "3",
            },
            Shard(3, 3),
        ),
        ("auto", {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"}, Shard(2, 3)),
    ],
)
def test_parse_shard(text: str, env: dict[str, str], expected: Shard) -> None:
    assert parse_shard(text, env) == expected


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("0/3", {}, "runs from 1 to 3"),
        ("4/3", {}, "runs from 1 to 3"),
        ("two", {}, "write I/N"),
        ("1/x", {}, "not a whole number"),
        ("auto", {}, "found no shard index"),
        ("auto", {"JOB_COMPLETION_INDEX": "1"}, "auto/N"),
        ("auto/2", {"JOB_COMPLETION_INDEX": "-1"}, "not a whole number"),
        ("auto", {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3"}, "runs from 1 to 3"),
    ],
)
def test_bad_shards(text: str, env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_shard(text, env)


def test_safe_name_keeps_letters() -> None:
    assert safe_name("  Zoë  Łukasiewicz / Ñúñez ") == "Zoë-Łukasiewicz-Ñúñez"


def test_a_name_windows_reserves_is_not_given() -> None:
    """`--names "{reference}"` with a reference `CON` wrote CON.pdf, which Windows (where the
    folder is often unzipped) cannot open."""
    rows = [{"reference": "CON", "line": "2"}, {"reference": "lpt1", "line": "3"}]
    assert file_names(rows, "{reference}", "report") == ["CON_.pdf", "lpt1_.pdf"]
