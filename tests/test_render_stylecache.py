"""The style cache of a render process (`render.stylecache`): stylesheets parsed once and
fonts registered once, the same PDF byte for byte, never a stale or another project's sheet,
every resource read under the current job's policy, warnings said on every render."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
import pytest

from conftest import page_texts, pdf_fonts
from reportbuilder import Edition, load_project, render_html
from reportbuilder.project.files import FilePolicy
from reportbuilder.render import stylecache
from reportbuilder.render.renderer import PdfRenderer, RenderJob, render_in_process

pytestmark = pytest.mark.pdf

THEME_FONT = Path(__file__).parent.parent / "src/reportbuilder/themes/base/fonts/Inter-Bold.otf"


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The cache empty for the test, and as it was (the themes warmed up) after it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the same PDF bytes run to run
    sheets, fonts = dict(stylecache._state.sheets), dict(stylecache._state.fonts)
    stylecache.clear()
    yield
    stylecache.clear()
    stylecache._state.sheets.update(sheets)
    stylecache._state.fonts.update(fonts)


def uncached(monkeypatch: pytest.MonkeyPatch, job: RenderJob) -> bytes:
    """`job` laid out as WeasyPrint does on its own: every sheet parsed, fonts registered."""
    with monkeypatch.context() as patch:
        patch.setattr(stylecache, "author_sheets", lambda html, fetcher: None)
        return render_in_process(job).data


def job_of(project: Path) -> RenderJob:
    return RenderJob.of(render_html(load_project(project), Edition()))


def texts(data: bytes) -> list[str]:
    return page_texts(pypdf.PdfReader(io.BytesIO(data)))


def test_kept_sheets_give_the_same_pdf_byte_for_byte(
    tiny_project: Path, mini_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example, mini = job_of(tiny_project), job_of(mini_project)
    first = render_in_process(example)  # parsed and kept
    kept = {key: entry.css for key, entry in stylecache._state.sheets.items()}
    assert any(key[0] == "link" and "10-report.css" in key[1] for key in kept)
    assert len(stylecache._state.fonts) == 1
    mini_pdf = render_in_process(mini)  # the theme's sheets and fonts shared with tiny
    again = render_in_process(example)
    for key, css in kept.items():
        assert stylecache._state.sheets[key].css is css, "parsed again"
    assert len(stylecache._state.fonts) == 1
    assert first.data == again.data == uncached(monkeypatch, example)
    assert mini_pdf.data == uncached(monkeypatch, mini)
    assert first.pages == again.pages == 3


def test_a_sheet_changed_on_disk_is_parsed_again_even_with_its_size_and_time(
    tiny_project: Path,
) -> None:
    styles = tiny_project / "styles"
    styles.mkdir()
    sheet = styles / "extra.css"
    sheet.write_text(".cover { display: block }\n", encoding="utf-8")
    time.sleep(stylecache.RACY_NS / 1e9 + 0.2)  # old enough for its digest to be kept
    job = job_of(tiny_project)
    for _ in range(2):  # parsed, then kept (and the file's digest with it)
        shown = render_in_process(job)
        assert "Tiny Report" in texts(shown.data)[0]
    assert sheet.resolve() in stylecache._HASHED
    stat = sheet.stat()
    sheet.write_text(".cover { display: none  }\n", encoding="utf-8")  # same size
    os.utime(sheet, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and same time
    hidden = render_in_process(job)
    assert "Tiny Report" not in texts(hidden.data)[0]


def test_a_css_warning_is_located_on_every_render(tiny_project: Path) -> None:
    styles = tiny_project / "styles"
    styles.mkdir()
    (styles / "extra.css").write_text("h1 { margin: 0 }\n\np { colr: red }\n", encoding="utf-8")
    job = job_of(tiny_project)
    for _ in range(2):  # parsed, then kept
        found = [p for p in render_in_process(job).problems if "colr" in p.message]
        assert [(p.path, p.line) for p in found] == [("styles/extra.css", 3)], found


def document(link: str, body: str = "<p>Text</p>") -> str:
    return (
        f'<html lang="en"><head><link rel="stylesheet" href="{link}"></head>'
        f"<body>{body}</body></html>"
    )


def test_a_kept_sheet_is_read_under_the_current_jobs_policy(tmp_path: Path) -> None:
    """A sheet kept for a job that may read it is refused to one that may not."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "s.css").write_text("p { color: #ff0000 }\n", encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    text = document((shared / "s.css").as_uri())
    allowed = RenderJob(
        text=text,
        base_url=(tmp_path / "a").as_uri() + "/",
        files=FilePolicy(tmp_path / "a", theme=shared),
    )
    refused = replace(
        allowed, base_url=(tmp_path / "b").as_uri() + "/", files=FilePolicy(tmp_path / "b")
    )
    assert not render_in_process(allowed).problems
    assert stylecache._state.sheets, "kept"
    for _ in range(2):
        problems = render_in_process(refused).problems
        assert any("refused" in p.message and "s.css" in p.message for p in problems), problems


def test_a_refused_import_and_font_are_reported_on_every_render(tmp_path: Path) -> None:
    project, outside = tmp_path / "p", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (outside / "o.css").write_text("p { color: red }\n", encoding="utf-8")
    (outside / "f.otf").write_bytes(THEME_FONT.read_bytes())
    (project / "s.css").write_text(
        f'@import url("{(outside / "o.css").as_uri()}");\n'
        f'@font-face {{ font-family: X; src: url("{(outside / "f.otf").as_uri()}") }}\n'
        "p { font-family: X }\n",
        encoding="utf-8",
    )
    job = RenderJob(
        text=document("s.css"), base_url=project.as_uri() + "/", files=FilePolicy(project)
    )
    for _ in range(2):
        messages = [p.message for p in render_in_process(job).problems]
        assert any("refused" in m and "o.css" in m for m in messages), messages
        assert any("refused" in m and "f.otf" in m for m in messages), messages
        assert any("font-face 'X' cannot be loaded" in m for m in messages), messages


def test_one_documents_font_never_serves_another(tmp_path: Path, monkeypatch: Any) -> None:
    """A family declared by one document's `@font-face` is not there for the next document,
    which names it without declaring it: it gets the fallback font, as on its own."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "brand.otf").write_bytes(THEME_FONT.read_bytes())
    (project / "with.css").write_text(
        '@font-face { font-family: Brand; src: url("brand.otf") }\np { font-family: Brand }\n',
        encoding="utf-8",
    )
    (project / "without.css").write_text("p { font-family: Brand }\n", encoding="utf-8")
    base = RenderJob(text="", base_url=project.as_uri() + "/", files=FilePolicy(project))
    declaring = replace(base, text=document("with.css"))
    naming = replace(base, text=document("without.css"))
    declared = render_in_process(declaring)
    after = render_in_process(naming)
    assert any("Brand" in font["name"] for font in pdf_fonts(_reader(declared)))
    assert not any("Brand" in font["name"] for font in pdf_fonts(_reader(after)))
    assert after.data == uncached(monkeypatch, naming)
    assert len(stylecache._state.fonts) == 2  # one per set of @font-face rules


def _reader(pdf: Any) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf.data))


def test_a_font_configuration_grown_by_a_document_serves_no_other_job(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "s.css").write_text("p { color: red }\n", encoding="utf-8")
    job = RenderJob(
        text=document("s.css"), base_url=project.as_uri() + "/", files=FilePolicy(project)
    )
    render_in_process(job)
    [entry] = stylecache._state.fonts.values()
    entry.config.grown = True  # as an SVG image's @font-face does while laid out
    render_in_process(job)  # another job (another fetcher): a configuration of its own
    [other] = stylecache._state.fonts.values()
    assert other.config is not entry.config


def test_the_cache_is_bounded(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    job = RenderJob(text="", base_url=project.as_uri() + "/", files=FilePolicy(project))
    for number in range(stylecache.MAX_SHEETS + 6):
        style = f"<style>p {{ margin: {number}px }}</style>"
        text = f'<html lang="en"><head>{style}</head><p>x</p></html>'
        render_in_process(replace(job, text=text))
        assert len(stylecache._state.sheets) <= stylecache.MAX_SHEETS


def test_a_forked_render_process_leaves_the_parents_fonts_alone(tiny_project: Path) -> None:
    job = job_of(tiny_project)
    here = render_in_process(job)
    [entry] = stylecache._state.fonts.values()
    folder = entry.config._folder
    assert folder is not None and Path(folder).is_dir()
    with PdfRenderer() as renderer:  # forked from this process, the cache with it
        there = renderer.render(job)
    assert there.data == here.data
    assert Path(folder).is_dir()  # the child ended its copy of the fonts, not ours
    assert stylecache._state.fonts[next(iter(stylecache._state.fonts))] is entry


def test_what_the_network_gives_is_never_kept(tmp_path: Path) -> None:
    """A stylesheet on the web (refused here: the network is off) is asked for once a render,
    refused and reported each time, and never kept."""
    job = RenderJob(
        text=document("https://example.org/remote.css"),
        base_url=tmp_path.as_uri() + "/",
        files=FilePolicy(tmp_path),
    )
    for _ in range(2):
        messages = [p.message for p in render_in_process(job).problems]
        refused = [m for m in messages if "network access is off" in m and "remote.css" in m]
        assert len(refused) == 1, messages
    assert not any("remote.css" in key[1] for key in stylecache._state.sheets)


def test_a_document_with_layers_is_laid_out_as_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "s.css").write_text(
        "@layer base, top;\n@layer top { p { color: #0000ff } }\n"
        "@layer base { p { color: #ff0000 } }\n",
        encoding="utf-8",
    )
    job = RenderJob(
        text=document("s.css"), base_url=tmp_path.as_uri() + "/", files=FilePolicy(tmp_path)
    )
    assert render_in_process(job).data == uncached(monkeypatch, job)
    assert not stylecache._state.sheets


def test_warmed_up_themes_serve_a_projects_render(tiny_project: Path) -> None:
    """What `warm_up_themes` parses (in the test session, the warm CLI server) is what a
    project's render then uses: the same keys, checked under the project's own policy."""
    stylecache.warm_up_themes()
    warmed = {key: entry.css for key, entry in stylecache._state.sheets.items()}
    [fonts] = [entry.config for entry in stylecache._state.fonts.values()]
    assert len(warmed) >= 3
    render_in_process(job_of(tiny_project))
    links = {key for key in stylecache._state.sheets if key[0] == "link"}
    assert links == set(warmed), "the project's theme links were parsed under other keys"
    assert all(stylecache._state.sheets[key].css is css for key, css in warmed.items())
    assert [entry.config for entry in stylecache._state.fonts.values()] == [fonts]
