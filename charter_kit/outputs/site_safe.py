"""Module text is data in the site too: no raw HTML, no script, links only where they may lead.

A module is Markdown that anyone may have written (a company copies one from the internet), so
three guards stand between its text and an employee's browser, each enough on its own for scripts:

1. ``inert_markdown`` (charter_kit.escape): before a page is converted, every ``<`` of module text outside a code span
   becomes ``&lt;``, so raw HTML (``<script>``, ``<iframe>``, ``<img onerror>``) prints as text,
   as in the PDF and the DOCX. Autolinks (``<https://…>``, ``<a@b.fr>``) keep their meaning.
2. ``_Neutralize`` (a tree processor of the page's Markdown): only known attributes stay (an
   attribute list ``{onclick=…}`` is dropped), links keep only http(s), mailto, tel and in-site
   addresses (``javascript:``, ``data:``, ``vbscript:``, ``file:``, entity tricks: the link prints
   as its text), and images print as their description (a site never fetches what a module names).
3. ``_Sanitize``: the page's finished HTML, our own fragments included, goes through nh3 (the
   ammonia sanitiser, which parses HTML as browsers do) with an allow-list of tags and attributes.

The pages also carry a Content-Security-Policy (``CSP``, theme override ``main.html``) that lets
only the site's own script files run.
"""

from __future__ import annotations

import html
import re
from typing import Any
from xml.etree import ElementTree as etree

import nh3
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from charter_kit.typeset.markup import LINK_SCHEMES

#: The site's Content-Security-Policy: its own files only, no inline script, no plugin, no <base>.
#: Images may be data: URIs (Material draws its icons in CSS that way).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-src 'none'")

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
# What browsers ignore inside a URL: tabs and line breaks anywhere, controls and spaces at the ends.
_URL_NOISE = re.compile(r"[\t\n\r]|^[\x00-\x20]+|[\x00-\x20]+$")
#: Attributes Markdown and our page scaffolding set; any other (on…, style, class…) is dropped.
_TREE_ATTRIBUTES = {"id", "href", "title", "align", "start", "data-ck-ref", "data-ck-href"}


def safe_url(href: str, *, relative: bool = True) -> bool:
    """True for an address a page may link to: http(s), mailto, tel, or (``relative``) one in the site."""
    url = _URL_NOISE.sub("", html.unescape(href))
    m = _SCHEME.match(url)
    if m:
        return m.group(1).lower() in LINK_SCHEMES
    return relative and not url.startswith(("//", "/\\", "\\")) and "\\" not in url


# -- 2. the tree -----------------------------------------------------------------------------------
class _Neutralize(Treeprocessor):
    """Known attributes only, safe links only, images as their description (see the module's docstring)."""

    def run(self, root: etree.Element) -> None:
        _clean_children(root)


def _clean_children(parent: etree.Element) -> None:
    i = 0
    while i < len(parent):
        el = parent[i]
        if el.tag == "img":
            _replace(parent, el, el.get("alt", ""), [])
            continue
        if el.tag == "a" and not safe_url(el.get("href", "")):
            _replace(parent, el, el.text or "", list(el))  # its children are visited next, in its place
            continue
        for name in [n for n in el.attrib if n not in _TREE_ATTRIBUTES]:
            del el.attrib[name]
        href = el.attrib.get("data-ck-href")
        if href is not None and (not safe_url(href) or _SCHEME.match(href)):
            del el.attrib["data-ck-href"]  # our versioned ¶ address is always relative
        _clean_children(el)
        i += 1


def _replace(parent: etree.Element, el: etree.Element, text: str, children: list[etree.Element]) -> None:
    """Put ``text`` and ``children`` where ``el`` was in ``parent`` (its tail follows them)."""
    index = list(parent).index(el)
    parent.remove(el)
    if children:
        children[-1].tail = (children[-1].tail or "") + (el.tail or "")
    else:
        text += el.tail or ""
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


# -- 3. the finished HTML --------------------------------------------------------------------------
#: Every tag a page's content may hold: Markdown's, and those of our fragments (meta, contacts,
#: download button, clause badges, the redline of the "Modifications" page).
TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em", "h1",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"*": {"class", "id", "title", "role", "lang"}, "a": {"href", "type"},
              "th": {"scope", "colspan", "rowspan", "align"}, "td": {"colspan", "rowspan", "align"},
              "ol": {"start"}}
#: Our own placeholder for a versioned ¶ address, put in place right after (site_text).
_PLACEHOLDER_SCHEME = "ck-permalink"


def sanitize_html(text: str) -> str:
    """HTML with only the allowed tags and attributes, and links that may only lead to http(s),
    mailto, tel or the site; scripts and styles are removed with their content."""
    clean = nh3.clean(text, tags=TAGS, attributes=ATTRIBUTES, generic_attribute_prefixes={"data-ck-", "aria-"},
                      url_schemes={*LINK_SCHEMES, _PLACEHOLDER_SCHEME}, link_rel=None,
                      clean_content_tags={"script", "style"}, strip_comments=True)
    return clean.replace("&nbsp;", "\u00a0")  # keep the character: typography reads it as a space


class _Sanitize(Postprocessor):
    def run(self, text: str) -> str:
        return sanitize_html(text)


class SiteSafeExtension(Extension):
    """The site's guards on module text (see the module's docstring)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After the inline links and attribute lists (20, 8), before the ¶ links and mkdocs' link
        # check (5, 0); the sanitiser after raw HTML comes back (30), before typography (5).
        md.treeprocessors.register(_Neutralize(md), "ck_neutralize", 7)
        md.postprocessors.register(_Sanitize(md), "ck_sanitize", 6)


def makeExtension(**kwargs: Any) -> SiteSafeExtension:  # noqa: N802 (Python-Markdown's entry point)
    """Python-Markdown loads the extension by this module's name."""
    return SiteSafeExtension(**kwargs)
