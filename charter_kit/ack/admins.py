"""HR accounts of the dashboard: a user name and an argon2 hash of the password."""

from __future__ import annotations

from sqlalchemy import select

from charter_kit.ack.db import Admin, Registry, iso
from charter_kit.ack.events import append
from charter_kit.errors import AckError
from charter_kit.i18n import _

MIN_LENGTH = 12


def create_admin(registry: Registry, username: str, password: str, *, actor: str) -> None:
    """Create an HR account; refuse a taken name or a short password."""
    from argon2 import PasswordHasher

    username = username.strip()
    if not username or len(username) > 200 or any(ord(c) < 32 for c in username):
        raise AckError(_("user name empty, too long or with control characters"))
    if len(password) < MIN_LENGTH:
        raise AckError(_("password too short: {count} characters at least").format(count=MIN_LENGTH),
                       hint=_("a passphrase of four or five words will do"))
    digest = PasswordHasher().hash(password)
    with registry.errors(_("creating the account")), registry.write() as session:
        if session.execute(select(Admin.id).where(Admin.username == username)).first():
            raise AckError(_("the account '{name}' already exists").format(name=username))
        session.add(Admin(username=username, password_hash=digest, created_at=iso(registry.now())))
        append(registry, session, "admin.created", {"username": username, "actor": actor})
