"""Campaigns: who must acknowledge which version, the acknowledgements, and where each stands.

A campaign asks the active employees (optionally of some populations) to acknowledge one version.
For each of them the registry knows one of four states:

- *acknowledged*: they acknowledged this version (personal link or single sign-on);
- *carried forward*: they acknowledged an earlier version and only editorial versions came since;
  the registry records a carried acknowledgement pointing at the one it stands on (``ack.carried``);
- *later version*: they already acknowledged a newer version (this campaign is superseded for them);
- *pending*: none of the above; a pending employee who acknowledged an earlier version must
  acknowledge again because a substantive version came in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, insert, select
from sqlalchemy.orm import Session, aliased

from charter_kit.errors import AckError
from charter_kit.i18n import _

from charter_kit.ack.db import Acknowledgement, Campaign, Employee, Registry, iso
from charter_kit.ack.events import NewEvent, append, append_many
from charter_kit.ack.versions import VersionRecord, carries_forward, find, records

LINK, SSO, CARRIED = "link", "sso", "carried"
#: Ids per IN (...) list: PostgreSQL takes at most 65,535 parameters a query.
IN_CHUNK = 5000
#: How an acknowledgement was made, in the words of the certificates, exports and pages (French documents).
METHOD_LABELS = {LINK: "lien personnel", SSO: "connexion d'entreprise (authentification unique)",
                 CARRIED: "report d'un accusé antérieur (versions de forme seulement depuis)"}


# -- campaigns --------------------------------------------------------------------------------------
def populations_of(campaign: Campaign) -> tuple[str, ...]:
    """The populations a campaign is limited to (empty: everyone)."""
    return tuple(p for p in campaign.population.split("\n") if p)


def concerned(campaign: Campaign):
    """The SQL condition selecting the employees a campaign addresses."""
    condition = Employee.active.is_(True)
    pops = populations_of(campaign)
    return and_(condition, Employee.population.in_(pops)) if pops else condition


def get_campaign(session: Session, version: str) -> Campaign:
    """The campaign of a version, or an error listing the open ones."""
    found = session.execute(select(Campaign).where(Campaign.version == version)).scalar_one_or_none()
    if found is None:
        known = ", ".join(session.execute(select(Campaign.version).order_by(Campaign.id)).scalars())
        hint = _("open it with {command}").format(command=f"'charter ack campaign {version}'")
        if not known:
            raise AckError(_("no campaign for version {version} (no campaign yet)").format(version=version), hint=hint)
        raise AckError(_("no campaign for version {version} (campaigns: {campaigns})").format(
            version=version, campaigns=known), hint=hint)
    return found


def latest_campaign(session: Session) -> Campaign | None:
    """The campaign of the newest version, if any."""
    from charter_kit.ack.db import Version

    return session.execute(select(Campaign).join(Version, Version.version == Campaign.version)
                           .order_by(Version.seq.desc()).limit(1)).scalar_one_or_none()


@dataclass(frozen=True)
class Started:
    """A campaign just opened (or found open), with how many acknowledgements it carried forward."""

    campaign_id: int
    version: str
    kind: str
    created: bool
    concerned: int
    carried: int
    reack_required: int


def start_campaign(registry: Registry, version: str, *, populations: Sequence[str] = (), actor: str) -> Started:
    """Open the campaign of ``version`` (again: a no-op apart from carrying new acknowledgements)."""
    pops = "\n".join(sorted({p.strip() for p in populations if p.strip()}))
    with registry.errors(_("opening the campaign")), registry.write() as session:
        registry.lock_chain(session)
        versions = records(session)
        target = find(versions, version)
        campaign = session.execute(select(Campaign).where(Campaign.version == version)).scalar_one_or_none()
        created = campaign is None
        if campaign is None:
            campaign = Campaign(version=version, population=pops, created_at=iso(registry.now()), created_by=actor)
            session.add(campaign)
            session.flush()
            append(registry, session, "campaign.started", {
                "campaign": campaign.id, "version": version, "digest": target.digest, "kind": target.kind,
                "populations": list(populations_of(campaign)), "actor": actor}, version=version)
        elif pops and pops != campaign.population:
            raise AckError(_("the campaign of version {version} already exists for other populations ({populations})")
                           .format(version=version, populations=", ".join(populations_of(campaign)) or _("everyone")),
                           hint=_("a version has one campaign only; run it again without --population"))
        carried = carry_forward(registry, session, campaign, versions)
        total = session.scalar(select(func.count()).select_from(Employee).where(concerned(campaign))) or 0
        reack = count_reack(session, campaign, versions, target)
        return Started(campaign.id, version, target.kind, created, total, carried, reack)


def count_reack(session: Session, campaign: Campaign, versions: Sequence[VersionRecord],
                 target: VersionRecord) -> int:
    """Pending employees who acknowledged an earlier version: they must acknowledge again."""
    earlier = [v.version for v in versions if v.seq < target.seq]
    if not earlier:
        return 0
    own = aliased(Acknowledgement)
    before = aliased(Acknowledgement)
    return session.scalar(
        select(func.count()).select_from(Employee).where(
            concerned(campaign),
            ~exists().where(own.employee_id == Employee.id, own.version == target.version),
            exists().where(before.employee_id == Employee.id, before.version.in_(earlier)))) or 0


def carry_forward(registry: Registry, session: Session, campaign: Campaign,
                  versions: Sequence[VersionRecord], employee_ids: Sequence[int] | None = None) -> int:
    """Record carried acknowledgements for the campaign's version where only editorial versions
    separate it from an employee's latest acknowledgement; return how many were recorded."""
    target = find(versions, campaign.version)
    done: set[int] = set()
    rows: list[tuple[Acknowledgement, Employee, VersionRecord]] = []
    for source in sorted((v for v in versions if v.seq < target.seq), key=lambda v: -v.seq):
        if not carries_forward(versions, source, target):
            break  # a substantive version lies between: nothing older carries either
        mine = aliased(Acknowledgement)
        query = (select(Acknowledgement, Employee).join(Employee, Employee.id == Acknowledgement.employee_id)
                 .where(Acknowledgement.version == source.version, concerned(campaign),
                        ~exists().where(mine.employee_id == Employee.id, mine.version == target.version)))
        if employee_ids is not None:
            query = query.where(Employee.id.in_(employee_ids))
        for ack, emp in session.execute(query):
            if emp.id not in done:
                done.add(emp.id)
                rows.append((ack, emp, source))
    if not rows:
        return 0
    moment = registry.now()
    at = iso(moment)
    originals = sorted({a.carried_from_id for a, _, _ in rows if a.carried_from_id})
    origin_of: dict[int, Acknowledgement] = {}
    for start in range(0, len(originals), IN_CHUNK):
        origin_of.update((a.id, a) for a in session.execute(
            select(Acknowledgement).where(Acknowledgement.id.in_(originals[start:start + IN_CHUNK]))).scalars())
    events, acks = [], []
    for ack, emp, source in rows:
        original = origin_of.get(ack.carried_from_id, ack) if ack.carried_from_id else ack
        events.append(NewEvent("ack.carried", {
            "matricule": emp.matricule, "name": emp.name, "version": target.version, "digest": target.digest,
            "method": CARRIED, "at": at, "campaign": campaign.id, "from_version": original.version,
            "from_event": original.event_id,
            "editorial_versions": [v.version for v in versions if source.seq < v.seq <= target.seq]},
            emp.id, target.version))
        acks.append(dict(employee_id=emp.id, version=target.version, campaign_id=campaign.id, method=CARRIED,
                         carried_from_id=original.id, at=at))
    created = append_many(registry, session, events, at=moment)
    for row, ev in zip(acks, created):
        row["event_id"] = ev.id
    for start in range(0, len(acks), 5000):
        session.execute(insert(Acknowledgement), acks[start:start + 5000])
    return len(acks)


# -- acknowledging ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Receipt:
    """An acknowledgement as committed: shown to the employee only once this exists."""

    ack_id: int
    employee_id: int
    matricule: str
    name: str
    version: str
    digest: str
    method: str
    at: str
    event_id: int
    event_hash: str
    created: bool
    carried_from: str | None = None


class NotConcerned(AckError):
    """The employee cannot acknowledge this campaign (left, or outside its populations)."""


def acknowledge(registry: Registry, employee_id: int, campaign_id: int, method: str, *,
                ip: str | None = None, token_id: int | None = None) -> Receipt:
    """Record that the employee acknowledged the campaign's version; idempotent.

    The returned receipt exists only after the transaction committed.
    """
    from charter_kit.ack.db import Event

    with registry.write() as session:
        registry.lock_chain(session)
        emp = session.get(Employee, employee_id)
        campaign = session.get(Campaign, campaign_id)
        pops = populations_of(campaign) if campaign is not None else ()
        if emp is None or campaign is None or not emp.active or (pops and emp.population not in pops):
            raise NotConcerned(_("this employee is not concerned by this campaign"))
        versions = records(session)
        target = find(versions, campaign.version)
        existing = session.execute(select(Acknowledgement, Event.hash).join(Event, Event.id == Acknowledgement.event_id)
                                   .where(Acknowledgement.employee_id == employee_id,
                                          Acknowledgement.version == target.version)).first()
        if existing is not None:
            ack, digest = existing
            return _receipt(session, ack, emp, target, digest, created=False)
        moment = registry.now()
        data = {"matricule": emp.matricule, "name": emp.name, "version": target.version, "digest": target.digest,
                "method": method, "at": iso(moment), "campaign": campaign.id}
        if ip:
            data["ip"] = ip
        if token_id is not None:
            data["token"] = token_id
        ev = append(registry, session, "ack.recorded", data, employee_id=emp.id, version=target.version, at=moment)
        ack = Acknowledgement(employee_id=emp.id, version=target.version, campaign_id=campaign.id, method=method,
                              at=ev.at, event_id=ev.id)
        session.add(ack)
        session.flush()
        # Later campaigns whose versions are editorial since this one now stand on it.
        for later in session.execute(select(Campaign)).scalars():
            later_v = next((v for v in versions if v.version == later.version), None)
            if later_v is not None and carries_forward(versions, target, later_v):
                carry_forward(registry, session, later, versions, employee_ids=[emp.id])
        return _receipt(session, ack, emp, target, ev.hash, created=True)


def _receipt(session: Session, ack: Acknowledgement, emp: Employee, version: VersionRecord, event_hash: str,
             *, created: bool) -> Receipt:
    source = session.get(Acknowledgement, ack.carried_from_id) if ack.carried_from_id else None
    return Receipt(ack.id, emp.id, emp.matricule, emp.name, ack.version, version.digest, ack.method, ack.at,
                   ack.event_id, event_hash, created, source.version if source else None)


# -- where an employee stands -----------------------------------------------------------------------
@dataclass(frozen=True)
class EmployeeState:
    """What the employee page needs: the version asked, the receipt if any, the version accepted before."""

    employee_id: int
    matricule: str
    name: str
    campaign_id: int
    version: VersionRecord
    receipt: Receipt | None
    previous: VersionRecord | None
    later: str | None

    @property
    def reack(self) -> bool:
        """True when the employee acknowledged an earlier version and must acknowledge again."""
        return self.receipt is None and self.previous is not None


def employee_state(session: Session, employee_id: int, campaign_id: int) -> EmployeeState:
    """Where one employee stands in one campaign."""
    from charter_kit.ack.db import Event

    emp = session.get(Employee, employee_id)
    campaign = session.get(Campaign, campaign_id)
    versions = records(session)
    target = find(versions, campaign.version)
    acks = {a.version: (a, h) for a, h in session.execute(
        select(Acknowledgement, Event.hash).join(Event, Event.id == Acknowledgement.event_id)
        .where(Acknowledgement.employee_id == employee_id))}
    receipt = None
    if target.version in acks:
        ack, digest = acks[target.version]
        receipt = _receipt(session, ack, emp, target, digest, created=False)
    earlier = [v for v in versions if v.seq < target.seq and v.version in acks]
    later = [v for v in versions if v.seq > target.seq and v.version in acks]
    return EmployeeState(emp.id, emp.matricule, emp.name, campaign.id, target, receipt,
                         earlier[-1] if earlier else None, later[-1].version if later else None)


def campaigns_for(session: Session, employee_id: int) -> list[Campaign]:
    """The campaigns that address an employee, newest version first."""
    from charter_kit.ack.db import Version

    out = []
    for campaign in session.execute(select(Campaign).join(Version, Version.version == Campaign.version)
                                    .order_by(Version.seq.desc())).scalars():
        if session.scalar(select(func.count()).select_from(Employee)
                          .where(Employee.id == employee_id, concerned(campaign))):
            out.append(campaign)
    return out
