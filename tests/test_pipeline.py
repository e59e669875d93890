"""pipeline: `check` and `build` as compositions of the stages, where the output goes
(`output_path`), and the warnings for images a build would miss or refuse
(`resource_problems`). PDF builds are tested in
test_api.py and test_cli.py; these use the HTML format, which starts no render process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PIL import Image

from conftest import copy_fixture
from reportbuilder.compose.html import render_html
from reportbuilder.edition import Edition
from reportbuilder.errors import OutputError, Problem, ProjectError, ReportError, Severity, Stage
from reportbuilder.pipeline import (
    BuildResult,
    Output,
    build,
    build_editions,
    check,
    output_path,
    resource_problems,
)
from reportbuilder.project.load import load_project


def add_image(project: Path, src: str) -> None:
    chapter = project / "content" / "01-overview.md"
    chapter.write_text(chapter.read_text("utf-8") + f"\n![An image]({src})\n", encoding="utf-8")


def files_in(project: Path) -> list[str]:
    return sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))


def test_check_writes_nothing_and_returns_the_warnings(mini_project: Path) -> None:
    chapter = mini_project / "content" / "01-overview.md"
    # an image in a line of text: a figure's picture refused is an error (test_link_policy)
    text = "\nAn icon ![An image](https://example.org/gone.png) in the text.\n"
    chapter.write_text(chapter.read_text("utf-8") + text, encoding="utf-8")
    before = files_in(mini_project)
    result = check(mini_project)
    assert files_in(mini_project) == before
    assert result.outputs == () and result.project == str(mini_project.resolve())
    [warning] = result.warnings
    assert str(warning) == (
        "content/01-overview.md:22: network access is off: refused https://example.org/gone.png"
    )
    assert (warning.stage, warning.severity) == (Stage.PROJECT, Severity.WARNING)


def test_a_strict_check_fails_with_the_warnings_as_errors(mini_project: Path) -> None:
    add_image(mini_project, "https://example.org/gone.png")
    with pytest.raises(ProjectError) as raised:
        check(mini_project, Edition(strict=True))
    [problem] = raised.value.problems
    assert problem.severity is Severity.ERROR and "example.org/gone.png" in problem.message


def test_a_missing_image_is_an_error_of_check_and_build(mini_project: Path) -> None:
    """Trial 4 #30: a typo in an image's path published "Figure 1" with no picture (a
    warning, exit 0). An image written in a code block is text: not an error."""
    add_image(mini_project, "assets/gone.png")
    chapter = mini_project / "content" / "01-overview.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n```\n![x](assets/code.png)\n```\n")
    with pytest.raises(ProjectError) as raised:
        check(mini_project)
    [problem] = [p for p in raised.value.problems if p.severity is Severity.ERROR]
    assert str(problem) == "content/01-overview.md:22: missing file assets/gone.png"
    warnings = [str(p) for p in raised.value.problems if p.severity is Severity.WARNING]
    assert warnings == []  # code is text: not even a warning (trial 6 #45)
    with pytest.raises(ProjectError) as raised:
        build(mini_project, format="html")
    assert [str(p) for p in raised.value.problems] == [str(problem)]
    assert not (mini_project / "out").exists()


def test_check_warns_of_what_a_build_would_miss_or_refuse(
    mini_project: Path, tmp_path: Path
) -> None:
    add_image(mini_project, "data:image/png;base64,AAAA")
    assert resource_problems(load_project(mini_project)) == []
    add_image(mini_project, "https://example.org/remote.png")
    add_image(mini_project, (tmp_path / "outside.png").as_uri())
    add_image(mini_project, "assets/sub/../gone.svg")
    messages = sorted(p.message for p in resource_problems(load_project(mini_project)))
    assert messages == sorted(
        [
            "network access is off: refused https://example.org/remote.png",
            f"refused {tmp_path / 'outside.png'}: outside the project",
            "missing file assets/gone.svg",
        ]
    )


def test_build_html_writes_report_ymls_output_with_its_suffix(
    mini_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = build(mini_project, format="html")
    target = mini_project / "out" / "mini.html"
    html = target.read_text("utf-8")
    assert result.outputs == (Output(str(target), "html", len(html.encode("utf-8")), None),)
    assert '<meta name="dcterms.created" content="2026-01-01T00:00:00Z">' in html
    assert not (mini_project / "out" / "mini.pdf").exists()


def test_build_takes_a_loaded_project_and_an_output(mini_project: Path, tmp_path: Path) -> None:
    project = load_project(mini_project)
    result = build(project, Edition(lang="fr"), output=tmp_path / "fr.html", format="html")
    assert result.outputs[0].path == str(tmp_path / "fr.html")
    assert '<html lang="fr">' in (tmp_path / "fr.html").read_text("utf-8")


@pytest.mark.parametrize(
    "rel", ["report.yml", "content/01-overview.md", "data/x.html", "assets/out.pdf", "styles/a"]
)
def test_an_output_never_lands_on_a_source(mini_project: Path, rel: str) -> None:
    project = load_project(mini_project)
    with pytest.raises(OutputError) as raised:
        output_path(project, render_html(project), mini_project / rel, "pdf")
    assert [str(p) for p in raised.value.problems] == [
        f"{rel}: the output would overwrite a source of the project"
    ]
    with pytest.raises(OutputError):
        build(project, output=mini_project / rel, format="html")
    assert (mini_project / "report.yml").read_text("utf-8").startswith("# A small")


def test_an_output_elsewhere_or_in_another_project_folder_is_fine(
    mini_project: Path, tmp_path: Path
) -> None:
    project = load_project(mini_project)
    html = render_html(project)
    assert output_path(project, html, tmp_path / "x.pdf", "pdf") == tmp_path / "x.pdf"
    inside = mini_project / "exports" / "x.pdf"
    assert output_path(project, html, inside, "pdf") == inside
    assert output_path(project, html, None, "html") == mini_project / "out" / "mini.html"


def test_build_result_as_json() -> None:
    warning = Problem(
        "content/a.md", 3, "missing file x.png", stage=Stage.PROJECT, severity=Severity.WARNING
    )
    error = Problem(None, None, "an error kept as a record", stage=Stage.RENDER)
    result = BuildResult("/p", (Output("/p/out/r.pdf", "pdf", 10, 2),), (warning, error), 1.5)
    assert result.warnings == [warning]
    doc = json.loads(json.dumps(result.as_json()))
    assert doc == {
        "ok": True,
        "project": "/p",
        "outputs": [{"path": "/p/out/r.pdf", "format": "pdf", "bytes": 10, "pages": 2}],
        "problems": [warning.as_json(), error.as_json()],
        "seconds": 1.5,
    }


@pytest.mark.pdf
@pytest.mark.slow
def test_editions_built_two_at_a_time_equal_those_built_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "content" / "01-only.fr.md").write_text("# Aperçu\n\nEn bref.\n", "utf-8")
    editions = [(None, Edition(lang=lang)) for lang in ("en", "fr", "es")]
    one = [Path(r.outputs[0].path).read_bytes() for r in build_editions(project, editions)]
    two = build_editions(project, editions, jobs=2)
    assert [Path(r.outputs[0].path).name for r in two] == ["tiny.pdf", "tiny-fr.pdf", "tiny-es.pdf"]
    assert [Path(r.outputs[0].path).read_bytes() for r in two] == one


@pytest.mark.pdf
def test_one_failing_edition_does_not_stop_the_others(tmp_path: Path) -> None:
    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "content" / "01-only.fr.md").write_text("# Résultats\n\n{{ nope }}\n", "utf-8")
    editions = [(None, Edition(lang=lang)) for lang in ("fr", "en")]
    with pytest.raises(ReportError) as caught:
        build_editions(project, editions, jobs=2)
    assert caught.value.problems[0].path == "content/01-only.fr.md"
    assert (project / "out" / "tiny.pdf").is_file()  # the English edition was still made


@pytest.mark.pdf
def test_a_font_face_that_cannot_be_loaded_is_named_at_its_stylesheet_line(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from reportbuilder.cli import main

    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles" / "fonts.css").write_text(
        'p { color: black; }\n\n@font-face {\n  font-family: "Brand Serif";\n'
        '  src: url(brand.woff2);\n}\nbody { font-family: "Brand Serif", serif; }\n',
        encoding="utf-8",
    )
    (project / "styles" / "brand.woff2").write_bytes(b"not a font at all")
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    assert (
        "warning: styles/fonts.css:3: the @font-face 'Brand Serif' cannot be loaded: its file is "
        "missing, refused or not a font, so the text is set in another font"
    ) in result.stderr.splitlines()
    assert "render: Font-face" not in result.stderr


@pytest.mark.pdf
def test_a_css_warning_is_named_at_its_stylesheet_and_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportbuilder.cli import main

    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles" / "x.css").write_text(
        'h2 { color: black; }\n\np { colr: black; }\n@import url("late.css");\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "styles/x.css" in line]
    assert warnings == [
        "warning: styles/x.css:3: Ignored `colr: black`, unknown property",
        "warning: styles/x.css:4: @import rule ' url(\"late.css\")' not at the beginning of the "
        "the whole rule was ignored",
    ]
    assert "render:" not in result.stderr


def _asks_twice(project: Path, outside: Path) -> tuple[str, list[tuple[str, int]]]:
    """The same outside file asked for by two spellings in a stylesheet and in a chapter."""
    Image.new("RGB", (40, 30), "red").save(outside / "out.png")
    (outside / "evil.css").write_text("p { color: red; }", encoding="utf-8")
    rel = os.path.relpath(outside, project / "styles")
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles" / "x.css").write_text(
        f'@import url("{(outside / "evil.css").as_uri()}");\n@import url("{rel}/evil.css");\n'
        f'h1 {{ background-image: url("{(outside / "out.png").as_uri()}"); }}\n'
        f'h2 {{ background-image: url("{rel}/out.png"); }}\n',
        encoding="utf-8",
    )
    chapter = next((project / "content").glob("01-*.md"))  # mini's or tiny's first chapter
    start = chapter.read_text("utf-8").count("\n") + 2
    from_root = os.path.relpath(outside / "out.png", project)
    chapter.write_text(
        chapter.read_text("utf-8")
        # inline, not figures: a figure whose picture is refused is an error (test_link_policy)
        + f"\nInline ![a]({from_root}) image.\n\nText.\n\n"
        f'Raw <img src="{from_root}" alt="b"> too.\n',
        encoding="utf-8",
    )
    where = [("styles/x.css", n) for n in (1, 2, 3, 4)]
    source = f"content/{chapter.name}"
    where += [(source, start), (source, start + 4)]
    return "outside the project", where


def test_check_names_every_line_that_asks_for_a_refused_file(
    mini_project: Path, tmp_path: Path
) -> None:
    said, where = _asks_twice(mini_project, tmp_path)
    found = resource_problems(load_project(mini_project))
    assert sorted((p.path, p.line) for p in found if said in p.message) == sorted(where)


@pytest.mark.pdf
def test_build_names_every_line_that_asks_for_a_refused_file(
    tiny_project: Path, tmp_path: Path
) -> None:
    said, where = _asks_twice(tiny_project, tmp_path)
    result = build(tiny_project, output=tmp_path / "r.pdf")
    assert sorted((p.path, p.line) for p in result.warnings if said in p.message) == sorted(where)


@pytest.mark.pdf
def test_deep_greyscale_images_print_as_their_picture(mini_project: Path, tmp_path: Path) -> None:
    """The third trial's item 11: a 16-bit greyscale PNG (what scanners and microscopes
    write) printed as a black rectangle; a 32-bit one nearly white. Each is handed to the
    renderer as an 8-bit copy (`image_files.printable_image`): a gradient, no warning."""
    import io

    import pypdf

    from reportbuilder import build, check

    sixteen = Image.new("I;16", (64, 30))
    sixteen.putdata([x * 1000 for _ in range(30) for x in range(64)])
    sixteen.save(mini_project / "assets" / "gray16.png")
    wide = Image.new("I", (64, 30))
    wide.putdata([x * 50_000 for _ in range(30) for x in range(64)])
    wide.save(mini_project / "assets" / "gray32.tiff")
    findings = mini_project / "content" / "02-findings.md"
    findings.write_text(
        findings.read_text("utf-8")
        + "\n![A gradient](assets/gray16.png)\n\n![Another](assets/gray32.tiff)\n",
        encoding="utf-8",
    )
    assert not [w for w in check(mini_project).warnings if "image" in w.message]
    out = tmp_path / "g.pdf"
    built = build(mini_project, output=out).warnings
    assert not [w for w in built if "image" in w.message.lower()], built
    pictures = {  # WeasyPrint's pages share one resource dictionary: each once
        picture.data
        for page in pypdf.PdfReader(out).pages
        for picture in page.images
        if picture.image is not None and picture.image.size == (64, 30)
    }
    shown = [Image.open(io.BytesIO(data)).convert("L") for data in pictures]
    assert len(shown) == 2
    for picture in shown:
        darkest, lightest = picture.getextrema()
        assert darkest < 10 and lightest > 240  # black to white, not one flat colour
        assert picture.getpixel((0, 10)) < picture.getpixel((32, 10)) < picture.getpixel((63, 10))
