"""Shared test helpers: file trees, the real CLI, the bundled examples."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings
from click.testing import CliRunner

from charter_kit.cli import cli

# Messages in English unless a test asks for French (the CLI follows the locale; see test_i18n.py).
os.environ["LANGUAGE"] = "en"

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

#: module.yml of a company's own module "maison" (needs the shipped "socle"); tests append keys to it.
LOCAL_MODULE_META = """
id: maison
version: 1.0.0
title: {fr: "Maison"}
summary: {fr: "Nos règles."}
order: 90
requires: [socle]
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


@pytest.fixture(scope="session")
def store_template(tmp_path_factory) -> Path:
    """A mini-library project with releases 1.0.0 and 1.1.0, made once per session (do not change it)."""
    root = tmp_path_factory.mktemp("store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
        write_tree(root / "library", MINI_LIBRARY)
        path = write_tree(root / "proj", {"charter.yml": MINI_PROFILE}) / "charter.yml"
        assert run("release", "1.0.0", "-p", path, "--date", "2026-01-05").exit_code == 0
        path.write_text(path.read_text().replace("{reseau: LinkedIn}", "{reseau: Mastodon}"))
        assert run("release", "1.1.0", "-p", path, "--date", "2026-02-05").exit_code == 0
    return root


@pytest.fixture
def store(store_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the session's release store project (its charter.yml), library in use."""
    import shutil

    root = Path(shutil.copytree(store_template, tmp_path / "store"))
    monkeypatch.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
    return root / "proj" / "charter.yml"



# -- one module named conftest ----------------------------------------------------------------------
_THIS = sys.modules[__name__]


def pytest_collectstart(collector):
    """Test files import their helpers with ``from conftest import …``: make that this file even
    after pytest has loaded a sub-folder's own conftest.py (tests/ack), which takes the same name.
    Likewise a module named like a file of the folder being collected (tests/ack/test_browser.py
    and tests/integration/test_browser.py) is forgotten, so the folder's own file is imported."""
    if not isinstance(collector, pytest.Module):
        return
    if sys.modules.get("conftest") is not _THIS:
        sys.modules["conftest"] = _THIS
    here = collector.path.parent
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name != "conftest" and "." not in name and file and Path(file).parent != here \
                and (here / f"{name}.py").is_file():
            del sys.modules[name]


# -- the quick loop stays quick ---------------------------------------------------------------------
MARKERS = ("slow", "browser", "office", "db")
CPU_BUDGET = 2.0  # seconds of CPU a test may take and stay in `make test-fast`
_cpu_used: dict[str, tuple[float, pytest.Item]] = {}


def _cpu() -> float:
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Measure each test's CPU (setup, call, teardown; its waited-for children included)."""
    start = _cpu()
    try:
        return (yield)
    finally:
        _cpu_used[item.nodeid] = (_cpu() - start, item)


def pytest_terminal_summary(terminalreporter):
    """Name the unmarked tests that took more than CPU_BUDGET of CPU: they belong under ``slow``.
    CPU, not wall-clock time, so a loaded machine does not change the list."""
    heavy = sorted(((cpu, nodeid) for nodeid, (cpu, item) in _cpu_used.items()
                    if cpu > CPU_BUDGET and not any(item.get_closest_marker(m) for m in MARKERS)), reverse=True)
    if heavy:
        terminalreporter.section(f"unmarked tests over {CPU_BUDGET:g} s of CPU (mark them slow)")
        for cpu, nodeid in heavy[:30]:
            terminalreporter.write_line(f"{cpu:6.1f} s  {nodeid}")

# -- no process left behind -------------------------------------------------------------------------
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def pytest_configure(config):
    """Make the suite the subreaper of every process its tests start: a process orphaned by a
    killed command (a PDF worker, a browser) stays under the suite, where the last check finds it."""
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when a process started by the tests (Chromium, LibreOffice, PostgreSQL, a
    server, a charter command or its worker) is still alive at the end; name each, then end it."""
    import signal
    import time

    from faults import describe, descendants

    _reap_all()
    left = descendants(os.getpid())
    deadline = time.monotonic() + 10  # a browser or server still closing gets a moment
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        _reap_all()
        left = descendants(os.getpid())
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = f"processes left behind by the tests (now killed):\n{describe(left)}"
    if reporter is not None:
        reporter.write_line(message, red=True, bold=True)
    else:
        print(message)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    _reap_all()
    if session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _reap_all() -> None:
    # Orphans that ended became the suite's zombies (it is their subreaper): collect them.
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
