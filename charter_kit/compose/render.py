"""Rendering a Selection into a Charter: each module's text through the one Jinja environment."""

from __future__ import annotations

import base64
import datetime as dt
import re
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from charter_kit.templating import RefLink, get_environment, module_template, render_module

from charter_kit.model.charter import Article, ChangelogEntry, Charter, Clause
from charter_kit.escape import md_escape, normalize_block, sanitize_markdown
from charter_kit.errors import Problem, ProfileError, RenderError
from charter_kit.i18n import N_, _
from charter_kit.compose.clauses import Heading, rendered_problems, scan
from charter_kit.compose.contacts import ContactBook
from charter_kit.compose.jurisdictions import french_law
from charter_kit.locales import fr
from charter_kit.compose.module import Module
from charter_kit.compose.resolve import Selected, Selection

_REF_TOKEN = "\x00ref:{}\x00"
_REF_RE = re.compile(r"\x00ref:([^\x00]+)\x00")


# -- the context ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Company:
    name: str
    legal_name: str
    listed: bool
    website: str | None

    def __str__(self) -> str:
        return self.name


#: Release settings that change with every version: outputs show them from the charter's metadata, so
#: that a clause says what the employee is asked to do and only changes when that does.
_STAMPS = {"version": N_("the version number"), "effective_date": N_("the effective date"),
           "date": N_("the release date")}


@dataclass(frozen=True)
class _CharterInfo:
    title: str
    language: str
    jurisdiction: str
    status: str
    status_label: str = ""
    region: str | None = None

    def __getattr__(self, name: str):
        if name in _STAMPS:
            raise RenderError(_("charter.{name} is not available in module text: {what} changes with every "
                                "release, and the site, the PDF and the banners already show it").format(
                                    name=name, what=_(_STAMPS[name])),
                              hint=_("remove it from the clause; a clause says what employees are asked to do"))
        raise AttributeError(name)


class _Namespace(dict):
    """A read-only mapping whose keys are also attributes (``var.x``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _typed(values: dict[str, Any], specs: dict) -> _Namespace:
    # Dates are ISO text in the Charter but date objects in templates, so they print in French.
    out = {}
    for name, value in values.items():
        spec = specs.get(name)
        out[name] = dt.date.fromisoformat(value) if spec is not None and spec.type == "date" and value else value
    return _Namespace(out)


# -- rendering --------------------------------------------------------------------------------------
def render(selection: Selection, *, version: str | None = None, date: str | None = None,
           effective_date: str | None = None) -> Charter:
    """Render every selected module and assemble the numbered Charter."""
    profile = selection.loaded.profile
    lang = profile.charter.language
    eff = effective_date or (profile.charter.effective_date.isoformat() if profile.charter.effective_date else None)
    company = _Company(profile.company.name, profile.company.legal_name or profile.company.name,
                       profile.company.listed, profile.company.website)
    book = ContactBook(profile.contacts)
    info = _CharterInfo(profile.charter.title, lang, profile.charter.jurisdiction, profile.charter.status,
                        fr.status_label(profile.charter.status, profile.charter.jurisdiction),
                        profile.charter.region)
    possible = {cid for s in selection.modules for cid in s.module.clause_ids()}
    env = get_environment()

    drafts = []
    for sel in selection.modules:
        context = {  # each module gets its own copy of what modules share
            "company": company, "contacts": book.namespace(sel.module.id), "charter": info,
            "var": _typed(sel.variables, sel.module.variables),
            "opt": _typed(sel.options, sel.module.options),
            "modules": list(selection.ids), "ref": _make_ref(possible),
        }
        text = _render_module(env, sel.module, lang, context)
        declared = {c.key: (c.nature, c.audience) for c in sel.module.clauses}
        for problem in rendered_problems(text, declared)[:1]:  # ids are checked in the text that is kept
            raise RenderError(_("{file}, {problem}").format(file=sel.module.source_file(lang), problem=problem))
        drafts.append((sel, *split_clauses(text)))

    overrides = {k: v.model_dump(exclude_defaults=True) for k, v in profile.overrides.items()}
    articles = []
    for n, (sel, intro, parts) in enumerate(drafts, start=1):
        clauses = []
        for heading, body in parts:
            cid, title = f"{sel.module.id}.{heading.key}", heading.title
            ov = profile.overrides.get(cid)
            if ov is not None and ov.remove:
                continue
            if ov is not None:
                title = md_escape(ov.title) if ov.title else title
                body = sanitize_markdown(ov.text) if ov.text else body
            clauses.append(Clause(id=cid, number=f"{n}.{len(clauses) + 1}", title=title, text=body,
                                  overridden=ov is not None, nature=heading.nature, audience=heading.audience))
        articles.append(_article(sel, n, lang, intro, clauses, profile.charter.jurisdiction))
    articles = _resolve_refs(articles)
    texts = _texts(articles)
    problems = book.missing_problems(selection.loaded, texts)
    if problems:
        raise ProfileError(problems, hint=_(CONTACTS_HINT))
    problems = _foreign_law(selection, texts)
    if problems:
        raise ProfileError(problems, hint=_("a module prints French law by default where it has no text for this "
                                            "jurisdiction: leave it out of modules, or give it a text for this "
                                            "jurisdiction ('charter modules show ID' lists its jurisdictions)"))
    return Charter(
        title=profile.charter.title,
        company={"name": company.name, "legal_name": company.legal_name,
                 "listed": company.listed, "website": company.website, **profile.company.adoption_scope()},
        articles=tuple(articles), language=lang, jurisdiction=profile.charter.jurisdiction,
        status=profile.charter.status, version=version, date=date, effective_date=eff,
        contacts=book.charter_contacts(),
        overrides={k: v for k, v in sorted(overrides.items()) if k.split(".")[0] in selection.ids},
        branding={"primary_color": profile.branding.primary_color, "logo": _logo(selection)},
        # The short title and the engine join the site settings only when given: older charters keep their digest.
        site={"url": profile.site.url,
              **({"short_title": profile.charter.short_title} if profile.charter.short_title else {}),
              **({"engine": profile.site.engine} if profile.site.engine != "material" else {}),
              **({"ack_url": profile.ack.url} if profile.ack.url else {})},
        pdf={"variant": profile.pdf.variant, "signature_block": profile.pdf.signature_block},
        region=profile.charter.region,
    )


#: What to do about a missing contact (docs/guide-rh/profil.md explains the fallback chain).
CONTACTS_HINT = N_("one contact can serve several roles (roles: [juridique, communication]); a role without a "
                 "contact falls back along the chain juridique → rh, communication → rh… (see 'Les contacts' "
                 "in the HR guide)")


def contact_problems(selection: Selection) -> list[Problem]:
    """The missing contacts the charter's text would print, for a profile that has other problems too
    (its invalid values stand in with placeholders): every problem is then reported in one run."""
    try:
        render(selection)
    except ProfileError as exc:
        return list(exc.problems)
    except Exception:  # the other problems explain it; they are reported already
        return []
    return []


def _foreign_law(selection: Selection, texts: dict[str, str]) -> list[Problem]:
    """A problem for each module whose text, in a charter under another country's law, cites French law."""
    loaded = selection.loaded
    jurisdiction = loaded.profile.charter.jurisdiction
    if jurisdiction == "fr":
        return []
    entries = [e.id for e in loaded.profile.entries()]
    problems = []
    for mid, text in texts.items():
        markers = french_law(text)
        if markers:
            where = ("modules", entries.index(mid)) if mid in entries else ("modules",)
            problems.append(loaded.problem(where, _("module '{id}' has no text for {country} ('{jurisdiction}'): "
                                                    "it would print French law ({markers})").format(
                id=mid, country=fr.JURISDICTION[jurisdiction], jurisdiction=jurisdiction,
                markers=", ".join(markers[:3]))))
    return problems


def _texts(articles: list[Article]) -> dict[str, str]:
    """Every printed text of each article (introduction, clause titles and bodies), by module id."""
    return {a.id: "\n".join([a.intro, *(f"{c.title}\n{c.text}" for c in a.clauses)]) for a in articles}


def _article(sel: Selected, n: int, lang: str, intro: str, clauses: list[Clause], jurisdiction: str) -> Article:
    m = sel.module
    return Article(
        id=m.id, number=n, title=m.title[lang], intro=intro, clauses=tuple(clauses),
        legal_basis=m.basis_for(jurisdiction), module_version=m.version, origin=m.origin,
        variables=dict(sel.variables), options=dict(sel.options), contacts=tuple(m.contacts),
        changelog=tuple(ChangelogEntry(e["version"], e["date"], e["note"].get(lang, "")) for e in m.changelog),
    )


def _make_ref(possible: set[str]):
    def ref(clause_id: str) -> RefLink:
        """A link "article N.M" to a clause of the charter."""
        if clause_id not in possible:
            raise RenderError(_("ref('{id}'): no such clause in this charter").format(id=clause_id))
        return RefLink(f"[{_REF_TOKEN.format(clause_id)}](clause:{clause_id})")
    return ref


def _resolve_refs(articles: list[Article]) -> list[Article]:
    numbers = {c.id: c.number for a in articles for c in a.clauses}

    def sub(text: str, where: str) -> str:
        def one(m: re.Match) -> str:
            target = m.group(1)
            if target not in numbers:
                raise RenderError(_("{where}: ref('{id}') points to a clause that is not in the charter "
                                    "(left out by an option or removed by an override)").format(where=where, id=target))
            return f"article {numbers[target]}"
        return _REF_RE.sub(one, text)

    out = []
    for a in articles:
        clauses = tuple(replace(c, title=sub(c.title, c.id), text=sub(c.text, c.id)) for c in a.clauses)
        out.append(Article(**{**a.__dict__, "intro": sub(a.intro, a.id), "clauses": clauses}))
    return out


_TAGS_ONLY = re.compile(r"[ \t]*(\{%.*?%\}[ \t]*)+")
_TRAILING_TAG = re.compile(r"(?<![-+])%\}([ \t]*)$")


def keep_line_breaks(source: str) -> str:
    """Let a block tag swallow its line break only when it stands alone on its line.

    With trim_blocks, "text{% endif %}" followed by a blank line would glue the next paragraph
    to this one; "+%}" keeps that line break. Line numbers do not change.
    """
    lines = source.split("\n")
    for i, line in enumerate(lines):
        if "%}" in line and not _TAGS_ONLY.fullmatch(line):
            lines[i] = _TRAILING_TAG.sub(r"+%}\1", line)
    return "\n".join(lines)


def _render_module(env: SandboxedEnvironment, module: Module, lang: str, context: dict[str, Any]) -> str:
    path = module.source_file(lang)
    try:
        template = module_template(env, keep_line_breaks(module.texts[lang]), f"{module.id}/{lang}.md", str(path))
        return render_module(template, context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(_("{file}, line {line}: template syntax error: {error}").format(
            file=path, line=exc.lineno, error=exc.message)) from None
    except RenderError as exc:
        raise RenderError(_("{file}, line {line}: {error}").format(file=path, line=_line(exc, path),
                                                                  error=exc.message)) from None
    except jinja2.UndefinedError as exc:
        raise RenderError(_("{file}, line {line}: {error}").format(file=path, line=_line(exc, path), error=exc.message),
                          hint=_("only company, contacts, charter, var, opt, modules and ref() exist; "
                                 "variables must be declared in module.yml")) from None
    except jinja2.sandbox.SecurityError as exc:
        raise RenderError(_("{file}, line {line}: refused by the sandbox: {error}").format(
            file=path, line=_line(exc, path), error=exc)) from None
    except Exception as exc:  # a template can raise anything (TypeError, ZeroDivisionError…)
        raise RenderError(_("{file}, line {line}: {kind}: {error}").format(
            file=path, line=_line(exc, path), kind=type(exc).__name__, error=exc)) from None


def _line(exc: BaseException, path: Path) -> str:
    if getattr(exc, "lineno", None):
        return str(exc.lineno)
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    return str(lines[-1]) if lines else "?"


def split_clauses(text: str) -> tuple[str, list[tuple[Heading, str]]]:
    """Split rendered module Markdown into its introduction and ``(heading, body)`` clauses."""
    intro: list[str] = []
    clauses: list[tuple[Heading, list[str]]] = []
    for _n, line, heading, _is_heading in scan(text):
        if heading:
            clauses.append((heading, []))
        elif clauses:
            clauses[-1][1].append(line)
        else:
            intro.append(line)
    return normalize_block("\n".join(intro)), [(h, normalize_block("\n".join(b))) for h, b in clauses]


def _logo(selection: Selection) -> dict[str, str] | None:
    """The logo embedded in the charter, so a release never depends on a file that may change."""
    logo = selection.loaded.profile.branding.logo
    if not logo:
        return None
    data, media_type = selection.loaded.read_logo()
    return {"name": Path(logo).name, "media_type": media_type, "data": base64.b64encode(data).decode("ascii")}
