"""project.files: the file policy, which decides what a build may read. A path is judged by
where it really is, symbolic links resolved: the project folder for content, data, contacts
and report.yml; the project and its theme for templates, stylesheets and the renderer."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportbuilder.errors import ProjectError, ReportError, Stage
from reportbuilder.project.files import FilePolicy, remote_file_message

PATHS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SECRET = "SECRET-OUTSIDE"


class Tree:
    """tmp_path/project (with links in and out), tmp_path/theme, tmp_path/outside."""

    def __init__(self, base: Path) -> None:
        self.project, self.theme, self.outside = base / "project", base / "theme", base / "outside"
        self.evil = base / "project-evil"  # a sibling whose name starts with the project's
        for folder in (self.project / "content", self.theme / "templates", self.outside):
            folder.mkdir(parents=True)
        self.evil.mkdir()
        (self.project / "content" / "a.md").write_text("# A\n", encoding="utf-8")
        (self.theme / "templates" / "cover.html").write_text("<h1>cover</h1>\n", "utf-8")
        (self.outside / "secret.md").write_text(SECRET + "\n", encoding="utf-8")
        (self.evil / "x.md").write_text(SECRET + "\n", encoding="utf-8")
        content = self.project / "content"
        (content / "link-in.md").symlink_to("a.md")
        (content / "link-out.md").symlink_to(self.outside / "secret.md")
        (content / "dotdot.md").symlink_to("../../outside/secret.md")
        (self.project / "linked-dir").symlink_to(self.outside)
        (self.project / "cover.html").symlink_to(self.theme / "templates" / "cover.html")


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


def test_the_roots_are_real_folders(tree: Tree, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(tree.project)
    policy = FilePolicy(tmp_path / "alias", tree.theme)
    assert policy.root == tree.project.resolve()
    assert policy.roots == (tree.project.resolve(), tree.theme.resolve())
    assert FilePolicy(tree.project).roots == (tree.project.resolve(),)


def test_in_project_judges_where_a_path_really_is(tree: Tree) -> None:
    policy = FilePolicy(tree.project, tree.theme)
    inside = ["content/a.md", "content/link-in.md", "content", ".", "content/missing.md"]
    for rel in inside:
        assert policy.in_project(tree.project / rel), rel
    outside = [
        tree.project / "content" / "link-out.md",
        tree.project / "content" / "dotdot.md",
        tree.project / "linked-dir" / "secret.md",
        tree.project / ".." / "outside" / "secret.md",
        tree.project / "cover.html",  # a link into the theme: readable, not the project's
        tree.theme / "templates" / "cover.html",
        tree.evil / "x.md",
        Path("/etc/passwd"),
    ]
    for path in outside:
        assert not policy.in_project(path), path


def test_readable_adds_the_theme_and_nothing_else(tree: Tree) -> None:
    with_theme = FilePolicy(tree.project, tree.theme)
    without = FilePolicy(tree.project)
    theme_file = tree.theme / "templates" / "cover.html"
    for path in (tree.project / "content" / "a.md", tree.project / "content" / "link-in.md"):
        assert with_theme.readable(path) and without.readable(path)
    for path in (theme_file, tree.project / "cover.html"):
        assert with_theme.readable(path) and not without.readable(path)
    for path in (
        tree.project / "content" / "link-out.md",
        tree.project / "linked-dir" / "secret.md",
        tree.evil / "x.md",
        tree.theme / ".." / "outside" / "secret.md",
    ):
        assert not with_theme.readable(path), path


def test_a_relative_path_is_taken_from_the_project_not_the_working_folder(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = FilePolicy(tree.project, tree.theme)
    monkeypatch.chdir(tmp_path)  # where "content/a.md" does not exist
    assert policy.in_project(Path("content/a.md")) and policy.readable(Path("content/a.md"))
    assert not policy.in_project(Path("content/link-out.md"))
    monkeypatch.chdir(tree.outside)
    (tree.outside / "content").mkdir()
    (tree.outside / "content" / "a.md").write_text(SECRET, encoding="utf-8")
    assert policy.in_project(Path("content/a.md"))  # the project's, not the working folder's
    assert policy.shown(Path("content/a.md")) == "content/a.md"


def test_shown_is_the_path_the_user_knows(tree: Tree) -> None:
    policy = FilePolicy(tree.project, tree.theme)
    assert policy.shown(tree.project / "content" / "a.md") == "content/a.md"
    assert policy.shown(Path("content/a.md")) == "content/a.md"  # relative to the project
    assert policy.shown(tree.project) == "."
    theme_file = tree.theme / "templates" / "cover.html"
    assert policy.shown(theme_file) == str(theme_file)  # outside the project: as given
    assert policy.shown(Path("../outside/secret.md")) == "../outside/secret.md"


def test_read_project_text(tree: Tree) -> None:
    policy = FilePolicy(tree.project)
    assert policy.read_project_text("content/a.md") == "# A\n"
    assert policy.read_project_text("content/link-in.md") == "# A\n"


@pytest.mark.parametrize(
    "rel",
    ["content/link-out.md", "content/dotdot.md", "linked-dir/secret.md", "../outside/secret.md"],
)
def test_read_project_text_refuses_a_file_outside_with_a_located_problem(
    tree: Tree, rel: str
) -> None:
    with pytest.raises(ProjectError) as raised:
        FilePolicy(tree.project, tree.theme).read_project_text(rel)
    [problem] = raised.value.problems
    assert (problem.path, problem.line, problem.stage) == (rel, None, Stage.PROJECT)
    said = (
        "lies outside the project; refused (copy the file into the project)"
        if rel.startswith("../")
        else "is a link to a file outside the project; refused"
    )
    assert str(problem) == f"{rel}: {said}"
    assert SECRET not in str(raised.value)


def test_read_project_text_reads_within_a_size(tree: Tree) -> None:
    with pytest.raises(
        ProjectError, match=r"content/a\.md: file is too large \(4 bytes, limit 2\)"
    ):
        FilePolicy(tree.project).read_project_text("content/a.md", max_bytes=2)


def test_read_theme_text_reads_the_project_and_the_theme_only(tree: Tree) -> None:
    policy = FilePolicy(tree.project, tree.theme)
    cover = tree.theme / "templates" / "cover.html"
    assert policy.read_theme_text(cover, "cover.html") == "<h1>cover</h1>\n"
    assert policy.read_theme_text(tree.project / "cover.html", "cover.html") == "<h1>cover</h1>\n"
    with pytest.raises(ProjectError) as raised:
        policy.read_theme_text(tree.project / "linked-dir" / "secret.md", "templates/x.html")
    assert [str(p) for p in raised.value.problems] == [
        "templates/x.html: is a link out of the project; refused"
    ]
    with pytest.raises(ProjectError, match="link out of the project"):
        FilePolicy(tree.project).read_theme_text(cover, "cover.html")  # no theme: no reading


# --- Properties: a link out of the project is refused, however it is made (Hypothesis) --------

_counter = itertools.count()
NAMES = ["content", "data", "sub", "a b", "ünï", ".hidden"]
FILES = ["x.md", "report.yml", "contacts.yml", "table.csv", "n.json"]
TEXTIO_CANARY = "canary: TEXTIO-OUTSIDE\n"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@st.composite
def escapes(draw: st.DrawFn) -> dict[str, Any]:
    parts = [*draw(st.lists(st.sampled_from(NAMES), max_size=3)), draw(st.sampled_from(FILES))]
    return {
        "parts": parts,
        "link_at": draw(st.integers(0, len(parts) - 1)),
        "spelling": draw(st.sampled_from(["absolute", "relative", "chain", "dotted"])),
        "device": draw(st.booleans()),
    }


def _make_escape(base: Path, spec: dict[str, Any]) -> tuple[Path, str]:
    """A project whose file `rel` is reached through a symlink out of the project: the link is
    the `link_at`-th component of `rel` (a file or a folder), its target mirrors it outside."""
    n = next(_counter)
    project, outside = base / f"p{n}", base / f"outside{n}"
    parts, at = spec["parts"], spec["link_at"]
    link = project.joinpath(*parts[: at + 1])
    link.parent.mkdir(parents=True, exist_ok=True)
    if at == len(parts) - 1 and spec["device"]:
        target = Path("/dev/zero")
    else:
        target = outside.joinpath(*parts[: at + 1])
        secret = target.joinpath(*parts[at + 1 :])
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(TEXTIO_CANARY, "utf-8")
    spelling = spec["spelling"]
    if spelling == "relative":
        link.symlink_to(os.path.relpath(target, link.parent))
    elif spelling == "chain":  # a link inside the project that leads to one going out
        hop = project / f"hop{n}"
        hop.symlink_to(target)
        link.symlink_to(hop)
    elif spelling == "dotted" and target.is_relative_to(base):  # a detour through the project
        link.symlink_to(f"{project}/./../{target.relative_to(base)}")
    else:
        link.symlink_to(target)
    return project, "/".join(parts)


@PATHS
@given(spec=escapes())
def test_file_policy_refuses_symlinks_out_of_the_project(
    sandbox: Path, spec: dict[str, Any]
) -> None:
    project, rel = _make_escape(sandbox, spec)
    with pytest.raises(ReportError) as caught:
        FilePolicy(project).read_project_text(rel)
    assert "outside the project" in str(caught.value)
    assert TEXTIO_CANARY.strip() not in str(caught.value)


@PATHS
@given(parts=st.lists(st.sampled_from(NAMES), max_size=3), name=st.sampled_from(FILES))
def test_file_policy_follows_symlinks_that_stay_inside(
    sandbox: Path, parts: list[str], name: str
) -> None:
    project = sandbox / f"p{next(_counter)}"
    real = project / "store" / "real.txt"
    real.parent.mkdir(parents=True)
    real.write_text("inside\n", "utf-8")
    link = project.joinpath(*parts, name)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(real, link.parent))
    rel = "/".join([*parts, name])
    assert FilePolicy(project).read_project_text(rel) == "inside\n"


def test_a_file_url_on_another_machine_is_said_with_its_host() -> None:
    """Trial 4 #29: `<img src="//evil.example/x.png">` resolves to `file://evil.example/x.png`
    and was said "refused /x.png: outside the project", the host gone."""
    said = remote_file_message("file://evil.example/x.png")
    assert said is not None
    assert said.startswith("refused //evil.example/x.png: an address on the machine evil.example")
    assert remote_file_message("file:///project/x.png") is None
    assert remote_file_message("file://localhost/project/x.png") is None


def test_a_file_named_with_its_accents_apart_is_said_so(tmp_path: Path) -> None:
    """`assets/café.png` named on a Mac (NFD) is not the `café.png` typed in a chapter (NFC):
    "missing file" alone left the author looking at a file that is there."""
    from reportbuilder.project.files import missing_message

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "cafe\u0301.png").write_bytes(b"x")
    message = missing_message("assets/café.png", tmp_path / "assets" / "café.png")
    assert message == (
        "missing file assets/café.png: the file there has this name with its accents written "
        "apart (NFD, as macOS and some zip tools name files); rename it, typing the name"
    )
