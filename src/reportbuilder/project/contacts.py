"""`contacts.yml`: the people and offices a reader can contact, each with an id.

Every field is checked where it is read, and each problem is reported at its line: a phone
number must parse for its country (phonenumbers; `+56 2 2274 6713`, or a national number with
the contact's `country`), an email address must be one (email-validator, syntax only, no DNS
look-up), a web address must be http(s) with a host. The contact stays language-neutral:
numbers are formatted for display when an edition is composed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reportbuilder.errors import Problem, ReportError, Stage
from reportbuilder.project.config import WebAddress
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.validation import problems_from
from reportbuilder.project.yamlio import load_yaml

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

CONTACTS_FILE = "contacts.yml"


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
    try:
        number = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            if value.lstrip().startswith(("+", "00")):
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
    role: str | None = None
    organisation: str | None = None
    office: str | None = None
    address: str | None = None
    country: str | None = None  # ISO 3166 code (CL): where a number without +code is dialled
    phone: str | None = None
    email: str | None = None
    url: WebAddress | None = None
    qr: bool = False  # the card carries a QR code of the contact's vCard

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
        from email_validator import EmailNotValidError, validate_email

        if value is None:
            return None
        try:
            validate_email(value, check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError as error:
            raise ValueError(f"not an email address: {error}") from None
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
    try:
        parsed = _File.model_validate(value)
    except ValidationError as error:
        return {}, problems_from(error, _File, CONTACTS_FILE, line_of)
    contacts: dict[str, Contact] = {}
    problems = []
    for index, contact in enumerate(parsed.contacts):
        if contact.id in contacts:
            line = line_of(["contacts", index, "id"])
            problems.append(
                Problem(
                    CONTACTS_FILE, line, f"duplicate contact id '{contact.id}'", stage=Stage.PROJECT
                )
            )
        contacts[contact.id] = contact
    return contacts, problems
