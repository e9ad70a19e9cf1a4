"""Who answers for each contact role: declared roles, shared contacts and the fallback chain.

A small company rarely has a legal department, a communication department and a security team:
one contact may serve several roles (``roles: [juridique, communication]`` in the profile), and a
role the profile does not give falls back along ``FALLBACK`` (``juridique`` → ``rh``). The text
then names the contact that really answers, once, instead of "the legal department: HR".

``ContactBook`` is what module text sees as ``contacts``: it resolves each role, notes which module
printed which role, and stands in for a role nobody serves with a marked address, so that only the
roles a kept clause prints are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from charter_kit.errors import Problem
from charter_kit.escape import md_escape
from charter_kit.i18n import _
from charter_kit.locales import fr

#: The role whose contact stands in for a role the profile does not give, one step at a time
#: (``dpo`` → ``juridique`` → ``rh``). ``rh`` ends every chain: a charter needs someone to ask.
FALLBACK: dict[str, str] = {
    "juridique": "rh",
    "communication": "rh",
    "securite": "rh",
    "referent_harcelement": "rh",
    "dpo": "juridique",
    "conformite": "juridique",
    "crise": "communication",
    "investisseurs": "communication",
}


def declared(contacts: Mapping[str, Any]) -> dict[str, str]:
    """{role: key of the profile contact that declares it}: each key serves itself and its ``roles``."""
    table: dict[str, str] = {}
    for key, contact in contacts.items():
        table.setdefault(key, key)
    for key, contact in contacts.items():
        for role in _roles(contact):
            table.setdefault(role, key)
    return table


def chain(role: str) -> list[str]:
    """The roles tried for ``role``, itself first: ``dpo`` → ``[dpo, juridique, rh]``."""
    out = [role]
    while out[-1] in FALLBACK and FALLBACK[out[-1]] not in out:
        out.append(FALLBACK[out[-1]])
    return out


def contact_key(role: str, contacts: Mapping[str, Any]) -> str | None:
    """The key of the profile contact that answers for ``role``, or None when the chain finds none."""
    table = declared(contacts)
    return next((table[r] for r in chain(role) if r in table), None)


def role_problems(contacts: Mapping[str, Any]) -> list[tuple[tuple, str]]:
    """(key path, message) for each role declared twice: by two contacts, or by a contact and a key."""
    problems = []
    owner: dict[str, str] = {key: key for key in contacts}
    for key, contact in contacts.items():
        for i, role in enumerate(_roles(contact)):
            if role == key:
                problems.append((("contacts", key, "roles", i), f"'{role}' is this contact's own role: "
                                                                  "leave it out of roles"))
            elif role in owner:
                other = owner[role]
                where = "has its own entry" if other == role else f"is already served by '{other}'"
                problems.append((("contacts", key, "roles", i), f"role '{role}' {where}: "
                                                                  "give each role one contact"))
            else:
                owner[role] = key
    return problems


def served_roles(key: str, used: Iterable[str], contacts: Mapping[str, Any]) -> list[str]:
    """The roles the contact ``key`` answers for among ``used`` (the roles the text prints), itself first."""
    roles = [key] + sorted({r for r in used if r != key and contact_key(r, contacts) == key})
    return roles


def _roles(contact: Any) -> list[str]:
    roles = contact.get("roles", []) if isinstance(contact, Mapping) else getattr(contact, "roles", [])
    return list(roles or [])


# -- what module text sees -------------------------------------------------------------------------
@dataclass(frozen=True)
class Contact:
    """A contact as module text sees it: ``{{ contacts.juridique }}`` prints "Name (email)"; ``.le``,
    ``.au`` and ``.du`` print who answers with its article ("au service juridique (juridique@…)"), or,
    for a contact keyed by no known role, its name ("à Claire Martin, gérante (claire@…)")."""

    name: str | None
    email: str
    phone: str | None
    key: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.email})" if self.name else self.email

    def _phrase(self, form: int, preposition: str) -> str:
        phrases = fr.ROLE_PHRASE.get(self.key or "")
        if phrases is not None:
            return f"{phrases[form]} ({self.email})"
        return f"{preposition}{self}".strip()

    @property
    def le(self) -> str:
        """Who answers, as a subject or object: "le service juridique (juridique@…)"."""
        return self._phrase(0, "")

    @property
    def au(self) -> str:
        """Who answers, after "à": "au service juridique (juridique@…)", "à Claire Martin (…)"."""
        return self._phrase(1, "à ")

    @property
    def du(self) -> str:
        """Who answers, after "de": "du service juridique (juridique@…)", "de Claire Martin (…)"."""
        return self._phrase(2, "de ")


class ContactBook:
    """Every contact role module text may print, resolved through ``compose.contacts`` (declared
    roles, then the fallback chain), with the roles each module printed and those no contact serves."""

    def __init__(self, contacts: dict[str, Any]) -> None:
        self.contacts = contacts
        self.entries = {key: Contact(c.name, c.email, c.phone, key) for key, c in contacts.items()}
        self.used: dict[str, set[str]] = {}
        self.missing: dict[str, Contact] = {}

    @classmethod
    def from_charter(cls, contacts: dict[str, dict[str, Any]]) -> ContactBook:
        """The book of a rendered charter's contacts (the roles each serves count as declared)."""
        return cls({key: SimpleNamespace(name=c.get("name"), email=c["email"], phone=c.get("phone"),
                                         roles=[r for r in c.get("roles") or () if r != key])
                    for key, c in contacts.items()})

    def lookup(self, role: str, module_id: str) -> Contact:
        """The contact that answers for ``role``; a marked stand-in when there is none."""
        self.used.setdefault(role, set()).add(module_id)
        key = contact_key(role, self.contacts)
        if key is not None:
            return self.entries[key]
        if role not in self.missing:
            # A marker the rendered text is searched for: the role is missing only if a kept clause prints it.
            self.missing[role] = Contact(None, f"contact{len(self.missing)}.manquant@charter-kit.invalid", None)
        return self.missing[role]

    def namespace(self, module_id: str) -> ContactNamespace:
        """What ``contacts`` is in one module's text."""
        return ContactNamespace(self, module_id)

    def charter_contacts(self) -> dict[str, dict[str, Any]]:
        """The charter's contacts by profile key; ``roles`` lists the roles one serves, when more than its own."""
        out = {}
        for key, c in self.contacts.items():
            entry: dict[str, Any] = {"name": c.name, "email": c.email, "phone": c.phone}
            roles = served_roles(key, self.used, self.contacts)
            if len(roles) > 1:
                entry["roles"] = roles
            out[key] = entry
        return out

    def missing_problems(self, loaded, texts: dict[str, str]) -> list[Problem]:
        """A problem for each role printed by a kept clause and served by no contact."""
        problems = []
        for role, stand_in in self.missing.items():
            users = sorted(mid for mid, text in texts.items() if md_escape(stand_in.email) in text)
            if not users:
                continue
            others = chain(role)[1:]
            instead = (_("; without it, a contact {roles} would stand in for it").format(
                roles=_(" or ").join(repr(r) for r in others)) if others else "")
            problems.append(loaded.problem(("contacts",), _(
                "missing contact '{role}' (cited by {users}); add '{entry}' under contacts, or list it in the roles "
                "of an existing contact (roles: [{role}]){instead}").format(
                    role=role, users=", ".join(users), entry=f"{role}: {{email: …}}", instead=instead)))
        return problems


class ContactNamespace(dict):
    """``contacts`` in one module's text: ``contacts.<role>`` looks the role up and notes who printed it."""

    def __init__(self, book: ContactBook, module_id: str) -> None:
        super().__init__()
        self._book = book
        self._module = module_id

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._book.lookup(name, self._module)

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)
