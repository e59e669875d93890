"""`reportbuilder contacts`: contacts.yml checked at its lines, listed, and written as vCard
files that a real vCard parser (vobject) reads back; `mail --attach-vcard`."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest
import vobject
from click.testing import CliRunner

from reportbuilder.cli import main

CONTACTS = """\
contacts:
  - id: santiago
    name: Gabriela Rodriguez
    role: {fr: Cheffe de mission, en: Chief of mission, es: Jefa de misión}
    organisation: {fr: OIM Santiago, en: IOM Santiago, es: OIM Santiago}
    office: "Oficina 3; piso 2, ala norte"
    address: Av. Apoquindo 3721, Las Condes
    phone: "+56-2-2746713"
    email: iomsantiago@iom.int
    url: https://chile.iom.int
  - id: press/desk
    organisation: Press desk
    email: press@example.org
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["contacts", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def card(path: Path) -> vobject.base.Component:
    return vobject.readOne(path.read_text("utf-8"))


def test_each_contact_is_written_as_a_vcard_a_parser_reads(
    mini_project: Path, tmp_path: Path
) -> None:
    (mini_project / "contacts.yml").write_text(CONTACTS, encoding="utf-8")
    out = tmp_path / "vcards"
    code, stdout, stderr = invoke(str(mini_project), "--vcard", str(out), "--lang", "es")
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == ["press-desk.vcf", "santiago.vcf"]
    assert "santiago: Gabriela Rodriguez — Jefa de misión — OIM Santiago" in stdout
    assert "phone: +56-2-2746713" in stdout and "2 contacts, no problems" in stdout

    gabriela = card(out / "santiago.vcf")
    assert gabriela.version.value == "3.0"
    assert gabriela.fn.value == "Gabriela Rodriguez"
    assert gabriela.title.value == "Jefa de misión"
    # The separators in the office survive: escaped in the file, whole once parsed.
    assert gabriela.org.value == ["OIM Santiago", "Oficina 3; piso 2, ala norte"]
    assert gabriela.tel.value == "+5622746713"
    assert gabriela.email.value == "iomsantiago@iom.int"
    assert gabriela.url.value == "https://chile.iom.int"
    assert gabriela.adr.value.street == "Av. Apoquindo 3721, Las Condes"
    press = card(out / "press-desk.vcf")
    assert press.fn.value == "Press desk" and press.email.value == "press@example.org"


def test_json_lists_the_contacts_in_report_yml_language(mini_project: Path) -> None:
    (mini_project / "contacts.yml").write_text(CONTACTS, encoding="utf-8")
    code, stdout, _ = invoke(str(mini_project), "--json")
    assert code == 0
    listed = json.loads(stdout)
    assert listed["lang"] == "en" and listed["written"] == []
    first = listed["contacts"][0]
    assert first["role"] == "Chief of mission" and first["organisation"] == "IOM Santiago"
    assert first["phone"] == "+56-2-2746713"  # not in the plan: as written


def test_every_problem_is_at_its_line_and_nothing_is_written(
    mini_project: Path, tmp_path: Path
) -> None:
    (mini_project / "contacts.yml").write_text(
        "contacts:\n"
        "  - id: one\n"
        "    name: One\n"
        "    email: not-an-address\n"
        "  - id: two\n"
        "    name: Two\n"
        "    phone: '+999 12'\n",
        encoding="utf-8",
    )
    out = tmp_path / "vcards"
    code, _, stderr = invoke(str(mini_project), "--vcard", str(out))
    assert code == 1
    lines = stderr.splitlines()
    assert any(line.startswith("contacts.yml:4: ") and "email" in line for line in lines), lines
    assert any(line.startswith("contacts.yml:7: ") for line in lines), lines
    assert "Traceback" not in stderr
    assert not out.exists()


def test_a_wrong_report_yml_does_not_stop_the_contacts(mini_project: Path) -> None:
    (mini_project / "report.yml").write_text(
        (mini_project / "report.yml").read_text() + "no_such_setting: 1\n", encoding="utf-8"
    )
    code, stdout, _ = invoke(str(mini_project))
    assert code == 0 and "desk: Sam Fixture" in stdout


@pytest.mark.pdf
def test_mail_attach_vcard_adds_the_contact_card(mini_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "message.eml"
    result = CliRunner().invoke(
        main,
        [
            "mail",
            str(mini_project),
            "--to",
            "ana@example.org",
            "--eml",
            str(target),
            "--attach-vcard",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
    found = {a.get_filename(): a for a in message.iter_attachments()}  # type: ignore[attr-defined]
    assert "desk.vcf" in found and found["desk.vcf"].get_content_type() == "text/vcard"
    desk = vobject.readOne(found["desk.vcf"].get_content())
    assert desk.fn.value == "Sam Fixture" and desk.tel.value == "+12025550199"
