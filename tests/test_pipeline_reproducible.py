"""With SOURCE_DATE_EPOCH set, the same input gives the same bytes on any machine: a report
long enough to be laid out by parts is laid out whole (trial 7 #8: by parts on two cores,
whole on one, the bytes differed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder import pipeline
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf


def test_a_reproducible_build_is_laid_out_whole_whatever_the_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    monkeypatch.setattr(pipeline, "MIN_PARTS", 2)  # as if the report were long
    monkeypatch.delenv("REPORTBUILDER_PARTS", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")

    def built(name: str, jobs: int) -> tuple[dict[str, object], bytes]:
        output = project / "out" / f"{name}.pdf"
        args = ["build", str(project), "--json", "--jobs", str(jobs), "-o", str(output)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        (out,) = json.loads(result.stdout)["outputs"]
        return out, output.read_bytes()

    two, two_bytes = built("two", 2)
    one, one_bytes = built("one", 1)
    assert two["layout"] == one["layout"] == "whole"
    assert two["layout_reason"] == pipeline.REPRODUCIBLE_WHOLE
    assert two_bytes == one_bytes
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    unset, _ = built("unset", 2)
    assert unset["layout"] == "parts"  # the same report, no promise of bytes: where it pays
