"""Helpers of the registry's tests (plain functions; the fixtures are in conftest.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
START = dt.datetime(2027, 9, 1, 8, 0, tzinfo=dt.timezone.utc)


def launch_chromium(playwright):
    """Debian's Chromium, headless, no background traffic (as tests/conftest.py launches it)."""
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"])


def add_release(root: Path, version: str, kind: str, *, date: str, effective: str, words: bool) -> None:
    """A new release through the store: the previous charter with one clause reworded (``words``)
    or only retypeset (straight and curly apostrophes swapped: editorial), and a placeholder PDF."""
    from charter_kit.store import releases as store

    previous = store.load_releases(root)[-1]
    charter = store.load_charter(previous)
    article = charter.articles[0]
    clause = article.clauses[0]
    if words:
        text = clause.text + "\n\nCette phrase est nouvelle dans la version " + version + "."
    elif "'" in clause.text:
        text = clause.text.replace("'", "\u2019")
    else:
        text = clause.text.replace("\u2019", "'")
    assert text != clause.text
    clauses = (dataclasses.replace(clause, text=text),) + article.clauses[1:]
    articles = (dataclasses.replace(article, clauses=clauses),) + charter.articles[1:]
    new = dataclasses.replace(charter, articles=articles).with_release(version=version, date=date,
                                                                         effective_date=effective)
    store.write_release(root, new, {f"charte-{version}.pdf": b"%PDF-1.7\n% placeholder\n"}, kind=kind,
                        previous=previous)


def pg_binary(name: str) -> str:
    """A PostgreSQL program (Debian keeps them out of PATH, under /usr/lib/postgresql/<n>/bin)."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        pytest.fail(f"PostgreSQL's {name} is missing: run 'make system-deps' (Debian package postgresql)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clock:
    """A registry clock the test moves; each reading advances a millisecond (times stay ordered)."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(milliseconds=1)
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


EMPLOYEES_CSV = (
    "Matricule;Prénom;Nom;Courriel;Société;Établissement;Population\n"
    "H001;Ana;Durand;ana.durand@horizon.example;Horizon SA;Paris;managers\n"
    "H002;Bruno;Martin;bruno.martin@horizon.example;Horizon SA;Lyon;\n"
    "H003;Chloé;Petit;chloe.petit@horizon.example;Horizon Digital SAS;Paris;\n"
    "H004;David;Roux;david.roux@horizon.example;Horizon Services SAS;Lille;managers\n"
    "H005;Émilie;Faure;;Horizon Services SAS;Lille;\n"
)


def write_csv(path: Path, text: str = EMPLOYEES_CSV, encoding: str = "utf-8-sig") -> Path:
    """A CSV as a spreadsheet writes it (UTF-8 with BOM by default)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


@dataclasses.dataclass
class Served:
    """The registry served by `charter ack serve` in a subprocess."""

    process: subprocess.Popen
    url: str
    log: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def serve(root: Path, db_url: str, *, workers: int = 1, log: Path, env: dict | None = None,
          preexec=None, port: int | None = None) -> Served:
    """Start `charter ack serve` on 127.0.0.1 (a free port unless given) and wait until it answers."""
    import httpx

    port = port or free_port()
    cmd = [PYTHON, "-m", "charter_kit", "ack", "-p", str(root / "charter.yml"), "--db", db_url, "serve",
           "--port", str(port), "--workers", str(workers)]
    handle = open(log, "ab")
    process = subprocess.Popen(cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, **(env or {})}, preexec_fn=preexec)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url + "/sante", timeout=2).status_code == 200:
                return Served(process, url, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    Served(process, url, log).kill()
    raise AssertionError(f"the server did not answer within 60 s:\n{log.read_text(errors='replace')}")


# -- load ----------------------------------------------------------------------------------------------
def employees_csv(count: int, *, start: int = 1) -> str:
    """A generated HR export of ``count`` employees in 4 entities and 40 establishments."""
    lines = ["Matricule;Nom;Courriel;Société;Établissement"]
    for n in range(start, start + count):
        lines.append(f"E{n:07d};Salarié {n};s{n}@horizon.example;Entité {n % 4};Site {n % 40:02d}")
    return "\n".join(lines) + "\n"


def acknowledge_over_http(client, link: str) -> bool:
    """What an employee does: open the link, press the button, read the receipt.

    True only when the receipt page was shown (it says "C'est enregistré"); any failure is False.
    """
    import re

    import httpx

    try:
        page = client.get(link)
        if page.status_code != 200:
            return False
        if "C'est enregistré" in page.text or "Accusé de réception enregistré" in page.text:
            return True
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        if token is None:
            return False
        answer = client.post(link, data={"csrf": token.group(1)}, follow_redirects=True)
        return answer.status_code == 200 and "C'est enregistré" in answer.text
    except httpx.HTTPError:
        return False
