"""The CLI speaks French under a French locale and English otherwise, from one gettext catalog."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, run


@pytest.fixture
def french(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "fr_FR.UTF-8")


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en_US.UTF-8")


def test_help_in_french(french):
    result = run("release", "--help")
    assert result.exit_code == 0
    assert "Utilisation :" in result.output and "Figer la charte actuelle" in result.output
    assert "[obligatoire]" in result.output and "Afficher cette aide et quitter." in result.output


def test_help_in_english(english):
    result = run("release", "--help")
    assert "Usage:" in result.output and "Freeze the current charter" in result.output


def test_the_list_of_commands_is_translated_before_it_is_shortened(french):
    result = run("--help")
    assert "Commandes" in result.output and "Construire le site des salariés" in result.output


def test_usage_errors_in_both_languages(french, monkeypatch):
    assert "Option manquante '--date'" in run("release", "1.0.0").output
    monkeypatch.setenv("LANGUAGE", "en")
    assert "Missing option '--date'" in run("release", "1.0.0").output


def test_the_catalog_is_complete_and_compiled():
    """Every message of the code and every help text has its French; the .mo matches the .po."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "catalog.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
