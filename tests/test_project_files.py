"""project.files: the file policy, which decides what a build may read (links resolved)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportbuilder.errors import ReportError
from reportbuilder.project.files import FilePolicy

PATHS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- Properties: a link out of the project is refused, however it is made (Hypothesis) --------

_counter = itertools.count()
NAMES = ["content", "data", "sub", "a b", "ünï", ".hidden"]
FILES = ["x.md", "report.yml", "contacts.yml", "table.csv", "n.json"]
TEXTIO_CANARY = "canary: TEXTIO-OUTSIDE\n"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@st.composite
def escapes(draw: st.DrawFn) -> dict[str, Any]:
    parts = [*draw(st.lists(st.sampled_from(NAMES), max_size=3)), draw(st.sampled_from(FILES))]
    return {
        "parts": parts,
        "link_at": draw(st.integers(0, len(parts) - 1)),
        "spelling": draw(st.sampled_from(["absolute", "relative", "chain", "dotted"])),
        "device": draw(st.booleans()),
    }


def _make_escape(base: Path, spec: dict[str, Any]) -> tuple[Path, str]:
    """A project whose file `rel` is reached through a symlink out of the project: the link is
    the `link_at`-th component of `rel` (a file or a folder), its target mirrors it outside."""
    n = next(_counter)
    project, outside = base / f"p{n}", base / f"outside{n}"
    parts, at = spec["parts"], spec["link_at"]
    link = project.joinpath(*parts[: at + 1])
    link.parent.mkdir(parents=True, exist_ok=True)
    if at == len(parts) - 1 and spec["device"]:
        target = Path("/dev/zero")
    else:
        target = outside.joinpath(*parts[: at + 1])
        secret = target.joinpath(*parts[at + 1 :])
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(TEXTIO_CANARY, "utf-8")
    spelling = spec["spelling"]
    if spelling == "relative":
        link.symlink_to(os.path.relpath(target, link.parent))
    elif spelling == "chain":  # a link inside the project that leads to one going out
        hop = project / f"hop{n}"
        hop.symlink_to(target)
        link.symlink_to(hop)
    elif spelling == "dotted" and target.is_relative_to(base):  # a detour through the project
        link.symlink_to(f"{project}/./../{target.relative_to(base)}")
    else:
        link.symlink_to(target)
    return project, "/".join(parts)


@PATHS
@given(spec=escapes())
def test_file_policy_refuses_symlinks_out_of_the_project(
    sandbox: Path, spec: dict[str, Any]
) -> None:
    project, rel = _make_escape(sandbox, spec)
    with pytest.raises(ReportError) as caught:
        FilePolicy(project).read_project_text(rel)
    assert "outside the project" in str(caught.value)
    assert TEXTIO_CANARY.strip() not in str(caught.value)


@PATHS
@given(parts=st.lists(st.sampled_from(NAMES), max_size=3), name=st.sampled_from(FILES))
def test_file_policy_follows_symlinks_that_stay_inside(
    sandbox: Path, parts: list[str], name: str
) -> None:
    project = sandbox / f"p{next(_counter)}"
    real = project / "store" / "real.txt"
    real.parent.mkdir(parents=True)
    real.write_text("inside\n", "utf-8")
    link = project.joinpath(*parts, name)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(real, link.parent))
    rel = "/".join([*parts, name])
    assert FilePolicy(project).read_project_text(rel) == "inside\n"
