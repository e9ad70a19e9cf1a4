"""HR accounts of the dashboard: a user name and an argon2 hash of the password."""

from __future__ import annotations

from sqlalchemy import select

from charter_kit.ack.db import Admin, Registry, iso
from charter_kit.ack.events import append
from charter_kit.errors import AckError

MIN_LENGTH = 12


def create_admin(registry: Registry, username: str, password: str, *, actor: str) -> None:
    """Create an HR account; refuse a taken name or a short password."""
    from argon2 import PasswordHasher

    username = username.strip()
    if not username or len(username) > 200 or any(ord(c) < 32 for c in username):
        raise AckError("identifiant vide, trop long ou avec des caractères de contrôle")
    if len(password) < MIN_LENGTH:
        raise AckError(f"mot de passe trop court : {MIN_LENGTH} caractères au moins",
                       hint="une phrase de passe de quatre ou cinq mots convient")
    digest = PasswordHasher().hash(password)
    with registry.errors("la création du compte"), registry.write() as session:
        if session.execute(select(Admin.id).where(Admin.username == username)).first():
            raise AckError(f"le compte « {username} » existe déjà")
        session.add(Admin(username=username, password_hash=digest, created_at=iso(registry.now())))
        append(registry, session, "admin.created", {"username": username, "actor": actor})
