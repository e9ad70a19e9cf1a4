"""Writers killed with SIGKILL before, during and after each rename: no loss, no half output.

Each case runs the real CLI in a child process with CHARTER_KIT_PAUSE naming one pause point of a
writer (tests/faults.py), kills it there, then checks what a reader finds against outputs made
independently (the old ones, and the new ones written to another folder), that the next run
succeeds, and that the killed command left no process behind (the forked PDF worker included).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from charter_kit.fsutil import sweep
from conftest import MINI_LIBRARY, MINI_PROFILE, assert_user_error, run, write_tree
from faults import CHARTER, CHARTER_WITHOUT_EXCHANGE, pause_at

pytestmark = pytest.mark.slow


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) with its bytes; {} when it is missing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def visible(folder: Path) -> dict[str, bytes]:
    """The files a reader uses: none under a hidden name (the PDF cache, writers' temporaries)."""
    return {k: v for k, v in files(folder).items() if not any(part.startswith(".") for part in Path(k).parts)}


def leftovers(folder: Path) -> list[str]:
    """Writers' temporary names under ``folder``."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*.tmp"))


# -- build ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(project root, old build outputs, new build outputs): a mini project built once, then changed
    (LinkedIn -> Threads) and built into another folder, which is what a whole new build must be."""
    root = tmp_path_factory.mktemp("built")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
        write_tree(root / "library", MINI_LIBRARY)
        profile = write_tree(root / "proj", {"charter.yml": MINI_PROFILE}) / "charter.yml"
        assert run("build", "-p", profile).exit_code == 0
        profile.write_text(profile.read_text().replace("{reseau: LinkedIn}", "{reseau: Threads}"))
        assert run("build", "-p", profile, "--out", root / "reference").exit_code == 0
    old, new = visible(root / "proj" / "build"), visible(root / "reference")
    assert b"Threads" in new["site/articles/alpha/index.html"] and old != new
    return root, old, new


@pytest.fixture
def changed(built, tmp_path, monkeypatch) -> Path:
    """A private copy of the built project, its profile already changed (charter.yml)."""
    root = Path(shutil.copytree(built[0], tmp_path / "p", ignore=shutil.ignore_patterns("reference")))
    monkeypatch.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
    return root / "proj" / "charter.yml"


def pdf_of(outputs: dict[str, bytes]) -> str:
    """The name of the PDF beside the site."""
    return next(k for k in outputs if k.endswith(".pdf") and "/" not in k)


#: point -> what build/ holds after a kill there: "old", "new", or "site new, pdf old".
BUILD_POINTS = {
    "atomic-dir:before-rename@site": "old",
    "atomic-dir:after-rename@site": "site new, pdf old",
    "atomic-write:before-rename": "site new, pdf old",  # the first file written is the PDF cache
    "atomic-write:before-rename@{pdf}": "site new, pdf old",
    "atomic-write:after-rename@{pdf}": "new",
}


def expected_build(state: str, old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, bytes]:
    """build/'s visible files in a named state."""
    if state in ("old", "new"):
        return old if state == "old" else new
    pdf = pdf_of(old)
    return {**{k: v for k, v in new.items() if k.startswith("site/")}, pdf: old[pdf]}


@pytest.mark.parametrize("point", BUILD_POINTS)
def test_a_build_killed_at_each_pause_point(built, changed, tmp_path, point):
    _, old, new = built
    out = changed.parent / "build"
    paused = pause_at(["build", "-p", changed], point.format(pdf=pdf_of(old)), tmp_path, marker=changed)
    paused.kill()
    assert paused.children, "the PDF worker should be running at this point"  # so the kill check had work
    assert visible(out) == expected_build(BUILD_POINTS[point], old, new)
    result = run("build", "-p", changed)
    assert result.exit_code == 0, result.output
    assert visible(out) == new
    assert leftovers(out) == []  # what the killed run left is swept


def test_a_build_killed_between_the_two_renames_of_the_fallback_loses_nothing(built, changed, tmp_path):
    """Without a one-step swap (renameat2), the old site is moved aside first: a kill right then
    leaves no site/ until the next run (or any writer of it) puts the old one back."""
    _, old, new = built
    out = changed.parent / "build"
    paused = pause_at(["build", "-p", changed], "atomic-dir:between-renames@site", tmp_path, marker=changed,
                      command=CHARTER_WITHOUT_EXCHANGE)
    paused.kill()
    assert paused.children
    assert not (out / "site").exists()
    sweep(out / "site")  # what every writer of site/ does first
    assert visible(out) == old
    result = run("build", "-p", changed)
    assert result.exit_code == 0, result.output
    assert visible(out) == new and leftovers(out) == []


def test_a_build_that_goes_on_after_its_pause_point_completes(built, changed, tmp_path):
    _, old, new = built
    paused = pause_at(["build", "-p", changed], "atomic-dir:before-rename@site", tmp_path, marker=changed)
    assert paused.resume() == 0, paused.output()
    assert visible(changed.parent / "build") == new


# -- publish ----------------------------------------------------------------------------------------
BEFORE, AFTER = "2026-01-20", "2026-03-01"  # 1.1.0 comes in force in between: every page changes


@pytest.fixture
def published(store, tmp_path):
    """(profile, public/ as published on BEFORE, a publish on AFTER made into another folder)."""
    assert run("publish", "-p", store, "--on", BEFORE).exit_code == 0
    old = files(store.parent / "public")
    assert run("publish", "-p", store, "--on", AFTER, "--out", tmp_path / "reference").exit_code == 0
    new = files(tmp_path / "reference")
    assert old != new
    return store, old, new


@pytest.mark.parametrize("point, state", [("publish:before-rename", "old"), ("publish:after-rename", "new")])
def test_a_publish_killed_at_each_pause_point(published, tmp_path, point, state):
    profile, old, new = published
    public = profile.parent / "public"
    paused = pause_at(["publish", "-p", profile, "--on", AFTER], point, tmp_path, marker=profile)
    paused.kill()
    assert files(public) == (old if state == "old" else new)
    result = run("publish", "-p", profile, "--on", AFTER)
    assert result.exit_code == 0, result.output
    assert files(public) == new
    assert leftovers(profile.parent) == []


def test_a_publish_killed_between_the_two_renames_of_the_fallback_loses_nothing(published, tmp_path):
    profile, old, new = published
    public = profile.parent / "public"
    paused = pause_at(["publish", "-p", profile, "--on", AFTER], "publish:between-renames", tmp_path,
                      marker=profile, command=CHARTER_WITHOUT_EXCHANGE)
    paused.kill()
    assert not public.exists()
    sweep(public)
    assert files(public) == old
    result = run("publish", "-p", profile, "--on", AFTER)
    assert result.exit_code == 0, result.output
    assert files(public) == new and leftovers(profile.parent) == []


# -- release ----------------------------------------------------------------------------------------
RELEASE = ["release", "1.2.0", "--date", "2026-03-05"]


@pytest.fixture
def releasing(store, tmp_path):
    """(profile changed since 1.1.0, releases/ before, release 1.2.0 as made in a copy of the project)."""
    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    before = visible(store.parent / "releases")
    twin = Path(shutil.copytree(store.parent.parent, tmp_path / "twin")) / "proj" / "charter.yml"
    result = run(RELEASE[0], "-p", twin, *RELEASE[1:])
    assert result.exit_code == 0, result.output
    return store, before, files(twin.parent / "releases" / "1.2.0")


def test_a_release_killed_before_its_rename_leaves_the_store_as_it_was(releasing, tmp_path):
    profile, before, release = releasing
    paused = pause_at([RELEASE[0], "-p", profile, *RELEASE[1:]], "release:before-rename", tmp_path, marker=profile)
    paused.kill()
    assert visible(profile.parent / "releases") == before
    assert leftovers(profile.parent / "releases")  # the whole new release, under its temporary name
    assert run("verify", "-p", profile).exit_code == 0
    result = run(RELEASE[0], "-p", profile, *RELEASE[1:])
    assert result.exit_code == 0, result.output
    assert files(profile.parent / "releases" / "1.2.0") == release
    assert leftovers(profile.parent / "releases") == []  # swept by the next release


def test_a_release_killed_after_its_rename_is_whole(releasing, tmp_path):
    profile, before, release = releasing
    paused = pause_at([RELEASE[0], "-p", profile, *RELEASE[1:]], "release:after-rename", tmp_path, marker=profile)
    paused.kill()
    assert files(profile.parent / "releases" / "1.2.0") == release
    listing = run("releases", "-p", profile)
    assert [row.split()[0] for row in listing.output.splitlines()[2:]] == ["1.0.0", "1.1.0", "1.2.0"]
    assert run("verify", "-p", profile).exit_code == 0
    assert_user_error(run(RELEASE[0], "-p", profile, *RELEASE[1:]), "release 1.2.0 already exists")

