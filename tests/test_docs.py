"""The README is what users read: every command and option must be there, and the two
commands it opens with must be the ones the Makefile and CI run. tests/README.md says where a
module's tests are: that must stay true."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from reportbuilder.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "src" / "reportbuilder"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    command = main.commands[name]
    assert command.help and len(command.help.strip()) > 20
    assert f"reportbuilder {name}" in README


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (name, opt)
        for name, command in sorted(main.commands.items())
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--")
    ],
)
def test_every_long_option_is_in_the_readme(command: str, option: str) -> None:
    assert option in README, f"reportbuilder {command} {option} is not documented"


def test_readme_opens_with_the_demo_and_test_commands() -> None:
    first_lines = README.splitlines()[:8]
    assert any(line.startswith("make demo") for line in first_lines)
    assert any(line.startswith("make test") for line in first_lines)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo:" in makefile and "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_module_has_its_test_module() -> None:
    """tests/README.md: `x.py` → `test_x.py`; `package/x.py` → `test_package_x.py`."""
    missing = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if module.name.startswith("_"):  # __init__, __main__, private helpers
            continue
        rel = module.relative_to(PACKAGE)
        name = "_".join([*rel.parent.parts[-1:], rel.stem])
        if not (ROOT / "tests" / f"test_{name}.py").is_file():
            missing.append(f"{rel} → tests/test_{name}.py")
    assert missing == []


@pytest.mark.slow
def test_the_python_example_in_the_readme_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import copy_fixture

    section = README.split("## Use from Python", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    copy_fixture("tiny", tmp_path / "my-report")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    for lang in ("fr", "en", "es"):
        assert (tmp_path / "out" / f"report-{lang}.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "out" / "report-en.pdf").stat().st_size > 10_000
    assert capsys.readouterr().out.startswith("3 []")  # tiny: 3 pages, no problems
