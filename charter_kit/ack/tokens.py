"""Personal links: random tokens of 192 bits, stored as their sha256, expiring, single-purpose.

A token only lets one employee acknowledge one campaign's version (and fetch that receipt). The
registry never stores the token itself, so a copy of the database gives no working link. An
unknown, expired, foreign-purpose token or one whose holder has left all resolve to None: the web
app answers them identically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from charter_kit.ack.db import Employee, Token, iso

TOKEN_BYTES = 24  # 192 bits of randomness, more than the 128 asked
PURPOSE_ACK = "ack"
_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")


def new_token() -> str:
    """A fresh token, URL-safe (32 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the registry stores instead of the token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue(session: Session, employee_ids: Sequence[int], campaign_id: int, now: dt.datetime, days: int,
          purpose: str = PURPOSE_ACK) -> dict[int, str]:
    """Create one token per employee for the campaign; return {employee id: token} (shown once)."""
    created, expires = iso(now), iso(now + dt.timedelta(days=days))
    tokens = {emp: new_token() for emp in employee_ids}
    rows = [dict(token_hash=token_hash(tok), employee_id=emp, campaign_id=campaign_id, purpose=purpose,
                 created_at=created, expires_at=expires) for emp, tok in tokens.items()]
    for start in range(0, len(rows), 5000):
        session.execute(insert(Token), rows[start:start + 5000])
    return tokens


@dataclass(frozen=True)
class Holder:
    """Who a valid token belongs to and for which campaign."""

    token_id: int
    employee_id: int
    campaign_id: int
    expires_at: str


def resolve(session: Session, token: str, now: dt.datetime, purpose: str = PURPOSE_ACK) -> Holder | None:
    """The holder of a valid token, or None (unknown, expired, other purpose, employee gone)."""
    # Always look the hash up, even for a malformed token: every refusal costs the same.
    row = session.execute(select(Token, Employee.active).join(Employee, Employee.id == Token.employee_id)
                          .where(Token.token_hash == token_hash(token))).first()
    if row is None or not _SHAPE.fullmatch(token):
        return None
    tok, active = row
    if tok.purpose != purpose or tok.expires_at <= iso(now) or not active:
        return None
    return Holder(tok.id, tok.employee_id, tok.campaign_id, tok.expires_at)
