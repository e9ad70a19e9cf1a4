"""Module hygiene: a module's version and changelog must say what really happened to its text.

Four mistakes freeze a wrong note into a release for good, so `check --modules` and `release` refuse
them, each naming the module file and line: a version with no changelog entry, two entries for one
version, an entry above the module's version, and a text that changed since the last release while
its version did not. The last is found by rendering today's source with the settings the release
recorded (variables, options, contacts, company) and comparing it with the released text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from charter_kit.compose.module import Library, Module
from charter_kit.compose.contacts import ContactBook
from charter_kit.compose.render import (_REF_RE, _CharterInfo, _Company, _make_ref,
                                        _render_module, _typed, split_clauses)
from charter_kit.compose.yamlfile import LineMap, load_yaml
from charter_kit.errors import CharterError, Problem
from charter_kit.i18n import _
from charter_kit.locales import fr
from charter_kit.model.charter import Article, Charter
from charter_kit.model.semver import Version
from charter_kit.templating import get_environment


def changelog_problems(modules: Iterable[Module], display=str) -> list[Problem]:  # noqa: B008
    """Version and changelog mistakes of ``modules``; ``display`` turns a path into the name shown."""
    problems = []
    for module in modules:
        path = module.path / "module.yml"
        lines = _lines(path)
        name = display(path)
        seen: dict[str, int] = {}
        entries = [str(e.get("version")) for e in module.changelog]
        for i, version in enumerate(entries):
            line = lines.line(("changelog", i, "version"))
            if version in seen:
                problems.append(Problem(name, line, f"changelog.{i}.version",
                                        _("version {version} has two changelog entries (the first is on line "
                                          "{line}); keep one note per version").format(version=version,
                                                                                        line=seen[version])))
            seen.setdefault(version, line or 0)
            if _newer(version, module.version):
                problems.append(Problem(name, line, f"changelog.{i}.version",
                                        _("changelog entry {version} is above the module's version {current}; "
                                          "bump 'version' or fix the entry").format(version=version,
                                                                                    current=module.version)))
        if module.version not in seen:
            problems.append(Problem(name, lines.line(("version",)), "version",
                                    _("version {version} has no changelog entry; add one saying what changed, "
                                      "e.g. {example}").format(version=module.version, example=(
                                          f"- {{version: {module.version}, date: YYYY-MM-DD, note: {{fr: \"…\"}}}}"))))
    return problems


def text_problems(library: Library, released: Charter, release_version: str, display=str,  # noqa: B008
                  *, any_origin: bool = False, sources: dict[str, str] | None = None) -> list[Problem]:
    """Modules of ``released`` whose text changed since then while their version stayed the same.

    A module is compared only with the release's module of the same origin (library or local), unless
    ``any_origin`` (a folder checked with `check --modules` is the source of the modules it holds).
    ``sources`` (the release's sha256 of each module's text file) settles an unchanged file at once,
    whatever a newer charter-kit would render from it.
    """
    problems = []
    for article in released.articles:
        module = library.get(article.id)
        if module is None or module.version != article.module_version:
            continue
        if module.origin != article.origin and not any_origin:
            continue
        if sources and sources.get(module.id) == source_hash(module, released.language):
            continue
        where = _changed_part(module, article, released)
        if where is None:
            continue
        path = module.path / "module.yml"
        problems.append(Problem(display(path), _lines(path).line(("version",)), "version",
                                _("the text of module '{id}' changed since release {release} ({where}) but its "
                                  "version is still {version}: bump the version and add a changelog entry, so the "
                                  "diff and the release name what happened").format(
                                    id=module.id, release=release_version, where=where, version=module.version)))
    return problems


def _changed_part(module: Module, article: Article, released: Charter) -> str | None:
    """Where today's source, rendered with the release's settings, differs from the released text."""
    try:
        intro, clauses = _render_like(module, article, released)
    except CharterError as exc:
        return _("it no longer renders with the release's settings: {error}").format(error=exc.message.splitlines()[0])
    if intro != article.intro:
        return _("its introduction")
    overridden = {cid for cid in released.overrides if cid.startswith(f"{module.id}.")}
    old = {c.id: c for c in article.clauses if c.id not in overridden and not c.overridden}
    new = {cid: c for cid, c in clauses.items() if cid not in overridden}
    for cid in sorted(set(old) | set(new)):
        if cid not in old or cid not in new:
            return (_("clause {id} added") if cid in new else _("clause {id} removed")).format(id=cid)
        a, b = old[cid], new[cid]
        heading, title, text = b
        if (a.title, a.text, a.nature, tuple(a.audience)) != (title, text, heading.nature, tuple(heading.audience)):
            return _("clause {id}, line {line} of {file}").format(id=cid, line=_clause_line(module, cid),
                                                                  file=module.source_file(released.language).name)
    return None


def _render_like(module: Module, article: Article, released: Charter):
    """The module's current source rendered with the settings ``released`` recorded for it."""
    lang = released.language
    company = released.company
    context = {
        "company": _Company(company["name"], company.get("legal_name") or company["name"],
                            bool(company.get("listed")), company.get("website")),
        "contacts": ContactBook.from_charter(released.contacts).namespace(module.id),
        "charter": _CharterInfo(released.title, lang, released.jurisdiction, released.status,
                                fr.status_label(released.status, released.jurisdiction), released.region),
        "var": _typed(article.variables, module.variables), "opt": _typed(article.options, module.options),
        "modules": [a.id for a in released.articles],
        "ref": _make_ref({c.id for c in released.clauses()}),
    }
    numbers = {c.id: c.number for c in released.clauses()}

    def refs(text: str) -> str:
        def one(m: re.Match) -> str:
            if m.group(1) not in numbers:
                raise CharterError(_("ref('{id}') points to a clause the release did not have").format(id=m.group(1)))
            return f"article {numbers[m.group(1)]}"
        return _REF_RE.sub(one, text)

    intro, parts = split_clauses(_render_module(get_environment(), module, lang, context))
    return refs(intro), {f"{module.id}.{h.key}": (h, refs(h.title), refs(body)) for h, body in parts}


def source_hash(module: Module, language: str) -> str:
    """sha256 of a module's text file, as it is on disk."""
    return hashlib.sha256(module.source_file(language).read_bytes()).hexdigest()


def _clause_line(module: Module, clause_id: str) -> str:
    key = clause_id.split(".", 1)[1]
    return str(next((c.line for c in module.clauses if c.key == key), "?"))


def _newer(a: str, b: str) -> bool:
    try:
        return Version.parse(a) > Version.parse(b)
    except ValueError:
        return False  # a malformed version is reported by the module loader


def _lines(path: Path) -> LineMap:
    try:
        return load_yaml(path, str(path))[1]
    except CharterError:
        return LineMap()
