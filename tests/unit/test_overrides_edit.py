"""Overrides written into charter.yml by hand: the rest of the file stays byte for byte."""

from __future__ import annotations

import pytest
import yaml

from charter_kit.compose.overrides_edit import OverrideEntry, write_overrides

PROFILE = """# Notre charte
charter: {jurisdiction: fr}   # droit français
modules:
  - socle
"""


def test_a_first_override_is_appended_with_its_notes():
    out = write_overrides(PROFILE, [OverrideEntry("socle.respect", "Ligne 1 : « oui ».\n\n- a\n- b", notes=["Proposé par Me X"])])
    assert out.startswith(PROFILE)
    assert "  # Proposé par Me X\n  socle.respect:\n    text: |-\n" in out
    assert yaml.safe_load(out)["overrides"]["socle.respect"]["text"] == "Ligne 1 : « oui ».\n\n- a\n- b"


def test_an_existing_override_is_replaced_and_the_others_kept():
    source = PROFILE + """overrides:
  # gardé
  socle.autre: {remove: true}
  # ancienne note
  socle.respect:
    text: ancien
    title: Ancien titre

site: {url: https://x.example}
"""
    out = write_overrides(source, [OverrideEntry("socle.respect", "nouveau", notes=["nouvelle note"])])
    data = yaml.safe_load(out)
    assert data["overrides"] == {"socle.autre": {"remove": True}, "socle.respect": {"text": "nouveau"}}
    assert "# gardé\n  socle.autre: {remove: true}\n" in out and "ancienne note" not in out
    assert data["site"] == {"url": "https://x.example"} and out.startswith(PROFILE)


def test_text_starting_with_a_space_or_holding_odd_line_breaks_reads_back_the_same():
    out = write_overrides(PROFILE + "overrides: {}\n", [OverrideEntry("a.b", "  indenté\u2028suite", title="T : x")])
    data = yaml.safe_load(out)["overrides"]["a.b"]
    assert data == {"title": "T : x", "text": "  indenté\nsuite"}


def test_a_one_line_overrides_mapping_is_refused():
    with pytest.raises(ValueError, match="one line"):
        write_overrides(PROFILE + "overrides: {a.b: {remove: true}}\n", [OverrideEntry("a.c", "x")])
