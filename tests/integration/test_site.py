"""The employee site, built by the real mkdocs + Material, read back as HTML files.

The small charter of test_pdf (a company name with markup, a logo, cross-references both ways)
is built three ways: as a release with its PDF, as an archived version of a published site, and
as a draft; the listed example is built once to check every article and clause of a real charter.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from charter_kit.locales.typography import typography, typography_html
from charter_kit.outputs import markup
from charter_kit.errors import CharterError, OutputError
from charter_kit.outputs.site import VersionContext, build_site, source_date_epoch
from test_pdf import LOGO_SVG, example_charter, sample_charter

PDF = "charte-reseaux-sociaux-1.0.0.pdf"


class Page(HTMLParser):
    """What the tests read in a built page: headings, ids, links, images, scripts, text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str]] = []  # (level, id, text)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, accessible name)
        self.link_titles: dict[str, str] = {}
        self.images: list[str] = []
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.lang = None
        self._heading: list | None = None
        self._link: list | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), a.get("id", ""), ""]
        elif tag == "a" and "href" in a:
            self._link = [a["href"], "", a.get("aria-label") or a.get("title") or ""]
        elif tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href", ""))

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading:
            self._heading[2] = " ".join(self._heading[2].replace("¶", "").split())
            self.headings.append(tuple(self._heading))
            self._heading = None
        elif tag == "a" and self._link:
            # The accessible name: the link's text, else its aria-label or title.
            text = " ".join(self._link[1].split()) or self._link[2]
            self.links.append((self._link[0], text))
            self.link_titles[self._link[0]] = self._link[2]
            self._link = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[2] += data
        if self._link is not None:
            self._link[1] += data


def shown(text: str) -> str:
    """Text as a page shows it: French typography applied, spaces collapsed as the parser does."""
    return " ".join(typography(text).split())


def page(site: Path, rel: str) -> Page:
    """A built page, parsed."""
    return Page((site / rel).read_text(encoding="utf-8"))


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site."""
    return sorted(site.rglob("*.html"))


# -- fixtures --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The sample charter built as a release, as an archived version and as a draft."""
    root = tmp_path_factory.mktemp("sites")
    charter = sample_charter()
    build_site(charter, root / "release", pdf_name=PDF)
    build_site(charter, root / "again", pdf_name=PDF)
    archived = VersionContext(status="archived", current="1.1.0", current_url="../1.1.0/",
                              changes_markdown="Première version publiée de la charte.\n\n- [Règle 1.1](articles/socle.md#champ-application) ajoutée.")
    build_site(charter, root / "archived", pdf_name=PDF, version=archived)
    build_site(replace(charter, version=None), root / "draft")
    return {name: root / name for name in ("release", "again", "archived", "draft")}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> tuple:
    """The listed example's site (or the sample's when the example is absent)."""
    charter = example_charter()
    out = tmp_path_factory.mktemp("example") / "site"
    build_site(charter, out, pdf_name="charte.pdf")
    return charter, out


# -- structure ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_article_has_a_page_with_every_clause_anchored(example_site):
    charter, site = example_site
    home = page(site, "index.html")
    for article in charter.articles:
        p = page(site, f"articles/{article.id}/index.html")
        h1 = [h for h in p.headings if h[0] == 1]
        assert len(h1) == 1 and h1[0][2] == shown(f"Article {article.number}. {article.title}")
        clause_headings = [h for h in p.headings if h[0] == 2][:len(article.clauses)]
        assert [(h[1], h[2].split(None, 1)[0]) for h in clause_headings] == \
               [(c.key, c.number) for c in article.clauses]
        for clause in article.clauses:  # a permalink on each clause's id
            assert (f"#{clause.key}", "¶") in p.links
            assert p.link_titles[f"#{clause.key}"] == "Lien permanent vers cette section"
        assert any(href == f"articles/{article.id}/" for href, _ in home.links), article.id


@pytest.mark.slow
def test_legal_basis_closes_each_article(example_site):
    charter, site = example_site
    for article in charter.articles:
        text = (site / "articles" / article.id / "index.html").read_text(encoding="utf-8")
        content = text[text.index("<article"):text.index("</article>")]
        if article.legal_basis:
            assert content.rfind("Références juridiques") > content.rfind(f'id="{article.clauses[-1].key}"')
            for ref in article.legal_basis:
                assert markup_text(ref) in content, ref


def markup_text(text: str) -> str:
    """Text as Python-Markdown writes it into HTML (& escaped), set by the site's French typography."""
    return typography_html(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def test_cross_references_point_to_the_right_page_and_anchor(sites):
    p = page(sites["release"], "articles/socle/index.html")
    assert ("../confidentialite/#perimetre", "article 2.1") in p.links
    p = page(sites["release"], "articles/confidentialite/index.html")
    assert ("../socle/#champ-application", "article 1.1") in p.links
    assert "champ-application" in page(sites["release"], "articles/socle/index.html").ids


def test_home_has_title_company_version_date_guide_commitments_and_pdf(sites):
    text = (sites["release"] / "index.html").read_text(encoding="utf-8")
    for expected in ("Charte d&#39;utilisation des réseaux sociaux", "Dupont &amp; Fils &lt;SAS&gt;",
                     "1.0.0", "1er mars 2026", "Annexe au règlement intérieur", "Comment lire cette charte",
                     "Ce que vaut cette charte", "Télécharger la charte"):
        assert typography_html(expected) in text or typography_html(expected.replace("&#39;", "'")) in text, expected
    assert (PDF, "Télécharger la charte (PDF)") in page(sites["release"], "index.html").links


def test_contacts_page_lists_every_contact(sites):
    p = page(sites["release"], "contacts/index.html")
    assert ("mailto:com@acme.example", "com@acme.example") in p.links
    assert ("mailto:juridique@acme.example", "juridique@acme.example") in p.links
    assert ("tel:0123456789", "01 23 45 67 89") in p.links
    assert [h[2] for h in p.headings if h[0] == 1] == ["Contacts"]


def test_footer_of_every_page_has_version_digest_and_pdf(sites):
    charter = sample_charter()
    for path in html_pages(sites["release"]):
        text = path.read_text(encoding="utf-8")
        assert 'href="//' not in text, path
        footer = text[text.index('class="md-copyright ck-footer"'):]
        assert charter.digest in footer and "version 1.0.0" in footer, path
        depth = len(path.relative_to(sites["release"]).parts) - 1
        href = "../" * depth + PDF
        if path.name == "404.html":  # served at any depth: mkdocs roots it at the site's URL
            href = f"/{PDF}"
        assert f'href="{href}"' in footer, path


def test_draft_says_projet_and_has_no_pdf_link(sites):
    text = (sites["draft"] / "index.html").read_text(encoding="utf-8")
    assert "Projet" in text and "n’est pas encore en vigueur" in text
    assert ".pdf" not in text
    assert "· projet" in text


# -- accessibility -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_french_one_h1_headings_in_order_links_with_text(example_site):
    _, site = example_site
    for path in html_pages(site):
        p = page(site, str(path.relative_to(site)))
        assert p.lang == "fr", path
        levels = [h[0] for h in p.headings]
        assert levels.count(1) == 1 and levels[0] == 1, path
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{path}: h{before} followed by h{after}"
        for href, text in p.links:
            assert text.strip(), f"{path}: link to {href} has no text"


def test_brand_colours_reach_aa_contrast_for_every_material_colour():
    for name in markup.MATERIAL_HEX:
        p = markup.palette(sample_charter(branding={"primary_color": name}))
        assert markup.contrast(p.accent, "#ffffff") >= 4.5, name
        assert markup.contrast(p.header, p.on_header) >= 4.5, name


# -- nothing leaves the site's host ------------------------------------------------------------------------
@pytest.mark.slow
def test_no_request_to_another_host(example_site):
    _, site = example_site
    for path in html_pages(site):
        p = page(site, str(path.relative_to(site)))
        for url in p.scripts + p.stylesheets + p.images:
            assert not re.match(r"(https?:)?//", url), f"{path}: {url}"
        text = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
    for css in site.rglob("*.css"):
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


@pytest.mark.slow
def test_french_search_index(example_site):
    charter, site = example_site
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["fr"]
    locations = {doc["location"] for doc in index["docs"]}
    for clause in charter.clauses():
        assert f"articles/{clause.module}/#{clause.key}" in locations
    assert (site / "assets" / "javascripts" / "lunr" / "min" / "lunr.fr.min.js").exists()


# -- branding and escaping ---------------------------------------------------------------------------------
def test_logo_is_an_image_file_not_inline_svg(sites):
    site = sites["release"]
    assert (site / "assets" / "logo.svg").read_bytes() == LOGO_SVG
    p = page(site, "articles/socle/index.html")
    assert "../../assets/logo.svg" in p.images
    assert "Acme</text>" not in (site / "index.html").read_text(encoding="utf-8")


def test_profile_values_cannot_inject_markup(tmp_path):
    evil = sample_charter(title="Charte <script>alert(1)</script> {{ config }}",
                          company={"name": "Acme", "legal_name": "<img src=x onerror=alert(2)>",
                                   "listed": False, "website": None})
    build_site(evil, tmp_path / "site", pdf_name=PDF)
    for path in html_pages(tmp_path / "site"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text and "<img src=x" not in text, path
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ config }}" in home


def test_primary_colour_reaches_the_stylesheet(sites):
    css = (sites["release"] / "assets" / "couleurs.css").read_text(encoding="utf-8")
    assert "--ck-brand: #0a7d3c;" in css and "--md-typeset-a-color: #0a7d3c;" in css


# -- versions ---------------------------------------------------------------------------------------------------
def test_archived_version_has_banner_selector_and_changes_page(sites):
    site = sites["archived"]
    for path in html_pages(site):
        if path.name == "404.html":
            continue
        text = path.read_text(encoding="utf-8")
        assert "Version archivée" in text, path
        depth = len(path.relative_to(site).parts) - 1
        assert f'href="{"../" * depth}../1.1.0/"' in text, path
        config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                                      text, re.S).group(1))
        assert config["version"] == {"provider": "mike"}
    changes = page(site, "modifications/index.html")
    assert [h[2] for h in changes.headings if h[0] == 1] == ["Modifications"]
    assert ("../articles/socle/#champ-application", "Règle 1.1") in changes.links
    assert any(href == "modifications/" for href, _ in page(site, "index.html").links)


def test_a_plain_build_has_no_banner_nor_version_selector(sites):
    text = (sites["release"] / "index.html").read_text(encoding="utf-8")
    assert "ck-banner" not in text and '"provider"' not in text
    assert not (sites["release"] / "modifications").exists()


# -- reproducibility and errors ------------------------------------------------------------------------------
def test_two_builds_are_identical_and_dated_by_the_charter(sites):
    a, b = sites["release"], sites["again"]
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    different = [f for f in files if (a / f).read_bytes() != (b / f).read_bytes()]
    assert different == []
    sitemap = (a / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>(.*?)</lastmod>", sitemap)) == {"2026-03-01"}
    assert "https://charte.acme.example/articles/socle/" in sitemap
    for path in html_pages(a):
        assert str(a.parent) not in path.read_text(encoding="utf-8")


def test_source_date_epoch_follows_the_charter():
    assert source_date_epoch(sample_charter()) == 1772323200  # 2026-03-01T00:00:00Z
    assert source_date_epoch(sample_charter(effective_date=None)) == 1769904000  # its date, 2026-02-01
    assert source_date_epoch(sample_charter(effective_date=None, date=None)) == 0


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="must be empty"):
        build_site(sample_charter(), tmp_path / "site")
    assert (tmp_path / "site" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_broken_link_in_a_clause_is_a_readable_error(tmp_path):
    charter = sample_charter()
    first = charter.articles[0]
    clause = replace(first.clauses[0], text="Voir [la page](inexistante.md).")
    broken = replace(charter, articles=(replace(first, clauses=(clause, *first.clauses[1:])), *charter.articles[1:]))
    with pytest.raises(CharterError, match="inexistante.md"):
        build_site(broken, tmp_path / "site")
