"""What `check`, `releases` and `verify` print with --json: stable keys and codes, never labels.

CI reads these documents to annotate files: every problem has ``file``, ``line``, ``key`` and
``message`` (``line`` and ``key`` null when unknown); statuses and kinds are codes ("in_force",
"substantive"), the same in every language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from charter_kit.errors import Problem
from charter_kit.model.release import Release, status

#: "path/to/file: message" — how a release check names the file at fault.
_LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*\.(?:json|yml|pdf|p7s|tsr|yaml)): (?P<message>.+)$", re.S)


def problem_data(problem: Problem, severity: str = "error") -> dict[str, Any]:
    """One located problem."""
    return {"severity": severity, "file": problem.file, "line": problem.line, "key": problem.key,
            "message": problem.message}


def text_problem(text: str, severity: str = "error") -> dict[str, Any]:
    """A problem written as "file: message", split so that CI can point at the file."""
    found = _LOCATED.match(text)
    file, message = (found["file"], found["message"]) if found else (None, text)
    return {"severity": severity, "file": file, "line": None, "key": None, "message": message}


def check_data(project, notices: Sequence[str], *, modules_checked: int | None = None) -> dict[str, Any]:
    """`charter check --json` for a charter that renders."""
    charter = project.charter
    return {
        "ok": True,
        "file": project.loaded.display,
        "title": charter.title,
        "articles": len(charter.articles),
        "clauses": len(charter.clauses()),
        "digest": charter.digest,
        "modules_checked": modules_checked,
        "defaults": project.selection.defaults_used(),
        "problems": [text_problem(n, "notice") for n in notices],
    }


def releases_data(releases: Sequence[Release], on: dt.date) -> dict[str, Any]:
    """`charter releases --json`: every release, oldest first, with its status on ``on``."""
    return {
        "on": on.isoformat(),
        "releases": [{
            "version": r.version, "date": r.date, "effective_date": r.effective_date,
            "status": status(r, releases, on), "digest": r.digest, "kind": r.kind,
            "previous_version": r.previous_version,
            "approvals": [{"name": a.name, "role": a.role, "date": a.date} for a in r.approvals],
        } for r in releases],
    }


def verify_data(results) -> dict[str, Any]:
    """`charter verify --json`: each release, whether it holds, and its problems."""
    return {
        "ok": all(r.ok for r in results),
        "releases": [{"version": r.version, "ok": r.ok, "digest": r.digest,
                      "problems": [text_problem(p) for p in r.problems], "notes": list(r.notes)}
                     for r in results],
    }


def pdf_data(result) -> dict[str, Any]:
    """`charter verify --pdf FILE --json`."""
    return {"ok": result.ok and result.digest is not None, "file": str(result.path), "digest": result.digest,
            "version": result.version, "clauses": result.clauses,
            "problems": [text_problem(p) for p in result.problems]}
