"""The built site in a real browser: Debian's headless Chromium, driven by Playwright.

The listed example is built once (site and PDF, by `charter build`'s own code) and served over
HTTP on 127.0.0.1. Each test reads it at phone (390×844) and desktop (1280×800) sizes; every
request the pages make is recorded and must go to that server only. Screenshots are kept in
tests/artifacts/ to be checked by eye.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections import Counter
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from charter_kit.commands.build import build_charter
from charter_kit.locales.typography import typography
from conftest import ARTIFACTS, launch_chromium
from test_pdf import example_charter

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SHOTS = ARTIFACTS / "site"

#: Contrast of every visible text element against its background (alpha blended), in the page.
CONTRAST_JS = """
(selector) => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const blend = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = (el) => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    return layers.reverse().reduce((acc, c) => blend(c, acc), [255, 255, 255, 1]); };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    if (!r.width || !r.height || s.visibility === 'hidden' || !el.textContent.trim()) continue;
    let shown = true; for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).opacity === '0') shown = false;
    if (!shown) continue;
    const bg = background(el); const fg = blend(parse(s.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push({text: el.textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05), size: parseFloat(s.fontSize)});
  }
  return out;
}
"""
TEXT = (".md-content p, .md-content li, .md-content dt, .md-content dd, .md-content h1, .md-content h2, "
        ".md-content td, .md-content th, .md-content a, .md-content .headerlink, .md-header__topic, "
        ".md-nav__link, .md-copyright div")


# -- fixtures ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example's site and PDF, built once."""
    charter = example_charter()
    out = tmp_path_factory.mktemp("browser")
    result = build_charter(charter, out)
    return charter, result


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built):
    """A local HTTP server for the built site: its base URL."""
    _, result = built
    handler = functools.partial(_Quiet, directory=str(result.site_index.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, without any background traffic."""
    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def requests_seen():
    """Every URL requested by any page of this module."""
    return []


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, requests_seen):
    """A fresh page at the phone or desktop size, recording its requests."""
    # bypass_csp: the tests' own style and script helpers enter; the pages keep their policy.
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="fr-FR", bypass_csp=True)
    tab = context.new_page()
    tab.on("request", lambda r: requests_seen.append(r.url))
    tab.viewport_name = request.param
    yield tab
    context.close()


def shot(tab, name: str, full_page: bool = False) -> None:
    """Keep a screenshot of the page as a test artifact."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}-{tab.viewport_name}.png"), full_page=full_page)


def heading(tab, selector: str) -> str:
    """A heading's visible text, without its permalink sign, spaces made plain."""
    return plain(tab.locator(selector).first.inner_text().replace("¶", "").strip())


def plain(text: str) -> str:
    """Text as the profile writes it: the site sets French typography (’, no-break spaces) on every page."""
    return text.replace("’", "'").replace("\u202f", " ").replace("\u00a0", " ")


def open_nav(tab) -> None:
    """On a phone, open the navigation drawer (on a desktop the sidebar is always there)."""
    if tab.viewport_name == "phone":
        tab.click("label.md-header__button[for='__drawer']")
        tab.wait_for_selector("nav.md-nav--primary", state="visible")


# -- tests ----------------------------------------------------------------------------------------------
def test_home_shows_title_version_and_articles(page, server, built):
    charter, _ = built
    page.goto(server)
    assert plain(page.title()) == charter.title
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    assert heading(page, "article h1") == charter.title
    assert charter.display_version.lower() in page.locator(".ck-meta").inner_text().lower()
    assert page.locator(".ck-footer").inner_text().count(charter.digest) == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[page.viewport_name]["width"]  # nothing overflows sideways on a phone
    shot(page, "home")
    shot(page, "home-full", full_page=True)


def test_navigation_reaches_every_article(page, server, built):
    charter, _ = built
    page.goto(server)
    for article in charter.articles:
        open_nav(page)
        link = page.locator("nav.md-nav--primary a.md-nav__link", has_text=typography(f"{article.number}. {article.title}"))
        link.first.click()
        page.wait_for_url(re.compile(rf"/articles/{re.escape(article.id)}/$"))
        assert heading(page, "article h1") == f"Article {article.number}. {article.title}"
    shot(page, "article")


def test_search_finds_a_clause_from_a_french_word(page, server, built):
    charter, _ = built
    clause, word = distinctive_word(charter)
    page.goto(server)
    if page.viewport_name == "phone":
        page.click("label.md-header__button[for='__search']")
    page.locator("input.md-search__input").press_sequentially(word, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    hrefs = page.eval_on_selector_all(".md-search-result a", "els => els.map(e => e.getAttribute('href'))")
    targets = {urlsplit(h).path + "#" + urlsplit(h).fragment for h in hrefs}
    assert f"/articles/{clause.module}/#{clause.key}" in targets, (word, hrefs)
    shot(page, "search")


def distinctive_word(charter):
    """A clause and a word of its title that no other clause title has (accented ones first)."""
    words = Counter(w for c in charter.clauses() for w in set(title_words(c.title)))
    candidates = [(not w.isascii(), len(w), w, c) for c in charter.clauses()
                  for w in title_words(c.title) if words[w] == 1]
    best = max(candidates, key=lambda item: item[:3])
    return best[3], best[2]


def title_words(title: str) -> list[str]:
    """Lower-case words of a clause title (letters only)."""
    return [w.lower() for w in re.findall(r"[^\W\d_]{4,}", title)]


def test_clause_permalink_scrolls_to_the_clause(page, server, built):
    charter, _ = built
    article = max(charter.articles, key=lambda a: len(a.clauses))
    clause = article.clauses[-1]
    page.goto(f"{server}articles/{article.id}/#{clause.key}")
    heading = page.locator(f"h2[id='{clause.key}']")
    assert heading.inner_text().startswith(clause.number)
    page.wait_for_function("() => window.scrollY > 0")
    top = heading.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < VIEWPORTS[page.viewport_name]["height"] / 2
    shot(page, "permalink")


def test_text_contrast_and_link_names(page, server, built):
    charter, _ = built
    for path in ("", f"articles/{charter.articles[0].id}/", "contacts/"):
        page.goto(server + path)
        open_nav(page)
        page.add_style_tag(content=".headerlink { opacity: 1 !important; }")  # as on hover or focus
        low = [r for r in page.evaluate(CONTRAST_JS, TEXT) if r["ratio"] < 4.5]
        assert low == [], (path, low[:5])
        unnamed = page.evaluate("""() => [...document.querySelectorAll('a[href]')].filter(a => {
            const r = a.getBoundingClientRect(); return r.width && r.height &&
              !(a.textContent.trim() || a.getAttribute('aria-label') || a.getAttribute('title'));
          }).map(a => a.outerHTML.slice(0, 80))""")
        assert unnamed == [], (path, unnamed)
    shot(page, "contacts")


def test_pdf_download_is_served_from_the_site(page, server, built):
    charter, result = built
    page.goto(server)
    href = page.locator(".ck-download a").first.get_attribute("href")  # the annex of rules; the guide follows
    response = page.request.get(server + href)
    assert response.status == 200 and response.body() == result.pdf.read_bytes()


def test_print_stylesheet_hides_navigation(page, server, built):
    charter, _ = built
    page.goto(f"{server}articles/{charter.articles[0].id}/")
    page.emulate_media(media="print")
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".md-sidebar--primary").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("article h1").is_visible()


def test_no_request_left_the_site(page, requests_seen, server, built):
    """Every request of this module's pages (this test's visits included) went to the local server."""
    charter, _ = built
    for path in ("", f"articles/{charter.articles[-1].id}/", "contacts/"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
    page.locator("input.md-search__input").first.focus()
    page.wait_for_load_state("networkidle")
    assert len(requests_seen) > 10
    hosts = {urlsplit(url).netloc for url in requests_seen if not url.startswith("data:")}
    assert hosts == {urlsplit(server).netloc}
