"""The file policy: which folders a build may read, asked by every reader and by the renderer.

Content, data, contacts and report.yml are read from the project folder; templates and
stylesheets from the project and from its theme's folder; the renderer (images, fonts,
stylesheets) from the same two. A path is judged by where it really is – symbolic links
resolved – so a link from inside to `~/.ssh` is refused. Nothing else decides this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportbuilder.errors import Problem, ProjectError, Stage
from reportbuilder.project.textio import read_text


@dataclass(frozen=True)
class FilePolicy:
    """The folders one project's build may read: `root` (the project) and `theme`."""

    root: Path
    theme: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", self.root.resolve())
        if self.theme is not None:
            object.__setattr__(self, "theme", self.theme.resolve())

    @property
    def roots(self) -> tuple[Path, ...]:
        """Folders the renderer may read from."""
        return (self.root,) if self.theme is None else (self.root, self.theme)

    def real(self, path: Path) -> Path:
        """Where `path` really is: links resolved, a relative path taken from the project
        folder (never from the working folder)."""
        return (self.root / path).resolve()

    def in_project(self, path: Path) -> bool:
        """Whether `path`, links resolved, lies inside the project folder."""
        return self.real(path).is_relative_to(self.root)

    def readable(self, path: Path) -> bool:
        """Whether the renderer or a template may read `path` (project or theme)."""
        real = self.real(path)
        return any(real.is_relative_to(root) for root in self.roots)

    def shown(self, path: Path) -> str:
        """`path` as the user knows it: relative to the project when inside it."""
        real = self.real(path)
        return (
            real.relative_to(self.root).as_posix() if real.is_relative_to(self.root) else str(path)
        )

    def read_project_text(self, rel: str, *, max_bytes: int = 2_000_000) -> str:
        """The text of the project file `rel` (a refusal if it really lies outside)."""
        path = self.root / rel
        if not self.in_project(path):
            message = "is a link to a file outside the project; refused"
            raise ProjectError(Problem(rel, None, message, stage=Stage.PROJECT))
        return read_text(path, rel, max_bytes=max_bytes)

    def read_theme_text(self, path: Path, shown: str) -> str:
        """The text of a template or stylesheet, from the project or the theme."""
        if not self.readable(path):
            message = "is a link out of the project; refused"
            raise ProjectError(Problem(shown, None, message, stage=Stage.PROJECT))
        return read_text(path, shown)
