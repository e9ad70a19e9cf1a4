"""The proof certificate: one employee's acknowledgement of one version, as a PDF/A-3a.

It names who, which version and digest, when (UTC and local time), how (personal link, single
sign-on, or carried forward from an earlier acknowledgement), the event's position and hash in the
chain, the chain head when the certificate was made, and how to check all of it.

The PDF is made by the project's Typst engine (``typeset/engine``). Every value reaches the
document as JSON data and is shown with ``#val("key")``: Typst prints a string as text, so nothing
from the registry (a name, an entity) can become markup or code. Same registry state, same bytes:
the PDF's date is the acknowledgement's day, never the clock's.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select

from charter_kit.errors import AckError
from charter_kit.i18n import _

from charter_kit.ack.campaigns import CARRIED, METHOD_LABELS
from charter_kit.ack.config import AckConfig
from charter_kit.ack.db import Acknowledgement, Employee, Event, Registry, head
from charter_kit.ack.fr import french_date, local_text, utc_text
from charter_kit.ack.versions import KIND_LABELS, find, records, release_view


@dataclass(frozen=True)
class Certificate:
    """Everything the certificate states (all text)."""

    company: str
    title: str
    status_label: str
    matricule: str
    name: str
    entity: str
    establishment: str
    version: str
    digest: str
    effective_date: str
    kind: str
    method: str
    method_label: str
    at: str
    at_utc: str
    at_local: str
    event_position: int
    event_hash: str
    head_position: int
    head_hash: str
    carried_from: str = ""
    carried_from_at: str = ""
    carried_from_method: str = ""
    carried_from_position: int = 0

    def filename(self) -> str:
        """A file name for the certificate (the matricule, reduced to safe characters)."""
        import re

        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", self.matricule)[:60] or "salarie"
        return f"attestation-{safe}-{self.version}.pdf"


def certificate(registry: Registry, config: AckConfig, matricule: str, version: str | None = None) -> Certificate:
    """Gather the certificate of one employee (by matricule) for a version (default: the newest acknowledged)."""
    with registry.errors(_("reading the registry")), registry.read() as session:
        emp = session.execute(select(Employee).where(Employee.matricule == matricule)).scalar_one_or_none()
        if emp is None:
            raise AckError(_("no employee with matricule {matricule} in the registry").format(matricule=matricule),
                           hint=_("check the matricule; an employee who was purged has no data left"))
        versions = records(session)
        acks = {a.version: a for a in session.execute(select(Acknowledgement)
                                                      .where(Acknowledgement.employee_id == emp.id)).scalars()}
        if version is None:
            done = [v for v in versions if v.version in acks]
            if not done:
                raise AckError(_("{matricule} ({name}) has not acknowledged any version yet").format(
                    matricule=emp.matricule, name=emp.name))
            version = done[-1].version
        target = find(versions, version)
        ack = acks.get(version)
        if ack is None:
            raise AckError(_("{matricule} ({name}) has not acknowledged version {version}").format(
                matricule=emp.matricule, name=emp.name, version=version),
                           hint=_("{command} lists the pending employees").format(
                               command=f"'charter ack status {version}'"))
        ev = session.get(Event, ack.event_id)
        source = session.get(Acknowledgement, ack.carried_from_id) if ack.carried_from_id else None
        source_ev = session.get(Event, source.event_id) if source else None
        position, chain_head = head(session)
    view = release_view(config.root, version)
    return Certificate(
        company=view.company, title=view.title, status_label=view.status_label, matricule=emp.matricule,
        name=emp.name, entity=emp.entity, establishment=emp.establishment, version=version, digest=target.digest,
        effective_date=french_date(target.effective_date), kind=KIND_LABELS.get(target.kind, target.kind),
        method=ack.method, method_label=METHOD_LABELS.get(ack.method, ack.method), at=ack.at,
        at_utc=utc_text(ack.at), at_local=local_text(ack.at, config.timezone), event_position=ev.id,
        event_hash=ev.hash, head_position=position, head_hash=chain_head,
        carried_from=source.version if source else "",
        carried_from_at=utc_text(source.at) if source else "",
        carried_from_method=METHOD_LABELS.get(source.method, source.method) if source else "",
        carried_from_position=source_ev.id if source_ev else 0)


TEMPLATE = r"""
#let data = json(bytes(sys.inputs.data))
#let val(key) = data.at(key)
#set document(title: val("doc_title"), author: val("company"))
#set page(paper: "a4", margin: (x: 2.2cm, y: 2cm),
  footer: context [#set text(8pt, fill: luma(90)); #val("footer") #h(1fr) #counter(page).display("1 / 1", both: true)])
#set text(lang: "fr", font: "Libertinus Serif", size: 10.5pt)
#set par(justify: false, leading: 0.6em)
#show heading: set text(font: "Libertinus Serif", weight: "bold")
#let mono(key) = text(font: "DejaVu Sans Mono", size: 8.2pt, val(key))
#let row(label, body) = (text(weight: "bold", label), body)

#text(9pt, fill: luma(80), val("company"))
#v(0.2em)
= Attestation d'accusé de réception
#v(0.4em)
#val("intro")

#v(0.8em)
#table(columns: (4.2cm, 1fr), stroke: (x: none, y: 0.4pt + luma(200)), inset: (x: 4pt, y: 6pt),
  ..row("Salarié", val("employee")),
  ..row("Matricule", val("matricule")),
  ..row("Société, établissement", val("place")),
  ..row("Document", val("document")),
  ..row("Version", val("version_line")),
  ..row("Empreinte de la version", mono("digest")),
  ..row("Date (UTC)", val("at_utc")),
  ..row("Date (heure locale)", val("at_local")),
  ..row("Moyen", val("how")),
  ..row("Événement du registre", [n° #val("event_position")]),
  ..row("Empreinte de l'événement", mono("event_hash")),
  ..row("Tête de la chaîne", [n° #val("head_position") à l'émission de cette attestation]),
  ..row("Empreinte de la tête", mono("head_hash")),
)

#v(0.8em)
== Ce que cette attestation établit
#val("meaning")

== Comment la vérifier
+ #val("check_digest")
+ #val("check_chain")
  #block(inset: (left: 1em, y: 4pt), mono("command"))
+ #val("check_event")
"""


def inputs(cert: Certificate) -> dict[str, str]:
    """The text values the template shows, every one a plain string."""
    place = ", ".join(p for p in (cert.entity, cert.establishment) if p) or "non renseignés"
    how = cert.method_label
    if cert.method == CARRIED:
        how = (f"{cert.method_label} : accusé de réception de la version {cert.carried_from} le "
               f"{cert.carried_from_at} ({cert.carried_from_method}, événement n° {cert.carried_from_position}), "
               f"reporté sur la version {cert.version} parce que seules des modifications de forme ont suivi")
    meaning = (f"{cert.name} a accusé réception de la version {cert.version} de ce document et a pu en prendre "
               "connaissance. L'accusé de réception ne vaut pas acceptation d'une modification du contrat de travail.")
    if cert.method == CARRIED:
        meaning = (f"{cert.name} a accusé réception de la version {cert.carried_from}. La version {cert.version} n'en "
                   "diffère que par la forme : l'accusé de réception a été reporté sur elle, sans nouvelle démarche "
                   "du salarié.")
    return {
        "doc_title": f"Attestation d'accusé de réception – {cert.name} – version {cert.version}",
        "company": cert.company or "—",
        "footer": f"Attestation produite par charter-kit à partir du registre des accusés de réception de {cert.company}",
        "intro": (f"Le registre des accusés de réception de {cert.company} contient l'enregistrement suivant. "
                  "Chaque enregistrement du registre porte l'empreinte du précédent : toute modification ultérieure "
                  "se détecte."),
        "employee": cert.name, "matricule": cert.matricule, "place": place,
        "document": f"{cert.title} ({cert.status_label})",
        "version_line": f"{cert.version}, en vigueur le {cert.effective_date} ({cert.kind})",
        "digest": cert.digest, "at_utc": cert.at_utc, "at_local": cert.at_local, "how": how,
        "event_position": str(cert.event_position), "event_hash": cert.event_hash,
        "head_position": str(cert.head_position), "head_hash": cert.head_hash,
        "meaning": meaning,
        "check_digest": (f"L'empreinte de la version est le SHA-256 du fichier releases/{cert.version}/charter.json "
                         "du projet de charte ; la commande « charter verify » la recalcule."),
        "check_chain": ("Dans le projet de charte, cette commande recalcule chaque maillon du registre et vérifie "
                        "que l'événement et la tête notés ici y figurent toujours, avec les mêmes empreintes :"),
        "command": (f"charter ack verify --anchor {cert.event_position}:{cert.event_hash} "
                    f"--anchor {cert.head_position}:{cert.head_hash}"),
        "check_event": ("La commande « charter ack export --employee " + cert.matricule + " » restitue le contenu de "
                        "l'événement : salarié, version, empreinte, date et moyen."),
    }


def certificate_pdf(cert: Certificate) -> bytes:
    """The certificate as PDF/A-3a bytes, through the project's Typst engine (dated at the
    acknowledgement's day, never the clock: same registry state, same bytes)."""
    from charter_kit.typeset.engine import compile_pdf

    return compile_pdf(TEMPLATE.encode("utf-8"), inputs(cert), date=cert.at[:10])


def certificate_json(cert: Certificate) -> str:
    """The certificate's facts as JSON (for tests and scripts)."""
    return json.dumps(asdict(cert), ensure_ascii=False, indent=2, sort_keys=True)


def write_certificate(cert: Certificate, target: Path) -> Path:
    """Write the PDF atomically."""
    from charter_kit.fsutil import atomic_write

    atomic_write(target, certificate_pdf(cert))
    return target
