"""`charter init`: the files of a new charter project."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from charter_kit.errors import CharterError
from charter_kit.i18n import _
from charter_kit.fsutil import atomic_write
from charter_kit.locales import fr
from charter_kit.compose.module import Library
from charter_kit.compose.schema import SCHEMA_FILE, schema_text

#: The selection a new project starts from: what most companies need.
DEFAULT_MODULES = (
    "socle", "transparence", "confidentialite", "propriete-intellectuelle", "respect",
    "donnees-personnelles", "usage-personnel", "comptes-officiels", "porte-parole", "crise",
    "sanctions", "gouvernance",
)


@dataclass
class Answers:
    """What `charter init` asks: the company, its jurisdiction and its contacts."""

    company: str
    jurisdiction: str = "fr"
    listed: bool = False
    contacts: dict[str, str] = field(default_factory=dict)


def selection_for(library: Library, listed: bool) -> list[str]:
    """The default modules (plus entreprises-cotees for a listed company) present in the library."""
    wanted = list(DEFAULT_MODULES) + (["entreprises-cotees"] if listed else [])
    return [m for m in library.ids() if m in wanted]


def contact_roles(library: Library, modules: list[str]) -> list[str]:
    """Contact roles the selected modules cite, in a stable order."""
    roles: list[str] = []
    for mid in modules:
        for role in library.modules[mid].contacts:
            if role not in roles:
                roles.append(role)
    return roles


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def profile_text(answers: Answers, library: Library) -> str:
    """A commented charter.yml for HR."""
    modules = selection_for(library, answers.listed)
    lines = [
        "# yaml-language-server: $schema=./charter.schema.json",
        "# Profil de la charte : qui est l'entreprise, quels modules, avec quels réglages.",
        "# Vérifiez-le avec `charter check`, prévisualisez avec `charter serve`.",
        "",
        "charter:",
        "  title: \"Charte d'utilisation des réseaux sociaux\"",
        "  language: fr",
        f"  jurisdiction: {answers.jurisdiction}          # fr | ch | be | lu | qc",
        "  status: annexe-reglement-interieur   # ou note-de-service | guide",
        "",
        "company:",
        f"  name: {_q(answers.company)}",
        f"  listed: {'true' if answers.listed else 'false'}     # true si les actions sont cotées",
        "",
        "# Les personnes à contacter, par rôle. Chaque module indique les rôles qu'il cite",
        "# (`charter modules show ID`).",
        "contacts:",
    ]
    for role in contact_roles(library, modules):
        email = answers.contacts.get(role)
        label = fr.role(role)
        if email:
            lines += [f"  {role}:", f"    name: {_q(label)}", f"    email: {_q(email)}"]
        else:
            lines += [f"  # {role}:", f"  #   name: {_q(label)}", "  #   email: adresse à compléter"]
    lines += [
        "",
        "# Les modules retenus, dans n'importe quel ordre (`charter modules` les liste).",
        "# Pour régler un module : `- id: confidentialite` puis `options:` et `variables:`.",
        "modules:",
    ] + [f"  - {m}" for m in modules] + [
        "",
        "# Remplacer ou retirer une clause : `overrides:` puis `module.clause: {text: \"…\"}`",
        "# ou `module.clause: {remove: true}`.",
        "overrides: {}",
        "",
        "branding:",
        "  primary_color: indigo      # couleur Material ou #rrggbb",
        "  # logo: assets/logo.svg",
        "",
        "pdf:",
        "  signature_block: true      # page d'accusé de réception à signer",
        "",
    ]
    return "\n".join(lines)


README = """# Charte d'utilisation des réseaux sociaux

Ce dossier contient la charte de l'entreprise, produite avec charter-kit.

- `charter.yml` : le profil (entreprise, modules, contacts, réglages).
- `charter check` : vérifie le profil et liste ce qu'il reste à compléter.
- `charter serve` : aperçu du site dans le navigateur.
- `charter build` : site et annexe PDF dans `build/`.
- `charter release 1.0.0 --date AAAA-MM-JJ` : fige une version dans `releases/`.
- `charter publish` : site de toutes les versions dans `public/`.
"""

GITIGNORE = "build/\npublic/\n.charter-cache/\n.charter-release.lock\n"
#: Releases are sealed byte for byte: git must never convert their line endings.
GITATTRIBUTES = "releases/** -text\n"


def init_project(folder: Path, answers: Answers, library: Library) -> list[Path]:
    """Write a new project in ``folder``; refuses to overwrite an existing charter.yml."""
    profile = folder / "charter.yml"
    if profile.exists():
        raise CharterError(_("{file}: a charter.yml already exists; nothing was written").format(file=profile),
                           hint=_("choose another folder, or edit the existing profile"))
    files = {
        profile: profile_text(answers, library),
        folder / SCHEMA_FILE: schema_text(library),
        folder / "README.md": README,
        folder / ".gitignore": GITIGNORE,
        folder / ".gitattributes": GITATTRIBUTES,
    }
    written = []
    for path, text in files.items():
        if path.exists() and path != profile:
            continue  # keep the company's own README or .gitignore
        atomic_write(path, text)
        written.append(path)
    (folder / "modules").mkdir(exist_ok=True)
    (folder / "assets").mkdir(exist_ok=True)
    return written
