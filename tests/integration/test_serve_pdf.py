"""`charter serve` shows the new site without waiting for the PDF, and refreshes the PDF after.

A real preview (mkdocs' live-reload server on 127.0.0.1, the real site and Typst engines). The PDF
render is held back on an event, so the order is proven without timing anything: the page changes
while the PDF is still held, then the PDF served is the new charter's, byte for byte.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request

import pytest

from charter_kit.commands import serve as serve_module
from charter_kit.commands.serve import preview
from charter_kit.compose.pipeline import load_project
from charter_kit.errors import OutputError
from charter_kit.outputs.pdf import pdf_filename, render_pdf
from test_build import fetch, make_project, wait_for

pytestmark = pytest.mark.slow


def fetch_bytes(url: str) -> bytes | None:
    """The bytes served at ``url``, or None when it is not there (404)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local server
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def rename_company(profile, name: str) -> None:
    """Give the company a new legal name (printed on every page and in the PDF: a new digest)."""
    text = profile.read_text(encoding="utf-8")
    new = re.sub(r"(?m)^(\s+legal_name: ?)[^\n]+", lambda m: m.group(1) + name, text, count=1)
    assert new != text
    profile.write_text(new, encoding="utf-8")


def watching(server) -> bool:
    """True once the server's file watcher has read the files as they are (an edit made before
    that would go unseen)."""
    from watchdog.utils.dirsnapshot import EmptyDirectorySnapshot

    emitters = server.observer.emitters
    return bool(emitters) and not any(isinstance(e._snapshot, EmptyDirectorySnapshot) for e in emitters)


@pytest.fixture
def serving(tmp_path, monkeypatch):
    """(profile, server, base URL, gate): a preview with the PDF render held until ``gate`` is set."""
    profile = make_project(tmp_path / "projet")
    gate = threading.Event()
    gate.set()
    original = serve_module.render_pdf

    def held(charter):
        assert gate.wait(timeout=600), "the test never opened the gate"
        return original(charter)

    monkeypatch.setattr(serve_module, "render_pdf", held)
    with preview(profile, port=0, pdf=True) as server:
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        wait_for(lambda: server.serve_thread.is_alive())  # bound, listening and serving (a bound port alone refuses)
        wait_for(lambda: watching(server))
        yield profile, server, f"http://127.0.0.1:{server.server_address[1]}/", gate
        server.shutdown()
        thread.join(timeout=10)


def test_the_page_changes_before_the_pdf_and_the_pdf_follows(serving):
    profile, server, url, gate = serving
    first = load_project(profile).charter
    pdf_url, before = url + pdf_filename(first), render_pdf(first)
    wait_for(lambda: fetch_bytes(pdf_url) == before)  # the first PDF, rendered in the background

    gate.clear()  # the next PDF waits until the page has changed
    rename_company(profile, "Lumen Renouvelé")
    wait_for(lambda: "Lumen Renouvelé" in fetch(url))
    assert fetch_bytes(pdf_url) == before  # the page did not wait: the previous PDF is still served
    assert server.rebuilder.last_error is None

    gate.set()
    second = load_project(profile).charter
    assert second.digest != first.digest and pdf_filename(second) == pdf_filename(first)
    expected = render_pdf(second)
    wait_for(lambda: fetch_bytes(pdf_url) == expected)
    assert "Lumen Renouvelé" in fetch(url)


def test_a_pdf_that_fails_is_reported_and_the_site_stays_served(serving, monkeypatch):
    profile, server, url, gate = serving
    first = load_project(profile).charter
    pdf_url, before = url + pdf_filename(first), render_pdf(first)
    wait_for(lambda: fetch_bytes(pdf_url) == before)

    def broken(charter):
        raise OutputError("le PDF n'a pas pu être composé : image illisible")

    monkeypatch.setattr(serve_module, "render_pdf", broken)
    rename_company(profile, "Lumen Cassé")
    wait_for(lambda: "Lumen Cassé" in fetch(url))
    wait_for(lambda: server.rebuilder.last_error is not None)
    assert "image illisible" in server.rebuilder.last_error
    assert fetch_bytes(pdf_url) == before  # the last PDF that rendered stays
    assert 'id="ck-preview-errors"' in fetch(url) and "image illisible" in fetch(url)


def test_an_edit_made_while_a_pdf_renders_skips_the_stale_render(tmp_path, monkeypatch):
    """Three quick edits while the first render is held: the middle one is never rendered."""
    profile = make_project(tmp_path / "projet")
    rendered: list[str] = []
    gate = threading.Event()
    original = serve_module.render_pdf

    def recording(charter):
        rendered.append(charter.company["legal_name"])
        assert gate.wait(timeout=600)
        return original(charter)

    monkeypatch.setattr(serve_module, "render_pdf", recording)
    rebuild = serve_module.Rebuilder(profile, tmp_path / "out", pdf=True, echo=lambda text: None)
    try:
        rebuild.build()
        wait_for(lambda: len(rendered) == 1)  # the first render is under way, held
        for name in ("Lumen Deux", "Lumen Trois"):
            rename_company(profile, name)
            rebuild()
        gate.set()
        last = load_project(profile).charter
        site_pdf, expected = tmp_path / "out" / "site" / pdf_filename(last), original(last)
        wait_for(lambda: site_pdf.is_file() and site_pdf.read_bytes() == expected)
    finally:
        rebuild.close()
    assert "Lumen Deux" not in rendered and rendered[-1] == "Lumen Trois"
