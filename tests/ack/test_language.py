"""`charter ack` speaks the user's language: each failure and report of the registry in English and in
French (the same failure twice), while the web pages, e-mails and files stay French whatever the locale."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from ack_support import free_port, write_csv
from charter_kit.cli import cli

EN = "en_US.UTF-8"
FR = "fr_FR.UTF-8"


def charter(*args, input: str | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=True)


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def both(monkeypatch, command, english: list[str], french: list[str], *, code: int = 1) -> tuple[str, str]:
    """Run ``command`` in English then in French: each output holds its own fragments and none of the other's."""
    outputs = []
    for language, wanted, other in ((EN, english, french), (FR, french, english)):
        monkeypatch.setenv("LANGUAGE", language)
        result = command()
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        for fragment in wanted:
            assert fragment in result.output, f"{fragment!r} not in {result.output}"
        for fragment in set(other) - set(wanted):
            assert fragment not in result.output, f"{fragment!r} in {result.output}"
        outputs.append(result.output)
    monkeypatch.setenv("LANGUAGE", EN)
    return outputs[0], outputs[1]


@pytest.fixture
def project(horizon):
    """The example's profile, its registry in acks/ (made by the first command)."""
    return horizon / "charter.yml"


@pytest.fixture
def opened(project, tmp_path):
    """The five employees imported and the campaign of 2.0.0 open (in English, the tests' default)."""
    ok(charter("ack", "-p", project, "import", write_csv(tmp_path / "salaries.csv")))
    ok(charter("ack", "-p", project, "campaign", "2.0.0"))
    return project


# -- settings ------------------------------------------------------------------------------------------
def test_unknown_setting_with_did_you_mean(project, monkeypatch):
    (project.parent / "acks").mkdir()
    (project.parent / "acks" / "config.yml").write_text("smpt: {host: x}\n")
    both(monkeypatch, lambda: charter("ack", "-p", project, "status"),
         ["acks/config.yml: unknown key smpt; did you mean smtp?", "Hint: possible keys: database, public_url,"],
         ["acks/config.yml : clé inconnue smpt ; vouliez-vous dire smtp ?",
          "Conseil : clés possibles : database, public_url,"])


def test_setting_of_the_wrong_type(project, monkeypatch):
    (project.parent / "acks").mkdir()
    (project.parent / "acks" / "config.yml").write_text("token_days: soixante\n")
    both(monkeypatch, lambda: charter("ack", "-p", project, "status"),
         ["acks/config.yml: token_days: a whole number expected, got 'soixante'"],
         ["acks/config.yml : token_days : un nombre entier attendu, reçu 'soixante'"])


# -- the database --------------------------------------------------------------------------------------
def test_database_not_supported(project, monkeypatch):
    both(monkeypatch, lambda: charter("ack", "-p", project, "--db", "mysql://x@y/z", "status"),
         ["database not supported: mysql", "Hint: use SQLite (the default) or PostgreSQL"],
         ["base de données non prise en charge : mysql", "Conseil : utilisez SQLite (par défaut) ou PostgreSQL"])


def test_database_server_unreachable(project, monkeypatch):
    """Nothing listens on the port: the registry says so, and what to check (no PostgreSQL needed)."""
    url = f"postgresql://rh@127.0.0.1:{free_port()}/accuses"
    both(monkeypatch, lambda: charter("ack", "-p", project, "--db", url, "status"),
         ["database server unreachable; nothing was recorded (opening the registry)",
          "Hint: check that PostgreSQL is running and that its address (--db or CHARTER_ACK_DATABASE_URL) is right"],
         ["serveur de base de données injoignable ; rien n’a été enregistré (l’ouverture du registre)",
          "Conseil : vérifiez que PostgreSQL est démarré et que l’adresse (--db ou CHARTER_ACK_DATABASE_URL) est juste"])


# -- importing -----------------------------------------------------------------------------------------
def test_import_file_with_bad_rows(project, tmp_path, monkeypatch):
    bad = write_csv(tmp_path / "bad.csv", "Matricule;Nom;Courriel\n1;;a@x.example\n2;Léa;pas-une-adresse\n")
    both(monkeypatch, lambda: charter("ack", "-p", project, "import", bad),
         ["2 problems in bad.csv; nothing was imported:", "  - bad.csv, line 2: name missing",
          "  - bad.csv, line 3: e-mail 'pas-une-adresse' invalid",
          "Hint: correct these lines in the exported file, then run the import again"],
         ["2 problèmes dans bad.csv ; rien n’a été importé :", "  - bad.csv, ligne 2 : nom manquant",
          "  - bad.csv, ligne 3 : courriel « pas-une-adresse » invalide",
          "Conseil : corrigez ces lignes dans le fichier exporté puis relancez l’import"])


def test_import_file_without_the_columns(project, tmp_path, monkeypatch):
    bad = write_csv(tmp_path / "m.csv", "Identité;Adresse\nx;y\n")
    both(monkeypatch, lambda: charter("ack", "-p", project, "import", bad),
         ["m.csv, line 1 (headers): matricule column not found (headers accepted: Matricule, ID",
          "; name column not found", ". Headers found: 'Identité', 'Adresse'", "Hint: the first non-empty line"],
         ["m.csv, ligne 1 (en-têtes) : colonne du matricule introuvable (en-têtes acceptés : Matricule, ID",
          " ; colonne du nom introuvable", ". En-têtes trouvés : « Identité », « Adresse »",
          "Conseil : la première ligne non vide"])


def test_import_summary(project, tmp_path, monkeypatch):
    both(monkeypatch, lambda: charter("ack", "-p", project, "import", "--dry-run", write_csv(tmp_path / "s.csv")),
         ["s.csv: 5 employees read (UTF-8 with BOM, separator semicolon)",
          "  dry run: nothing was written; 5 added, 0 updated, 0 returned, 0 left, 0 unchanged"],
         ["s.csv : 5 salariés lus (UTF-8 avec BOM, séparateur point-virgule)",
          "  simulation : rien n’a été écrit ; 5 ajouté(s), 0 modifié(s), 0 revenu(s), 0 parti(s), 0 inchangé(s)"],
         code=0)
    one = write_csv(tmp_path / "un.csv", "Matricule,Nom,Service\nH001,Ana Durand,Paie\n", encoding="utf-8")
    both(monkeypatch, lambda: charter("ack", "-p", project, "import", "--dry-run", one),
         ["un.csv: 1 employee read (UTF-8, separator comma)", "  columns ignored: Service"],
         ["un.csv : 1 salarié lu (UTF-8, séparateur virgule)", "  colonnes ignorées : Service"], code=0)


# -- versions, campaigns, employees --------------------------------------------------------------------
def test_unknown_version(project, monkeypatch):
    both(monkeypatch, lambda: charter("ack", "-p", project, "campaign", "9.0.0"),
         ["version 9.0.0 unknown to the registry (versions: 1.0.0, 1.1.0, 2.0.0)",
          "Hint: create it with 'charter release'; the registry reads the project's releases/ folder"],
         ["version 9.0.0 inconnue du registre (versions : 1.0.0, 1.1.0, 2.0.0)",
          "Conseil : créez-la avec 'charter release' ; le registre lit le dossier releases/ du projet"])


def test_campaign_not_open(project, tmp_path, monkeypatch):
    both(monkeypatch, lambda: charter("ack", "-p", project, "links", "2.0.0", "--csv", tmp_path / "l.csv"),
         ["no campaign for version 2.0.0 (no campaign yet)", "Hint: open it with 'charter ack campaign 2.0.0'"],
         ["aucune campagne pour la version 2.0.0 (campagnes : aucune)",
          "Conseil : ouvrez-la avec 'charter ack campaign 2.0.0'"])


def test_unknown_matricule(opened, monkeypatch):
    both(monkeypatch, lambda: charter("ack", "-p", opened, "proof", "Z9"),
         ["no employee with matricule Z9 in the registry",
          "Hint: check the matricule; an employee who was purged has no data left"],
         ["aucun salarié de matricule Z9 dans le registre",
          "Conseil : vérifiez le matricule ; un salarié purgé n’a plus de données"])
    both(monkeypatch, lambda: charter("ack", "-p", opened, "proof", "H003"),
         ["H003 (Chloé Petit) has not acknowledged any version yet"],
         ["H003 (Chloé Petit) n’a encore accusé réception d’aucune version"])


def test_status_report(opened, monkeypatch):
    english, french = both(monkeypatch, lambda: charter("ack", "-p", opened, "status"),
                           ["Campaign 2.0.0 (substantive change), opened on ", ", for: all active employees",
                            "  5 concerned: 0 acknowledged, 0 carried over (editorial versions), 0 on a later "
                            "version, 5 pending (0.0% done)", "Pending:", "(first acknowledgement)"],
                           ["Campagne 2.0.0 (modification substantielle), ouverte le ", ", pour : tous les salariés "
                            "actifs", "  5 concernés : 0 accusés, 0 reportés (versions de forme), 0 sur une version "
                            "ultérieure, 5 en attente (0,0 % faits)", "En attente :", "(premier accusé de réception)"],
                           code=0)
    assert re.search(r"^company +establishment +concerned +acknowledged +carried +later +pending +%$", english, re.M)
    assert re.search(r"^société +établissement +concernés +accusés +reportés +ultérieure +en attente +%$", french, re.M)


def test_altered_registry(opened, monkeypatch):
    from sqlalchemy import update

    from charter_kit.ack.campaigns import LINK, acknowledge
    from charter_kit.ack.db import Event, Registry, database_url

    registry = Registry(database_url(opened.parent))
    receipt = acknowledge(registry, 1, 1, LINK)
    with registry.write() as session:
        session.execute(update(Event).where(Event.id == receipt.event_id).values(data='{"forged":1}'))
    registry.close()
    n = receipt.event_id
    both(monkeypatch, lambda: charter("ack", "-p", opened, "verify"),
         [f"registry altered: event no. {n} (", ", ack.recorded): the content was changed afterwards (its digest "
          "no longer matches)", f"Hint: {n - 1} events checked before this link"],
         [f"registre altéré : événement n° {n} (", ", accusé de réception) : le contenu a été modifié après coup "
          "(son empreinte ne correspond plus)"])


def test_hr_account_refused(opened, monkeypatch):
    both(monkeypatch, lambda: charter("ack", "-p", opened, "admin", "rh", "--password-stdin", input="court\n"),
         ["password too short: 12 characters at least", "Hint: a passphrase of four or five words will do"],
         ["mot de passe trop court : 12 caractères au moins",
          "Conseil : une phrase de passe de quatre ou cinq mots convient"])


# -- mail ----------------------------------------------------------------------------------------------
def test_unreachable_mail_server(opened, monkeypatch):
    port = free_port()
    (opened.parent / "acks" / "config.yml").write_text(
        f"smtp: {{host: 127.0.0.1, port: {port}, sender: 'RH <rh@groupe-horizon.example>', timeout: 5}}\n")
    both(monkeypatch, lambda: charter("ack", "-p", opened, "send", "2.0.0"),
         [f"mail server 127.0.0.1:{port} unreachable (", "); no e-mail sent",
          "Hint: check the smtp section of acks/config.yml; the links can still be exported with "
          "'charter ack links --csv'"],
         [f"serveur de courrier 127.0.0.1:{port} injoignable (", ") ; aucun courriel envoyé",
          "Conseil : vérifiez la section smtp de acks/config.yml ; les liens restent exportables par "
          "'charter ack links --csv'"])


def test_unusable_sender(opened, monkeypatch):
    (opened.parent / "acks" / "config.yml").write_text("smtp: {sender: 'pas une adresse'}\n")
    both(monkeypatch, lambda: charter("ack", "-p", opened, "send", "2.0.0"),
         ["smtp.sender: 'pas une adresse' is not a usable sender address",
          'Hint: for example "Human resources <hr@company.example>"'],
         ["smtp.sender : « pas une adresse » n’est pas une adresse d’expéditeur utilisable",
          'Conseil : par exemple "Ressources humaines <rh@entreprise.example>"'])


# -- what stays French whatever the locale -------------------------------------------------------------
def test_files_for_hr_stay_french_in_english(opened, tmp_path):
    """The campaign export and the GDPR export are French documents: an English locale changes nothing."""
    ok(charter("ack", "-p", opened, "export", "--campaign", "2.0.0", "-o", tmp_path / "c.csv"))
    header = (tmp_path / "c.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("matricule;nom;courriel;société;établissement;population;état")
    data = json.loads(ok(charter("ack", "-p", opened, "export", "--employee", "H001")))
    assert data["salarié"]["nom"] == "Ana Durand" and "Vos droits" in data["information"]


def test_dashboard_stays_french_in_english(registry, config, employees, monkeypatch):
    """Under an English locale the HR dashboard still says why someone is pending, and why a reminder
    failed, in French."""
    from charter_kit.ack.admins import create_admin
    from charter_kit.ack.campaigns import start_campaign
    from charter_kit.ack.config import SmtpConfig
    from charter_kit.ack.web.app import create_app

    monkeypatch.setenv("LANGUAGE", EN)
    start_campaign(registry, "2.0.0", actor="rh")
    create_admin(registry, "rh", "une phrase de passe assez longue", actor="test")
    port = free_port()
    app = create_app(config.with_(smtp=SmtpConfig(host="127.0.0.1", port=port, sender="rh@groupe-horizon.example",
                                                  timeout=5)), registry)
    c = TestClient(app, client=("203.0.113.9", 40000))
    login = c.get("/admin/connexion").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', login).group(1)
    c.post("/admin/connexion", data={"utilisateur": "rh", "mot_de_passe": "une phrase de passe assez longue",
                                     "csrf": csrf})
    board = c.get("/admin/campagnes/2.0.0").text
    assert "premier accusé de réception" in board and "first acknowledgement" not in board
    csrf = re.search(r'name="csrf" value="([^"]+)"', board).group(1)
    failed = c.post("/admin/campagnes/2.0.0/relance", data={"csrf": csrf}).text
    assert "Relance impossible" in failed
    assert f"serveur de courrier 127.0.0.1:{port} injoignable" in failed and "aucun courriel envoyé" in failed
    assert "Conseil : vérifiez la section smtp" in failed and "unreachable" not in failed
    # The command line, in the same process and locale, still speaks English.
    from charter_kit.i18n import _

    assert _("first acknowledgement") == "first acknowledgement"
