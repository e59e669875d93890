"""Trial 8 #16: a list pasted from Word with its "•" bullets (or "a)" letters), one item a
line under a line of text, printed as one paragraph, the items run together, with no word.
`check` says so at the first such line, with what to write; lines kept apart by a hard line
break, a single bulleted line and a real list are left alone."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.compose.pasted_lists import pasted_list_line

CHAPTER = """# Objectifs

Les objectifs sont :
• Réduire les délais
• Améliorer l’accueil
• Former 120 agents

Les étapes :
a) Lire
b) Écrire

Ligne\\
• gardée\\
• aussi

• Un seul point en début de paragraphe.

- Un item
  • avec un point collé

Une liste :
- Réduire
- Former
"""


def test_check_says_where_pasted_bullets_run_together(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Objectifs", CHAPTER)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: content/01.md:4: lines starting with '•' are joined into one paragraph, the "
        "items run together: write '- ' (or '1. ') in the place of '•' to make them list "
        "items, or end each line with '\\' to keep it a line of its own",
        "warning: content/01.md:9: lines starting with 'a)' are joined into one paragraph, the "
        "items run together: write '- ' (or '1. ') in the place of 'a)' to make them list "
        "items, or end each line with '\\' to keep it a line of its own",
        "warning: content/01.md:19: lines starting with '•' are joined into one paragraph, the "
        "items run together: write '- ' (or '1. ') in the place of '•' to make them list "
        "items, or end each line with '\\' to keep it a line of its own",
    ]


def test_sentences_are_not_taken_for_items() -> None:
    assert pasted_list_line("Il a dit :\na) rien de plus.") is None  # one letter: a sentence
    assert pasted_list_line("Voir le point\nb. Ensuite") is None
    assert pasted_list_line("Le prix\n– 12 % cette année") == ("–", "– 12 % cette année")
    assert pasted_list_line("Texte  \n• un  \n• deux\nfin") == ("•", "• deux")
