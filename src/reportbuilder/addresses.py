"""Addresses and header values as they may go into a message: one line, no control
characters, a real mailbox (email-validator, syntax only, no DNS look-up).

Used where settings are read (report.yml's `mail.from`) and where messages are composed;
every refusal is a `DeliveryError` naming the field.
"""

from __future__ import annotations

import re
from email.headerregistry import Address

from reportbuilder.errors import DeliveryError, Problem, Stage

__all__ = ["check_address", "check_header_text"]

# Line breaks of every kind, other C0/C1 controls, and the bidi overrides that make a
# header read differently from what it says.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ANGLE = re.compile(r"^(?P<name>.*?)\s*<(?P<addr>[^<>]*)>$", re.DOTALL)


def _refuse(field: str, message: str, hint: str | None = None) -> DeliveryError:
    return DeliveryError(Problem(field, None, message, stage=Stage.DELIVER, hint=hint))


def check_header_text(value: str, field: str) -> str:
    """`value` stripped, if it can go into header `field` as it is; else `DeliveryError`.

    Refuses line breaks (header injection), other control characters and bidi overrides.
    """
    if not isinstance(value, str):
        raise TypeError(f"{field} must be text, got {value!r}")
    found = CONTROL_CHARS.search(value)
    if found:
        char = f"U+{ord(found.group()):04X}"
        raise _refuse(
            field,
            f"contains a control character ({char}): a line break in a header could add "
            "headers of its own",
            hint="write the value on one line",
        )
    return value.strip()


def check_address(value: str, field: str = "To") -> Address:
    """One mailbox, `someone@example.org` or `Name <someone@example.org>`, checked for syntax
    by email-validator (no DNS look-up); raises `DeliveryError` naming `field`."""
    from email_validator import EmailNotValidError, validate_email

    text = check_header_text(value, field)
    found = _ANGLE.match(text)
    name, addr = (found["name"].strip(), found["addr"].strip()) if found else ("", text)
    # A quoted name may hold anything but a line break: "Pérez, Ana <DG Migraciones>".
    quoted = len(name) >= 2 and name[0] == name[-1] == '"'
    if quoted:
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if not addr:
        raise _refuse(field, f"'{text}' is not an email address")
    if (not quoted and ("<" in name or ">" in name)) or "<" in addr or ">" in addr or "," in addr:
        raise _refuse(field, f"'{text}' is not one email address", hint="one address per value")
    try:
        # No SMTPUTF8: an address must travel through any server; a non-ASCII domain is
        # written in its ASCII (IDNA) form.
        checked = validate_email(addr, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise _refuse(field, f"'{addr}' is not a valid email address: {error}") from None
    try:
        return Address(display_name=name, addr_spec=checked.ascii_email or checked.normalized)
    except (ValueError, IndexError) as error:  # the registry's own parser disagrees
        raise _refuse(field, f"'{text}' is not a valid email address: {error}") from None
