"""`charter build` and `charter serve` through the real command line and the real engines.

The small example project is copied into a temporary folder and built there: site and PDF side
by side (the PDF in a child process), the PDF cached by digest and charter-kit version, and the
previous outputs kept intact by every failed build.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from charter_kit import __version__
from charter_kit.commands import build as build_module
from charter_kit.errors import CharterError, OutputError
from charter_kit.compose.pipeline import load_project
from charter_kit.commands.serve import preview, watched_paths
from conftest import MINIMAL_PROFILE, SMALL_EXAMPLE, assert_user_error, run, write_tree

PDF = "charte-reseaux-sociaux-projet.pdf"
#: The small example is a note de service whose clauses declare natures: it has a guide beside its rules.
GUIDE = "charte-reseaux-sociaux-guide-projet.pdf"


def make_project(folder: Path) -> Path:
    """A copy of the small example (or a minimal project when it is absent); returns charter.yml."""
    if (SMALL_EXAMPLE / "charter.yml").exists():
        shutil.copytree(SMALL_EXAMPLE, folder, ignore=shutil.ignore_patterns("build", "public", "releases"))
    else:
        write_tree(folder, {"charter.yml": MINIMAL_PROFILE})
    return folder / "charter.yml"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file; the old text must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rename_company(profile: Path, name: str) -> None:
    """Give the company a new name in the profile (a new digest for the charter)."""
    text = profile.read_text(encoding="utf-8")
    new = re.sub(r"(?m)^(company:\s*\{?\s*name: ?)[^,\n}]+", lambda m: m.group(1) + name, text, count=1)
    assert new != text
    profile.write_text(new, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One project built once by `charter build`: (profile, CLI result, snapshot of build/)."""
    profile = make_project(tmp_path_factory.mktemp("built") / "projet")
    result = run("build", "-p", profile)
    return profile, result, snapshot(profile.parent / "build")


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the project, already built once."""
    profile = make_project(tmp_path / "projet")
    assert run("build", "-p", profile).exit_code == 0
    return profile


# -- what a build writes -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_build_writes_the_site_and_the_pdf_next_to_the_profile(built):
    profile, result, files = built
    out = profile.parent / "build"
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"site: {out / 'site' / 'index.html'}", f"pdf: {out / PDF}",
                                          f"guide: {out / GUIDE}"]
    assert files[PDF].startswith(b"%PDF-") and files[GUIDE].startswith(b"%PDF-")
    assert files[f"site/{GUIDE}"] == files[GUIDE]
    assert files[f"site/{PDF}"] == files[PDF]  # the site serves the same annex
    assert f'href="{PDF}"' in files["site/index.html"].decode("utf-8")
    charter = load_project(profile).charter
    assert files[f".cache/pdf/{charter.digest}-{__version__}.pdf"] == files[PDF]
    assert not [name for name in os.listdir(out) if name.endswith(".tmp")]


@pytest.mark.slow
def test_the_pdf_is_rendered_in_another_process_than_the_site(tmp_path):
    # A real `charter build` process: this test process may hold a PDF engine's threads, after
    # which forking is refused (can_fork) and the PDF is rendered in-process.
    profile = make_project(tmp_path / "projet")
    pids = tmp_path / "pids"
    recording = ("import os\nimport charter_kit.commands.build as b\noriginal = b.render_pdf\n"
                 "def recording(charter):\n"
                 "    with open(os.environ['PIDS'], 'a') as fh:\n        fh.write(f'{os.getpid()}\\n')\n"
                 "    return original(charter)\n"
                 "b.render_pdf = recording\nfrom charter_kit.cli import main\nmain()\n")
    cli = subprocess.Popen([sys.executable, "-c", recording, "build", "-p", str(profile)],
                           env={**os.environ, "PIDS": str(pids)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = cli.communicate()[0].decode()
    assert cli.returncode == 0, output
    rendered = pids.read_text(encoding="utf-8").split()
    assert rendered and str(cli.pid) not in rendered, (cli.pid, rendered)


@pytest.mark.slow
def test_a_second_build_reuses_the_cached_pdf(project, monkeypatch):
    before = snapshot(project.parent / "build")

    def refuse(charter):
        raise AssertionError("the PDF must come from the cache")

    monkeypatch.setattr(build_module, "render_pdf", refuse)
    monkeypatch.setattr(build_module, "can_fork", lambda: True)
    result = run("build", "-p", project)
    assert result.exit_code == 0, result.output
    assert "(unchanged, from cache)" in result.output
    after = snapshot(project.parent / "build")
    assert after[PDF] == before[PDF] and after[f"site/{PDF}"] == before[PDF]


@pytest.mark.slow
def test_the_cache_is_keyed_by_digest_and_charter_kit_version(project, monkeypatch):
    cache = project.parent / "build" / ".cache" / "pdf"
    charter = load_project(project).charter
    assert [p.name for p in cache.iterdir()] == [f"{charter.digest}-{__version__}.pdf"]
    monkeypatch.setattr(build_module, "__version__", "99.0.0")
    result = run("build", "-p", project, "--no-site")
    assert result.exit_code == 0 and "from cache" not in result.output, result.output
    assert [p.name for p in cache.iterdir()] == [f"{charter.digest}-99.0.0.pdf"]  # the stale entry is gone
    rename_company(project, "Lumen Nouvelle")
    result = run("build", "-p", project, "--no-site")
    assert "from cache" not in result.output
    assert [p.name for p in cache.iterdir()] == [f"{load_project(project).charter.digest}-99.0.0.pdf"]


# -- failures leave the previous build intact ----------------------------------------------------------------
@pytest.mark.slow
def test_a_profile_error_changes_nothing(project):
    out = project.parent / "build"
    before = snapshot(out)
    edit(project, "modules:\n", "modules:\n  - module-inconnu\n")
    result = run("build", "-p", project)
    assert_user_error(result, "module-inconnu")
    assert snapshot(out) == before


@pytest.mark.slow
def test_a_pdf_failure_keeps_the_previous_site_and_pdf(project, monkeypatch):
    out = project.parent / "build"
    before = snapshot(out)
    rename_company(project, "Lumen Nouvelle")  # a new digest: the cache cannot serve it

    def broken(charter):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(build_module, "render_pdf", broken)
    monkeypatch.setattr(build_module, "can_fork", lambda: True)
    result = run("build", "-p", project)
    assert_user_error(result, "the PDF could not be rendered: RuntimeError: police introuvable")
    assert snapshot(out) == before
    assert not [name for name in os.listdir(out) if name.startswith(".") and name.endswith(".tmp")]


@pytest.mark.slow
def test_a_site_failure_keeps_the_previous_site_and_pdf(project, monkeypatch):
    out = project.parent / "build"
    before = snapshot(out)
    rename_company(project, "Lumen Nouvelle")

    def broken(*args, **kwargs):
        raise CharterError("the site could not be built: simulated")

    monkeypatch.setattr(build_module, "build_site", broken)
    assert_user_error(run("build", "-p", project), "simulated")
    assert snapshot(out) == before


# -- options ------------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_no_pdf_builds_a_site_without_a_pdf_link(tmp_path):
    profile = make_project(tmp_path / "projet")
    result = run("build", "-p", profile, "--no-pdf", "--out", tmp_path / "sortie")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"site: {tmp_path / 'sortie' / 'site' / 'index.html'}"]
    assert ".pdf" not in (tmp_path / "sortie" / "site" / "index.html").read_text(encoding="utf-8")
    assert not list((tmp_path / "sortie").glob("*.pdf"))


@pytest.mark.slow
def test_no_site_builds_only_the_pdf(tmp_path):
    profile = make_project(tmp_path / "projet")
    result = run("build", "-p", profile, "--no-site", "--out", tmp_path / "sortie")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"pdf: {tmp_path / 'sortie' / PDF}", f"guide: {tmp_path / 'sortie' / GUIDE}"]
    assert not (tmp_path / "sortie" / "site").exists()


def test_nothing_to_build_is_a_usage_error(tmp_path):
    profile = make_project(tmp_path / "projet")
    assert_user_error(run("build", "-p", profile, "--no-site", "--no-pdf"), "nothing to build", code=2)


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    profile = make_project(tmp_path / "projet")
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    assert_user_error(run("build", "-p", profile, "--out", tmp_path / "fichier"), "is a file", code=2)
    with pytest.raises(OutputError, match="is not a folder"):
        build_module.build(profile, tmp_path / "fichier")
    assert (tmp_path / "fichier").read_text(encoding="utf-8") == "x"


def test_a_missing_profile_is_a_readable_error(tmp_path):
    result = run("build", "-p", tmp_path / "absent.yml")
    assert result.exit_code == 1 and "Traceback" not in result.output


# -- serve ----------------------------------------------------------------------------------------------------------
def fetch(url: str) -> str:
    """GET a page of the preview."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local server
        return response.read().decode("utf-8")


def wait_for(condition, timeout: float = 600.0) -> None:
    """Poll until ``condition()`` is true; fail only on a hang (not a speed target)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {timeout:g} s: the preview hangs")
        time.sleep(0.2)


@pytest.mark.slow
def test_serve_rebuilds_when_the_profile_changes(tmp_path):
    profile = make_project(tmp_path / "projet")
    assert profile.resolve() in watched_paths(profile)
    with preview(profile, port=0, pdf=False) as server:
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        wait_for(lambda: server.serve_thread.is_alive())  # bound, listening and serving (a bound port alone refuses)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        home = fetch(url)
        assert "livereload" in home  # the browser reloads by itself after a rebuild
        article = url + "articles/socle/"  # the company's name is in the text (the home shows its legal name)
        rename_company(profile, "Lumen Renouvelé")
        wait_for(lambda: "Lumen Renouvelé" in fetch(article))
        edit(profile, "modules:\n", "modules:\n  - module-inconnu\n")
        wait_for(lambda: server.rebuilder.last_error is not None)
        assert "module-inconnu" in server.rebuilder.last_error
        assert "Lumen Renouvelé" in fetch(article)  # the last good preview stays on screen
        server.shutdown()
        thread.join(timeout=10)
