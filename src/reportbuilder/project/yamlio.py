"""Safe YAML with line numbers: we compose nodes with PyYAML's safe loader and build the values
ourselves, so that duplicate keys, alias bombs and unsafe tags become located problems."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reportbuilder.errors import Problem, Problems, ProjectError, Stage
from reportbuilder.project.dates import looks_like_a_date

Path_ = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_MAP, _SEQ, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"
_NUMBER_TAGS = {_TAG + "int", _TAG + "float"}
_SCALAR_TAGS = {_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp", "binary")}
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):
    """PyYAML's safe loader reading plain values by YAML 1.2's core schema, not YAML 1.1's:
    `010` is not octal 8, `1:30` not 90, `0x1F` not 31, `1_000` not 1000, and `no`, `on`,
    `y` are not booleans (the Norway problem: a country code `NO` stays `NO`). Those are
    text here, and a field that needs a number says how to write one (see `number_hint`).
    ISO dates (`2026-03-31`) are still read as dates; `<<` still merges."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012


def _resolve(tag: str, pattern: str, first: str) -> None:
    _Loader.add_implicit_resolver(_TAG + tag, re.compile(pattern, re.X), list(first))


_resolve("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolve("int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789")
_resolve(
    "float",
    r"""^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    "-+0123456789.",
)
_Loader.add_implicit_resolver(
    _TAG + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_resolve(
    "timestamp",
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
    (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    "0123456789",
)
_resolve("merge", r"^(?:<<)$", "<")

# Plain values YAML 1.1 read as numbers and YAML 1.2 (so we) as text, with how to write them:
# the examples are the value written (`0450`: "without it (450)"), as "(10)" for `0450` read
# as if 0450 were ten.
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+(?:\.[0-9]*)?")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_BASED = re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+")
_UNDERSCORED = re.compile(r"[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?")


def _leading_zero(text: str) -> str:
    sign = text[0] if text[0] in "+-" else ""
    digits = text.lstrip("+-")
    whole, dot, decimals = digits.partition(".")
    bare = sign.replace("+", "") + (whole.lstrip("0") or "0") + dot + decimals
    octal = f"as octal {int(text, 8)}" if not dot and set(digits) <= set("01234567") else ""
    read = f"YAML 1.1 reads {text} {octal}" if octal else "YAML 1.1 reads a leading zero as octal"
    return (
        f"has a leading zero ({read}); write the number without it ({bare}), or quote it "
        f'("{text}") if it is a code'
    )


def _sexagesimal(text: str) -> str:
    sign = -1 if text.startswith("-") else 1
    total = 0.0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        total = total * 60 + float(part)
    value = sign * total
    shown = str(int(value)) if value.is_integer() else f"{value:g}"
    unit = "minutes" if text.count(":") == 1 else "seconds"
    return (
        f"is a time or a ratio, not a number (YAML 1.1 reads {text} as {shown}); write the "
        f"number itself ({shown} {unit}: {shown}), or quote the text"
    )


def _based(text: str) -> str:
    try:
        decimal = str(int(text, 0))
    except ValueError:
        return "is a hexadecimal, octal or binary number; write it in decimal"
    return f"is a hexadecimal, octal or binary number; write it in decimal ({text}: {decimal})"


def _underscored(text: str) -> str:
    return f"groups digits with '_'; write the number without it ({text.replace('_', '')})"


_YAML11_NUMBERS = (
    (_LEADING_ZERO, _leading_zero),
    (_SEXAGESIMAL, _sexagesimal),
    (_BASED, _based),
    (_UNDERSCORED, _underscored),
)


def number_hint(text: str) -> str | None:
    """Why `text`, which YAML 1.1 would have read as a number, is not one here; else None."""
    written = text.strip()
    for pattern, hint in _YAML11_NUMBERS:
        if pattern.fullmatch(written):
            return hint(written)
    return None


# `key: #0b3c5d`: a comment where a value was meant (a real comment has a space after '#').
_COMMENT_VALUE = re.compile(r"\s*:\s+(#[^\s#].*)$")
# Deeper than any real report file; keeps our recursion far from Python's limit.
MAX_DEPTH = 100


@dataclass(frozen=True)
class YamlDoc:
    """A loaded document: its value, and the 1-based line of every key path in it."""

    value: Any
    lines: dict[Path_, int]
    # The source text of every number, by key path: `89.0` says one decimal where 89.0 cannot.
    number_texts: dict[Path_, str] = field(default_factory=dict)
    # Unquoted `31/03/2026`-like values, by key path: YAML reads them as text, not dates.
    date_texts: dict[Path_, str] = field(default_factory=dict)

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of `path`, or of its longest known prefix."""
        parts = tuple(path)
        for end in range(len(parts), -1, -1):
            found = self.lines.get(parts[:end])
            if found is None:
                # Callers such as pydantic give keys as text where YAML read `2023:` as a number.
                found = self._lines_by_text.get(tuple(str(p) for p in parts[:end]))
            if found is not None:
                return found
        return None

    @cached_property
    def _lines_by_text(self) -> dict[tuple[str, ...], int]:
        return {tuple(str(p) for p in key): line for key, line in self.lines.items()}


class _TooManyNodes(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def load_yaml(text: str, rel: str, *, max_nodes: int = 100_000) -> YamlDoc:
    """Parse one YAML document; raise `ReportError` with every problem found.

    Aliases count as full copies towards `max_nodes`; an empty document gives `None`.
    """
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise ProjectError(_syntax_problem(error, rel, text)) from None
    except yaml.reader.ReaderError as error:
        # libyaml gives a byte offset and a code point; the pure-Python reader a str index and
        # the character itself.
        char = error.character
        if isinstance(char, int):
            line = text.encode("utf-8", "replace").count(b"\n", 0, error.position) + 1
        else:
            line, char = text.count("\n", 0, error.position) + 1, ord(char)
        raise ProjectError(
            Problem(rel, line, f"character U+{char:04X} is not allowed", stage=Stage.PROJECT)
        ) from None
    except yaml.YAMLError as error:
        raise ProjectError(
            Problem(rel, None, f"cannot read YAML: {error}", stage=Stage.PROJECT)
        ) from None
    except RecursionError:
        raise ProjectError(Problem(rel, None, "nested too deeply", stage=Stage.PROJECT)) from None
    if root is None:
        return YamlDoc(None, {})
    builder = _Builder(rel, max_nodes, text)
    builder.lines[()] = root.start_mark.line + 1
    try:
        value = builder.build(root, (), 0)
    except _TooManyNodes as error:
        builder.problems.add(
            rel,
            error.line,
            f"too many nodes/aliases (more than {max_nodes}; possible YAML bomb)",
        )
    builder.problems.raise_if_any()
    return YamlDoc(value, builder.lines, builder.number_texts, builder.date_texts)


def _syntax_problem(error: yaml.MarkedYAMLError, rel: str, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    message = error.problem or error.context or "invalid YAML"
    if error.problem and error.context:
        where = error.context_mark
        on = f" on line {where.line + 1}" if where is not None and where.line + 1 != line else ""
        message = f"{error.problem} ({error.context}{on})"
    source_line = text.split("\n")[mark.line] if mark is not None else ""
    column = mark.column if mark is not None else 0
    plain = _in_plain_words(error, source_line, column)
    if plain:
        message = plain
        opened = error.context_mark
        if opened is not None and ("no 'key: value'" in message or "quote opened" in message):
            line = opened.line + 1  # where the unfinished key or quote starts
    return Problem(rel, line, message, stage=Stage.PROJECT)


_VALUE_WITH_COLON = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"][^:#]*:\s+[^'\"\s].*?:(?:\s|$)")


def _in_plain_words(error: yaml.MarkedYAMLError, source_line: str, column: int) -> str | None:
    """The usual cause of a parser error, said the way an author would fix it; None when we
    do not recognise it (the parser's own words are kept)."""
    problem = error.problem or ""
    context = error.context or ""
    char = source_line[column : column + 1]
    if "cannot start any token" in problem:
        if char == "\t" or "\t" in source_line[: column + 1]:
            return "a tab character: YAML indents with spaces only; replace the tab with spaces"
        return f"a value cannot start with '{char}'; put the value in quotes (\"{char}…\")"
    if "mapping values are not allowed" in problem:
        if _VALUE_WITH_COLON.match(source_line):
            key = source_line.split(":", 1)[0].strip()
            return (
                f"the value of '{key}' contains ': ', which YAML reads as a new key; put the "
                f'value in quotes ({key}: "…: …")'
            )
        return (
            "this line is indented more than the key above it, or a value contains ': '; "
            "keys of one mapping start in the same column, and a value with ': ' is quoted"
        )
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return (
            "this line's indentation does not match the lines above: keys of one mapping start "
            "in the same column (indent with spaces), and a quoted value ends at its quote"
        )
    if "could not find expected ':'" in problem:
        return (
            "a line inside a mapping has no 'key: value' (a missing ':' after a key, or a list "
            "item without '- ')"
        )
    if "end of stream" in problem and "quoted scalar" in context:
        opened = error.context_mark.line + 1 if error.context_mark is not None else None
        return f"a quote opened on line {opened} is never closed"
    if "did not find expected" in problem and "flow" in context:
        opened = error.context_mark.line + 1 if error.context_mark is not None else None
        return f"a '[' or '{{' opened on line {opened} is not closed where expected"
    return None


def tag_name(tag: str) -> str:
    """`tag:yaml.org,2002:python/name` → `!!python/name`, as the user wrote it."""
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _empty(node: Node) -> bool:
    """A value not written at all (`{a, b}`), not `a: ""` nor `a: ~`."""
    return (
        isinstance(node, ScalarNode)
        and not node.style
        and node.value == ""
        and node.start_mark.index == node.end_mark.index
    )


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Builder:
    """Walks composed nodes into plain Python values, recording lines and problems."""

    def __init__(self, rel: str, max_nodes: int, text: str = "") -> None:
        self.rel = rel
        self.text = text
        self.text_lines = text.split("\n")
        self.max_nodes = max_nodes
        self.count = 0
        self.lines: dict[Path_, int] = {}
        self.number_texts: dict[Path_, str] = {}
        self.date_texts: dict[Path_, str] = {}
        self.problems = Problems(Stage.PROJECT)
        self.constructor = SafeConstructor()
        self.open_nodes: set[int] = set()  # collections being built: a loop is a recursive alias

    def problem(self, node: Node, message: str) -> None:
        self.problems.add(self.rel, _line(node), message)

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            raise _TooManyNodes(_line(node))
        if isinstance(node, ScalarNode):
            value = self.scalar(node)
            if node.tag in _NUMBER_TAGS:
                self.number_texts[path] = node.value
            elif not node.style and looks_like_a_date(node.value):  # plain: None or ""
                self.date_texts[path] = node.value
            return value
        if depth >= MAX_DEPTH:
            self.problem(node, f"nested more than {MAX_DEPTH} levels deep")
            return None
        if id(node) in self.open_nodes:
            self.problem(node, "an alias refers to a collection that contains it")
            return None
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self.mapping(node, path, depth)
            assert isinstance(node, SequenceNode)
            return self.sequence(node, path, depth)
        finally:
            self.open_nodes.discard(id(node))

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.problem(node, f"unsupported tag '{tag_name(node.tag)}'")
            return None
        construct = self.constructor.yaml_constructors[node.tag]
        try:
            return construct(self.constructor, node)
        except (ValueError, OverflowError, yaml.YAMLError) as error:
            reason = str(getattr(error, "problem", None) or error)
            if "digits" in reason:
                reason = "the number has too many digits"
            self.problem(node, f"cannot read the value '{node.value[:40]}': {reason}")
            return None

    def sequence(self, node: SequenceNode, path: Path_, depth: int) -> list[Any] | None:
        if node.tag != _SEQ:
            self.problem(node, f"unsupported tag '{tag_name(node.tag)}'")
            return None
        items = []
        for index, item in enumerate(node.value):
            self.lines[(*path, index)] = _line(item)
            items.append(self.build(item, (*path, index), depth + 1))
        return items

    def mapping(self, node: MappingNode, path: Path_, depth: int) -> dict[Any, Any] | None:
        if node.tag != _MAP:
            self.problem(node, f"unsupported tag '{tag_name(node.tag)}'")
            return None
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        merges: list[Node] = []
        split = self.comma_splits(node) if node.flow_style else set()
        for key_node, value_node in node.value:
            if id(key_node) in split:
                continue  # the rest of a value cut at a comma, reported as such
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key, ok = self.key(key_node)
            if not ok:
                continue
            line = _line(key_node)
            if key in first_line:
                self.problems.add(
                    self.rel, line, f"duplicate key '{key}' (first at line {first_line[key]})"
                )
                continue
            first_line[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key), depth + 1)
            if result[key] is None:
                self.comment_as_value(key_node, value_node, key)
        for merge in merges:
            self.merge(merge, result, path, depth)
        return result

    def comma_splits(self, node: MappingNode) -> set[int]:
        """`{title: X, subtitle: Tabaco, peso corporal}`: inside `{ }` a comma ends a value,
        so `peso corporal` reads as a key without a value. Each such run is one problem that
        says to quote the value; returns the ids of the key nodes it explains."""
        split: set[int] = set()
        runs: list[tuple[Any, int, int, int]] = []  # key, its value's start and end, line
        last: tuple[Any, int, int, int] | None = None  # the entry before, a plain value
        for key_node, value_node in node.value:
            bare_key = isinstance(key_node, ScalarNode) and not key_node.style  # '' from libyaml
            # `{label: X, count: }` is a key written with its colon and no value (a problem of
            # its own, "'count' has no value"), not the tail of a value cut at the comma.
            written_key = self.text[key_node.end_mark.index :].lstrip(" \t").startswith(":")
            if last is not None and bare_key and not written_key and _empty(value_node):
                if runs and runs[-1][:2] == last[:2]:
                    runs.pop()
                last = (last[0], last[1], key_node.end_mark.index, last[3])
                runs.append(last)
                split.add(id(key_node))
                continue
            plain = isinstance(value_node, ScalarNode) and not value_node.style
            last = None
            if bare_key and plain and value_node.value:
                last = (key_node.value, value_node.start_mark.index, -1, _line(key_node))
        for key, begin, end, line in runs:
            written = self.text[begin:end]
            self.problems.add(
                self.rel,
                line,
                f"'{key}': a comma ends a value inside {{ }}, so what follows it reads as "
                f'another key; put the value in quotes ({key}: "{written}")',
            )
        return split

    def comment_as_value(self, key_node: Node, value_node: Node, key: Any) -> None:
        """`primary: #0b3c5d` reads as an empty value and a comment: say so, since an empty
        value then fails far from its cause (or passes silently)."""
        if not isinstance(value_node, ScalarNode) or value_node.value or value_node.style:
            return
        mark = key_node.end_mark
        if mark.line >= len(self.text_lines):
            return
        found = _COMMENT_VALUE.match(self.text_lines[mark.line][mark.column :])
        if found:
            written = found[1].strip()
            self.problems.add(
                self.rel,
                mark.line + 1,
                f"'{key}' is empty: '{written}' is read as a comment, because '#' starts one in "
                f'YAML; put the value in quotes ({key}: "{written}")',
            )

    def key(self, node: Node) -> tuple[Any, bool]:
        if not isinstance(node, ScalarNode):
            self.problem(node, "a key must be a single value, not a list or mapping")
            return None, False
        self.count += 1
        if self.count > self.max_nodes:
            raise _TooManyNodes(_line(node))
        return self.scalar(node), True

    def merge(self, node: Node, into: dict[Any, Any], path: Path_, depth: int) -> None:
        """`<<: *base` (or a list of them): keys written in the mapping itself win."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, MappingNode):
                self.problem(source, "'<<' (merge) takes a mapping or a list of mappings")
                continue
            # Build into a side table so that lines of overridden keys do not leak into ours.
            outer_lines, outer_numbers = self.lines, self.number_texts
            self.lines, self.number_texts = {}, {}
            try:
                merged = self.build(source, path, depth + 1)
            finally:
                inner_lines, inner_numbers = self.lines, self.number_texts
                self.lines, self.number_texts = outer_lines, outer_numbers
            added = set()
            for key, value in (merged or {}).items():
                if key not in into:
                    into[key] = value
                    added.add(key)
            depth_of_key = len(path)
            for table, inner in (
                (cast(dict[Path_, Any], self.lines), cast(dict[Path_, Any], inner_lines)),
                (cast(dict[Path_, Any], self.number_texts), cast(dict[Path_, Any], inner_numbers)),
            ):
                for sub, item in inner.items():
                    if len(sub) > depth_of_key and sub[depth_of_key] in added:
                        table[sub] = item
