"""The whole charter as one Markdown document (``charter render --format md``)."""

from __future__ import annotations

from charter_kit.escape import md_escape
from charter_kit.locales import fr
from charter_kit.model.charter import Charter, link_clauses


def to_markdown(charter: Charter) -> str:
    """The charter's text, articles and clauses numbered, cross-references as in-page anchors."""
    anchor = lambda cid: "#" + cid.replace(".", "-")  # noqa: E731
    out = [f"# {md_escape(charter.title)}", "",
           f"{md_escape(charter.company['legal_name'])} · version {charter.display_version}"
           + (f" · en vigueur le {fr.date(charter.effective_date)}" if charter.effective_date else ""), ""]
    for a in charter.articles:
        out += [f"## Article {a.number}. {a.title} {{#{a.id}}}", ""]
        if a.intro:
            out += [link_clauses(a.intro, anchor), ""]
        for c in a.clauses:
            out += [f"### {c.number} {c.title} {{{anchor(c.id)}}}", "", link_clauses(c.text, anchor), ""]
        if a.legal_basis:
            out += ["*Références : " + " ; ".join(a.legal_basis) + "*", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def markdown_filename(charter: Charter) -> str:
    """``charte-<version>.md`` (``charte-projet.md`` for a draft)."""
    return f"charte-{charter.display_version}.md"


def render_markdown(charter: Charter) -> bytes:
    """The Markdown document as UTF-8 bytes."""
    return to_markdown(charter).encode("utf-8")
