"""What reaches the terminal, and a full disk (issue 17, lower items).

Terminal escape sequences in an id typed on the command line, a file name, a module's text or a
tampered release are shown as visible escapes (``\\x1b``), never interpreted: they could rewrite the
screen, set the window title, write the clipboard (OSC 52) or hide text. charter-kit's own colours
(the terminal diff) stay. "No space left on device" names the file or folder being written.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from charter_kit.cli_params import printable
from charter_kit.model.release import sha256
from conftest import MINI_PROFILE, assert_user_error, run

#: What a terminal would interpret: C0/C1 controls but tab and line feed, DEL, bidi overrides.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = ["\x1b]0;titre\x07", "\x1b]52;c;cGF5bG9hZA==\x07", "\x1b[2J", "\x1b[8mcaché", "ligne\rréécrite",
           "\x9b31m", "\u202egnp.exe", "\x08\x08\x08", "\x1bP1$r\x1b\\"]


def raw_controls(text: str) -> list[str]:
    """Control characters a terminal would act on, once charter-kit's own colours are set aside."""
    return CONTROL.findall(re.sub(r"\x1b\[(?:0|1|9|3[12])m", "", text))


# -- printable -------------------------------------------------------------------------------------------
@settings(max_examples=500)
@given(st.lists(st.text() | st.sampled_from(HOSTILE + ["\x1b[31m", "\x1b[0m", "\x1b[3"])).map("".join))
def test_printable_leaves_no_control_character_but_tab_and_line_feed(text):
    shown = printable(text)
    assert CONTROL.findall(shown) == []
    assert printable(shown) == shown  # idempotent: what is shown is plain text
    with_colours = printable(text, colours=True)
    assert raw_controls(with_colours) == []


def test_printable_keeps_plain_text_and_our_colours():
    assert printable("Règle 2.1 : « publier »\n\tsuite") == "Règle 2.1 : « publier »\n\tsuite"
    assert printable("\x1b[31mrouge\x1b[0m", colours=True) == "\x1b[31mrouge\x1b[0m"
    assert printable("\x1b[31mrouge\x1b[0m") == "\\x1b[31mrouge\\x1b[0m"
    assert printable("a\x1b]0;t\x07b") == "a\\x1b]0;t\\x07b"
    assert printable("barre\r", carriage_return=True) == "barre\r" and printable("barre\r") == "barre\\x0d"


# -- through the command line ------------------------------------------------------------------------------
@pytest.mark.parametrize("sequence", HOSTILE)
def test_an_unknown_module_id_is_echoed_without_its_escape_sequence(mini, sequence):
    result = run("modules", "-p", mini(), "show", f"inconnu{sequence}")
    assert_user_error(result, "unknown module", "inconnu")
    assert raw_controls(result.output) == [], repr(result.output)


@pytest.mark.parametrize("sequence", HOSTILE[:4])
def test_a_file_name_is_echoed_without_its_escape_sequence(tmp_path, sequence):
    result = run("check", "-p", tmp_path / f"charte{sequence}.yml")
    assert_user_error(result, "file not found")
    assert raw_controls(result.output) == [], repr(result.output)


def test_a_module_text_printed_to_the_terminal_shows_its_escapes(mini):
    files = {"modules/maison/module.yml": ("id: maison\nversion: 1.0.0\ntitle: {fr: \"Maison\"}\n"
                                           "summary: {fr: \"Nos règles.\"}\norder: 90\nrequires: [socle]\n"),
             "modules/maison/fr.md": "Intro " + " ".join(HOSTILE) + ".\n\n## Règle {#regle .regle}\nTexte.\n"}
    result = run("render", "-p", mini(MINI_PROFILE + "  - maison\nlocal_modules: modules\n", files))
    assert result.exit_code == 0, result.output
    assert raw_controls(result.output) == [], repr(result.output)
    assert "\\x1b]52;c;" in result.output  # shown, not sent to the clipboard


def test_an_escape_sequence_in_a_module_yml_is_refused_with_its_location(mini):
    files = {"modules/maison/module.yml": ("id: maison\nversion: 1.0.0\ntitle: {fr: \"Maison\"}\n"
                                           "summary: {fr: \"Nos \\e]0;titre\\a règles.\"}\norder: 90\n"
                                           "requires: [socle]\n"),
             "modules/maison/fr.md": "## Règle {#regle .regle}\nTexte.\n"}
    result = run("modules", "-p", mini(MINI_PROFILE + "  - maison\nlocal_modules: modules\n", files))
    assert_user_error(result, "module.yml", "line 4", "U+001B")
    assert raw_controls(result.output) == []


def test_a_tampered_release_is_compared_without_its_escape_sequences(store):
    """A charter.json whose clause title carries sequences, resealed: diff shows them as text, keeps its colours."""
    folder = store.parent / "releases" / "1.1.0"
    data = json.loads((folder / "charter.json").read_bytes())
    data["articles"][1]["clauses"][0]["title"] += " \x1b]0;titre\x07\x1b[2J\u202e"
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    old = sha256((folder / "charter.json").read_bytes())
    (folder / "charter.json").write_bytes(blob)
    text = (folder / "release.yml").read_text().replace(old, sha256(blob))
    body = text[: text.index("seal: ")]
    (folder / "release.yml").write_text(body + f"seal: {sha256(body.encode('utf-8'))}\n")
    from click.testing import CliRunner

    from charter_kit.cli import cli

    result = CliRunner().invoke(cli, ["diff", "1.0.0", "1.1.0", "-p", str(store)], color=True)
    assert result.exit_code == 0, result.output
    assert raw_controls(result.output) == [], repr(result.output)
    assert "\\x1b]0;titre\\x07" in result.output and "\\u202e" in result.output


def test_the_command_streams_keep_our_colours_and_the_progress_line():
    import io

    from charter_kit.cli_params import _PrintableStream

    out, err = io.StringIO(), io.StringIO()
    _PrintableStream(out, carriage_return=False).write("\x1b[31m- mot\x1b[0m \x1b[8mcaché\r")
    _PrintableStream(err, carriage_return=True).write("\rPublication [####----] 2/4")
    assert out.getvalue() == "\x1b[31m- mot\x1b[0m \\x1b[8mcaché\\x0d"
    assert err.getvalue() == "\rPublication [####----] 2/4"


# -- a full disk names what was being written --------------------------------------------------------------
def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a write or fsync reports it: no file name


def test_a_full_disk_while_rendering_names_the_output_file(mini, tmp_path, monkeypatch):
    profile = mini()
    out = tmp_path / "charte.md"
    out.write_text("ancienne version")
    monkeypatch.setattr(os, "fsync", _enospc)
    result = run("render", "-p", profile, "-o", out)
    assert_user_error(result, f"{out}: No space left on device", "nothing was replaced")
    assert out.read_text() == "ancienne version"
    assert not list(tmp_path.glob(".charte.md.*"))


def test_a_full_disk_while_releasing_names_the_release_folder(store, monkeypatch):
    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    monkeypatch.setattr(os, "fsync", _enospc)
    result = run("release", "1.2.0", "-p", store, "--date", "2026-03-05")
    assert_user_error(result, "releases/1.2.0", "No space left on device")
    assert not (store.parent / "releases" / "1.2.0").exists()
    assert not [p for p in (store.parent / "releases").iterdir() if p.name.startswith(".")]


def test_a_full_disk_while_publishing_names_the_published_folder(store, monkeypatch):
    from charter_kit.commands import publish as publish_module

    assert run("publish", "-p", store, "--on", "2026-01-20").exit_code == 0
    before = {p: p.read_bytes() for p in (store.parent / "public").rglob("*") if p.is_file()}
    monkeypatch.setattr(publish_module, "build_version", _enospc)
    result = run("publish", "-p", store, "--on", "2026-03-01")  # 1.1.0 comes into force: versions rebuilt
    assert_user_error(result, f"{store.parent / 'public'}: No space left on device")
    assert {p: p.read_bytes() for p in (store.parent / "public").rglob("*") if p.is_file()} == before
