"""`charter ack …` through the real command line, on a copy of the listed example (SQLite)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from ack_support import write_csv
from charter_kit.cli import cli


@pytest.fixture(autouse=True)
def french(monkeypatch):
    """HR runs the registry in French: these tests read its French (tests/integration/test_cli_language.py
    reads it in English too)."""
    monkeypatch.setenv("LANGUAGE", "fr_FR.UTF-8")


def charter(*args, input: str | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=True)


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def failed(result, *fragments: str, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} not in {result.output}"
    return result.output


def test_the_commands_in_order(horizon, tmp_path, monkeypatch):
    p = horizon / "charter.yml"
    out = ok(charter("ack", "-p", p, "import", write_csv(tmp_path / "salaries.csv")))
    assert "salaries.csv : 5 salariés lus (UTF-8 avec BOM, séparateur point-virgule)" in out
    assert (horizon / "acks" / "registry.db").exists()
    out = ok(charter("ack", "-p", p, "campaign", "2.0.0"))
    assert "campagne 2.0.0 (modification substantielle) ouverte : 5 salariés concernés" in out
    out = ok(charter("ack", "-p", p, "links", "2.0.0", "--csv", tmp_path / "liens.csv"))
    assert "5 liens personnels écrits" in out
    rows = list(csv.reader(io.StringIO((tmp_path / "liens.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 6 and rows[1][5].startswith("http://127.0.0.1:8765/a/")
    status = ok(charter("ack", "-p", p, "status"))
    assert "5 concernés : 0 accusés" in status and "H005  Émilie Faure" in status
    from charter_kit.ack.campaigns import LINK, acknowledge
    from charter_kit.ack.db import Registry, database_url

    registry = Registry(database_url(horizon))
    acknowledge(registry, 2, 1, LINK)
    registry.close()
    out = ok(charter("ack", "-p", p, "proof", "H002", "-o", tmp_path / "preuve.pdf"))
    assert "attestation écrite" in out and (tmp_path / "preuve.pdf").read_bytes().startswith(b"%PDF")
    data = json.loads(ok(charter("ack", "-p", p, "export", "--employee", "H002")))
    assert data["salarié"]["matricule"] == "H002" and len(data["accusés de réception"]) == 1
    ok(charter("ack", "-p", p, "export", "--campaign", "2.0.0", "--format", "xlsx", "-o", tmp_path / "c.xlsx"))
    assert (tmp_path / "c.xlsx").read_bytes()[:2] == b"PK"
    out = ok(charter("ack", "-p", p, "verify"))
    assert "registre intègre" in out and "1 accusé de réception conforme au journal" in out
    head = out.split("tête de la chaîne : ")[1].split()[0]
    assert "1 repère retrouvé" in ok(charter("ack", "-p", p, "verify", "--anchor", head))
    out = ok(charter("ack", "-p", p, "purge", "--dry-run"))
    assert "0 salarié parti avant le" in out
    assert "créé" in ok(charter("ack", "-p", p, "admin", "drh", "--password-stdin",
                                input="une phrase de passe très longue\n"))


def test_errors_are_one_french_message(horizon, tmp_path):
    p = horizon / "charter.yml"
    failed(charter("ack", "-p", p, "campaign", "9.0.0"), "version 9.0.0 inconnue du registre",
           "Conseil : créez-la avec 'charter release'")
    failed(charter("ack", "-p", p, "import", tmp_path / "absent.csv"), "absent.csv : fichier introuvable")
    bad = write_csv(tmp_path / "bad.csv", "Matricule;Nom\n1;\n")
    failed(charter("ack", "-p", p, "import", bad), "bad.csv, ligne 2 : nom manquant", "rien n’a été importé")
    failed(charter("ack", "-p", p, "status"), "aucune campagne ouverte")
    failed(charter("ack", "-p", p, "links", "2.0.0", "--csv", tmp_path / "x.csv"), "aucune campagne pour la version 2.0.0")
    failed(charter("ack", "-p", p, "verify", "--anchor", "12:abc"), "n’est pas POSITION:EMPREINTE", code=2)
    failed(charter("ack", "-p", p, "export"), "donnez --employee MATRICULE ou --campaign VERSION", code=2)
    failed(charter("ack", "-p", p, "admin", "rh", "--password-stdin", input="court\n"), "mot de passe trop court")
    failed(charter("ack", "-p", tmp_path / "nulle-part" / "charter.yml", "status"), "profil introuvable")
    failed(charter("ack", "-p", p, "--db", "mysql://x@y/z", "status"), "base de données non prise en charge : mysql")


def test_config_file_errors_name_the_key(horizon):
    p = horizon / "charter.yml"
    (horizon / "acks").mkdir()
    (horizon / "acks" / "config.yml").write_text("public_url: https://accuses.example\nsmpt: {host: x}\n")
    failed(charter("ack", "-p", p, "status"), "acks/config.yml : clé inconnue smpt ; vouliez-vous dire smtp ?")
    (horizon / "acks" / "config.yml").write_text("sso: {trusted_proxies: [le-proxy]}\n")
    failed(charter("ack", "-p", p, "status"), "sso.trusted_proxies : « le-proxy » n’est ni une adresse IP ni un réseau")


def test_missing_extra_says_how_to_install(horizon, monkeypatch):
    import charter_kit.ack as ack

    monkeypatch.setattr(ack, "missing_packages", lambda: ["sqlalchemy", "starlette"])
    failed(charter("ack", "-p", horizon / "charter.yml", "status"),
           "demande des paquets optionnels absents (sqlalchemy, starlette)",
           "Conseil : installez-les : pip install 'charter-kit[ack]'")
    assert "Registre des accusés de réception" in ok(charter("ack", "--help"))
