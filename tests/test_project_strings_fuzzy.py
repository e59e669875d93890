"""A fuzzy entry of the project's `locale/<lang>.po` (a guess no translator checked) is not
used, as gettext does, and said at its line: the theme's word printed where the author had
written another, with nothing said."""

from __future__ import annotations

from pathlib import Path

from reportbuilder.errors import Severity
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.strings import load_strings
from reportbuilder.project.theme import THEMES_DIR

BASE = THEMES_DIR / "base"


def test_a_fuzzy_word_is_not_used_and_is_warned_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgctxt "contents"\nmsgid "Contents"\nmsgstr "Table des matières"\n',
        encoding="utf-8",
    )
    strings, problems = load_strings(BASE, tmp_path, FilePolicy(tmp_path, THEMES_DIR))
    labels = strings.labels("fr")
    assert labels is not None
    assert labels["contents"] == "Sommaire"  # the theme's, not the unchecked guess
    (said,) = problems
    assert (said.path, said.line, said.severity) == ("locale/fr.po", 7, Severity.WARNING)
    assert "'Contents' is marked fuzzy" in said.message
    assert "'Table des matières' is not used" in said.message
