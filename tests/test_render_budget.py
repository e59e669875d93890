"""render.budget: `--max-size` (and report.yml's `max_size`) on a report with two large
noisy photos: the PDF is laid out again with lighter images until it fits; an impossible
budget fails naming the heaviest images, where they are written and their weight."""

from __future__ import annotations

import functools
import io
import itertools
import json
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from reportbuilder.cli import main
from reportbuilder.project.config import parse_size
from reportbuilder.render.budget import STEPS, format_size, heaviest_images

pytestmark = pytest.mark.pdf


# Wider than the text block at every step of `STEPS` but 300 and 200 dpi, so the steps that
# fit a budget downsample it; noise, so JPEG cannot make it light. (At 2000×1300 every render
# of a test cost twice the CPU and proved nothing more.)
PHOTO_SIZE = (1000, 650)


@functools.cache
def _photo(number: int) -> bytes:
    """A 1000×650 photo of colour noise (JPEG, about 600 KB), made once per process."""
    channels = [Image.effect_noise(PHOTO_SIZE, sigma) for sigma in (50, 70, 60 + number)]
    data = io.BytesIO()
    Image.merge("RGB", channels).save(data, format="JPEG", quality=92)
    return data.getvalue()


def add_photos(project: Path) -> None:
    """Two 1000×650 photos of colour noise (JPEG, about 600 KB each) in a chapter."""
    for number in (1, 2):
        (project / "assets" / f"photo-{number}.jpg").write_bytes(_photo(number))
    (project / "content" / "03-photos.md").write_text(
        "# Photos\n\n![First photo](assets/photo-1.jpg)\n\n![Second photo](assets/photo-2.jpg)\n",
        encoding="utf-8",
    )


def build(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", str(project), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_max_size_150kb_fits_two_large_photos(tiny_project: Path) -> None:
    add_photos(tiny_project)
    code, out, err = build(tiny_project, "--max-size", "150KB", "--json")
    assert code == 0, err
    (output,) = json.loads(out)["outputs"]
    pdf = Path(output["path"])
    assert output["bytes"] == pdf.stat().st_size <= 150_000
    assert "dpi" in output["images"]  # how the images were lightened
    reader = pypdf.PdfReader(pdf)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "Photos" in text  # the chapter is still there, with both photos
    weights = heaviest_images(pdf.read_bytes())
    assert len(weights) == 2 and all(item.width < PHOTO_SIZE[0] for item in weights)


def test_an_impossible_budget_names_the_heaviest_images(tiny_project: Path) -> None:
    code, out, _ = build(tiny_project, "--json")  # without the photos: fonts and text
    assert code == 0
    bare = json.loads(out)["outputs"][0]["bytes"]
    add_photos(tiny_project)
    target = tiny_project / "out" / "tiny.pdf"
    before = target.read_bytes()
    code, _, err = build(tiny_project, "--max-size", str(bare + 2000))
    assert code == 1
    lines = err.splitlines()
    assert "over the budget of" in lines[0] and "images take" in lines[0]
    named = sorted(line.split(" in the PDF")[0].rsplit(": ", 1)[0] for line in lines[1:3])
    assert named == [
        "content/03-photos.md:3: heavy image assets/photo-1.jpg",
        "content/03-photos.md:5: heavy image assets/photo-2.jpg",
    ]
    assert "Traceback" not in err
    assert target.read_bytes() == before  # the last good PDF is kept


def test_report_yml_max_size_is_used_and_checked(tiny_project: Path) -> None:
    add_photos(tiny_project)
    config = tiny_project / "report.yml"
    config.write_text(config.read_text() + "max_size: 200KB\n", encoding="utf-8")
    code, out, err = build(tiny_project, "--json")
    assert code == 0, err
    assert json.loads(out)["outputs"][0]["bytes"] <= 200_000
    config.write_text(config.read_text().replace("200KB", "lots"), encoding="utf-8")
    code, _, err = build(tiny_project)
    line = config.read_text().splitlines().index("max_size: lots") + 1
    assert code == 1 and err.startswith(f"report.yml:{line}: 'max_size': write a size as 8MB")


def test_sizes_are_read_and_written_in_decimal_units() -> None:
    assert parse_size("8MB") == 8_000_000
    assert parse_size("150KB") == parse_size("150 kb") == 150_000
    assert parse_size("2MiB") == 2 * 1024 * 1024
    assert parse_size("1.5MB") == 1_500_000
    assert format_size(145_047) == "145 KB" and format_size(4_900_000) == "4.9 MB"
    with pytest.raises(ValueError):
        parse_size("12 parsecs")
    with pytest.raises(ValueError):
        parse_size("100B")  # no PDF fits
    assert STEPS[0].dpi is None and all(
        a.dpi is not None and b.dpi is not None and a.dpi > b.dpi
        for a, b in itertools.pairwise(STEPS[1:])
    )


def test_mail_max_size_sends_the_lightened_pdf(mini_project: Path, tmp_path: Path) -> None:
    import email
    import email.policy

    add_photos(mini_project)
    eml = tmp_path / "m.eml"
    result = CliRunner().invoke(
        main,
        ["mail", str(mini_project), "--to", "a@example.org", "--eml", str(eml),
         "--max-size", "150KB"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "images lightened to fit --max-size" in result.stdout
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    (attached,) = list(message.iter_attachments())  # type: ignore[attr-defined]
    data = attached.get_content()
    # The lightened copy is kept apart: out/mini.pdf stays as `build` makes it.
    assert len(data) <= 150_000 and data == (mini_project / "out" / "mini-mail.pdf").read_bytes()
