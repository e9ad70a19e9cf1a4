"""Everything a module or a user writes is data in every output (issue 17).

A company module copied from the internet carries scripts, event handlers, frames, ``javascript:``
links (plain, through HTML entities, as Markdown reference links and autolinks), attribute lists,
images and title break-outs; its changelog note, the release notes and an approval carry scripts too.
The project is released twice, published, built, rendered as DOCX and compared in every report
format; then:

- every HTML page is read as a browser tokenises it: no script but the site's own files, no event
  handler attribute, no frame, object, base or form action, no address outside http(s), mailto, tel
  and the site;
- the module's raw HTML shows as text on its page, as it does in the PDF and the DOCX;
- the PDF has no link but http(s), mailto and tel, and no JavaScript or launch action; the DOCX has
  no external relationship but those, and no embedded HTML;
- in Chromium (browser mark) every page opens with no dialog, no flag set by a script, and no
  Content-Security-Policy violation, while Material's search and the "Copier la référence" button work.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import threading
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import MINI_PROFILE, launch_chromium, run, write_tree

#: Each vector sets window.__pwn (or opens a dialog) if it ever runs.
HOSTILE_TEXT = """
Intro <script>window.__pwn='intro'</script> et <img src=x onerror="window.__pwn='img'">.

<iframe src="javascript:window.__pwn='iframe'"></iframe>

## Règle <img src=x onerror=alert('titre')> {#regle .regle}
Un [lien](javascript:window.__pwn='link') et [entité](&#106;avascript:window.__pwn='entity') et
[réf][piege] et [hex](&#x6A;avascript&#x3A;alert('hex')) et [espace]( javascript:alert('space')).

Des adresses : [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==), [vb](vbscript:msgbox),
[fichier](file:///etc/passwd), [casse](JaVaScRiPt:alert('case')), <javascript:alert('autolink')>,
et les bonnes : <https://exemple.fr/charte> et <rh@exemple.fr> et [tel](tel:+33100000000).

Attributs [clic](https://exemple.fr){onclick="window.__pwn='attr'"} et *gras*{onmouseover=alert('em')}.

<div onmouseover="window.__pwn='div'">bloc</div>

<svg><script>window.__pwn='svg'</script></svg>

<a href="jav&#x09;ascript:alert('tab')">tab</a> `<b>code</b>` &lt;script&gt;alert('entités')&lt;/script&gt;

<style>body{display:none}</style>

<form action="https://evil.example"><button formaction="javascript:alert('form')">go</button></form>

<object data="x.swf"></object><embed src="x.swf">

<meta http-equiv="refresh" content="0;url=javascript:alert('meta')">

<base href="https://evil.example/">

</title><script>window.__pwn='close'</script>

![image](javascript:alert('image')) ![pisteur](https://evil.example/pixel.png)

[piege]: javascript:window.__pwn='reference'

## Seconde {#seconde .information}
Texte <b onclick="alert('bold')">gras</b>.
"""
META = """
id: maison
version: {version}
title: {{fr: "Maison </title><script>window.__pwn='module title'</script>"}}
summary: {{fr: "Nos règles <script>window.__pwn='summary'</script>."}}
order: 90
requires: [socle]
changelog:
{changelog}  - {{version: 1.0.0, date: 2026-01-01, note: {{fr: "Première <img src=x onerror=alert('log')>."}}}}
"""
NEWER = "  - {version: 1.1.0, date: 2026-02-01, note: {fr: \"Révisé <script>window.__pwn='changelog'</script>.\"}}\n"
NOTES = "<script>window.__pwn='notes'</script> <img src=x onerror=alert('notes')> [clic](javascript:alert(1))"
APPROVAL = "Jeanne <script>window.__pwn='approval'</script> Roy, DRH, 2026-02-01"
PROFILE = MINI_PROFILE + "  - maison\nlocal_modules: modules\n"
REPORTS = ("html", "markdown", "docx", "pdf", "text", "json")
#: Address schemes any output may link to.
ALLOWED = {"", "http", "https", "mailto", "tel"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A project with the hostile module, released twice, published, built, rendered and compared."""
    from conftest import MINI_LIBRARY

    root = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
        write_tree(root / "library", MINI_LIBRARY)
        proj = root / "proj"
        files = {"charter.yml": PROFILE, "modules/maison/module.yml": META.format(version="1.0.0", changelog=""),
                 "modules/maison/fr.md": HOSTILE_TEXT}
        profile = write_tree(proj, files) / "charter.yml"
        steps = [run("release", "1.0.0", "-p", profile, "--date", "2026-01-05")]
        write_tree(proj, {"modules/maison/module.yml": META.format(version="1.1.0", changelog=NEWER),
                          "modules/maison/fr.md": HOSTILE_TEXT.replace("Texte <b", "Texte révisé <b")})
        steps.append(run("release", "1.1.0", "-p", profile, "--date", "2026-02-05", "--notes", NOTES,
                         "--approved-by", APPROVAL))
        steps.append(run("publish", "-p", profile, "--on", "2026-03-01"))
        steps.append(run("build", "-p", profile))
        steps.append(run("render", "-p", profile, "--format", "docx", "-o", root / "charte.docx"))
        for fmt in REPORTS:
            steps.append(run("diff", "1.0.0", "1.1.0", "-p", profile, "--format", fmt, "-o", root / f"diff.{fmt}"))
    for step in steps:
        assert step.exit_code == 0, step.output
    return root


# -- reading HTML as a browser tokenises it ------------------------------------------------------------
class _Tags(HTMLParser):
    """Every start tag with its attributes (entities decoded, as a browser reads them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def scheme(url: str) -> str:
    """The scheme a browser would use for ``url`` (tabs and newlines inside are ignored, like browsers do)."""
    cleaned = re.sub(r"[\t\n\r]", "", html.unescape(url)).strip(" \x00-\x20")
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return m.group(1).lower() if m else ""


#: The site's own scripts (Material's bundle and search worker are loaded by it), by file name.
OWN_SCRIPTS = re.compile(r"(^|/)(charte-base\.js|charte\.js|bundle\.[0-9a-f]+\.min\.js)$")


def dangers(page: str, *, style: bool = False) -> list[str]:
    """What in an HTML page could run a script or leave the site in a dangerous way (``style``: the
    page may hold its own style sheet, as the standalone HTML report does)."""
    parser = _Tags()
    parser.feed(page)
    found = []
    for tag, attrs in parser.tags:
        if tag in ("iframe", "frame", "object", "embed", "applet", "base", "math") or tag == "style" and not style:
            found.append(f"<{tag}>")
        if tag == "script" and not (OWN_SCRIPTS.search(attrs.get("src", ""))
                                    or attrs.get("type") == "application/json" and attrs.get("id") == "__config"):
            found.append(f"<script {attrs}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh" and \
                not re.fullmatch(r"0; url=latest/", attrs.get("content", "")):
            found.append(f"<meta refresh {attrs}>")
        if tag == "form" and "action" in attrs:  # the theme's search and palette forms submit nowhere
            found.append(f"<form {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"):
                if tag == "link" and attrs.get("rel") == "icon" and value == "data:,":
                    continue  # the redirect page's empty icon
                if scheme(value) not in ALLOWED:
                    found.append(f"<{tag} {name}={value[:40]!r}>")
    return found


def pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_no_page_of_the_published_or_built_site_holds_a_script_or_a_dangerous_address(hostile):
    checked = 0
    for folder in (hostile / "proj" / "public", hostile / "proj" / "build" / "site"):
        for path in pages(folder):
            assert dangers(path.read_text(encoding="utf-8")) == [], path
            checked += 1
    assert checked >= 4 * 7  # 1.0.0, 1.1.0, latest/ and the draft: home, essentials, contacts, 404, 3 articles


def test_the_checker_sees_what_it_must_refuse():
    """Control: the page checker is not blind (every assertion above could fail)."""
    assert dangers('<p><img src=x onerror="alert(1)"></p>') == ["<img onerror=…>"]
    assert dangers('<a href="&#106;avascript:alert(1)">x</a>')
    assert dangers('<a href="jav&#x09;ascript:alert(1)">x</a>')
    assert dangers("<script>alert(1)</script>") and dangers("<iframe src=x></iframe>")
    assert not dangers('<script src="../assets/charte.js"></script><a href="mailto:a@b.fr">a</a>')


def article_text(path: Path) -> str:
    """The text of a page's article, as a reader sees it."""
    page = path.read_text(encoding="utf-8")
    body = page[page.index("<article"):page.index("</article>")]
    return plain(html.unescape(re.sub(r"<[^>]+>", "", body)))


def plain(text: str) -> str:
    """Text without French typography (curly apostrophes, no-break spaces), to compare with what was typed."""
    return " ".join(text.replace("\u2019", "'").split())


@pytest.mark.parametrize("where", ["public/1.1.0", "public/latest", "build/site"])
def test_the_module_html_shows_as_text_on_its_page(hostile, where):
    text = article_text(hostile / "proj" / where / "articles" / "maison" / "index.html")
    for shown in ("<script>window.__pwn='intro'</script>", "<iframe src=\"javascript:window.__pwn='iframe'\">",
                  "<div onmouseover=\"window.__pwn='div'\">bloc</div>", "<b>code</b>",
                  "<script>alert('entités')</script>", "<base href=\"https://evil.example/\">"):
        assert shown in text, (shown, text[:3000])
    # Links refused print as their text; the allowed ones stay links.
    page = (hostile / "proj" / where / "articles" / "maison" / "index.html").read_text(encoding="utf-8")
    assert "Un lien et entité et réf et hex" in text
    hrefs = {a.get("href") for tag, a in _all_tags(page) if tag == "a"}
    assert {"https://exemple.fr/charte", "https://exemple.fr", "tel:+33100000000"} <= hrefs
    assert any(h and h.startswith("mailto:") for h in hrefs)
    assert "pixel.png" not in page  # a module never makes the site fetch anything


def _all_tags(page: str):
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_notes_approvals_and_changelog_show_as_text_on_the_modifications_page(hostile):
    page = hostile / "proj" / "public" / "1.1.0" / "modifications" / "index.html"
    text = article_text(page)
    assert "<script>window.__pwn='notes'</script>" in text, text[:2000]
    assert not dangers(page.read_text(encoding="utf-8"))


def test_the_search_index_carries_the_module_html_as_text(hostile):
    index = json.loads((hostile / "proj" / "public" / "1.1.0" / "search" / "search_index.json").read_text())
    texts = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    assert "&lt;script&gt;window.__pwn=" in texts
    assert "<script" not in texts and "onerror=" not in re.sub(r"&lt;.*?&gt;", "", texts)


# -- PDF and DOCX ----------------------------------------------------------------------------------------
def pdf_actions(path: Path) -> tuple[set[str], set[str]]:
    """(link addresses of every annotation, names of every action type) in a PDF."""
    import pikepdf

    uris, kinds, seen = set(), set(), set()

    def walk(obj) -> None:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            for item in obj:
                walk(item)
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            if "/S" in obj and isinstance(obj.get("/S"), pikepdf.Name):
                kinds.add(str(obj["/S"]))
            if "/URI" in obj:
                uris.add(str(obj["/URI"]))
            for key in ("/JS", "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/OpenAction", "/AA"):
                if key in obj:
                    kinds.add(key)
            for key in obj.keys():
                if key not in ("/Parent", "/P"):
                    walk(obj[key])

    with pikepdf.open(path) as pdf:
        walk(pdf.Root)
        for page in pdf.pages:
            walk(page.obj)
    return uris, kinds


@pytest.mark.parametrize("name", ["proj/build/charte-reseaux-sociaux-projet.pdf", "diff.pdf",
                                  "proj/releases/1.1.0/charte-reseaux-sociaux-1.1.0.pdf",
                                  "proj/releases/1.1.0/charte-reseaux-sociaux-guide-1.1.0.pdf"])
def test_pdfs_link_only_to_allowed_addresses_and_run_nothing(hostile, name):
    path = hostile / name
    uris, kinds = pdf_actions(path)
    assert {scheme(u) for u in uris} <= ALLOWED, uris
    assert not kinds & {"/JS", "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/OpenAction", "/AA"}, kinds


def test_the_pdf_prints_the_module_html_as_text(hostile):
    import pypdf

    path = hostile / "proj" / "releases" / "1.1.0" / "charte-reseaux-sociaux-1.1.0.pdf"
    text = " ".join((page.extract_text() or "") for page in pypdf.PdfReader(path).pages)
    squashed = re.sub(r"[\s\u200b]+", "", plain(text))
    assert "<divonmouseover=\"window.__pwn='div'\">bloc</div>" in squashed, squashed[:3000]  # clause 3.1, a rule
    uris, _ = pdf_actions(path)
    assert "https://exemple.fr/charte" in uris


@pytest.mark.parametrize("name", ["charte.docx", "diff.docx"])
def test_docx_links_only_to_allowed_addresses_and_embeds_no_html(hostile, name):
    with zipfile.ZipFile(hostile / name) as docx:
        names = docx.namelist()
        rels = "".join(docx.read(n).decode("utf-8") for n in names if n.endswith(".rels"))
        body = docx.read("word/document.xml").decode("utf-8")
    targets = re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', rels)
    targets += re.findall(r'TargetMode="External"[^>]*Target="([^"]*)"', rels)
    assert {scheme(t) for t in targets} <= ALLOWED, targets
    assert "altChunk" not in rels and not any(n.endswith((".html", ".htm", ".mht")) for n in names)
    assert "HYPERLINK" not in body or "javascript" not in body.split("HYPERLINK", 1)[1][:200].lower()
    if name == "charte.docx":
        assert "&lt;script&gt;window.__pwn=" in body  # the module's HTML as text, escaped as XML


@pytest.mark.parametrize("fmt", REPORTS)
def test_diff_reports_show_notes_and_changelog_as_text(hostile, fmt):
    path = hostile / f"diff.{fmt}"
    if fmt in ("docx", "pdf"):
        return  # checked above (links, actions, embedded HTML)
    text = plain(path.read_text(encoding="utf-8"))
    if fmt == "html":
        assert dangers(text, style=True) == []
        assert "&lt;script&gt;window.__pwn=" in text
    elif fmt == "markdown":
        # Markdown read by a renderer that allows HTML (a forge, a wiki): no tag may open.
        assert "<script" not in text and "<img" not in text, text
    elif fmt == "json":
        data = json.loads(text)
        assert "window.__pwn='notes'" in json.dumps(data, ensure_ascii=False)  # data, as given
    else:  # the terminal report: text as typed (escape sequences are neutralised, test_terminal_text)
        assert "window.__pwn='changelog'" in text


# -- SVG logos ----------------------------------------------------------------------------------------
SVG_OK = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#123456"/></svg>'
SVG_HOSTILE = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "foreignObject": (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
                      b'<img src="x" onerror="alert(1)"/></body></foreignObject></svg>'),
    "external image": (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                       b'<image xlink:href="https://evil.example/p.png"/></svg>'),
    "javascript link": (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">'
                        b'<rect width="1" height="1"/></a></svg>'),
    "entities": (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                 b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'),
    "animation to javascript": (b'<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" '
                                b'to="javascript:alert(1)"/><rect width="1" height="1"/></a></svg>'),
    "style import": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
    "stylesheet instruction": (b'<?xml-stylesheet href="https://evil.example/x.css"?>'
                               b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    "upper-case script": b'<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>alert(1)</SCRIPT></svg>',
    "not xml": b"<svg><script>alert(1)</svg",
}


@pytest.mark.parametrize("name", SVG_HOSTILE)
def test_a_logo_that_is_more_than_a_picture_is_refused_naming_branding_logo(mini, name):
    from conftest import assert_user_error

    profile = mini(MINI_PROFILE + "branding: {logo: logo.svg}\n", {"logo.svg": SVG_HOSTILE[name]})
    result = run("check", "-p", profile)
    assert_user_error(result, "branding.logo", "logo.svg")
    assert "internal error" not in result.output


def test_a_plain_svg_logo_is_accepted_and_published_byte_for_byte(mini, tmp_path):
    profile = mini(MINI_PROFILE + "branding: {logo: logo.svg}\n", {"logo.svg": SVG_OK})
    result = run("build", "-p", profile, "--no-pdf")
    assert result.exit_code == 0, result.output
    assert (profile.parent / "build" / "site" / "assets" / "logo.svg").read_bytes() == SVG_OK


@pytest.mark.parametrize("name", SVG_HOSTILE)
def test_a_hostile_logo_frozen_in_an_old_release_is_served_clean(name, tmp_path):
    """A release made before logos were checked keeps its bytes; what the site serves is cleaned."""
    import base64
    import dataclasses

    from charter_kit.outputs import markup
    from charter_kit.outputs.site import build_site
    from charter_kit.typeset.svg import svg_problems
    from test_pdf import example_charter

    charter = example_charter()
    charter = dataclasses.replace(charter, branding={**charter.branding, "logo": {
        "name": "logo.svg", "media_type": "image/svg+xml", "data": base64.b64encode(SVG_HOSTILE[name]).decode()}})
    served = markup.logo(charter).data
    assert svg_problems(served) == []
    assert b"alert" not in served and b"evil.example" not in served and b"ENTITY" not in served
    if name == "script":
        build_site(charter, tmp_path / "site")
        assert (tmp_path / "site" / "assets" / "logo.svg").read_bytes() == served


# -- Chromium ----------------------------------------------------------------------------------------
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(hostile):
    """The published site on 127.0.0.1: its base URL."""
    handler = functools.partial(_Quiet, directory=str(hostile / "proj" / "public"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.mark.browser
@pytest.mark.slow
def test_no_script_runs_in_any_page_and_the_site_works_under_its_csp(hostile, served):
    from playwright.sync_api import sync_playwright

    public = hostile / "proj" / "public"
    paths = [str(p.relative_to(public)).removesuffix("index.html") for p in pages(public)]
    events: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(locale="fr-FR", permissions=["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
            page.on("console", lambda m: events.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: events.append(f"page error: {e}"))
            for path in paths:
                page.goto(served + path)
                page.wait_for_load_state("load")
                if path == "":  # the redirect to latest/
                    page.wait_for_url("**/latest/")
                    page.wait_for_load_state("load")
                # Events on every element: an on…= handler that survived would fire (no click: links would leave).
                page.evaluate("() => document.querySelectorAll('body *').forEach(e => ['mouseover', 'mouseenter', "
                              "'focus', 'error', 'load'].forEach(t => e.dispatchEvent(new Event(t))))")
                assert page.evaluate("() => window.__pwn") is None, path
                if path.endswith("404.html"):
                    # Material's 404 page names its files from the site's root (it is served for any
                    # missing address); under a version folder they are not found: nothing runs.
                    events[:] = [e for e in events if "Failed to load resource" not in e]
                    continue
                assert page.evaluate("() => typeof window.__md_get") == "function", path  # Material's helpers ran
            # Material's search, through its web worker, under the CSP.
            page.goto(served + "1.1.0/")
            page.locator("input.md-search__input").press_sequentially("gras", delay=20)
            page.wait_for_selector(".md-search-result__item", timeout=30_000)
            assert page.evaluate("() => window.__pwn") is None
            # charte.js: "Copier la référence" copies the clause's reference.
            page.goto(served + "1.1.0/articles/maison/")
            button = page.locator("button.ck-cite").first
            button.click()
            page.wait_for_function("() => document.querySelector('button.ck-cite[data-copied]') !== null")
            copied = page.evaluate("() => navigator.clipboard.readText()")
            assert copied.endswith("v1.1.0, art.\u00a03.1 (" + served + "1.1.0/articles/maison/#regle)"), copied
        finally:
            browser.close()
    assert events == [], "\n".join(events)
    assert len(paths) >= 3 * 8  # 1.0.0, 1.1.0 and latest/ (8 pages each, one Modifications page) and the redirect


@pytest.mark.browser
def test_chromium_reports_a_csp_violation_when_there_is_one(hostile, served):
    """Control: an inline script added to a published page is refused and reported (so the
    test above, which sees no report, could see one)."""
    from playwright.sync_api import sync_playwright

    page_path = hostile / "proj" / "public" / "1.1.0" / "contacts" / "index.html"
    control = page_path.with_name("control.html")
    control.write_text(page_path.read_text(encoding="utf-8").replace("</body>", "<script>window.__pwn=1</script></body>"),
                       encoding="utf-8")
    events: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                page = browser.new_page()
                page.on("console", lambda m: events.append(m.text))
                page.goto(served + "1.1.0/contacts/control.html")
                page.wait_for_load_state("load")
                assert page.evaluate("() => window.__pwn") is None
            finally:
                browser.close()
    finally:
        control.unlink()
    assert any("Content Security Policy" in e for e in events), events


# -- property: any module text, through the site's Markdown ---------------------------------------------
FRAGMENTS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=javascript:alert(1)>",
             "[a](javascript:alert(1))", "[a](&#106;avascript:alert(1))", "[a](JAVASCRIPT:alert(1))",
             "[a][r]\n\n[r]: javascript:alert(1)", "<javascript:alert(1)>", "{onclick=alert(1)}", "*x*{onmouseover=a}",
             "<a href='jav&#x09;ascript:alert(1)'>t</a>", "`<b>`", "``x`<script>``", "<svg onload=alert(1)>",
             "<div\nonclick=alert(1)>", "![i](javascript:alert(1))", "<style>*{}</style>", "<!-- <script> -->",
             "<math><mi xlink:href=javascript:alert(1)>", "<form action=javascript:alert(1)><button>", "\\<script>",
             "&lt;script&gt;", "<https://ok.example>", "[ok](https://ok.example)", "<<script>script>", "## T {#x onclick=a}",
             "| a | <b onclick=a> |\n|---|---|\n| `c` | d |", "- <img src=x\n- onerror=alert(1)>", "    <script>code</script>",
             "<base href=//evil.example>", "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>", "\n", " ", "texte"]


def site_html(text: str, *, guard_text: bool = True) -> str:
    """Module text converted the way a site page converts it (guard 1 optional, guards 2 and 3 always)."""
    import markdown

    from charter_kit.escape import inert_markdown
    from charter_kit.outputs import site_safe, site_text

    md = markdown.Markdown(extensions=["attr_list", "tables", "sane_lists", "toc", site_safe.SiteSafeExtension(),
                                       site_text.SiteTextExtension()], output_format="html")
    return md.convert(inert_markdown(text) if guard_text else text)


@pytest.mark.parametrize("guard_text", [True, False])
def test_any_mix_of_hostile_markdown_gives_html_without_scripts_or_bad_addresses(guard_text):
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8), st.sampled_from(["", " ", "\n", "\n\n"]))
    def check(parts, glue):
        text = glue.join(parts)
        assert dangers(site_html(text, guard_text=guard_text)) == [], text

    check()


def test_with_its_text_guard_module_html_prints_as_text():
    page = site_html("Intro <b onclick=x>gras</b> et `<i>code</i>` et <https://ok.example>.")
    assert "&lt;b onclick=x&gt;gras&lt;/b&gt;" in page and "<code>&lt;i&gt;code&lt;/i&gt;</code>" in page
    assert '<a href="https://ok.example">' in page


@pytest.mark.slow
def test_the_zensical_engine_pages_carry_the_csp_and_no_inline_script(tmp_path):
    """The second site engine reads the same overrides: its pages hold no inline script either."""
    from dataclasses import replace

    from charter_kit.outputs.site import build_site
    from charter_kit.outputs.site_safe import CSP
    from test_pdf import sample_charter

    charter = replace(sample_charter(), site={"engine": "zensical"})
    build_site(charter, tmp_path / "site")
    checked = 0
    for path in pages(tmp_path / "site"):
        page = path.read_text(encoding="utf-8")
        if path.name == "404.html":
            continue
        assert dangers(page) == [], path
        assert html.escape(CSP, quote=True).replace("&#x27;", "'") in page.replace("&#x27;", "'").replace("&#39;", "'")
        checked += 1
    assert checked >= 3
