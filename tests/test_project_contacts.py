"""project.contacts: contacts.yml, the people and offices a reader can contact, by id; every
problem at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.compose.formatting import format_phone
from reportbuilder.errors import Stage
from reportbuilder.project.contacts import Contact, load_contacts
from reportbuilder.project.files import FilePolicy

DESK = """\
contacts:
  - id: desk
    name: Sam Fixture
    phone: "+1 (202) 555-0199"
    email: desk@example.org
    url: https://example.org/desk
  - id: press
    office: Press office
    address: 1 Example Street
"""


def load(root: Path, text: str | None) -> tuple[dict[str, Contact], list[str]]:
    if text is not None:
        (root / "contacts.yml").write_text(text, encoding="utf-8")
    contacts, problems = load_contacts(FilePolicy(root))
    assert all(p.stage is Stage.PROJECT for p in problems)
    return contacts, [str(p) for p in problems]


def test_contacts_by_id(tmp_path: Path) -> None:
    contacts, problems = load(tmp_path, DESK)
    assert problems == []
    assert list(contacts) == ["desk", "press"]
    assert contacts["desk"].name == "Sam Fixture" and contacts["desk"].phone == "+1 (202) 555-0199"
    assert contacts["press"].office == "Press office" and contacts["press"].email is None


def test_no_file_means_no_contacts(tmp_path: Path) -> None:
    assert load(tmp_path, None) == ({}, [])


def test_a_bare_list_is_accepted_and_its_lines_are_right(tmp_path: Path) -> None:
    contacts, _ = load(tmp_path, "- id: desk\n  name: Sam\n  phone: +1 202 555 0199\n")
    assert list(contacts) == ["desk"]
    _, problems = load(tmp_path, "- id: desk\n  name: Sam\n  email: sam-at-example.org\n")
    assert problems == [
        "contacts.yml:3: 'contacts[0].email': not an email address: An email address must have"
        " an @-sign. (got 'sam-at-example.org')"
    ]


def test_every_problem_at_its_line(tmp_path: Path) -> None:
    _, problems = load(
        tmp_path,
        "contacts:\n"
        "  - id: desk\n"
        "    name: Sam\n"
        "    phone: call me\n"
        "    url: example.org\n"
        "  - name: No id\n"
        "    emial: x@example.org\n",
    )
    assert sorted(problems) == [
        "contacts.yml:4: 'contacts[0].phone': not a phone number: letters are not allowed"
        " (write +56 2 2274 6713) (got 'call me')",
        "contacts.yml:5: 'contacts[0].url': write a web address in full, starting"
        " with https:// (got 'example.org')",
        "contacts.yml:6: missing required key 'contacts[1].id'",
        "contacts.yml:7: unknown key 'contacts[1].emial' (did you mean 'email'?)",
    ]


def test_a_duplicate_id_is_named_at_its_second_line(tmp_path: Path) -> None:
    contacts, problems = load(
        tmp_path,
        "contacts:\n  - id: desk\n    name: A\n    email: a@example.org\n"
        "  - id: desk\n    name: B\n    email: b@example.org\n",
    )
    assert problems == ["contacts.yml:5: duplicate contact id 'desk'"]
    assert contacts["desk"].name == "B"


def test_a_file_that_is_not_yaml_or_links_out(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "contacts: [unclosed\n")
    assert len(problems) == 1 and problems[0].startswith("contacts.yml:")
    (tmp_path / "contacts.yml").unlink()
    (tmp_path.parent / "elsewhere.yml").write_text(DESK, encoding="utf-8")
    (tmp_path / "contacts.yml").symlink_to(tmp_path.parent / "elsewhere.yml")
    assert load(tmp_path, None) == (
        {},
        ["contacts.yml: is a link to a file outside the project; refused"],
    )


def test_the_seed_number_is_accepted_and_checked_phones_name_their_fault(tmp_path: Path) -> None:
    contacts, problems = load(
        tmp_path,
        "contacts:\n"
        "  - id: santiago\n"
        "    name: Gabriela Rodriguez\n"
        '    phone: "+56-2-2746713"\n'
        "  - id: local\n"
        "    name: No country code\n"
        '    phone: "2 2274 6713"\n'
        "  - id: chile\n"
        "    name: With a country\n"
        "    country: cl\n"
        '    phone: "2 2274 6713"\n'
        "  - id: long\n"
        "    name: Too long\n"
        '    phone: "+56 2 2274 6713 1234 5678"\n'
        "  - id: nowhere\n"
        "    name: No such country\n"
        '    phone: "+999 1234 5678"\n'
        "  - id: where\n"
        "    name: Bad country\n"
        "    country: XX\n"
        "    email: a@example.org\n",
    )
    assert problems == [
        "contacts.yml:7: 'contacts[1].phone': write the number with its country code"
        " (+56 2 2274 6713), or give the contact a country (country: CL) (got '2 2274 6713')",
        "contacts.yml:14: 'contacts[3].phone': too many digits for a number of +56"
        " (got '+56 2 2274 6713 1234 5678')",
        "contacts.yml:17: 'contacts[4].phone': +999 does not start with a country calling code"
        " (got '+999 1234 5678')",
        "contacts.yml:20: 'contacts[5].country': not a two-letter country code phonenumbers"
        " knows (CL, FR, US …) (got 'XX')",
    ]
    contacts, problems = load(
        tmp_path,
        "- id: santiago\n  name: G\n  phone: '+56-2-2746713'\n"
        "- id: chile\n  name: C\n  country: cl\n  phone: 2 2274 6713\n",
    )
    # An old number the plan no longer lists: accepted, kept as written, and doubted at its
    # line (trial 3: "+971 4 123 4567" printed regrouped as "+971 412 3 4567", no word).
    assert problems == [
        "contacts.yml:3: phone '+56-2-2746713' is not a number of +56 (CL)'s numbering plan as "
        "libphonenumber knows it: check its digits; it is printed as written"
    ]
    assert contacts["santiago"].phone == "+56-2-2746713"  # kept as written, digit for digit
    assert contacts["chile"].country == "CL"
    assert format_phone("+971 4 123 4567", "en") == "+971 4 123 4567"
    assert format_phone("+56 2 2274 6713", "fr") == "+56 2 2274 6713"


def test_emails_and_web_addresses_are_checked_at_their_lines(tmp_path: Path) -> None:
    _, problems = load(
        tmp_path,
        "contacts:\n"
        "  - id: a\n"
        "    name: A\n"
        "    email: ana@example\n"
        "    url: https://exa mple.org\n"
        "  - id: b\n"
        "    name: B\n"
        "    email: ana..b@example.org\n"
        '    url: "https://example.org/\u202eevil"\n'
        "  - id: c\n"
        "    name: C\n"
        "    url: https://user:pw@example.org/\n",
    )
    assert [p.split(": ", 2)[0] for p in problems] == [
        "contacts.yml:4",
        "contacts.yml:5",
        "contacts.yml:8",
        "contacts.yml:9",
        "contacts.yml:12",
    ]
    assert "not an email address" in problems[0] and "not an email address" in problems[2]
    assert "cannot contain a space" in problems[1]
    assert "cannot contain U+202E" in problems[3]
    assert "user name or password" in problems[4]


def test_texts_per_language_are_picked_per_edition(tmp_path: Path) -> None:
    from reportbuilder.compose.helpers import contact_html
    from reportbuilder.project.contacts import text

    (tmp_path / "contacts.yml").write_text(
        "contacts:\n  - id: desk\n    office: {fr: Bureau de Santiago, en: Santiago office}\n"
        "    email: desk@example.org\n",
        encoding="utf-8",
    )
    contacts, problems = load_contacts(FilePolicy(tmp_path))
    assert problems == []
    desk = contacts["desk"]
    assert text(desk.office, "en-GB") == "Santiago office"
    assert text(desk.office, "fr") == "Bureau de Santiago"
    card = contact_html(desk, {"phone": "Tel.", "email": "Email", "qr_code": "{name}"}, ": ", "fr")
    assert "Bureau de Santiago" in card and "Santiago office" not in card


def test_a_text_per_language_needs_known_codes_and_words(tmp_path: Path) -> None:
    (tmp_path / "contacts.yml").write_text(
        "contacts:\n  - id: desk\n    office: {fr: Bureau, xx: Office}\n"
        "    email: desk@example.org\n  - id: other\n    office: {fr: ''}\n"
        "    email: other@example.org\n",
        encoding="utf-8",
    )
    _, problems = load_contacts(FilePolicy(tmp_path))
    messages = [f"{p.line}: {p.message}" for p in problems]
    assert any("'xx' is not a language code" in m for m in messages), messages
    assert any("the fr text is empty" in m for m in messages), messages


@pytest.mark.parametrize(
    ("field", "written", "what"),
    [
        ("name", '"Evil\\u001b[31mRed"', "a control character (U+001B)"),
        ("name", '"Bell\\u0007"', "a control character (U+0007)"),
        ("name", '"C1 \\u0085 next line"', "a control character (U+0085)"),
        ("name", '"Two\\nlines"', "a line break (U+000A)"),
        ("organisation", '"E\\u202eF"', "a bidirectional control (U+202E)"),
        ("organisation", '{en: "A\\u2067B", fr: Bureau}', "a bidirectional control (U+2067)"),
        ("role", '"zero\\u200bwidth"', "an invisible character (U+200B)"),
        ("office", '"word\\u2060joiner"', "an invisible character (U+2060)"),
        ("id", '"desk\\ufeff"', "an invisible character (U+FEFF)"),
        ("phone", '"+1 202 555 0199\\u202c"', "a bidirectional control (U+202C)"),
        ("email", '"a\\u0000@example.org"', "a control character (U+0000)"),
    ],
)
def test_control_bidi_and_invisible_characters_are_refused_at_their_line(
    tmp_path: Path, field: str, written: str, what: str
) -> None:
    lines = {"id": "desk", "name": "Sam", "email": "sam@example.org", field: written}
    text = "contacts:\n" + "".join(
        f"  {'- ' if n == 0 else '  '}{key}: {value}\n"
        for n, (key, value) in enumerate(lines.items())
    )
    line = 2 + list(lines).index(field)
    _, problems = load(tmp_path, text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"contacts.yml:{line}: 'contacts[0].{field}': contains {what}")


def test_an_address_may_have_lines_but_no_controls(tmp_path: Path) -> None:
    text = "contacts:\n  - id: desk\n    name: Sam\n    address: |\n      1 Main St\n      Town\n"
    contacts, problems = load(tmp_path, text)
    assert problems == [] and contacts["desk"].address == "1 Main St\nTown"
    _, problems = load(tmp_path, text[: text.index("address")] + 'address: "1 Main St\\nT\\e[2J"\n')
    assert problems == [
        "contacts.yml:4: 'contacts[0].address': contains a control character (U+001B): it "
        "would print or send as something else; remove it (got '1 Main St\\nT\\x1b[2J')"
    ]


def test_a_duplicate_id_is_reported_with_every_other_problem(tmp_path: Path) -> None:
    _, problems = load(
        tmp_path,
        "contacts:\n"
        "  - id: desk\n    name: A\n    email: a@example.org\n"
        '  - id: desk\n    name: "B\\u202e"\n    email: b@example.org\n'
        "  - id: other\n    name: C\n    email: not-an-address\n",
    )
    assert [p.split(": ", 1)[0] for p in problems] == [
        "contacts.yml:5",
        "contacts.yml:6",
        "contacts.yml:10",
    ]
    assert problems[0] == "contacts.yml:5: duplicate contact id 'desk'"
    assert "bidirectional control (U+202E)" in problems[1]
    assert "not an email address" in problems[2]
