"""Personal links for a campaign's pending employees: exported for a mail merge, or mailed.

Each call issues fresh tokens (the registry keeps only their hashes, so an old link can never be
shown again); earlier links stay valid until they expire.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from charter_kit.ack.campaigns import get_campaign
from charter_kit.ack.status import PendingRow, pending
from charter_kit.ack.config import AckConfig
from charter_kit.ack.db import Registry, iso
from charter_kit.ack.events import NewEvent, append, append_many
from charter_kit.ack.mail import Invitation, SendReport, compose, send_messages, sender_for
from charter_kit.ack.tokens import issue
from charter_kit.ack.versions import release_view
from charter_kit.i18n import _

#: The mail-merge file's columns: a French file format HR opens, whatever the locale.
CSV_HEADER = ("matricule", "nom", "courriel", "société", "établissement", "lien", "valable jusqu'au",
              "version acceptée avant")


def issue_links(registry: Registry, config: AckConfig, version: str, *, with_email_only: bool = False,
                limit: int | None = None, purpose: str) -> list[Invitation]:
    """Fresh personal links for the pending employees of a campaign (logged as one event)."""
    with registry.errors(_("making the links")), registry.write() as session:
        campaign = get_campaign(session, version)
        rows: Sequence[PendingRow] = pending(session, campaign)
        if with_email_only:
            rows = [r for r in rows if r.email]
        if limit is not None:
            rows = rows[:limit]
        now = registry.now()
        tokens = issue(session, [r.employee_id for r in rows], campaign.id, now, config.token_days)
        expires = iso(now + dt.timedelta(days=config.token_days))
        append(registry, session, "links.issued", {"campaign": campaign.id, "version": version, "count": len(rows),
                                                   "purpose": purpose, "expires_at": expires}, version=version)
        return [Invitation(r.employee_id, r.matricule, r.name, r.email, config.link(tokens[r.employee_id]),
                           expires, r.previous, r.entity, r.establishment) for r in rows]


def links_csv(invitations: Sequence[Invitation]) -> str:
    """The mail-merge file: one row per employee, semicolon-separated, UTF-8 with BOM (opens in Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for inv in invitations:
        writer.writerow([safe_cell(v) for v in (inv.matricule, inv.name, inv.email, inv.entity, inv.establishment, inv.link,
                                                inv.expires_at[:10], inv.previous or "")])
    return "\ufeff" + out.getvalue()


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (a formula) is defused with a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_links(registry: Registry, config: AckConfig, version: str, target: Path | None) -> tuple[int, str]:
    """Issue links and write the CSV to ``target`` (atomically), or return its text for stdout."""
    from charter_kit.fsutil import atomic_write

    invitations = issue_links(registry, config, version, purpose="export csv")
    text = links_csv(invitations)
    if target is not None:
        atomic_write(target, text)
    return len(invitations), text


@dataclass(frozen=True)
class Sent:
    """What `charter ack send` did."""

    report: SendReport
    without_email: int


def send(registry: Registry, config: AckConfig, version: str, *, reminder: bool,
         limit: int | None = None) -> Sent:
    """Mail a fresh personal link to every pending employee who has an address; log each mail."""
    view = release_view(config.root, version)
    sender = sender_for(config, view)
    with registry.read() as session:
        campaign = get_campaign(session, version)
        without = sum(1 for r in pending(session, campaign) if not r.email)
    invitations = issue_links(registry, config, version, with_email_only=True, limit=limit,
                              purpose="rappel" if reminder else "envoi")
    moment = registry.now()
    messages = [(inv, compose(view, inv, sender, reminder=reminder, moment=moment)) for inv in invitations]
    report = send_messages(config.smtp, messages)
    with registry.errors(_("recording the e-mails sent")), registry.write() as session:
        append_many(registry, session, [NewEvent("mail.sent", {
            "matricule": inv.matricule, "email": inv.email, "version": version, "reminder": reminder},
            inv.employee_id, version) for inv in report.sent])
    return Sent(report, without)
