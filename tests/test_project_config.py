"""project.config: report.yml validated strictly, every problem at its key's line; and
`for_edition`, report.yml's settings with an edition's in their place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportbuilder.edition import Edition
from reportbuilder.errors import ProjectError, Stage
from reportbuilder.project.config import Brand, ReportConfig, for_edition, load_config
from reportbuilder.project.files import FilePolicy

MINIMAL = "title: Water survey\nlang: en\n"


def load(tmp_path: Path, text: str) -> ReportConfig:
    (tmp_path / "report.yml").write_text(text, encoding="utf-8")
    config, _ = load_config(tmp_path, FilePolicy(tmp_path))
    return config


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ProjectError) as raised:
        load(tmp_path, text)
    assert all(p.stage is Stage.PROJECT for p in raised.value.problems)
    return [str(p) for p in raised.value.problems]


def test_the_smallest_report_yml_and_its_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL)
    assert (config.title, config.lang, config.theme, config.page_size) == (
        "Water survey",
        "en",
        "base",
        "A4",
    )
    assert config.toc and config.toc_depth == 2 and not config.strict
    assert config.network.allow == [] and config.output is None and config.chapters is None


def test_values_are_normalised(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        "title: '  Water survey  '\nlang: en_GB\ndate: 2026-03-01\n"
        "brand:\n  primary: '#ABCDEF'\n  palette: ['#FFF', '#000000']\n",
    )
    assert config.title == "Water survey"
    assert config.lang == "en-GB"
    assert config.date == dt.date(2026, 3, 1)
    assert config.brand.primary == "#abcdef"
    assert config.brand.chart_palette() == ("#fff", "#000000")


def test_the_chart_palette_defaults_to_the_brand() -> None:
    brand = Brand(primary="#111111", secondary="#222222", accent="#333333")
    assert brand.chart_palette()[:3] == ("#111111", "#222222", "#333333")


def test_a_line_for_every_key(tmp_path: Path) -> None:
    (tmp_path / "report.yml").write_text(
        MINIMAL + "organisation:\n  name: Trust\n  logo: x.svg\n", encoding="utf-8"
    )
    _, line = load_config(tmp_path, FilePolicy(tmp_path))
    assert line(["lang"]) == 2
    assert line(["organisation", "logo"]) == 5


def test_every_problem_names_its_line(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "title: Water survey\n"
        "lang: xx-nope\n"
        "subtitel: First results\n"
        "page_size: A7\n"
        "brand:\n"
        "  primary: blue\n"
        "toc_depth: 5\n",
    )
    assert sorted(found) == [
        "report.yml:2: 'lang': not a language code Babel knows (try fr, en or es) (got 'xx-nope')",
        "report.yml:3: unknown key 'subtitel' (did you mean 'subtitle'?)",
        "report.yml:4: 'page_size': not a page size we know; choose one of A4, A5,"
        " A3, B5, letter, legal (got 'A7')",
        "report.yml:6: 'brand.primary': a colour is written as #rgb or #rrggbb (got 'blue')",
        "report.yml:7: 'toc_depth': Input should be 1, 2 or 3 (got 5)",
    ]


def test_missing_keys_and_a_document_that_is_no_mapping(tmp_path: Path) -> None:
    assert problems(tmp_path, "subtitle: x\n") == [
        "report.yml:1: missing required key 'title'",
        "report.yml:1: missing required key 'lang'",
    ]
    assert problems(tmp_path, "- title\n- lang\n") == [
        "report.yml:1: expected a mapping of keys (title: …, lang: …)"
    ]


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("/tmp/report.pdf", "the output path must stay inside the project"),
        ("out/../../report.pdf", "the output path must stay inside the project"),
        ("out/report.docx", "the output file name must end in .pdf or .html"),
        ("content/report.pdf", "the output would overwrite the project's own content"),
        ("report.yml/x.pdf", "the output would overwrite the project's own report.yml"),
    ],
)
def test_the_output_stays_inside_and_off_the_sources(
    tmp_path: Path, output: str, message: str
) -> None:
    [problem] = problems(tmp_path, MINIMAL + f"output: {output}\n")
    assert problem.startswith("report.yml:3: 'output': " + message), problem


def test_accepted_outputs(tmp_path: Path) -> None:
    assert load(tmp_path, MINIMAL + "output: out/Report.PDF\n").output == "out/Report.PDF"
    assert load(tmp_path, MINIMAL + "output: report.html\n").output == "report.html"


def test_a_theme_is_a_plain_name(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, MINIMAL + "theme: ../elsewhere\n")
    # said in words, not as a regular expression (trial2 #35)
    assert problem.startswith(
        "report.yml:3: 'theme': a theme is named, not given as a path: letters, digits, - and "
        "_ only (a built-in theme such as base, or a folder of the project's themes/)"
    ), problem
    assert "pattern" not in problem


def test_for_edition_puts_the_editions_settings_in_place(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        "title: Water survey\nlang: fr\nbrand:\n  primary: '#0b3c5d'\n  accent: '#f2a541'\n",
    )
    edition = Edition(
        lang="en-GB",
        page_size="A5",
        pdf_variant="pdf/ua-1",
        strict=True,
        brand={"primary": "#8A1538"},
    )
    changed = for_edition(config, edition)
    assert (changed.lang, changed.page_size, changed.pdf_variant, changed.strict) == (
        "en-GB",
        "A5",
        "pdf/ua-1",
        True,
    )
    assert changed.brand.primary == "#8a1538"  # validated as report.yml's own colours are
    assert changed.brand.accent == "#f2a541"  # the colours not given are kept
    assert changed.title == "Water survey"
    # The project's own settings are untouched, for the next edition.
    assert (config.lang, config.page_size, config.pdf_variant, config.strict) == (
        "fr",
        "A4",
        None,
        False,
    )
    assert config.brand.primary == "#0b3c5d"


def test_for_an_empty_edition_is_the_same_config(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL)
    assert for_edition(config, Edition()) == config


def test_a_cover_image_written_as_a_path_is_shown_how_to_write_it(tmp_path: Path) -> None:
    """Trial 4 #29: pydantic's "Input should be a valid dictionary or instance of
    CoverImage"."""
    [said] = problems(tmp_path, MINIMAL + "cover_image: assets/cover.jpg\n")
    assert said.startswith(
        "report.yml:3: 'cover_image': a cover photo is written with its alt text, read out by "
        "screen readers: cover_image: {file: assets/cover.jpg, alt: what the photo shows}"
    )


def test_printed_texts_hold_only_characters_that_print_as_themselves(tmp_path: Path) -> None:
    """An empty title built a cover with no title and mailed an empty Subject; a bidi
    override printed "EvilELTIT" on the cover and in /Title; a zero-width space went into
    the Subject. report.yml's texts now follow contacts.yml's rule, at their lines."""
    found = problems(
        tmp_path,
        'title: "  "\n'
        "lang: es\n"
        'subtitle: "Evil\\u202eTITLE"\n'
        'authors: [Ana, "Zero\\u200bWidth"]\n'
        'organisation: {name: "Org\\u2066x\\u2069"}\n'
        'mail: {subject: "Report\\u200e"}\n',
    )
    assert found == [
        "report.yml:1: 'title': the title is empty; every report has one (got '  ')",
        "report.yml:3: 'subtitle': contains a bidirectional control (U+202E): it would print "
        "or send as something else; remove it (got 'Evil\\u202eTITLE')",
        "report.yml:4: 'authors[1]': contains an invisible character (U+200B): it would print "
        "or send as something else; remove it (got 'Zero\\u200bWidth')",
        "report.yml:5: 'organisation.name': contains a bidirectional control (U+2066): it "
        "would print or send as something else; remove it (got 'Org\\u2066x\\u2069')",
        "report.yml:6: 'mail.subject': contains an invisible character (U+200E): it would "
        "print or send as something else; remove it (got 'Report\\u200e')",
    ]
    # Joiners are spelling (Persian, Indic scripts, emoji), not disguise.
    config = load(tmp_path, 'title: "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"\nlang: fa\n')
    assert "\u200c" in config.title


def test_template_code_in_the_mail_subject_is_refused_not_sent_as_typed(tmp_path: Path) -> None:
    """`subject: "Report: {{ report.title }}"` reached every requester as typed; check said
    nothing. The summary is the template; the subject is said to be plain text."""
    found = problems(tmp_path, MINIMAL + 'mail: {subject: "Report: {{ report.title }}"}\n')
    assert found == [
        "report.yml:3: 'mail.subject': the subject is plain text, sent as written: '{{ … }}' is "
        "not filled in here (write the figures in mail.summary, which is) (got 'Report: "
        "{{ report.title }}')"
    ]


def test_plain_smtp_to_another_machine_is_refused_by_check(tmp_path: Path) -> None:
    """`mail` refused it on the mailing day; `check` passed it."""
    text = MINIMAL + "mail: {smtp: {host: 192.0.2.10, port: 25, security: none}}\n"
    (found,) = problems(tmp_path, text)
    assert found.startswith("report.yml:3: 'mail.smtp': security: none (unencrypted) is only")
    assert load(tmp_path, MINIMAL + "mail: {smtp: {host: localhost, security: none}}\n")


def test_each_variant_and_language_has_its_own_file(tmp_path: Path) -> None:
    """`build --lang all --variant all` wrote variant a5's French edition and variant b's
    to one file, `out/…-fr.pdf` (the language's name left the variant's out): one replaced
    the other, exit 0."""
    text = (
        "title: Water survey\nlang: en\nlanguages:\n  fr: {title: Enquête}\n"
        "variants:\n  a5: {page_size: A5}\n  b: {page_size: letter}\n"
    )
    (tmp_path / "report.yml").write_text(text, encoding="utf-8")
    outputs = []
    for variant in (None, "a5", "b"):
        config, _ = load_config(tmp_path, FilePolicy(tmp_path), variant)
        outputs += [config.output, for_edition(config, Edition(lang="fr")).output]
    assert outputs == [
        None,  # out/water-survey.pdf, the project's output name
        "out/water-survey-fr.pdf",
        "out/water-survey-a5.pdf",
        "out/water-survey-a5-fr.pdf",
        "out/water-survey-b.pdf",
        "out/water-survey-b-fr.pdf",
    ]


def test_two_editions_written_to_one_file_are_errors_at_their_lines(tmp_path: Path) -> None:
    """A copy-pasted `output:` in `languages:` or `variants:` made two editions one file:
    the last written replaced the other without a word (trial 6 #10). Names that differ
    only in case are one file on Windows and macOS."""
    found = problems(
        tmp_path,
        "title: Survey\nlang: en\noutput: out/report.pdf\n"
        "languages:\n  fr: {title: Enquête, output: out/report.pdf}\n"
        "variants:\n  a5: {page_size: A5, output: out/Report.pdf}\n",
    )
    assert found == [
        "report.yml:5: the fr edition would be written to out/report.pdf, as the en edition "
        "is: the one written last would replace the other (give each its own output)",
        "report.yml:7: the en edition of variant a5 would be written to out/Report.pdf, as the "
        "en edition is: the one written last would replace the other (give each its own output)",
    ]  # a variant's own output names its languages' files: fr's is out/Report-fr.pdf
