"""Messages a person understands (issue 8): no message the tests expect, and none a user's
mistake produces, carries Python's words (`TypeError`, `ValueError`, `KeyError`,
`unexpected keyword`) — each is `path:line: what is wrong`, in an author's terms."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, copy_fixture
from reportbuilder.cli import main

PYTHON_WORDS = re.compile(r"TypeError|ValueError|KeyError|unexpected keyword")
TESTS = REPO / "tests"
# `content/02.md:14: …`, `data/budget.xlsx:Sheet1!C7: …`: a problem as the command prints it.
_MESSAGE = re.compile(r"[\w./-]+\.(?:yml|yaml|md|csv|xlsx|json|html|css)(?::[^\s:]+)*: ")


def expected_texts() -> list[tuple[str, str]]:
    """Every text the suite compares output with: the string constants of the test modules
    (the bare words themselves, listed to be looked for, left out), and the messages the
    hostile corpus, the README and docs/data.md show."""
    found = []
    for path in sorted(TESTS.glob("*.py")):
        if path.name == Path(__file__).name:
            continue  # this module names the words it looks for
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((f"{path.name}:{node.lineno}", node.value))
    for path in (TESTS / "hostile" / "cases.yml", REPO / "README.md", REPO / "docs" / "data.md"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _MESSAGE.search(line):  # prose about the Python API may name its exceptions
                found.append((f"{path.name}:{number}", line))
    return found


def test_no_expected_message_speaks_python() -> None:
    texts = expected_texts()
    assert len(texts) > 5000  # the scan reads the whole suite
    offending = [
        f"{where}: {text[:100]}"
        for where, text in texts
        if PYTHON_WORDS.search(text)
        and PYTHON_WORDS.sub("", text).strip(" |") != ""  # words listed to be looked for
        and not text.startswith("internal error:")  # our own bug, reported as such
    ]
    assert offending == []


MISTAKES = [
    ("{{ table() }}", "table() was given 0 value(s) without a name"),
    ("{{ table(data.survey.source, decimls=1) }}", "did you mean 'decimals'?"),
    ("{{ chart(data.survey.source, kind='pie') }}", "did you mean 'donut'?"),
    ("{{ 12.5 | percent(digits=1) }}", "percent() has no argument 'digits'"),
    ("{{ 12.5 | percnet }}", "no filter named 'percnet' (did you mean 'percent'?)"),
    ("{{ chrt(data.survey.source) }}", "'chrt' is undefined (did you mean 'chart'?)"),
    ("{{ data.survey.households | number }}", "number: expected a number, got a key figure"),
    ("{{ data.survey.source | percent }}", "got a whole breakdown"),
    ("{{ 'a' | percent }}", "percent: expected a number, got the text 'a'"),
    ("{{ 5 | number(decimals=-1) }}", "decimals must be a whole number from 0 to 6, got -1"),
    ("{{ 5 | date }}", "date: expected a date, got the number 5"),
    ("{{ '31/03/2026' | date }}", "date: '31/03/2026' is not written YYYY-MM-DD"),
    ("{{ data.sites.rows[9] }}", "list object has no element 9"),
    ("{{ data.sites.rows[0]['nope'] }}", "has no 'nope'"),
    ("{{ [1] | first(x=5) }}", "first() has no argument 'x'"),
    ("{{ [1, 2] | join(x=1) }}", "join() has no argument 'x'"),
    ("{{ 'a' | upper(1) }}", "upper() was given more values than it takes"),
    ("{{ contact(1) }}", "contact() takes a contact's id"),
    ("{{ ref() }}", "ref() was given 0 value(s) without a name"),
]


@pytest.mark.parametrize(("call", "said"), MISTAKES, ids=[c for c, _ in MISTAKES])
def test_a_mistake_in_content_is_said_in_an_authors_words(
    tmp_path: Path, call: str, said: str
) -> None:
    root = copy_fixture("mini", tmp_path / "p")
    (root / "data" / "sites.csv").write_text("site,n [int]\nA,3\n", encoding="utf-8")
    (root / "content" / "03-x.md").write_text(f"# X\n\n{call}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("content/03-x.md:3: ") and said in line
    assert not PYTHON_WORDS.search(line) and "Traceback" not in line
