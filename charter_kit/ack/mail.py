"""Sending personal links and reminders over SMTP.

Names, addresses and texts are data: every header is built through the ``email`` package's typed
headers (an address with a line break, a comma or a quote cannot add a recipient or a header),
the body is plain text, and no value is ever interpreted as a template.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid

from charter_kit.errors import AckError
from charter_kit.i18n import _

from charter_kit.ack.config import AckConfig, SmtpConfig
from charter_kit.ack.fr import french_date
from charter_kit.ack.versions import ReleaseView


@dataclass(frozen=True)
class Invitation:
    """One mail to send: to whom, their link, and the version they accepted before if any."""

    employee_id: int
    matricule: str
    name: str
    email: str
    link: str
    expires_at: str
    previous: str | None = None
    entity: str = ""
    establishment: str = ""


def _one_line(value: str) -> str:
    """Header-safe text: control characters become spaces."""
    return " ".join("".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value).split())


def parse_sender(text: str) -> Address:
    """ "Nom <adresse>" or "adresse" as an Address; an AckError when unusable."""
    from email.headerregistry import HeaderRegistry

    try:
        header = HeaderRegistry()("From", _one_line(text))
        (address,) = header.addresses
        if not address.addr_spec or "@" not in address.addr_spec:
            raise ValueError
        return address
    except (ValueError, IndexError, TypeError):
        raise AckError(_("smtp.sender: '{value}' is not a usable sender address").format(value=text),
                       hint=_('for example "Human resources <hr@company.example>"')) from None


def compose(view: ReleaseView, inv: Invitation, sender: Address, *, reminder: bool, moment) -> EmailMessage:
    """The mail asking one employee to acknowledge a version (plain text, in French: the charter's language)."""
    msg = EmailMessage(policy=SMTP_POLICY)
    subject = f"{'Rappel : ' if reminder else ''}{view.title} – accusé de réception de la version {view.version}"
    msg["Subject"] = _one_line(subject)
    msg["From"] = sender
    local, _, domain = inv.email.partition("@")
    msg["To"] = Address(display_name=_one_line(inv.name), username=local, domain=domain)
    msg["Date"] = format_datetime(moment)
    msg["Message-ID"] = make_msgid(domain=sender.domain or None)
    msg["Auto-Submitted"] = "auto-generated"
    lines = [f"Bonjour {inv.name},", ""]
    if reminder:
        lines += ["Sauf erreur de notre part, vous n'avez pas encore accusé réception de la charte ci-dessous.", ""]
    lines += [f"{view.company} a publié la version {view.version} de sa « {view.title} » ({view.status_label}), "
              f"en vigueur le {french_date(view.effective_date)}.", ""]
    if inv.previous:
        lines += [f"Vous aviez accusé réception de la version {inv.previous}. La nouvelle version modifie le fond "
                  "du texte : nous vous demandons d'en accuser réception à nouveau.", ""]
    lines += ["Lisez-la, puis accusez-en réception sur votre page personnelle :", inv.link, ""]
    if view.read_url:
        lines += [f"La charte en ligne : {view.read_url}", ""]
    lines += [f"Ce lien vous est personnel : ne le transférez pas. Il est valable jusqu'au "
              f"{french_date(inv.expires_at)}.",
              "Accuser réception atteste que vous avez reçu ce texte et pu en prendre connaissance.", "",
              "Le service des ressources humaines"]
    msg.set_content("\n".join(lines) + "\n", subtype="plain", charset="utf-8", cte="quoted-printable")
    return msg


@dataclass
class SendReport:
    """Who was sent a mail and who could not be."""

    sent: list[Invitation] = field(default_factory=list)
    failed: list[tuple[Invitation, str]] = field(default_factory=list)


def send_messages(smtp: SmtpConfig, messages: Sequence[tuple[Invitation, EmailMessage]]) -> SendReport:
    """Send every message over one SMTP connection; a refused recipient does not stop the others."""
    report = SendReport()
    if not messages:
        return report
    try:
        client = _connect(smtp)
    except (OSError, smtplib.SMTPException) as exc:
        raise AckError(_("mail server {server} unreachable ({reason}); no e-mail sent").format(
            server=f"{smtp.host}:{smtp.port}", reason=_reason(exc)),
                       hint=_("check the smtp section of acks/config.yml; the links can still be exported with "
                              "{command}").format(command="'charter ack links --csv'")) from None
    try:
        for inv, msg in messages:
            try:
                client.send_message(msg)
                report.sent.append(inv)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                report.failed.append((inv, _reason(exc)))
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                # The connection dropped: what is left is reported, not silently skipped.
                report.failed += [(i, _("connection lost ({reason})").format(reason=_reason(exc)))
                                  for i, _ in messages[len(report.sent) + len(report.failed):]]
                break
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return report


def _connect(smtp: SmtpConfig) -> smtplib.SMTP:
    if smtp.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout, local_hostname=socket.getfqdn())
        if smtp.security == "starttls":
            client.starttls(context=ssl.create_default_context())
    if smtp.username:
        client.login(smtp.username, smtp.password())
    return client


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode('utf-8', 'replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {err.decode('utf-8', 'replace')}" for code, err in exc.recipients.values())
    return " ".join(str(exc).split()) or type(exc).__name__


def sender_for(config: AckConfig, view: ReleaseView) -> Address:
    """The From address: smtp.sender, else the HR contact of the charter."""
    text = config.smtp.sender or (f"Ressources humaines <{view.hr_email}>" if view.hr_email else "")
    if not text:
        raise AckError(_("no sender address: neither smtp.sender in acks/config.yml nor an rh contact in the charter"),
                       hint=_('add smtp: {sender: "Human resources <hr@company.example>"}'))
    return parse_sender(text)
