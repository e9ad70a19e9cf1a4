"""`charter serve` shows the profile's problems in the preview page, and clears them once fixed.

A real preview server (mkdocs' live-reload server, as `charter serve` starts it) on 127.0.0.1,
read in Debian's Chromium: the page reloads by itself after each rebuild.
"""

from __future__ import annotations

import threading

import pytest

from charter_kit.commands.serve import error_panel, preview
from conftest import launch_chromium
from test_build import edit, make_project, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_panel_escapes_the_message():
    panel = error_panel("charter.yml, line 3: '<script>alert(1)</script>' & co").decode("utf-8")
    assert "<script>alert" not in panel and "&lt;script&gt;alert(1)&lt;/script&gt;" in panel


def test_a_broken_profile_shows_its_problems_in_the_page_until_fixed(tmp_path):
    from playwright.sync_api import sync_playwright

    profile = make_project(tmp_path / "projet")
    with preview(profile, port=0, pdf=False) as server, sync_playwright() as pw:
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        wait_for(lambda: server.serve_thread.is_alive())  # bound, listening and serving (a bound port alone refuses)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(url)
            panel = page.locator("#ck-preview-errors")
            assert panel.count() == 0
            edit(profile, "modules:\n", "modules:\n  - module-inconnu\n")
            panel.wait_for(timeout=120_000)  # the page reloads by itself after the failed rebuild
            assert panel.get_attribute("role") == "alert"
            assert "module-inconnu" in panel.inner_text()
            assert "charter.yml" in panel.inner_text()
            assert page.locator("article h1").count() == 1  # the last good preview stays behind it
            edit(profile, "  - module-inconnu\n", "")
            panel.wait_for(state="detached", timeout=120_000)
            assert server.rebuilder.last_error is None
        finally:
            browser.close()
            server.shutdown()
            thread.join(timeout=10)


def test_the_preview_answers_only_to_its_own_address(tmp_path):
    """DNS rebinding: a request naming another host is refused; localhost and 127.0.0.1 are served."""
    import http.client

    profile = make_project(tmp_path / "projet")
    with preview(profile, port=0, pdf=False) as server:
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        wait_for(lambda: server.serve_thread.is_alive())  # bound, listening and serving (a bound port alone refuses)
        port = server.server_address[1]
        try:
            answers = {}
            for host in ("attacker.example", f"attacker.example:{port}", "localhost", f"127.0.0.1:{port}"):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/", headers={"Host": host})
                response = conn.getresponse()
                answers[host] = (response.status, response.read())
                conn.close()
        finally:
            server.shutdown()
            thread.join(timeout=10)
    assert answers["attacker.example"][0] == 421 and answers[f"attacker.example:{port}"][0] == 421
    assert answers["localhost"][0] == 200 and answers[f"127.0.0.1:{port}"][0] == 200
    assert b"<article" in answers["localhost"][1]


def test_an_unexpected_error_during_a_rebuild_keeps_the_preview_alive(tmp_path, monkeypatch):
    from charter_kit.commands import serve as serve_module

    profile = make_project(tmp_path / "projet")
    messages = []
    rebuild = serve_module.Rebuilder(profile, tmp_path / "out", pdf=False, echo=messages.append)
    rebuild.build()

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(serve_module, "load_project", broken)
    rebuild()  # must not raise: mkdocs would print a traceback and look stuck
    assert rebuild.last_error == "internal error: RecursionError: maximum recursion depth exceeded"
    assert "Traceback" not in "".join(messages) and "last version that built" in messages[-1]
    assert (tmp_path / "out" / "site" / "index.html").is_file()  # the last good preview is still there
