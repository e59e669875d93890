"""Which data files an edition's chapters read: `data.survey`, `data["Study 2025"]`, found
in the chapters' templates (Jinja's syntax tree, not their text: `data` in prose is a word).

`build --embed-sources` attaches these only: a working file kept in data/ that no chapter
reads (a salaries sheet) does not go out with the PDF (trial 6 #56).
"""

from __future__ import annotations

from collections.abc import Iterable

import jinja2
from jinja2 import nodes

__all__ = ["data_names_read"]

_PARSER = jinja2.Environment(autoescape=False)


def data_names_read(sources: Iterable[str]) -> set[str] | None:
    """The data names (`survey` for data/survey.yml) the templates `sources` read, or None
    when one may read any of them: `data` used whole (`{% for name in data %}`, `data[x]`
    with a name computed, `data | tojson`), or a template that does not parse (its error is
    reported by the build; nothing is assumed of it)."""
    names: set[str] = set()
    for source in sources:
        if "data" not in source:
            continue
        try:
            tree = _PARSER.parse(source)
        except jinja2.TemplateSyntaxError:
            return None
        parents: dict[int, nodes.Node] = {}
        for node in tree.find_all(nodes.Node):
            for child in node.iter_child_nodes():
                parents[id(child)] = node
        for name in tree.find_all(nodes.Name):
            if name.name != "data" or name.ctx != "load":
                continue
            member = _member(parents.get(id(name)), name)
            if member is None:
                return None
            names.add(member)
    return names


def _member(parent: nodes.Node | None, name: nodes.Name) -> str | None:
    """`survey` for `data.survey` or `data["survey"]`; None for any other use of `data`."""
    if isinstance(parent, nodes.Getattr) and parent.node is name:
        return parent.attr
    if isinstance(parent, nodes.Getitem) and parent.node is name:
        arg = parent.arg
        return arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None
    return None
