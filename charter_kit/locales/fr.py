"""French: the words and formats charter-kit prints for French readers (the only language so far)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def date(value: dt.date | str) -> str:
    """A date as French readers write it: "1er mars 2026"."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def join(items: Iterable[Any]) -> str:
    """Join items the French way: "a, b et c"."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def yes_no(value: bool) -> str:
    """"oui" or "non"."""
    return "oui" if value else "non"


#: The charter's legal status (profile codes), as a title on the cover and the site.
STATUS = {
    "annexe-reglement-interieur": "Annexe au règlement intérieur",
    "note-de-service": "Note de service",
    "guide": "Guide de bonnes pratiques",
}

#: The same statuses as each jurisdiction's law names them: the cover, the site, the PDF metadata and
#: the text (``charter.status_label``) all print this. Switzerland: the employer's directives (CO,
#: art. 321d); Belgium: the règlement de travail (loi du 8 avril 1965); Québec: an employer policy.
STATUS_BY_JURISDICTION = {
    "fr": STATUS,
    "ch": {"annexe-reglement-interieur": "Directives de l'employeur (CO 321d), annexe au règlement du personnel",
           "note-de-service": "Directives de l'employeur (CO 321d)",
           "guide": "Guide de bonnes pratiques"},
    "be": {"annexe-reglement-interieur": "Annexe au règlement de travail",
           "note-de-service": "Instruction de l'employeur",
           "guide": "Guide de bonnes pratiques"},
    "lu": {"annexe-reglement-interieur": "Annexe au règlement intérieur",
           "note-de-service": "Note de service",
           "guide": "Guide de bonnes pratiques"},
    "qc": {"annexe-reglement-interieur": "Politique de l'employeur",
           "note-de-service": "Politique de l'employeur",
           "guide": "Guide de bonnes pratiques"},
}


def status_label(status: str, jurisdiction: str = "fr") -> str:
    """The charter's status as the law of its jurisdiction names it ("Annexe au règlement de travail")."""
    return STATUS_BY_JURISDICTION.get(jurisdiction, STATUS).get(status, STATUS.get(status, status))


#: Where a release stands on a given date (codes from charter_kit.model.release).
RELEASE_STATUS = {
    "upcoming": "à venir",
    "in_force": "en vigueur",
    "archived": "archivée",
    "replaced": "remplacée avant son entrée en vigueur",
    "pending": "en attente des formalités d'adoption",
}

#: Contact roles as readers see them (contacts page, PDF, prompts).
ROLE = {
    "communication": "Communication", "juridique": "Juridique", "rh": "Ressources humaines",
    "dpo": "Protection des données (DPO)", "securite": "Sécurité informatique",
    "conformite": "Conformité et déontologie", "investisseurs": "Relations investisseurs",
    "crise": "Cellule de crise", "referent_harcelement": "Référent harcèlement",
}

#: Who answers for a contact role, as module text names it (``{{ contacts.juridique.au }}``): the
#: forms after nothing, after "à" and after "de". A contact serving several roles is named by its own role.
ROLE_PHRASE = {
    "communication": ("le service communication", "au service communication", "du service communication"),
    "juridique": ("le service juridique", "au service juridique", "du service juridique"),
    "rh": ("les ressources humaines", "aux ressources humaines", "des ressources humaines"),
    "dpo": ("la personne chargée de la protection des données", "à la personne chargée de la protection des données",
            "de la personne chargée de la protection des données"),
    "securite": ("l'équipe de sécurité informatique", "à l'équipe de sécurité informatique",
                 "de l'équipe de sécurité informatique"),
    "conformite": ("la conformité", "à la conformité", "de la conformité"),
    "investisseurs": ("les relations investisseurs", "aux relations investisseurs", "des relations investisseurs"),
    "crise": ("la cellule de crise", "à la cellule de crise", "de la cellule de crise"),
    "referent_harcelement": ("la personne chargée des signalements de harcèlement",
                             "à la personne chargée des signalements de harcèlement",
                             "de la personne chargée des signalements de harcèlement"),
}

#: Clause natures (codes of model.vocabulary.NATURES), as the badge beside a clause's title.
NATURE = {"regle": "Règle", "procedure": "Procédure", "information": "Information"}

#: Who a clause is addressed to (codes of model.vocabulary.AUDIENCES), after "Pour : ".
AUDIENCE = {
    "tous": "tout le personnel", "managers": "les managers", "clients": "les personnes au contact des clients",
    "acheteurs": "les acheteurs", "animateurs": "les animateurs des comptes officiels",
    "porte-parole": "les porte-parole", "ambassadeurs": "les ambassadeurs", "rh": "les ressources humaines",
}

#: Jurisdictions (profile codes) and "eu" for European references.
JURISDICTION = {"fr": "France", "ch": "Suisse", "be": "Belgique", "lu": "Luxembourg", "qc": "Québec",
                "eu": "Union européenne"}

#: Release kinds (codes of charter_kit.model.release).
RELEASE_KIND = {"substantive": "modification substantielle", "editorial": "modification de forme"}


def role(code: str) -> str:
    """A contact role as readers see it; unknown roles (a company's own) read as their code."""
    return ROLE.get(code, code.replace("_", " ").capitalize())


def typography(text: str) -> str:
    """Plain text set the French way (no-break spaces, apostrophes, ordinals): see locales.typography."""
    from charter_kit.locales.typography import typography as apply

    return apply(text)


#: What each key of charter.yml is for, as HR reads it (the editor schema and the Référence pages).
PROFILE_KEYS = {
    "charter": "Ce qu'est la charte : titre, langue, droit applicable, statut juridique.",
    "charter.title": "Titre affiché sur le site, sur la couverture du PDF et dans chaque en-tête.",
    "charter.language": "Langue du texte de la charte. Les modules sont rédigés en français.",
    "charter.jurisdiction": "Droit applicable : `fr` France, `ch` Suisse, `be` Belgique, `lu` Luxembourg, "
                            "`qc` Québec. Il choisit les passages propres au pays et les fondements "
                            "juridiques affichés.",
    "charter.status": "Statut du document : annexe au règlement intérieur, note de service, ou simple guide "
                      "(qui ne peut fonder seul une sanction). Voir le Guide juridique.",
    "charter.effective_date": "Date d'entrée en vigueur du projet. Une version publiée fixe la sienne "
                              "(`charter release --effective`).",
    "charter.region": "Belgique seulement : région linguistique du siège d'exploitation (`bruxelles`, `wallonie`, "
                      "`flandre`, `germanophone`) ; elle dit quelle version linguistique de la charte fait foi.",
    "company": "Qui est l'entreprise.",
    "company.name": "Nom utilisé dans le texte (« Acme »).",
    "company.legal_name": "Raison sociale (« Acme SA ») ; par défaut, le nom.",
    "company.listed": "`true` si les actions de l'entreprise sont négociées sur un marché réglementé.",
    "company.website": "Site public de l'entreprise (https://…).",
    "company.entities": "Dans un groupe, les sociétés employeurs qui adoptent chacune la charte selon leur propre "
                        "procédure (`charter adoption` les suit une à une).",
    "company.entities[]": "Une société du groupe.",
    "company.entities[].id": "Identifiant court, utilisé par `charter adoption record --entity`.",
    "company.entities[].name": "Raison sociale de la société.",
    "company.entities[].establishments": "Ses établissements, quand chacun adopte la charte séparément.",
    "company.entities[].establishments[]": "Un établissement.",
    "company.entities[].establishments[].id": "Identifiant court, utilisé par `--establishment`.",
    "company.entities[].establishments[].name": "Nom de l'établissement dans les documents.",
    "company.establishments": "Pour une entreprise seule : ses établissements, quand chacun adopte la charte "
                              "séparément.",
    "company.establishments[]": "Un établissement.",
    "company.establishments[].id": "Identifiant court, utilisé par `--establishment`.",
    "company.establishments[].name": "Nom de l'établissement dans les documents.",
    "company.industrial": "Suisse : `true` pour une entreprise industrielle, qui doit avoir un règlement "
                          "d'entreprise (loi sur le travail, art. 37).",
    "contacts": "Les personnes ou équipes que les salariés peuvent joindre, par rôle (`communication`, "
                "`juridique`, `rh`, `dpo`…). Chaque module indique les rôles qu'il cite.",
    "contacts.*": "Un contact.",
    "contacts.*.name": "Qui c'est (« Direction juridique »).",
    "contacts.*.email": "Adresse e-mail.",
    "contacts.*.phone": "Numéro de téléphone, pour l'urgence.",
    "contacts.*.roles": "Autres rôles que tient ce contact (`[juridique, communication]`) : le texte et la page "
                        "des contacts le nomment alors une seule fois. Un rôle sans contact revient à `rh` "
                        "(ou à `juridique`, `communication`) : voir le guide RH.",
    "modules": "Les modules retenus, dans n'importe quel ordre : un identifiant, ou une section avec `id`, "
               "`options` et `variables`.",
    "modules[]": "Un module retenu : son identifiant seul, ou une section.",
    "modules[].id": "Identifiant du module, tel que `charter modules` le liste.",
    "modules[].options": "Les options du module (voir sa page dans le catalogue).",
    "modules[].variables": "Les valeurs des variables du module (voir sa page dans le catalogue).",
    "overrides": "Modifications clause par clause, par identifiant complet (`module.clause`). "
                 "Les comparaisons de versions les montrent comme telles.",
    "overrides.*": "La modification d'une clause : un nouveau texte, un nouveau titre, ou son retrait.",
    "overrides.*.text": "Nouveau texte Markdown de la clause (le titre reste).",
    "overrides.*.title": "Nouveau titre de la clause.",
    "overrides.*.remove": "`true` pour retirer la clause de la charte.",
    "local_modules": "Dossier des modules propres à l'entreprise, relatif au dossier de `charter.yml`. "
                     "Un module local qui porte l'identifiant d'un module de la bibliothèque le remplace.",
    "branding": "L'apparence du site et du PDF.",
    "branding.logo": "Fichier du logo (SVG, PNG ou JPEG), relatif au dossier de `charter.yml`.",
    "branding.primary_color": "Couleur principale : un nom de couleur Material (`indigo`, `teal`…) "
                              "ou `#rrggbb`.",
    "site": "Le site des salariés.",
    "site.url": "Adresse à laquelle le site est publié.",
    "pdf": "L'annexe PDF.",
    "pdf.variant": "`pdf/a-3b` ou `pdf/ua-1` : sans effet, gardé pour les anciens profils ; le PDF est "
                   "toujours à la fois PDF/A-3a (archivage) et PDF/UA-1 (balisé, accessible).",
    "charter.short_title": "Titre court, affiché dans l'en-tête du site sur téléphone et dans les références "
                           "à citer (par défaut : « Charte réseaux sociaux »).",
    "site.engine": "Moteur du site : `material` (par défaut) ou `zensical`, son successeur, à l'essai.",
    "ack": "Registre des accusés de réception des salariés (module optionnel `charter-kit[ack]`).",
    "ack.url": "Adresse du registre : chaque version publiée affiche alors un lien « Accuser réception ».",
    "pdf.signature_block": "Ajoute une page d'accusé de réception à signer, avec la version et son empreinte.",
}
