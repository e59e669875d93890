"""What the render process adds to WeasyPrint's tags: `/Lang` on passages in another language
and `/Scope` on table header cells, read back from a real PDF."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.render import tagging
from test_accessibility import _tree
from test_markdown_code import project_with


@pytest.mark.pdf
def test_passages_in_another_language_carry_it(tmp_path: Path) -> None:
    text = (
        '# Words\n\nPlain text.\n\n<p lang="de">Ein deutscher Satz.</p>\n\n'
        'And <span lang="fr">une phrase</span> inline.\n\n'
        "<table><thead><tr><th>Region</th><th>Cases</th></tr></thead>"
        "<tbody><tr><th>North</th><td>4</td></tr></tbody></table>\n"
    )
    project = project_with(tmp_path, **{"01-a": text})
    pdf = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    tree = _tree(pypdf.PdfReader(pdf))
    langs = {(str(e["/S"]), str(e["/Lang"])) for e, _ in tree if "/Lang" in e}
    assert langs == {("/P", "de"), ("/Span", "fr")}
    scopes = [str(e["/A"]["/Scope"]) for e, _ in tree if e["/S"] == "/TH"]
    assert scopes == ["/Column", "/Column", "/Row"]


@pytest.mark.pdf
def test_installing_twice_wraps_once() -> None:
    from weasyprint.pdf import tags

    tagging.install()
    wrapped = tags._build_box_tree
    tagging.install()
    assert tags._build_box_tree is wrapped
