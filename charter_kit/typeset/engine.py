"""Typst, the engine of every PDF: a template of the package, data as JSON, a date from the charter.

Same inputs, same bytes on any machine: the fonts are the ones compiled into the ``typst`` wheel
(Libertinus Serif, New Computer Modern, DejaVu Sans Mono; system fonts are ignored), the date
comes from the caller (a charter's date, never the clock), and Typst reads files only under the
templates folder (its root). No package is ever imported, so nothing is fetched.

Every PDF is PDF/A-3a (archival and tagged) and declares PDF/UA-1 (accessible) as well.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from charter_kit.errors import OutputError
from charter_kit.i18n import _

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pdf"
#: PDF/A-3a: archival, tagged, files may be attached; PDF/UA-1: accessible. Typst checks both.
STANDARDS = ("a-3a", "ua-1")
#: The date of a document that has none (a draft without an effective date): fixed, never the clock.
NO_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)

_COMPILERS: dict[Path, Any] = {}
_LOCK = threading.Lock()
# The process whose Typst runtime is live. Typst's Rust side keeps worker threads and locks that a
# forked child does not get: a child that compiles after its parent did waits forever. Such a
# child compiles in a fresh interpreter instead (slower, but it finishes).
_OWNER: int | None = None
_WORKER = """
import base64, json, sys
from pathlib import Path
from charter_kit.errors import OutputError
from charter_kit.typeset.engine import compile_pdf
job = json.load(sys.stdin)
main = base64.b64decode(job["source"]) if job["source"] is not None else job["main"]
try:
    pdf = compile_pdf(main, job["data"], date=job["date"], inputs=job["inputs"], root=Path(job["root"]))
except OutputError as exc:
    json.dump({"message": getattr(exc, "text", exc.message)}, sys.stderr)
    sys.exit(3)
sys.stdout.buffer.write(pdf)
"""


def compile_pdf(main: str | bytes, data: Mapping[str, Any], *, date: str | None = None,
                inputs: Mapping[str, str] | None = None, root: Path = TEMPLATES, hint: str | None = None) -> bytes:
    """Compile the template ``main`` (a file name under ``root``, or Typst source that imports from
    it as ``"/markup.typ"``) with ``data`` as ``sys.inputs.data``.

    ``date`` (ISO, "2026-03-01") stamps the PDF's metadata; ``inputs`` are more strings for the
    template (e.g. the canonical JSON a PDF embeds); ``hint`` says what the user can fix when
    Typst fails (for the annex, the logo is the only input that can).
    """
    global _OWNER
    if _OWNER is not None and _OWNER != os.getpid():
        return _compile_elsewhere(main, data, date=date, inputs=inputs, root=root, hint=hint)
    import typst

    with _LOCK:  # one compiler per root, reused: fonts are loaded once per process
        _OWNER = os.getpid()
        compiler = _compiler(root)
        values = {"data": to_json(displayable(data, compiler)), **(inputs or {})}
        try:
            source = main if isinstance(main, bytes) else str(root / main)
            return compiler.compile(input=source, format="pdf", sys_inputs=values,
                                    pdf_standards=list(STANDARDS), timestamp=timestamp(date))
        except typst.TypstError as exc:
            raise OutputError(_("the PDF could not be typeset: {error}").format(error=exc.message),
                              hint=hint or _("report this message to the charter-kit team")) from None


def _compile_elsewhere(main: str | bytes, data: Mapping[str, Any], *, date: str | None,
                       inputs: Mapping[str, str] | None, root: Path, hint: str | None) -> bytes:
    """``compile_pdf`` in a new interpreter: for a child forked after its parent used Typst."""
    job = {"main": main if isinstance(main, str) else None, "data": data, "date": date, "inputs": dict(inputs or {}),
           "source": base64.b64encode(main).decode("ascii") if isinstance(main, bytes) else None, "root": str(root)}
    done = subprocess.run([sys.executable, "-c", _WORKER], input=json.dumps(job).encode("utf-8"),
                          capture_output=True, check=False)
    if done.returncode == 0:
        return done.stdout
    try:
        message = json.loads(done.stderr)["message"]
    except (ValueError, KeyError, TypeError):
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise OutputError(_("the PDF could not be typeset: {error}").format(error=message[0]),
                          hint=_("report this message to the charter-kit team")) from None
    raise OutputError(message, hint=hint or _("report this message to the charter-kit team"))


def _compiler(root: Path) -> Any:
    import typst

    compiler = _COMPILERS.get(root)
    if compiler is None:
        compiler = _COMPILERS[root] = typst.Compiler(root=str(root), ignore_system_fonts=True, font_paths=[])
    return compiler


# -- characters the fonts cannot show --------------------------------------------------------------
#: What stands for a character no bundled font can show (PDF/A forbids a missing glyph).
REPLACEMENT = "\ufffd"
_SHOWN: dict[str, bool] = {}  # character -> whether the bundled fonts show it, learnt once per process
_PROBE_HEAD = '#set document(title: "probe")\n#set text(lang: "fr", font: "Libertinus Serif")\n'
_PROBE_LINE = 3  # the line of the first probed character in the probe document
_FAILED_AT = re.compile(r"^error: .*\n\s*┌─ [^\n]*:(\d+):\d+", re.MULTILINE)


def displayable(data: Any, compiler: Any = None) -> Any:
    """``data`` with every character the bundled fonts cannot show (an emoji, a CJK ideograph,
    a private-use code point) replaced by ``REPLACEMENT``: a profile value never breaks the PDF."""
    strings: set[str] = set()
    _collect(data, strings)
    used = set(_BEYOND_ASCII.findall("".join(strings)))
    unknown = sorted(used - set(_SHOWN))
    if unknown:
        _probe(unknown, compiler or _compiler(TEMPLATES))
    if all(_SHOWN.get(ch, True) for ch in used):
        return data
    return _replace(data)


_BEYOND_ASCII = re.compile(r"[^ -~]")  # printable ASCII is always in the fonts


def _collect(data: Any, out: set[str]) -> None:
    if isinstance(data, str):
        out.add(data)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key != "meta":  # document metadata is not drawn with a font
                _collect(value, out)
    elif isinstance(data, list):
        for value in data:
            _collect(value, out)


def _replace(data: Any) -> Any:
    if isinstance(data, str):
        return "".join(ch if _SHOWN.get(ch, True) else REPLACEMENT for ch in data)
    if isinstance(data, dict):
        return {k: v if k == "meta" else _replace(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_replace(v) for v in data]
    return data


def _probe(chars: list[str], compiler: Any) -> None:
    """Learn which of ``chars`` the fonts show: one probe document, a line per character, in
    regular, bold and italic; Typst's PDF/A check names the line of each one it cannot show."""
    import typst

    lines = [f'#"{_typst_string(ch)}" #strong("{_typst_string(ch)}") #emph("{_typst_string(ch)}")' for ch in chars]
    source = (_PROBE_HEAD + "\n\n".join(lines)).encode("utf-8")
    failed: set[int] = set()
    try:
        compiler.compile(input=source, format="pdf", pdf_standards=list(STANDARDS), timestamp=NO_DATE)
    except typst.TypstError as exc:
        failed = {(int(line) - _PROBE_LINE) // 2 for line in _FAILED_AT.findall(exc.diagnostic)}
        if not failed:
            raise
    for i, ch in enumerate(chars):
        _SHOWN[ch] = i not in failed


def _typst_string(ch: str) -> str:
    """A character as a Typst string literal's content (escaped, so any code point is safe)."""
    return f"\\u{{{ord(ch):x}}}"


def to_json(data: Mapping[str, Any]) -> str:
    """The data as the template reads it: JSON, sorted, so the same data is the same input."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def timestamp(date: str | None) -> dt.datetime:
    """The PDF's creation date: midnight UTC of ``date``, or the fixed ``NO_DATE``."""
    if not date:
        return NO_DATE
    day = dt.date.fromisoformat(date)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def typst_date(date: str | None) -> dict[str, int]:
    """A date as the templates build it (``datetime(..date)``); ``NO_DATE`` without one (PDF/A
    requires a date)."""
    day = dt.date.fromisoformat(date) if date else NO_DATE.date()
    return {"year": day.year, "month": day.month, "day": day.day}
