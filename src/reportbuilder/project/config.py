"""`report.yml`: the report's metadata and settings, validated strictly."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportbuilder.edition import Edition
from reportbuilder.errors import Problem, ProjectError, Stage
from reportbuilder.language import is_known_locale
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.validation import LineOf, problems_from
from reportbuilder.project.yamlio import load_yaml
from reportbuilder.variants import PAGE_SIZES, PDF_VARIANTS

CONFIG_FILE = "report.yml"

# Where the sources live: an output path must never land on one of them.
SOURCE_PLACES = ("report.yml", "contacts.yml", "content", "data", "assets", "templates", "styles")

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def _colour(value: str) -> str:
    if not _HEX.match(value):
        raise ValueError("a colour is written as #rgb or #rrggbb")
    return value.lower()


Colour = Annotated[str, AfterValidator(_colour)]


# Bidirectional controls (U+202A–U+202E, U+2066–U+2069) and other invisible formatting
# characters: `https://bank.example.org` shown, somewhere else linked.
_DECEPTIVE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\x00-\x1f\x7f]")


def _web_address(value: str) -> str:
    if _DECEPTIVE.search(value):
        raise ValueError(
            "a web address may not hold invisible or text-direction characters "
            "(they can show one address and link to another)"
        )
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("write a web address in full, starting with https://")
    mixed = _mixed_scripts(urlsplit(value).hostname or "")
    if mixed:
        raise ValueError(
            f"the host name mixes {' and '.join(mixed)} letters in one part: "
            "a look-alike of another address"
        )
    return value


def _mixed_scripts(host: str) -> list[str]:
    """The scripts of the first part of `host` that mixes letters of several (`аpple.com`
    with a Cyrillic а), punycode (`xn--`) decoded first; [] when none does."""
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError:
                return ["undecodable"]
        scripts = {unicodedata.name(char, "UNKNOWN").split()[0] for char in label if char.isalpha()}
        if len(scripts) > 1:
            return sorted(script.lower().capitalize() for script in scripts)
    return []


WebAddress = Annotated[str, AfterValidator(_web_address)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class DataFile(_Strict):
    """How a CSV in data/ is written, where the file alone cannot say (`decimal: ","`)."""

    decimal: Literal[",", "."] | None = None
    delimiter: Literal[",", ";", "\t", "|"] | None = None


class Organisation(_Strict):
    name: str
    logo: str | None = None
    url: WebAddress | None = None
    address: str | None = None


class Network(_Strict):
    """Hosts images and stylesheets may come from; empty means no network at all."""

    allow: list[str] = Field(default_factory=list)


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

    def chart_palette(self) -> tuple[str, ...]:
        return tuple(self.palette) or (
            self.primary,
            self.secondary,
            self.accent,
            "#5e8c61",
            "#9aa5b1",
        )


class ReportConfig(_Strict):
    """Everything `report.yml` may say. Unknown keys are errors."""

    title: str
    lang: str
    subtitle: str | None = None
    date: dt.date | None = None
    authors: list[str] = Field(default_factory=list)
    organisation: Organisation | None = None
    subject: str | None = None
    keywords: list[str] = Field(default_factory=list)
    theme: str = Field("base", pattern=r"^[A-Za-z0-9_-]+$")
    brand: Brand = Brand()
    page_size: str = "A4"
    pdf_variant: str | None = None
    output: str | None = None
    chapters: list[str] | None = None
    contact: str | None = None
    toc: bool = True
    toc_depth: Literal[1, 2, 3] = 2
    strict: bool = False
    network: Network = Network()
    data: dict[str, DataFile] = Field(default_factory=dict)

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if not is_known_locale(value):
            raise ValueError("not a language code Babel knows (try fr, en or es)")
        return value.replace("_", "-")  # one spelling everywhere: BCP 47, as in <html lang>

    @field_validator("page_size")
    @classmethod
    def _page_size(cls, value: str) -> str:
        if value not in PAGE_SIZES:
            raise ValueError(f"not a page size we know; choose one of {', '.join(PAGE_SIZES)}")
        return value

    @field_validator("pdf_variant")
    @classmethod
    def _variant(cls, value: str | None) -> str | None:
        if value is not None and value not in PDF_VARIANTS:
            raise ValueError(f"unknown PDF variant; choose one of {', '.join(PDF_VARIANTS)}")
        return value

    @field_validator("output")
    @classmethod
    def _output(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = Path(value)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError("the output path must stay inside the project")
        if path.suffix.lower() not in (".pdf", ".html"):
            raise ValueError("the output file name must end in .pdf or .html")
        if path.parts[0] in SOURCE_PLACES:
            raise ValueError(f"the output would overwrite the project's own {path.parts[0]}")
        return value


def load_config(root: Path, files: FilePolicy) -> tuple[ReportConfig, LineOf]:
    """Read and validate `report.yml`.

    Returns the settings and a function giving the line of a key, for later problems.
    """
    doc = load_yaml(files.read_project_text(CONFIG_FILE), CONFIG_FILE)
    if not isinstance(doc.value, dict):
        message = "expected a mapping of keys (title: …, lang: …)"
        raise ProjectError(Problem(CONFIG_FILE, 1, message, stage=Stage.PROJECT))
    try:
        return ReportConfig.model_validate(doc.value), doc.line
    except ValidationError as error:
        raise ProjectError(problems_from(error, ReportConfig, CONFIG_FILE, doc.line)) from None


def for_edition(config: ReportConfig, edition: Edition) -> ReportConfig:
    """report.yml's settings with the edition's in their place."""
    values = config.model_dump()
    values.update(edition.settings())
    if edition.brand:
        values["brand"] = {**values["brand"], **edition.brand}
    return ReportConfig.model_validate(values)
