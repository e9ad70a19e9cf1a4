"""Who answers for each contact role: declared roles, shared contacts and the fallback chain.

A small company rarely has a legal department, a communication department and a security team:
one contact may serve several roles (``roles: [juridique, communication]`` in the profile), and a
role the profile does not give falls back along ``FALLBACK`` (``juridique`` → ``rh``). The text
then names the contact that really answers, once, instead of "the legal department: HR".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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
