"""The cache of built outputs: a key that changes with every kind of input (so a stale PDF is
never returned), up to date / restored / rebuilt through the CLI, --force, clear, the cap."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder import cache as cache_module
from reportbuilder.cache import Cache, ChartCache, Entry
from reportbuilder.cli import main
from reportbuilder.edition import Edition
from reportbuilder.project.load import load_project


def _key(project: Path, edition: Edition | None = None, output: str | None = None) -> str:
    loaded = load_project(project)
    return Cache(project).key(
        config=loaded.config.model_dump_json(),
        edition=edition or Edition(),
        theme_folders=loaded.theme.folders,
        output=output,
        format=None,
    )


def _builder(project: Path) -> Callable[..., str]:
    """`reportbuilder build PROJECT *extra`, which must succeed; returns what it printed."""
    runner = CliRunner()

    def build(*extra: str) -> str:
        result = runner.invoke(main, ["build", str(project), *extra])
        assert result.exit_code == 0, result.output
        return result.output

    return build


def _append(path: str, text: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as file:
            file.write(text)

    return change


CHANGES = {
    "chapter": _append("content/01-overview.md", "\nOne more sentence.\n"),
    "data": _append("data/survey.yml", "\n# a comment is a change too\n"),
    "contacts": _append("contacts.yml", "\n# edited\n"),
    "template": _append("templates/cover.html", "<p>house</p>"),
    "style": _append("styles/house.css", "p { color: red }\n"),
    "asset": _append("assets/logo.svg", "\n"),
    "report.yml": _append("report.yml", "\ntoc_depth: 1\n"),
    "a new image anywhere": _append("figures/map.svg", "<svg/>"),
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_every_kind_of_input_changes_the_key(mini_project: Path, kind: str) -> None:
    before = _key(mini_project)
    assert _key(mini_project) == before  # the same inputs, the same key
    CHANGES[kind](mini_project)
    assert _key(mini_project) != before


def test_the_edition_output_tool_version_and_build_date_change_the_key(
    mini_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _key(mini_project)
    assert _key(mini_project, Edition(lang="fr")) != before
    assert _key(mini_project, Edition(page_size="A5")) != before
    assert _key(mini_project, output="elsewhere.pdf") != before
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    assert _key(mini_project) != before
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    real = cache_module.versions
    monkeypatch.setattr(cache_module, "versions", lambda: {**real(), "weasyprint": "71.0"})
    assert _key(mini_project) != before


def test_the_output_folder_and_hidden_files_are_not_inputs(mini_project: Path) -> None:
    before = _key(mini_project)
    (mini_project / "out").mkdir()
    (mini_project / "out" / "mini.pdf").write_bytes(b"%PDF-1.7 old")
    (mini_project / ".notes.md").write_text("mine")
    assert _key(mini_project) == before


def test_a_folder_named_out_below_the_top_is_an_input(mini_project: Path) -> None:
    before = _key(mini_project)
    _append("assets/out/pic.svg", "<svg/>")(mini_project)
    assert _key(mini_project) != before


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


@pytest.mark.pdf
def test_a_file_the_cache_does_not_watch_is_refused_at_its_line(tiny_project: Path) -> None:
    """What the key leaves out (hidden files and folders, tools' folders, out/ at the top)
    must not be printed either: a change to it would leave the last PDF "up to date". Each
    picture is refused at its line, an error (its figure would print without it): no PDF."""
    png = _png()
    hidden = tiny_project / "assets" / ".src"
    hidden.mkdir(parents=True)
    (hidden / "pic.png").write_bytes(png)
    (tiny_project / "assets" / ".dot.png").write_bytes(png)
    (tiny_project / "assets" / "link.png").symlink_to(".src/pic.png")
    (tiny_project / "node_modules").mkdir()
    (tiny_project / "node_modules" / "pic.png").write_bytes(png)
    chapter = tiny_project / "content" / "01-only.md"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    first = len(lines) + 2
    images = ["assets/.src/pic.png", "assets/.dot.png", "assets/link.png", "node_modules/pic.png"]
    chapter.write_text(
        "\n".join([*lines, "", *(f"![Picture {n}]({src})\n" for n, src in enumerate(images))]),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", str(tiny_project), "--json"])
    assert result.exit_code == 1, result.output
    assert not (tiny_project / "out").exists() or not list((tiny_project / "out").iterdir())
    import json

    refused = [p for p in json.loads(result.stdout)["problems"] if "refused" in p["message"]]
    assert {p["severity"] for p in refused} == {"error"}
    found = {(p["path"], p["line"], p["message"].split(":")[0]) for p in refused}
    assert found == {
        ("content/01-only.md", first, "refused assets/.src/pic.png"),
        ("content/01-only.md", first + 2, "refused assets/.dot.png"),
        ("content/01-only.md", first + 4, "refused assets/.src/pic.png"),
        ("content/01-only.md", first + 6, "refused node_modules/pic.png"),
    }, refused
    assert all("builds do not watch" in p["message"] for p in refused)


def test_a_moved_or_copied_project_has_its_own_key(mini_project: Path) -> None:
    """An entry names the file it wrote: a copy found it and wrote into the old folder."""
    import shutil

    before = _key(mini_project)
    copy = mini_project.parent / "copy"
    shutil.copytree(mini_project, copy)
    assert _key(copy) != before


@pytest.mark.pdf
def test_a_cache_folder_that_cannot_be_written_only_misses(tiny_project: Path) -> None:
    (tiny_project / ".reportbuilder").write_text("not a folder")
    for _ in range(2):
        result = CliRunner().invoke(main, ["build", str(tiny_project)])
        assert result.exit_code == 0, result.output
        assert "wrote " in result.output and "internal error" not in result.output


def test_a_damaged_entry_is_a_miss_and_the_cap_evicts_the_oldest(tmp_path: Path) -> None:
    cache = Cache(tmp_path, max_bytes=2500)
    for number in range(3):
        entry = Entry(str(tmp_path / f"{number}.pdf"), "pdf", "", None, [])
        data = bytes([number]) * 1000
        cache.put(
            f"k{number}", Entry(entry.target, "pdf", cache_module.sha256(data), None, []), data
        )
    assert cache.get("k0") is None  # evicted: over the cap
    assert cache.get("k2") is not None
    (cache.folder / "k2.bin").write_bytes(b"changed")
    assert cache.get("k2") is None  # its bytes no longer match their hash


@pytest.mark.pdf
@pytest.mark.slow
def test_up_to_date_restored_rebuilt_forced_and_cleared(tmp_path: Path) -> None:
    project = copy_fixture("tiny", tmp_path / "tiny")
    pdf = project / "out" / "tiny.pdf"
    data = project / "data" / "survey.yml"
    data.write_text("households:\n  value: 1250\n  label: households surveyed\n")
    with (project / "content" / "01-only.md").open("a", encoding="utf-8") as chapter:
        chapter.write("\n{{ data.survey.households.label }}\n")  # the data is printed
    runner = CliRunner()
    build = _builder(project)

    assert "wrote " in build()
    first = pdf.read_bytes()
    assert "is up to date" in build()
    pdf.unlink()
    assert "restored " in build()
    assert pdf.read_bytes() == first
    data.write_text(data.read_text().replace("households surveyed", "households visited"))
    assert "wrote " in build()
    assert pdf.read_bytes() != first
    assert "wrote " in build("--force")
    result = runner.invoke(main, ["cache", "clear", str(project)])
    assert result.exit_code == 0 and "removed" in result.output
    assert "wrote " in build()


def test_special_files_are_never_read(mini_project: Path) -> None:
    """A FIFO in the project would block a read forever; a link stands for its target."""
    import os

    os.mkfifo(mini_project / "assets" / "pipe")
    (mini_project / "assets" / "link.svg").symlink_to("/etc/hostname")
    before = _key(mini_project)  # returns: the FIFO is not opened
    (mini_project / "assets" / "link.svg").unlink()
    (mini_project / "assets" / "link.svg").symlink_to("/etc/hosts")
    assert _key(mini_project) != before


def _known(cache: Cache, **changed: object) -> str | None:
    """`known_key` for the default build's inputs, with some of them `changed`."""
    given: dict[str, object] = {"edition": Edition(), "variant": None, "assignments": ()}
    given |= {"output": None, "format": None} | changed
    inputs = cache.inputs_key(**given)  # type: ignore[arg-type]
    return cache.known_key(
        inputs,
        edition=given["edition"],
        output=given["output"],  # type: ignore[arg-type]
        format=given["format"],  # type: ignore[arg-type]
    )


def test_inputs_seen_before_give_the_builds_key_without_loading(
    mini_project: Path, tmp_path: Path
) -> None:
    """`known_key` (no project loaded) equals `key` (the project loaded) for inputs seen
    before; a theme folder outside the project is hashed as it is now; other inputs (a
    file, the variant, a --set, the edition, the output) are unknown."""
    loaded = load_project(mini_project)
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "base.css").write_text("p { color: black }\n")
    folders = (*loaded.theme.folders, theme)
    cache = Cache(mini_project)
    config = loaded.config.model_dump_json()
    assert _known(cache) is None
    inputs = cache.inputs_key(
        edition=Edition(), variant=None, assignments=(), output=None, format=None
    )
    cache.remember(inputs, config=config, theme_folders=folders)
    full = cache.key(
        config=config, edition=Edition(), theme_folders=folders, output=None, format=None
    )
    assert _known(cache) == full
    (theme / "base.css").write_text("p { color: red }\n")
    assert _known(cache) not in (None, full)
    for changed in (
        {"variant": "a5"},
        {"assignments": ((("page_size",), "A5"),)},
        {"edition": Edition(lang="fr")},
        {"output": "elsewhere.pdf"},
    ):
        assert _known(cache, **changed) is None
    assert _known(Cache(mini_project, read=False)) is None
    CHANGES["chapter"](mini_project)
    assert _known(cache) is None
    # What the inputs loaded is signed like an entry: one shipped with the project, or
    # edited, could point the inputs at another build's entry.
    inputs = cache.inputs_key(
        edition=Edition(), variant=None, assignments=(), output=None, format=None
    )
    cache.remember(inputs, config=config, theme_folders=folders)
    assert _known(cache) is not None
    seen = cache.folder / "inputs" / f"{inputs}.json"
    record = json.loads(seen.read_text(encoding="utf-8"))
    seen.write_text(json.dumps({**record, "config": "{}"}), encoding="utf-8")
    assert _known(cache) is None


def _as_user(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Builds from here on run as the user whose cache folder (and key) is `folder`."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))


def test_only_entries_signed_with_this_users_key_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_user(monkeypatch, tmp_path / "me")
    data = b"%PDF-1.7 what my build made"
    entry = Entry(str(tmp_path / "r.pdf"), "pdf", cache_module.sha256(data), 1, [])
    cache = Cache(tmp_path)
    cache.put("k", entry, data)
    cache.put_blob("b", {"pages": 1}, data)
    assert cache.get("k") == (entry, data)
    assert cache.get_blob("b") is not None and cache.get_blob("b")[1] == data  # type: ignore[index]
    meta = cache.folder / "b.json"
    record = json.loads(meta.read_text())
    # Someone else's bytes with a matching hash but no signature of ours: a miss.
    forged = b"%PDF-1.7 what someone else wrote"
    (cache.folder / "b.bin").write_bytes(forged)
    meta.write_text(json.dumps({**record, "sha256": cache_module.sha256(forged)}))
    assert cache.get_blob("b") is None
    # Our own entry under another name is not that other entry.
    for suffix in (".json", ".bin"):
        (cache.folder / f"other{suffix}").write_bytes((cache.folder / f"k{suffix}").read_bytes())
    assert Cache(tmp_path).get("other") is None
    # Another user (another key) reads none of mine.
    _as_user(monkeypatch, tmp_path / "someone-else")
    assert Cache(tmp_path).get("k") is None
    chart = ChartCache(tmp_path)
    assert chart.chart({"kind": "bar"}, lambda: "<svg>theirs</svg>") == "<svg>theirs</svg>"
    _as_user(monkeypatch, tmp_path / "me")
    mine = ChartCache(tmp_path)
    assert mine.chart({"kind": "bar"}, lambda: "<svg>mine</svg>") == "<svg>mine</svg>"
    assert mine.drawn == 1


def _text(pdf: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)


@functools.cache
def _injected(pages: int) -> bytes:
    """A PDF of `pages` pages that each say INJECTED (made for the page counts met only: a
    dictionary of every length up to 39 cost ~9 s of layout a test)."""
    import weasyprint

    html = "<p style='break-after:page'>INJECTED</p>" * pages
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)


def _forge(project: Path, *, outputs: bool) -> int:
    """Every part and block PDF of the project's cache (and every whole output, with
    `outputs`; else they are removed) replaced by `_injected(its page count)`, kept through the
    cache's own API as the user running this, as a cache folder shipped with a project would
    be."""
    from pypdf import PdfReader

    cache = Cache(project)
    forged = 0
    for meta in sorted(cache.folder.glob("*.json")):
        key, record = meta.stem, json.loads(meta.read_text())
        data = meta.with_suffix(".bin")
        if not data.read_bytes().startswith(b"%PDF"):
            continue  # the page plan
        if "target" in record and not outputs:
            meta.unlink()
            data.unlink()
            continue
        fake = _injected(len(PdfReader(data).pages))
        if "target" in record:
            fields = {f: record[f] for f in ("target", "format", "pages", "problems")}
            cache.put(key, Entry(sha256=cache_module.sha256(fake), **fields), fake)
        else:
            kept = {k: v for k, v in record.items() if k not in ("sha256", "mac")}
            cache.put_blob(key, kept, fake)
        forged += 1
    return forged


@pytest.mark.pdf
@pytest.mark.slow
def test_an_unchanged_build_is_answered_without_loading_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second build of the same inputs reads no project and starts no render process;
    a --set, a variant or an edited file is built."""
    from reportbuilder import pipeline
    from reportbuilder.project import load as load_module
    from reportbuilder.render.renderer import PdfRenderer

    project = copy_fixture("tiny", tmp_path / "tiny")
    build = _builder(project)

    assert "wrote " in build()
    assert "wrote " in build("--set", "page_size=A5")

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded or started for an unchanged build")

    with monkeypatch.context() as patched:
        patched.setattr(load_module, "load_project", refused)
        patched.setattr(pipeline, "load_project", refused)
        patched.setattr(PdfRenderer, "_start", refused)
        assert "is up to date" in build("--set", "page_size=A5")  # the last build
        assert "restored " in build()  # the first one's PDF, over the A5 one
        assert "is up to date" in build()
    _append("content/01-only.md", "\nOne more sentence.\n")(project)
    assert "wrote " in build()
    assert "is up to date" in build()


@pytest.mark.pdf
@pytest.mark.slow
@pytest.mark.parametrize("parts", [False, True], ids=["whole", "parts"])
def test_a_cache_shipped_with_a_project_never_reaches_the_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: bool
) -> None:
    """A cache folder written by someone else (here: every PDF in it replaced by one that
    says INJECTED, stored under their key) is rebuilt from the sources, not printed."""
    project = copy_fixture("tiny", tmp_path / "tiny")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    if parts:
        monkeypatch.setenv("REPORTBUILDER_PARTS", "1")
    pdf = project / "out" / "tiny.pdf"
    build = ["build", str(project)]
    _as_user(monkeypatch, tmp_path / "sender")
    assert CliRunner().invoke(main, build).exit_code == 0
    honest = _text(pdf)
    assert "INJECTED" not in honest
    assert _forge(project, outputs=not parts) >= 1
    pdf.unlink()
    # The sender's own builds take what is signed with their key: the forgery works there ...
    assert CliRunner().invoke(main, build).exit_code == 0
    assert "INJECTED" in _text(pdf)
    # ... and never for the user who receives the project with its cache.
    pdf.unlink()
    _as_user(monkeypatch, tmp_path / "receiver")
    result = CliRunner().invoke(main, build)
    assert result.exit_code == 0, result.output
    assert "restored" not in result.output and "INJECTED" not in _text(pdf)
    assert _text(pdf) == honest


@pytest.mark.pdf
def test_a_cache_folder_that_is_a_link_is_not_used(tmp_path: Path) -> None:
    """Trial 7 #19: `.reportbuilder` as a link to a folder outside the project (a cloned
    repository can carry one) made `build` write its cache there and `cache clear` delete
    there. Such a cache is not used, with a warning, and `cache clear` refuses."""

    project = copy_fixture("tiny", tmp_path / "tiny")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.json").write_text("precious", encoding="utf-8")
    (project / ".reportbuilder").symlink_to(victim, target_is_directory=True)
    built = CliRunner().invoke(main, ["build", str(project)])
    assert built.exit_code == 0, built.output
    assert "warning: .reportbuilder is a link: the cache is not used" in built.stderr
    assert (project / "out" / "tiny.pdf").is_file()
    cleared = CliRunner().invoke(main, ["cache", "clear", str(project)])
    assert cleared.exit_code == 1
    assert ".reportbuilder is a link: nothing removed" in cleared.stderr
    assert sorted(p.name for p in victim.iterdir()) == ["keep.json"]
    assert (victim / "keep.json").read_text("utf-8") == "precious"
