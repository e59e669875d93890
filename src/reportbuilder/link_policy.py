"""Which link targets a report may carry: one policy for contacts.yml, report.yml and the
chapters' links (Markdown links, autolinks, raw `<a href>`, remote images).

A reader trusts the address a report shows. So a web address is `http(s)://` with a real
host name and nothing that can show one address and lead to another: no user name or
password (`https://www.iom.int@evil.example` leads to evil.example), no invisible or
text-direction characters (typed or percent-encoded), no host part mixing letters of
several scripts (`exаmple.org` with a Cyrillic а). A mail link is one address, with at
most a subject and a body: `?bcc=` would copy every reader's reply to someone else.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["link_problem", "mail_link_problem", "shown", "web_address_problem"]

# Controls, and the bidi overrides and isolates that make an address read as another one;
# zero-width and other invisible formatting characters too: `https://bank.example.org`
# shown, somewhere else linked.
UNSAFE_IN_URL = re.compile(
    "[\x00-\x20\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
# In a mail's subject or body, spaces and line breaks are text; these are not.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_HOST = re.compile(r"[\w.-]+|[0-9a-f:.]*:[0-9a-f:.]*")
# What a mail link may say besides its address: nothing that adds a recipient.
_MAIL_FIELDS = {"subject", "body"}


def shown(url: str, limit: int = 60) -> str:
    """`url` as a message may quote it: unsafe characters written as U+XXXX (a bidi override
    quoted in a terminal would turn the message around), at most `limit` characters."""
    text = UNSAFE_IN_URL.sub(lambda m: m[0] if m[0] == " " else f"<U+{ord(m[0]):04X}>", url)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _unsafe_character(value: str) -> str | None:
    # Percent-encoded, a space is an ordinary part of an address (`my%20file.pdf`).
    for text in (value, unquote(value).replace(" ", "")):
        found = UNSAFE_IN_URL.search(text)
        if found:
            what = "a space" if found.group() == " " else f"U+{ord(found.group()):04X}"
            return (
                f"a web address cannot contain {what} (invisible and text-direction characters "
                "can show one address and link to another)"
            )
    return None


def web_address_problem(value: str) -> str | None:
    """Why `value` cannot be a report's web address, or None when it can."""
    if not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE):
        return "write a web address in full, starting with https://"
    if why := _unsafe_character(value):
        return why
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "not a web address (check the host and port)"
    if parts.username is not None or parts.password is not None:
        return (
            "a web address cannot carry a user name or password (user@host): "
            f"it leads to {host or 'another host'}, not to what is written before the @"
        )
    if not _HOST.fullmatch(host) or host.startswith((".", "-")):
        return f"'{host}' is not a host name"
    return _look_alike(host)


def _look_alike(host: str) -> str | None:
    mixed = mixed_scripts(host)
    if mixed:
        return (
            f"the host name mixes {' and '.join(mixed)} letters in one part: "
            "a look-alike of another address"
        )
    return None


def mixed_scripts(host: str) -> list[str]:
    """The scripts of the first part of `host` that mixes letters of several (`аpple.com`
    with a Cyrillic а), punycode (`xn--`) decoded first; [] when none does."""
    for label in host.split("."):
        if label.lower().startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError:
                return ["undecodable"]
        scripts = {unicodedata.name(char, "UNKNOWN").split()[0] for char in label if char.isalpha()}
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _WRITTEN_TOGETHER):
            return sorted(script.lower().capitalize() for script in scripts)
    return []


# Scripts a name is written in together (Unicode's "highly restrictive" profile, UTS #39):
# Japanese mixes kanji and kana, Chinese and Korean names Han and their own, each with Latin.
_WRITTEN_TOGETHER = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)


def mail_link_problem(value: str) -> str | None:
    """Why `value` (`mailto:…`) cannot be a report's mail link, or None when it can: one
    address (email-validator, syntax only), and only `subject` and `body` after `?`."""
    from email_validator import EmailNotValidError, validate_email

    rest = value.split(":", 1)[1] if ":" in value else value
    address, _, query = rest.partition("?")
    address = unquote(address)
    if UNSAFE_IN_URL.search(address) or _INVISIBLE.search(unquote(query)):
        return (
            "a mail link cannot contain invisible or text-direction characters "
            "(they can show one address and send to another)"
        )
    if "," in address or ";" in address:
        return "a mail link goes to one address: write one link for each"
    for name, _ in parse_qsl(query, keep_blank_values=True):
        if name.lower() not in _MAIL_FIELDS:
            return (
                f"a mail link's '{name}=' adds recipients or headers the reader does not see "
                "(only ?subject= and &body= are kept)"
            )
    if not address:
        return "a mail link needs an address (mailto:name@example.org)"
    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        return f"not an email address: {error}"
    return _look_alike(address.rsplit("@", 1)[1])


def link_problem(href: str) -> str | None:
    """Why the link target `href` of a chapter cannot go into the report, or None: web and
    mail links are held to the policy above; other schemes are the sanitiser's to remove."""
    scheme = href.strip().split(":", 1)[0].lower() if ":" in href else ""
    if scheme in ("http", "https"):
        return web_address_problem(href.strip())
    if scheme == "mailto":
        return mail_link_problem(href.strip())
    return None
