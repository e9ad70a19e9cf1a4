"""charter-kit's own documentation: `mkdocs build --strict` at the repository root, Référence pages
generated at build time that cover every profile key, command and module, and a site that makes
no request to another host.

The Référence pages are generated at build time only (see docs/reference/index.md): the checks
below read the built HTML and compare it with the code and the library, walked independently of
the generator.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import click
import markdown
import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from charter_kit.cli import cli
from charter_kit.compose.library import load_library
from charter_kit.model.vocabulary import BASIS_KEYS
from charter_kit.compose.profile import Profile
from charter_kit.locales import fr
from conftest import ARTIFACTS, ROOT, launch_chromium, write_tree

sys.path.insert(0, str(ROOT / "docs" / "hooks"))
import reference as docgen  # noqa: E402  (the documentation's hook, loaded by path as mkdocs does)

SITE_PAGES = ("index.html", "demarrage/index.html", "guide-rh/mise-en-ligne/index.html",
              "guide-juridique/opposabilite/index.html", "ecrire-un-module/index.html")


# -- the real build, once for the whole file ---------------------------------------------------------
@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """`mkdocs build --strict` at the repository root, into a temporary folder."""
    out = tmp_path_factory.mktemp("docs-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return result, out


@pytest.fixture(scope="module")
def site(build) -> Path:
    """The built site's folder (the build must have passed)."""
    result, out = build
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def page_text(site: Path, path: str) -> str:
    """A built page's HTML."""
    return (site / path).read_text(encoding="utf-8")


def esc(value: str) -> str:
    """``value`` as Markdown leaves it in HTML text."""
    return html.escape(value, quote=False)


@pytest.mark.slow
def test_strict_build_passes_without_warning(build):
    result, out = build
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    for page in SITE_PAGES:
        assert (out / page).is_file(), page


# -- profile reference -----------------------------------------------------------------------------
def schema_names(node: dict, defs: dict) -> set[str]:
    """Every property name of the profile schema, at any depth."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    names = set()
    for name, child in node.get("properties", {}).items():
        names.add(name)
        names |= schema_names(child, defs)
    for key in ("additionalProperties", "items"):
        if isinstance(node.get(key), dict):
            names |= schema_names(node[key], defs)
    for option in node.get("anyOf", []):
        names |= schema_names(option, defs)
    return names


@pytest.mark.slow
def test_every_profile_key_is_in_the_profile_reference(site):
    schema = Profile.model_json_schema()
    names = schema_names(schema, schema["$defs"])
    assert {"charter", "jurisdiction", "email", "remove", "signature_block"} <= names
    text = page_text(site, "reference/profil/index.html")
    for name in sorted(names):
        assert re.search(rf"<code>[^<]*\b{re.escape(name)}</code>", text), f"profile key {name!r} missing"
    for value in ("annexe-reglement-interieur", "pdf/ua-1", "qc"):
        assert f"<code>{value}</code>" in text


# -- CLI reference ---------------------------------------------------------------------------------
def commands(group: click.Group, path: tuple[str, ...] = ("charter",)):
    """Every command of the CLI as (path, command), walking click's own tables."""
    yield path, group
    for name, sub in sorted(getattr(group, "commands", {}).items()):
        if not sub.hidden:
            yield from commands(sub, path + (name,))


def section(text: str, anchor: str) -> str:
    """The HTML of the h2 section with this id, up to the next h2."""
    start = text.index(f'<h2 id="{anchor}"')
    end = text.find("<h2 ", start + 1)
    return text[start:end if end > 0 else len(text)]


@pytest.mark.slow
def test_every_command_and_option_is_in_the_cli_reference(site):
    text = page_text(site, "reference/cli/index.html")
    found = list(commands(cli))
    assert {p[1] for p, _ in found if len(p) > 1} >= {"init", "modules", "check", "render", "schema"}
    for path, command in found:
        part = section(text, "-".join(path))
        assert f"<code>{' '.join(path)}</code>" in part
        for param in command.params:
            if isinstance(param, click.Argument):
                assert f"<code>{param.human_readable_name}</code>" in part, (path, param.name)
            elif not param.hidden:
                for flag in param.opts + param.secondary_opts:
                    assert f"<code>{flag}</code>" in part, (path, flag)


# -- module catalogue ------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_module_is_in_the_catalogue(site):
    library = load_library()
    index = page_text(site, "reference/modules/index.html")
    assert len(library.modules) >= 1
    for module in library.ordered():
        assert f'href="{module.id}/"' in index, module.id
        text = page_text(site, f"reference/modules/{module.id}/index.html")
        assert esc(module.title["fr"]) in text
        assert esc(module.summary["fr"]) in text
        for clause in module.clauses:
            assert f"<code>{module.id}.{clause.key}</code>" in text, clause.key
            assert esc(clause.title) in text, clause.title
        for spec in [*module.variables.values(), *module.options.values()]:
            assert f"<code>{spec.name}</code>" in text, spec.name
            assert esc(spec.label["fr"]) in text, spec.label
        for role in module.contacts:
            assert f"<code>{role}</code>" in text, role
        for key in BASIS_KEYS:
            for ref in module.legal_basis.get(key, ()):
                assert esc(ref) in text, ref
            if module.legal_basis.get(key):
                assert f"<strong>{fr.JURISDICTION[key]}</strong>" in text


@pytest.mark.slow
def test_catalogue_navigation_lists_every_module(site):
    library = load_library()
    nav = page_text(site, "reference/modules/index.html")
    for module in library.ordered():
        assert f'href="{module.id}/"' in nav or f'href="../modules/{module.id}/"' in nav
    home = page_text(site, "index.html")
    for module in library.ordered():
        assert f'href="reference/modules/{module.id}/"' in home, module.id


# -- generation --------------------------------------------------------------------------------------
def test_regenerating_changes_nothing_and_nothing_is_committed():
    first = docgen.reference_pages()
    assert first == docgen.reference_pages()
    assert set(first) >= {docgen.PROFILE_PAGE, docgen.CLI_PAGE, docgen.CATALOGUE_INDEX}
    for path in first:
        assert not (ROOT / "docs" / path).exists(), f"docs/{path} is generated: it must not be committed"
    assert all(text.endswith("\n") and not text.endswith("\n\n") for text in first.values())


def test_french_descriptions_cover_every_profile_key_and_command():
    schema = Profile.model_json_schema()
    keys = {key for _, key, _, _ in docgen.profile_rows(schema)}
    assert keys - set(fr.PROFILE_KEYS) == set(), "add the French description to locales/fr.py PROFILE_KEYS"
    paths = {ctx.command_path for ctx, _ in docgen.walk_commands(cli)}
    assert paths - set(docgen.COMMAND_TEXT) == set(), "add the French summary to COMMAND_TEXT"


SMALL_LIBRARY = {
    "socle/module.yml": """
        id: socle
        version: 1.2.0
        title: {fr: "Socle | base <script>alert(1)</script>"}
        summary: {fr: "Le *socle* de [toute](http://evil.example) charte."}
        order: 10
        contacts: [juridique]
        variables:
          delai: {type: int, default: 3, label: {fr: "Délai | en jours"}}
          nom_programme: {type: string, label: {fr: "Nom du programme"}}
          exemples: {type: list, default: ["a | b", "c"], label: {fr: "Exemples"}, help: {fr: "Un par ligne."}}
          niveau: {type: choice, default: haut, choices: [haut, bas], label: {fr: "Niveau"}}
        options:
          embargo: {type: bool, default: false, label: {fr: "Embargos"}}
        legal_basis:
          fr: ["C. trav., art. L1121-1"]
          eu: ["Directive (UE) 2019/1937"]
        changelog:
          - {version: 1.2.0, date: 2026-11-22, note: {fr: "Délai ajouté."}}
        """,
    "socle/fr.md": """
        Introduction.

        ## Toujours {#toujours .regle}
        Texte {{ var.delai }} {{ var.nom_programme }} {{ var.exemples | liste }} {{ var.niveau }}.

        {% if opt.embargo %}
        ## Sous embargo {#embargo .regle}
        Texte.
        {% elif charter.jurisdiction == "ch" %}
        ## En Suisse {#suisse .regle}
        Texte.
        {% else %}
        ## Ailleurs {#ailleurs .regle}
        {% if company.listed %}Inline.{% endif %}
        {% endif %}

        ```markdown
        ## Exemple dans un bloc de code
        ```
        """,
}


@pytest.fixture(scope="module")
def small_library(tmp_path_factory):
    """A one-module library with hostile text, every kind of default and conditional clauses."""
    return load_library(builtin=write_tree(tmp_path_factory.mktemp("lib"), SMALL_LIBRARY))


def test_clause_conditions_follow_if_elif_else():
    source = textwrap.dedent(SMALL_LIBRARY["socle/fr.md"])
    assert docgen.clause_conditions(source) == {
        "toujours": "",
        "embargo": "opt.embargo",
        "suisse": 'non (opt.embargo) et charter.jurisdiction == "ch"',
        "ailleurs": 'non (opt.embargo ou charter.jurisdiction == "ch")',
    }


def test_module_page_is_inert_and_complete(small_library):
    module = small_library.get("socle")
    text = docgen.module_page(module, small_library)
    rendered = markdown.markdown(text, extensions=["tables", "attr_list"])
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert 'href="http://evil.example"' not in rendered
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, flags=re.S)
    variable_rows = [r for r in rows if "<code>delai</code>" in r or "<code>exemples</code>" in r]
    assert len(variable_rows) == 2 and all(r.count("<td") == 4 for r in variable_rows)
    assert "<strong>obligatoire</strong>" in rendered
    assert "« a | b »<br>« c »" in rendered
    assert "choix : <code>haut</code>, <code>bas</code>" in rendered
    assert "si <code>opt.embargo</code>" in rendered
    assert "<strong>France</strong>" in rendered and "<strong>Union européenne</strong>" in rendered
    assert "      nom_programme:    # obligatoire : texte court" in text
    assert '      exemples: ["a | b", "c"]' in text


def test_hook_refuses_a_committed_copy_of_a_generated_page(tmp_path):
    config = load_config(str(ROOT / "mkdocs.yml"))
    stray = File(docgen.PROFILE_PAGE, str(tmp_path), str(tmp_path / "site"), False)
    with pytest.raises(PluginError, match="generated at build time"):
        docgen.on_files(Files([stray]), config)


def test_hook_reports_a_library_that_does_not_load(monkeypatch, tmp_path):
    broken = write_tree(tmp_path / "modules", {"socle/module.yml": "id: socle\nversion: 1.0\n"})
    monkeypatch.setenv("CHARTER_KIT_LIBRARY", str(broken))
    config = load_config(str(ROOT / "mkdocs.yml"))
    with pytest.raises(PluginError, match="module library does not load"):
        docgen.on_files(Files([]), config)


# -- the site in a real browser ------------------------------------------------------------------------
@pytest.mark.slow
def test_every_page_is_french_and_self_contained(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    external = re.compile(r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"(?:https?:)?//"
                          r"|<link\b[^>]*\bhref=\"(?:https?:)?//")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="fr"' in text, page
        assert not external.search(text), page
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page


@pytest.fixture(scope="module")
def server(site):
    """The built site on a local HTTP server."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log every request to stderr."""

    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        return


@pytest.mark.browser
@pytest.mark.slow
def test_browser_search_in_french_and_no_request_elsewhere(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    hosts = set()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.on("request", lambda r: hosts.add(r.url.split("/")[2]))
            phone.goto(server)
            assert "charter-kit" in phone.locator(".md-content h1").first.inner_text()
            phone.screenshot(path=str(ARTIFACTS / "docs-phone.png"))
            desktop = browser.new_page(viewport={"width": 1280, "height": 800})
            desktop.on("request", lambda r: hosts.add(r.url.split("/")[2]))
            desktop.goto(server + "guide-juridique/opposabilite/")
            desktop.locator("input.md-search__input").fill("greffe")
            results = desktop.locator(".md-search-result__item a")
            results.first.wait_for(timeout=15000)
            # French search finds the page on opposability among the pages about the greffe filing.
            hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
            assert any("opposabilite" in href for href in hrefs), hrefs
            desktop.screenshot(path=str(ARTIFACTS / "docs-desktop-search.png"))
        finally:
            browser.close()
    assert hosts == {server.split("/")[2]}, hosts
