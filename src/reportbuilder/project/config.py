"""`report.yml`: the report's metadata and settings, validated strictly."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from reportbuilder.edition import Edition
from reportbuilder.errors import Problem, ProjectError, Stage
from reportbuilder.language import is_known_locale, normalize
from reportbuilder.link_policy import web_address_problem
from reportbuilder.project.chapters import slugify
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.overrides import Key, flatten, merged
from reportbuilder.project.printable import not_a_template, printed_text
from reportbuilder.project.validation import LineOf, problems_from, stand_in
from reportbuilder.project.yamlio import load_yaml
from reportbuilder.variants import PAGE_SIZES, PDF_VARIANTS, page_size_named, variant_problem

CONFIG_FILE = "report.yml"

# Where the sources live: an output path must never land on one of them.
SOURCE_PLACES = ("report.yml", "contacts.yml", "content", "data", "assets", "templates", "styles")

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def _colour(value: str) -> str:
    if not _HEX.match(value):
        raise ValueError("a colour is written as #rgb or #rrggbb")
    return value.lower()


Colour = Annotated[str, AfterValidator(_colour)]


def _web_address(value: str) -> str:
    problem = web_address_problem(value)
    if problem:
        raise ValueError(problem)
    return value


WebAddress = Annotated[str, AfterValidator(_web_address)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class DataFile(_Strict):
    """How a CSV in data/ is written, where the file alone cannot say (`decimal: ","`)."""

    decimal: Literal[",", "."] | None = None
    delimiter: Literal[",", ";", "\t", "|"] | None = None
    # A table's column headings: `{country: Country}` or one per language
    # (`{country: {en: Country, fr: Pays}}`); a column not named keeps its name in the file.
    labels: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    # The line that names the columns, when title or note lines are above it (an export of
    # a sheet with a title): the lines above are left out, as a workbook's `header_row`.
    header_row: Annotated[int, Field(ge=1, le=2_000_000)] | None = None


class WorkbookFile(_Strict):
    """Where a workbook's table is (`data/NAME.xlsx.yml`), when it does not start at the
    sheet's first row: `header_row: 3` (rows above it are a title, left out), or a `range`
    of cells (`A3:C9`, `Main!A3:C9`) holding the header and the rows."""

    header_row: Annotated[int, Field(ge=1, le=1_048_576)] | None = None
    range: (
        Annotated[
            str, StringConstraints(pattern=r"^(?:[^!]+!)?[A-Za-z]{1,3}[0-9]+:[A-Za-z]{1,3}[0-9]+$")
        ]
        | None
    ) = None


# A text printed on the cover, in running headers, the PDF's metadata or a mail's subject.
PrintedText = Annotated[str, AfterValidator(printed_text), AfterValidator(not_a_template)]


class Organisation(_Strict):
    name: PrintedText
    logo: str | None = None
    url: WebAddress | None = None
    address: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value:  # the cover and the contact page printed a blank where it goes
            raise ValueError("the organisation's name is empty; give it, or leave organisation out")
        return value


class CoverImage(_Strict):
    """A photo on the cover: `file` in the project, its `alt` text (read out by screen
    readers), an optional `credit` printed on it, and where it goes (`top`: the top part of
    the page above the title's colour band; `full`: the whole page, the title on a panel)."""

    file: str
    alt: Annotated[str, StringConstraints(min_length=1)]
    credit: str | None = None
    placement: Literal["top", "full"] = "top"


class Network(_Strict):
    """Hosts images and stylesheets may come from; empty means no network at all."""

    allow: list[str] = Field(default_factory=list)


VariantName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]


class Lint(_Strict):
    """The publication lint's settings: the smallest text size the rendered PDF may hold,
    and the lowest resolution an image may be printed at."""

    min_text_pt: float = Field(default=7.0, gt=0, le=72)
    min_image_dpi: float = Field(default=96.0, ge=0, le=1200)


class Fonts(_Strict):
    heading: str | None = None
    body: str | None = None


class Brand(_Strict):
    primary: Colour = "#0b3c5d"
    secondary: Colour = "#1c70a8"
    accent: Colour = "#f2a541"
    text: Colour = "#1f2933"
    palette: list[Colour] = Field(default_factory=list)
    fonts: Fonts = Fonts()
    logo_on_pages: bool = False  # the organisation's logo in the footer of every page

    def chart_palette(self) -> tuple[str, ...]:
        return tuple(self.palette) or (
            self.primary,
            self.secondary,
            self.accent,
            "#5e8c61",
            "#9aa5b1",
        )


def parse_size(value: str | int) -> int:
    """`8MB`, `150KB`, `1.5 MB`, `2MiB` or a number of bytes → bytes (KB = 1000, KiB = 1024)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number, unit = float(value), "B"
    else:
        found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*", str(value), re.IGNORECASE)
        if not found:
            raise ValueError("write a size as 8MB, 150KB or 2MiB")
        number, unit = float(found[1]), (found[2] or "B").upper()
    factor = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}.get(unit) or {
        "KIB": 2**10,
        "MIB": 2**20,
        "GIB": 2**30,
    }[unit]
    size = int(number * factor)
    if size < 1024:
        raise ValueError("a size budget under 1 KB cannot hold a PDF")
    return size


Size = Annotated[int, BeforeValidator(parse_size)]


def _mailbox(value: str) -> str:
    from reportbuilder.addresses import check_address
    from reportbuilder.errors import DeliveryError

    try:
        check_address(value, "address")
    except DeliveryError as error:
        raise ValueError(error.problems[0].message) from None
    return value


Mailbox = Annotated[str, AfterValidator(_mailbox)]


def _header_text(value: str) -> str:
    from reportbuilder.addresses import check_header_text
    from reportbuilder.errors import DeliveryError

    printed_text(value)
    if "{{" in value or "{%" in value:  # sent as typed: "Report: {{ report.title }}"
        raise ValueError(
            "the subject is plain text, sent as written: '{{ … }}' is not filled in here "
            "(write the figures in mail.summary, which is)"
        )
    try:
        return check_header_text(value, "header")
    except DeliveryError as error:
        raise ValueError(error.problems[0].message) from None


HeaderText = Annotated[str, AfterValidator(_header_text)]


class SmtpConfig(_Strict):
    """Where `mail` sends; the password is never written here (environment or a file)."""

    host: str
    port: int | None = Field(None, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    user: str | None = None
    password_file: str | None = None
    ca_file: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, values: object) -> object:
        if isinstance(values, dict) and "password" in values:
            raise ValueError(
                "a password is never written in report.yml: set REPORTBUILDER_SMTP_PASSWORD, "
                "or password_file (a file only you can read)"
            )
        return values

    @model_validator(mode="after")
    def _plain_only_here(self) -> SmtpConfig:
        # Said by `check`, at its line, not on the mailing day by `mail`.
        if self.security == "none":
            from reportbuilder.deliver.smtp import is_loopback

            if not is_loopback(self.host):
                raise ValueError(
                    f"security: none (unencrypted) is only for a relay on this machine, not "
                    f"{self.host}: use starttls or tls"
                )
        return self


class MailConfig(_Strict):
    """How `mail` writes its message: sender, subject, the summary's two lines, SMTP."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True
    )

    sender: Mailbox | None = Field(None, alias="from")
    reply_to: Mailbox | None = None
    subject: HeaderText | None = None  # plain text (the summary is the template)
    summary: str | None = None  # content template over data: the message's two lines
    vcard: bool = False  # attach the contact's vCard
    smtp: SmtpConfig | None = None


class ReportConfig(_Strict):
    """Everything `report.yml` may say. Unknown keys are errors."""

    title: PrintedText
    short_title: PrintedText | None = None  # the running header's words when the title is long
    lang: str
    subtitle: PrintedText | None = None
    cover_image: CoverImage | None = None
    date: dt.date | None = None
    authors: list[PrintedText] = Field(default_factory=list)
    organisation: Organisation | None = None
    subject: PrintedText | None = None
    keywords: list[PrintedText] = Field(default_factory=list)
    theme: str = "base"
    brand: Brand = Brand()
    page_size: str = "A4"
    pdf_variant: str | None = None
    output: str | None = None
    chapters: list[str] | None = None
    contact: str | None = None
    toc: bool = True
    toc_depth: Literal[1, 2, 3] = 2
    recipient_footer: bool = False  # a merge's "copy prepared for" line in every footer too
    bibliography: str | None = None  # a CSL-JSON file of references, cited as [@key]
    number_chapters: bool = False  # "1.", "2." … before chapter titles, in the contents too
    list_of_figures: bool = False  # after the contents: every figure's caption and page
    list_of_tables: bool = False
    strict: bool = False
    network: Network = Network()
    lint: Lint = Lint()
    print: bool = False
    variants: dict[VariantName, dict[str, Any]] = Field(default_factory=dict)
    languages: dict[str, dict[str, Any]] = Field(default_factory=dict)
    data: dict[str, DataFile] = Field(default_factory=dict)
    mail: MailConfig = Field(default_factory=lambda: MailConfig.model_validate({}))
    max_size: Size | None = None  # bytes the PDF may weigh (written 8MB, 150KB)

    @field_validator("cover_image", mode="before")
    @classmethod
    def _cover_image(cls, value: object) -> object:
        if isinstance(value, str):  # the habit of `logo: assets/logo.svg`
            raise ValueError(
                "a cover photo is written with its alt text, read out by screen readers: "
                f"cover_image: {{file: {value}, alt: what the photo shows}}"
            )
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        # `date: 2026` was read as a Unix time ("Datetimes … should have zero time").
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError("write the report's date as YYYY-MM-DD (2026-01-15)")
        return value

    @field_validator("organisation", mode="before")
    @classmethod
    def _organisation(cls, value: object) -> object:
        if isinstance(value, str):  # "Input should be a valid dictionary or instance of …"
            raise ValueError(
                f"the organisation is a mapping of its details: organisation: {{name: {value}}}"
            )
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value:  # the cover, the PDF's /Title, a mail's subject and file name
            raise ValueError("the title is empty; every report has one")
        return value

    @field_validator("theme")
    @classmethod
    def _theme(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            raise ValueError(
                "a theme is named, not given as a path: letters, digits, - and _ only "
                "(a built-in theme such as base, or a folder of the project's themes/)"
            )
        return value

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if not is_known_locale(value):
            raise ValueError("not a language code Babel knows (try fr, en or es)")
        return normalize(value)  # one spelling everywhere: BCP 47, as in <html lang>

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for code in value:
            if not is_known_locale(code):
                raise ValueError(f"'{code}' is not a language code Babel knows (try en or es)")
        return {normalize(code): layer for code, layer in value.items()}

    def language_layer(self, lang: str) -> dict[str, Any] | None:
        """`languages:`'s settings for `lang` (or its base language), None if it has none."""
        wanted = lang.replace("_", "-").lower()
        by_code = {code.lower(): layer for code, layer in self.languages.items()}
        return by_code.get(wanted, by_code.get(wanted.split("-")[0]))

    def is_source_language(self, lang: str) -> bool:
        """Whether an edition in `lang` is in the language the chapters are written in."""
        return lang.replace("_", "-").lower().split("-")[0] == self.lang.lower().split("-")[0]

    @field_validator("page_size")
    @classmethod
    def _page_size(cls, value: str) -> str:
        named = page_size_named(value)
        if named is None:
            raise ValueError(f"not a page size we know; choose one of {', '.join(PAGE_SIZES)}")
        return named

    @field_validator("pdf_variant")
    @classmethod
    def _variant(cls, value: str | None) -> str | None:
        if value is not None and value not in PDF_VARIANTS:
            raise ValueError(f"unknown PDF variant; choose one of {', '.join(PDF_VARIANTS)}")
        if why := variant_problem(value):
            raise ValueError(why)
        return value

    @field_validator("output")
    @classmethod
    def _output(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = Path(value)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError("the output path must stay inside the project")
        if value.startswith("~"):  # not your home: a folder named "~" made in the project
            raise ValueError(
                "'~' is not your home folder here (it would make a folder named '~' in the "
                "project); write a path inside the project, e.g. out/report.pdf"
            )
        if path.suffix.lower() not in (".pdf", ".html"):
            raise ValueError("the output file name must end in .pdf or .html")
        if path.parts[0] in SOURCE_PLACES:
            raise ValueError(f"the output would overwrite the project's own {path.parts[0]}")
        return value


def load_config(
    root: Path,
    files: FilePolicy,
    variant: str | None = None,
    settings: Sequence[tuple[Key, Any]] = (),
) -> tuple[ReportConfig, LineOf]:
    """Read and validate `report.yml`, every variant it names, then the chosen `variant` and
    `settings` (`--set`) laid over it.

    Returns the settings and a function giving the line of a key, for later problems. A
    problem of a variant is at its line in report.yml; one of an assignment at `--set`.
    """
    doc = load_yaml(files.read_project_text(CONFIG_FILE), CONFIG_FILE)
    if not isinstance(doc.value, dict):
        message = "expected a mapping of keys (title: …, lang: …)"
        raise ProjectError(Problem(CONFIG_FILE, 1, message, stage=Stage.PROJECT))
    try:
        config = ReportConfig.model_validate(doc.value)
    except ValidationError as error:
        raise ProjectError(problems_from(error, ReportConfig, CONFIG_FILE, doc.line)) from None
    problems: list[Problem] = []
    for name, spec in config.variants.items():
        try:
            ReportConfig.model_validate(merged(doc.value, flatten(spec)))
        except ValidationError as error:
            problems.extend(
                replace(
                    p, line=doc.line(["variants", name]), message=f"variant {name}: {p.message}"
                )
                for p in problems_from(error, ReportConfig, CONFIG_FILE, doc.line)
            )
    for code, layer in config.languages.items():
        try:
            ReportConfig.model_validate(merged(doc.value, flatten({**layer, "lang": code})))
        except ValidationError as error:
            line = doc.line(["languages", code])
            problems.extend(
                replace(p, line=line, message=f"languages {code}: {p.message}")
                for p in problems_from(error, ReportConfig, CONFIG_FILE, doc.line)
            )
    if not problems:
        problems.extend(_shared_outputs(config, doc.value, doc.line))
    if variant is not None and variant not in config.variants:
        known = ", ".join(sorted(config.variants)) or "report.yml has no variants:"
        message = f"no variant '{variant}' (known: {known})"
        problems.append(Problem(CONFIG_FILE, doc.line(["variants"]), message, stage=Stage.PROJECT))
    if problems:
        raise ProjectError(problems)
    chosen = doc.value
    if variant is not None:
        chosen = _with_variant(config, doc.value, variant)
    if settings:
        try:
            ReportConfig.model_validate(merged(chosen, settings))
        except ValidationError as error:
            found = [_list_hint(p) for p in problems_from(error, ReportConfig, "--set", _none)]
            raise ProjectError(found) from None
        chosen = _over_languages(merged(chosen, settings), settings, None)
    if chosen is not doc.value:
        config = ReportConfig.model_validate(chosen)
    return config, doc.line


def _with_variant(config: ReportConfig, value: dict[str, Any], variant: str) -> dict[str, Any]:
    """report.yml's mapping with `variant` laid over it, its languages' entries included."""
    layer = _variant_layer(config, variant)
    named = "output" in config.variants[variant]
    return _over_languages(merged(value, layer), layer, None if named else f"-{variant}")


def _over_languages(
    value: dict[str, Any], layer: Sequence[tuple[Key, Any]], suffix: str | None
) -> dict[str, Any]:
    """`value` with `layer`'s settings (a variant's, `--set`'s) laid over each `languages:`
    entry that sets them too: a language's own subtitle or page size does not undo them
    (trial 7 #12). A language's own `output` gets `suffix` (a variant's name: its file stays
    its own), or, when the layer names the output, gives way to it (the language's file is
    then named after it)."""
    languages = value.get("languages")
    if not isinstance(languages, dict):
        return value
    result = dict(value)
    result["languages"] = {}
    for code, entry in languages.items():
        if not isinstance(entry, dict):
            result["languages"][code] = entry
            continue
        own = copy.deepcopy(entry)
        written = [key for key, _ in flatten(entry)]
        for path, given in layer:
            if path[0] in ("languages", "variants") or not written:
                continue
            if path == ("output",):
                if isinstance(own.get("output"), str) and suffix is not None:
                    mine = PurePosixPath(own["output"])
                    own["output"] = str(mine.with_stem(mine.stem + suffix))
                else:
                    own.pop("output", None)
                continue
            if any(key[: len(path)] == path or path[: len(key)] == key for key in written):
                own = merged(own, [(path, given)])
        result["languages"][code] = own
    return result


def _none(keys: Sequence[str | int]) -> None:
    return None  # `--set` has no lines


def _list_hint(problem: Problem) -> Problem:
    """`--set keywords=a,b` is text: say how a list is written on the command line."""
    if "valid list" not in problem.message:
        return problem
    key = problem.message.split(":", 1)[0].strip("'")
    hint = f"; write a list in brackets: --set '{key}=[a, b]'"
    return replace(problem, message=problem.message + hint)


def _variant_layer(config: ReportConfig, variant: str) -> list[tuple[Key, Any]]:
    """The variant's settings, with its own output file unless it names one: never the base
    report's, nor (`for_edition` adds the language) another variant's edition."""
    layer = flatten(config.variants[variant])
    if "output" not in config.variants[variant]:
        base = PurePosixPath(config.output or f"out/{slugify(config.title)[:60]}.pdf")
        layer.append((("output",), str(base.with_stem(f"{base.stem}-{variant}"))))
    return layer


def _shared_outputs(config: ReportConfig, value: dict[str, Any], line: LineOf) -> list[Problem]:
    """Two editions (languages × variants) written to one file — the same path, or one
    that differs only in case (one file on Windows and macOS): the last written would
    replace the other without a word. An error at the second one's place in report.yml."""
    if not config.variants and not config.languages:
        return []
    langs = list(dict.fromkeys([config.lang, *config.languages]))
    seen: dict[str, str] = {}
    problems = []
    for variant in (None, *config.variants):
        base = config
        if variant is not None:
            base = ReportConfig.model_validate(_with_variant(config, value, variant))
        for lang in langs:
            edition = base if lang == config.lang else for_edition(base, Edition(lang=lang))
            path = edition.output or f"out/{slugify(config.title)[:60]}.pdf"
            what = " ".join(
                filter(None, [f"the {lang} edition", variant and f"of variant {variant}"])
            )
            key = str(PurePosixPath(path)).casefold()
            if (first := seen.setdefault(key, what)) == what:
                continue
            if variant is not None and "output" in config.variants[variant]:
                at = line(["variants", variant, "output"])
            elif lang != config.lang and "output" in (config.languages.get(lang) or {}):
                at = line(["languages", lang, "output"])
            else:
                at = line(["variants", variant] if variant else ["languages", lang])
            message = (
                f"{what} would be written to {path}, as {first} is: the one written last "
                "would replace the other (give each its own output)"
            )
            problems.append(Problem(CONFIG_FILE, at, message, stage=Stage.PROJECT))
    return problems


def stand_in_config(files: FilePolicy) -> tuple[ReportConfig, LineOf] | None:
    """report.yml's settings with the wrong ones left out (`validation.stand_in`), when
    `load_config` refused them: what `check` fills the chapters in with, so that a typo in
    report.yml does not hide the problems of the content. None when no such settings can
    be made (report.yml is no mapping, or a required key is wrong)."""
    try:
        doc = load_yaml(files.read_project_text(CONFIG_FILE), CONFIG_FILE)
    except (ProjectError, OSError):
        return None
    if not isinstance(doc.value, dict):
        return None
    config = stand_in(ReportConfig, doc.value)
    return None if config is None else (config, doc.line)


def for_edition(config: ReportConfig, edition: Edition) -> ReportConfig:
    """report.yml's settings with the edition's in their place: its language's `languages:`
    settings first (title, output …), then the edition's own."""
    values = config.model_dump()
    lang = edition.lang
    if lang is not None and not config.is_source_language(lang):
        layer = config.language_layer(lang) or {}
        values = merged(values, flatten(layer))
        if "output" not in layer:
            # Each language gets its own file: never the source language's.
            base = PurePosixPath(config.output or f"out/{slugify(config.title)[:60]}.pdf")
            values["output"] = str(base.with_stem(f"{base.stem}-{normalize(lang)}"))
    values.update(edition.settings())
    if edition.brand:
        values["brand"] = {**values["brand"], **edition.brand}
    return ReportConfig.model_validate(values)
