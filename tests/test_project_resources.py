"""project.resources: where each image or stylesheet a project asks for is written, so that a
refused or missing file is reported at its file and line, not as a bare URL."""

from __future__ import annotations

from pathlib import Path

from reportbuilder.errors import Location
from reportbuilder.project.chapters import Chapter
from reportbuilder.project.config import ReportConfig
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.resources import resource_locations


def locations(
    root: Path, chapters: list[Chapter], css: dict[str, str], logo: str | None = None
) -> dict[str, tuple[Location, ...]]:
    styles = []
    for name, text in css.items():
        path = root / "styles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        styles.append(path)
    organisation = {"name": "Trust", "logo": logo} if logo else None
    config = ReportConfig.model_validate({"title": "T", "lang": "en", "organisation": organisation})
    return resource_locations(root, config, chapters, styles, FilePolicy(root))


def test_images_and_links_in_chapters(tmp_path: Path) -> None:
    chapter = Chapter(
        rel="content/01-a.md",
        source="# A\n\n![Pump](assets/pump.svg)\n\n"
        '<img src="assets/map.png" alt="map">\n'
        "![Again](assets/pump.svg) ![Far](https://example.org/x.png)\n"
        "![Inline](data:image/png;base64,AAAA)\n",
        slug="a",
    )
    base = tmp_path.as_uri()
    assert locations(tmp_path, [chapter], {}) == {
        # every place it is used, in order: each is told when the file is refused
        f"{base}/assets/pump.svg": (Location("content/01-a.md", 3), Location("content/01-a.md", 6)),
        f"{base}/assets/map.png": (Location("content/01-a.md", 5),),
        "https://example.org/x.png": (Location("content/01-a.md", 6),),
    }


def test_stylesheet_urls_resolve_from_the_stylesheet(tmp_path: Path) -> None:
    found = locations(
        tmp_path,
        [],
        {"site.css": "body {\n  background: url('../assets/bg.png');\n}\n@import \"extra.css\";\n"},
    )
    assert found == {
        (tmp_path / "styles" / "site.css").as_uri(): (Location("styles/site.css"),),  # itself
        (tmp_path / "assets" / "bg.png").as_uri(): (Location("styles/site.css", 2),),
        (tmp_path / "styles" / "extra.css").as_uri(): (Location("styles/site.css", 4),),
    }


def test_the_logo_is_placed_in_report_yml(tmp_path: Path) -> None:
    found = locations(tmp_path, [], {}, logo="assets/logo.svg")
    assert found == {f"{tmp_path.as_uri()}/assets/logo.svg": (Location("report.yml"),)}


def test_a_stylesheet_that_cannot_be_read_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "outside.css").write_text("p { background: url(x.png) }", encoding="utf-8")
    (tmp_path / "project").mkdir()
    project = tmp_path / "project"
    (project / "styles").mkdir()
    (project / "styles" / "link.css").symlink_to(tmp_path / "outside.css")
    config = ReportConfig.model_validate({"title": "T", "lang": "en"})
    found = resource_locations(
        project, config, [], [project / "styles" / "link.css"], FilePolicy(project)
    )
    # Only the stylesheet itself, so that its refusal is reported under its name.
    assert found == {(project / "styles" / "link.css").as_uri(): (Location("styles/link.css"),)}


def test_an_image_shown_as_code_is_no_image(tmp_path: Path) -> None:
    """Trial 6 #45: `<img src>` in an indented block or a code span was a "missing file"
    error (in a fenced block a warning), and `src = open(name)` in Python code another: a
    how-to chapter showing HTML could not be built. Code is printed as typed."""
    chapter = Chapter(
        rel="content/01-a.md",
        source='# A\n\n```html\n<img src="fenced.png">\n```\n\n'
        '    <img src="indented.png">\n\nInline `<img src="span.png">` and '
        "`![x](span.svg)` in code.\n\n~~~python\nsrc = open(name)\n~~~\n\n"
        "![Real](assets/real.png)\n",
        slug="a",
    )
    base = tmp_path.as_uri()
    assert locations(tmp_path, [chapter], {}) == {
        f"{base}/assets/real.png": (Location("content/01-a.md", 15),),
    }
