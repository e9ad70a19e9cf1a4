"""The registry's web app (Starlette): the employee page and HR's dashboard.

Employees reach their page through a personal link (``/a/<token>``) or, behind a trusted reverse
proxy doing single sign-on, at ``/moi``. The page shows the version, its effective date and
digest, a link to read it on the published site, what changed since the version they accepted
(for a re-acknowledgement), what they declare, the privacy notice and one button. The receipt is
shown only once the acknowledgement is committed (post, commit, redirect, read back).

HR signs in at ``/admin`` (argon2 password, or the proxy's SSO header with the admin group).

No script anywhere: the pages are HTML and CSS served by the app itself, the chart is SVG drawn on
the server, and the Content-Security-Policy forbids anything else.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from charter_kit.errors import AckError
from charter_kit.i18n import speaking

from charter_kit.ack import campaigns as camp
from charter_kit.ack.config import PROJECT_ENV, AckConfig, default_privacy_notice, load_config
from charter_kit.ack.db import Campaign, Employee, Registry, database_url
from charter_kit.ack.fr import french_date, local_text, utc_text
from charter_kit.ack.tokens import resolve
from charter_kit.ack.versions import changes_since, records, release_view
from charter_kit.ack.wording import wording
from charter_kit.ack.web.admin import AdminPages
from charter_kit.ack.web.security import Guard, SecurityHeaders

HERE = Path(__file__).resolve().parent
log = logging.getLogger("charter_kit.ack.web")


class French:
    """Every message a request meets in French, whatever the server's locale: the employees' pages and
    HR's dashboard are in the charter's language (a failed reminder, why someone is pending)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        with speaking("fr"):
            await self.app(scope, receive, send)


class Unavailable(Exception):
    """The database could not record or read: the visitor is told to retry, nothing is shown as done."""


def create_app(config: AckConfig, registry: Registry | None = None) -> Starlette:
    """The ASGI app for one charter project's registry."""
    registry = registry or Registry(database_url(config.root, config.database))
    guard = Guard(config, registry, registry.secret())
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, undefined=StrictUndefined)
    env.globals.update(french_date=french_date, quote=quote)
    web = _Web(config, registry, guard, env)
    routes = [
        Route("/", web.home),
        Route("/sante", web.health),
        Route("/a/{token}", web.employee_page, methods=["GET"]),
        Route("/a/{token}", web.employee_ack, methods=["POST"]),
        Route("/a/{token}/attestation.pdf", web.employee_pdf),
        Route("/moi", web.sso_page, methods=["GET"]),
        Route("/moi/{campaign:int}", web.sso_ack, methods=["POST"]),
        Route("/moi/{campaign:int}/attestation.pdf", web.sso_pdf),
        Route("/admin", web.admin_home),
        Route("/admin/connexion", web.login_page, methods=["GET"]),
        Route("/admin/connexion", web.login, methods=["POST"]),
        Route("/admin/deconnexion", web.logout, methods=["POST"]),
        Route("/admin/campagnes/{version}", web.admin_campaign),
        Route("/admin/campagnes/{version}/relance", web.admin_remind, methods=["POST"]),
        Route("/admin/campagnes/{version}/export.csv", web.admin_csv),
        Route("/admin/campagnes/{version}/export.xlsx", web.admin_xlsx),
        Route("/static/theme.css", web.theme),
        Route("/static/logo", web.logo),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(French), Middleware(SecurityHeaders, https=guard.https)],
                    exception_handlers={404: web.not_found, 405: web.not_allowed, 500: web.server_error,
                                        Unavailable: web.unavailable})
    app.state.registry = registry
    app.state.config = config
    return app


def app_from_env() -> Starlette:
    """The app for ``uvicorn --factory`` (one per worker): project from $CHARTER_ACK_PROJECT."""
    root = Path(os.environ.get(PROJECT_ENV, "."))
    return create_app(load_config(root))


class _Web(AdminPages):
    """The endpoints, sharing the settings, the registry, the guard and the templates."""

    def __init__(self, config: AckConfig, registry: Registry, guard: Guard, env: Environment) -> None:
        self.config, self.registry, self.guard, self.env = config, registry, guard, env

    # -- rendering ---------------------------------------------------------------------------------
    def page(self, request: Request, template: str, status: int = 200, *, csrf: str | None = None,
             new_csrf: bool = False, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(csrf=csrf or "", theme=self._has_versions(), **context)
        response = HTMLResponse(html, status_code=status, headers=headers)
        if new_csrf and csrf:
            self.guard.remember_csrf(response, csrf)
        return response

    def _has_versions(self) -> bool:
        return True

    async def db(self, fn, *args, **kwargs):
        """Run a database call in the thread pool; a database failure becomes Unavailable."""
        try:
            return await run_in_threadpool(fn, *args, **kwargs)
        except AckError as exc:
            if isinstance(exc, camp.NotConcerned):
                raise
            log.error("registre indisponible : %s", exc.message)
            raise Unavailable(exc.message) from None
        except SQLAlchemyError as exc:
            log.error("registre indisponible : %s", exc)
            raise Unavailable(str(exc)) from None

    # -- errors ------------------------------------------------------------------------------------
    async def not_found(self, request: Request, exc) -> Response:
        return self.page(request, "message.html", 404, title="Page introuvable",
                         lines=["Cette page n'existe pas."])

    async def not_allowed(self, request: Request, exc) -> Response:
        return self.page(request, "message.html", 405, title="Action non permise",
                         lines=["Cette action n'est pas permise ici."])

    async def server_error(self, request: Request, exc) -> Response:
        return self.page(request, "message.html", 500, title="Erreur",
                         lines=["Une erreur s'est produite. Rien n'a été enregistré ; réessayez plus tard."])

    async def unavailable(self, request: Request, exc) -> Response:
        return self.page(request, "message.html", 503, headers={"Retry-After": "30"},
                         title="Enregistrement impossible pour le moment",
                         lines=["Le registre ne peut pas enregistrer votre demande pour le moment : rien n'a été "
                                "enregistré.", "Réessayez dans quelques minutes avec le même lien."])

    def invalid_link(self, request: Request) -> Response:
        """The one answer to an unknown, expired, foreign or withdrawn link."""
        return self.page(request, "message.html", 404, title="Lien non valable",
                         lines=["Ce lien n'est pas valable ou n'est plus valable.",
                                "Demandez un nouveau lien au service des ressources humaines."])

    def too_many(self, request: Request) -> Response:
        return self.page(request, "message.html", 429, headers={"Retry-After": self.guard.retry_after()},
                         title="Trop de tentatives",
                         lines=["Trop de tentatives depuis votre connexion. Réessayez plus tard."])

    def forbidden(self, request: Request, line: str) -> Response:
        return self.page(request, "message.html", 403, title="Action refusée", lines=[line])

    # -- public ------------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        return self.page(request, "message.html", title="Registre des accusés de réception",
                         lines=["Pour accuser réception de la charte, ouvrez le lien personnel que vous avez reçu."],
                         sso=self.config.sso_enabled)

    async def health(self, request: Request) -> Response:
        def check():
            with self.registry.read() as session:
                session.execute(select(func.count()).select_from(Campaign))
        await self.db(check)
        return PlainTextResponse("ok")

    async def theme(self, request: Request) -> Response:
        view = await self.db(self._newest_view)
        color = view.brand_color if view else "#3f51b5"
        return Response(f":root {{ --ck-brand: {color}; }}\n", media_type="text/css",
                        headers={"Cache-Control": "public, max-age=300"})

    async def logo(self, request: Request) -> Response:
        view = await self.db(self._newest_view)
        if view is None or not view.logo or view.logo_type not in ("image/svg+xml", "image/png", "image/jpeg"):
            return Response(status_code=404)
        return Response(view.logo, media_type=view.logo_type,
                        headers={"Cache-Control": "public, max-age=300",
                                 "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox"})

    def _newest_view(self):
        with self.registry.read() as session:
            versions = records(session)
        return release_view(self.config.root, versions[-1].version) if versions else None

    # -- the employee page (personal link) ---------------------------------------------------------
    def _lookup(self, key: str, token: str, with_state: bool):
        """One read: is the address blocked, whose token is it, and (for the page) where they stand."""
        with self.registry.read() as session:
            if self.guard.blocked(key, session):
                return "blocked", None
            holder = resolve(session, token, self.registry.now())
            if holder is None or not with_state:
                return holder, None
            return holder, camp.employee_state(session, holder.employee_id, holder.campaign_id)

    async def _valid_token(self, request: Request, token: str, *, with_state: bool = False):
        """(holder, state, None), or (None, None, a response): 429 when blocked, else the invalid-link page."""
        key = f"token:{self.guard.client_ip(request)}"
        holder, state = await self.db(self._lookup, key, token, with_state)
        if holder == "blocked":
            return None, None, self.too_many(request)
        if holder is None:
            await self.db(self.guard.failed, key)
            return None, None, self.invalid_link(request)
        return holder, state, None

    async def employee_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        holder, state, refusal = await self._valid_token(request, token, with_state=True)
        if refusal:
            return refusal
        return await self._employee_view(request, holder.employee_id, holder.campaign_id, state=state,
                                         action=f"/a/{token}", pdf=f"/a/{token}/attestation.pdf")

    async def _employee_view(self, request: Request, employee_id: int, campaign_id: int, *, action: str,
                             pdf: str, others: list | None = None, state=None) -> Response:
        if state is None:
            state = await self.db(self._state, employee_id, campaign_id)
        view = release_view(self.config.root, state.version.version)
        changes = None
        if state.reack and state.receipt is None and state.later is None:
            changes = changes_since(self.config.root, state.previous.version, state.version.version)
        csrf, new = self.guard.csrf_token(request)
        notice = self.config.privacy_notice or default_privacy_notice(self.config.retention_years, view.dpo_email)
        receipt = state.receipt
        return self.page(request, "employee.html", csrf=csrf, new_csrf=new, view=view, state=state,
                         changes=changes, words=wording(view), action=action, pdf=pdf, others=others or [],
                         done=request.query_params.get("fait") == "1", notice=notice.split("\n"),
                         receipt_utc=utc_text(receipt.at) if receipt else "",
                         receipt_local=local_text(receipt.at, self.config.timezone) if receipt else "",
                         method=camp.METHOD_LABELS.get(receipt.method, "") if receipt else "")

    def _state(self, employee_id: int, campaign_id: int):
        with self.registry.read() as session:
            return camp.employee_state(session, employee_id, campaign_id)

    async def employee_ack(self, request: Request) -> Response:
        token = request.path_params["token"]
        form = await request.form()
        holder, _, refusal = await self._valid_token(request, token)
        if refusal:
            return refusal
        if not self.guard.check_csrf(request, form.get("csrf"), self.guard.read_cookie(request, "ck_csrf")):
            return self.forbidden(request, "Le formulaire a expiré ou ne vient pas de ce site. Rouvrez votre lien et "
                                           "recommencez.")
        try:
            await self.db(camp.acknowledge, self.registry, holder.employee_id, holder.campaign_id, camp.LINK,
                          ip=self.guard.client_ip(request), token_id=holder.token_id)
        except camp.NotConcerned:
            return self.invalid_link(request)
        return RedirectResponse(f"/a/{token}?fait=1", status_code=303)

    async def employee_pdf(self, request: Request) -> Response:
        token = request.path_params["token"]
        holder, _, refusal = await self._valid_token(request, token)
        if refusal:
            return refusal
        return await self._certificate(request, holder.employee_id, holder.campaign_id)

    async def _certificate(self, request: Request, employee_id: int, campaign_id: int) -> Response:
        from charter_kit.ack.proof import certificate, certificate_pdf

        def build():
            with self.registry.read() as session:
                emp = session.get(Employee, employee_id)
                campaign = session.get(Campaign, campaign_id)
                state = camp.employee_state(session, employee_id, campaign_id)
            if state.receipt is None:
                return None
            return certificate(self.registry, self.config, emp.matricule, campaign.version)

        cert = await self.db(build)
        if cert is None:
            return self.invalid_link(request)
        data = await run_in_threadpool(certificate_pdf, cert)
        return Response(data, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{cert.filename()}"'})

    # -- the employee page (single sign-on) --------------------------------------------------------
    def _sso_employee(self, request: Request) -> Employee | None:
        user = self.guard.sso_user(request)
        if user is None:
            return None
        column = Employee.email if self.config.sso.match == "email" else Employee.matricule
        value = user.lower() if self.config.sso.match == "email" else user
        with self.registry.read() as session:
            where = func.lower(column) == value if self.config.sso.match == "email" else column == value
            return session.execute(select(Employee).where(where, Employee.active.is_(True))).scalar_one_or_none()

    async def _sso_gate(self, request: Request):
        if not self.config.sso_enabled:
            return None, self.not_found_sync(request)
        if self.guard.sso_user(request) is None:
            return None, self.forbidden(request, "La connexion d'entreprise n'est pas disponible depuis votre accès. "
                                                 "Utilisez le lien personnel reçu par courriel.")
        emp = await self.db(self._sso_employee, request)
        if emp is None:
            return None, self.forbidden(request, "Votre identifiant ne figure pas dans le registre. Adressez-vous au "
                                                 "service des ressources humaines.")
        return emp, None

    def not_found_sync(self, request: Request) -> Response:
        return self.page(request, "message.html", 404, title="Page introuvable", lines=["Cette page n'existe pas."])

    async def sso_page(self, request: Request) -> Response:
        emp, refusal = await self._sso_gate(request)
        if refusal:
            return refusal

        def campaigns():
            with self.registry.read() as session:
                return [(c.id, c.version) for c in camp.campaigns_for(session, emp.id)]

        found = await self.db(campaigns)
        if not found:
            return self.page(request, "message.html", title="Rien à faire",
                             lines=["Aucune demande d'accusé de réception ne vous concerne pour le moment."])
        current = found[0][0]
        return await self._employee_view(request, emp.id, current, action=f"/moi/{current}",
                                         pdf=f"/moi/{current}/attestation.pdf", others=found[1:])

    async def sso_ack(self, request: Request) -> Response:
        form = await request.form()
        emp, refusal = await self._sso_gate(request)
        if refusal:
            return refusal
        if not self.guard.check_csrf(request, form.get("csrf"), self.guard.read_cookie(request, "ck_csrf")):
            return self.forbidden(request, "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et "
                                           "recommencez.")
        try:
            await self.db(camp.acknowledge, self.registry, emp.id, request.path_params["campaign"], camp.SSO,
                          ip=self.guard.client_ip(request))
        except camp.NotConcerned:
            return self.forbidden(request, "Cette demande ne vous concerne pas.")
        return RedirectResponse("/moi?fait=1", status_code=303)

    async def sso_pdf(self, request: Request) -> Response:
        emp, refusal = await self._sso_gate(request)
        if refusal:
            return refusal
        return await self._certificate(request, emp.id, request.path_params["campaign"])
