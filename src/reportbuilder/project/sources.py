"""Whether a folder a command writes into lies among a project's sources."""

from __future__ import annotations

from pathlib import Path

from reportbuilder.errors import Problem, Stage
from reportbuilder.project.config import SOURCE_PLACES

# The sources, and the project's own themes (a folder of `themes/`).
_PLACES = (*SOURCE_PLACES, "themes")


def among_sources(root: Path, folder: Path, what: str) -> Problem | None:
    """A problem when `what` ("the copies") written into `folder` would go among the
    project's sources (content/, data/, themes/ … — into git, into the next build) or into
    the project folder itself; None when the folder is elsewhere."""
    where = folder.resolve()
    root = root.resolve()
    if where == root:
        message = f"{what} would go into the project folder itself; choose a subfolder"
        return Problem(str(folder), None, message, stage=Stage.OUTPUT)
    if where.is_relative_to(root) and where.relative_to(root).parts[0] in _PLACES:
        inside = where.relative_to(root).as_posix()
        message = f"{what} would go among the project's sources; choose another folder"
        return Problem(inside, None, message, stage=Stage.OUTPUT)
    return None


def enclosing_project(folder: Path) -> Path | None:
    """The report project `folder` is in or is (the nearest folder up with a report.yml),
    or None."""
    from reportbuilder.project.config import CONFIG_FILE

    where = folder.resolve()
    for place in (where, *where.parents):
        if (place / CONFIG_FILE).is_file():
            return place
    return None
