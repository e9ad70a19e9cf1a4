"""The employee page on a 390 px phone and HR's dashboard, in the real Chromium, against the real server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ack_support import ROOT, free_port, launch_chromium, serve, write_csv

ARTIFACTS = ROOT / "tests" / "artifacts"
PASSWORD = "une phrase de passe assez longue"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def served(horizon: Path, tmp_path: Path, smtp_server):
    """The example's registry with a campaign for 2.0.0, served by `charter ack serve`."""
    from charter_kit.ack.admins import create_admin
    from charter_kit.ack.campaigns import start_campaign
    from charter_kit.ack.config import load_config
    from charter_kit.ack.db import Registry, database_url
    from charter_kit.ack.importing import import_employees
    from charter_kit.ack.invitations import issue_links
    from charter_kit.ack.versions import sync

    port = free_port()
    (horizon / "acks").mkdir()
    (horizon / "acks" / "config.yml").write_text(
        f"public_url: http://127.0.0.1:{port}\n"
        f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, sender: 'RH <rh@groupe-horizon.example>'}}\n")
    url = database_url(horizon)
    registry = Registry(url)
    sync(registry, horizon)
    import_employees(registry, write_csv(tmp_path / "salaries.csv"), actor="test")
    start_campaign(registry, "2.0.0", actor="rh")
    links = {i.matricule: i.link for i in issue_links(registry, load_config(horizon), "2.0.0", purpose="test")}
    create_admin(registry, "rh", PASSWORD, actor="test")
    registry.close()
    server = serve(horizon, url, port=port, log=tmp_path / "server.log")
    try:
        yield server, links
    finally:
        server.stop()


def watch(page, origin: str) -> dict:
    """Collect requests to other origins and console messages about the CSP."""
    seen = {"foreign": [], "csp": []}
    page.on("request", lambda r: seen["foreign"].append(r.url)
            if urlsplit(r.url).netloc != urlsplit(origin).netloc else None)
    page.on("console", lambda m: seen["csp"].append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def test_employee_acknowledges_on_a_phone(served, tmp_path):
    from playwright.sync_api import sync_playwright

    server, links = served
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                      device_scale_factor=2, locale="fr-FR", accept_downloads=True)
        page = context.new_page()
        seen = watch(page, server.url)
        page.goto(links["H003"])
        assert page.locator("h1").inner_text() == "Charte d'utilisation des réseaux sociaux"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        button = page.get_by_role("button", name="J'accuse réception de la version 2.0.0")
        box = button.bounding_box()
        assert box["width"] >= 300 and box["height"] >= 44  # a thumb-sized target
        assert page.get_by_text("Vos données personnelles").is_visible()
        assert page.locator("img.logo").evaluate("img => img.naturalWidth") > 0  # the logo, served locally
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ack-phone-form.png"), full_page=True)
        button.tap()
        page.wait_for_url("**?fait=1")
        receipt = page.locator("#recu")
        assert "C'est enregistré" in receipt.inner_text()
        assert "Chloé Petit, vous avez accusé réception de la version 2.0.0" in receipt.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "ack-phone-receipt.png"), full_page=True)
        page.reload()
        assert page.locator("#recu").is_visible() and page.get_by_role("button").count() == 0
        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger votre attestation (PDF)").click()
        saved = tmp_path / "attestation.pdf"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF") and download.value.suggested_filename == "attestation-H003-2.0.0.pdf"
        page.goto(server.url + "/a/" + "Z" * 32)
        assert "Lien non valable" in page.locator("h1").inner_text()
        browser.close()
    assert seen["foreign"] == [] and seen["csp"] == []


def test_hr_dashboard_login_counts_chart_reminders(served, smtp_server):
    from playwright.sync_api import sync_playwright

    server, links = served
    import httpx

    with httpx.Client() as c:  # one employee acknowledges first, through the form
        page = c.get(links["H001"]).text
        import re

        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        assert c.post(links["H001"], data={"csrf": token}).status_code == 303
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        seen = watch(page, server.url)
        page.goto(server.url + "/admin")
        assert page.url.endswith("/admin/connexion")
        page.get_by_label("Identifiant").fill("rh")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("link", name="2.0.0").click()
        assert page.locator("#total").inner_text() == "5" and page.locator("#acknowledged").inner_text() == "1"
        assert page.locator("#percent").inner_text() == "20,0 %"
        chart = page.locator("svg.chart")
        assert chart.is_visible() and chart.locator("polyline").count() == 1
        assert page.locator("#pending-list tbody tr").count() == 4
        page.screenshot(path=str(ARTIFACTS / "ack-dashboard.png"), full_page=True)
        page.get_by_role("button", name="Relancer les 4 salariés en attente").click()
        assert "Relance : 3 courriel(s) envoyé(s)" in page.locator(".notice").inner_text()  # H005 has no address
        with page.expect_download() as download:
            page.get_by_role("link", name="Export Excel").click()
        assert download.value.suggested_filename == "campagne-2.0.0.xlsx"
        browser.close()
    assert len(smtp_server.received) == 3
    assert all(m["Subject"].startswith("Rappel : ") for m in smtp_server.received)
    assert seen["foreign"] == [] and seen["csp"] == []
