"""Personal links (random, hashed, expiring, single-purpose) and mail over a local SMTP server."""

from __future__ import annotations

import csv
import io
import json
import re
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select, text, update

from charter_kit.ack.campaigns import start_campaign
from charter_kit.ack.config import SmtpConfig
from charter_kit.ack.db import Employee, Event, Token
from charter_kit.ack.invitations import issue_links, links_csv, send
from charter_kit.ack.tokens import TOKEN_BYTES, new_token, resolve, token_hash
from charter_kit.errors import AckError


@pytest.fixture
def campaign(registry, employees):
    return start_campaign(registry, "2.0.0", actor="rh")


def token_of(link: str) -> str:
    return link.rsplit("/a/", 1)[1]


def test_tokens_are_long_random_and_never_stored(registry, config, campaign):
    assert TOKEN_BYTES * 8 >= 128
    invitations = issue_links(registry, config, "2.0.0", purpose="test")
    tokens = [token_of(i.link) for i in invitations]
    assert len(tokens) == 5 and len(set(tokens)) == 5 and all(len(t) == 32 for t in tokens)
    with registry.read() as session:
        stored = session.execute(select(Token.token_hash)).scalars().all()
        dump = " ".join(str(v) for row in session.execute(text("SELECT * FROM tokens")) for v in row)
    assert sorted(stored) == sorted(token_hash(t) for t in tokens)
    assert not any(t in dump for t in tokens)  # only hashes: a copy of the database opens nothing


def test_a_token_expires_and_serves_one_purpose(registry, config, campaign, clock):
    (inv, *_) = issue_links(registry, config, "2.0.0", purpose="test")
    token = token_of(inv.link)
    with registry.read() as session:
        assert resolve(session, token, clock()).employee_id == inv.employee_id
        assert resolve(session, token, clock(), purpose="admin") is None
        assert resolve(session, new_token(), clock()) is None
        assert resolve(session, "' OR '1'='1", clock()) is None
    clock.advance(days=config.token_days + 1)
    with registry.read() as session:
        assert resolve(session, token, clock()) is None


def test_a_leavers_token_stops_working(registry, config, campaign, clock):
    (inv, *_) = issue_links(registry, config, "2.0.0", purpose="test")
    with registry.write() as session:
        session.execute(update(Employee).where(Employee.id == inv.employee_id).values(active=False))
    with registry.read() as session:
        assert resolve(session, token_of(inv.link), clock()) is None


def test_links_csv_for_mail_merge(registry, config, campaign):
    invitations = issue_links(registry, config, "2.0.0", purpose="test")
    data = links_csv(invitations)
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["matricule", "nom", "courriel"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["H005"][2] == "" and by_id["H004"][3] == "Horizon Services SAS"
    assert by_id["H001"][5].startswith(config.public_url + "/a/")


def test_send_then_remind_only_the_pending(registry, config, campaign, smtp_server, employees):
    from charter_kit.ack.campaigns import LINK, acknowledge

    config = config.with_(smtp=SmtpConfig(host="127.0.0.1", port=smtp_server.port,
                                          sender="Ressources humaines <rh@groupe-horizon.example>"))
    first = send(registry, config, "2.0.0", reminder=False)
    assert len(first.report.sent) == 4 and first.without_email == 1 and not first.report.failed
    mails = {m["To"].addresses[0].addr_spec: m for m in _parsed(smtp_server)}
    ana = mails["ana.durand@horizon.example"]
    body = ana.get_content()
    assert ana["Subject"] == "Charte d'utilisation des réseaux sociaux – accusé de réception de la version 2.0.0"
    assert "Bonjour Ana Durand," in body and "en vigueur le 1er septembre 2027" in body
    link = re.search(r"http://127\.0\.0\.1:8765/a/([A-Za-z0-9_-]{32})", body).group(1)
    with registry.read() as session:
        assert resolve(session, link, registry.now()).employee_id == employees["H001"]
    acknowledge(registry, employees["H001"], campaign.campaign_id, LINK)
    smtp_server.received.clear()
    again = send(registry, config, "2.0.0", reminder=True)
    assert len(again.report.sent) == 3
    parsed = _parsed(smtp_server)
    assert all(m["Subject"].startswith("Rappel : ") for m in parsed)
    assert "ana.durand@horizon.example" not in {m["To"].addresses[0].addr_spec for m in parsed}
    with registry.read() as session:
        logged = session.execute(select(Event.data).where(Event.kind == "mail.sent")).scalars().all()
    assert len(logged) == 7 and json.loads(logged[-1])["reminder"] is True


def test_names_cannot_inject_headers(registry, config, campaign, smtp_server, employees):
    """Imports refuse line breaks; even a name written straight into the database stays one header."""
    with registry.write() as session:
        session.execute(update(Employee).where(Employee.id == employees["H002"])
                        .values(name='Bruno\r\nBcc: victim@evil.example\r\nX-Evil: 1 "<x@y>",'))
    config = config.with_(smtp=SmtpConfig(host="127.0.0.1", port=smtp_server.port, sender="rh@groupe-horizon.example"))
    send(registry, config, "2.0.0", reminder=False)
    raw = [m for m in smtp_server.received if "bruno.martin" in m["X-RcptTo"]]
    assert len(raw) == 1
    mail = raw[0]
    assert mail["X-RcptTo"] == "bruno.martin@horizon.example"  # the envelope: one recipient
    assert mail.get("Bcc") is None and mail.get("X-Evil") is None
    assert all("victim@evil.example" not in m["X-RcptTo"] for m in smtp_server.received)


def test_unreachable_smtp_is_a_clear_error(registry, config, campaign):
    from ack_support import free_port

    config = config.with_(smtp=SmtpConfig(host="127.0.0.1", port=free_port(), sender="rh@groupe-horizon.example",
                                          timeout=5))
    with pytest.raises(AckError, match=r"mail server 127\.0\.0\.1:\d+ unreachable .*; no e-mail sent"):
        send(registry, config, "2.0.0", reminder=False)


def test_bad_sender_is_refused(registry, config, campaign):
    config = config.with_(smtp=SmtpConfig(sender="pas une adresse"))
    with pytest.raises(AckError, match="smtp.sender"):
        send(registry, config, "2.0.0", reminder=False)


def _parsed(smtp_server):
    return [message_from_bytes(m.as_bytes(), policy=default_policy) for m in smtp_server.received]
