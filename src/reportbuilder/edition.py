"""`Edition`: one output of a project – its language, page size, print mode, PDF variant,
brand colours, strictness, limits and, for a mail merge, whom it is personalised for.

A project is loaded once and language-neutral; each edition is a small frozen value, so one
project gives French and English PDFs, an A5 version and a copy per requester without being
read again. Settings left as None keep what `report.yml` says.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportbuilder.errors import Problem, ProjectError, Stage, printable
from reportbuilder.language import is_known_locale, normalize
from reportbuilder.limits import Limits
from reportbuilder.variants import PAGE_SIZES, PDF_VARIANTS, page_size_named, variant_problem

BRAND_COLOURS = ("primary", "secondary", "accent", "text")
EMBEDDING_VARIANT = "pdf/a-3b"  # the archival variant that allows attached files
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


@dataclass(frozen=True)
class Edition:
    """What to make of a project. Invalid values raise `ValueError` when it is created.

    - `lang`: a language code (`fr`, `en-GB`); None: report.yml's `lang`.
    - `page_size`, `pdf_variant`: None keeps report.yml's.
    - `print_mode`: the print shop's version (bleed, crop marks, left/right pages).
    - `brand`: colours that replace report.yml's (`{"primary": "#8a1538"}`).
    - `strict`: warnings fail the build; None keeps report.yml's `strict`.
    - `limits`: time and memory for the whole build of this edition.
    - `personalisation`: text values for one requester (`name`, `organisation` …), shown to
      content and templates as `recipient`; None for an impersonal edition.
    - `created`: the time written into the PDF's metadata; None writes none (reproducible).
    - `embed_sources`: attach the data files and a build manifest (PDF/A-3 associated
      files); the PDF variant must be a PDF/A-3 one, and is pdf/a-3b when not given.
    - `max_size`: bytes the PDF may weigh (its images are lightened in steps to fit); None
      keeps report.yml's `max_size`.
    - `parts`: lay the PDF out chapter by chapter (True) or whole (False); None: where it
      pays, unless the `REPORTBUILDER_PARTS` switch says (`pipeline.parts_wanted`).
    """

    lang: str | None = None
    page_size: str | None = None
    pdf_variant: str | None = None
    print_mode: bool = False
    brand: Mapping[str, str] = field(default_factory=dict)
    strict: bool | None = None
    limits: Limits = field(default_factory=Limits)
    personalisation: Mapping[str, str] | None = None
    created: dt.datetime | None = None
    embed_sources: bool = False
    max_size: int | None = None
    parts: bool | None = None

    def __post_init__(self) -> None:
        _expect("lang", self.lang, str, optional=True)
        _expect("page_size", self.page_size, str, optional=True)
        _expect("pdf_variant", self.pdf_variant, str, optional=True)
        _expect("print_mode", self.print_mode, bool)
        _expect("brand", self.brand, Mapping)
        _expect("strict", self.strict, bool, optional=True)
        _expect("limits", self.limits, Limits)
        _expect("personalisation", self.personalisation, Mapping, optional=True)
        _expect("created", self.created, dt.datetime, optional=True)
        _expect("embed_sources", self.embed_sources, bool)
        _expect("max_size", self.max_size, int, optional=True)
        _expect("parts", self.parts, bool, optional=True)
        if self.max_size is not None and (isinstance(self.max_size, bool) or self.max_size < 1024):
            raise ValueError(f"max_size: {self.max_size} bytes cannot hold a PDF (1024 at least)")
        if self.lang is not None:
            if not is_known_locale(self.lang):
                raise ValueError(f"lang: '{self.lang}' is not a language code Babel knows")
            object.__setattr__(self, "lang", normalize(self.lang))
        if self.page_size is not None and self.page_size not in PAGE_SIZES:
            # Exact here (a program's value); report.yml and `--set` take any case.
            named = page_size_named(self.page_size)
            hint = f"; did you mean '{named}'?" if named else ""
            known = ", ".join(PAGE_SIZES)
            raise ValueError(f"page_size: '{self.page_size}' is not one of {known}{hint}")
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            known = ", ".join(PDF_VARIANTS)
            raise ValueError(f"pdf_variant: '{self.pdf_variant}' is not one of {known}")
        if why := variant_problem(self.pdf_variant):
            raise ValueError(f"pdf_variant: {why}")
        if self.embed_sources:
            if self.pdf_variant is None:
                object.__setattr__(self, "pdf_variant", EMBEDDING_VARIANT)
            elif not self.pdf_variant.startswith("pdf/a-3"):
                raise ValueError(
                    f"embed_sources needs a PDF/A-3 variant (pdf/a-3b, pdf/a-3u), "
                    f"not {self.pdf_variant}: only PDF/A-3 allows attached sources"
                )
        for name, colour in self.brand.items():
            if name not in BRAND_COLOURS:
                raise ValueError(
                    f"brand: unknown colour {name!r}; known: {', '.join(BRAND_COLOURS)}"
                )
            if not isinstance(colour, str) or not _HEX.match(colour):
                raise ValueError(f"brand.{name}: a colour is written as #rgb or #rrggbb")
        object.__setattr__(self, "brand", dict(self.brand))
        if self.personalisation is not None:
            values = dict(self.personalisation)
            for key, value in values.items():
                if not isinstance(key, str) or not isinstance(value, str):
                    raise ValueError("personalisation: keys and values must be text")
            object.__setattr__(self, "personalisation", values)

    def settings(self) -> dict[str, Any]:
        """The report.yml settings this edition replaces (for `ReportConfig.for_edition`)."""
        values: dict[str, Any] = {}
        if self.lang is not None:
            values["lang"] = self.lang
        if self.page_size is not None:
            values["page_size"] = self.page_size
        if self.pdf_variant is not None:
            values["pdf_variant"] = self.pdf_variant
        if self.strict is not None:
            values["strict"] = self.strict
        if self.max_size is not None:
            values["max_size"] = self.max_size
        return values


def _expect(name: str, value: object, kind: type, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, kind):
        wanted = kind.__name__ + (" or None" if optional else "")
        raise TypeError(f"Edition.{name} must be a {wanted}, got {value!r}")


MAX_EPOCH = 253_402_300_799  # 9999-12-31 23:59:59 UTC, the last second a PDF date can hold


def source_date() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, for reproducible builds (None when unset or empty).

    Raises `ProjectError` when it is set to anything but ASCII digits up to `MAX_EPOCH`:
    a reproducible build that silently is not would be worse."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not (epoch.isascii() and epoch.isdigit()) or int(epoch) > MAX_EPOCH:
        shown = printable(epoch[:40]) + ("…" if len(epoch) > 40 else "")
        message = (
            f"the environment variable is {shown!r}; it must be the seconds since 1970-01-01 "
            f"UTC, in ASCII digits, at most {MAX_EPOCH} (the year 9999)"
        )
        raise ProjectError(Problem("SOURCE_DATE_EPOCH", None, message, stage=Stage.PROJECT))
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
