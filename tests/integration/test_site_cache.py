"""Compiled templates are reused across builds (issue 11), and change nothing in the site.

In one process the theme's templates are compiled once (a bytecode cache on mkdocs' theme
environment) and its file listing is read once; `charter build` also keeps them, the listing and the
modules' compiled texts under its output folder, so a new process compiles none of them and lists
no installed theme. Each build is compared byte for byte with one made with every cache empty.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from charter_kit.outputs import site_mkdocs
from charter_kit.outputs.site import build_site
from conftest import LISTED_EXAMPLE
from test_build import edit, make_project, snapshot

pytestmark = pytest.mark.slow

#: A build in a new process that reports which templates Jinja compiled and which folders it listed
#: (site only); a failed build reports its error instead.
COUNTING_BUILD = """
import json, sys, jinja2
from pathlib import Path
compiled, listed = [], []
original = jinja2.Environment.compile
def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
    compiled.append(name)
    return original(self, source, name, filename, raw, defer_init)
jinja2.Environment.compile = counting
list_templates = jinja2.FileSystemLoader.list_templates
def listing(self):
    listed.extend(self.searchpath)
    return list_templates(self)
jinja2.FileSystemLoader.list_templates = listing
from charter_kit.commands.build import build
from charter_kit.errors import CharterError
try:
    build(Path(sys.argv[1]), Path(sys.argv[2]), pdf=False)
except CharterError as exc:
    print(json.dumps({"error": str(exc)}))
else:
    print(json.dumps({"compiled": compiled, "listed": listed}))
"""


def build_in_a_new_process(profile, out) -> dict:
    """What a new `charter build --no-pdf` process compiled and listed, or its error."""
    done = subprocess.run([sys.executable, "-c", COUNTING_BUILD, str(profile), str(out)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compiled_in_a_new_process(profile, out) -> list[str]:
    """The names of the templates a new `charter build --no-pdf` process compiled."""
    return build_in_a_new_process(profile, out)["compiled"]


def module_texts(names: list[str]) -> list[str]:
    """The modules' texts among compiled names ("<module>/fr.md")."""
    return sorted(n for n in names if n and n.endswith("/fr.md"))


def theme_templates(names: list[str]) -> list[str]:
    """Material's templates among compiled names (not module texts, not charter-kit's own fragments)."""
    return [n for n in names if n and not n.endswith("/fr.md") and not n.startswith("site/")]


def test_a_new_build_into_the_same_folder_compiles_none_of_materials_templates(tmp_path):
    profile = make_project(tmp_path / "projet")
    out = tmp_path / "sortie"
    first = theme_templates(compiled_in_a_new_process(profile, out))
    assert "main.html" in first and "base.html" in first and len(first) > 20
    cached = sorted((out / ".cache" / "site-templates").iterdir())
    assert len(cached) >= len(set(first))
    site_before = snapshot(out / "site")
    assert theme_templates(compiled_in_a_new_process(profile, out)) == []
    assert snapshot(out / "site") == site_before  # the same pages from the cached templates


def test_a_damaged_cache_file_is_compiled_again(tmp_path):
    profile = make_project(tmp_path / "projet")
    out = tmp_path / "sortie"
    compiled_in_a_new_process(profile, out)
    for path in (out / ".cache" / "site-templates").iterdir():
        path.write_bytes(b"not a template")
    site_before = snapshot(out / "site")
    assert "main.html" in theme_templates(compiled_in_a_new_process(profile, out))
    assert snapshot(out / "site") == site_before


def test_a_site_built_from_warm_caches_is_the_site_built_from_cold_ones(tmp_path):
    from charter_kit.compose.pipeline import load_project

    charter = load_project(make_project(tmp_path / "projet")).charter
    site_mkdocs.TEMPLATES.clear()
    site_mkdocs._LISTINGS.clear()
    build_site(charter, tmp_path / "cold", pdf_name="charte.pdf")
    hits = site_mkdocs.TEMPLATES.hits
    build_site(charter, tmp_path / "warm", pdf_name="charte.pdf")
    assert site_mkdocs.TEMPLATES.hits > hits  # the second build took its templates from the cache
    assert site_mkdocs._LISTINGS  # and the theme's listing
    assert snapshot(tmp_path / "warm") == snapshot(tmp_path / "cold")


def test_a_new_build_lists_no_installed_theme_and_compiles_no_unchanged_module(tmp_path):
    profile = make_project(tmp_path / "projet")
    out = tmp_path / "sortie"
    first = build_in_a_new_process(profile, out)
    theme = [p for p in first["listed"] if "site-packages" in p]
    assert theme and module_texts(first["compiled"])  # the first build lists the theme, compiles every text
    site_before = snapshot(out / "site")
    second = build_in_a_new_process(profile, out)
    assert not [p for p in second["listed"] if p in theme]  # the listing came from .cache/site-templates
    assert module_texts(second["compiled"]) == []  # and the modules' code from .cache/module-code
    assert snapshot(out / "site") == site_before


def test_an_edited_module_text_is_compiled_again_and_shows(tmp_path):
    project = tmp_path / "projet"
    shutil.copytree(LISTED_EXAMPLE, project, ignore=shutil.ignore_patterns("build", "public", "releases"))
    out = tmp_path / "sortie"
    first = build_in_a_new_process(project / "charter.yml", out)
    text = project / "modules" / "evenements" / "fr.md"
    first_line = next(line for line in text.read_text(encoding="utf-8").splitlines() if line.startswith("Vous "))
    edit(text, first_line, first_line.replace("Vous ", "Vous, partout, ", 1))
    again = build_in_a_new_process(project / "charter.yml", out)
    assert module_texts(again["compiled"]) == ["evenements/fr.md"]  # only the edited text
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / "site").rglob("*.html"))
    assert "Vous, partout, " in pages
    kept = list((out / ".cache" / "module-code").iterdir())
    assert len(kept) == len(module_texts(first["compiled"]))  # the old text's code is gone


def test_a_failed_build_keeps_no_compiled_module(tmp_path):
    profile = make_project(tmp_path / "projet")
    edit(profile, "modules:", "modules:\n  - module-qui-n-existe-pas")
    out = tmp_path / "sortie"
    assert "module-qui-n-existe-pas" in build_in_a_new_process(profile, out)["error"]
    assert not (out / ".cache" / "module-code").exists()


def test_a_damaged_compiled_module_is_compiled_again(tmp_path):
    profile = make_project(tmp_path / "projet")
    out = tmp_path / "sortie"
    build_in_a_new_process(profile, out)
    codes = sorted((out / ".cache" / "module-code").iterdir())
    assert codes
    codes[0].write_bytes(b"\xe3 not code")
    site_before = snapshot(out / "site")
    assert len(module_texts(build_in_a_new_process(profile, out)["compiled"])) == 1
    assert snapshot(out / "site") == site_before


def test_the_theme_listing_on_disk_follows_a_file_added_or_removed(tmp_path):
    theme = tmp_path / "theme"
    (theme / "partials").mkdir(parents=True)
    (theme / "main.html").write_text("x")
    cache = tmp_path / "cache"
    keep = lambda name: name.endswith(".html")  # noqa: E731 (mkdocs passes a function)
    assert site_mkdocs._listing(str(theme), (), keep, cache) == ["main.html"]
    assert len(list(cache.glob("listing-*.json"))) == 1
    (theme / "partials" / "nav.html").write_text("x")
    assert site_mkdocs._listing(str(theme), (), keep, cache) == ["main.html", "partials/nav.html"]
    (theme / "main.html").unlink()
    assert site_mkdocs._listing(str(theme), (), keep, cache) == ["partials/nav.html"]
    assert site_mkdocs._listing(str(theme), (), lambda name: False, cache) == []  # another filter, its own entry
