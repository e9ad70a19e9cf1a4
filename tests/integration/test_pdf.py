"""The PDF annex, rendered by the real Typst engine and read back with pypdf.

Two charters: the listed example project (every clause of a real charter must be in the PDF),
and a small charter built in Python whose company name, logo, cross-references and dates
exercise escaping, links, metadata and reproducibility.
"""

from __future__ import annotations

import base64
import http.server
import re
import shutil
import subprocess
import threading
from dataclasses import replace
from html.parser import HTMLParser

import pypdf
import pytest

from charter_kit.outputs import markup
from charter_kit.model.charter import Article, Charter, Clause
from charter_kit.outputs.pdf import pdf_filename, render_pdf
from conftest import ARTIFACTS, LISTED_EXAMPLE

LOGO_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48">'
            b'<rect width="48" height="48" rx="10" fill="#0a7d3c"/>'
            b'<text x="58" y="33" font-family="sans-serif" font-size="26" fill="#0a7d3c">Acme</text></svg>')
DIGEST_RE = re.compile(r"[0-9a-f]{64}")


def _article(n: int, module: str, title: str, intro: str, clauses, basis=()) -> Article:
    items = tuple(Clause(id=f"{module}.{key}", number=f"{n}.{i}", title=t, text=text)
                  for i, (key, t, text) in enumerate(clauses, start=1))
    return Article(id=module, number=n, title=title, intro=intro, clauses=items,
                   legal_basis=tuple(basis), module_version="1.0.0")


def sample_charter(**changes) -> Charter:
    """A two-article charter with a cross-reference each way, a list, a sub-heading and a logo."""
    articles = (
        _article(1, "socle", "Objet et libertés",
                 "Beaucoup d'entre vous parlent de leur métier en ligne, et c'est une bonne chose.",
                 [("champ-application", "Les comptes concernés",
                   "La charte s'applique aux comptes officiels de l'entreprise.\n\n**En pratique**\n\n"
                   "- Oui : un message sur LinkedIn qui présente votre équipe.\n"
                   "- Non : les photos de vos vacances."),
                  ("liberte-expression", "Votre liberté d'expression",
                   "Vous restez libre de vous exprimer, dans les limites décrites à "
                   "l'[article 2.1](clause:confidentialite.perimetre).")],
                 ["C. trav., art. L1121-1", "Loi n° 2016-1691 du 9 décembre 2016, art. 6"]),
        _article(2, "confidentialite", "Confidentialité et secret des affaires",
                 "Certaines informations font la valeur de l'entreprise.",
                 [("perimetre", "Ce qui reste confidentiel",
                   "Ne publiez jamais les feuilles de route ni les prix non publiés.\n\n### Exemples\n\n"
                   "1. un tableau de bord interne ;\n2. une capture d'écran d'un outil métier."),
                  ("doute", "En cas de doute",
                   "Écrivez à juridique@acme.example avant de publier. Voir aussi "
                   "l'[article 1.1](clause:socle.champ-application).")],
                 ["C. com., art. L151-1"]),
    )
    charter = Charter(
        title="Charte d'utilisation des réseaux sociaux",
        company={"name": "Acme", "legal_name": "Dupont & Fils <SAS>", "listed": False, "website": None},
        articles=articles, status="annexe-reglement-interieur", version="1.0.0",
        date="2026-02-01", effective_date="2026-03-01",
        contacts={"communication": {"name": "Direction de la communication", "email": "com@acme.example",
                                    "phone": "01 23 45 67 89"},
                  "juridique": {"name": None, "email": "juridique@acme.example", "phone": None}},
        branding={"primary_color": "#0a7d3c",
                  "logo": {"name": "logo.svg", "media_type": "image/svg+xml",
                           "data": base64.b64encode(LOGO_SVG).decode("ascii")}},
        site={"url": "https://charte.acme.example"},
        pdf={"variant": "pdf/a-3b", "signature_block": True},
    )
    return replace(charter, **changes)


def example_charter() -> Charter:
    """The listed example's charter when the example exists, else the small sample."""
    profile = LISTED_EXAMPLE / "charter.yml"
    if not profile.exists():
        return sample_charter()
    from charter_kit.compose.pipeline import load_project

    return load_project(profile).charter


def read(data: bytes) -> pypdf.PdfReader:
    """A PDF read back from its bytes."""
    import io

    return pypdf.PdfReader(io.BytesIO(data))


def body_text(reader: pypdf.PdfReader) -> str:
    """The running text of the PDF: list markers and the running header and footer removed."""
    pages = []
    for page in reader.pages:
        pages.append([line for line in page.extract_text().split("\n")
                      if not re.fullmatch(r"\s*(•|–|\d+\.)\s*", line) and not re.search(r"Page \d+ / \d+$", line)])
    running = {lines[0] for lines in pages[1:] if lines}
    if len(running) == 1:  # the running header: the same first line on every page after the cover
        pages = [pages[0]] + [lines[1:] for lines in pages[1:]]
    return normalize(" ".join(" ".join(lines) for lines in pages))


def normalize(text: str) -> str:
    """Whitespace as one space; no space after a hyphen, a slash or a dot (lines may break there,
    inside a word or an address)."""
    text = re.sub(r"\s+", " ", text.replace("\u00ad", ""))
    return re.sub(r"([-/.])\s", r"\1", text).strip()


class _Blocks(HTMLParser):
    """Plain text of each paragraph, list item, heading and cell of an HTML fragment."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS | {"ul", "ol"}:
            self.flush()

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data):
        self.current.append(data)

    def flush(self):
        text = normalize("".join(self.current))
        if text:
            self.blocks.append(text)
        self.current = []


def blocks(markdown_text: str) -> list[str]:
    """The plain-text blocks a reader sees for a piece of clause Markdown."""
    parser = _Blocks()
    parser.feed(markup.to_html(markdown_text))
    parser.flush()
    return parser.blocks


def outline(reader: pypdf.PdfReader) -> list[tuple[str, int, list]]:
    """The PDF outline as (title, page number, children)."""
    def walk(items):
        out = []
        for item in items:
            if isinstance(item, list):
                out[-1][2].extend(walk(item))
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1, []))
        return out
    return walk(reader.outline)


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example() -> tuple[Charter, bytes]:
    """The example charter and its PDF, rendered once for the module."""
    charter = example_charter()
    return charter, render_pdf(charter)


@pytest.fixture(scope="module")
def sample() -> tuple[Charter, bytes]:
    """The small charter and its PDF."""
    charter = sample_charter()
    return charter, render_pdf(charter)


# -- content ----------------------------------------------------------------------------------------
def held(charter: Charter, guide: bool = False) -> list[tuple[Article, list[Clause]]]:
    """The articles and clauses one PDF holds: everything, or, for a charter split in two documents
    (issue 12), the rules in the annex and the other clauses in the guide."""
    split = markup.has_guide(charter)
    keep = (lambda c: markup.is_rule(c) != guide) if split else (lambda c: True)
    return [(a, [c for c in a.clauses if keep(c)]) for a in charter.articles
            if any(keep(c) for c in a.clauses) or (guide and split and a.intro)]


def every_text(charter: Charter, annex: bytes) -> str:
    """The running text of the annex and, when the charter has one, of its guide."""
    from charter_kit.outputs.pdf import render_guide

    guide = render_guide(charter) if markup.has_guide(charter) else None
    return body_text(read(annex)) + (" " + body_text(read(guide)) if guide else "")


@pytest.mark.slow
def test_every_clause_of_the_example_is_in_the_pdf(example):
    charter, data = example
    from charter_kit.outputs.pdf import render_guide

    missing = []
    for guide in (False, True) if markup.has_guide(charter) else (False,):
        text = body_text(read(render_guide(charter) if guide else data))
        for clause in [c for _, clauses in held(charter, guide) for c in clauses]:
            for block in [*blocks(clause.title), *blocks(link_free(clause.text))]:
                if block not in text:
                    missing.append(f"{clause.id}: {block[:80]}")
    assert not missing, "\n".join(missing[:10])
    assert len(charter.clauses()) >= 4


def link_free(text: str) -> str:
    """Clause Markdown with cross-references as their visible text (how the PDF prints them)."""
    return re.sub(r"\[([^\]]*)\]\(clause:[^)]*\)", r"\1", text)


@pytest.mark.slow
def test_articles_legal_basis_and_contacts_are_printed(example):
    charter, data = example
    text = every_text(charter, data)
    for article in charter.articles:
        assert normalize(article.title) in text
        for ref in article.legal_basis:
            assert normalize(ref) in text, ref
    for contact in charter.contacts.values():
        assert contact["email"] in text


@pytest.mark.slow
def test_page_count_and_outline_follow_the_articles(example):
    charter, data = example
    reader = read(data)
    entries = outline(reader)
    titles = [t for t, _, _ in entries]
    assert titles[0] == "Sommaire"
    articles = [e for e in entries if e[0].startswith("Article ")]
    assert [t for t, _, _ in articles] == [f"Article {a.number} {a.title}" for a, _ in held(charter)]
    for (title, page, children), (article, clauses) in zip(articles, held(charter)):
        assert [normalize(c[0]) for c in children] == [f"{c.number} {blocks(c.title)[0]}" for c in clauses], title
        assert all(page <= c[1] for c in children)
    pages = [p for _, p, _ in articles]
    assert pages == sorted(pages) and pages[0] == 3  # cover, contents, then the articles
    assert len(reader.pages) >= pages[-1]
    if charter.pdf.get("signature_block"):
        assert titles[-1] == "Accusé de réception" and entries[-1][1] == len(reader.pages)


@pytest.mark.slow
def test_table_of_contents_gives_the_real_page_numbers(example):
    charter, data = example
    reader = read(data)
    toc = normalize(reader.pages[1].extract_text())
    for title, page, _ in outline(reader):
        if title.startswith("Article "):
            number, name = title.split(" ", 2)[1:]
            assert re.search(rf"Article {number}\. ?{re.escape(normalize(name))} ?\.+ ?{page}\b", toc), title


def test_cover_shows_company_title_version_date_status_and_the_digest(sample):
    charter, data = sample
    reader = read(data)
    cover = reader.pages[0].extract_text()
    flat = normalize(cover)
    for expected in ("Dupont & Fils <SAS>", "Charte d'utilisation des réseaux sociaux", "Version 1.0.0",
                     "1er mars 2026", "Annexe au règlement intérieur"):
        assert expected in flat, expected
    line = next(line for line in cover.split("\n") if line.startswith("Empreinte"))
    assert line == f"Empreinte : {charter.digest}"  # one line, extracted intact
    assert DIGEST_RE.findall(cover) == [charter.digest]


def test_acknowledgement_page_names_the_version_and_digest(sample):
    charter, data = sample
    last = read(data).pages[-1].extract_text()
    assert "Accusé de réception" in last
    assert "version 1.0.0" in normalize(last) and "applicable à compter du 1er mars 2026" in normalize(last)
    assert DIGEST_RE.findall(last) == [charter.digest]
    for field in ("Nom et prénom", "Date", "Signature"):
        assert field in last


def test_no_acknowledgement_page_without_signature_block(sample):
    charter, _ = sample
    reader = read(render_pdf(replace(charter, pdf={"variant": "pdf/a-3b", "signature_block": False})))
    assert "Accusé de réception" not in body_text(reader)
    assert [t for t, _, _ in outline(reader)][-1] == "Contacts"


def test_a_draft_says_projet(sample):
    charter, _ = sample
    draft = replace(charter, version=None)
    cover = normalize(read(render_pdf(draft)).pages[0].extract_text())
    assert "Projet" in cover and "Version 1.0.0" not in cover
    assert pdf_filename(draft) == "charte-reseaux-sociaux-projet.pdf"
    assert pdf_filename(charter) == "charte-reseaux-sociaux-1.0.0.pdf"


def test_running_header_and_footer_number_the_pages(sample):
    _, data = sample
    reader = read(data)
    total = len(reader.pages)
    assert "Page" not in reader.pages[0].extract_text()  # the cover has no running footer
    for n, page in enumerate(reader.pages[1:], start=2):
        text = page.extract_text()
        assert f"Page {n} / {total}" in text
        assert "Charte d'utilisation des réseaux sociaux Version 1.0.0" in text


def test_cross_references_link_inside_the_document(sample):
    charter, data = sample
    reader = read(data)
    assert {"socle.champ-application", "confidentialite.perimetre"} <= set(reader.named_destinations)
    links = [a.get_object() for p in reader.pages for a in p.get("/Annots", [])]
    internal = {str(a["/Dest"]) for a in links if a.get("/Subtype") == "/Link" and "/Dest" in a}
    assert {"socle.champ-application", "confidentialite.perimetre"} <= internal
    target = reader.named_destinations["confidentialite.perimetre"]
    assert "2.1" in reader.pages[reader.get_destination_page_number(target)].extract_text()


# -- metadata, variants, reproducibility -------------------------------------------------------------------
def test_metadata_comes_from_the_charter_not_the_clock(sample):
    charter, data = sample
    reader = read(data)
    meta = reader.metadata
    assert meta.title == charter.title
    assert meta.author == "Dupont & Fils <SAS>"
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20260301000000Z"
    assert str(reader.trailer["/Root"]["/Lang"]) == "fr"
    later = read(render_pdf(replace(charter, effective_date="2027-09-01"))).metadata
    assert later["/CreationDate"] == "D:20270901000000Z"


def test_pdf_a_3a_and_pdf_ua_at_once(sample):
    """Archival and accessible in one file, whatever the profile's former ``pdf.variant`` says."""
    charter, data = sample
    for pdf in (data, render_pdf(replace(charter, pdf={"variant": "pdf/ua-1", "signature_block": True}))):
        reader = read(pdf)
        xmp = reader.xmp_metadata.rdf_root.toxml()
        assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        root = reader.trailer["/Root"]
        assert "/OutputIntents" in root and "/StructTreeRoot" in root
        assert bool(root["/MarkInfo"]["/Marked"])


def test_same_charter_same_bytes(sample):
    charter, data = sample
    assert render_pdf(sample_charter()) == data
    assert render_pdf(replace(charter, version="1.0.1")) != data


def test_nothing_is_fetched_from_the_network(sample):
    """An image that points to a server is not requested: the annex never reaches the network."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        charter, _ = sample
        url = f"http://127.0.0.1:{server.server_address[1]}/pixel.png"
        first = charter.articles[0]
        clause = replace(first.clauses[0], text=first.clauses[0].text + f"\n\n![pixel]({url})")
        changed = replace(charter, articles=(replace(first, clauses=(clause, *first.clauses[1:])),
                                             *charter.articles[1:]))
        assert read(render_pdf(changed)).pages
    finally:
        server.shutdown()
    assert hits == []


def test_markup_from_the_profile_is_printed_as_text(sample):
    charter, data = sample
    assert "Dupont & Fils <SAS>" in body_text(read(data))
    logo = markup.logo(charter)
    assert logo is not None and logo.filename == "logo.svg"


# -- pages as images (checked by eye, kept as artifacts) ------------------------------------------------
@pytest.mark.slow
def test_pages_render_to_images(example):
    charter, data = example
    assert shutil.which("pdftoppm"), "pdftoppm is missing: apt-get install -y poppler-utils"
    folder = ARTIFACTS / "pdf"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / pdf_filename(charter)).write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-l", "6", str(folder / pdf_filename(charter)),
                    str(folder / "page")], check=True, timeout=120)
    images = sorted(folder.glob("page-*.png"))
    assert len(images) == min(6, len(read(data).pages))
    assert all(p.stat().st_size > 5_000 for p in images)  # not blank pages

