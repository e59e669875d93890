"""compose.vcard: a contact as a vCard 3.0 and as a QR code of it that decodes back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.compose.vcard import qr_image, qr_svg, vcard
from reportbuilder.project.contacts import Contact

SANTIAGO = Contact(
    id="santiago",
    name="Gabriela Rodriguez",
    role="Jefa; oficina, Santiago",
    organisation="OIM Santiago",
    office="Bureau de l’OIM au Chili",
    phone="+56-2-2746713",
    email="iomsantiago@iom.int",
    url="https://chile.iom.int/",
    address="Av. Apoquindo 2930\nLas Condes",
)


def test_the_vcard_carries_every_field_escaped_with_the_phone_in_e164() -> None:
    text = vcard(SANTIAGO)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n")
    lines = text.split("\r\n")
    assert "FN:Gabriela Rodriguez" in lines
    assert "ORG:OIM Santiago;Bureau de l’OIM au Chili" in lines
    assert "TITLE:Jefa\\; oficina\\, Santiago" in lines
    assert "TEL;TYPE=WORK,VOICE:+5622746713" in lines
    assert "EMAIL;TYPE=INTERNET:iomsantiago@iom.int" in lines
    assert "URL:https://chile.iom.int/" in lines
    assert "ADR;TYPE=WORK:;;Av. Apoquindo 2930\\nLas Condes;;;;" in lines


def test_a_long_line_is_folded_at_75_octets_and_unfolds_to_itself() -> None:
    """The third trial's item 21: a 160-byte `FN:` line was written whole (RFC 2425: lines
    SHOULD NOT pass 75 octets; many address books cut or refuse them)."""
    name = "Dr. María-José Fernández de la Cruz y Ñúñez-Échevarría, Directora General, PhD"
    text = vcard(Contact(id="long", name=name, email="mj@example.org"))
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert sum(line.startswith(" ") for line in lines) >= 2
    unfolded = text.replace("\r\n ", "").split("\r\n")
    assert "FN:" + name.replace(",", "\\,") in unfolded


def test_a_contact_with_an_office_only_is_named_by_it() -> None:
    office = Contact(id="press", office="Press office", email="press@example.org")
    assert "FN:Press office" in vcard(office).split("\r\n")


def test_the_qr_code_is_an_svg_image_with_its_alt_text() -> None:
    svg = qr_svg(SANTIAGO)
    assert svg.startswith("<svg") and "<path" in svg and "<?xml" not in svg
    image = qr_image(SANTIAGO, "QR code: the contact card of <Gabriela>")
    assert image.startswith('<img class="c-qr" src="data:image/svg+xml;base64,')
    assert 'alt="QR code: the contact card of &lt;Gabriela&gt;"' in image


@pytest.mark.pdf
def test_the_qr_code_on_the_built_card_scans_back_to_the_vcard(
    example_project: Path, tmp_path: Path
) -> None:
    contacts = example_project / "contacts.yml"
    contacts.write_text(contacts.read_text(encoding="utf-8") + "    qr: true\n", encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    result = CliRunner().invoke(main, ["build", str(example_project), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    pages = len(pypdf.PdfReader(pdf).pages)  # the contact page closes the report
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-f", str(pages), "-l", str(pages), str(pdf),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    (picture,) = tmp_path.glob("page*.png")
    assert shutil.which("zbarimg"), "zbarimg is missing: run scripts/system-deps.sh --test"
    read = subprocess.run(
        ["zbarimg", "-q", "--raw", str(picture)], capture_output=True, text=True, check=True
    )
    scanned = read.stdout.strip().replace("\r\n", "\n").splitlines()
    assert scanned[:4] == ["BEGIN:VCARD", "VERSION:3.0", "N:Rodriguez;Gabriela;;;",
                           "FN:Gabriela Rodriguez"]  # fmt: skip
    assert "TEL;TYPE=WORK,VOICE:+56222746713" in scanned
    assert "EMAIL;TYPE=INTERNET:iomsantiago@iom.int" in scanned


@pytest.mark.parametrize(
    ("name", "family", "field"),
    [
        ("Gabriela Rodriguez", None, "N:Rodriguez;Gabriela;;;"),
        ("Dr. Ana María Rojas PhD", None, "N:Rojas;Ana;María;Dr.;PhD"),
        ("Dr. María-José García López PhD", "García López", "N:García López;María-José;;Dr.;PhD"),
        ("Jean de La Fontaine", None, "N:de La Fontaine;Jean;;;"),
    ],
)
def test_the_n_field_splits_family_and_given_names(
    name: str, family: str | None, field: str
) -> None:
    """The third trial's item 21: `N:` held the whole name as the given name, so address
    books sorted every contact under an empty family name. `family:` says which words it is
    where the last word is not (two Spanish family names)."""
    contact = Contact(id="x", name=name, family=family, email="x@example.org")
    lines = vcard(contact).split("\r\n")
    assert field in lines
    assert f"FN:{name}" in lines
    office = Contact(id="o", office="Research office", email="o@example.org")
    assert "N:;;;;" in vcard(office).split("\r\n")  # no person: no name parts


def test_a_family_name_not_in_the_name_is_refused() -> None:
    with pytest.raises(ValueError, match="is not part of the contact's name"):
        Contact(id="x", name="Ana Rojas", family="Rodríguez", email="x@example.org")
