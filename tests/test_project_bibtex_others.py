"""BibTeX's `and others` printed an author named "others" ("(Müller et others, 2020)"), and a
title's `$\\alpha$` printed as typed (trial 8 #19): "et al." the style's way, math as its
letters."""

from __future__ import annotations

from reportbuilder.compose.citations import Citations
from reportbuilder.project.bibtex import read_bibtex

LIBRARY = r"""
@article{muller2020,
  author = {Müller, Jörg and others},
  title = {Die $\alpha$-Analyse der Wasserstellen, $x \leq 3$},
  journal = {Wasser},
  year = {2020}
}
@article{two2021,
  author = {Rojas, Ana and Soto, Bea and others},
  title = {Two and more},
  journal = {Agua},
  year = {2021}
}
@article{solo2022,
  author = {Others, Olga},
  title = {A person named Others},
  journal = {Agua},
  year = {2022}
}
"""


def test_and_others_prints_et_al_in_the_citation_and_the_references() -> None:
    items, problems, _ = read_bibtex(LIBRARY, {"muller2020", "two2021", "solo2022"})
    assert problems == []
    citations = Citations(items, "en")
    assert (
        citations.cite(["muller2020"])
        == '<span class="citation">(Müller <i>et al.</i>, 2020)</span>'
    )
    assert (
        citations.cite(["two2021"]) == '<span class="citation">(Rojas <i>et al.</i>, 2021)</span>'
    )
    assert citations.cite(["solo2022"]) == '<span class="citation">(Others, 2022)</span>'
    entries = [str(entry) for entry in citations.entries()]
    assert any(entry.startswith("Müller, J. <i>et al.</i> (2020)") for entry in entries), entries
    assert not any("others" in entry for entry in entries), entries


def test_a_title_s_math_prints_as_its_letters_and_signs() -> None:
    items, _, _ = read_bibtex(LIBRARY, {"muller2020"})
    assert items[0]["title"] == "Die α-Analyse der Wasserstellen, x ≤ 3"
