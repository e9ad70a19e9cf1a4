"""HR's dashboard: sign-in (argon2 password or the proxy's SSO header with the admin group),
campaigns with their counts, the progress chart, the pending list, reminders and exports.

Every form carries the session's CSRF token; the session cookie is signed, HttpOnly,
SameSite=Strict, limited to ``/admin`` and to eight hours.
"""

from __future__ import annotations

import functools
import re
import secrets
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from charter_kit.ack import status as stat
from charter_kit.ack.db import Admin, Campaign, Employee
from charter_kit.ack.versions import records, release_view
from charter_kit.ack.web.chart import progress_svg
from charter_kit.ack.web.security import ADMIN_COOKIE, ADMIN_MAX_AGE, CSRF_COOKIE
from charter_kit.errors import AckError

PAGE_SIZE = 100


class AdminPages:
    """The /admin endpoints; mixed into the app's endpoint class (which provides page, db, guard…)."""

    def admin_of(self, request: Request) -> tuple[str, str] | None:
        """(user, csrf token) of a signed-in HR user, or None."""
        sso = self.guard.sso_admin(request)
        if sso is not None:
            token = self.guard.read_cookie(request, CSRF_COOKIE)
            return sso, token if isinstance(token, str) else ""
        session = self.guard.read_cookie(request, ADMIN_COOKIE, max_age=ADMIN_MAX_AGE)
        if isinstance(session, dict) and isinstance(session.get("u"), str) and isinstance(session.get("c"), str):
            return session["u"], session["c"]
        return None

    def admin_page(self, request: Request, template: str, admin: tuple[str, str], **context: Any) -> HTMLResponse:
        user, csrf = admin
        new = False
        if not csrf:  # an SSO admin's first visit: give them a CSRF cookie
            csrf, new = self.guard.csrf_token(request)
        return self.page(request, template, csrf=csrf, new_csrf=new, user=user, **context)

    async def login_page(self, request: Request) -> Response:
        if self.admin_of(request):
            return RedirectResponse("/admin", status_code=303)
        csrf, new = self.guard.csrf_token(request)
        return self.page(request, "login.html", csrf=csrf, new_csrf=new, error=None)

    async def login(self, request: Request) -> Response:
        form = await request.form()
        csrf, new = self.guard.csrf_token(request)
        if not self.guard.check_csrf(request, form.get("csrf"), self.guard.read_cookie(request, CSRF_COOKIE)):
            return self.forbidden(request, "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page.")
        key = f"login:{self.guard.client_ip(request)}"
        if await self.db(self.guard.blocked, key):
            return self.too_many(request)
        user = str(form.get("utilisateur", ""))[:200]
        password = str(form.get("mot_de_passe", ""))[:1000]
        if not await self.db(self._check_password, user, password):
            await self.db(self.guard.failed, key)
            return self.page(request, "login.html", 401, csrf=csrf, new_csrf=new,
                             error="Identifiant ou mot de passe incorrect.")
        response = RedirectResponse("/admin", status_code=303)
        self.guard.set_cookie(response, ADMIN_COOKIE, {"u": user, "c": secrets.token_urlsafe(32)},
                              max_age=ADMIN_MAX_AGE, same_site="strict", path="/admin")
        return response

    def _check_password(self, user: str, password: str) -> bool:
        from argon2 import PasswordHasher
        from argon2.exceptions import Argon2Error, InvalidHashError

        hasher = PasswordHasher()
        with self.registry.read() as session:
            admin = session.execute(select(Admin).where(Admin.username == user)).scalar_one_or_none()
        try:
            # An unknown user costs one hash too: timing says nothing about which users exist.
            return hasher.verify(admin.password_hash if admin else _dummy_hash(), password) and admin is not None
        except (Argon2Error, InvalidHashError):
            return False

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        admin = self.admin_of(request)
        if admin is None or not self.guard.check_csrf(request, form.get("csrf"), admin[1]):
            return self.forbidden(request, "Action refusée.")
        response = RedirectResponse("/admin/connexion", status_code=303)
        response.delete_cookie(ADMIN_COOKIE, path="/admin")
        return response

    async def admin_home(self, request: Request) -> Response:
        admin = self.admin_of(request)
        if admin is None:
            return RedirectResponse("/admin/connexion", status_code=303)

        def overview():
            with self.registry.read() as session:
                employees = session.scalar(select(func.count()).select_from(Employee)
                                           .where(Employee.active.is_(True))) or 0
                return stat.overview(session), employees

        statuses, employees = await self.db(overview)
        return self.admin_page(request, "admin_home.html", admin, statuses=statuses, employees=employees)

    async def admin_campaign(self, request: Request) -> Response:
        admin = self.admin_of(request)
        if admin is None:
            return RedirectResponse("/admin/connexion", status_code=303)
        version = request.path_params["version"]
        try:
            page = max(int(request.query_params.get("page", "1")), 1)
        except ValueError:
            page = 1

        def load():
            with self.registry.read() as session:
                campaign = session.execute(select(Campaign).where(Campaign.version == version)).scalar_one_or_none()
                if campaign is None:
                    return None
                st = stat.campaign_status(session, campaign)
                rows = stat.pending(session, campaign, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
                return st, rows, records(session)

        found = await self.db(load)
        if found is None:
            return self.not_found_sync(request)
        st, rows, versions = found
        pages = max((st.totals.pending + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        sent = request.query_params.get("envoyes")
        return self.admin_page(request, "admin_campaign.html", admin, st=st, rows=rows, page=page, pages=pages,
                               chart=progress_svg(st.progress, st.totals.total, st.created_at),
                               why=lambda r: stat.why_pending(versions, r.previous, st.version),
                               view=release_view(self.config.root, version),
                               sent=int(sent) if sent and sent.isdigit() else None,
                               failed=int(request.query_params.get("echecs", "0") or 0)
                               if request.query_params.get("echecs", "").isdigit() else 0)

    async def admin_remind(self, request: Request) -> Response:
        from charter_kit.ack.invitations import send

        form = await request.form()
        admin = self.admin_of(request)
        if admin is None:
            return self.forbidden(request, "Connectez-vous d'abord.")
        if not self.guard.check_csrf(request, form.get("csrf"), admin[1]):
            return self.forbidden(request, "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page.")
        version = request.path_params["version"]
        try:
            result = await run_in_threadpool(send, self.registry, self.config, version, reminder=True)
        except AckError as exc:
            # The dashboard speaks French whatever the server's locale: the message, then its advice.
            lines = [exc.text] + ([f"Conseil : {exc.hint}"] if exc.hint else [])
            return self.admin_page(request, "message.html", admin, title="Relance impossible", lines=lines)
        return RedirectResponse(f"/admin/campagnes/{quote(version)}?envoyes={len(result.report.sent)}"
                                f"&echecs={len(result.report.failed)}", status_code=303)

    async def _export_target(self, request: Request) -> str | Response:
        """The campaign an export asks for, or the answer when it may not have it (login, unknown)."""
        if self.admin_of(request) is None:
            return RedirectResponse("/admin/connexion", status_code=303)
        version = request.path_params["version"]
        if not await self.db(self._campaign_exists, version):
            return self.not_found_sync(request)
        return version

    async def admin_csv(self, request: Request) -> Response:
        from charter_kit.ack.exports import campaign_csv

        version = await self._export_target(request)
        if isinstance(version, Response):
            return version
        return StreamingResponse(campaign_csv(self.registry, version), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="campagne-{_safe(version)}.csv"'})

    async def admin_xlsx(self, request: Request) -> Response:
        from charter_kit.ack.exports import campaign_xlsx

        version = await self._export_target(request)
        if isinstance(version, Response):
            return version
        data = await self.db(campaign_xlsx, self.registry, version)
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="campagne-{_safe(version)}.xlsx"'})

    def _campaign_exists(self, version: str) -> bool:
        with self.registry.read() as session:
            return session.execute(select(Campaign.id).where(Campaign.version == version)).first() is not None




def _safe(version: str) -> str:
    """A version as a file name part."""
    return re.sub(r"[^0-9A-Za-z.+-]", "_", version)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real argon2 hash of a random password, checked when the user is unknown."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(secrets.token_urlsafe(16))
