"""The cache of built outputs: a key that changes with every kind of input (so a stale PDF is
never returned), up to date / restored / rebuilt through the CLI, --force, clear, the cap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder import cache as cache_module
from reportbuilder.cache import Cache, Entry
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
    project = copy_fixture("mini", tmp_path / "mini")
    pdf = project / "out" / "mini.pdf"
    runner = CliRunner()

    def build(*extra: str) -> str:
        result = runner.invoke(main, ["build", str(project), *extra])
        assert result.exit_code == 0, result.output
        return result.output

    assert "wrote " in build()
    first = pdf.read_bytes()
    assert "is up to date" in build()
    pdf.unlink()
    assert "restored " in build()
    assert pdf.read_bytes() == first
    data = project / "data" / "survey.yml"
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

    project = copy_fixture("mini", tmp_path / "mini")
    runner = CliRunner()

    def build(*extra: str) -> str:
        result = runner.invoke(main, ["build", str(project), *extra])
        assert result.exit_code == 0, result.output
        return result.output

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
    CHANGES["chapter"](project)
    assert "wrote " in build()
    assert "is up to date" in build()
