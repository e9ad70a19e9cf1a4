"""What the employee site adds to its text: French typography, versioned permalinks, "L'essentiel".

The Python-Markdown extension of this module is named in the generated mkdocs.yml
(``markdown_extensions``), so both site engines run it on every page:

- after ``toc`` has added each heading's ¶ link, a heading that carries ``data-ck-href`` (a clause
  of a published version) gets that address on its ¶ link: ``../../../1.1.0/articles/x/#clause``
  names the version even on a page read under ``latest/``;
- last, the page's HTML goes through ``typography_html`` (text nodes only), and so do the titles of
  its table of contents; the search index is made from this HTML, so it reads the same.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from charter_kit.escape import md_escape
from charter_kit.locales.typography import typography, typography_html
from charter_kit.model.charter import Charter, Clause, link_clauses
from charter_kit.outputs import markup

ESSENTIEL_INTRO = ("Chaque règle de la charte tient dans sa première phrase : la voici, article par article. "
                   "Le lien mène à la règle complète, avec ses explications et ses exemples.")
#: Words that end with a full stop without ending a sentence ("art. L1121-1", "C. trav.").
_ABBREVIATIONS = {"art", "arts", "al", "c", "trav", "com", "civ", "pén", "cf", "ex", "etc", "p", "n", "no",
                  "m", "mme", "mmes", "mlle", "dr", "l", "r", "d", "chap", "vol", "éd", "réf", "min", "max"}
_SENTENCE_END = re.compile(r"[.!?…](?=[\s\u00a0\u202f]+[«\"(\[]?[\s\u00a0\u202f]?[A-ZÀ-ÖØ-Þ0-9])")
_TAG = re.compile(r"<[^>]+>")
_FIRST_BLOCK = re.compile(r"<(p|li)>(.*?)</\1>", re.S)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_REFERENCE = re.compile(r"\]\s*\[|^\s*\[[^\]]+\]:", re.M)  # "[text][ref]", "[text] [ref]" or "[ref]: …"


# -- the Markdown extension ---------------------------------------------------------------------
class _Permalinks(Treeprocessor):
    """Points a heading's ¶ link at the address its ``data-ck-href`` gives, then drops the attribute.

    The address goes in only after mkdocs' link check (a treeprocessor that runs later and would
    refuse a link leaving the version's folder): here the link gets a placeholder with a scheme,
    which the check leaves alone, and the postprocessor puts the address in its place.
    """

    def run(self, root: Any) -> None:
        hrefs = _hrefs(self.md)
        for heading in root.iter():
            href = heading.attrib.pop("data-ck-href", None)
            if href is None:
                continue
            for child in heading:
                if child.tag == "a" and "headerlink" in child.get("class", "").split():
                    token = f"{_PLACEHOLDER}{len(hrefs)}"
                    hrefs[token] = href
                    child.set("href", token)


class _Typography(Postprocessor):
    """Versioned ¶ links in place, then French typography on the page's text nodes and its table of contents."""

    def run(self, text: str) -> str:
        # Python-Markdown also runs postprocessors on pieces (a heading's text for the table of
        # contents): every run replaces what it finds, and typography is idempotent.
        hrefs = _hrefs(self.md)
        if hrefs:
            text = re.sub(r'href="(%s\d+)"' % _PLACEHOLDER,
                          lambda m: f'href="{html.escape(hrefs.get(m.group(1), "#"))}"', text)
        _retitle(getattr(self.md, "toc_tokens", []))
        return typography_html(text)


_PLACEHOLDER = "ck-permalink:"


def _hrefs(md: Markdown) -> dict[str, str]:
    """The versioned addresses of this page's ¶ links, by placeholder."""
    if not hasattr(md, "ck_permalinks"):
        md.ck_permalinks = {}  # type: ignore[attr-defined]
    return md.ck_permalinks  # type: ignore[attr-defined]


def _retitle(tokens: list[dict[str, Any]]) -> None:
    for token in tokens:
        if isinstance(token.get("name"), str):
            token["name"] = typography(token["name"])
        _retitle(token.get("children", []))


class SiteTextExtension(Extension):
    """The site's text pass (see the module's docstring)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # toc runs at priority 5 (its ¶ links must exist); raw HTML comes back at 30.
        md.treeprocessors.register(_Permalinks(md), "ck_permalinks", 4)
        md.postprocessors.register(_Typography(md), "ck_typography", 5)


def makeExtension(**kwargs: Any) -> SiteTextExtension:  # noqa: N802 (Python-Markdown's entry point)
    """Python-Markdown loads the extension by this module's name."""
    return SiteTextExtension(**kwargs)


# -- "L'essentiel" ----------------------------------------------------------------------------
def essential_clauses(charter: Charter) -> list[tuple[Any, list[Clause]]]:
    """(article, its rules) for the page: clauses of nature "regle"; every clause when the
    charter predates natures (none is set)."""
    natures = any(c.nature for c in charter.clauses())
    out = []
    for article in charter.articles:
        clauses = [c for c in article.clauses if not natures or c.nature == "regle"]
        if clauses:
            out.append((article, clauses))
    return out


def essential_page(charter: Charter, link: Any) -> str:
    """The "L'essentiel" page: each rule's first sentence, linked to the full clause (``link(clause_id)``)."""
    parts = ["# L’essentiel", "", ESSENTIEL_INTRO, ""]
    groups = essential_clauses(charter)
    for article, clauses in groups:
        parts += [f"## Article {article.number}. {md_escape(article.title)}", ""]
        for clause in clauses:
            sentence = first_sentence(clause.text) or plain_title(clause.title)
            parts.append(f"- **{clause.number}** [{md_escape(sentence)}]({link(clause.id)})")
        parts.append("")
    if not groups:
        parts += ["Cette charte ne compte encore aucune règle.", ""]
    return "\n".join(parts)


def first_sentence(markdown_text: str) -> str:
    """The first sentence of a clause's Markdown, as plain text (links and emphasis read as text)."""
    text = link_clauses(markdown_text, lambda _id: "#")
    # The first block alone is converted (a clause is often ten of them), unless it may need the
    # rest: a reference-style link defined further down, or no paragraph or item in it.
    head = next((chunk for chunk in _BLANK_LINE.split(text) if chunk.strip()), "")
    m = None if _REFERENCE.search(head) else _FIRST_BLOCK.search(markup.to_html(head))
    m = m or _FIRST_BLOCK.search(markup.to_html(text))
    if not m:
        return ""
    text = " ".join(html.unescape(_TAG.sub("", m.group(2))).split())
    for end in _SENTENCE_END.finditer(text):
        word = re.search(r"(\w+)$", text[:end.start()])
        if end.group() == "." and word and word.group(1).lower() in _ABBREVIATIONS:
            continue
        return text[:end.end()]
    return text


def plain_title(title_markdown: str) -> str:
    """A clause title as plain text."""
    return " ".join(html.unescape(_TAG.sub("", markup.inline_html(title_markdown))).split())


# -- short title and citation --------------------------------------------------------------------
_LONG_TITLE = 28
_USAGE = re.compile(r"\b(?:d['’]utilisation|de bon usage|d['’]usage|relative à l['’]usage|sur l['’]usage)"
                    r"\s+(?:des|du|de la|de l['’])\s*", re.I)
_OF_NETWORKS = re.compile(r"\b(?:des|sur les|pour les)\s+(?=réseaux)", re.I)


def short_title(charter: Charter) -> str:
    """The title in the phone's header: the profile's ``charter.short_title``, else one derived from
    the title ("Charte d'utilisation des réseaux sociaux" → "Charte réseaux sociaux")."""
    given = charter.site.get("short_title")
    if given:
        return str(given)
    title = " ".join(charter.title.split())
    if len(title) <= _LONG_TITLE:
        return title
    shorter = _OF_NETWORKS.sub("", _USAGE.sub("", title)).strip()
    if len(shorter) <= _LONG_TITLE:
        return shorter
    words, out = shorter.split(), ""
    for word in words:
        if len(out) + len(word) + 1 > _LONG_TITLE - 1:
            break
        out = f"{out} {word}".strip()
    return (out or shorter[:_LONG_TITLE - 1]) + "…"


def citation(charter: Charter) -> str:
    """How a clause of this charter is cited, before its number: "Charte réseaux sociaux v2.1.0"."""
    version = f"v{charter.version}" if charter.version else "(projet)"
    return f"{short_title(charter)} {version}"
