"""`check` lists every problem of a project in one run (trial 3 #13): a wrong setting in
report.yml or a wrong contact no longer hides the chapters' problems; a stage that cannot
run says so once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.project.contacts import _File
from reportbuilder.project.validation import stand_in


def broken_everywhere(root: Path) -> Path:
    """The example of `init`, with a mistake in each of report.yml, contacts.yml and the
    chapter (an undefined key, a missing image)."""
    assert CliRunner().invoke(main, ["init", str(root), "--lang", "en"]).exit_code == 0
    config = root / "report.yml"
    config.write_text(config.read_text() + "colour: red\n", encoding="utf-8")
    contacts = root / "contacts.yml"
    contacts.write_text(contacts.read_text().replace("research@example.org", "not-an-email"))
    chapter = root / "content" / "01-introduction.md"
    chapter.write_text(
        chapter.read_text() + "\n{{ data.survey.nope }}\n\n![Missing](assets/none.png)\n"
    )
    return root


@pytest.mark.pdf  # and `build` of the same project, which starts the render process
def test_one_check_lists_the_settings_contacts_and_chapter_problems(tmp_path: Path) -> None:
    root = broken_everywhere(tmp_path / "b")
    lines = len((root / "content" / "01-introduction.md").read_text().splitlines())
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 1
    said = result.output.splitlines()
    assert said[0].startswith("report.yml:") and "unknown key 'colour'" in said[0]
    assert said[1].startswith("contacts.yml:7: 'contacts[0].email': not an email address")
    assert said[2] == (
        f"content/01-introduction.md:{lines - 2}: 'data.survey.nope' is undefined; it has: "
        "households, tenure"
    )
    assert said[3] == f"warning: content/01-introduction.md:{lines}: missing file assets/none.png"
    # The contact with the wrong address is still the report's contact: not blamed again.
    assert "no contact" not in result.output

    as_json = CliRunner().invoke(main, ["check", str(root), "--json"])
    found = json.loads(as_json.stdout)
    assert found["ok"] is False
    assert [(p["path"], p["severity"]) for p in found["problems"]] == [
        ("report.yml", "error"),
        ("contacts.yml", "error"),
        ("content/01-introduction.md", "error"),
        ("content/01-introduction.md", "warning"),
    ]

    # `build` refuses at the project's files, nothing built from stand-ins, but says the
    # chapter's error as `check` does: every problem in one run, not one run a stage.
    built = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert built.exit_code == 1
    assert built.output.splitlines()[:3] == said[:3]
    assert not (root / "out").exists()


def test_a_report_yml_that_cannot_be_read_says_the_chapters_wait(tmp_path: Path) -> None:
    root = broken_everywhere(tmp_path / "b")
    config = root / "report.yml"
    config.write_text(config.read_text() + "subtitle: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 1
    said = result.output.splitlines()
    assert said[0].startswith("report.yml:")
    assert said[1].startswith("contacts.yml:7:")
    notes = [line for line in said if "the chapters were not filled in" in line]
    assert len(notes) == 1 and notes[0].startswith("warning: ")
    assert "data.survey.nope" not in result.output


def test_a_stand_in_leaves_out_only_what_is_wrong() -> None:
    value = {
        "contacts": [
            {"id": "a", "name": "Ana", "email": "nope", "phone": "+1 202 555 0100"},
            {"id": "b", "email": "b@example.org"},  # no name: the whole entry goes
            {"id": "c", "name": "Carl", "email": "c@example.org"},
        ]
    }
    kept = stand_in(_File, value)
    assert kept is not None
    assert [(c.id, c.email) for c in kept.contacts] == [("a", None), ("c", "c@example.org")]
    assert value["contacts"][0]["email"] == "nope"  # the value given is left as it was


def test_a_line_that_uses_a_wrong_data_file_is_said_to_wait(tmp_path: Path) -> None:
    """A breakdown adding up to 110 hid the chapter's problems on lines that use it, with no
    word (trial 5 #14): each such line is now named, to check again."""
    root = tmp_path / "k"
    assert CliRunner().invoke(main, ["init", str(root), "--lang", "en"]).exit_code == 0
    survey = root / "data" / "survey.yml"
    survey.write_text(survey.read_text().replace("percent: 58", "percent: 68"))
    chapter = root / "content" / "01-introduction.md"
    chapter.write_text(chapter.read_text() + "\n{{ data.survey.nope }} and {{ nosuch }}\n")
    line = len(chapter.read_text().splitlines())
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "data/survey.yml:4: breakdown 'tenure': percents add up to 110, not 100",
        f"warning: content/01-introduction.md:{line}: not checked yet: the line uses "
        "data.survey, whose file has problems of its own (above); check again once they are "
        "fixed",
        "1 problem found, and 1 warning.",
    ]
