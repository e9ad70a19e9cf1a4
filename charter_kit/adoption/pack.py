"""The adoption pack: the documents legal sends, in French, as plain data (PDF and DOCX come after).

Each document carries the release's version and digest, so the copy sent, filed and displayed can be
checked against the released text. The texts state what the employer does by signing them and leave
blank what charter-kit cannot know (a date, an address, a receipt number), unless a recorded milestone
says it; they never assert that a formality took place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charter_kit.adoption.procedure import Adoption, Unit
from charter_kit.locales import fr
from charter_kit.model.charter import Charter
from charter_kit.model.release import Release

#: What a blank to fill by hand looks like.
BLANK = "……………………"


@dataclass(frozen=True)
class Block:
    """One block of a document: a paragraph, a heading, a list, a table or fields to fill in."""

    kind: str
    """"p", "h", "list", "table" or "fields"."""
    text: str = ""
    items: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Document:
    """One document of the pack, for one unit (company, entity or establishment)."""

    code: str
    """Its file name without extension ("lettre-inspection-travail")."""
    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    footer: str
    """Printed on every page: the text it concerns, its version and digest."""
    date: str
    """The release date (ISO): the document's metadata date, never the clock."""


def p(text: str) -> Block:
    return Block("p", text)


def h(text: str) -> Block:
    return Block("h", text)


def bullets(items) -> Block:
    return Block("list", items=tuple(items))


def table(header, rows) -> Block:
    return Block("table", header=tuple(header), rows=tuple(tuple(r) for r in rows))


def fields(*labels: str) -> Block:
    return Block("fields", items=labels)


@dataclass(frozen=True)
class Facts:
    """What the documents say about the text, its release and its procedure."""

    charter: Charter
    release: Release
    unit: Unit
    adoption: Adoption
    entries: tuple[dict[str, Any], ...]

    @property
    def title(self) -> str:
        return self.charter.title

    @property
    def version(self) -> str:
        return f"version {self.release.version} du {fr.date(self.release.date)}"

    @property
    def number(self) -> str:
        """"1.0.0 du 4 janvier 2027", for a table row named "Version"."""
        return f"{self.release.version} du {fr.date(self.release.date)}"

    @property
    def of_unit(self) -> str:
        """"de Horizon SA", "d'Acme SAS": the unit after "de", elided before a vowel."""
        return of(self.unit.label)

    @property
    def effective(self) -> str:
        return fr.date(self.release.effective_date)

    @property
    def as_what(self) -> str:
        """What the text is, in the sentence "…, qu'elle adopte comme …"."""
        return {"annexe-reglement-interieur": "annexe au règlement intérieur",
                "note-de-service": "note de service complétant le règlement intérieur"}.get(
            self.charter.status, fr.STATUS.get(self.charter.status, self.charter.status).lower())

    def recorded(self, milestone: str) -> dict[str, Any] | None:
        """The latest record of a milestone for this unit, if any."""
        mine = [e for e in self.entries if e["milestone"] == milestone and self.unit.matches(e)]
        return mine[-1] if mine else None

    def when(self, milestone: str) -> str:
        """The recorded date of a milestone, or a blank to fill in."""
        entry = self.recorded(milestone)
        return fr.date(entry["date"]) if entry else BLANK

    def identity(self) -> Block:
        """The table that ties a document to the released text."""
        rows = [("Employeur", self.unit.label), ("Texte", self.title), ("Nature", self.as_what),
                ("Version", self.number), ("Entrée en vigueur indiquée", self.effective),
                ("Empreinte SHA-256", self.release.digest)]
        return table(("", ""), rows)


def of(name: str) -> str:
    """"de" before a name, elided before a vowel ("d'Acme", "de Horizon")."""
    return f"d'{name}" if name[:1].lower() in "aeiouyàâéèêëîïôöûü" else f"de {name}"


def documents(facts: Facts) -> list[Document]:
    """The documents of the pack for the jurisdiction of ``facts`` (none for a status without procedure)."""
    if not facts.adoption.has_procedure:
        return []
    maker = {"fr": _france, "be": _belgium}.get(facts.charter.jurisdiction)
    return maker(facts) if maker else []


def _doc(facts: Facts, code: str, title: str, subtitle: str, *blocks: Block) -> Document:
    footer = f"{facts.title}, version {facts.release.version} · empreinte {facts.release.digest}"
    return Document(code, title, subtitle, tuple(blocks), footer, facts.release.date)


# -- France -----------------------------------------------------------------------------------------
def _france(f: Facts) -> list[Document]:
    return [_cse_note(f), _cse_request(f), _inspection_letter(f), _greffe_cover(f), _display_notice(f)]


def _articles(f: Facts) -> Block:
    return bullets(f"Article {a.number}. {a.title} ({len(a.clauses)} règle{'s' if len(a.clauses) > 1 else ''})"
                   for a in f.charter.articles)


def _devices(f: Facts) -> list[Block]:
    if not f.adoption.devices:
        return []
    return [h("Dispositifs de contrôle mentionnés par le texte"),
            p("Le texte mentionne les dispositifs suivants, qui permettent de contrôler l'activité des salariés. "
              "Leur mise en œuvre relève d'une information et d'une consultation du comité qui doivent précéder la "
              "décision de les mettre en œuvre (C. trav., art. L2312-38) ; chaque salarié doit en être informé "
              "avant toute collecte d'information le concernant (C. trav., art. L1222-4)."),
            bullets(f.adoption.devices)]


def _cse_note(f: Facts) -> Document:
    return _doc(f, "note-information-cse", "Note d'information au comité social et économique",
                f"Projet {of(f.as_what)} : {f.title}",
                f.identity(),
                h("Objet"),
                p(f"La direction {f.of_unit} soumet au comité social et économique le texte ci-dessus, qu'elle "
                  f"envisage d'adopter comme {f.as_what}."),
                h("Pourquoi le comité est consulté"),
                p("Un document qui fixe des règles générales et permanentes relatives à la discipline complète le "
                  "règlement intérieur, quelle que soit sa forme (C. trav., art. L1321-5). Il ne peut être introduit "
                  "qu'après avoir été soumis à l'avis du comité (C. trav., art. L1321-4)."),
                h("Contenu du texte"),
                p(f"Le texte compte {len(f.charter.articles)} articles et {len(f.charter.clauses())} règles. Le texte "
                  "complet est joint ; son empreinte permet de vérifier qu'il s'agit exactement de la version "
                  "décrite ici."),
                _articles(f),
                *_devices(f),
                h("Suite de la procédure"),
                p("Une fois l'avis du comité rendu, le texte et cet avis seront communiqués à l'inspecteur du travail ; "
                  "le texte sera déposé au greffe du conseil de prud'hommes et porté à la connaissance du personnel. "
                  f"Le texte indique une entrée en vigueur le {f.effective} : la loi impose qu'elle soit postérieure "
                  "d'un mois au moins à l'accomplissement de la dernière des formalités de dépôt et de publicité "
                  "(C. trav., art. L1321-4 et R1321-3) ; si ces formalités ont lieu plus tard, une nouvelle version "
                  "fixera une date qui respecte ce délai."))


def _cse_request(f: Facts) -> Document:
    items = [f"consultation du comité sur le projet {of(f.as_what)} « {f.title} », {f.version} "
             f"(C. trav., art. L1321-4)"]
    if f.adoption.devices:
        items.append("information et consultation du comité sur les dispositifs de contrôle de l'activité des "
                     "salariés mentionnés dans ce texte, avant la décision de les mettre en œuvre "
                     "(C. trav., art. L2312-38)")
    return _doc(f, "demande-consultation-cse", "Demande d'avis du comité social et économique",
                f"À l'attention du secrétaire du comité social et économique — {f.unit.label}",
                p("La direction demande l'inscription des points suivants à l'ordre du jour de la prochaine réunion "
                  "du comité :"),
                bullets(items),
                *(_devices(f)[1:] if f.adoption.devices else []),
                p("Sont joints à la présente demande : le texte complet (même empreinte que ci-dessous) et la note "
                  "d'information. Le comité peut poser ses questions à la direction, qui y répondra avant qu'il "
                  "rende son avis."),
                f.identity(),
                fields("Date de la réunion", "Avis rendu le", "Pour la direction : nom et fonction", "Signature"))


def _inspection_letter(f: Facts) -> Document:
    avis = f.recorded("avis-cse")
    opinion = (f"l'avis rendu par le comité social et économique le {fr.date(avis['date'])}" if avis else
               f"l'avis rendu par le comité social et économique le {BLANK}")
    return _doc(f, "lettre-inspection-travail", "Lettre à l'inspection du travail",
                f"Communication d'un texte complétant le règlement intérieur — {f.unit.label}",
                p(f"Objet : communication de la « {f.title} », {f.as_what} (C. trav., art. L1321-4 et R1321-4)"),
                p("Madame, Monsieur l'inspecteur du travail,"),
                p(f"Nous vous prions de trouver ci-joint, en deux exemplaires, le texte de la « {f.title} », "
                  f"{f.version}, qui complète le règlement intérieur {f.of_unit}, accompagné de {opinion}."),
                p("L'article L1321-4 du Code du travail prévoit que cette communication accompagne les mesures de "
                  f"publicité du texte auprès du personnel ; celles-ci sont accomplies le {f.when('publicite')}. "
                  f"Le texte indique qu'il entre en vigueur le {f.effective}."),
                p(f"Son empreinte numérique (SHA-256) est {f.release.digest}. Elle permet de vérifier que les "
                  "exemplaires qui vous sont communiqués, celui qui est déposé au greffe du conseil de prud'hommes et "
                  "celui qui est porté à la connaissance du personnel sont identiques."),
                p("Nous restons à votre disposition pour toute information complémentaire et vous prions d'agréer, "
                  "Madame, Monsieur l'inspecteur du travail, l'expression de notre considération distinguée."),
                fields("Fait à", "Le", "Nom et fonction du signataire", "Signature"))


def _greffe_cover(f: Facts) -> Document:
    avis = f.recorded("avis-cse")
    rows = [("Déposant", f.unit.label), ("Document déposé", f"{f.title} ({f.as_what})"), ("Version", f.number),
            ("Entrée en vigueur indiquée dans le texte", f.effective),
            ("Avis du comité social et économique", fr.date(avis["date"]) if avis else BLANK),
            ("Nombre de pages", BLANK), ("Empreinte SHA-256 du texte", f.release.digest)]
    return _doc(f, "bordereau-depot-greffe", "Bordereau de dépôt au greffe du conseil de prud'hommes",
                f"Conseil de prud'hommes de {BLANK} (C. trav., art. L1321-4 et R1321-2)",
                p("Le déposant remet au greffe le texte désigné ci-dessous, qui complète le règlement intérieur de "
                  "l'entreprise ou de l'établissement situé dans le ressort du conseil."),
                table(("", ""), rows),
                fields("Déposé par (nom et fonction)", "Signature du déposant"),
                h("Réservé au greffe"),
                fields("Date de dépôt", "Numéro d'enregistrement", "Cachet du greffe"))


def _display_notice(f: Facts) -> Document:
    return _doc(f, "avis-affichage", "Avis au personnel", f"{f.title} — {f.unit.label}",
                p(f"La direction porte à la connaissance de toutes les personnes qui ont accès aux lieux de travail "
                  f"et aux locaux d'embauche la « {f.title} », {f.version}, qui complète le règlement intérieur "
                  f"comme {f.as_what}."),
                p(f"Avis du comité social et économique sur ce texte rendu le : {f.when('avis-cse')}."),
                p(f"Date d'entrée en vigueur indiquée dans le texte : {f.effective}."),
                p(f"Le texte complet peut être consulté : {BLANK}. Un exemplaire est remis à toute personne qui le "
                  "demande."),
                p(f"Empreinte du texte (SHA-256) : {f.release.digest}. Un exemplaire qui porte la même empreinte a "
                  "le même contenu, mot pour mot."),
                fields("Affiché le", "Pour la direction : nom et fonction"))


# -- Belgium ----------------------------------------------------------------------------------------
def _belgium(f: Facts) -> list[Document]:
    return [_be_display(f), _be_register(f)]


def _be_display(f: Facts) -> Document:
    return _doc(f, "avis-affichage-projet", "Avis aux travailleurs",
                f"Projet de modification du règlement de travail — {f.unit.label}",
                p(f"La direction {f.of_unit} envisage de compléter le règlement de travail par la « {f.title} », "
                  f"{f.version}, dont le texte est affiché avec le présent avis (loi du 8 avril 1965 instituant les "
                  "règlements de travail, art. 11 et 12)."),
                p(f"Le projet est affiché à partir du {f.when('affichage-projet')}. Pendant quinze jours à compter de "
                  f"cette date, un registre est tenu à votre disposition à l'endroit suivant : {BLANK}. Vous pouvez y "
                  "consigner vos observations, vous-même ou par l'intermédiaire de vos délégués. Vous pouvez aussi les "
                  f"adresser, par écrit et signées, au Contrôle des lois sociales ({BLANK})."),
                p("Une copie du projet est remise à tout travailleur qui la demande."),
                p("Si aucune observation n'est formulée, la modification entre en vigueur le quinzième jour qui suit "
                  "celui de l'affichage. Si des observations sont formulées, le Contrôle des lois sociales tente de "
                  "concilier les points de vue ; la date d'entrée en vigueur dépend alors de l'issue de cette "
                  "conciliation."),
                p(f"Empreinte du texte (SHA-256) : {f.release.digest}."),
                fields("Affiché le", "Pour la direction : nom et fonction"))


def _be_register(f: Facts) -> Document:
    rows = [("", "", "", "")] * 12
    return _doc(f, "registre-observations", "Registre d'observations",
                f"Projet de modification du règlement de travail — {f.unit.label}",
                p(f"Projet : « {f.title} », {f.version}. Empreinte (SHA-256) : {f.release.digest}."),
                p(f"Registre ouvert le {f.when('affichage-projet')} pour quinze jours. Chaque travailleur peut y "
                  "consigner ses observations, lui-même ou par l'intermédiaire de ses délégués."),
                table(("Date", "Nom ou délégation", "Observation", "Signature"), rows),
                fields("Registre clos le", "Transmis avec le projet au Contrôle des lois sociales le"))
