"""The CommonMark spec's examples through the chapter pipeline: no crash, no control
character, and how many keep the visible text the spec expects.

Run by hand with the spec's `spec.txt` (CC-BY-SA 4.0, from github.com/commonmark/commonmark-spec;
not committed here):

    .venv/bin/python bench/commonmark.py path/to/spec.txt [--show SECTION]

Each example goes through what a chapter goes through (`protect_code`, the content sandbox,
Markdown with our extensions, the sanitiser) and, for comparison, through plain
Python-Markdown with the extensions reportbuilder used before issue 9. Visible text = the
HTML's text with tags removed, entities resolved and white space collapsed; smart quotes are
straightened on both sides, since typographic quotes are a deliberate choice. An example the
sandbox refuses (`{{` in prose) counts as "refused": not a silent change, but not a match.
"""

from __future__ import annotations

import argparse
import collections
import html
import re
import sys
from pathlib import Path

import markdown

from reportbuilder.compose.markup import make_markdown, sanitize
from reportbuilder.compose.templating import content_environment, protect_code, render_content

_FENCE = "`" * 32
_TAGS = re.compile(r"<[^>]+>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "--", "—": "---"})
_CAPTION = re.compile(r"<figcaption>.*?</figcaption>", re.DOTALL)
_ACTIVE = re.compile(r"<(script|style)\b", re.IGNORECASE)
_OLD_EXTENSIONS = ["tables", "footnotes", "attr_list", "def_list", "admonition", "sane_lists"]


def examples(spec: str) -> list[tuple[int, str, str, str]]:
    """(number, section, markdown, expected html) for each example of spec.txt."""
    found: list[tuple[int, str, str, str]] = []
    section = ""
    lines = spec.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#") and not line.startswith("#####"):
            section = line.lstrip("#").strip()
        if line.startswith(_FENCE + " example"):
            body: list[str] = []
            index += 1
            while not lines[index].startswith(_FENCE):
                body.append(lines[index])
                index += 1
            text = "".join(body).replace("→", "\t")
            source, _, expected = text.partition("\n.\n") if "\n.\n" in text else ("", "", text)
            if text.startswith(".\n"):
                source, expected = "", text[2:]
            else:
                source += "\n"
            found.append((len(found) + 1, section, source, expected))
        index += 1
    return found


def visible(fragment: str) -> str:
    text = html.unescape(_TAGS.sub("", fragment)).translate(_QUOTES)
    return " ".join(text.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--show", help="print the differing examples of this section")
    args = parser.parse_args()
    env = content_environment({})
    counts = collections.Counter[str]()
    by_section: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for number, section, source, expected in examples(args.spec.read_text("utf-8")):
        want = visible(expected)
        plain = markdown.markdown(source, extensions=_OLD_EXTENSIONS, output_format="html")
        protected, _ = protect_code(source)
        text, problems = render_content(env, protected, f"example-{number}.md", {})
        if text is None:
            ours, outcome = "", "refused"
        else:
            md = make_markdown("en", lambda value, sep: f"c--{value}")
            ours = sanitize(md.convert(text))
            outcome = "match" if visible(ours) == want else "differs"
            if outcome == "differs" and visible(_CAPTION.sub("", ours)) == want:
                outcome = "caption"  # a lone image became a figure captioned by its alt text
            elif outcome == "differs" and _ACTIVE.search(source):
                outcome = "sanitised"  # script or style content, removed by design
        if _CONTROL.search(ours) or re.search(r"&#0*[0-8];", ours):
            print(f"example {number}: control character in the output", file=sys.stderr)
            counts["control"] += 1
        counts[outcome] += 1
        counts["plain match"] += visible(plain) == want
        by_section[section][outcome] += 1
        if args.show and args.show.lower() in section.lower() and outcome != "match":
            print(f"--- example {number} ({section}): {outcome}")
            print(source, "want:", want, "\n got:", visible(ours), problems, "\n")
    outcomes = ("match", "caption", "sanitised", "differs", "refused")
    total = sum(counts[k] for k in outcomes)
    print(
        f"{total} examples; visible text equal: reportbuilder {counts['match']}, plain "
        f"Python-Markdown {counts['plain match']}.\n"
        f"By design: {counts['caption']} differ only by the figure caption a lone image gets, "
        f"{counts['sanitised']} by script/style content the sanitiser removes; "
        f"{counts['refused']} refused (template syntax in prose); "
        f"{counts['control']} outputs with control characters."
    )
    print("Other differences by section:")
    for section, result in sorted(by_section.items(), key=lambda item: -item[1]["differs"]):
        if result["differs"]:
            print(f"  {section}: {result['differs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
