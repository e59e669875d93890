"""deliver/preview.py: the HTML preview carries its stylesheets, fonts and images, so it
opens anywhere; `output: x.html` writes one; a browser loads every image and font of it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from reportbuilder.cli import main
from reportbuilder.deliver.preview import self_contained
from reportbuilder.project.files import FilePolicy


def test_images_stylesheets_and_fonts_are_inlined(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "s.css").write_text("p { background: url(../assets/a.svg); }")
    css = (tmp_path / "styles" / "s.css").as_uri()
    text = (
        f'<link rel="stylesheet" href="{css}"><img src="assets/a.svg" alt="">'
        '<img src="https://example.org/x.png" alt=""><img src="../outside.png" alt="">'
    )
    out, refused = self_contained(text, tmp_path.as_uri() + "/", FilePolicy(tmp_path))
    assert "<link" not in out
    assert 'url("data:image/svg+xml;base64,' in out
    assert '<img src="data:image/svg+xml;base64,' in out
    # What the PDF build may not read travels neither: no address left for a browser to follow.
    assert "example.org" not in out and "outside.png" not in out
    assert out.count('alt=""') == 3
    assert [p.message for p in refused] == [
        "network access is off: refused https://example.org/x.png",
        f"refused {tmp_path.parent / 'outside.png'}: outside the project",
    ]


def html_build(project: Path, *args: str) -> Path:
    config = project / "report.yml"
    config.write_text(config.read_text().replace("output: out/mini.pdf", "output: out/web.html"))
    result = CliRunner().invoke(main, ["build", str(project), *args])
    assert result.exit_code == 0, result.output
    return project / "out" / "web.html"


@pytest.mark.pdf
def test_output_html_in_report_yml_writes_html(mini_project: Path) -> None:
    written = html_build(mini_project)
    text = written.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r'src="(?!data:)', text)  # every image travels with the file
    assert 'href="file:' not in text


_PROBE = """<script>
window.addEventListener("load", async () => {
  await document.fonts.ready;
  const broken = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0));
  const failed = [...document.fonts].filter(f => f.status === "error");
  document.title = JSON.stringify({
    images: document.images.length,
    broken: broken.map(i => i.getAttribute("alt")),
    fonts: [...document.fonts].filter(f => f.status === "loaded").length,
    failed: failed.map(f => f.family),
  });
});
</script></body>"""


@pytest.mark.pdf
def test_a_browser_loads_every_image_and_font_of_the_preview(
    mini_project: Path, tmp_path: Path
) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is missing: scripts/system-deps.sh --test installs it"
    written = html_build(mini_project)
    # Opened from elsewhere: nothing may depend on the project folder.
    probe = tmp_path / "elsewhere" / "web.html"
    probe.parent.mkdir()
    probe.write_text(written.read_text().replace("</body>", _PROBE))
    shutil.rmtree(mini_project)
    dom = subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
            "--dump-dom", probe.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"<title>(\{.*?\})</title>", dom)
    assert found, dom[:500]
    seen = json.loads(found[1].replace("&quot;", '"'))
    assert seen["images"] >= 3  # the logo, the photo, the chart
    assert seen["broken"] == []
    assert seen["failed"] == []
    assert seen["fonts"] >= 2  # Inter and Noto Serif, as in the PDF


@pytest.mark.pdf
def test_the_html_preview_refuses_what_the_pdf_refuses_at_the_same_lines(
    mini_project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    Image.new("RGB", (400, 300), "navy").save(outside / "out.png")
    (mini_project / "assets" / "inlink.png").symlink_to(outside / "out.png")
    chapter = next((mini_project / "content").glob("*.md"))
    lines = chapter.read_text().count("\n") + 1
    relative = os.path.relpath(outside / "out.png", mini_project)
    chapter.write_text(
        chapter.read_text()
        # in lines of text: as figures, their pictures refused would be errors (test_link_policy)
        + f"\nA ![a]({relative}).\n\nB ![b]({outside / 'out.png'}).\n\n"
        "C ![c](assets/inlink.png).\n\n"
        f'D <img src="{relative}" alt="d">.\n'
    )
    target = tmp_path / "web.html"
    result = CliRunner().invoke(main, ["build", str(mini_project), "-o", str(target), "--json"])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert "out.png" not in text and "inlink.png" not in text and str(tmp_path) not in text
    for alt in "abcd":
        assert f'alt="{alt}"' in text
    where = {
        (w["path"], w["line"])
        for w in json.loads(result.stdout)["problems"]
        if "outside the project" in w["message"] or "link" in w["message"]
    }
    rel = chapter.relative_to(mini_project).as_posix()
    assert where == {(rel, lines + 1), (rel, lines + 3), (rel, lines + 5), (rel, lines + 7)}
