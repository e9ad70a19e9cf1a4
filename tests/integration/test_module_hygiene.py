"""Module hygiene (issue 13): a module's version and changelog must say what happened to its text.

Each mistake is an error naming the module file and line, from `check --modules` and from `release`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from conftest import assert_user_error, run


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(mini):
    """The mini project (charter.yml) with the library folder beside it."""
    return mini()


MISTAKES = {
    "a version without a changelog entry": (
        ("id: alpha\nversion: 1.2.0", "id: alpha\nversion: 1.3.0"),
        "alpha/module.yml, line 2: version: version 1.3.0 has no changelog entry"),
    "two entries for one version": (
        ("changelog:\n", "changelog:\n  - {version: 1.2.0, date: 2026-11-23, note: {fr: \"Encore.\"}}\n"),
        "alpha/module.yml, line 19: changelog.1.version: version 1.2.0 has two changelog entries (the first is on line 18)"),
    "an entry above the module's version": (
        ("changelog:\n", "changelog:\n  - {version: 1.4.0, date: 2026-11-23, note: {fr: \"Plus tard.\"}}\n"),
        "alpha/module.yml, line 18: changelog.0.version: changelog entry 1.4.0 is above the module's version 1.2.0"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_changelog_mistakes_are_errors_of_check_modules_and_of_release(project, name):
    (old, new), message = MISTAKES[name]
    library = project.parent.parent / "library"
    edit(library / "alpha" / "module.yml", old, new)
    assert_user_error(run("check", "--modules", library, "-p", project), message)
    assert_user_error(run("release", "1.0.0", "-p", project, "--date", "2027-01-04"), message, "nothing was written")
    assert not (project.parent / "releases").exists()


def test_a_text_changed_since_the_last_release_without_a_version_bump_is_an_error(project):
    assert run("release", "1.0.0", "-p", project, "--date", "2027-01-04").exit_code == 0
    library = project.parent.parent / "library"
    # release.yml keeps each module's source hash: an unchanged file is never taken for an edit.
    meta = yaml.safe_load((project.parent / "releases" / "1.0.0" / "release.yml").read_text(encoding="utf-8"))
    assert meta["sources"]["alpha"] == hashlib.sha256((library / "alpha" / "fr.md").read_bytes()).hexdigest()
    edit(library / "alpha" / "fr.md", "Demandez avant de publier.", "Demandez toujours avant de publier.")
    message = ("alpha/module.yml, line 2: version: the text of module 'alpha' changed since release 1.0.0 "
               "(clause alpha.doute, line 12 of fr.md) but its version is still 1.2.0")
    assert_user_error(run("release", "1.1.0", "-p", project, "--date", "2027-03-01"), message)
    assert_user_error(run("check", "--modules", library, "-p", project), message)
    # Bumped, with its changelog entry: the same change is released, and the diff names the update.
    edit(library / "alpha" / "module.yml", "id: alpha\nversion: 1.2.0", "id: alpha\nversion: 1.2.1")
    edit(library / "alpha" / "module.yml", "changelog:\n",
         "changelog:\n  - {version: 1.2.1, date: 2026-11-29, note: {fr: \"Toujours demander.\"}}\n")
    assert run("check", "--modules", library, "-p", project).exit_code == 0
    result = run("release", "1.1.0", "-p", project, "--date", "2027-03-01")
    assert result.exit_code == 0, result.output
    report = run("diff", "1.0.0", "1.1.0", "-p", project).output
    assert "texte du module « alpha » mis à jour dans la bibliothèque : version 1.2.0 → 1.2.1 (1.2.1 : Toujours demander.)" \
        in report


def test_a_setting_change_is_not_a_module_change(project):
    """Only the module's own text counts: new variable values render differently but are not an edit."""
    assert run("release", "1.0.0", "-p", project, "--date", "2027-01-04").exit_code == 0
    project.write_text(project.read_text().replace("{reseau: LinkedIn}", "{reseau: Mastodon}"))
    result = run("release", "1.1.0", "-p", project, "--date", "2027-03-01")
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_the_shipped_library_and_the_listed_example_are_clean():
    from conftest import LISTED_EXAMPLE, ROOT

    result = run("check", "--modules", ROOT / "modules", "-p", LISTED_EXAMPLE / "charter.yml")
    assert result.exit_code == 0, result.output
    assert "versions and changelogs match their text" in result.output
