"""What every response and form of the registry's web app relies on.

- Security headers on every response: a Content-Security-Policy without any inline script or
  style and without third-party origins, no framing, no referrer to other sites (links carry tokens), no sniffing.
- Signed cookies (itsdangerous), HttpOnly, SameSite, Secure when the registry is served over HTTPS.
- CSRF: every form carries a token that must match the one in a signed cookie (the admin session's
  own token for HR), and a cross-origin ``Origin`` header is refused outright.
- The client's address: the peer's, or the last ``X-Forwarded-For`` hop when the peer is a
  trusted proxy; only a trusted proxy may also assert an identity (single sign-on header).
- Rate limiting of failed attempts (bad tokens, bad passwords) per address, kept in the database
  so that every worker sees the same count.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from starlette.requests import Request
from starlette.responses import Response

from charter_kit.ack.config import AckConfig
from charter_kit.ack.db import Registry, Throttle

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
CSRF_COOKIE = "ck_csrf"
ADMIN_COOKIE = "ck_admin"
ADMIN_MAX_AGE = 8 * 3600


class SecurityHeaders:
    """ASGI middleware adding the security headers (and no-store for pages) to every response."""

    def __init__(self, app, *, https: bool) -> None:
        self.app = app
        self.extra = list(HEADERS)
        if https:
            self.extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope.get("path", "").startswith("/static/")

        async def wrapped(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.extra if k not in names]
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, wrapped)


@dataclass
class Guard:
    """Signing, CSRF, client addresses, identity headers and rate limits for one app."""

    config: AckConfig
    registry: Registry
    secret: str

    def __post_init__(self) -> None:
        self.signer = URLSafeTimedSerializer(self.secret, salt="charter-ack")
        self.https = self.config.public_url.startswith("https://")

    # -- cookies ---------------------------------------------------------------------------------
    def set_cookie(self, response: Response, name: str, value: object, *, max_age: int | None, same_site: str,
                   path: str = "/") -> None:
        """A signed, HttpOnly cookie."""
        response.set_cookie(name, self.signer.dumps(value), max_age=max_age, path=path, httponly=True,
                            samesite=same_site, secure=self.https)

    def read_cookie(self, request: Request, name: str, max_age: int | None = None):
        """A signed cookie's value, or None when absent, forged or too old."""
        raw = request.cookies.get(name)
        if not raw:
            return None
        try:
            return self.signer.loads(raw, max_age=max_age)
        except BadSignature:
            return None

    # -- CSRF ------------------------------------------------------------------------------------
    def csrf_token(self, request: Request) -> tuple[str, bool]:
        """The visitor's CSRF token, and whether it is new (then the caller sets the cookie)."""
        value = self.read_cookie(request, CSRF_COOKIE)
        if isinstance(value, str) and len(value) >= 32:
            return value, False
        return secrets.token_urlsafe(32), True

    def remember_csrf(self, response: Response, token: str) -> None:
        """Set the CSRF cookie (Lax: the form page may be reached from a link in a mail)."""
        self.set_cookie(response, CSRF_COOKIE, token, max_age=None, same_site="lax")

    def same_origin(self, request: Request) -> bool:
        """False when the browser says the request comes from another site."""
        origin = request.headers.get("origin")
        if origin is None or origin == "null":
            return origin is None
        host = request.headers.get("host", "")
        return urlsplit(origin).netloc == host

    def check_csrf(self, request: Request, submitted: str | None, expected: str | None) -> bool:
        """True when the form's token matches the cookie's and the origin is ours."""
        if not self.same_origin(request) or not submitted or not expected:
            return False
        return hmac.compare_digest(str(submitted), str(expected))

    # -- addresses and identity ------------------------------------------------------------------
    def peer(self, request: Request) -> str:
        """The address of whoever opened the connection."""
        return request.client.host if request.client else ""

    def client_ip(self, request: Request) -> str:
        """The visitor's address: the last forwarded hop when a trusted proxy relays it."""
        peer = self.peer(request)
        if self.config.sso.trusts(peer):
            forwarded = request.headers.get("x-forwarded-for", "")
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if hops:
                return hops[-1][:64]
        return peer

    def sso_user(self, request: Request) -> str | None:
        """The identity a trusted proxy asserts, or None (the header from anyone else is ignored)."""
        if not self.config.sso.trusts(self.peer(request)):
            return None
        value = request.headers.get(self.config.sso.header, "").strip()
        return value[:254] or None

    def sso_admin(self, request: Request) -> str | None:
        """The SSO user when the proxy also says they belong to the admin group."""
        user = self.sso_user(request)
        group = self.config.sso.admin_group
        if user is None or not group:
            return None
        groups = {g.strip() for g in request.headers.get(self.config.sso.groups_header, "").replace(";", ",").split(",")}
        return user if group in groups else None

    # -- rate limiting ---------------------------------------------------------------------------
    def blocked(self, key: str, session=None) -> bool:
        """True when this key failed too often within the window."""
        if session is None:
            with self.registry.read() as session:
                return self.blocked(key, session)
        since = time.time() - 60 * self.config.rate_limit_minutes
        count = session.scalar(select(func.count()).select_from(Throttle)
                               .where(Throttle.key == key[:100], Throttle.at >= since)) or 0
        return count >= self.config.rate_limit_attempts

    def failed(self, key: str) -> None:
        """Remember one failed attempt (and forget attempts older than a day)."""
        now = time.time()
        with self.registry.write() as session:
            session.add(Throttle(key=key[:100], at=now))
            if secrets.randbelow(50) == 0:
                session.execute(delete(Throttle).where(Throttle.at < now - 86400))

    def retry_after(self) -> str:
        """The Retry-After value for a blocked visitor, in seconds."""
        return str(60 * self.config.rate_limit_minutes)
