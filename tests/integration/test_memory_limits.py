"""Every command under a 2 GiB address-space limit (``ulimit -v``) with hostile modules (issue 17).

Each command runs in a child process whose address space is capped with RLIMIT_AS (as ``ulimit -v``
does), with a timeout that only guards against a hang. A module that tries to exhaust memory or time
through its template (huge repetitions, loops, format widths, growing string methods, recursion) is
refused by the sandbox with a message naming its file and line, long before the limit; commands that
do not render the draft (verify, publish, releases, a diff of two releases) are not disturbed by it.
No run may end in a MemoryError, an "internal error" or a traceback.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LOCAL_MODULE_META, MINI_PROFILE, write_tree

pytestmark = pytest.mark.slow

LIMIT = 2 << 30  # 2 GiB, as `ulimit -v 2097152`
HANG = 600  # seconds: a guard against a hang, not a speed target
CHARTER = [sys.executable, "-m", "charter_kit"]

META = LOCAL_MODULE_META
#: name -> a template line that would take gigabytes or hours without the sandbox's limits.
HOSTILE = {
    "repetition": "{{ 'a' * 10**9 }}",
    "list repetition": "{{ [0] * 10**9 }}",
    "repetition of a repetition": "{{ ('ab' * 999999) * 999999 }}",
    "power": "{{ 7 ** 99999999 }}",
    "loop": "{% for i in range(10**9) %}x{% endfor %}",
    "nested loops": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "percent width": "{{ '%0300000000d' % 1 }}",
    "center": "{{ 'x'.center(10**10) }}",
    "format width": "{{ '{:>1000000000}'.format(1) }}",
    "replace growth": "{{ ('a' * 900000).replace('a', 'aaaaaaaaaa') }}",
    "concatenation": "{% set s = 'a' * 1000000 %}{{ s ~ s ~ s ~ s ~ s ~ s ~ s }}",
    "recursion": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "mutation": "{% set d = {} %}{% for i in range(10**7) %}{% set _ = d.update({i: i}) %}{% endfor %}",
}


def limited() -> None:
    """In the child, before exec: the address-space limit."""
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def charter(*args: str | Path, cwd: Path | None = None) -> tuple[int, str]:
    """One `charter` command under the limit: (exit code, stdout and stderr)."""
    env = {**os.environ, "LANGUAGE": "en"}
    done = subprocess.run([*CHARTER, *map(str, args)], capture_output=True, text=True, timeout=HANG,
                          preexec_fn=limited, env=env, cwd=cwd)
    return done.returncode, done.stdout + done.stderr


def clean(output: str) -> None:
    for bad in ("Traceback", "internal error", "MemoryError", "Killed"):
        assert bad not in output, output[-3000:]


@pytest.fixture
def hostile_store(store):
    """The release store project (1.0.0 and 1.1.0), its profile now naming a local module to fill in."""
    store.write_text(store.read_text() + "  - maison\nlocal_modules: modules\n")
    return store


def write_module(profile: Path, line: str) -> None:
    write_tree(profile.parent, {"modules/maison/module.yml": META,
                                "modules/maison/fr.md": f"Intro.\n\n## Règle {{#regle .regle}}\nTexte.\n{line}\n"})


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_module_is_refused_by_name_under_the_limit(hostile_store, name):
    write_module(hostile_store, HOSTILE[name])
    code, output = charter("check", "-p", hostile_store)
    assert code == 1, output
    clean(output)
    assert "modules/maison/fr.md, line 5" in output, output


#: command -> (exit code expected, fragment) with the "repetition" module in the profile.
COMMANDS = {
    ("check",): (1, "fr.md, line 5"),
    ("render",): (1, "fr.md, line 5"),
    ("render", "--format", "json"): (1, "fr.md, line 5"),
    ("render", "--format", "pdf", "-o", "x.pdf"): (1, "fr.md, line 5"),
    ("render", "--format", "docx", "-o", "x.docx"): (1, "fr.md, line 5"),
    ("build",): (1, "fr.md, line 5"),
    ("release", "1.2.0", "--date", "2026-03-05"): (1, "fr.md, line 5"),
    ("diff",): (1, "fr.md, line 5"),
    ("serve", "--port", "0"): (1, "fr.md, line 5"),
    ("modules",): (0, "maison"),
    ("releases",): (0, "1.1.0"),
    ("verify",): (0, "2 of 2 releases verified"),
    ("diff", "1.0.0", "1.1.0"): (0, "Mastodon"),
    ("publish", "--on", "2026-03-01"): (0, "published 2 versions"),
}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_ends_within_the_limit_with_a_hostile_module(hostile_store, command):
    write_module(hostile_store, HOSTILE["repetition"])
    expected, fragment = COMMANDS[command]
    code, output = charter(*command, "-p", hostile_store, cwd=hostile_store.parent)
    clean(output)
    assert code == expected, output
    assert fragment in output, output


def test_the_limit_is_real():
    """Control: the same child really cannot allocate past the limit (so the runs above were capped)."""
    done = subprocess.run([sys.executable, "-c", "b = bytearray(3 << 30)"], capture_output=True, text=True,
                          timeout=HANG, preexec_fn=limited)
    assert done.returncode != 0 and "MemoryError" in done.stderr
