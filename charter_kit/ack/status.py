"""Where a campaign stands: counts by entity and establishment, progress, the pending list.

Each count is one grouped query over employees and acknowledgements, so the dashboard stays fast
with a million acknowledgement rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from charter_kit.ack.campaigns import CARRIED, LINK, SSO, count_reack, concerned, get_campaign, populations_of
from charter_kit.ack.db import Acknowledgement, Campaign, Employee, Registry
from charter_kit.ack.versions import VersionRecord, find, records, substantive_between
from charter_kit.i18n import N_, _, language, ngettext


# -- campaign status --------------------------------------------------------------------------------
class _Share:
    """What follows from a class's ``total`` and ``done`` (fields or properties): pending, share done."""

    @property
    def pending(self) -> int:
        """Employees still expected to acknowledge."""
        return self.total - self.done

    @property
    def percent(self) -> float:
        """Share done, in percent."""
        return 100.0 * self.done / self.total if self.total else 100.0


@dataclass(frozen=True)
class Group(_Share):
    """Counts for one entity and establishment."""

    entity: str
    establishment: str
    total: int
    acknowledged: int
    carried: int
    later: int

    @property
    def done(self) -> int:
        """Employees who need nothing more."""
        return self.acknowledged + self.carried + self.later


@dataclass(frozen=True)
class Status:
    """A campaign's counts: overall, by entity and establishment, and over time."""

    campaign_id: int
    version: str
    kind: str
    created_at: str
    populations: tuple[str, ...]
    groups: tuple[Group, ...]
    progress: tuple[tuple[str, int], ...]
    reack_pending: int = 0
    totals: Group = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", Group("", "", *(sum(getattr(g, k) for g in self.groups)
                                                          for k in ("total", "acknowledged", "carried", "later"))))

    def by_entity(self) -> list[Group]:
        """Counts per entity (establishments added up)."""
        out: dict[str, list[int]] = {}
        for g in self.groups:
            row = out.setdefault(g.entity, [0, 0, 0, 0])
            for i, k in enumerate(("total", "acknowledged", "carried", "later")):
                row[i] += getattr(g, k)
        return [Group(e, "", *v) for e, v in sorted(out.items())]


def status(registry: Registry, version: str) -> Status:
    """Where a campaign stands (one grouped query, fast at a million acknowledgements)."""
    with registry.errors(_("reading the registry")), registry.read() as session:
        campaign = get_campaign(session, version)
        return campaign_status(session, campaign)


def campaign_status(session: Session, campaign: Campaign) -> Status:
    """The status of an already loaded campaign."""
    versions = records(session)
    target = find(versions, campaign.version)
    later = [v.version for v in versions if v.seq > target.seq]
    own = aliased(Acknowledgement)
    newer = aliased(Acknowledgement)
    has_later = exists().where(newer.employee_id == Employee.id, newer.version.in_(later)) if later else None
    later_col = (func.sum(case((and_(own.id.is_(None), has_later), 1), else_=0)) if has_later is not None
                 else func.sum(0))
    rows = session.execute(
        select(Employee.entity, Employee.establishment, func.count(),
               func.sum(case((own.method.in_((LINK, SSO)), 1), else_=0)),
               func.sum(case((own.method == CARRIED, 1), else_=0)), later_col)
        .select_from(Employee)
        .outerjoin(own, and_(own.employee_id == Employee.id, own.version == target.version))
        .where(concerned(campaign))
        .group_by(Employee.entity, Employee.establishment)
        .order_by(Employee.entity, Employee.establishment)).all()
    groups = tuple(Group(e or "", s or "", int(t), int(a or 0), int(c or 0), int(l or 0)) for e, s, t, a, c, l in rows)
    day = func.substr(own.at, 1, 10)
    per_day = session.execute(select(day, func.count()).select_from(own)
                              .join(Employee, Employee.id == own.employee_id)
                              .where(own.version == target.version, concerned(campaign))
                              .group_by(day).order_by(day)).all()
    running, progress = 0, []
    for d, n in per_day:
        running += int(n)
        progress.append((d, running))
    return Status(campaign.id, campaign.version, target.kind, campaign.created_at, populations_of(campaign),
                  groups, tuple(progress), count_reack(session, campaign, versions, target))


@dataclass(frozen=True)
class Summary(_Share):
    """One line of the campaign list: how many are concerned and how many need nothing more."""

    campaign_id: int
    version: str
    kind: str
    total: int
    done: int


def overview(session: Session) -> list[Summary]:
    """Every campaign's counts from two grouped queries, whatever the number of campaigns: an employee
    needs nothing more for a version once their newest acknowledgement is that version or a later one."""
    from charter_kit.ack.db import Version

    versions = records(session)
    per_population = dict(session.execute(select(Employee.population, func.count())
                                          .where(Employee.active.is_(True)).group_by(Employee.population)).all())
    newest = (select(Acknowledgement.employee_id, func.max(Version.seq).label("seq"))
              .join(Version, Version.version == Acknowledgement.version)
              .group_by(Acknowledgement.employee_id).subquery())
    counts = session.execute(select(Employee.population, newest.c.seq, func.count())
                             .join(newest, newest.c.employee_id == Employee.id)
                             .where(Employee.active.is_(True)).group_by(Employee.population, newest.c.seq)).all()
    out = []
    for campaign in session.execute(select(Campaign).order_by(Campaign.id.desc())).scalars():
        target = find(versions, campaign.version)
        pops = set(populations_of(campaign)) or set(per_population)
        total = sum(n for p, n in per_population.items() if p in pops)
        done = sum(n for p, seq, n in counts if p in pops and seq >= target.seq)
        out.append(Summary(campaign.id, campaign.version, target.kind, total, done))
    return out


def pending_query(campaign: Campaign, versions: Sequence[VersionRecord]):
    """The SELECT of employees still expected to acknowledge a campaign's version."""
    target = find(versions, campaign.version)
    done_versions = [v.version for v in versions if v.seq >= target.seq]
    ack = aliased(Acknowledgement)
    return select(Employee).where(concerned(campaign),
                                  ~exists().where(ack.employee_id == Employee.id, ack.version.in_(done_versions)))


@dataclass(frozen=True)
class PendingRow:
    """A pending employee, with the version they accepted before (a re-acknowledgement) if any."""

    employee_id: int
    matricule: str
    name: str
    email: str
    entity: str
    establishment: str
    previous: str | None


def pending(session: Session, campaign: Campaign, *, offset: int = 0, limit: int | None = None) -> list[PendingRow]:
    """Pending employees in entity, establishment and name order."""
    versions = records(session)
    query = pending_query(campaign, versions).order_by(Employee.entity, Employee.establishment, Employee.name,
                                                      Employee.matricule)
    if limit is not None:
        query = query.offset(offset).limit(limit)
    emps = session.execute(query).scalars().all()
    previous = _previous_versions(session, [e.id for e in emps], versions, campaign.version)
    return [PendingRow(e.id, e.matricule, e.name, e.email, e.entity, e.establishment, previous.get(e.id))
            for e in emps]


def _previous_versions(session: Session, ids: Sequence[int], versions: Sequence[VersionRecord],
                       version: str) -> dict[int, str]:
    target = find(versions, version)
    seq = {v.version: v.seq for v in versions}
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for emp, ver in session.execute(select(Acknowledgement.employee_id, Acknowledgement.version)
                                        .where(Acknowledgement.employee_id.in_(chunk))):
            if seq.get(ver, 0) < target.seq and seq.get(ver, 0) > seq.get(out.get(emp, ""), 0):
                out[emp] = ver
    return out


def why_pending(versions: Sequence[VersionRecord], previous: str | None, version: str) -> str:
    """A phrase in the user's language (French on the dashboard): first acknowledgement, or which
    substantive versions require a new one."""
    if previous is None:
        return _("first acknowledgement")
    subs = substantive_between(versions, find(versions, previous), find(versions, version))
    return ngettext("to renew: accepted {previous}, substantive version since: {versions}",
                    "to renew: accepted {previous}, substantive versions since: {versions}", len(subs)).format(
        previous=previous, versions=", ".join(v.version for v in subs))


#: The columns of the table `charter ack status` prints.
COLUMNS = (N_("company"), N_("establishment"), N_("concerned"), N_("acknowledged"), N_("carried"), N_("later"),
           N_("pending"), "%")


def status_text(st: Status, versions: Sequence[VersionRecord], pending_rows: Sequence[PendingRow] = ()) -> str:
    """What `charter ack status` prints, in the user's language."""
    t = st.totals
    kind = _("substantive change") if st.kind == "substantive" else _("editorial change")
    pops = ", ".join(st.populations) if st.populations else _("all active employees")
    lines = [_("Campaign {version} ({kind}), opened on {date}, for: {populations}").format(
                 version=st.version, kind=kind, date=st.created_at[:10], populations=pops),
             "  " + _("{total} concerned: {acknowledged} acknowledged, {carried} carried over (editorial versions), "
                      "{later} on a later version, {pending} pending ({percent} done)").format(
                 total=t.total, acknowledged=t.acknowledged, carried=t.carried, later=t.later, pending=t.pending,
                 percent=_pct(t.percent))]
    if st.reack_pending:
        lines.append("  " + ngettext("including {count} who must acknowledge again (a substantive version since "
                                     "their last acknowledgement)",
                                     "including {count} who must acknowledge again (a substantive version since "
                                     "their last acknowledgement)", st.reack_pending).format(count=st.reack_pending))
    header = tuple(_(c) if c != "%" else c for c in COLUMNS)
    table = [header] + [(g.entity or "—", g.establishment or "—", str(g.total), str(g.acknowledged), str(g.carried),
                         str(g.later), str(g.pending), _pct(g.percent)) for g in st.groups]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines.append("")
    for n, row in enumerate(table):
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    if st.progress:
        lines += ["", _("Progress (acknowledgements of this version, cumulative):")]
        lines += [f"  {d}  {n}" for d, n in st.progress]
    if pending_rows:
        lines += ["", _("Pending:")]
        lines += [f"  {p.matricule}  {p.name}  {p.entity or '—'} / {p.establishment or '—'}  "
                  f"({why_pending(versions, p.previous, st.version)})" for p in pending_rows]
    return "\n".join(lines)


def _pct(value: float) -> str:
    """A share as the reader writes it: 12.5% in English, 12,5 % in French."""
    number = f"{value:.1f}"
    return _("{percent}%").format(percent=number.replace(".", ",") if language() == "fr" else number)


def day_of(moment: str) -> dt.date:
    """The UTC day of a stored moment."""
    return dt.date.fromisoformat(moment[:10])
