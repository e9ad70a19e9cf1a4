"""The editor completes and checks charter.yml: a real yaml-language-server (npm) reads the schema
that `charter schema` makes from the library, over the Language Server Protocol on stdio.

The server comes from node_modules/ (scripts/npm-deps.sh, run by `make test`).
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import LISTED_EXAMPLE, ROOT, run

pytestmark = pytest.mark.slow

SERVER = ROOT / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


class LanguageServer:
    """A yaml-language-server process spoken to in JSON-RPC over stdio."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": False}},
                             "publishDiagnostics": {}},
            "workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings()})

    @staticmethod
    def settings() -> dict:
        return {"yaml": {"validate": True, "completion": True, "hover": True, "schemaStore": {"enable": False}}}

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = stream.read(1)
                if not byte:
                    return
                header += byte
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, payload: dict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict, timeout: float = 60) -> dict:
        self.next_id += 1
        mine = self.next_id
        self._send({"jsonrpc": "2.0", "id": mine, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == mine and "method" not in m, timeout)["result"]

    def wait(self, wanted, timeout: float = 60) -> dict:
        end = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.1, end - time.monotonic()))
            if message.get("method") == "workspace/configuration":  # the server asks for its settings
                self._send({"jsonrpc": "2.0", "id": message["id"],
                            "result": [self.settings()["yaml"] for _ in message["params"]["items"]]})
                continue
            if wanted(message):
                return message

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def project(tmp_path):
    """The listed example, with the schema `charter schema` writes for its library."""
    root = tmp_path / "horizon"
    shutil.copytree(LISTED_EXAMPLE, root, ignore=shutil.ignore_patterns("build", "public", "releases"))
    result = run("schema", "-p", root / "charter.yml", "-o", root / "charter.schema.json")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def server(project):
    ls = LanguageServer(project)
    yield ls
    ls.close()


MISTAKES = """# yaml-language-server: $schema=./charter.schema.json
charter: {jurisdiction: fr, status: annexe-reglement-interieur}
company: {name: Acme, legal_name: Acme SAS}
contacts:
  juridque: {email: juridique@acme.example}
modules:
  - socle
  - confidentialit
  - id: crise
    options: {cellule_permanante: true}
overrides:
  transparence.declarer-lein: {remove: true}
"""


def _diagnostics(server: LanguageServer, project: Path, text: str) -> list[dict]:
    uri = (project / "charter.yml").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                            "text": text}})
    message = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"]["uri"] == uri and m["params"]["diagnostics"], timeout=90)
    return message["params"]["diagnostics"]


def test_misspelled_module_option_role_and_override_are_flagged(server, project):
    diagnostics = _diagnostics(server, project, MISTAKES)
    lines = {d["range"]["start"]["line"] for d in diagnostics}
    # 0-based lines of the four mistakes: a role, a module, an option of crise, an override id.
    assert {4, 7, 9, 11} <= lines, json.dumps(diagnostics, ensure_ascii=False, indent=1)


def test_module_ids_and_a_module_s_options_are_completed(server, project):
    text = MISTAKES.replace("  - confidentialit\n", "  - \n")
    uri = (project / "charter.yml").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                            "text": text}})
    items = server.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                       "position": {"line": 7, "character": 4}})
    labels = {i["label"] for i in (items["items"] if isinstance(items, dict) else items)}
    assert {"confidentialite", "crise", "ia-generative"} <= labels
    items = server.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                       "position": {"line": 9, "character": 14}})
    labels = {i["label"] for i in (items["items"] if isinstance(items, dict) else items)}
    crise_options = set(json.loads((project / "charter.schema.json").read_text())["properties"]["modules"]
                        ["items"]["oneOf"][[m.get("properties", {}).get("id", {}).get("const")
                                            for m in json.loads((project / "charter.schema.json").read_text())
                                            ["properties"]["modules"]["items"]["oneOf"]].index("crise")]
                        ["properties"]["options"]["properties"])
    assert crise_options and crise_options <= labels, labels


def test_check_notices_a_stale_schema(project):
    path = project / "charter.schema.json"
    path.write_text(path.read_text().replace('"crise"', '"crisis"', 1))
    result = run("check", "-p", project / "charter.yml")
    assert "charter.schema.json is out of date" in result.output
