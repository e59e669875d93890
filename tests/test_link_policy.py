"""One rule for every link a report carries (trial 6 #27): a chapter's Markdown links,
autolinks and raw `<a href>`, and addresses a chapter prints from data, are held to what
contacts.yml's addresses are — no look-alike host mixing scripts, no `user@host`, no
invisible or text-direction characters, no mail link adding hidden recipients. And an
image the build refuses to read (the network off, a file outside the project) is an error
at its line, as a missing file is: a figure is never printed without its picture."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts
from reportbuilder.cli import main
from reportbuilder.link_policy import link_problem, mail_link_problem, web_address_problem

# --- the policy itself -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://www.ex\u0430mple.org/informe", "mixes Cyrillic and Latin"),
        ("https://xn--exmple-4nf.org/", "mixes Cyrillic and Latin"),  # the same, punycode
        ("https://example.org/\u202egpj.exe", "U+202E"),
        ("https://example.org/%E2%80%AEgpj.exe", "U+202E"),  # percent-encoded
        ("https://exam\u200bple.org", "U+200B"),
        ("https://www.iom.int@evil.example/x", "leads to evil.example"),
        ("https://iom.int:443@evil.example", "leads to evil.example"),
        ("https://exa mple.org", "a space"),
    ],
)
def test_web_addresses_that_show_one_place_and_lead_to_another(url: str, why: str) -> None:
    problem = web_address_problem(url)
    assert problem is not None and why in problem


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("mailto:info@iom.int?bcc=harvest@evil.example&subject=Report", "'bcc='"),
        ("mailto:info@iom.int?CC=x@evil.example", "'CC='"),
        ("mailto:info@iom.int?%62cc=x@evil.example", "'bcc='"),  # percent-encoded name
        ("mailto:a@x.org,b@evil.example", "one address"),
        ("mailto:info@ex\u0430mple.org", "mixes Cyrillic and Latin"),
        ("mailto:?subject=hi", "needs an address"),
        ("mailto:not-an-address", "not an email address"),
    ],
)
def test_mail_links_that_add_recipients_or_hide_them(url: str, why: str) -> None:
    problem = mail_link_problem(url)
    assert problem is not None and why in problem


@pytest.mark.parametrize(
    "url",
    [
        "https://www.iom.int/report?lang=en#page=3",
        "https://example.org/my%20file.pdf",  # an encoded space is part of the address
        "http://example.org",
        "https://b\u00fccher.example/",  # one script, accented: fine
        "https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/",  # all Cyrillic: fine
        "https://\u30c9\u30e1\u30a4\u30f3\u540d\u4f8b.jp/",  # kana and kanji: Japanese
        "mailto:info@iom.int",
        "mailto:info@iom.int?subject=The%20report&body=Hello",
        "#results",
    ],
)
def test_ordinary_links_pass(url: str) -> None:
    assert link_problem(url) is None


# --- chapters, through the CLI -----------------------------------------------------------

PHISHING = [
    "[the report](https://www.ex\u0430mple.org/informe) L3",
    "<https://www.ex\u0430mple.org/x> L5",
    "[zw](https://exam\u200bple.org) L7",
    "<https://www.iom.int@evil.example/x> L9",
    "[iom](https://iom.int:443@evil.example) L11",
    "[to us](mailto:info@iom.int?bcc=harvest@evil.example&subject=Report) L13",
    '<a href="https://www.ex\u0430mple.org/raw">raw</a> L15',
    "[data]({{ data.links.site.url }}) L17",
]


def project(root: Path, chapter: str, files: dict[str, str] | None = None) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text("title: Links\nlang: en\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(chapter, encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


LOOK_ALIKE_DATA = {"data/links.yml": "site: {url: 'https://www.ex\u0430mple.org/d'}\n"}


@pytest.mark.pdf
def test_every_unsafe_link_of_a_chapter_is_an_error_at_its_line(tmp_path: Path) -> None:
    """They went into the PDF as live links, `check` silent, no warning."""
    root = project(tmp_path / "p", "# Links\n\n" + "\n\n".join(PHISHING) + "\n", LOOK_ALIKE_DATA)
    for command in ("check", "build"):
        result = CliRunner().invoke(main, [command, str(root)], catch_exceptions=False)
        assert result.exit_code == 1, result.output
        for line in (3, 5, 7, 9, 11, 13, 15, 17):
            assert f"content/01.md:{line}: the " in result.output, (line, result.output)
        assert result.output.count("cannot go into the report") == len(PHISHING)
        assert "\u202e" not in result.output and "\u200b" not in result.output
    assert not (root / "out").exists() or not list((root / "out").glob("*.pdf"))


@pytest.mark.pdf
def test_ordinary_links_stay_live_in_the_pdf(tmp_path: Path) -> None:
    chapter = (
        "# Links\n\n[the report](https://www.iom.int/report?lang=en) and "
        "<https://example.org/x> and [write](mailto:info@iom.int?subject=Report) "
        "and [data]({{ data.links.site.url }}) GOOD.\n"
    )
    files = {"data/links.yml": "site: {url: 'https://data.example.org/page'}\n"}
    root = project(tmp_path / "p", chapter, files)
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(next((root / "out").glob("*.pdf")))
    assert any("GOOD" in text for text in page_texts(reader))
    uris = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    }
    assert {
        "https://www.iom.int/report?lang=en",
        "https://example.org/x",
        "mailto:info@iom.int?subject=Report",
        "https://data.example.org/page",
    } <= uris


def test_a_contacts_email_on_a_look_alike_domain_is_refused(tmp_path: Path) -> None:
    contacts = "contacts:\n  - id: desk\n    name: Help desk\n    email: info@ex\u0430mple.org\n"
    root = project(tmp_path / "p", "# Links\n\nText.\n", {"contacts.yml": contacts})
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "contacts.yml:4:" in result.output and "mixes Cyrillic and Latin" in result.output


# --- an image the build refuses to read ----------------------------------------------------


@pytest.mark.pdf
def test_a_refused_image_is_an_error_at_its_line_and_nothing_is_written(tmp_path: Path) -> None:
    """A web image with the network off, or a file outside the project, printed "Figure 1.
    Map of regions" over no picture, with a warning only."""
    from PIL import Image

    Image.new("RGB", (40, 40), "red").save(tmp_path / "outside.png")
    chapter = (
        "# Images\n\nText.\n\n![Map of regions](https://images.example.org/map.png)\n\n"
        "More.\n\n![Outside](../../outside.png)\n"
    )
    root = project(tmp_path / "p", chapter)
    for command in ("check", "build"):
        result = CliRunner().invoke(main, [command, str(root)], catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert "content/01.md:5: network access is off" in result.output
        assert "content/01.md:9: refused" in result.output
        assert result.output.count("the figure would print without its picture") == 2
        assert "warning:" not in result.output  # said once, as the error
    assert not list(root.glob("out/*.pdf"))


@pytest.mark.pdf
def test_an_allowed_hosts_image_is_no_refusal(tmp_path: Path) -> None:
    """`network.allow` still lets an image be fetched: only the check is about the refusal."""
    chapter = "# Images\n\n![Map](https://images.example.org/map.png)\n"
    root = project(tmp_path / "p", chapter)
    (root / "report.yml").write_text(
        "title: Links\nlang: en\nnetwork: {allow: [images.example.org]}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert "network access is off" not in result.output
    assert "without its picture" not in result.output
