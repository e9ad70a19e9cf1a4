"""The web app through Starlette's test client: the employee flow, HR's dashboard, and attacks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from ack_support import write_csv
from charter_kit.ack.admins import create_admin
from charter_kit.ack.campaigns import start_campaign
from charter_kit.ack.config import SsoConfig
from charter_kit.ack.db import Acknowledgement, Employee, Event, Throttle
from charter_kit.ack.importing import import_employees
from charter_kit.ack.invitations import issue_links
from charter_kit.ack.web.app import create_app

PASSWORD = "une phrase de passe assez longue"


@pytest.fixture
def site(registry, config, employees):
    """The app with a campaign for 2.0.0, links for everyone and an HR account."""
    start_campaign(registry, "2.0.0", actor="rh")
    links = {i.matricule: "/a/" + i.link.rsplit("/a/", 1)[1] for i in issue_links(registry, config, "2.0.0", purpose="t")}
    create_admin(registry, "rh", PASSWORD, actor="test")
    app = create_app(config.with_(rate_limit_attempts=5), registry)
    return app, links


def client(app, host="203.0.113.9", **kw):
    return TestClient(app, client=(host, 40000), **kw)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def acknowledgements(registry) -> int:
    with registry.read() as session:
        return session.scalar(select(func.count()).select_from(Acknowledgement))


# -- the employee flow ------------------------------------------------------------------------------
def test_employee_page_then_receipt_after_commit(site, registry):
    app, links = site
    c = client(app)
    page = c.get(links["H001"])
    assert page.status_code == 200
    html = page.text
    for fragment in ("Charte d&#39;utilisation des réseaux sociaux", "2.0.0", "1er septembre 2027",
                     "cc1c39c47b020162513d4d88f53a35c1d13625013a17ef6767c89cfb0bfd28c5",
                     'href="https://charte.groupe-horizon.example/2.0.0/"', "Je reconnais avoir reçu",
                     "annexe au règlement intérieur de Groupe Horizon", "Ana Durand · matricule H001",
                     "J&#39;accuse réception de la version 2.0.0", "Vos données personnelles",
                     "dpo@groupe-horizon.example", "5 ans après votre départ"):
        assert fragment in html, fragment
    assert "Ce qui a changé" not in html  # a first acknowledgement
    answer = c.post(links["H001"], data={"csrf": csrf_of(html)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == links["H001"] + "?fait=1"
    assert acknowledgements(registry) == 1  # committed before the receipt page is even asked for
    receipt = c.get(answer.headers["location"]).text
    assert "C'est enregistré" in receipt and "1er septembre 2027 à 10:00" in receipt
    assert "lien personnel" in receipt and "attestation.pdf" in receipt
    assert 'name="csrf"' not in receipt  # no button once acknowledged
    again = c.post(links["H001"], data={"csrf": csrf_of(html)}, follow_redirects=True)
    assert again.status_code == 200 and acknowledgements(registry) == 1  # idempotent
    pdf = c.get(links["H001"] + "/attestation.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'attachment; filename="attestation-H001-2.0.0.pdf"'


def test_reacknowledgement_page_says_what_changed(registry, config, employees, horizon):
    from ack_support import add_release
    from charter_kit.ack.campaigns import LINK, acknowledge
    from charter_kit.ack.versions import sync

    start_campaign(registry, "2.0.0", actor="rh")
    acknowledge(registry, employees["H001"], 1, LINK)
    add_release(horizon, "2.1.0", "substantive", date="2027-10-01", effective="2027-11-01", words=True)
    sync(registry, horizon)
    start_campaign(registry, "2.1.0", actor="rh")
    (inv,) = [i for i in issue_links(registry, config, "2.1.0", purpose="t") if i.matricule == "H001"]
    html = client(create_app(config, registry)).get("/a/" + inv.link.rsplit("/a/", 1)[1]).text
    assert "Ce qui a changé depuis la version que vous avez acceptée (2.0.0)" in html
    assert "1 clause modifiée" in html and "1.1 " in html


def test_receipt_pdf_needs_an_acknowledgement(site):
    app, links = site
    response = client(app).get(links["H002"] + "/attestation.pdf")
    assert response.status_code == 404 and "Lien non valable" in response.text


# -- attacks ------------------------------------------------------------------------------------------
def test_unknown_and_expired_links_answer_identically(site, registry, clock):
    app, links = site
    c = client(app)
    unknown = c.get("/a/" + "A" * 32)
    clock.advance(days=61)
    expired = c.get(links["H003"])
    assert unknown.status_code == expired.status_code == 404
    assert unknown.content == expired.content
    strip = lambda h: {k: v for k, v in h.items() if k not in ("date", "set-cookie")}  # noqa: E731
    assert strip(unknown.headers) == strip(expired.headers)


def test_token_guessing_is_rate_limited(site, registry):
    app, links = site
    c = client(app)
    for n in range(5):
        assert c.get(f"/a/{n:032d}").status_code == 404
    blocked = c.get(links["H001"])  # even a good link, from this address, waits now
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "900"
    assert client(app, host="198.51.100.1").get(links["H001"]).status_code == 200  # others are not blocked
    with registry.read() as session:
        assert session.scalar(select(func.count()).select_from(Throttle)) == 5


def test_csrf_is_required_and_other_origins_refused(site, registry):
    app, links = site
    c = client(app)
    token = csrf_of(c.get(links["H002"]).text)
    assert c.post(links["H002"], data={}).status_code == 403
    assert c.post(links["H002"], data={"csrf": "x" * 43}).status_code == 403
    assert c.post(links["H002"], data={"csrf": token}, headers={"Origin": "https://evil.example"}).status_code == 403
    stranger = client(app)  # a cross-site form carries no CSRF cookie of ours
    assert stranger.post(links["H002"], data={"csrf": token}).status_code == 403
    assert acknowledgements(registry) == 0


def test_a_link_shows_only_its_holder(site, registry):
    app, links = site
    html = client(app).get(links["H001"]).text
    assert "Ana Durand" in html
    for other in ("Bruno", "Chloé", "David", "Émilie", "H002", "H003"):
        assert other not in html
    assert client(app).get(links["H001"] + "/../H002").status_code == 404


def test_imported_names_are_never_markup(registry, config, tmp_path):
    text = ('Matricule;Nom;Courriel;Société;Établissement\n'
            'X1;<script>alert(1)</script>;x1@x.example;<img src=x onerror=alert(2)>;"Lyon ""<b>"""\n')
    import_employees(registry, write_csv(tmp_path / "xss.csv", text), actor="t")
    start_campaign(registry, "2.0.0", actor="rh")
    (inv,) = issue_links(registry, config, "2.0.0", purpose="t")
    create_admin(registry, "rh", PASSWORD, actor="test")
    app = create_app(config, registry)
    page = client(app).get("/a/" + inv.link.rsplit("/a/", 1)[1]).text
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    admin = _logged_in(app)
    board = admin.get("/admin/campagnes/2.0.0").text
    assert "<script>" not in board and "<img src=x" not in board
    assert "&lt;img src=x onerror=alert(2)&gt;" in board


INJECTIONS = ["'; DROP TABLE employees; --", "\" OR \"1\"=\"1", "1' OR '1'='1' --", "admin'--",
              "x'); DELETE FROM events; --", "%' UNION SELECT password_hash FROM admins --"]


@pytest.mark.slow
def test_sql_injection_in_every_field(registry, config, tmp_path):
    lines = ["Matricule;Nom;Courriel;Société;Établissement;Population"]
    lines += [f'"M{n}{v.replace(chr(34), chr(34) * 2)}";"{v.replace(chr(34), chr(34) * 2)}";m{n}@x.example;'
              f'"{v.replace(chr(34), chr(34) * 2)}";"{v.replace(chr(34), chr(34) * 2)}";"{v.replace(chr(34), chr(34) * 2)}"'
              for n, v in enumerate(INJECTIONS)]
    import_employees(registry, write_csv(tmp_path / "sqli.csv", "\n".join(lines) + "\n"), actor="t")
    start_campaign(registry, "2.0.0", populations=[INJECTIONS[0]], actor="rh")
    create_admin(registry, "rh", PASSWORD, actor="test")
    app = create_app(config, registry)
    c = client(app)
    for v in INJECTIONS:
        assert c.get("/a/" + v).status_code == 404
        assert c.get("/admin/campagnes/" + v).status_code in (303, 200, 404)
        login = c.post("/admin/connexion", data={"utilisateur": v, "mot_de_passe": v,
                                                 "csrf": csrf_of(c.get("/admin/connexion").text)})
        assert login.status_code in (401, 429)
    admin = _logged_in(app, host="192.0.2.50")
    for v in INJECTIONS:
        assert admin.get("/admin/campagnes/" + v).status_code == 404
    with registry.read() as session:
        names = set(session.execute(select(Employee.name)).scalars())
        assert names == set(INJECTIONS)  # stored as data, every table intact
        assert session.scalar(select(func.count()).select_from(Event)) > 0
    st = admin.get("/admin/campagnes/2.0.0")
    assert st.status_code == 200 and '<dd id="total">1</dd>' in st.text  # the population matched as text


def test_spoofed_sso_header_from_an_untrusted_address(registry, config, employees):
    start_campaign(registry, "2.0.0", actor="rh")
    sso = config.with_(identification=("link", "sso"),
                       sso=SsoConfig(trusted_proxies=("127.0.0.1",), admin_group="rh-admin"))
    app = create_app(sso, registry)
    headers = {"X-Remote-User": "H001", "X-Remote-Groups": "rh-admin"}
    outsider = client(app, host="203.0.113.66")
    assert outsider.get("/moi", headers=headers).status_code == 403
    assert outsider.get("/admin", headers=headers, follow_redirects=False).headers["location"] == "/admin/connexion"
    proxy = client(app, host="127.0.0.1")
    page = proxy.get("/moi", headers=headers)
    assert page.status_code == 200 and "Ana Durand" in page.text
    done = proxy.post("/moi/1", headers=headers, data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert done.status_code == 303 and acknowledgements(registry) == 1
    assert "connexion d&#39;entreprise" in proxy.get("/moi?fait=1", headers=headers).text
    assert proxy.get("/admin", headers=headers).status_code == 200  # the admin group, from the proxy only
    assert proxy.get("/admin", headers={"X-Remote-User": "H001"}, follow_redirects=False).status_code == 303


def test_admin_pages_need_a_login(site):
    app, _ = site
    c = client(app)
    for path in ("/admin", "/admin/campagnes/2.0.0", "/admin/campagnes/2.0.0/export.csv",
                 "/admin/campagnes/2.0.0/export.xlsx"):
        response = c.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/admin/connexion", path
    assert c.post("/admin/campagnes/2.0.0/relance", data={}).status_code == 403
    c.cookies.set("ck_admin", "eyJ1IjoicmgifQ.forged.sig")
    assert c.get("/admin", follow_redirects=False).status_code == 303


def test_admin_login_cookie_and_csrf(site, registry):
    app, _ = site
    c = client(app)
    login_page = c.get("/admin/connexion")
    wrong = c.post("/admin/connexion", data={"utilisateur": "rh", "mot_de_passe": "faux",
                                             "csrf": csrf_of(login_page.text)})
    assert wrong.status_code == 401 and "Identifiant ou mot de passe incorrect" in wrong.text
    ok = c.post("/admin/connexion", data={"utilisateur": "rh", "mot_de_passe": PASSWORD,
                                          "csrf": csrf_of(login_page.text)}, follow_redirects=False)
    cookie = ok.headers["set-cookie"]
    assert ok.status_code == 303 and cookie.startswith("ck_admin=")
    for flag in ("HttpOnly", "SameSite=strict", "Path=/admin", "Max-Age=28800"):
        assert flag.lower() in cookie.lower(), flag
    board = c.get("/admin/campagnes/2.0.0")
    assert board.status_code == 200 and '<dd id="pending">5</dd>' in board.text and "<svg" in board.text
    assert c.post("/admin/campagnes/2.0.0/relance", data={"csrf": "forged"}).status_code == 403
    assert c.post("/admin/deconnexion", data={"csrf": "forged"}).status_code == 403
    out = c.post("/admin/deconnexion", data={"csrf": csrf_of(board.text)}, follow_redirects=False)
    assert out.status_code == 303 and c.get("/admin", follow_redirects=False).status_code == 303


def test_exports_defuse_formulas(registry, config, tmp_path):
    import io

    from openpyxl import load_workbook

    text = "Matricule;Nom;Courriel\nF1;=HYPERLINK(\"http://evil.example\");f1@x.example\nF2;@SUM(A1);f2@x.example\n"
    import_employees(registry, write_csv(tmp_path / "f.csv", text), actor="t")
    start_campaign(registry, "2.0.0", actor="rh")
    create_admin(registry, "rh", PASSWORD, actor="test")
    admin = _logged_in(create_app(config, registry))
    csv_text = admin.get("/admin/campagnes/2.0.0/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM(A1)" in csv_text
    book = load_workbook(io.BytesIO(admin.get("/admin/campagnes/2.0.0/export.xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row if str(c.value).startswith(("=", "@"))]
    assert cells and all(c.data_type == "s" for c in cells)


def test_security_headers_and_no_script_anywhere(site):
    app, links = site
    admin = _logged_in(app)
    pages = [client(app).get(p) for p in ("/", links["H004"], "/a/" + "B" * 32, "/admin/connexion", "/nulle-part")]
    pages += [admin.get("/admin"), admin.get("/admin/campagnes/2.0.0")]
    for page in pages:
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
        assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin" and page.headers["cache-control"] == "no-store"
        assert "server" not in page.headers
        assert "<script" not in page.text.lower() and " style=" not in page.text and "<style" not in page.text
        hosts = set(re.findall(r'(?:src|href)="https?://([^/"]+)', page.text))
        assert hosts <= {"charte.groupe-horizon.example"}, hosts  # the charter site, linked, never loaded


def _logged_in(app, host="203.0.113.10") -> TestClient:
    c = client(app, host=host)
    page = c.get("/admin/connexion")
    c.post("/admin/connexion", data={"utilisateur": "rh", "mot_de_passe": PASSWORD, "csrf": csrf_of(page.text)})
    assert c.get("/admin", follow_redirects=False).status_code == 200
    return c
