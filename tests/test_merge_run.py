"""`reportbuilder merge` end to end: personalised PDFs read back, bad rows, shards, resuming."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from conftest import copy_fixture, page_texts
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

THREE = (
    "name,email,organisation,lang,reference,date\n"
    "Jeanne Dupont,jeanne@example.fr,Mairie de Lyon,fr,R-1,2026-12-01\n"
    "Mary Smith,mary@example.com,,en,,2026-12-02\n"
    "Ana Pérez,ana@example.org,Fundación Sol,es,R-3,2026-12-03\n"
)


@pytest.fixture
def slim_project(tmp_path: Path) -> Path:
    """mini without its second chapter (a chart, a contact card): a copy laid out once per
    language and per copy made in full, for tests about the merge, not about that chapter."""
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "content" / "02-findings.md").unlink()
    return project


@dataclass(frozen=True)
class Merged:
    """THREE merged once from slim_project: the tests that start from that merge read it,
    and a test that goes on from it copies `out` first."""

    project: Path
    people: Path
    out: Path
    code: int
    result: dict[str, Any]


@pytest.fixture(scope="module")
def three_merged(tmp_path_factory: pytest.TempPathFactory) -> Merged:
    root = tmp_path_factory.mktemp("three")
    project = copy_fixture("mini", root / "mini")
    (project / "content" / "02-findings.md").unlink()  # as slim_project
    people = root / "requesters.csv"
    people.write_text(THREE, encoding="utf-8")
    out = root / "copies"
    code, result, _ = merge(CliRunner(), str(project), str(people), "-o", str(out), "--jobs", "2")
    return Merged(project, people, out, code, result)


LONG_NAME = "Ana María Fernández-Villaverde de la Concepción"
LONG_ORGANISATION = "Ministerio de Desarrollo Social y Familia – Subsecretaría de Evaluación Social"
ARABIC_NAME = "محمد الأحمد"


@pytest.fixture(scope="module")
def footer_merged(tmp_path_factory: pytest.TempPathFactory) -> Merged:
    """slim_project with `recipient_footer: true` merged once for three requesters (each
    copy built in full, none reading another's): Mary Smith, a long name and organisation
    (English), an Arabic name and organisation (French)."""
    root = tmp_path_factory.mktemp("footer")
    project = copy_fixture("mini", root / "mini")
    (project / "content" / "02-findings.md").unlink()  # as slim_project
    config = project / "report.yml"
    config.write_text(config.read_text() + "recipient_footer: true\n", encoding="utf-8")
    people = root / "requesters.csv"
    people.write_text(
        "name,email,organisation,lang,reference,date\n"
        "Mary Smith,mary@example.com,,en,,\n"
        f"{LONG_NAME},a@example.org,{LONG_ORGANISATION},en,,\n"
        f"{ARABIC_NAME},mohamed@example.org,وزارة الصحة,fr,R-2,2026-12-01\n",
        encoding="utf-8",
    )
    out = root / "copies"
    code, result, _ = merge(CliRunner(), str(project), str(people), "-o", str(out))
    return Merged(project, people, out, code, result)


def _row(merged: Merged, name: str) -> dict[str, Any]:
    assert merged.code == 0, merged.result["problems"]
    (row,) = [row for row in merged.result["rows"] if row["name"] == name]
    return row


def merge(runner: CliRunner, *args: str) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(main, ["merge", *args, "--json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.stderr


def texts(path: Path) -> list[str]:
    return page_texts(pypdf.PdfReader(path))


def test_three_requesters_in_three_languages(three_merged: Merged) -> None:
    out, code, result = three_merged.out, three_merged.code, three_merged.result
    assert code == 0, result["problems"]
    rows = {row["name"]: row for row in result["rows"]}
    assert {r["status"] for r in rows.values()} == {"made"}
    assert {r["method"] for r in rows.values()} == {"assembled"}
    expected = {
        "Jeanne Dupont": (
            "Exemplaire préparé pour Jeanne Dupont, Mairie de Lyon, 1 décembre 2026, référence R-1",
            "Sommaire",
        ),
        "Mary Smith": ("Copy prepared for Mary Smith, December 2, 2026", "Contents"),
        "Ana Pérez": (
            "Ejemplar preparado para Ana Pérez, Fundación Sol, "
            "3 de diciembre de 2026, referencia R-3",
            "Índice",
        ),
    }
    for name, (line, heading) in expected.items():
        pages = texts(out / rows[name]["file"])
        whole = " ".join(" ".join(p.split()) for p in pages)
        assert line in whole
        assert heading in whole
        for other in expected.keys() - {name}:
            assert other not in whole
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["merge-journal.jsonl", *(r["file"] for r in rows.values())]
    )
    assert rows["Mary Smith"]["file"] == "mini-Mary-Smith.pdf"
    journal = [json.loads(line) for line in (out / "merge-journal.jsonl").read_text().splitlines()]
    assert sorted(j["line"] for j in journal) == [2, 3, 4]
    assert all(len(j["sha256"]) == 64 and j["sent"] is False for j in journal)


def test_a_bad_row_is_named_and_the_good_rows_are_written(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    people = tmp_path / "requesters.csv"
    people.write_text(
        "name,email\nGood One,one@example.org\nBad Mail,bad@@example\nGood Two,two@example.org\n",
        encoding="utf-8",
    )
    out = tmp_path / "copies"
    result = runner.invoke(main, ["merge", str(slim_project), str(people), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{people}:3: invalid email 'bad@@example'" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.glob("*.pdf")) == ["mini-Good-One.pdf", "mini-Good-Two.pdf"]
    assert "merged: 2 made; 1 problem" in result.stdout


def test_shards_together_make_every_row_once(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    people = tmp_path / "requesters.csv"
    rows = [f"Person {n},p{n}@example.org" for n in range(1, 8)]
    people.write_text("name,email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "copies"
    made: list[str] = []
    for index in (1, 2, 3):
        code, result, _ = merge(
            runner, str(slim_project), str(people), "-o", str(out), "--shard", f"{index}/3"
        )
        assert code == 0 and result["shard"] == f"{index}/3"
        made += [row["file"] for row in result["rows"]]
    assert sorted(made) == sorted(f"mini-Person-{n}.pdf" for n in range(1, 8))
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(made)
    assert sorted(p.name for p in out.glob("merge-journal-*")) == [
        "merge-journal-1of3.jsonl",
        "merge-journal-2of3.jsonl",
        "merge-journal-3of3.jsonl",
    ]


def test_a_rerun_makes_only_what_is_missing(
    three_merged: Merged, tmp_path: Path, runner: CliRunner
) -> None:
    slim_project, people, first = three_merged.project, three_merged.people, three_merged.result
    out = shutil.copytree(three_merged.out, tmp_path / "copies")
    assert three_merged.code == 0
    files = {row["name"]: row["file"] for row in first["rows"]}
    # Each language's copies are named after its edition's output (mini-es for Spanish).
    assert files["Ana Pérez"] == "mini-es-Ana-Pérez.pdf"
    (out / "mini-Mary-Smith.pdf").unlink()
    kept = (out / files["Ana Pérez"]).stat().st_mtime_ns
    code, again, _ = merge(runner, str(slim_project), str(people), "-o", str(out))
    assert code == 0
    status = {row["name"]: row["status"] for row in again["rows"]}
    assert status == {"Jeanne Dupont": "kept", "Mary Smith": "made", "Ana Pérez": "kept"}
    assert (out / files["Ana Pérez"]).stat().st_mtime_ns == kept
    assert (out / "mini-Mary-Smith.pdf").is_file()


def test_dry_run_checks_and_writes_nothing(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    people = tmp_path / "requesters.csv"
    people.write_text(THREE + "Nobody,,,,,\nHans,hans@example.de,,de,,\n", encoding="utf-8")
    out = tmp_path / "copies"
    result = runner.invoke(
        main, ["merge", str(slim_project), str(people), "-o", str(out), "--dry-run"]
    )
    assert result.exit_code == 1
    assert f"row 3: would make {out / 'mini-Mary-Smith.pdf'} for Mary Smith" in result.stdout
    assert f"{people}:5: missing email" in result.stderr
    assert f"{people}:6: unknown language 'de': the report has words for en, es, fr" in (
        result.stderr
    )
    assert not out.exists()


def test_a_footer_naming_the_requester_builds_each_copy_in_full(footer_merged: Merged) -> None:
    row = _row(footer_merged, "Mary Smith")
    assert row["method"] == "full"
    assert any("every copy built in full" in note for note in footer_merged.result["notes"])
    pages = texts(footer_merged.out / row["file"])
    assert row["file"] == "mini-Mary-Smith.pdf"
    assert all("Copy prepared for Mary Smith" in page for page in pages[2:])


def test_a_long_requester_footer_keeps_the_page_number_on_one_line(footer_merged: Merged) -> None:
    """Trial 5 #25: a long name and organisation in the footer squeezed its page number onto
    two lines, "Page 3 of" and "4"."""
    copy = footer_merged.out / _row(footer_merged, LONG_NAME)["file"]
    layout = subprocess.run(
        ["pdftotext", "-layout", "-f", "3", "-l", "3", str(copy), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    footer = [line for line in layout.splitlines() if "Copy prepared for" in line]
    assert footer and re.search(r"Page 3 of \d+\s*$", footer[0]), layout[-400:]


def test_a_long_line_gets_its_own_body_once(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    people = tmp_path / "requesters.csv"
    long = "Organisation " * 12
    people.write_text(
        "name,email,organisation\n"
        "Mary Smith,mary@example.com,\n"
        f"Long One,one@example.org,{long}\n"
        f"Long Two,two@example.org,{long}\n",
        encoding="utf-8",
    )
    out = tmp_path / "copies"
    code, result, _ = merge(runner, str(slim_project), str(people), "-o", str(out))
    assert code == 0
    methods = [row["method"] for row in result["rows"]]
    assert methods == ["assembled", "full", "assembled"]
    assert "Long Two" in " ".join(texts(out / "mini-Long-Two.pdf")[0].split())


def test_shard_auto_from_a_kubernetes_indexed_job(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    people = tmp_path / "requesters.csv"
    people.write_text(THREE, encoding="utf-8")
    result = runner.invoke(
        main,
        [
            "merge",
            str(slim_project),
            str(people),
            "--dry-run",
            "--shard",
            "auto/2",
            "--eml-dir",
            str(tmp_path / "eml"),
        ],
        env={"JOB_COMPLETION_INDEX": "1"},
    )
    assert result.exit_code == 0, result.output
    assert "row 3: would make" in result.stdout and "Mary Smith" in result.stdout
    assert result.stdout.rstrip().splitlines()[0].endswith("(en), and write its .eml")
    assert "Jeanne" not in result.stdout and "Ana" not in result.stdout
    assert "would make (shard 2/2): 1 planned" in result.stdout
    missing = runner.invoke(main, ["merge", str(slim_project), str(people), "--shard", "auto"])
    assert missing.exit_code == 2 and "found no shard index" in missing.output


def test_a_chapter_that_shows_a_part_for_some_requesters_builds_in_full(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    chapter = slim_project / "content" / "01-overview.md"
    chapter.write_text(
        chapter.read_text()
        + "\n{% if recipient.organisation %}A note for partner organisations.{% endif %}\n",
        encoding="utf-8",
    )
    people = tmp_path / "requesters.csv"
    people.write_text(
        "name,email,organisation\nMary Smith,mary@example.com,\nTom Brown,tom@example.com,Acme\n",
        encoding="utf-8",
    )
    out = tmp_path / "c"
    code, result, _ = merge(runner, str(slim_project), str(people), "-o", str(out))
    assert code == 0
    assert [row["method"] for row in result["rows"]] == ["full", "full"]
    assert any("pages after the cover depend on the requester" in n for n in result["notes"])
    mary, tom = (" ".join(texts(out / row["file"])) for row in result["rows"])
    assert "partner organisations" not in mary and "partner organisations" in tom


@pytest.mark.parametrize("folder", ["content", "data/copies", "."])
def test_copies_never_go_among_the_sources(
    slim_project: Path, tmp_path: Path, runner: CliRunner, folder: str
) -> None:
    people = tmp_path / "requesters.csv"
    people.write_text(THREE, encoding="utf-8")
    target = slim_project / folder
    result = runner.invoke(main, ["merge", str(slim_project), str(people), "-o", str(target)])
    assert result.exit_code == 1 and "choose a" in result.stderr
    assert not list(slim_project.rglob("*.pdf")) and not list(slim_project.rglob("*.jsonl"))


def test_a_row_in_a_language_without_translations_is_warned_of(
    mini_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """As `build --lang fr` warns: a French copy of an English report prints the theme's words
    in French and the chapters in English; the merge says so once per language, at its first
    row, and `.eml` copies are counted as written, not sent."""
    people = tmp_path / "requesters.csv"
    people.write_text(THREE, encoding="utf-8")
    translated = mini_project / "content" / "01-overview.es.md"
    translated.write_text((mini_project / "content" / "01-overview.md").read_text("utf-8"), "utf-8")
    out = tmp_path / "copies"
    result = runner.invoke(
        main, ["merge", str(mini_project), str(people), "-o", str(out), "--eml-dir", str(out)]
    )
    assert result.exit_code == 0, result.output
    french = (
        f"warning: {people}:2: no French translation (content/01-overview.fr.md, "
        "content/02-findings.fr.md): French copies print it in English"
    )
    spanish = (
        f"warning: {people}:4: no Spanish translation (content/02-findings.es.md): "
        "Spanish copies print it in English"
    )
    assert french in result.stderr and spanish in result.stderr
    assert "English translation" not in result.stderr
    assert "3 made, 3 written as .eml" in result.stdout
    assert "; 0 problems;" in result.stdout


def _line_of(words: list[Any], word: str) -> list[str]:
    """The words of `word`'s line (its first occurrence), left to right as printed."""
    (first, *_) = [w for w in words if w.text == word]
    line = [w for w in words if w.page == first.page and abs(w.y0 - first.y0) < 2]
    return [w.text for w in sorted(line, key=lambda w: w.x0)]


def test_a_right_to_left_requester_leaves_the_date_in_its_place(footer_merged: Merged) -> None:
    """The third trial's item 7: an Arabic name and organisation took the ", 1" of the date
    into their right-to-left run: the cover read "pour 1 ,وزارة الصحة ,محمد الأحمد décembre".
    Each value is isolated, on the cover and in the footers."""
    from conftest import read_words

    pdf = footer_merged.out / _row(footer_merged, ARABIC_NAME)["file"]
    words = read_words(pdf)[1]
    for line in (_line_of(words, "pour"), _line_of([w for w in words if w.page > 2], "pour")):
        start = line.index("pour")
        arabic = [i for i, text in enumerate(line) if any("\u0600" <= c <= "\u06ff" for c in text)]
        # pour ‹name›, ‹organisation›, 1 décembre 2026, référence R-2
        assert arabic and min(arabic) == start + 1, line
        assert line[max(arabic) + 1 :][:3] == ["1", "décembre", "2026,"], line


def test_text_in_a_fallback_font_is_warned_at_each_rows_line(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """The third trial's item 9: only the first row of a language had its cover checked
    (within the body), so its fallback-font warning had no path or line, and a Chinese or
    emoji name on a later row got none at all (Georgian and emoji: DejaVu, on
    every machine of this kind, has them; the theme's fonts do not)."""
    people = tmp_path / "requesters.csv"
    people.write_text(
        "name,email,organisation\n"
        "Mary Smith,mary@example.com,Plain Trust\n"
        "ნინო ბერიძე,nino@example.org,თბილისი\n"
        "Zoë 😀 Smile,zoe@example.org,\n",
        encoding="utf-8",
    )
    code, result, _ = merge(runner, str(slim_project), str(people), "-o", str(tmp_path / "c"))
    assert code == 0, result["problems"]
    fallbacks = {
        (p["path"], p["line"]): p["message"]
        for p in result["problems"]
        if "a font the stylesheets do not name" in p["message"]
    }
    assert set(fallbacks) == {(str(people), 3), (str(people), 4)}, result["problems"]
    assert "ნინო" in fallbacks[(str(people), 3)] and "😀" in fallbacks[(str(people), 4)]


def test_a_second_batch_never_replaces_the_first_batchs_copies(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """Weekly batches into one folder: batch 2's Ana replaced batch 1's Ana's copy (and
    .eml), and a re-run of batch 1 called the other Ana's file "kept". She gets `-2`."""
    out = tmp_path / "copies"
    first, second = tmp_path / "b1.csv", tmp_path / "b2.csv"
    first.write_text("name,email,organisation\nAna,ana1@example.org,First Org\n", "utf-8")
    second.write_text("name,email,organisation\nAna,ana2@example.org,Second Org\n", "utf-8")
    for batch in (first, second):
        code, result, _ = merge(runner, str(slim_project), str(batch), "-o", str(out))
        assert code == 0, result["problems"]
    assert sorted(p.name for p in out.glob("*.pdf")) == ["mini-Ana-2.pdf", "mini-Ana.pdf"]
    assert "First Org" in " ".join(texts(out / "mini-Ana.pdf"))
    assert "Second Org" in " ".join(texts(out / "mini-Ana-2.pdf"))
    code, again, _ = merge(runner, str(slim_project), str(first), "-o", str(out))
    assert code == 0 and [(r["status"], r["file"]) for r in again["rows"]] == [
        ("kept", "mini-Ana.pdf")
    ]


def test_a_dry_run_after_a_stopped_merge_predicts_the_resume(
    three_merged: Merged, tmp_path: Path, runner: CliRunner
) -> None:
    """After a merge stopped half-way, `--dry-run` said "would make: 3 planned" while the
    resume kept what was made: it says what the run would keep now."""
    slim_project, people, first = three_merged.project, three_merged.people, three_merged.result
    out = shutil.copytree(three_merged.out, tmp_path / "copies")
    assert three_merged.code == 0
    (out / first["rows"][1]["file"]).unlink()  # as if stopped before Mary's copy
    dry = runner.invoke(
        main, ["merge", str(slim_project), str(people), "-o", str(out), "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert f"row 2: already made {out / first['rows'][0]['file']}" in dry.stdout
    assert f"row 3: would make {out / 'mini-Mary-Smith.pdf'}" in dry.stdout
    assert "would make: 2 kept, 1 planned;" in dry.stdout


NO_FONT = "no font of the report or the system has the character '𓀀' (U+13000)"


@pytest.mark.parametrize("printed_in", ["cover", "chapter"])
def test_a_name_no_font_has_fails_its_row_and_the_others_are_made(
    mini_project: Path, tmp_path: Path, runner: CliRunner, printed_in: str
) -> None:
    """A requester's name with a character no font has was a warning with exit 0: the copy
    printed an empty box for it. `build` refuses such a character; its row fails, at its
    line, whether the name is on the cover (the body laid out once) or in a chapter (every
    copy built in full), and the other rows are made."""
    if printed_in == "chapter":
        findings = mini_project / "content" / "02-findings.md"
        findings.write_text(
            findings.read_text("utf-8") + "\nPrepared for {{ recipient.name }}.\n", "utf-8"
        )
    people = tmp_path / "requesters.csv"
    people.write_text(
        "name,email,lang\nAna \U00013000 Pérez,ana@example.org,en\nTom Brown,tom@example.com,en\n",
        encoding="utf-8",
    )
    out = tmp_path / "copies"
    code, result, _ = merge(runner, str(mini_project), str(people), "-o", str(out))
    assert code == 1
    rows = [(r["line"], r["status"], r["method"]) for r in result["rows"]]
    method = "assembled" if printed_in == "cover" else "full"
    assert rows == [(2, "failed", ""), (3, "made", method)]
    assert [(p["path"], p["line"], p["severity"]) for p in result["problems"]] == [
        (str(people), 2, "error")
    ]
    assert NO_FONT in result["problems"][0]["message"]
    assert [p.name for p in out.glob("*.pdf")] == ["mini-Tom-Brown.pdf"]
    assert "Tom Brown" in " ".join(texts(out / "mini-Tom-Brown.pdf"))


def test_a_chapter_character_no_font_has_fails_the_merge_at_its_line(
    slim_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """The same character in a chapter made every copy with an empty box and 0 problems:
    it is refused at its line, as `build` refuses it, and no copy is made."""
    overview = slim_project / "content" / "01-overview.md"
    overview.write_text(overview.read_text("utf-8") + "\nA sign: \U00013000.\n", "utf-8")
    people = tmp_path / "requesters.csv"
    people.write_text("name,email,lang\nTom Brown,tom@example.com,en\n", encoding="utf-8")
    out = tmp_path / "copies"
    code, result, _ = merge(runner, str(slim_project), str(people), "-o", str(out))
    assert code == 1
    line = overview.read_text("utf-8").splitlines().index("A sign: \U00013000.") + 1
    assert [(p["path"], p["line"]) for p in result["problems"]] == [
        ("content/01-overview.md", line)
    ]
    assert NO_FONT in result["problems"][0]["message"]
    assert list(out.glob("*.pdf")) == []
