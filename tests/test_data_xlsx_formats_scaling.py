"""Excel's usual "in millions / thousands" formats put the scaling commas after the decimals
(`#,##0.0,,"M"` shows 12345678 as 12.3M, `0.0,"k"` 1234 as 1.2k): they were not taken for
scaling, the figure printed unscaled (12 345 678,0) with a warning advising to name "M" in the
header, which made it wrong by a million (trial 8 #14). They are refused at the cell, as
`#,##0,` is. Built through the CLI and read back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from conftest import built_text

pytestmark = pytest.mark.pdf  # built through the CLI


@pytest.mark.parametrize(
    ("form", "value"), [('#,##0.0,,"M"', 12345678), ('0.0,"k"', 1234), ("#,##0.00,,", 9876543)]
)
def test_scaling_after_the_decimals_is_refused_at_the_cell(
    tmp_path: Path, form: str, value: int
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Budget"
    sheet.append(["item", "amount"])
    sheet.append(["wells", value])
    sheet["B2"].number_format = form
    (tmp_path / "data").mkdir()
    (tmp_path / "content").mkdir()
    book.save(tmp_path / "data" / "budget.xlsx")
    (tmp_path / "report.yml").write_text("title: B\nlang: en\n", encoding="utf-8")
    (tmp_path / "content" / "01.md").write_text("# B\n\n{{ table(data.budget) }}\n")
    code, output = built_text(tmp_path)
    assert code == 1, output
    assert (
        f"data/budget.xlsx:Budget!B2: the number format '{form}' uses thousands scaling (a "
        "comma after the last digit), which the report cannot show as Excel does"
    ) in output
    assert "name it in the column's header" not in output
