"""Charter → MkDocs project (docs/ + mkdocs.yml) → the employee site, built in-process.

Everything about the site engine (mkdocs + Material) stays in this module, so it can be swapped.
Pages are Markdown assembled here: clause text is trusted Markdown already escaped by the engine;
every plain value (company, titles, contacts) is escaped before it reaches a page or a template.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape

from charter_kit.locales import fr
from charter_kit.locales.typography import typography
from charter_kit.outputs import markup, site_safe, site_text, site_zensical
from charter_kit.outputs.site_mkdocs import run_mkdocs
from charter_kit.model.charter import Article, Charter, link_clauses
from charter_kit.errors import OutputError
from charter_kit.i18n import _
from charter_kit.escape import inert_markdown, md_escape
from charter_kit.templating import get_environment

OVERRIDES = Path(__file__).resolve().parent.parent / "templates" / "site" / "overrides"
STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "site" / "charte.css"
#: "Copier la référence" buttons and the version selector's name (a file: the site runs no inline script).
SCRIPT = Path(__file__).resolve().parent.parent / "templates" / "site" / "charte.js"
ARTICLES = "articles"
ESSENTIEL = "essentiel.md"
#: Banner of a published version that is not the one in force: (CSS class, sentence), by status code.
BANNERS = {
    "archived": ("archivee", "Version archivée : ce texte n’est plus en vigueur."),
    "upcoming": ("a-venir", "Version à venir : ce texte n’est pas encore en vigueur."),
    "replaced": ("remplacee", "Version remplacée avant son entrée en vigueur : ce texte ne s’est jamais appliqué."),
    "pending": ("en-attente", "Version en attente : sa procédure d’adoption n’est pas terminée, ce texte ne "
                              "s’applique pas encore."),
}
GUIDE_INTRO = ("Cette version se télécharge en deux PDF, qui portent la même empreinte numérique. Le premier "
               "ne reprend que les règles ({status}) : c’est le document à joindre, à imprimer ou à signer. "
               "Le second, le guide et procédures, rassemble les procédures, les informations et les contacts.")
PDF_INTRO = ("Le PDF reprend le texte intégral de cette version, avec son empreinte numérique : "
             "c’est le document à joindre, à imprimer ou à signer.")
ACK_INTRO = ("Une fois la charte lue, confirmez que vous l’avez reçue : le registre de l’entreprise enregistre "
             "votre accusé de réception de cette version et vous en remet une attestation.")
#: Splits French words on apostrophes and hyphens too, so "l’entreprise" finds "entreprise".
SEARCH_SEPARATOR = r"[\s\-'’]+"


@dataclass(frozen=True)
class VersionContext:
    """Where a version stands among the published ones (for the multi-version publish)."""

    status: str
    """Where the version stands: a code of vocabulary.RELEASE_STATUSES ("upcoming", "in_force"…)."""
    current: str | None
    """The version number in force (the banner's target), None if none is."""
    current_url: str | None
    """Relative URL to the version in force from this version's root, e.g. "../1.1.0/"."""
    changes_markdown: str | None
    """Body of a "Modifications" page (Markdown), added when given."""
    pending: tuple[str, ...] = ()
    """What the adoption procedure still needs (a "pending" version's banner lists it)."""


# -- public API ---------------------------------------------------------------------------------
def build_site(charter: Charter, out_dir: Path, *, pdf_name: str | None = None,
               version: VersionContext | None = None, cache: Path | None = None) -> None:
    """Build the static site of ``charter`` into ``out_dir`` (an empty or new folder); ``cache`` is a
    folder where the site engine may keep what outlives one build (compiled templates)."""
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    with tempfile.TemporaryDirectory(prefix="charter-site-") as tmp:
        config_file = write_project(charter, Path(tmp), pdf_name=pdf_name, version=version)
        if site_zensical.chosen(charter):
            site_zensical.run_zensical(config_file, out_dir.resolve(), source_date_epoch(charter))
        else:
            run_mkdocs(config_file, out_dir.resolve(), source_date_epoch(charter), cache)


def write_project(charter: Charter, folder: Path, *, pdf_name: str | None = None,
                  version: VersionContext | None = None) -> Path:
    """Write the MkDocs project (docs/, overrides/, mkdocs.yml) into ``folder``; return mkdocs.yml."""
    if pdf_name is not None and (not pdf_name or Path(pdf_name).name != pdf_name):
        raise ValueError(f"pdf_name must be a plain file name, got {pdf_name!r}")
    docs = folder / "docs"
    for rel, text in pages(charter, pdf_name=pdf_name, version=version).items():
        _write(docs / rel, text)
    _write(docs / "assets" / "charte.css", STYLESHEET.read_text(encoding="utf-8"))
    for script in (SCRIPT, SCRIPT.with_name("charte-base.js")):  # Material's inline script, as a file (CSP)
        _write(docs / "assets" / script.name, script.read_text(encoding="utf-8"))
    _write(docs / "assets" / "couleurs.css", palette_css(charter))
    logo = markup.logo(charter)
    if logo is not None:
        (docs / "assets" / logo.filename).write_bytes(logo.data)
    shutil.copytree(OVERRIDES, folder / "overrides")
    config_file = folder / "mkdocs.yml"
    text = yaml.safe_dump(mkdocs_config(charter, pdf_name=pdf_name, version=version),
                          allow_unicode=True, sort_keys=False, width=1000)
    _write(config_file, text)
    return config_file


def source_date_epoch(charter: Charter) -> int:
    """The timestamp mkdocs stamps dated files with: the charter's date, never the clock."""
    day = markup.charter_date(charter)
    if day is None:
        return 0
    moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=dt.timezone.utc)
    return int(moment.timestamp())


# -- pages --------------------------------------------------------------------------------------
def pages(charter: Charter, *, pdf_name: str | None = None,
          version: VersionContext | None = None) -> dict[str, str]:
    """Every Markdown page of the site, by path under docs/."""
    out = {"index.md": home_page(charter, pdf_name),
           ESSENTIEL: site_text.essential_page(charter, lambda cid: f"{ARTICLES}/{clause_link(cid)}"),
           "contacts.md": contacts_page(charter)}
    # A published version's ¶ links name it, so a link copied under latest/ never moves.
    versioned = version is not None and charter.version is not None
    for article in charter.articles:
        out[article_path(article)] = article_page(charter, article, versioned=versioned)
    if version is not None and version.changes_markdown:
        out["modifications.md"] = changes_page(version.changes_markdown)
    return out


def article_path(article: Article) -> str:
    """Where an article's page lives under docs/ (a folder, so module ids never clash with pages)."""
    return f"{ARTICLES}/{article.id}.md"


def clause_link(clause_id: str) -> str:
    """Where a cross-reference points from an article page: the article's page and clause anchor."""
    module, key = clause_id.split(".", 1)
    return f"{module}.md#{key}"


def home_page(charter: Charter, pdf_name: str | None) -> str:
    """The home page: title, metadata, reading guide, articles, commitments and the PDF."""
    parts = [f"# {md_escape(charter.title)}", "", _fragment("meta.html", **_meta(charter)), "",
             "## Comment lire cette charte", "", _reading_guide(charter), "",
             "## Les articles", "", _article_list(charter), "",
             "## Ce que vaut cette charte", "", _commitments(charter), ""]
    guide = markup.guide_filename(charter) if pdf_name else None
    if guide:
        # A disciplinary charter split in two: the rules to sign, and the guide beside them.
        parts += ["## Télécharger la charte", "", GUIDE_INTRO.format(status=markup.status_label(charter)), "",
                  _fragment("download.html", href=pdf_name, label="Télécharger les règles (PDF)"), "",
                  _fragment("download.html", href=guide, label="Télécharger le guide et procédures (PDF)"), ""]
    elif pdf_name:
        parts += ["## Télécharger la charte", "", PDF_INTRO, "",
                  _fragment("download.html", href=pdf_name), ""]
    if charter.site.get("ack_url") and charter.version:
        # ack.url in the profile: employees acknowledge this version in the company's registry (charter ack).
        parts += ["## Accuser réception", "", ACK_INTRO, "",
                  _fragment("ack.html", href=charter.site["ack_url"], version=charter.version), ""]
    return "\n".join(parts)


def article_page(charter: Charter, article: Article, *, versioned: bool = False) -> str:
    """One article: intro, clauses (number for "Copier la référence"; ¶ address under the version when ``versioned``), legal basis."""
    parts = [f"# Article {article.number}. {md_escape(article.title)}", ""]
    if article.intro:
        parts += [inert_markdown(link_clauses(article.intro, clause_link)), ""]
    for clause in article.clauses:
        attrs = f'#{clause.key} data-ck-ref="{clause.number}"'
        if versioned:
            up = site_zensical.PERMALINK_UP if site_zensical.chosen(charter) else "../../../"
            attrs += f' data-ck-href="{up}{charter.version}/{ARTICLES}/{article.id}/#{clause.key}"'
        parts += [f"## {clause.number} {inert_markdown(clause.title)} {{{attrs}}}", ""]
        nature, audience = markup.nature_label(clause), markup.audience_label(clause)
        if nature or audience:
            parts += [_fragment("clause_meta.html", nature=nature, code=clause.nature, audience=audience), ""]
        parts += [inert_markdown(link_clauses(clause.text, clause_link)), ""]
    basis = charter.legal_basis(article)
    if basis:
        parts += ["## Références juridiques", "", *[f"- {md_escape(ref)}" for ref in basis], ""]
    return "\n".join(parts)


def contacts_page(charter: Charter) -> str:
    """Who employees can ask, by subject."""
    parts = ["# Contacts", "",
             "Une question sur la charte, un doute avant de publier, une situation qui vous inquiète : "
             "adressez-vous à l’interlocuteur correspondant. Mieux vaut demander avant de publier "
             "qu’avoir à corriger après.", ""]
    rows = markup.contact_rows(charter)
    parts.append(_fragment("contacts.html", contacts=rows) if rows else
                 "Adressez vos questions à votre responsable ou aux ressources humaines.")
    return "\n".join(parts) + "\n"


def changes_page(changes_markdown: str) -> str:
    """The "Modifications" page of a published version."""
    body = changes_markdown.strip("\n")
    return body + "\n" if body.startswith("# ") else f"# Modifications\n\n{body}\n"


def _meta(charter: Charter) -> dict[str, Any]:
    return {"legal_name": markup.legal_name(charter),
            "version": charter.version or "Projet", "effective": markup.effective_label(charter),
            "status": markup.status_label(charter), "draft": charter.is_draft}


def _reading_guide(charter: Charter) -> str:
    n = len(charter.articles)
    articles = "un article" if n == 1 else f"{n} articles"
    return (f"La charte compte {articles}. Chaque article traite d’un sujet et se divise en règles "
            "numérotées (1.1, 1.2…). La première phrase d’une règle dit l’essentiel ; la suite "
            "explique pourquoi et comment, souvent avec des exemples « En pratique ».\n\n"
            "Pressé ? [L’essentiel](essentiel.md) donne la première phrase de chaque règle.\n\n"
            + (NATURES_GUIDE if any(c.nature for c in charter.clauses()) else "") +
            "La recherche, en haut de chaque page, retrouve une règle à partir d’un mot. Le symbole ¶ "
            "à côté du titre d’une règle donne son lien permanent, qui nomme la version ; le bouton "
            "« Copier la référence » copie sa référence complète, pour la citer. "
            "En cas de doute, adressez-vous aux [contacts](contacts.md).")


#: How to read the badges beside clause titles (a charter whose clauses declare their nature).
NATURES_GUIDE = ("Une étiquette indique la nature de chaque clause : « Règle », une obligation dont le "
                 "manquement peut être sanctionné ; « Procédure », la façon dont l’entreprise s’organise, "
                 "adressée aux personnes concernées ; « Information », une explication ou un conseil. "
                 "Une clause qui ne concerne que certaines personnes le dit (« Pour : les acheteurs »).\n\n")


def _article_list(charter: Charter) -> str:
    lines = []
    for a in charter.articles:
        rules = markup.nature_counts(list(a.clauses)) or "0 règle"
        lines.append(f"{a.number}. [{md_escape(a.title)}]({article_path(a)}) · {rules}")
    return "\n".join(lines) if lines else "Cette charte ne compte encore aucun article."


def _commitments(charter: Charter) -> str:
    """What the charter is worth and what it asks, in words that assert nothing the tool cannot know
    (whether the adoption formalities were carried out, whether a copy was handed over)."""
    status = markup.status_label(charter)
    statut = charter.clause("sanctions.statut")
    where = (f" : voir l’[article {statut.number}]({ARTICLES}/{clause_link(statut.id)})" if statut else "")
    if charter.status == "guide":
        text = ("Ce guide rassemble des recommandations ; il ne crée pas à lui seul d’obligation nouvelle. "
                f"Ce qu’il vaut juridiquement est expliqué dans la charte elle-même{where}.")
    else:
        text = f"Statut de ce texte : {md_escape(status)}."
        if any(c.nature for c in charter.clauses()):
            text += (" Les clauses marquées « Règle » énoncent des obligations dont le manquement peut être "
                     "sanctionné ; les procédures et les informations expliquent ces règles et décrivent "
                     "l’organisation de l’entreprise.")
        text += f" À quelles conditions ses règles s’appliquent, et ce qu’un manquement peut entraîner{where or ' : voir la charte elle-même'}."
    text += ("\n\nEn pratique :\n\n- lisez la charte, et relisez-la quand une nouvelle version est publiée ;\n"
             "- en cas de doute avant de publier, demandez conseil : voir les [contacts](contacts.md).")
    if charter.pdf.get("signature_block"):
        text += ("\n\nIl peut vous être demandé de signer l’accusé de réception qui figure à la fin du PDF : "
                 "il atteste que vous avez reçu cette version, sans valoir accord sur son contenu.")
    return text


def _fragment(template: str, **context: Any) -> str:
    """An HTML fragment of a page, from the shared Jinja environment (values are HTML-escaped)."""
    return get_environment().get_template(f"site/{template}").render(**context).strip("\n")


# -- mkdocs.yml -----------------------------------------------------------------------------------
def mkdocs_config(charter: Charter, *, pdf_name: str | None = None,
                  version: VersionContext | None = None) -> dict[str, Any]:
    """The generated mkdocs.yml: French, no external request, strict link checks, brand colours."""
    logo = markup.logo(charter)
    theme: dict[str, Any] = {
        "name": "material", "custom_dir": "overrides", "language": "fr", "font": False,
        "palette": {"primary": "white", "accent": "custom"},
        "features": ["navigation.sections", "navigation.footer", "navigation.top",
                     "search.highlight", "toc.follow"],
    }
    if logo is not None:
        theme["logo"] = theme["favicon"] = f"assets/{logo.filename}"
    config: dict[str, Any] = {
        "site_name": _html_text(typography(charter.title)),
        "site_description": _html_text(typography(f"{charter.title}, {markup.version_label(charter)}")),
        "site_author": _html_text(typography(markup.legal_name(charter))),
        "theme": theme,
        "nav": _nav(charter, version),
        "extra_css": ["assets/couleurs.css", "assets/charte.css"],
        "extra_javascript": ["assets/charte.js"],
        "markdown_extensions": [*[{e: {"use_align_attribute": True}} if e == "tables" else e for e in markup.EXTENSIONS],
                                {"toc": {"permalink": "¶", "permalink_title": "Lien permanent vers cette section"}},
                                site_safe.__name__, site_text.__name__],
        "plugins": [{"search": {"lang": "fr", "separator": SEARCH_SEPARATOR}}],
        "extra": {"generator": False, "charter": _footer_context(charter, pdf_name, version)},
        "validation": {"nav": {"omitted_files": "warn", "not_found": "warn"},
                       "links": {"not_found": "warn", "anchors": "warn", "unrecognized_links": "warn"}},
    }
    url = charter.site.get("url")
    if url:
        # A published version lives in its own folder under the site's address.
        suffix = f"{charter.version}/" if version is not None and charter.version else ""
        config["site_url"] = url.rstrip("/") + "/" + suffix
    if version is not None:
        config["extra"]["version"] = {"provider": "mike"}
    return config


def _nav(charter: Charter, version: VersionContext | None) -> list[Any]:
    articles = [{_html_text(typography(f"{a.number}. {a.title}")): article_path(a)} for a in charter.articles]
    nav: list[Any] = [{"Accueil": "index.md"}, {"L’essentiel": ESSENTIEL}]
    if articles:
        nav.append({"Les articles": articles})
    nav.append({"Contacts": "contacts.md"})
    if version is not None and version.changes_markdown:
        nav.append({"Modifications": "modifications.md"})
    return nav


def _footer_context(charter: Charter, pdf_name: str | None, version: VersionContext | None) -> dict[str, Any]:
    """Raw values for the theme overrides, which escape them (`| e`)."""
    kind, banner = BANNERS.get(version.status, (None, None)) if version is not None else (None, None)
    if kind == "a-venir" and charter.effective_date:
        banner = f"Version à venir : ce texte entrera en vigueur le {markup.effective_label(charter)}."
    if kind == "en-attente" and version.pending:
        banner += " Reste à accomplir : " + fr.join(version.pending) + "."
    return {
        "title": typography(charter.title),
        "short_title": typography(site_text.short_title(charter)),
        "citation": site_text.citation(charter),
        "legal_name": typography(markup.legal_name(charter)),
        "version_label": markup.version_label(charter),
        "effective": typography(markup.effective_label(charter)) if charter.effective_date else None,
        "digest": charter.digest, "csp": site_safe.CSP,
        "pdf": pdf_name,
        "banner": typography(banner) if banner else None,
        "banner_kind": kind,
        "current": version.current if version is not None else None,
        "current_url": version.current_url if version is not None else None,
    }


def _html_text(value: str) -> str:
    # Material prints site and page names unescaped in places (and escaped in others): escape
    # what could open a tag or an entity or close an attribute; apostrophes stay readable.
    return str(escape(value)).replace("&#39;", "'")


def palette_css(charter: Charter) -> str:
    """The brand colours as CSS variables (colours are validated #rrggbb, contrast-checked)."""
    p = markup.palette(charter)
    return ("/* Brand colours of the charter, on Material's white header. */\n"
            ":root,\n[data-md-color-primary=white] {\n"
            f"  --md-accent-fg-color: {p.accent};\n"
            f"  --md-accent-fg-color--transparent: {p.accent}1a;\n"
            f"  --md-typeset-a-color: {p.accent};\n"
            f"  --ck-accent: {p.accent};\n"
            f"  --ck-brand: {p.decor};\n"
            "}\n")


# -- helpers --------------------------------------------------------------------------------------
def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise OutputError(_("{folder}: the site folder must be empty or not exist yet").format(folder=out_dir))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
