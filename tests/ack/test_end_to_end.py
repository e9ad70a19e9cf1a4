"""The whole flow on the listed example, with the real CLI, the real server, Chromium and SMTP.

Import a CSV of employees, open the campaign of the current release, acknowledge through personal
links on a phone, send reminders to the rest, release a substantive version and see who must
acknowledge again, release an editorial one and see acknowledgements carried forward, produce a
proof certificate and verify the chain.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from ack_support import free_port, launch_chromium, serve, write_csv
from charter_kit.cli import cli

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def charter(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)
    assert result.exit_code == 0, result.output
    return result.output


def acknowledge_in_chromium(browser, link: str, *, expect_changes_from: str | None = None) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(link)
    if expect_changes_from:
        assert f"Ce qui a changé depuis la version que vous avez acceptée ({expect_changes_from})" in page.content()
    page.get_by_role("button", name=re.compile("J'accuse réception")).tap()
    page.wait_for_url("**?fait=1")
    assert "C'est enregistré" in page.locator("#recu").inner_text()
    page.close()


def test_whole_flow_on_the_listed_example(horizon_full: Path, tmp_path: Path, smtp_server):
    import datetime as dt

    from playwright.sync_api import sync_playwright

    from charter_kit.store.releases import load_releases

    horizon = horizon_full
    p = horizon / "charter.yml"
    last = load_releases(horizon)[-1]  # the example's current release, whatever its number
    current = last.version
    major, minor, _ = (int(n) for n in current.split("."))
    substantive, editorial = f"{major}.{minor + 1}.0", f"{major}.{minor + 1}.1"
    day = dt.date.fromisoformat(last.date) + dt.timedelta(days=10)
    effective = (dt.date.fromisoformat(last.effective_date) + dt.timedelta(days=60)).isoformat()
    port = free_port()
    (horizon / "acks").mkdir()
    (horizon / "acks" / "config.yml").write_text(
        f"public_url: http://127.0.0.1:{port}\n"
        f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, sender: 'RH Groupe Horizon <rh@groupe-horizon.example>'}}\n",
        encoding="utf-8")

    # 1. Employees, and the campaign of the current release.
    assert "5 employees read" in charter("ack", "-p", p, "import", write_csv(tmp_path / "salaries.csv"))
    out = charter("ack", "-p", p, "campaign", current)
    assert f"campaign {current} (substantive change) opened: 5 employees" in out
    charter("ack", "-p", p, "links", current, "--csv", tmp_path / "liens.csv")
    links = {row[0]: row[5] for row in csv.reader(
        io.StringIO((tmp_path / "liens.csv").read_text(encoding="utf-8-sig")), delimiter=";")}

    server = serve(horizon, f"sqlite:///{horizon / 'acks' / 'registry.db'}", port=port, log=tmp_path / "server.log")
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            # 2. Three employees acknowledge through their links, on a phone.
            for matricule in ("H001", "H002", "H003"):
                acknowledge_in_chromium(browser, links[matricule])
            # 3. Reminders to the rest (H005 has no address: the command says so).
            out = charter("ack", "-p", p, "send", current, "--reminder")
            assert "1 e-mail sent" in out and "1 pending employee has no e-mail address" in out
            (mail,) = smtp_server.received
            assert mail["X-RcptTo"] == "david.roux@horizon.example" and mail["Subject"].startswith("Rappel")

            # 4. A substantive release: those who acknowledged the current one must acknowledge again.
            profile = p.read_text(encoding="utf-8")
            p.write_text(profile.replace("ne vous dispense pas de respecter cette charte.",
                                         "ne vous dispense pas de respecter cette charte ni la loi."), encoding="utf-8")
            out = charter("release", substantive, "-p", p, "--date", day.isoformat(), "--effective", effective, "--force")
            assert "kind substantive" in out
            out = charter("ack", "-p", p, "campaign", substantive)
            assert "3 employees must acknowledge again" in out
            status = charter("ack", "-p", p, "status", substantive)
            for m in ("H001", "H002", "H003"):
                assert re.search(rf"{m} .*to renew: accepted {re.escape(current)}, substantive version "
                                 rf"since: {re.escape(substantive)}", status)
            charter("ack", "-p", p, "links", substantive, "--csv", tmp_path / "liens-2.csv")
            new_links = {row[0]: row[5] for row in csv.reader(
                io.StringIO((tmp_path / "liens-2.csv").read_text(encoding="utf-8-sig")), delimiter=";")}
            acknowledge_in_chromium(browser, new_links["H001"], expect_changes_from=current)
            browser.close()
    finally:
        server.stop()

    # 5. An editorial release: H001's acknowledgement of the substantive one is carried forward, and says so.
    profile = p.read_text(encoding="utf-8")
    p.write_text(profile.replace("c'est son contenu qui compte", "c\u2019est son contenu qui compte"), encoding="utf-8")
    out = charter("release", editorial, "-p", p, "--date", day.isoformat(), "--effective", effective, "--force")
    assert "kind editorial" in out
    out = charter("ack", "-p", p, "campaign", editorial)
    assert "1 acknowledgement carried over from an earlier version" in out
    status = charter("ack", "-p", p, "status", editorial, "--no-pending")
    assert "5 concerned: 0 acknowledged, 1 carried over" in status

    # 6. Proof and verification.
    charter("ack", "-p", p, "proof", "H001", editorial, "-o", tmp_path / "preuve.pdf")
    text = " ".join(" ".join(pg.extract_text().split()) for pg in pypdf.PdfReader(tmp_path / "preuve.pdf").pages)
    assert "Ana Durand" in text and editorial in text and "report d'un accusé antérieur" in text
    assert f"accusé de réception de la version {substantive}" in text
    out = charter("ack", "-p", p, "verify")
    assert "registry intact" in out and "5 acknowledgements matching the log" in out
