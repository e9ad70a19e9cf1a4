"""Material's compiled templates are reused across builds (issue 11), and change nothing in the site.

In one process the theme's templates are compiled once (a bytecode cache on mkdocs' theme
environment) and its file listing is read once; `charter build` also keeps them under its output
folder, so a new process compiles none of them. Each build is compared byte for byte with one made
with every cache empty.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from charter_kit.outputs import site_mkdocs
from charter_kit.outputs.site import build_site
from test_build import make_project, snapshot

pytestmark = pytest.mark.slow

#: A build in a new process that reports which templates Jinja compiled (site only).
COUNTING_BUILD = """
import json, sys, jinja2
from pathlib import Path
compiled = []
original = jinja2.Environment.compile
def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
    compiled.append(name)
    return original(self, source, name, filename, raw, defer_init)
jinja2.Environment.compile = counting
from charter_kit.commands.build import build
build(Path(sys.argv[1]), Path(sys.argv[2]), pdf=False)
print(json.dumps(compiled))
"""


def compiled_in_a_new_process(profile, out) -> list[str]:
    """The names of the templates a new `charter build --no-pdf` process compiled."""
    done = subprocess.run([sys.executable, "-c", COUNTING_BUILD, str(profile), str(out)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


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
