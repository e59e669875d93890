"""File names of a merge's PDFs, and which rows a shard takes.

A name comes from a template of `{column}` fields (`{reference}-{name}`), filled with the
row's values and made safe: no path separator, no control character, no leading dot, at most
`MAX_NAME_BYTES` bytes, and unique within the merge (`-2`, `-3` … when two rows give the same
name). Names are given over the whole file before sharding, so that every shard names a row
the way a single run would.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportbuilder.deliver.message import WINDOWS_RESERVED

DEFAULT_TEMPLATE = "{stem}-{name}"
MAX_NAME_BYTES = 120  # the stem; with ".pdf" and a "-99" suffix, well inside 255
_FIELD = re.compile(r"\{([^{}]*)\}")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"-{2,}")


def template_fields(template: str) -> list[str]:
    """The `{column}` names a template uses."""
    return _FIELD.findall(template)


def check_template(template: str, columns: Sequence[str]) -> str | None:
    """What is wrong with a file-name template (None when nothing)."""
    if not template.strip():
        return "the file-name template is empty"
    stripped = _FIELD.sub("", template)
    if "{" in stripped or "}" in stripped:
        return "a '{' or '}' without its pair; fields are written {column}"
    unknown = [f for f in template_fields(template) if f not in (*columns, "stem", "line")]
    if unknown:
        known = ", ".join(["stem", "line", *columns])
        return f"unknown field {{{unknown[0]}}} (known: {known})"
    return None


def safe_name(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """`text` as one safe file-name part (no extension)."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("-", text)
    text = _SPACES.sub("-", text.strip())
    text = _DASHES.sub("-", text).strip("-.")
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore").rstrip("-.")


def file_names(
    rows: Sequence[Mapping[str, str]], template: str, stem: str, suffix: str = ".pdf"
) -> list[str]:
    """One safe, unique file name per row (each row's values by column, with its `line`, and
    its `stem` when it has its own: the output name of the row's language)."""
    names: list[str] = []
    taken: set[str] = set()
    for row in rows:
        values = {**row, "stem": row.get("stem") or stem}

        def fill(match: re.Match[str], values: Mapping[str, str] = values) -> str:
            return values.get(match[1], "")

        base = safe_name(_FIELD.sub(fill, template)) or f"row-{row.get('line', len(names) + 1)}"
        if base.upper() in WINDOWS_RESERVED:  # CON.pdf: Windows, where it is unzipped, refuses it
            base += "_"
        name, number = base, 1
        while name.casefold() in taken:  # case-insensitive file systems exist
            number += 1
            name = f"{base[: MAX_NAME_BYTES - 8]}-{number}"
        taken.add(name.casefold())
        names.append(name + suffix)
    return names


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`: rows number `index`, `index + count` … of the file."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1:  # "the index runs from 1 to 0" said nothing useful (trial 5 #19)
            message = f"shard {self.index}/{self.count}: the number of shards is at least 1"
            raise ValueError(message)
        if not 1 <= self.index <= self.count:
            message = f"shard {self.index}/{self.count}: the index runs from 1 to {self.count}"
            raise ValueError(message)

    def takes(self, position: int) -> bool:
        """Whether this shard takes the row at `position` (0-based, in file order)."""
        return position % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


ALL = Shard(1, 1)


def parse_shard(text: str, environ: Mapping[str, str] | None = None) -> Shard:
    """`I/N` (1-based), or `auto` / `auto/N`: the index from the scheduler's environment.

    `auto` reads, in this order: Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`, 0-based;
    the count comes from `auto/N`, the Job's `completions`), Slurm job arrays
    (`SLURM_ARRAY_TASK_ID` from `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_COUNT`) and GitLab's
    `parallel:` (`CI_NODE_INDEX`, 1-based, `CI_NODE_TOTAL`). A GitHub Actions matrix gives
    its index on the command line: `--shard ${{ matrix.shard }}/4`. Raises `ValueError`.
    """
    env = os.environ if environ is None else environ
    text = text.strip()
    if text == "auto" or text.startswith("auto/"):
        given = _count(text.removeprefix("auto").removeprefix("/")) if "/" in text else None
        if "JOB_COMPLETION_INDEX" in env:
            if given is None:
                raise ValueError(
                    "JOB_COMPLETION_INDEX gives the index but not the count: "
                    "write --shard auto/N, N being the Job's completions"
                )
            return Shard(_number(env, "JOB_COMPLETION_INDEX") + 1, given)
        if "SLURM_ARRAY_TASK_ID" in env:
            low = _number(env, "SLURM_ARRAY_TASK_MIN") if "SLURM_ARRAY_TASK_MIN" in env else 0
            count = _number(env, "SLURM_ARRAY_TASK_COUNT") if given is None else given
            return Shard(_number(env, "SLURM_ARRAY_TASK_ID") - low + 1, count)
        if "CI_NODE_INDEX" in env:
            count = _number(env, "CI_NODE_TOTAL") if given is None else given
            return Shard(_number(env, "CI_NODE_INDEX"), count)
        raise ValueError(
            "auto found no shard index in the environment (JOB_COMPLETION_INDEX, "
            "SLURM_ARRAY_TASK_ID, CI_NODE_INDEX); give it as I/N"
        )
    first, slash, second = text.partition("/")
    if not slash:
        raise ValueError(f"'{text}' is not a shard; write I/N, e.g. 2/4, or auto")
    return Shard(_count(first), _count(second))


def _count(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError(f"'{text}' is not a whole number")
    return int(text)


def _number(env: Mapping[str, str], name: str) -> int:
    value = env.get(name, "")
    if not value.strip().isdigit():
        raise ValueError(f"{name}={value!r} is not a whole number")
    return int(value)
