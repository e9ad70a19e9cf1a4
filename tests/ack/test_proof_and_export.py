"""The proof certificate (PDF/A read back) and the employee's own data (GDPR access)."""

from __future__ import annotations

import io
import json

import pypdf
import pytest
from sqlalchemy import select

from ack_support import add_release
from charter_kit.ack.campaigns import LINK, acknowledge, start_campaign
from charter_kit.ack.db import Employee, Event, head
from charter_kit.ack.events import verify
from charter_kit.ack.exports import employee_export
from charter_kit.ack.proof import certificate, certificate_pdf
from charter_kit.ack.versions import sync
from charter_kit.errors import AckError


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_certificate_states_who_what_when_how_and_where_in_the_chain(registry, config, employees):
    start_campaign(registry, "2.0.0", actor="rh")
    receipt = acknowledge(registry, employees["H004"], 1, LINK)
    cert = certificate(registry, config, "H004")
    data = certificate_pdf(cert)
    text = pdf_text(data)
    with registry.read() as session:
        position, chain_head = head(session)
    for fragment in ("Attestation d’accusé de réception", "David Roux", "H004", "Horizon Services SAS, Lille",
                     "Charte d'utilisation des réseaux sociaux (annexe au règlement intérieur)",
                     "2.0.0, en vigueur le 1er septembre 2027",
                     "cc1c39c47b020162513d4d88f53a35c1d13625013a17ef6767c89cfb0bfd28c5",
                     "1er septembre 2027 à 08:00:00 UTC", "1er septembre 2027 à 10:00:00 (UTC+02:00, Europe/Paris)",
                     "lien personnel", f"n° {receipt.event_id}", receipt.event_hash, f"n° {position}", chain_head,
                     "charter ack verify --anchor"):
        assert fragment in text, fragment
    assert certificate_pdf(certificate(registry, config, "H004")) == data  # same state, same bytes
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "A")
    anchors = [(cert.event_position, cert.event_hash), (cert.head_position, cert.head_hash)]
    assert verify(registry, anchors=anchors).ok  # the command the certificate prints holds


def test_carried_certificate_names_the_original_acknowledgement(registry, config, employees, horizon):
    start_campaign(registry, "2.0.0", actor="rh")
    original = acknowledge(registry, employees["H001"], 1, LINK)
    add_release(horizon, "2.0.1", "editorial", date="2027-10-01", effective="2027-10-01", words=False)
    sync(registry, horizon)
    start_campaign(registry, "2.0.1", actor="rh")
    text = pdf_text(certificate_pdf(certificate(registry, config, "H001", "2.0.1")))
    assert "report d'un accusé antérieur" in text and "version 2.0.0" in text
    assert f"événement n° {original.event_id}" in text and "seules des modifications de forme" in text


def test_values_are_text_never_typst_markup(registry, config, employees):
    from sqlalchemy import update

    hostile = '#panic("x") *gras* $x^2$ <label> @ref #include "/etc/passwd" ]} 🙂'
    with registry.write() as session:
        session.execute(update(Employee).where(Employee.id == employees["H002"]).values(name=hostile))
    start_campaign(registry, "2.0.0", actor="rh")
    acknowledge(registry, employees["H002"], 1, LINK)
    text = pdf_text(certificate_pdf(certificate(registry, config, "H002")))
    assert '#panic("x") *gras* $x^2$ <label> @ref #include "/etc/passwd" ]}' in text


def test_no_certificate_without_acknowledgement(registry, config, employees):
    start_campaign(registry, "2.0.0", actor="rh")
    with pytest.raises(AckError, match="H003 \\(Chloé Petit\\) has not acknowledged any version yet"):
        certificate(registry, config, "H003")
    with pytest.raises(AckError, match="has not acknowledged version 1.0.0"):
        acknowledge(registry, employees["H003"], 1, LINK) and certificate(registry, config, "H003", "1.0.0")
    with pytest.raises(AckError, match="no employee with matricule Z9"):
        certificate(registry, config, "Z9")


def test_gdpr_export_holds_this_employee_only_and_is_logged(registry, config, employees):
    start_campaign(registry, "2.0.0", actor="rh")
    acknowledge(registry, employees["H001"], 1, LINK, ip="192.0.2.1")
    acknowledge(registry, employees["H002"], 1, LINK, ip="192.0.2.2")
    data = employee_export(registry, config, "H001", actor="dpo")
    assert data["salarié"]["nom"] == "Ana Durand" and data["salarié"]["courriel"] == "ana.durand@horizon.example"
    (ack,) = data["accusés de réception"]
    assert ack["version"] == "2.0.0" and ack["moyen"] == "lien personnel"
    contents = json.dumps(data["journal"], ensure_ascii=False)
    assert "192.0.2.1" in contents and "Bruno" not in contents and "192.0.2.2" not in contents
    assert "5 ans après votre départ" in data["information"]
    with registry.read() as session:
        logged = session.execute(select(Event).where(Event.kind == "export.employee")).scalar_one()
    assert json.loads(logged.data) == {"actor": "dpo", "matricule": "H001"}
    assert logged.employee_id == employees["H001"]  # erased with the rest by the retention purge
