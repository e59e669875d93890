"""`render_html`: one edition of a `Project` as one HTML document, ready for the renderer.

Chapters go through the content sandbox, then Markdown and the sanitiser; the theme's
templates lay out cover, contents, chapters and the contact page around them. Pure: what it
needs was read by `load_project`; it reads no file and no environment variable.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import itertools
import json
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import unescape
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import jinja2
import markdown
from markdown.extensions.toc import slugify_unicode
from markupsafe import Markup, escape

from reportbuilder import watchdog
from reportbuilder.compose import anchors, charts, lint, references
from reportbuilder.compose.bidi import isolate, isolated
from reportbuilder.compose.citations import CITATION, NARRATIVE, Citations, items_of
from reportbuilder.compose.costly_text import TooCostly
from reportbuilder.compose.figure_rows import size_rows
from reportbuilder.compose.formatting import Formatter
from reportbuilder.compose.helpers import Helpers, contact_html
from reportbuilder.compose.markup import (
    MAX_FOOTNOTE_CHARS,
    ROW_CLASS,
    TEXT_DROPPED,
    FootnotesTooLarge,
    convert,
    make_markdown,
    plain_text,
)
from reportbuilder.compose.templating import (
    MAX_DOCUMENT_CHARS,
    Namespace,
    code_ranges,
    content_environment,
    protect_code,
    render_capped,
    render_content,
    theme_environment,
    wrap,
)
from reportbuilder.edition import Edition
from reportbuilder.errors import CallError, ComposeError, Problem, ReportError, Severity, Stage
from reportbuilder.language import colon, typeset
from reportbuilder.limits import (
    MAX_DEPTH,
    Deadline,
    TimeLimitExceeded,
    list_levels,
    nesting_depth,
)
from reportbuilder.project.config import CONFIG_FILE, ReportConfig, for_edition
from reportbuilder.project.data import localize
from reportbuilder.project.data.model import Year
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.load import Project
from reportbuilder.project.printable import unprintable_message
from reportbuilder.project.resources import Places
from reportbuilder.project.textio import read_text
from reportbuilder.project.theme import TemplateFile
from reportbuilder.variants import PAGE_HEIGHTS_MM, chart_height_mm, text_width_mm

if TYPE_CHECKING:
    from reportbuilder.cache import ChartCache
    from reportbuilder.compose.memo import ComposeMemo, Converted

Part = Literal["all", "cover", "body"]


@dataclass(frozen=True)
class Html:
    """One edition as HTML, and what the renderer needs to lay it out: the contract between
    composing and rendering.

    `base_url` is the project folder's URL (relative URLs resolve against it); `files` says
    which folders the renderer may read; `resources` locate URLs in the project's files;
    `problems` are the warnings composing met (HTML the sanitiser removed, dangling links).
    """

    text: str
    config: ReportConfig
    base_url: str
    files: FilePolicy
    network_hosts: tuple[str, ...]
    resources: Mapping[str, Places]
    problems: tuple[Problem, ...] = ()  # warnings met while composing
    # chapter section id → (chapter path, its source): to say where laid-out content is from
    sources: Mapping[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)  # the theme's words

    @property
    def lang(self) -> str:
        return self.config.lang

    @property
    def pdf_variant(self) -> str | None:
        return self.config.pdf_variant

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class RenderedChapter:
    slug: str
    title: str
    html: Markup
    css_class: str
    headings: list[Heading]
    in_toc: bool
    annex: str = ""  # the annex letter (A, B, …); "" for a chapter
    # In the contents: a further `# Heading` of the chapter's file (`contents_entries`),
    # numbered as a chapter of its own, without the annex's letter again.
    continues: bool = False


# Characters written as CSS hex escapes inside a string: every one that can end the string
# or the rule (quotes, backslash, CR, LF, FF), leave the <style> element (<, >, &), and every
# other control or invisible formatting character.
_CSS_ESCAPED = re.compile(
    "[\"'\\\\<>&\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


def css_string(value: Any) -> Markup:
    """A value as a CSS string literal, safe inside a `<style>` element: the one way user text
    enters CSS. Line breaks and other controls become spaces (a running header is one line);
    quotes, backslash, `<`, `>`, `&` and invisible characters become hex escapes (`\\22 `)."""
    text = re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", str(value))
    return Markup('"' + _CSS_ESCAPED.sub(lambda m: f"\\{ord(m.group()):x} ", text) + '"')


def mix(colour: str, over: str, alpha: float) -> str:
    """`over` laid at `alpha` on `colour` (both #rgb or #rrggbb), as one opaque colour:
    what a see-through tint looks like, for the PDF variants that forbid transparency."""

    def channels(value: str) -> list[int]:
        digits = value.lstrip("#")
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return [int(digits[i : i + 2], 16) for i in (0, 2, 4)]

    mixed = [
        round(a * alpha + b * (1 - alpha))
        for a, b in zip(channels(over), channels(colour), strict=True)
    ]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _headings(tokens: list[dict[str, Any]], lang: str) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        # Markdown gives the name with entities (`&amp;`); the theme escapes it again.
        text = typeset(unescape(token["name"]), lang)
        out.append(Heading(token["level"], token["id"], text))
        out.extend(_headings(token.get("children", []), lang))
    return out


class ReportDate(str):
    """`report.date`: its text is as written (2026-01-15), and `{{ report.date }}` prints it
    the edition's way, as the cover does (`15 janvier 2026`: ISO in a French sentence was
    the one date not translated); it takes `| date` as before, and has `.year`, `.month` and
    `.day` (`{{ report.date.year }}` said "str has no 'year'")."""

    year: int
    month: int
    day: int
    prints_as_date = True  # `"Le " ~ report.date` too (`ContentSandbox.concat_part`)

    def __new__(cls, day: dt.date) -> ReportDate:
        made = super().__new__(cls, day.isoformat())
        made.year, made.month, made.day = Year(day.year), day.month, day.day
        return made

    def __reduce__(self) -> tuple[type[ReportDate], tuple[dt.date]]:
        return (ReportDate, (self.day_of(),))

    def day_of(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)


def report_scope(config: ReportConfig, edition: Edition) -> Namespace:
    """report.yml as plain data for templates; `date` falls back to the edition's time.
    Not how the report is sent or what it may fetch: a chapter printing `{{ report | tojson }}`
    would publish the mail relay, its account and the hosts the network may reach."""
    values = json.loads(config.model_dump_json(exclude={"network": True, "mail": {"smtp"}}))
    day = config.date or (edition.created.date() if edition.created is not None else None)
    if day is not None:
        values["date"] = ReportDate(day)
    return wrap("report", values)


def _finalize(fmt: Formatter, isolate: bool = False, markdown: bool = True) -> Callable[..., Any]:
    """What `{{ … }}` prints: numbers in the report's language; never an object's insides.
    With `isolate` (a chapter's text), a value in a right-to-left script is bidi-isolated so
    that the words and figures around it keep their places (see `compose.bidi`). Without
    `markdown` (the mail's summary: plain text), text is not escaped for Markdown, whose
    backslashes would be read as typed ("58\\.5%")."""

    # Taking the evaluation context keeps Jinja from folding constants at compile time, where
    # `{{ 1000 * 2 }}` is escaped to the text "2000" before it reaches us.
    @jinja2.pass_eval_context
    def finalize(eval_ctx: jinja2.nodes.EvalContext, value: Any) -> Any:
        if isinstance(value, Markup | jinja2.Undefined):
            return value  # an undefined name raises its own, better, error when printed
        if isinstance(value, ReportDate):
            return fmt.date(value.day_of())  # as the cover prints it (`| date`'s long style)
        if isinstance(value, str):
            # What a `{{ }}` makes is held to the rules of typed text: a bidi override written
            # as a string escape (`"\u202e5202"`, `"%c" | format(8238)`) printed "2025" where
            # the source reads "5202", and `check` found nothing (trial 7 #5).
            if message := unprintable_message(value.replace("\r\n", "\n")):
                raise CallError(f"the value printed here {message}")
            # Data text is plain text: a label written `![x](y)` prints as typed instead of
            # becoming an image; `**` stays stars; a line break is a space.
            if not markdown:
                return " ".join(value.split())
            text = plain_text(value)  # Markup: its references are not escaped again
            return Markup(isolated(text)) if isolate else text
        if value is None:
            raise TypeError("nothing to print here: the value is empty")
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            # A percent with its sign (`62,5 %`), a year or a code as written (`2023`,
            # `75011`); a share or a difference of percents refused (trial 7 #27, #13).
            return fmt.printed(value)
        kind = type(value).__name__
        hint = {
            "Figure": "a key figure: print '.value | number'",
            "Category": "a category: print '.percent | percent' or '.count | number'",
            "Breakdown": "a breakdown: use table(…) or chart(…), or one of its categories",
            "Table": "a table: use table(…)",
        }.get(kind, f"a {kind}, not text")
        raise TypeError(f"cannot print this value directly; it is {hint}")

    return finalize


_NESTED = re.compile(r"^((?:[ \t]*>)*)([ \t]*)(?:[-*+]|\d{1,9}[.)])?")


def _deepest_line(source: str) -> int | None:
    """The first line nested deepest in a chapter's Markdown: quote marks and list
    indentation (two spaces a level) counted."""
    best, found = 0, None
    for number, text in enumerate(source.splitlines(), start=1):
        match = _NESTED.match(text)
        if match is None or not text.strip():
            continue
        depth = match[1].count(">") + len(match[2].expandtabs(4)) // 2
        if depth > best:
            best, found = depth, number
    return found


# A percent printed with its sign, then the sign typed after it: "62,5 % %", "62.5%%",
# "62,5 % pour cent".
_PERCENT_WORDS = r"(?:%|pour\s?cent|per\s?cent|percent|por\s?ciento|por\s?cento|prozent)"
_DOUBLED_SIGN = re.compile(
    "\\d[ \u00a0\u202f]?%[ \u00a0\u202f]?" + _PERCENT_WORDS + r"(?!\w)", re.IGNORECASE
)
_SIGN_AFTER = re.compile("\\}\\}[ \t\u00a0\u202f]*" + _PERCENT_WORDS + r"(?!\w)", re.IGNORECASE)


def _doubled_percent_signs(rel: str, source: str, text: str) -> list[Problem]:
    """`{{ c.percent }} %`, written when a percent printed without its sign, prints it twice
    now that a percent keeps its own: an error at each line typing a `%` (or `pour cent`,
    `per cent` …) after `}}`."""
    if not _DOUBLED_SIGN.search(text) or _DOUBLED_SIGN.search(source):
        return []
    return [
        Problem(rel, number, "a percent prints its own sign, and this line types another '%' "
                "after '}}' (\"62,5 % %\"): remove the '%' (or 'per cent') typed after it",
                stage=Stage.COMPOSE)
        for number, line in enumerate(source.splitlines(), start=1)
        if _SIGN_AFTER.search(line)
    ]  # fmt: skip


def _warning(rel: str, line: int | None, message: str) -> Problem:
    return Problem(rel, line, message, stage=Stage.COMPOSE, severity=Severity.WARNING)


# Each try stops at the next `<` (in the tag) or `<h1` (in the title): linear, where
# `[^>]*>(.*?)</h1>` ran to the end of the chapter from every unclosed `<h1>`.
_HTML_H1 = re.compile(r"<h1\b[^<>]*>((?:(?!<h1\b).)*?)</h1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


class _SourceLines:
    """Lines of a chapter's text for what was found in its HTML, taken in document order.

    Each thing is looked for (case-insensitive) from the line of the previous one on, and an
    occurrence found once is not found again: `file:///etc/passwd` in a link on line 18 is
    not the same text in a drawing on line 11 reported just before. What has moved in the
    HTML (a reference link's definition, a footnote) is found before that line as well."""

    def __init__(self, source: str) -> None:
        self.source = source.lower()
        self.cursor = 0  # where the line of the last thing found starts
        self.used: set[int] = set()

    def line(self, needle: str) -> int | None:
        """The line of the next occurrence of `needle`; an occurrence that goes on as a longer
        URL (`index.md` in `index.md#part`) is another thing, unless there is nothing else."""
        pattern = re.escape(needle.lower())
        found = [m.start() for m in re.finditer(pattern + _NOT_LONGER, self.source)]
        found = found or [m.start() for m in re.finditer(pattern, self.source)]
        if not found:
            return None
        free = [at for at in found if at not in self.used]
        after = [at for at in free if at >= self.cursor]
        before = [at for at in free if at < self.cursor]
        at = after[0] if after else before[-1] if before else found[-1]
        self.used.add(at)
        self.cursor = self.source.rfind("\n", 0, at) + 1
        return self.source.count("\n", 0, at) + 1


_NOT_LONGER = r"(?![\w#/?=&%.~+-])"
_OWN_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[IVXLC]+\.)\s+\S")  # "1. ", "2.3 ", "IV. "
_EXPRESSION = re.compile(r"\{\{.*?\}\}")
_MARKDOWN_ESCAPE = re.compile(r"\\([^\w\s])")


def filled_line(source: str, rendered: str, needle: str) -> int | None:
    """The line of `source` (a chapter's template) that printed `needle`, a value a `{{ }}`
    filled in (`[site]({{ data.links.site.url }})`): the first line holding a `{{ }}` whose
    written pieces all appear, in order, on the line of `rendered` (the filled-in text)
    that holds `needle`; None when no line fits."""
    lowered = _MARKDOWN_ESCAPE.sub(r"\1", rendered.lower())  # as the value was given
    at = lowered.find(needle.lower())
    if at < 0:
        return None
    start = lowered.rfind("\n", 0, at) + 1
    end = lowered.find("\n", at)
    printed = lowered[start : end if end >= 0 else len(lowered)]
    for number, line in enumerate(source.lower().splitlines(), start=1):
        if "{{" not in line:
            continue
        position = 0
        for piece in _EXPRESSION.split(line):
            position = printed.find(piece.strip(), position)
            if position < 0:
                break
            position += len(piece.strip())
        else:
            return number
    return None


def render_chapters(
    project: Project,
    config: ReportConfig,
    scope: Mapping[str, Any],
    helpers: Helpers,
    fmt: Formatter,
    deadline: Deadline | None = None,
    citations: Citations | None = None,
    memo: ComposeMemo | None = None,
) -> tuple[list[RenderedChapter], list[Problem]]:
    """The chapters as HTML, and the warnings met on the way; raises `ComposeError`.
    `memo` keeps compiled templates and converted Markdown between builds."""
    env = content_environment(
        {**fmt.filters(), "sum": helpers.checked_sum}, _finalize(fmt, isolate=True)
    )
    problems: list[Problem] = []
    warnings: list[Problem] = []
    rendered: list[RenderedChapter] = []
    parts: list[anchors.Part] = []
    # One converter for all the chapters (`convert` resets it before each), or two: one
    # without `~~strikethrough~~` for texts without a `~`. Building one costs more than
    # converting a short chapter. Heading ids take the chapter's prefix.
    prefix = [""]

    def slug(value: str, separator: str) -> str:
        return f"{prefix[0]}--{slugify_unicode(value, separator)}"

    converters: dict[bool, markdown.Markdown] = {}
    for chapter in project.chapters_in(config.lang):
        watchdog.doing("composing", chapter.rel)
        helpers.chapter = chapter.rel
        prefix[0] = chapter.slug
        source, unclosed = protect_code(chapter.source)
        for line in unclosed:
            message = "this code fence is never closed, so what follows is not read as code"
            warnings.append(_warning(chapter.rel, line, message))
        try:
            if deadline is not None:
                deadline.check()
            made_before = helpers.placeholders
            text, found = render_content(env, source, chapter.rel, scope, memo)
        except TimeLimitExceeded as error:
            raise ComposeError(_too_slow(chapter.rel, error, deadline)) from None
        problems.extend(found)
        warnings += [_warning(rel, line, message) for rel, line, message in helpers.warnings]
        helpers.warnings.clear()
        if text is None:
            continue
        problems += _doubled_percent_signs(chapter.rel, chapter.source, text)
        if citations is not None:
            text = _cite(text, chapter.rel, chapter.source, citations, helpers, problems)
            warnings += [_warning(rel, line, message) for rel, line, message in helpers.warnings]
            helpers.warnings.clear()

        def converted(text: str = text) -> Converted:
            tilde = "~" in text
            if tilde not in converters:
                converters[tilde] = make_markdown(config.lang, slug, tilde=tilde)
            md = converters[tilde]
            html, removed = convert(text, md)
            return html, removed, md.toc_tokens

        removed: list[tuple[str, str]] = []
        toc: list[dict[str, Any]] = []
        try:
            if memo is None:
                html, removed, toc = converted()
            else:
                html, removed, toc = memo.markdown(
                    text, config.lang, chapter.slug, made_before, converted
                )
            depth = nesting_depth(html)
        except RecursionError:  # Python-Markdown itself gives up first on some inputs
            html, depth = "", MAX_DEPTH + 1
        except FootnotesTooLarge as error:
            message = (
                f"the footnote references copy {error.chars} characters of notes into the "
                f"text (limit {MAX_FOOTNOTE_CHARS}): shorten the notes or refer to them less"
            )
            problems.append(Problem(chapter.rel, None, message, stage=Stage.COMPOSE))
            continue
        except TimeLimitExceeded as error:
            raise ComposeError(_too_slow(chapter.rel, error, deadline)) from None
        except TooCostly as error:
            at = _SourceLines(chapter.source).line(error.needle)
            problems.append(Problem(chapter.rel, at, error.message, stage=Stage.COMPOSE))
            continue
        if depth > MAX_DEPTH:
            levels = list_levels(html)
            message = (
                f"nesting too deep: lists and quotes {levels} levels inside each other (at "
                f"most {MAX_DEPTH // 2} levels of lists, {MAX_DEPTH - 1} of quotes)"
            )
            deepest = _deepest_line(chapter.source)
            problems.append(Problem(chapter.rel, deepest, message, stage=Stage.COMPOSE))
            continue
        lines = _SourceLines(chapter.source)
        for message, needle in removed:
            at = lines.line(needle) or filled_line(chapter.source, text, needle)
            if any(marker in message for marker in TEXT_DROPPED):  # the author's words
                problems.append(Problem(chapter.rel, at, message, stage=Stage.COMPOSE))
            else:
                warnings.append(_warning(chapter.rel, at, message))
        for message, needle in _sized_images(html):
            at = lines.line(needle) or filled_line(chapter.source, text, needle)
            warnings.append(_warning(chapter.rel, at, message))
        html = helpers.substitute(html)
        if ROW_CLASS in html:
            html = size_rows(html, project.image_sizes, text_width_mm(config.page_size))
        headings = _headings(toc, config.lang)
        html = _running_titles(html, headings)
        heading = next((h.text for h in headings if h.level == 1), "")
        if not heading and (raw := _HTML_H1.search(html)):
            heading = typeset(unescape(_TAG.sub("", raw[1])).strip(), config.lang)
        meta_title = str(chapter.meta.get("title") or "")
        if not heading and meta_title:
            # The front matter's title is the chapter's visible title and running header.
            target = slug(meta_title, "-")
            html = f'<h1 id="{escape(target)}">{escape(meta_title)}</h1>\n{html}'
            headings.insert(0, Heading(1, target, meta_title))
        title = meta_title or heading
        if not title:
            message = (
                "the chapter has no title: start it with '# Title' or set title: in front matter"
            )
            problems.append(Problem(chapter.rel, 1, message, stage=Stage.COMPOSE))
            continue
        if config.number_chapters and not chapter.annex and _OWN_NUMBER.match(title):
            # "# 1. Methods", the Word habit, printed "2. 1. Methods" (trial 6 #46).
            message = (
                f"the title '{title}' starts with its own number, and number_chapters adds "
                "one: delete the number from the title, or set number_chapters: false"
            )
            warnings.append(_warning(chapter.rel, lines.line(title[:20]) or 1, message))
        if not chapter.annex and any(r.annex for r in rendered):
            annex = next(r for r in rendered if r.annex)
            message = (
                f"this chapter prints after the annex '{annex.title}' (in the order of the "
                "files): rename the files, or list chapters: in report.yml, to put the "
                "annexes last"
            )
            warnings.append(_warning(chapter.rel, 1, message))
        parts.append(anchors.Part(chapter.slug, chapter.rel, chapter.source, html))
        rendered.append(
            RenderedChapter(
                slug=chapter.slug,
                title=title,
                html=Markup(html),
                css_class=chapter.css_class,
                headings=headings,
                in_toc=chapter.in_toc,
                annex=_annex_letter(sum(1 for r in rendered if r.annex)) if chapter.annex else "",
            )
        )
    watchdog.doing("composing the HTML")  # no chapter of its own any more
    if problems:
        failed = ComposeError(problems)
        failed.composed = "\n".join(str(chapter.html) for chapter in rendered)
        raise failed
    linked, dangling, helpers.xrefs = anchors.resolve(parts)
    rendered = [
        dataclasses.replace(chapter, html=Markup(html), headings=_renamed(chapter, html))
        for chapter, html in zip(rendered, linked, strict=True)
    ]
    linted = lint.chapter_problems(
        [dataclasses.replace(part, html=html) for part, html in zip(parts, linked, strict=True)],
        alt_required=(config.pdf_variant or "").startswith("pdf/ua"),
    )
    if errors := [p for p in linted if p.severity is Severity.ERROR]:
        raise ComposeError(errors)
    return rendered, warnings + dangling + linted


_IMG = re.compile(r"<img\b[^<>]*>")
_SIZE_ATTRIBUTE = re.compile(r'\s(width|height)="([^"]*)"')
_ALT = re.compile(r'\salt="([^"]*)"')
_SRC = re.compile(r'\ssrc="([^"]*)"')


def _sized_images(html: str) -> list[tuple[str, str]]:
    """(message, text to find its line by) for each picture given a size the Pandoc or HTML
    way (`{width=30%}`, `<img width="100">`), which the layout does not apply: it printed at
    the text's full width with no word (trial 8 #33). The theme's classes size a picture."""
    found = []
    for tag in _IMG.findall(html):
        sizes = _SIZE_ATTRIBUTE.findall(tag)
        if not sizes:
            continue
        alt, src = _ALT.search(tag), _SRC.search(tag)
        needle = unescape(alt[1]) if alt and alt[1] else unescape(src[1]) if src else ""
        if needle.startswith("data:"):
            continue  # a chart or a drawing of ours: sized by its own code
        written = " ".join(f"{name}={value}" for name, value in sizes)
        message = (
            f"{written} is not applied to a picture (it prints at its own size, at most the "
            "text's width): write {.third}, {.half} or {.two-thirds} after the image for its "
            "width, {.short} to keep it under 60 mm high"
        )
        found.append((message, needle[:60]))
    return found


_HEADING_OPEN = re.compile(r"<h([1-6])\b([^<>]*)>")
_ID_ATTRIBUTE = re.compile(r'\bid="([^"]*)"')


def _running_titles(html: str, headings: list[Heading]) -> str:
    """A heading with a footnote call (`# Results[^1]`) put the call's number in the running
    header and the PDF outline ("Results1", trial 8 #20): the theme's `string-set` and
    WeasyPrint's bookmark label take the heading's content, the call with it. Such a heading
    carries its words alone in `data-title`, which the theme takes for both instead."""
    if 'class="footnote"' not in html:
        return html
    texts = {h.id: h.text for h in headings}

    def marked(found: re.Match[str]) -> str:
        end = html.find(f"</h{found[1]}>", found.end())
        named = _ID_ATTRIBUTE.search(found[2])
        if end < 0 or named is None or 'class="footnote"' not in html[found.end() : end]:
            return found[0]
        text = texts.get(unescape(named[1]))
        if text is None:
            return found[0]
        return f'<h{found[1]}{found[2]} data-title="{escape(text)}">'

    return _HEADING_OPEN.sub(marked, html)


def contents_entries(
    chapters: Iterable[RenderedChapter], depth: int
) -> list[tuple[RenderedChapter, list[Heading]]]:
    """The contents: each chapter with its sections down to `depth`. A second `# Heading` in
    one file (several chapters in a file, as a Pandoc user writes them) is a chapter of the
    contents too, with the sections under it, as it is in the PDF outline and in the body (a
    new page, its running header and number): it was in the outline and not in the contents
    (trial 8 #6)."""
    entries: list[tuple[RenderedChapter, list[Heading]]] = []
    for chapter in chapters:
        if not chapter.in_toc:
            continue
        tops = [i for i, h in enumerate(chapter.headings) if h.level == 1]
        cuts = [*tops[1:], len(chapter.headings)]
        first = cuts[0]
        entries.append((chapter, _sections(chapter.headings[:first], depth)))
        for start, end in itertools.pairwise(cuts):
            top = chapter.headings[start]
            further = dataclasses.replace(chapter, slug=top.id, title=top.text, continues=True)
            entries.append((further, _sections(chapter.headings[start + 1 : end], depth)))
    return entries


def _sections(headings: list[Heading], depth: int) -> list[Heading]:
    return [h for h in headings if 1 < h.level <= depth]


def _renamed(chapter: RenderedChapter, html: str) -> list[Heading]:
    """The chapter's headings with the ids `anchors.resolve` made unique (`chapter--id`)."""
    ids = anchors.ids_in(html)
    return [
        dataclasses.replace(h, id=f"{chapter.slug}--{h.id}")
        if h.id not in ids and f"{chapter.slug}--{h.id}" in ids
        else h
        for h in chapter.headings
    ]


def _cite(
    text: str,
    rel: str,
    source: str,
    citations: Citations,
    helpers: Helpers,
    problems: list[Problem],
) -> str:
    """`[@key]` citations replaced by their text; an unknown key is a problem at its line.
    In code (a span, a block) a citation is printed as typed."""
    lines = _SourceLines(source)
    code = code_ranges(text) if "`" in text or "~~~" in text or "    " in text else []
    starts = [start for start, _ in code]

    def in_code(offset: int) -> bool:
        index = bisect.bisect_right(starts, offset) - 1
        return index >= 0 and offset < code[index][1]

    def replace(match: re.Match[str]) -> str:
        items = items_of(match)
        if in_code(match.start()) or not items:
            return match[0]
        keys = [item.key for item in items]
        if not all(item.plain for item in items) and not any(
            key.lower() in citations.known for key in keys
        ):
            return match[0]  # `[ping @bob on Slack]`: text around no known key is no citation
        left_out = [item.key for item in items if item.author_left_out]
        if left_out:
            problems.append(
                Problem(
                    rel,
                    lines.line(match[0]),
                    f"citation {match[0]}: the author left out (-@{left_out[0]}) is not "
                    f"supported: name the author in the sentence and write [@{left_out[0]}]",
                    stage=Stage.COMPOSE,
                )
            )
            return match[0]
        cited = citations.cite(items)
        if cited is None:
            missing = ", ".join(keys)
            why = "not in the bibliography"
            line = lines.line(match[0])
            problems.append(
                Problem(rel, line, f"citation [@{missing}]: {why}", stage=Stage.COMPOSE)
            )
            return match[0]
        return str(helpers._place(cited))

    cited = CITATION.sub(replace, text)
    if code:  # offsets in the text with its citations replaced
        code = code_ranges(cited)
        starts = [start for start, _ in code]
    for match in NARRATIVE.finditer(cited):
        if match[1].lower() in citations.known and not in_code(match.start()):
            message = (
                f"@{match[1]} prints as written: a citation is written in brackets, [@{match[1]}]"
            )
            helpers.warnings.append((rel, lines.line(match[0]), message))
    return cited


def _annex_letter(index: int) -> str:
    """A, B, … Z, then AA, AB, …: the letter of the annex after `index` others."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _config_text(project: Project) -> str:
    """report.yml's text, to locate a setting (it was read and checked at load)."""
    try:
        return read_text(project.root / CONFIG_FILE, CONFIG_FILE)
    except ReportError:
        return ""


def _too_slow(rel: str | None, error: TimeLimitExceeded, deadline: Deadline | None) -> Problem:
    seconds = f" of {deadline.seconds:g} s" if deadline else ""
    verb, path = watchdog.activity()
    if rel is None and verb == "composing":  # stopped between two steps of its chapter
        rel = path
    return Problem(
        rel,
        error.line if rel else None,
        f"stopped: the build took longer than the time limit{seconds}",
        stage=Stage.COMPOSE,
        setting="timeout",
    )


def render_html(
    project: Project,
    edition: Edition | None = None,
    *,
    deadline: Deadline | None = None,
    part: Part = "all",
    chart_cache: ChartCache | None = None,
    memo: ComposeMemo | None = None,
) -> Html:
    """The edition as one HTML document; raises `ComposeError` listing every problem.

    With a `deadline`, work still running when it passes is stopped, in any thread. `part`
    leaves out the body ("cover") or the cover ("body"): a merge lays them out apart.
    `chart_cache`: where drawn charts are kept and found again (`build` passes the project's
    cache; nothing is written without one). `memo`: where compiled chapter templates and
    converted Markdown are kept and found again (`compose.memo`).
    """
    if part not in ("all", "cover", "body"):
        raise ValueError(f"part must be 'all', 'cover' or 'body', got {part!r}")
    if not isinstance(project, Project):
        raise TypeError(f"render_html takes a Project (from load_project), got {project!r}")
    edition = edition or Edition()
    guard = deadline.enforce() if deadline is not None else contextlib.nullcontext()
    try:
        with guard:
            return _render(project, edition, deadline, part, chart_cache, memo)
    except TimeLimitExceeded as error:
        raise ComposeError(_too_slow(None, error, deadline)) from None


def _render(
    project: Project,
    edition: Edition,
    deadline: Deadline | None,
    part: Part,
    chart_cache: ChartCache | None = None,
    memo: ComposeMemo | None = None,
) -> Html:
    config = for_edition(project.config, edition)
    fmt = Formatter(config.lang)
    words = project.strings.labels(config.lang)
    if words is None:
        message = project.strings.missing_message(config.lang)
        raise ComposeError(Problem(CONFIG_FILE, None, message, stage=Stage.COMPOSE))
    labels = words
    style = charts.ChartStyle(
        palette=config.brand.chart_palette(),
        font_family=config.brand.fonts.heading or "Inter",
        text_color=config.brand.text,
        width=text_width_mm(config.page_size),
        max_height=chart_height_mm(config.page_size),
    )
    helpers = Helpers(fmt, labels, project.contacts, style, chart_cache)
    helpers.page_size = config.page_size
    report = report_scope(config, edition)
    recipient = wrap("recipient", dict(edition.personalisation or {}))
    scope = {
        "data": wrap("data", localize(project.data, config.lang)),
        "contacts": wrap("contacts", {k: c.model_dump() for k, c in project.contacts.items()}),
        "report": report,
        # A requester's name is text, never Markdown: "# x" or "[link](…)" must print as typed.
        "recipient": recipient,  # printed as plain text, as every value (see `_finalize`)
        **helpers.scope(),
    }
    citations = Citations(project.references, config.lang) if config.bibliography else None
    chapters: list[RenderedChapter] = []
    warnings: list[Problem] = []
    if part != "cover":  # the cover alone prints no chapter: none is composed
        chapters, warnings = render_chapters(
            project, config, scope, helpers, fmt, deadline, citations, memo
        )
    warnings += lint.brand_problems(config.brand.model_dump(), _config_text(project))
    env = theme_environment(project.theme.templates, project.templates, project.theme.by_theme)
    env.filters.update({**fmt.filters(), "css_string": css_string, "isolate": isolate, "mix": mix})
    if memo is not None:
        env.bytecode_cache = memo.templates(env)
    theme_css, project_css = _stylesheets(project)
    contact = project.contacts.get(config.contact) if config.contact else None
    created = edition.created
    context = {
        "report": report,
        "recipient": recipient,
        "page_height": PAGE_HEIGHTS_MM[config.page_size],
        # Arabic, Hebrew, Persian, Urdu…: the whole report reads right to left (a figure
        # set left to right had its "%" at the other end of the line).
        "text_direction": "rtl" if fmt.locale.character_order == "right-to-left" else "ltr",
        "plain_hyphen": project.plain_hyphen,
        "labels": labels,
        "chapters": chapters,
        "toc": contents_entries(chapters, config.toc_depth),
        "date_text": fmt.date(report["date"]) if report["date"] else "",
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else None,
        "theme_stylesheets": theme_css,
        "project_stylesheets": project_css,
        "logo": (project.root / config.organisation.logo).as_uri()
        if config.organisation and config.organisation.logo
        else None,
        "cover_image": (project.root / config.cover_image.file).as_uri()
        if config.cover_image
        else None,
        # The closing page's imprint names the organisation: the card does not repeat it.
        "contact": Markup(
            contact_html(
                contact,
                labels,
                colon(config.lang),
                config.lang,
                imprint=config.organisation.name if config.organisation else None,
            )
        )
        if contact
        else None,
        "print_mode": edition.print_mode or config.print,
        "part": part,
        "references": citations.entries() if citations is not None else [],
    }
    html = _fill_theme(env, context, project)
    html, targets = references.number(html, labels)
    kinds = tuple(
        kind
        for kind, wanted in (("figure", config.list_of_figures), ("table", config.list_of_tables))
        if wanted
    )
    if kinds:
        html = html.replace(references.LISTS_PLACE, references.lists(html, labels, kinds), 1)
    headings = {c.slug: c.title for c in chapters}
    headings.update({h.id: h.text for c in chapters for h in c.headings})
    html, unknown = references.link(html, targets, labels, headings)
    if unknown:
        known = ", ".join(sorted(targets)) or "none: give a chart, table or image an id"

        def unknown_ref(target: str) -> Problem:
            found = helpers.xrefs.get(target)
            path, line = found or _reference_location(project, target, helpers.refs.get(target))
            message = f"ref('{target}'): no figure, table or heading has this id"
            return Problem(path or None, line, f"{message} (known: {known})", stage=Stage.COMPOSE)

        raise ComposeError(unknown_ref(u) for u in dict.fromkeys(unknown))
    return Html(
        text=html,
        config=config,
        base_url=project.root.as_uri() + "/",
        files=project.files,
        network_hosts=tuple(config.network.allow),
        resources=project.resources,
        problems=tuple(warnings),
        sources={c.slug: (c.rel, c.source) for c in project.chapters_in(config.lang)},
        labels=MappingProxyType(dict(labels)),
    )


def _reference_location(
    project: Project, target: str, rel: str | None
) -> tuple[str | None, int | None]:
    """The chapter and line that refer to `target` (`ref('x')` or `[](#x)`), first found."""
    written = (f"'{target}'", f'"{target}"', f"#{target})")
    for chapter in (
        *project.chapters,
        *(t for c in project.chapters for t in c.translations.values()),
    ):
        if rel is not None and chapter.rel != rel:
            continue
        for number, line in enumerate(chapter.source.splitlines(), start=1):
            if any(form in line for form in written):
                return chapter.rel, number
    return rel, None


def _fill_theme(env: jinja2.Environment, context: Mapping[str, Any], project: Project) -> str:
    """The theme's `report.html` filled in; a failure names the template file and line."""
    names = {f.shown for f in (*project.theme.templates.values(), *project.templates.values())}

    def problem(message: str, error: BaseException | None = None) -> ComposeError:
        where = _template_frame(error, names) if error is not None else (None, None)
        return ComposeError(Problem(where[0], where[1], message, stage=Stage.COMPOSE))

    try:
        return render_capped(env.get_template("report.html"), context, MAX_DOCUMENT_CHARS)
    except jinja2.TemplateSyntaxError as error:
        where = Problem(
            error.filename or error.name,
            error.lineno,
            error.message or "syntax error",
            stage=Stage.COMPOSE,
        )
        raise ComposeError(where) from None
    except jinja2.UndefinedError as error:
        raise problem(f"theme template: {error.message}", error) from None
    except jinja2.TemplateNotFound as error:
        message = (
            f"template not found: {error.name} (a template includes only the theme's "
            "templates and those in templates/, by name)"
        )
        # Every include of a missing template, not only the first the rendering met.
        others = _missing_includes(env, project.templates.values())
        if len(others) > 1:
            raise ComposeError(others) from None
        raise problem(message, error) from None
    except jinja2.TemplateError as error:  # the sandbox refused something
        raise problem(f"theme template: not allowed: {error}", error) from None
    except (TypeError, ValueError, LookupError, AttributeError, ArithmeticError) as error:
        # A project template (or a filter it called) failed on its values: say where.
        raise problem(f"theme template: {type(error).__name__}: {error}", error) from None
    except (RecursionError, MemoryError) as error:
        kind = "recursion too deep" if isinstance(error, RecursionError) else "out of memory"
        raise problem(f"theme template: {kind}", error) from None


def _missing_includes(env: jinja2.Environment, templates: Iterable[TemplateFile]) -> list[Problem]:
    """Each `{% include %}`, `{% import %}` or `{% extends %}` of the project's templates that
    names, in plain words, a template `env` does not have: at its file and line."""
    found = []
    for template in templates:
        try:
            tree = env.parse(template.source)
        except jinja2.TemplateSyntaxError:
            continue  # reported when it is rendered
        kinds = (jinja2.nodes.Include, jinja2.nodes.Import, jinja2.nodes.FromImport)
        for node in tree.find_all((*kinds, jinja2.nodes.Extends)):
            target = getattr(node, "template", None)
            name = target.value if isinstance(target, jinja2.nodes.Const) else None
            if not isinstance(name, str) or getattr(node, "ignore_missing", False):
                continue
            try:
                env.get_template(name)
            except jinja2.TemplateNotFound:
                message = (
                    f"template not found: {name} (a template includes only the theme's "
                    "templates and those in templates/, by name)"
                )
                found.append(Problem(template.shown, node.lineno, message, stage=Stage.COMPOSE))
            except jinja2.TemplateError:
                continue
    return found


def _template_frame(error: BaseException, names: set[str]) -> tuple[str | None, int | None]:
    """The innermost template file (one of `names`) and line in a traceback."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename in names:
            return frame.filename, frame.lineno
    return "templates", None


def _stylesheets(project: Project) -> tuple[list[str], list[str]]:
    """(theme CSS, project CSS) as URLs; a project file named like a theme file replaces it.

    The brand's colours and page words come between the two, so a project's own CSS can
    override them and the theme's defaults cannot.
    """
    own_names = {p.name for p in project.stylesheets}
    theme = [p.resolve().as_uri() for p in project.theme.stylesheets if p.name not in own_names]
    return theme, [p.absolute().as_uri() for p in project.stylesheets]
