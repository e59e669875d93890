"""read_text: size cap, regular files only, UTF-8 with BOM, LF line ends, no control characters."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportbuilder.errors import ReportError
from reportbuilder.project.textio import read_text


def problems_of(path: Path, rel: str = "content/a.md", **kwargs: int) -> list[str]:
    with pytest.raises(ReportError) as caught:
        read_text(path, rel, **kwargs)
    return [str(p) for p in caught.value.problems]


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "a.md"
    path.write_bytes(data)
    return path


def test_bom_is_stripped_and_line_ends_become_lf(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf# Titre\r\nligne\rfin\n\tindent\n")
    assert read_text(path, "content/a.md") == "# Titre\nligne\nfin\n\tindent\n"


def test_plain_utf8_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "Âge : 89\u202f%\n".encode())
    assert read_text(path, "content/a.md") == "Âge : 89\u202f%\n"


def test_cp1252_bytes_give_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Titre\r\nL'étude a duré\nok\n".encode("cp1252"))
    assert problems_of(path) == [
        "content/a.md:2: not valid UTF-8 at column 3 (save the file as UTF-8)"
    ]


def test_one_decode_problem_per_line(tmp_path: Path) -> None:
    path = write(tmp_path, "é é\nok\nà\n".encode("latin-1"))
    assert problems_of(path) == [
        "content/a.md:1: not valid UTF-8 at column 1 (save the file as UTF-8)",
        "content/a.md:3: not valid UTF-8 at column 1 (save the file as UTF-8)",
    ]


def test_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "ééé".encode() + b"\xff\n")
    assert problems_of(path) == [
        "content/a.md:1: not valid UTF-8 at column 4 (save the file as UTF-8)"
    ]


def test_utf16_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "# Titre\n".encode("utf-16"))
    assert problems_of(path) == ["content/a.md:1: the file is saved as UTF-16; save it as UTF-8"]


def test_nul_and_other_controls_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b"ab\x00c\nfine\ttab\r\nesc \x1b here \x00\n\x7f\n")
    assert problems_of(path) == [
        "content/a.md:1: control character U+0000 at column 3",
        "content/a.md:3: control character U+001B at column 5",
        "content/a.md:4: control character U+007F at column 1",
    ]


def test_decode_and_control_problems_together(tmp_path: Path) -> None:
    path = write(tmp_path, b"caf\xe9\nx\x01\n")
    assert problems_of(path) == [
        "content/a.md:1: not valid UTF-8 at column 4 (save the file as UTF-8)",
        "content/a.md:2: control character U+0001 at column 2",
    ]


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, b"x" * 11)
    assert problems_of(path, max_bytes=10) == [
        "content/a.md: file is too large (11 bytes, limit 10)"
    ]
    assert read_text(path, "content/a.md", max_bytes=11) == "x" * 11


def test_not_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "dir.md").mkdir()
    assert problems_of(tmp_path / "dir.md") == ["content/a.md: not a regular file"]


def test_missing_file(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.md") == [
        "content/a.md: cannot read the file: No such file or directory"
    ]


def test_many_problems_are_capped(tmp_path: Path) -> None:
    path = write(tmp_path, b"\x00\n" * 1000)
    assert len(problems_of(path)) == 20


# Any text a user may write: no surrogates, no refused controls, no stray BOM character.
_LINE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from("\t\u0085"),
    max_size=60,
)


@given(
    lines=st.lists(_LINE, max_size=8),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
)
def test_any_clean_text_round_trips(lines: list[str], ending: str, bom: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + ending.join(lines).encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.md"
        path.write_bytes(data)
        assert read_text(path, "content/a.md") == "\n".join(lines)


def test_c1_controls_and_words_separators_are_refused_at_their_lines(tmp_path: Path) -> None:
    """Trial 6 #24: U+0085 (what a wrong code page leaves) and the line and paragraph
    separators Word's Shift+Enter pastes passed `check`, then failed `build` with no line
    ("no font has the characters '\\x85'")."""
    text = "| cell\u2028LSEP | b |\nnel\u0085NEL\nps\u2029PSEP\nfine é € ‘quotes’\n"
    path = write(tmp_path, text.encode("utf-8"))
    assert problems_of(path) == [
        "content/a.md:1: a line separator (U+2028, as Word's Shift+Enter pastes it) at column "
        "7: end the line there, or write <br>",
        "content/a.md:2: control character U+0085 at column 4",
        "content/a.md:3: a paragraph separator (U+2029) at column 3: leave an empty line instead",
    ]
