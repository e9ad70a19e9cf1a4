"""Inputs bounded where they enter: the causes of "internal error" issue 17 lists, each a located message (exit 1 or 2).

YAML nested hundreds of levels, numbers of thousands of digits, lone surrogates, control characters,
symbolic-link loops and FIFOs where a file is expected, dates outside 1990-2099, invalid UTF-8 in
command-line options, a 210 KB title, a resealed release.yml naming a file outside its folder. Each
case runs the real CLI in a child process (invalid UTF-8 arguments need real bytes, a FIFO a real
open) under a timeout that only guards against a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from charter_kit.model.release import sha256
from conftest import MINI_PROFILE, write_tree

CHARTER = [sys.executable, "-m", "charter_kit"]
HANG = 300


def charter(*args, cwd: Path | None = None) -> tuple[int, str]:
    """`charter` in a child process; arguments may be bytes (invalid UTF-8)."""
    argv = [a if isinstance(a, bytes) else str(a) for a in args]
    done = subprocess.run([*CHARTER, *argv], capture_output=True, timeout=HANG, cwd=cwd,
                          env={**os.environ, "LANGUAGE": "en", "PYTHONIOENCODING": "utf-8"})
    return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")


def refused(code: int, output: str, *fragments: str, exit_code: int = 1) -> None:
    assert code == exit_code, output
    for bad in ("Traceback", "internal error"):
        assert bad not in output, output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"


# -- the profile ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("case, text, fragments", [
    ("YAML nested 400 levels", MINI_PROFILE.replace("modules:", "extra: " + "[" * 400 + "]" * 400 + "\nmodules:"),
     ["nested more than"]),
    ("a number of 5,000 digits", MINI_PROFILE.replace("{reseau: LinkedIn}", "{reseau: " + "9" * 5000 + "}"),
     ["more than 30 digits"]),
    ("a lone surrogate in a variable", MINI_PROFILE.replace("{reseau: LinkedIn}", '{reseau: "Linked\\ud800In"}'),
     ["U+D800"]),
    ("a control character in a contact name",
     MINI_PROFILE.replace("name: Direction juridique", 'name: "Direction\\e[2J juridique"'), ["U+001B"]),
    ("an effective date in 1969",
     MINI_PROFILE.replace("jurisdiction: fr,", "jurisdiction: fr, effective_date: 1969-12-31,"), ["1990"]),
    ("an effective date in 2107",
     MINI_PROFILE.replace("jurisdiction: fr,", "jurisdiction: fr, effective_date: 2107-01-01,"), ["2099"]),
    ("a year under 1000", MINI_PROFILE.replace("jurisdiction: fr,", "jurisdiction: fr, effective_date: 0999-01-01,"),
     ["1990"]),
    ("a 210 KB title", MINI_PROFILE.replace("charter: {", "charter: {title: " + "T" * 210_000 + ", "), ["title"]),
])
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_hostile_profile_value_is_refused_where_it_is(mini, case, text, fragments, command):
    profile = mini(text)
    code, output = charter(command, "-p", profile)
    refused(code, output, "charter.yml", *fragments)
    assert not (profile.parent / "build").exists()


def test_a_number_of_5000_digits_in_a_module_is_refused_with_its_line(mini):
    files = {"modules/maison/module.yml": ("id: maison\nversion: 1.0.0\ntitle: {fr: \"Maison\"}\n"
                                           "summary: {fr: \"Nos règles.\"}\norder: " + "9" * 5000 + "\n"),
             "modules/maison/fr.md": "## Règle {#regle .regle}\nTexte.\n"}
    profile = mini(MINI_PROFILE + "  - maison\nlocal_modules: modules\n", files)
    refused(*charter("check", "-p", profile), "module.yml", "line 5", "more than 30 digits")


# -- files where a file is expected ----------------------------------------------------------------------
def test_a_fifo_as_the_logo_is_refused_without_hanging(mini):
    profile = mini(MINI_PROFILE + "branding: {logo: logo.svg}\n")
    os.mkfifo(profile.parent / "logo.svg")
    refused(*charter("check", "-p", profile), "branding.logo", "logo.svg")


def test_a_symlink_loop_as_the_logo_is_refused(mini):
    profile = mini(MINI_PROFILE + "branding: {logo: a.svg}\n")
    os.symlink("b.svg", profile.parent / "a.svg")
    os.symlink("a.svg", profile.parent / "b.svg")
    refused(*charter("check", "-p", profile), "branding.logo", "a.svg")


def test_a_symlink_loop_as_local_modules_is_refused(mini):
    profile = mini(MINI_PROFILE + "local_modules: modules\n")
    os.symlink("boucle", profile.parent / "modules")
    os.symlink("modules", profile.parent / "boucle")
    refused(*charter("check", "-p", profile), "local_modules", "modules")


# -- the command line ------------------------------------------------------------------------------------
INVALID_UTF8 = b"Valid\xe9e \xff"


@pytest.mark.parametrize("option", ["--notes", "--approved-by"])
def test_invalid_utf8_in_a_release_option_is_a_usage_error(store, option):
    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    code, output = charter("release", "1.2.0", "-p", store, "--date", "2026-03-05", option.encode(), INVALID_UTF8)
    refused(code, output, option, "not valid UTF-8", exit_code=2)
    assert not (store.parent / "releases" / "1.2.0").exists()


@pytest.mark.parametrize("value", [INVALID_UTF8, "Jeanne\x1b[2J Roy".encode(), "Jeanne\x07".encode()])
def test_a_bad_author_for_the_docx_diff_is_a_usage_error(store, tmp_path, value):
    code, output = charter("diff", "1.0.0", "1.1.0", "-p", store, "--format", "docx", "-o", tmp_path / "d.docx",
                           b"--author", value)
    refused(code, output, "--author", exit_code=2)
    assert not (tmp_path / "d.docx").exists()


def test_invalid_utf8_as_the_company_of_init_is_a_usage_error(tmp_path):
    code, output = charter("init", "--no-input", b"--company", INVALID_UTF8, tmp_path / "projet")
    refused(code, output, "--company", "not valid UTF-8", exit_code=2)
    assert not (tmp_path / "projet" / "charter.yml").exists()


@pytest.mark.parametrize("date", ["1969-12-31", "2107-01-01", "0999-01-01", "31/02/2027"])
def test_a_release_date_out_of_range_is_a_usage_error(store, date):
    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    code, output = charter("release", "1.2.0", "-p", store, "--date", date)
    refused(code, output, "--date", exit_code=2)


# -- a resealed release.yml naming a file outside its folder -----------------------------------------------
@pytest.mark.parametrize("command", [["verify"], ["publish", "--on", "2026-03-01"], ["diff", "1.0.0", "1.1.0"]])
def test_a_release_naming_a_file_outside_its_folder_is_refused(store, command):
    folder = store.parent / "releases" / "1.1.0"
    text = (folder / "release.yml").read_text()
    pdf = next(p.name for p in folder.glob("*.pdf") if "guide" not in p.name)
    body = text[: text.index("seal: ")].replace(f"  {pdf}:", "  ../../x.pdf:", 1)
    assert "../../x.pdf" in body
    (folder / "release.yml").write_text(body + f"seal: {sha256(body.encode('utf-8'))}\n")
    (store.parent / "x.pdf").write_bytes(b"%PDF-1.7 ailleurs")
    code, output = charter(*command, "-p", store)
    refused(code, output, "release.yml", "../../x.pdf", "not a file name of this release folder")
    assert not (store.parent / "public").exists()
