"""`contacts.yml`: the people and offices a reader can contact, each with an id.

Every field is checked where it is read, and each problem is reported at its line: a phone
number must parse for its country (phonenumbers; `+56 2 2274 6713`, or a national number with
the contact's `country`), an email address must be one (email-validator, syntax only, no DNS
look-up), a web address must be http(s) with a host. The contact stays language-neutral:
numbers are formatted for display when an edition is composed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reportbuilder.errors import Problem, ReportError, Severity, Stage
from reportbuilder.language import is_known_locale, pick_text
from reportbuilder.link_policy import mail_link_problem
from reportbuilder.project.config import WebAddress
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.printable import not_a_template, refuse_unprintable
from reportbuilder.project.validation import LineOf, problems_from, stand_in
from reportbuilder.project.yamlio import load_yaml

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

CONTACTS_FILE = "contacts.yml"
# Not in an address: the mailto: link is ours, so `?cc=…&bcc=…` may not add recipients to it;
# nor invisible or text-direction characters.
_NOT_IN_ADDRESS = re.compile('[?&#%,;:<>"\\\\\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]')
_MULTILINE = {"address"}
Text = str | dict[str, str]  # a text, or one per language


def text(value: Text | None, lang: str = "en") -> str | None:
    """A contact's text for `lang`: itself, or the one given for the language (see
    `language.pick_text`)."""
    return pick_text(value, lang) if isinstance(value, dict) else value


def parse_phone(value: str, country: str | None = None) -> PhoneNumber:
    """The `phonenumbers.PhoneNumber` for `value`, or `ValueError` saying what is wrong.

    A number the country's current plan does not list (an old Santiago number, `+56 2
    2746713`) is accepted as long as its country is known and it is not too long: it is kept
    digit for digit.
    """
    import phonenumbers
    from phonenumbers import ValidationResult as Result

    if any(ch.isalpha() for ch in value.replace("ext", "").replace("x", "")):
        raise ValueError("not a phone number: letters are not allowed (write +56 2 2274 6713)")
    if value.lstrip().startswith("00"):  # Europe's and Latin America's "+": 0033 1 23 45…
        value = "+" + value.lstrip()[2:]
    try:
        number = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            if value.lstrip().startswith("+"):
                digits = "".join(ch for ch in value if ch.isdigit())[:3]
                raise ValueError(f"+{digits} does not start with a country calling code") from None
            raise ValueError(
                "write the number with its country code (+56 2 2274 6713), or give the "
                "contact a country (country: CL)"
            ) from None
        raise ValueError(f"not a phone number: {error._msg}") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == Result.INVALID_COUNTRY_CODE:
        raise ValueError(f"+{number.country_code} is not a country calling code")
    if reason == Result.TOO_LONG:
        raise ValueError(f"too many digits for a number of +{number.country_code}")
    if len(str(number.national_number)) < 4:
        raise ValueError("too few digits for a phone number")
    return number


def phone_uri(value: str, country: str | None = None) -> str:
    """`tel:+56222746713`: the number in E.164, for a link a phone can dial (RFC 3966)."""
    import phonenumbers

    number = parse_phone(value, country)
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Contact(BaseModel):
    """One contact block."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str
    name: str | None = None
    # The family name's words in `name`, where the last word is not it ("García López"): the
    # vCard's N field, which address books sort by.
    family: str | None = None
    # A text per language where editions differ (`office: {fr: Bureau de Santiago, en: …}`).
    role: Text | None = None
    organisation: Text | None = None
    office: Text | None = None
    address: Text | None = None
    country: str | None = None  # ISO 3166 code (CL): where a number without +code is dialled
    phone: str | None = None
    email: str | None = None
    url: WebAddress | None = None
    qr: bool = False  # the card carries a QR code of the contact's vCard

    # Every text; `url` has its own check (config.WebAddress) that refuses these characters.
    @field_validator(
        "id", "name", "family", "role", "organisation", "office", "address", "country", "phone",
        "email", mode="before",
    )  # fmt: skip
    @classmethod
    def _printable(cls, value: object, info: ValidationInfo) -> object:
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            if isinstance(text, str):
                refuse_unprintable(text, multiline=info.field_name in _MULTILINE)
                not_a_template(text)
        return value

    @field_validator("family")
    @classmethod
    def _family(cls, value: str | None, info: ValidationInfo) -> str | None:
        name = info.data.get("name")
        if value is not None and (not isinstance(name, str) or value not in name):
            raise ValueError(f"'{value}' is not part of the contact's name: write it as in name:")
        return value

    @field_validator("role", "organisation", "office", "address")
    @classmethod
    def _texts(cls, value: Text | None) -> Text | None:
        if isinstance(value, dict):
            if not value:
                raise ValueError("give the text, or one text per language ({fr: …, en: …})")
            for code, text in value.items():
                if not is_known_locale(str(code)):
                    raise ValueError(f"'{code}' is not a language code Babel knows (fr, en, es)")
                if not isinstance(text, str) or not text.strip():
                    raise ValueError(f"the {code} text is empty")
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        import phonenumbers

        if value is None:
            return None
        code = value.upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("not a two-letter country code phonenumbers knows (CL, FR, US …)")
        return code

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if _NOT_IN_ADDRESS.search(value):
            raise ValueError("an email address only, without ?parameters or other recipients")
        # The card's mailto: link is held to the rule every link of the report is.
        problem = mail_link_problem(f"mailto:{value}")
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            parse_phone(value, info.data.get("country"))
        return value

    @model_validator(mode="after")
    def _usable(self) -> Contact:
        # A card with nobody on it, or no way to reach them, would print an empty block.
        if not (self.name or self.organisation or self.office):
            raise ValueError("a contact needs a name, an organisation or an office")
        if not (self.phone or self.email or self.url or self.address):
            raise ValueError("a contact needs a way to reach it: phone, email, url or address")
        return self


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contacts: list[Contact]


def stand_in_contacts(files: FilePolicy) -> tuple[dict[str, Contact], set[str] | None]:
    """The contacts of contacts.yml that are right, the wrong keys of each left out (a wrong
    e-mail address, not the whole contact), and every id written: what `check` fills the
    chapters in with when the file has problems (reported by `load_contacts`), so that a
    chapter's `contact("desk")` is not blamed for them too, and report.yml's `contact:` is
    for an id the file does not have."""
    try:
        value = load_yaml(files.read_project_text(CONTACTS_FILE), CONTACTS_FILE).value
    except (ReportError, OSError):
        return {}, None  # no ids known
    value = {"contacts": value} if isinstance(value, list) else value
    entries = value.get("contacts") if isinstance(value, dict) else None
    if not isinstance(entries, list):
        return {}, None
    written = {
        str(entry["id"]).strip()
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }
    parsed = stand_in(_File, value)
    return ({} if parsed is None else {c.id: c for c in parsed.contacts}), written


def load_contacts(files: FilePolicy) -> tuple[dict[str, Contact], list[Problem]]:
    """Contacts by id; a missing file means no contacts."""
    path = files.root / CONTACTS_FILE
    if not path.exists():
        return {}, []
    try:
        doc = load_yaml(files.read_project_text(CONTACTS_FILE), CONTACTS_FILE)
    except ReportError as error:
        return {}, error.problems
    value = doc.value
    bare = isinstance(value, list)  # a bare list is accepted too: lines lack "contacts"

    def line_of(loc: Sequence[str | int]) -> int | None:
        return doc.line(list(loc)[1:] if bare else loc)

    if bare:
        value = {"contacts": value}
    problems = _duplicate_ids(value, line_of)  # reported with every other problem
    try:
        parsed = _File.model_validate(value)
    except ValidationError as error:
        found = problems_from(error, _File, CONTACTS_FILE, line_of)
        return {}, sorted(problems + found, key=lambda p: p.line or 0)
    contacts = {contact.id: contact for contact in parsed.contacts}
    for index, contact in enumerate(parsed.contacts):
        if contact.phone and (doubt := phone_doubt(contact.phone, contact.country)):
            line = line_of(["contacts", index, "phone"])
            problems.append(
                Problem(CONTACTS_FILE, line, doubt, stage=Stage.PROJECT, severity=Severity.WARNING)
            )
    return contacts, problems


def phone_doubt(value: str, country: str | None = None) -> str | None:
    """Why a phone number that parses may still be wrong: one its country's numbering plan
    does not list (libphonenumber), printed as written; None for a valid number."""
    import phonenumbers

    number = parse_phone(value, country)
    if phonenumbers.is_valid_number(number):
        return None
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    where = f"+{number.country_code}" + (f" ({region})" if region not in ("ZZ", "001") else "")
    return (
        f"phone '{value}' is not a number of {where}'s numbering plan as libphonenumber knows "
        "it: check its digits; it is printed as written"
    )


def _duplicate_ids(value: Any, line_of: LineOf) -> list[Problem]:
    """A problem at each `id` that an earlier contact already has."""
    entries = value.get("contacts") if isinstance(value, dict) else None
    if not isinstance(entries, list):
        return []
    seen: set[str] = set()
    problems = []
    for index, entry in enumerate(entries):
        ident = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(ident, str):
            continue
        if ident.strip() in seen:
            line = line_of(["contacts", index, "id"])
            message = f"duplicate contact id '{ident.strip()}'"
            problems.append(Problem(CONTACTS_FILE, line, message, stage=Stage.PROJECT))
        seen.add(ident.strip())
    return problems
