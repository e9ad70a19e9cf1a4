"""The second site engine: `site.engine: zensical` builds the same site with Zensical (pinned extra).

Checked like the Material build: every page, French search, versioned permalinks, the version
selector's configuration, the banner and overrides, and no request to another host. What differs
from Material is recorded in docs/dev/site-engines.md; the tests pin those differences too.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from charter_kit.outputs.site import VersionContext, build_site
from test_pdf import sample_charter

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    charter = replace(sample_charter(), site={"url": "https://charte.acme.example", "engine": "zensical"})
    out = tmp_path_factory.mktemp("zensical") / "1.0.0"
    build_site(charter, out, pdf_name="charte.pdf",
               version=VersionContext(status="archived", current="1.1.0", current_url="../latest/",
                                      changes_markdown="# Modifications\n\nRien de neuf."))
    return charter, out


def test_every_page_is_built(site):
    charter, out = site
    for page in ("index.html", "essentiel/index.html", "contacts/index.html", "modifications/index.html",
                 *(f"articles/{a.id}/index.html" for a in charter.articles)):
        assert (out / page).is_file(), page
    html = (out / "articles/socle/index.html").read_text(encoding="utf-8")
    assert 'id="champ-application"' in html and "Version archivée" in html  # overrides: the banner
    assert 'name="ck-citation"' in html and "assets/charte.js" in html


def test_permalinks_name_the_version(site):
    html = (site[1] / "articles/socle/index.html").read_text(encoding="utf-8")
    assert 'href="../../../1.0.0/articles/socle/#champ-application"' in html


def test_search_index_is_french(site):
    index = json.loads((site[1] / "search.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["fr"]
    assert any(item["location"] == "articles/socle/#champ-application" for item in index["items"])


def test_typography_runs_on_its_pages_too(site):
    html = (site[1] / "index.html").read_text(encoding="utf-8")
    assert "1<sup>er</sup>\u00a0mars 2026" in html


def test_version_selector_is_configured(site):
    html = (site[1] / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert config["version"] == {"provider": "mike"}


def test_no_request_to_another_host(site):
    for page in site[1].rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r'<(?:script|img)[^>]+src="([^"]+)"|<link[^>]+href="([^"]+)"', text):
            url = url[0] or url[1]
            assert not re.match(r"(https?:)?//", url) or url.startswith("https://charte.acme.example"), (page, url)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_what_zensical_does_not_do_yet(site):
    """Pinned differences (docs/dev/site-engines.md): Material's search partial is not used, so the
    search dialog has no name from our override; the index is search.json, not search/search_index.json."""
    html = (site[1] / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="Recherche"' not in html
    assert not (site[1] / "search" / "search_index.json").exists()
