"""Accessibility as a gate: axe-core in Debian's Chromium on the published site, every banner state.

The listed example's charter is published by hand (the site builder with a VersionContext per
state) into one folder served on 127.0.0.1, with mike's versions.json so Material's version
selector is drawn: 1.0.0 archived, 1.1.0 in force (also as latest/), 1.2.0 replaced before it came
into force, 2.0.0 upcoming; and apart, a site where nothing is in force yet (its upcoming banner
names no version in force). axe-core (npm, installed by scripts/npm-deps.sh) runs on the home, an
article, the contacts page, "L'essentiel" and the "Modifications" page of each, at 390 and 1280 px
wide: no serious or critical violation. Screenshots go to tests/artifacts/a11y/.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from charter_kit.diff.compare import diff
from charter_kit.reports.markdown import to_markdown
from charter_kit.outputs.site import ARTICLES, VersionContext, build_site, clause_link
from conftest import ARTIFACTS, ROOT, launch_chromium
from test_browser import CONTRAST_JS, TEXT
from test_pdf import example_charter

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SHOTS = ARTIFACTS / "a11y"
#: (folder, status code, version in force named by the banner)
STATES = {"archived": ("1.0.0", "archived", "1.1.0"), "in_force": ("1.1.0", "in_force", "1.1.0"),
          "replaced": ("1.2.0", "replaced", "1.1.0"), "upcoming": ("2.0.0", "upcoming", "1.1.0"),
          "upcoming_alone": ("0.9.0", "upcoming", None)}
#: axe's rule on a control whose name hides its visible text (WCAG 2.5.3) is experimental: turned on.
AXE_OPTIONS = {"rules": {"label-content-name-mismatch": {"enabled": True}}}


def _changes(old, new) -> str:
    return to_markdown(diff(old, new), link=lambda cid: f"{ARTICLES}/{clause_link(cid)}", redline=True)


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    """The published folder: one site per state, versions.json, latest/."""
    assert AXE.is_file(), "axe-core is missing: run scripts/npm-deps.sh (make test does)"
    out = tmp_path_factory.mktemp("a11y")
    base = example_charter()
    first = base.articles[0]
    edited = replace(first, clauses=(replace(first.clauses[0], text=first.clauses[0].text + "\n\nUne phrase ajoutée."),
                                     *first.clauses[1:]))
    previous = replace(base, version="1.0.0", effective_date="2026-01-01", date="2025-12-01")
    for name, (folder, status, current) in STATES.items():
        charter = replace(base, version=folder, effective_date="2026-03-01", date="2026-02-01",
                          articles=(edited, *base.articles[1:]))
        context = VersionContext(status=status, current=current,
                                 current_url="../latest/" if current and status != "in_force" else None,
                                 changes_markdown=_changes(previous, charter))
        build_site(charter, out / folder, pdf_name="charte.pdf", version=context)
    shutil.copytree(out / "1.1.0", out / "latest")
    titles = {"2.0.0": "à venir", "1.2.0": "remplacée", "1.1.0": "en vigueur", "1.0.0": "archivée", "0.9.0": "à venir"}
    (out / "versions.json").write_text(json.dumps([
        {"version": v, "title": f"{v} ({t})", "aliases": ["latest"] if v == "1.1.0" else []}
        for v, t in titles.items()], ensure_ascii=False), encoding="utf-8")
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server(public):
    handler = functools.partial(_Quiet, directory=str(public))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VIEWPORTS))
def tab(request, browser):
    # The pages forbid inline scripts (CSP); only the test's own axe-core is let in, the pages'
    # own scripts stay under their policy (test_hostile_outputs checks it is never violated).
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()


def audit(tab) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    tab.add_script_tag(path=str(AXE))
    found = tab.evaluate("async (options) => (await axe.run(document, options)).violations.map(v => ({"
                         "id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + "
                         "' — ' + n.failureSummary.slice(0, 160))}))", AXE_OPTIONS)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def open_page(tab, url: str) -> None:
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    if "/0.9.0/" not in url:  # the version selector is drawn from versions.json
        tab.locator(".md-version__current").wait_for()


PAGES = {"home": "", "article": f"{ARTICLES}/{{article}}/", "contacts": "contacts/", "essentiel": "essentiel/",
         "modifications": "modifications/"}


@pytest.mark.parametrize("state", list(STATES))
def test_no_serious_violation_in_any_banner_state(tab, server, state):
    folder = STATES[state][0]
    article = example_charter().articles[0].id
    problems = {}
    for name, path in PAGES.items():
        open_page(tab, f"{server}{folder}/{path.format(article=article)}")
        violations = audit(tab)
        if violations:
            problems[name] = violations
        if name in ("home", "article") or state == "in_force":
            tab.screenshot(path=str(shot(f"{state}-{name}", tab)))
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("state", list(STATES))
def test_banner_and_page_text_reach_aa_contrast(tab, server, state):
    folder, status, _ = STATES[state]
    open_page(tab, f"{server}{folder}/")
    banner = tab.locator(".ck-banner")
    assert banner.count() == (0 if status == "in_force" else 1)
    selectors = TEXT + ", .md-banner p, .md-banner strong, .md-banner a, .ck-cite"
    low = [r for r in tab.evaluate(CONTRAST_JS, selectors) if r["ratio"] < 4.5]
    assert low == [], low[:5]


def test_the_version_button_is_named_by_what_it_shows(tab, server):
    open_page(tab, f"{server}1.1.0/")
    button = tab.locator(".md-version__current")
    label = button.get_attribute("aria-label")
    assert label.startswith(button.inner_text().strip()) and "1.1.0 (en vigueur)" in label


def test_the_search_dialog_has_a_name(tab, server):
    open_page(tab, f"{server}1.1.0/")
    assert tab.locator(".md-search[role=dialog]").get_attribute("aria-label") == "Recherche"


def test_links_in_text_are_underlined(tab, server):
    open_page(tab, f"{server}1.1.0/")
    link = tab.locator(".md-content p a[href$='contacts/']").first
    assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine")


def shot(name: str, tab) -> Path:
    """Where a screenshot of this page at this size goes."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}-{tab.viewport_name}.png"


def test_the_phone_header_shows_the_short_title_whole(tab, server):
    open_page(tab, f"{server}1.1.0/")
    short, long = tab.locator(".md-header__topic .ck-title--short"), tab.locator(".md-header__topic .ck-title--long")
    if tab.viewport_name == "phone":
        assert short.is_visible() and not long.is_visible()
        assert short.inner_text().strip() == "Charte réseaux sociaux"
        # Not cut to "Charte …" by the version selector beside it.
        assert short.evaluate("e => e.scrollWidth <= e.clientWidth")
    else:
        assert long.is_visible() and not short.is_visible()


def test_the_html_diff_fits_a_phone(tab, public):
    from charter_kit.reports.html import to_html

    base = example_charter()
    first = base.articles[0]
    edited = replace(base, version="1.1.0", articles=(
        replace(first, clauses=(replace(first.clauses[0], text=first.clauses[0].text.replace(".", " ; en pratique.", 1)),
                                *first.clauses[1:])), *base.articles[1:]))
    tab.set_content(to_html(diff(replace(base, version="1.0.0"), edited)))
    width = VIEWPORTS[tab.viewport_name]["width"]
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    assert audit(tab) == []
    tab.screenshot(path=str(shot("diff", tab)), full_page=True)
