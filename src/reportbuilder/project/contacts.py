"""`contacts.yml`: the people and offices a reader can contact, each with an id."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from reportbuilder.errors import Problem, ReportError, Stage
from reportbuilder.project.config import WebAddress
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.validation import problems_from
from reportbuilder.project.yamlio import load_yaml

CONTACTS_FILE = "contacts.yml"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOT_IN_ADDRESS = re.compile('[?&#%,;:<>"\\\\\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]')
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,}$")


class Contact(BaseModel):
    """One contact block."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str
    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    office: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    url: WebAddress | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError("not an email address")
        if value is not None and _NOT_IN_ADDRESS.search(value):
            # The mailto: link is ours: `?cc=…&bcc=…` would add recipients to it.
            raise ValueError("an email address only, without ?parameters or other recipients")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.match(value):
            raise ValueError("not a phone number (digits, spaces, + - . ( ) only)")
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
