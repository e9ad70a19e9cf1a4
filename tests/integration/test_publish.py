"""`charter publish`: the multi-version site, built from frozen releases, atomic and incremental.

One project with a small test library gets three releases (1.0.0; 1.1.0 changing an option, a
contact and an override; 2.0.0 adding a module and a library text change). It is published on
2026-04-15, when 1.0.0 is archived, 1.1.0 in force and 2.0.0 upcoming. The versioned site is
then read in headless Chromium, served over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from charter_kit.commands import publish as publish_module
from charter_kit.store.releases import load_charter, load_releases, read_file
from conftest import MINI_PROFILE, assert_user_error, launch_chromium, run, write_tree
from test_release_cli import PROFILE_1_1, make_project, release, snapshot

ON = "2026-04-15"
#: 2.0.0 adds the module beta.
PROFILE_2_0 = PROFILE_1_1.replace("modules:\n", "modules:\n  - beta\n")
#: The library's alpha 1.2.1: a wording fix with its changelog note.
ALPHA_1_2_1 = ("ne publiez pas :", "ne publiez jamais :"), (
    "id: alpha\nversion: 1.2.0", "id: alpha\nversion: 1.2.1"), (
    "changelog:\n", "changelog:\n  - {version: 1.2.1, date: 2026-04-20, note: {fr: \"Interdiction formulée plus nettement.\"}}\n")
TOP = {"1.0.0", "1.1.0", "2.0.0", "latest", "versions.json", "index.html", ".charter-publish.json"}


def edit(path: Path, *pairs: tuple[str, str]) -> None:
    """Replace each (old, new) in the file; each old text must be there."""
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def change_alpha(library: Path) -> None:
    """Apply the alpha 1.2.1 wording fix to a test library."""
    edit(library / "alpha" / "fr.md", ALPHA_1_2_1[0])
    edit(library / "alpha" / "module.yml", *ALPHA_1_2_1[1:])


def adopt(profile: Path, day: str) -> None:
    """Record the French procedure's formalities for the draft, all on ``day`` (issue 13)."""
    for milestone in ("avis-cse", "communication-inspection", "depot-greffe", "publicite"):
        assert run("adoption", "record", milestone, "--date", day, "-p", profile).exit_code == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(profile, first publish result, snapshot of public/) with releases 1.0.0, 1.1.0, 2.0.0."""
    root = tmp_path_factory.mktemp("publish")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
        profile = make_project(root)
        adopt(profile, "2025-12-20")
        assert release(profile, "1.0.0", "--date", "2026-01-05", "--effective", "2026-02-01",
                       "--approved-by", "Claire Martin, DRH").exit_code == 0
        profile.write_text(PROFILE_1_1, encoding="utf-8")
        adopt(profile, "2026-01-20")
        assert release(profile, "1.1.0", "--date", "2026-03-01").exit_code == 0
        change_alpha(root / "library")
        profile.write_text(PROFILE_2_0, encoding="utf-8")
        adopt(profile, "2026-04-20")
        result = release(profile, "2.0.0", "--date", "2026-05-01", "--effective", "2026-06-01",
                         "--notes", "Arrivée du module bêta.")
        assert result.exit_code == 0, result.output
        published = run("publish", "-p", profile, "--on", ON)
        yield profile, published, snapshot(profile.parent / "public")


@pytest.fixture
def copy(site, tmp_path, monkeypatch):
    """A private copy of the project (charter.yml path) with its library in use."""
    src = site[0].parent.parent
    root = Path(shutil.copytree(src, tmp_path / "copy", symlinks=True))
    monkeypatch.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
    return root / "proj" / "charter.yml"


def public(profile: Path) -> Path:
    """The default output folder of the project."""
    return profile.parent / "public"


def page(files: dict[str, bytes], path: str) -> str:
    """One published page's text."""
    return files[path].decode("utf-8")


# -- layout -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_publish_reports_what_it_built_and_where_employees_land(site):
    profile, result, _ = site
    assert result.exit_code == 0, result.output
    assert f"published 3 versions to {public(profile)} (built: 1.0.0, 1.1.0, 2.0.0; reused: none)" in result.output
    assert "employees land on 1.1.0 (en vigueur)" in result.output


@pytest.mark.slow
def test_the_output_holds_every_version_latest_versions_json_and_the_redirect(site):
    profile, _, files = site
    assert {p.name for p in public(profile).iterdir()} == TOP
    for version in ("1.0.0", "1.1.0", "2.0.0", "latest"):
        for name in ("index.html", "contacts/index.html", "modifications/index.html", "articles/alpha/index.html",
                     "search/search_index.json", "sitemap.xml"):
            assert f"{version}/{name}" in files, f"{version}/{name}"
    assert "2.0.0/articles/beta/index.html" in files and "1.1.0/articles/beta/index.html" not in files
    assert public(profile).stat().st_mode & 0o755 == 0o755  # servable, not a private temp folder


@pytest.mark.slow
def test_each_version_carries_its_released_pdf_byte_for_byte(site):
    profile, _, files = site
    for rel in load_releases(profile.parent):
        assert files[f"{rel.version}/{rel.pdf_name}"] == read_file(rel, rel.pdf_name)
        assert f'href="{rel.pdf_name}"' in page(files, f"{rel.version}/index.html")


@pytest.mark.slow
def test_latest_is_a_copy_of_the_version_in_force(site):
    _, _, files = site
    latest = {k[len("latest/"):]: v for k, v in files.items() if k.startswith("latest/")}
    current = {k[len("1.1.0/"):]: v for k, v in files.items() if k.startswith("1.1.0/")}
    assert latest == current


@pytest.mark.slow
def test_versions_json_is_in_mikes_format_with_latest_on_the_version_in_force(site):
    _, _, files = site
    assert json.loads(files["versions.json"]) == [
        {"version": "2.0.0", "title": "2.0.0 (à venir)", "aliases": []},
        {"version": "1.1.0", "title": "1.1.0 (en vigueur)", "aliases": ["latest"]},
        {"version": "1.0.0", "title": "1.0.0 (archivée)", "aliases": []},
    ]


@pytest.mark.slow
def test_index_html_redirects_to_latest(site):
    html = page(site[2], "index.html")
    assert '<meta http-equiv="refresh" content="0; url=latest/">' in html
    assert '<a href="latest/">' in html


@pytest.mark.slow
def test_archived_and_upcoming_versions_show_a_banner_pointing_to_the_version_in_force(site):
    _, _, files = site
    archived, upcoming, current = (page(files, f"{v}/articles/alpha/index.html") for v in ("1.0.0", "2.0.0", "1.1.0"))
    assert "Version archivée" in archived and "Version à venir" in upcoming
    for html in (archived, upcoming):
        # The link goes to latest/, so these pages need no rebuild when another version comes in force.
        assert re.search(r'href="\.\./\.\./\.\./latest/"[^>]*>Lire la version en vigueur</a>', html)
    assert "ck-banner" not in current


@pytest.mark.slow
def test_the_modifications_page_shows_the_diff_and_its_cause(site):
    _, _, files = site
    first = page(files, "1.0.0/modifications/index.html")
    assert "Première version de la charte" in first
    second = page(files, "1.1.0/modifications/index.html")
    assert "Embargos" in second
    # The new wording is a redline, inline: the old address struck out, the new one underlined.
    assert "<del>juridique</del><ins>droit</ins>@acme.example" in second
    assert "<blockquote>" not in second
    third = page(files, "2.0.0/modifications/index.html")
    assert "Arrivée du module bêta." in text_of(third)
    assert "ne publiez <ins>jamais</ins>" in third or "ne publiez <del>pas</del><ins>jamais</ins>" in third
    assert "Interdiction formulée plus nettement." in text_of(third)  # the library's changelog note
    assert "Bêta" in third


def text_of(html: str) -> str:
    """A page's text, tags removed and French spaces read as plain ones."""
    return " ".join(re.sub(r"<[^>]+>", "", html).replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'").split())


# -- frozen, reproducible, incremental --------------------------------------------------------------
@pytest.mark.slow
def test_a_published_version_stays_byte_identical_after_the_library_and_profile_change(site, copy):
    library = copy.parent.parent / "library"
    edit(library / "socle" / "fr.md", ("Vous restez libre de vous exprimer.", "Vous êtes libre."))
    edit(library / "socle" / "module.yml", ("version: 1.0.0", "version: 1.1.0"))
    copy.write_text("this: [is not a profile\n", encoding="utf-8")
    out = copy.parent / "fresh"
    out.mkdir()  # an empty folder is fine to publish into
    result = run("publish", "-p", copy, "--out", out, "--on", ON)
    assert result.exit_code == 0, result.output
    assert "built: 1.0.0, 1.1.0, 2.0.0; reused: none" in result.output
    assert snapshot(out) == site[2]


@pytest.mark.slow
def test_publishing_again_reuses_every_version_and_changes_no_byte(site, copy):
    result = run("publish", "-p", copy, "--on", ON)
    assert result.exit_code == 0, result.output
    assert "(built: none; reused: 1.0.0, 1.1.0, 2.0.0)" in result.output
    assert snapshot(public(copy)) == site[2]


@pytest.mark.slow
def test_a_new_upcoming_release_builds_only_that_version(copy):
    edit(copy, ("{reseau: LinkedIn}", "{reseau: Instagram}"))
    assert release(copy, "2.1.0", "--date", "2026-05-02", "--effective", "2026-07-01").exit_code == 0
    result = run("publish", "-p", copy, "--on", ON)
    assert result.exit_code == 0, result.output
    assert "(built: 2.1.0; reused: 1.0.0, 1.1.0, 2.0.0)" in result.output
    assert json.loads((public(copy) / "versions.json").read_text())[0]["title"] == "2.1.0 (à venir)"


@pytest.mark.slow
def test_a_new_version_in_force_rebuilds_only_the_versions_whose_status_changes(copy):
    result = run("publish", "-p", copy, "--on", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "(built: 1.1.0, 2.0.0; reused: 1.0.0)" in result.output
    assert "employees land on 2.0.0 (en vigueur)" in result.output


# -- safety -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_failed_publish_leaves_the_previous_output_intact(site, copy, monkeypatch):
    real = publish_module.build_version

    def failing(item, target):
        if item.release.version == "1.1.0":  # after 1.0.0 was rebuilt into the temporary folder
            raise OSError(28, "No space left on device")
        return real(item, target)
    monkeypatch.setattr(publish_module, "build_version", failing)
    result = run("publish", "-p", copy, "--on", "2026-06-01")  # the versions whose status changes are rebuilt
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert snapshot(public(copy)) == site[2]
    # No temporary leftover beside the profile (the release lock is the project's own, kept on purpose).
    assert sorted(p.name for p in copy.parent.iterdir() if p.name.startswith(".")) == [".charter-release.lock"]


@pytest.mark.slow
def test_publish_refuses_a_non_empty_folder_it_did_not_write(copy):
    out = write_tree(copy.parent / "mine", {"notes.txt": "à garder\n"})
    result = run("publish", "-p", copy, "--out", out, "--on", ON)
    assert_user_error(result, f"{out}: the folder is not empty and was not written by 'charter publish'",
                      "nothing was written")
    assert snapshot(out) == {"notes.txt": "à garder\n".encode()}


@pytest.mark.slow
def test_publish_refuses_a_damaged_release_store(copy):
    path = copy.parent / "releases" / "1.1.0" / "charter.json"
    path.write_bytes(path.read_bytes().replace(b"Acme", b"Acne", 1))
    before = snapshot(public(copy))
    result = run("publish", "-p", copy, "--on", ON)
    assert_user_error(result, "the release store is damaged", f"{path}: digest", "charter verify")
    assert snapshot(public(copy)) == before


def test_publish_without_releases_says_how_to_make_one(tmp_path):
    write_tree(tmp_path, {"charter.yml": MINI_PROFILE})
    assert_user_error(run("publish", "-p", tmp_path / "charter.yml"), "no release to publish", "charter release 1.0.0")
    assert not (tmp_path / "public").exists()


@pytest.mark.slow
def test_before_any_version_applies_employees_land_on_the_first_upcoming_one(site):
    releases = load_releases(site[0].parent)
    on = dt.date(2026, 1, 10)
    assert publish_module.landing_release(releases, on).version == "1.0.0"
    entries = json.loads(publish_module.versions_json(releases, on))
    assert [(e["title"], e["aliases"]) for e in entries] == [
        ("2.0.0 (à venir)", []), ("1.1.0 (à venir)", []), ("1.0.0 (à venir)", ["latest"])]
    # No version in force: the banners name none.
    assert {(p.status, p.current) for p in publish_module.plan(releases, on)} == {("upcoming", None)}


# -- in a real browser ------------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test output is not the place for access logs
        pass


@pytest.fixture(scope="module")
def server(site):
    """public/ served over HTTP on 127.0.0.1 (Material's version selector fetches versions.json)."""
    handler = functools.partial(_Quiet, directory=str(public(site[0])))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


@pytest.mark.browser
@pytest.mark.slow
def test_an_employee_lands_on_the_version_in_force_and_switches_versions(server, browser):
    page_ = browser.new_page(viewport={"width": 1280, "height": 900})
    hosts = set()
    page_.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page_.goto(server + "/")
    page_.wait_for_url(server + "/latest/")
    selector = page_.locator(".md-version__current")
    selector.wait_for()
    assert selector.inner_text().strip() == "1.1.0 (en vigueur)"
    assert page_.locator(".ck-banner").count() == 0
    # Open the selector and pick the archived version.
    page_.locator(".md-version").hover()
    page_.locator(".md-version__link", has_text="1.0.0 (archivée)").click()
    page_.wait_for_url(re.compile(re.escape(server) + r"/1\.0\.0/"))
    banner = page_.locator(".ck-banner")
    banner.wait_for()
    assert "Version archivée" in banner.inner_text()
    assert page_.locator(".md-version__current").inner_text().strip() == "1.0.0 (archivée)"
    # The banner leads back to the version in force.
    banner.locator("a").click()
    page_.wait_for_url(server + "/latest/")
    assert page_.locator(".ck-banner").count() == 0
    assert hosts == {server.split("/")[2]}, hosts  # no request leaves the site's own host
    page_.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_modifications_page_is_in_the_navigation_of_each_version(server, browser):
    page_ = browser.new_page(viewport={"width": 1280, "height": 900})
    page_.goto(server + "/2.0.0/")
    page_.get_by_role("link", name="Modifications").first.click()
    page_.wait_for_url(server + "/2.0.0/modifications/")
    assert "Modifications de la charte : 2.0.0" in text_of(page_.locator("article").inner_text())
    assert "Version à venir" in page_.locator(".ck-banner").inner_text()
    page_.close()


# -- the listed example -----------------------------------------------------------------------------
@pytest.mark.slow
def test_the_listed_example_carries_its_verified_releases_and_publishes(tmp_path):
    from conftest import LISTED_EXAMPLE

    profile = LISTED_EXAMPLE / "charter.yml"
    result = run("verify", "-p", profile)
    assert result.exit_code == 0, result.output
    releases = load_releases(LISTED_EXAMPLE)
    assert [r.version for r in releases] == ["1.0.0", "1.1.0", "2.0.0", "3.0.0"]
    first, second, third, fourth = releases
    # 3.0.0 adopts the revised library: the rules in the annex, the rest in the guide beside it.
    assert sorted(n for n in fourth.files if n.endswith(".pdf")) == [
        "charte-reseaux-sociaux-3.0.0.pdf", "charte-reseaux-sociaux-guide-3.0.0.pdf"]
    assert all(not n.endswith(".pdf") or "guide" not in n for r in (first, second, third) for n in r.files)
    assert "ambassadeurs" not in second.modules and "ambassadeurs" in third.modules
    upgraded = [m for m, v in third.modules.items() if second.modules.get(m) not in (None, v)]
    assert upgraded, "2.0.0 must include a module text change from the library"
    out = tmp_path / "public"
    result = run("publish", "-p", profile, "--out", out, "--on", "2027-06-15")
    assert result.exit_code == 0, result.output
    assert "employees land on 1.1.0 (en vigueur)" in result.output
    changes = (out / "2.0.0" / "modifications" / "index.html").read_text(encoding="utf-8")
    note = next(e.note for a in load_charter(third).articles if a.id == upgraded[0] for e in a.changelog
                if e.version == third.modules[upgraded[0]])
    assert note.split(" : ")[0] in changes and "ambassadeurs" in changes
    causes = (out / "1.1.0" / "modifications" / "index.html").read_text(encoding="utf-8")
    assert "astreinte" in causes.lower() and "crise" in causes
    assert (out / "3.0.0" / "charte-reseaux-sociaux-guide-3.0.0.pdf").is_file()
    home = (out / "3.0.0" / "index.html").read_text(encoding="utf-8")
    assert 'href="charte-reseaux-sociaux-guide-3.0.0.pdf"' in home and 'href="charte-reseaux-sociaux-3.0.0.pdf"' in home
