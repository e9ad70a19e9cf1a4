"""The CLI speaks French under a French locale and English otherwise: every error class in both
languages, prompts answered o/oui/n/non, validation in the tool's own words, dates as HR writes
them, progress on a terminal only, NO_COLOR, and the --quiet / --json output CI reads."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading

import pytest

from conftest import LOCAL_MODULE_META, MINI_PROFILE, ROOT, assert_user_error, run, write_tree

FR = "fr_FR.UTF-8"
EN = "en_US.UTF-8"

LOCAL_META = LOCAL_MODULE_META + """\
changelog:
  - {version: 1.0.0, date: 2026-11-22, note: {fr: "Première version."}}
"""


def both(monkeypatch, make_result, code: int, english: list[str], french: list[str]) -> None:
    """Run the same command in English then in French; each says its own fragments, never the other's."""
    monkeypatch.setenv("LANGUAGE", EN)
    result = make_result()
    assert_user_error(result, *english, code=code)
    assert "Erreur :" not in result.output
    monkeypatch.setenv("LANGUAGE", FR)
    result = make_result()
    assert_user_error(result, "Erreur :", *french, code=code)
    for fragment in set(english) - set(french):
        assert fragment not in result.output, result.output


# -- one error of each class, in both languages -----------------------------------------------------------
def test_profile_error(mini, monkeypatch):
    path = mini(MINI_PROFILE + "brandng: {primary_color: red}\n")
    both(monkeypatch, lambda: run("check", "-p", path), 1,
         ["charter.yml, line 8: brandng: unknown key. Did you mean 'branding'?"],
         ["charter.yml, ligne 8 : brandng : clé inconnue. Vouliez-vous dire « branding » ?"])


def test_module_error(mini, monkeypatch):
    path = mini(MINI_PROFILE + "  - maison\nlocal_modules: modules\n", files={
        "modules/maison/module.yml": LOCAL_META.replace("order: 90", "order: quatre-vingt-dix"),
        "modules/maison/fr.md": "## Règle {#regle .regle}\nTexte.\n"})
    both(monkeypatch, lambda: run("check", "-p", path), 1,
         ["modules/maison/module.yml, line 5: order: expected a whole number (got 'quatre-vingt-dix')"],
         ["modules/maison/module.yml, ligne 5 : order : attendu : un nombre entier (reçu : 'quatre-vingt-dix')"])


def test_render_error(mini, monkeypatch):
    path = mini(MINI_PROFILE + "  - maison\nlocal_modules: modules\n", files={
        "modules/maison/module.yml": LOCAL_META,
        "modules/maison/fr.md": "## Règle {#regle .regle}\nEn vigueur depuis {{ charter.effective_date }}.\n"})
    both(monkeypatch, lambda: run("check", "-p", path), 1,
         ["charter.effective_date is not available in module text: the effective date changes with every release",
          "Hint: remove it from the clause"],
         ["charter.effective_date n’est pas disponible dans le texte d’un module : la date d’entrée en vigueur change",
          "Conseil : retirez-le de la clause"])


def test_release_error(store, monkeypatch):
    both(monkeypatch, lambda: run("release", "1.0.5", "-p", store, "--date", "2026-03-01"), 1,
         ["version 1.0.5 is not greater than the last release 1.1.0; nothing was written",
          "Hint: the next version is 1.1.1 (editorial fix), 1.2.0 or 2.0.0"],
         ["la version 1.0.5 n’est pas supérieure à la dernière version, 1.1.0 ; rien n’a été écrit",
          "Conseil : la version suivante est 1.1.1 (correction de forme), 1.2.0 ou 2.0.0"])


def test_output_error(mini, monkeypatch, tmp_path):
    path = mini()
    write_tree(tmp_path / "out", {"site": "a file where the site goes"})
    both(monkeypatch, lambda: run("build", "-p", path, "--out", tmp_path / "out"), 1,
         ["out/site: exists and is not a folder", "Hint: remove it or choose another --out"],
         ["out/site : existe et n’est pas un dossier", "Conseil : supprimez-le ou choisissez un autre --out"])


def test_diff_error(mini, monkeypatch):
    path = mini()
    both(monkeypatch, lambda: run("diff", "latest", "draft", "-p", path), 1,
         ["there is no release yet, so 'latest' names nothing"],
         ["il n’y a encore aucune version : « latest » ne désigne rien",
          "Conseil : comparez deux projets avec « charter diff draft draft »"])


def test_ack_error(tmp_path, monkeypatch):
    nowhere = tmp_path / "nulle-part" / "charter.yml"
    both(monkeypatch, lambda: run("ack", "-p", nowhere, "status"), 1,
         ["profile not found; the registry lives in the folder of a charter project",
          "Hint: run the command in that folder"],
         ["profil introuvable ; le registre vit dans le dossier d’un projet de charte",
          "Conseil : lancez la commande dans ce dossier"])


def test_adoption_error(mini, monkeypatch):
    path = mini()
    both(monkeypatch, lambda: run("adoption", "record", "avis-cs", "--date", "2026-12-01", "-p", path), 1,
         ["'avis-cs' is not a milestone of this procedure. Did you mean 'avis-cse'?"],
         ["« avis-cs » n’est pas une étape de cette procédure. Vouliez-vous dire « avis-cse » ?"])


def test_adoption_record_error(mini, monkeypatch):
    path = mini(files={"adoption/draft.yml": "milestones: 3\n"})
    both(monkeypatch, lambda: run("adoption", "draft", "-p", path), 1,
         ["adoption/draft.yml, line 1: expected a mapping with a list 'milestones:'"],
         ["adoption/draft.yml, ligne 1 : attendu : des clés avec une liste « milestones: »"])


def test_usage_error(mini, monkeypatch):
    path = mini()
    both(monkeypatch, lambda: run("render", "--format", "pdf", "-p", path), 2,
         ["--format pdf writes a PDF file: give it with -o FILE", " render --help' for help."],
         ["--format pdf écrit un fichier PDF : donnez-le avec -o FICHIER", " render --help » pour l’aide."])


def test_a_date_option_says_how_to_write_it(mini, monkeypatch):
    path = mini()
    both(monkeypatch, lambda: run("release", "1.0.0", "-p", path, "--date", "2026-13-01"), 2,
         ["'2026-13-01' is not a date: write it 15/01/2027 or 2027-01-15"],
         ["« 2026-13-01 » n’est pas une date : écrivez-la 15/01/2027 ou 2027-01-15"])


# -- the tool's own words --------------------------------------------------------------------------------
def test_validation_is_said_in_our_words(mini, monkeypatch):
    path = mini(MINI_PROFILE.replace("legal_name: Acme SAS", "legal_name: Acme SAS, listed: oui"))
    both(monkeypatch, lambda: run("check", "-p", path), 1,
         ["company.listed: expected true or false (got 'oui')"],
         ["company.listed : attendu : true ou false (reçu : 'oui')"])
    assert "Input should" not in run("check", "-p", path).output


def test_a_colon_in_a_value_gets_a_hint_to_quote_it(mini, monkeypatch):
    path = mini(MINI_PROFILE.replace("company: {name: Acme, legal_name: Acme SAS}",
                                     "company:\n  name: Compliance: déontologie"))
    both(monkeypatch, lambda: run("check", "-p", path), 1,
         ["charter.yml, line 3: invalid YAML: a colon followed by a space inside a value",
          'Hint: put the value in quotes: name: "Compliance: déontologie"'],
         ["charter.yml, ligne 3 : YAML non valable : un deux-points suivi d’une espace dans une valeur",
          'Conseil : mettez la valeur entre guillemets : name: "Compliance: déontologie"'])


@pytest.mark.parametrize("value", ["*star", "&anchor: x", "!tag x", "%pct", "@handle", "`tick", "[a, b", "{a"])
def test_a_leading_special_character_gets_a_hint_to_quote_it(mini, value):
    path = mini(MINI_PROFILE.replace("company: {name: Acme, legal_name: Acme SAS}", f"company:\n  name: {value}"))
    result = run("check", "-p", path)
    assert_user_error(result, "invalid YAML", f'Hint: put the value in quotes: name: "{value}"')


def test_a_misspelled_contact_role_gets_did_you_mean(mini, monkeypatch):
    profile = MINI_PROFILE.replace("  juridique: {name: Direction juridique, email: juridique@acme.example}",
                                   "  juridique: {email: juridique@acme.example}\n"
                                   "  rh: {email: rh@acme.example, roles: [comunication]}\n"
                                   "  referent_harcelemnt: {email: referent@acme.example}")
    path = mini(profile)
    both(monkeypatch, lambda: run("check", "-p", path), 1,
         ["contacts.rh.roles[0]: unknown contact role 'comunication'. Did you mean 'communication'?",
          "contacts.referent_harcelemnt: unknown contact role 'referent_harcelemnt'. "
          "Did you mean 'referent_harcelement'?"],
         ["contacts.rh.roles[0] : rôle de contact « comunication » inconnu. Vouliez-vous dire « communication » ?",
          "2 problèmes dans le profil :"])


def test_dates_are_shown_as_hr_writes_them_and_read_both_ways(mini, monkeypatch):
    path = mini()
    both(monkeypatch, lambda: run("release", "1.0.0", "-p", path, "--date", "01/05/2026", "--effective", "2026-04-30"), 1,
         ["the effective date 2026-04-30 is before the release date 2026-05-01"],
         ["la date d’entrée en vigueur, le 30/04/2026, précède la date de la version, le 01/05/2026"])
    monkeypatch.setenv("LANGUAGE", FR)
    done = run("release", "1.0.0", "-p", path, "--date", "01/05/2026", "--effective", "15/06/2026", "--force")
    assert done.exit_code == 0, done.output
    assert "version 1.0.0 publiée" in done.output and "en vigueur le 15/06/2026" in done.output
    assert "nature : substantielle (proposée d’après les changements)" in done.output
    assert "Attention : aucune approbation enregistrée" in done.output


def test_help_of_every_group_is_translated(monkeypatch):
    monkeypatch.setenv("LANGUAGE", FR)
    assert "Registre des accusés de réception" in run("ack", "--help").output
    assert "La procédure d’adoption" in run("adoption", "--help").output
    assert "Afficher un document JSON" in run("check", "--help").output
    monkeypatch.setenv("LANGUAGE", EN)
    assert "Acknowledgement registry: who received which version" in run("ack", "--help").output


# -- prompts ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("answer, listed", [("o", True), ("oui", True), ("OUI", True), ("y", True), ("yes", True),
                                            ("n", False), ("non", False), ("no", False), ("", False)])
def test_init_understands_french_and_english_answers(tmp_path, monkeypatch, answer, listed):
    monkeypatch.setenv("LANGUAGE", FR)
    result = run("init", tmp_path / "charte", input=f"Groupe Test\nfr\n{answer}\n" + "\n" * 12)
    assert result.exit_code == 0, result.output
    assert "Nom de l’entreprise : " in result.output and "Droit applicable (fr, ch, be, lu, qc) [fr] : " in result.output
    assert "Les actions de l’entreprise sont-elles cotées ? [o/N] : " in result.output
    assert f"listed: {'true' if listed else 'false'}" in (tmp_path / "charte" / "charter.yml").read_text()
    assert "Ensuite : complétez ce que liste « charter check »" in result.output


def test_init_asks_again_after_an_answer_it_cannot_read(tmp_path, monkeypatch):
    monkeypatch.setenv("LANGUAGE", FR)
    result = run("init", tmp_path / "charte", input="Groupe Test\nfr\npeut-être\noui\n" + "\n" * 12)
    assert result.exit_code == 0, result.output
    assert "répondez oui ou non (o, oui, y, yes ou n, non, no)" in result.output
    assert "listed: true" in (tmp_path / "charte" / "charter.yml").read_text()
    monkeypatch.setenv("LANGUAGE", EN)
    result = run("init", tmp_path / "other", input="Test Group\nfr\nmaybe\nno\n" + "\n" * 12)
    assert "Are the company's shares listed? [y/N]: " in result.output
    assert "answer yes or no (o, oui, y, yes or n, non, no)" in result.output
    assert "listed: false" in (tmp_path / "other" / "charter.yml").read_text()


# -- --quiet and --json ------------------------------------------------------------------------------------
def test_check_json_and_quiet(mini):
    path = mini()
    result = run("check", "-p", path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["file"] == "charter.yml" and data["clauses"] == 4
    assert len(data["digest"]) == 64 and data["defaults"] == {"alpha": ["exemples", "debut", "delai", "ton"]}
    assert all(set(p) == {"severity", "file", "line", "key", "message"} for p in data["problems"])
    quiet = run("check", "-p", path, "--quiet")
    assert quiet.exit_code == 0 and quiet.output == ""


def test_check_json_of_a_broken_profile_locates_every_problem(mini, monkeypatch):
    path = mini(MINI_PROFILE + "brandng: {}\n" + "pdf: {signature_block: oui}\n")
    monkeypatch.setenv("LANGUAGE", FR)  # messages follow the language; keys and codes do not
    result = run("check", "-p", path, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["error"] == "profile"
    assert [(p["file"], p["line"], p["key"]) for p in data["problems"]] == [
        ("charter.yml", 8, "brandng"), ("charter.yml", 9, "pdf.signature_block")]
    assert data["problems"][0]["message"] == "clé inconnue. Vouliez-vous dire « branding » ?"
    assert "Erreur : 2 problèmes dans le profil" in result.stderr
    quiet = run("check", "-p", path, "--quiet")
    assert quiet.exit_code == 1 and quiet.stdout == "" and "brandng" in quiet.stderr


def test_releases_json_and_quiet(store, monkeypatch):
    monkeypatch.setenv("LANGUAGE", FR)
    data = json.loads(run("releases", "-p", store, "--json", "--on", "2026-04-01").stdout)
    assert data["on"] == "2026-04-01"
    assert [(r["version"], r["status"], r["kind"], r["previous_version"]) for r in data["releases"]] == [
        ("1.0.0", "archived", "substantive", None), ("1.1.0", "in_force", "substantive", "1.0.0")]
    assert set(data["releases"][0]) == {"version", "date", "effective_date", "status", "digest", "kind",
                                        "previous_version", "approvals"}
    assert run("releases", "-p", store, "--quiet").stdout == "1.0.0\n1.1.0\n"
    table = run("releases", "-p", store, "--on", "01/04/2026").stdout  # dates as HR writes them, both ways
    row = next(line.split() for line in table.splitlines() if line.startswith("1.1.0"))
    assert row[:5] == ["1.1.0", "05/02/2026", "06/03/2026", "en", "vigueur"] and "en vigueur le" in table


def test_verify_json_quiet_and_a_damaged_release(store):
    ok = run("verify", "-p", store, "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout) == {"ok": True, "releases": [
        {"version": v, "ok": True, "digest": d, "problems": [], "notes": []}
        for v, d in [(r["version"], r["digest"]) for r in json.loads(run("releases", "-p", store, "--json").stdout)
                     ["releases"]]]}
    assert run("verify", "-p", store, "-q").output == ""
    charter = store.parent / "releases" / "1.1.0" / "charter.json"
    charter.write_bytes(charter.read_bytes().replace(b"Mastodon", b"Mastodom"))
    failed = run("verify", "-p", store, "--json")
    assert failed.exit_code == 1
    data = json.loads(failed.stdout)
    assert data["ok"] is False and [r["ok"] for r in data["releases"]] == [True, False]
    problem = data["releases"][1]["problems"][0]
    assert problem["file"].endswith("releases/1.1.0/charter.json") and problem["line"] is None
    assert problem["message"].startswith("digest ") and "does not match release.yml" in problem["message"]
    assert "1 of 2 releases failed verification: 1.1.0" in failed.stderr
    quiet = run("verify", "-p", store, "-q")
    assert quiet.stdout == "" and "failed verification" in quiet.stderr


# -- a terminal: progress, colours ---------------------------------------------------------------------------
def on_a_terminal(*args, language: str = EN, tty_stdout: bool = False, **env) -> tuple[int, str, str]:
    """Run `charter ARGS` with stderr (and stdout if asked) on a pseudo-terminal: (status, stdout, terminal)."""
    master, slave = pty.openpty()
    environ = {**os.environ, "LANGUAGE": language, "TERM": "xterm", **env}
    proc = subprocess.Popen([sys.executable, "-m", "charter_kit", *map(str, args)], cwd=ROOT, env=environ,
                            stdin=subprocess.DEVNULL, stderr=slave,
                            stdout=slave if tty_stdout else subprocess.PIPE)
    os.close(slave)
    seen: list[bytes] = []

    def drain() -> None:  # the terminal's buffer is small: read while the command writes
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other side is closed
                return
            if not data:
                return
            seen.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    out = proc.stdout.read().decode("utf-8") if proc.stdout else ""
    proc.wait(timeout=600)
    reader.join(timeout=30)
    os.close(master)
    return proc.returncode, out, b"".join(seen).decode("utf-8", "replace")


@pytest.mark.slow
def test_build_shows_its_steps_on_a_terminal_only(mini):
    path = mini()
    code, out, terminal = on_a_terminal("build", "--no-pdf", "-p", path)
    assert code == 0, terminal
    assert "Reading the profile and the modules…" in terminal and "Building the site…" in terminal
    assert "\x1b" not in terminal  # carriage returns and spaces only, never an escape code
    assert out.startswith("site: ")  # the command's own output stays on stdout
    code, out, terminal = on_a_terminal("build", "--no-pdf", "-p", path, language=FR)
    assert "Construction du site…" in terminal and out.startswith("site : ")
    code, out, terminal = on_a_terminal("build", "--no-pdf", "-p", path, "--quiet")
    assert code == 0 and out == "" and terminal == ""
    piped = subprocess.run([sys.executable, "-m", "charter_kit", "build", "--no-pdf", "-p", str(path)],
                           capture_output=True, text=True, cwd=ROOT)
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr
    assert piped.stdout.startswith("site: ")


@pytest.mark.slow
def test_release_and_publish_show_their_steps_and_a_bar(store):
    store.write_text(store.read_text().replace("{reseau: Mastodon}", "{reseau: Bluesky}"))
    code, out, terminal = on_a_terminal("release", "1.2.0", "-p", store, "--date", "2026-03-01")
    assert code == 0, terminal
    for step in ("Checking the profile, the modules and the dates…", "Typesetting the PDF annex…",
                 "Writing the release…"):
        assert step in terminal, terminal
    assert out.startswith("released 1.2.0: ")
    code, out, terminal = on_a_terminal("publish", "-p", store, "--on", "2026-03-02", language=FR)
    assert code == 0, terminal
    assert "Publication des versions [" in terminal and "] 3/3" in terminal
    assert out.startswith("3 versions publiées dans ")


@pytest.mark.slow
def test_no_color_means_no_escape_code_in_the_diff(store):
    code, out, terminal = on_a_terminal("diff", "1.0.0", "1.1.0", "-p", store, tty_stdout=True)
    assert code == 0 and "\x1b[" in terminal and "Mastodon" in terminal
    code, out, terminal = on_a_terminal("diff", "1.0.0", "1.1.0", "-p", store, tty_stdout=True, NO_COLOR="1")
    assert code == 0 and "\x1b" not in terminal and "Mastodon" in terminal


def test_serve_on_a_busy_port_suggests_another(mini, monkeypatch):
    import socket

    path = mini()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        both(monkeypatch, lambda: run("serve", "-p", path, "--no-pdf", "--port", port), 1,
             [f"port {port} on 127.0.0.1 is already in use", f"--port {port + 1}"],
             [f"le port {port} de 127.0.0.1 est déjà pris", f"--port {port + 1}"])
        assert "nothing was replaced" not in run("serve", "-p", path, "--no-pdf", "--port", port).output
