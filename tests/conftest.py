"""Shared test helpers: file trees, the real CLI, the bundled examples."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings
from click.testing import CliRunner

from charter_kit.cli import cli

# CI replays the same examples every run (a failure there is reproducible); local runs explore.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
LISTED_EXAMPLE = EXAMPLES / "groupe-horizon"
SMALL_EXAMPLE = EXAMPLES / "atelier-lumen"
ARTIFACTS = ROOT / "tests" / "artifacts"


def launch_chromium(playwright):
    """Debian's Chromium, headless, without any background traffic (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"])


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create ``files`` ({relative path: content}) under ``root``; text is dedented."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run(*args: str | Path, input: str | None = None):
    """Run the real `charter` command line in-process; never raises."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=True)


def assert_user_error(result, *fragments: str, code: int = 1) -> None:
    """The command failed cleanly: exit code, every fragment in the message, no traceback."""
    output = result.output
    assert result.exit_code == code, output
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"


MINIMAL_PROFILE = """
charter:
  jurisdiction: fr
  status: annexe-reglement-interieur
company: {name: Acme, legal_name: Acme SAS}
contacts:
  communication: {name: Direction de la communication, email: com@acme.example}
  juridique: {email: juridique@acme.example}
  rh: {email: rh@acme.example}
  dpo: {email: dpo@acme.example}
  securite: {email: securite@acme.example}
  conformite: {email: conformite@acme.example}
  investisseurs: {email: investisseurs@acme.example}
  crise: {email: crise@acme.example}
  referent_harcelement: {email: referent@acme.example}
modules:
  - socle
  - transparence
"""


@pytest.fixture
def project(tmp_path: Path):
    """A factory: write a charter project from a profile text (+ extra files), return charter.yml."""
    def make(profile: str = MINIMAL_PROFILE, files: dict[str, str | bytes] | None = None) -> Path:
        write_tree(tmp_path, {"charter.yml": profile, **(files or {})})
        return tmp_path / "charter.yml"
    return make


MINI_LIBRARY = {
    "socle/module.yml": """
        id: socle
        version: 1.0.0
        title: {fr: "Socle"}
        summary: {fr: "Objet et champ."}
        order: 10
        legal_basis: {fr: ["C. trav., art. L1121-1"]}
        changelog:
          - {version: 1.0.0, date: 2026-11-22, note: {fr: "Première version."}}
        """,
    "socle/fr.md": """
        Cette charte s'applique chez {{ company.name }}.

        ## Objet {#objet .regle}
        Vous restez libre de vous exprimer.

        ## Champ {#champ .regle}
        Elle couvre les comptes liés à {{ company.name }}.
        """,
    "alpha/module.yml": """
        id: alpha
        version: 1.2.0
        title: {fr: "Alpha"}
        summary: {fr: "Un module de test."}
        order: 20
        requires: [socle]
        contacts: [juridique]
        variables:
          reseau: {type: string, label: {fr: "Réseau principal"}}
          exemples: {type: list, default: ["plans", "prix"], label: {fr: "Exemples"}}
          debut: {type: date, default: 2026-03-01, label: {fr: "Début"}}
          delai: {type: int, default: 24, label: {fr: "Délai en heures"}}
          ton: {type: choice, default: sobre, choices: [sobre, chaleureux], label: {fr: "Ton"}}
        options:
          embargo: {type: bool, default: false, label: {fr: "Embargos"}}
        legal_basis: {fr: ["C. com., art. L151-1"], eu: ["Directive (UE) 2016/943"]}
        changelog:
          - {version: 1.2.0, date: 2026-11-22, note: {fr: "Délai ajouté."}}
        """,
    "alpha/fr.md": """
        Les règles d'alpha.

        ## Ce qui reste interne {#perimetre .regle}
        Sur {{ var.reseau }}, ne publiez pas : {{ var.exemples | liste }}.
        Écrivez à {{ contacts.juridique }} sous {{ var.delai }} heures, ton {{ var.ton }}.

        {% if opt.embargo %}
        ## Embargos {#embargo .regle}
        Respectez les embargos à partir du {{ var.debut }}.
        {% endif %}

        ## En cas de doute {#doute .regle}
        Demandez avant de publier. Voir {{ ref("socle.objet") }}.
        """,
    "beta/module.yml": """
        id: beta
        version: 1.0.0
        title: {fr: "Bêta"}
        summary: {fr: "Incompatible avec gamma."}
        order: 30
        conflicts: [gamma]
        changelog:
          - {version: 1.0.0, date: 2026-11-22, note: {fr: "Première version."}}
        """,
    "beta/fr.md": "## Règle bêta {#regle .regle}\nTexte bêta.\n",
    "gamma/module.yml": """
        id: gamma
        version: 1.0.0
        title: {fr: "Gamma"}
        summary: {fr: "Incompatible avec bêta."}
        order: 40
        changelog:
          - {version: 1.0.0, date: 2026-11-22, note: {fr: "Première version."}}
        """,
    "gamma/fr.md": "## Règle gamma {#regle .regle}\nTexte gamma.\n",
}

MINI_PROFILE = """
charter: {jurisdiction: fr, status: annexe-reglement-interieur}
company: {name: Acme, legal_name: Acme SAS}
contacts:
  juridique: {name: Direction juridique, email: juridique@acme.example}
modules:
  - id: alpha
    variables: {reseau: LinkedIn}
"""


@pytest.fixture
def mini(tmp_path: Path, monkeypatch):
    """A project using a small test library (not the shipped one): returns a profile writer."""
    lib = write_tree(tmp_path / "library", MINI_LIBRARY)
    monkeypatch.setenv("CHARTER_KIT_LIBRARY", str(lib))
    proj = tmp_path / "proj"

    def make(profile: str = MINI_PROFILE, files: dict[str, str | bytes] | None = None) -> Path:
        write_tree(proj, {"charter.yml": profile, **(files or {})})
        return proj / "charter.yml"
    return make

