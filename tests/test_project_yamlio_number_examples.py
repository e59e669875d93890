"""A YAML value 1.1 would read as a number is refused with the value written as the
example: `value: 0450` said "write the number without it (10)", as if 0450 were ten, and
`0x10` "(0x1F: 31)". Read back through the data loader, at the key's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.project.data import load_data


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("0450", "(YAML 1.1 reads 0450 as octal 296); write the number without it (450)"),
        ("007.5", 'write the number without it (7.5), or quote it ("007.5")'),
        ("2:15", "(YAML 1.1 reads 2:15 as 135); write the number itself (135 minutes: 135)"),
        ("0x10", "write it in decimal (0x10: 16)"),
        ("1_250", "write the number without it (1250)"),
    ],
)
def test_the_example_is_the_value_written(tmp_path: Path, value: str, said: str) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "study.yml").write_text(
        f"victims:\n  value: {value}\n  label: x\n", encoding="utf-8"
    )
    _, problems = load_data(tmp_path)
    (problem,) = problems
    assert (problem.path, problem.line) == ("data/study.yml", 2)
    assert f"'{value}'" in problem.message and said in problem.message
    assert "(10)" not in problem.message and "0x1F" not in problem.message
