"""The rule for text that prints as a name or goes into a message: every character prints as
itself (report.yml's titles, contacts, requester cells)."""

from __future__ import annotations

import pytest

from reportbuilder.project.printable import printed_text, refuse_unprintable


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("E\u202eF", "a bidirectional control (U+202E)"),
        ("E\u2067F\u2069", "a bidirectional control (U+2067)"),
        ("a\u200bb", "an invisible character (U+200B)"),
        ("a\u200fb", "an invisible character (U+200F)"),
        ("\ufeffTitle", "an invisible character (U+FEFF)"),
        ("a\x1b[31mb", "a control character (U+001B)"),
        ("one\ntwo", "a line break (U+000A)"),
    ],
)
def test_what_would_print_as_something_else_is_named(text: str, what: str) -> None:
    with pytest.raises(ValueError, match=r"^contains ") as refused:
        printed_text(text)
    assert str(refused.value) == (
        f"contains {what}: it would print or send as something else; remove it"
    )


def test_what_prints_as_itself_passes() -> None:
    for text in (
        "Encuesta de hogares 2026",
        "Rapport d\u2019activit\u00e9",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        "\U0001f469\u200d\U0001f52c",
        "co\u00adoperation",
    ):
        assert printed_text(text) == text
    refuse_unprintable("Calle 1\nSantiago", multiline=True)  # an address's lines


def test_template_code_outside_chapters_is_refused_at_its_line(tmp_path) -> None:
    """Trial 7 #28: `{{ … }}` in report.yml, a data label or contacts.yml printed as typed
    on the cover, in a key-figure box and in the contact block; `check` was silent."""
    from click.testing import CliRunner

    from conftest import copy_fixture
    from reportbuilder.cli import main

    root = copy_fixture("tiny", tmp_path / "tiny")
    config = root / "report.yml"
    config.write_text(
        config.read_text("utf-8") + 'subtitle: "First results {{ report.date.year }}"\n'
        "contact: ana\n",
        encoding="utf-8",
    )
    subtitle = (
        config.read_text("utf-8")
        .splitlines()
        .index('subtitle: "First results {{ report.date.year }}"')
        + 1
    )
    (root / "data" / "labels.yml").write_text(
        "households:\n  value: 1200\n  label: households in {{ report.date.year }}\n",
        encoding="utf-8",
    )
    (root / "contacts.yml").write_text(
        "contacts:\n  - id: ana\n    name: Ana Pérez\n    office: 'Research office {% if x %}'\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    said = result.stderr
    assert f"report.yml:{subtitle}: 'subtitle': is plain text: its '{{{{' or '{{%'" in said
    assert "data/labels.yml:3: key figure 'households': 'label' is plain text" in said
    assert "contacts.yml:4: 'contacts[0].office': is plain text" in said
