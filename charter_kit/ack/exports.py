"""Exports: a campaign's employees and their state (CSV, XLSX), and one employee's own data (GDPR).

Imported values are data: a cell that a spreadsheet would read as a formula (leading ``=``, ``+``,
``-``, ``@``) is written as text, in CSV with a leading quote and in XLSX as a string cell.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from charter_kit.errors import AckError
from charter_kit.i18n import _

from charter_kit.ack.campaigns import CARRIED, METHOD_LABELS, concerned, get_campaign
from charter_kit.ack.config import AckConfig, default_privacy_notice
from charter_kit.ack.db import Acknowledgement, Campaign, Employee, Event, Registry, Token, Version
from charter_kit.ack.events import KINDS, append
from charter_kit.ack.invitations import safe_cell
from charter_kit.ack.versions import find, records, release_view

#: The columns and states of a campaign's export: a French file HR opens, whatever the locale.
HEADER = ("matricule", "nom", "courriel", "société", "établissement", "population", "état", "date (UTC)",
          "moyen", "version acceptée avant")
STATES = {"acknowledged": "accusé", "carried": "reporté", "later": "version ultérieure acceptée",
          "pending": "en attente", "reack": "en attente (à renouveler)"}
CHUNK = 5000


def campaign_rows(registry: Registry, version: str) -> Iterator[tuple[str, ...]]:
    """Every employee concerned by a campaign with their state, in matricule order (streamed)."""
    with registry.read() as session:
        campaign = get_campaign(session, version)
        versions = records(session)
        target = find(versions, version)
        by_seq = {v.seq: v.version for v in versions}
        seq_of = aliased(Version)
        before = dict(session.execute(
            select(Acknowledgement.employee_id, func.max(seq_of.seq))
            .join(seq_of, seq_of.version == Acknowledgement.version)
            .where(seq_of.seq < target.seq).group_by(Acknowledgement.employee_id)).all())
        later = set(session.execute(
            select(Acknowledgement.employee_id).join(seq_of, seq_of.version == Acknowledgement.version)
            .where(seq_of.seq > target.seq).distinct()).scalars())
        own = aliased(Acknowledgement)
        last = ""
        while True:
            rows = session.execute(
                select(Employee, own.method, own.at).outerjoin(
                    own, and_(own.employee_id == Employee.id, own.version == target.version))
                .where(concerned(campaign), Employee.matricule > last)
                .order_by(Employee.matricule).limit(CHUNK)).all()
            if not rows:
                return
            for emp, method, at in rows:
                previous = by_seq.get(before.get(emp.id, 0), "")
                if method:
                    state = "carried" if method == CARRIED else "acknowledged"
                elif emp.id in later:
                    state = "later"
                else:
                    state = "reack" if previous else "pending"
                yield (emp.matricule, emp.name, emp.email, emp.entity, emp.establishment, emp.population,
                       STATES[state], at or "", METHOD_LABELS.get(method, "") if method else "", previous)
            last = rows[-1][0].matricule


def campaign_csv(registry: Registry, version: str) -> Iterator[str]:
    """The campaign export as CSV text chunks (UTF-8 BOM, semicolons: opens in Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(HEADER)
    for n, row in enumerate(campaign_rows(registry, version), start=1):
        writer.writerow([safe_cell(v) for v in row])
        if n % 2000 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def campaign_xlsx(registry: Registry, version: str) -> bytes:
    """The campaign export as an Excel workbook; every cell is a string cell, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=f"Campagne {version}"[:31])

    def cells(values):
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # a value starting with "=" stays text
            out.append(cell)
        return out

    sheet.append(cells(HEADER))
    for row in campaign_rows(registry, version):
        sheet.append(cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- GDPR access ------------------------------------------------------------------------------------
def employee_export(registry: Registry, config: AckConfig, matricule: str, *, actor: str) -> dict[str, Any]:
    """Everything the registry holds about one employee, in French, for a GDPR access request.

    The request itself is logged (who exported whose data, when).
    """
    with registry.errors(_("exporting the data")), registry.write() as session:
        emp = session.execute(select(Employee).where(Employee.matricule == matricule)).scalar_one_or_none()
        if emp is None:
            raise AckError(_("no employee with matricule {matricule} in the registry").format(matricule=matricule),
                           hint=_("an employee who was purged has no data left in the registry"))
        acks = session.execute(select(Acknowledgement, Event.hash).join(Event, Event.id == Acknowledgement.event_id)
                               .where(Acknowledgement.employee_id == emp.id).order_by(Acknowledgement.id)).all()
        source_versions = {a.id: a.version for a, _ in acks}
        events = session.execute(select(Event).where(Event.employee_id == emp.id).order_by(Event.id)).scalars().all()
        tokens = session.execute(select(Token, Campaign.version).join(Campaign, Campaign.id == Token.campaign_id)
                                 .where(Token.employee_id == emp.id).order_by(Token.id)).all()
        latest = session.execute(select(Campaign.version).order_by(Campaign.id.desc()).limit(1)).scalar()
        data = {
            "salarié": {"matricule": emp.matricule, "nom": emp.name, "courriel": emp.email, "société": emp.entity,
                        "établissement": emp.establishment, "population": emp.population,
                        "actif": emp.active, "départ (UTC)": emp.left_at, "mis à jour (UTC)": emp.updated_at},
            "accusés de réception": [{
                "version": a.version, "date (UTC)": a.at, "moyen": METHOD_LABELS.get(a.method, a.method),
                "reporté depuis la version": source_versions.get(a.carried_from_id) if a.carried_from_id else None,
                "événement": a.event_id, "empreinte de l'événement": h} for a, h in acks],
            "liens personnels": [{"version": v, "créé (UTC)": t.created_at, "expire (UTC)": t.expires_at}
                                 for t, v in tokens],
            "journal": [{"position": e.id, "date (UTC)": e.at, "nature": KINDS.get(e.kind, e.kind),
                         "contenu": json.loads(e.data) if e.data is not None else "effacé par une purge",
                         "empreinte": e.hash} for e in events],
        }
        if latest:
            view = release_view(config.root, latest)
            data["information"] = config.privacy_notice or default_privacy_notice(config.retention_years,
                                                                                   view.dpo_email)
        append(registry, session, "export.employee", {"matricule": emp.matricule, "actor": actor},
               employee_id=emp.id)
        return data
