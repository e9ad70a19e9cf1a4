"""The release log: every version ever released, kept beside charter.yml, outside the release store.

``release-log.yml`` gets one entry per release, appended by `charter release` under the store's
writer lock right after the release folder is renamed into place. Each entry names the version and
the sha256 of its release.yml, and is chained by its hash to the entry before it::

    entries:
    - {version: '1.0.0', release: '<sha256 of releases/1.0.0/release.yml>', previous: null, hash: '…'}
    - {version: '1.1.0', release: '…', previous: '<hash of the entry above>', hash: '…'}

So `charter verify` sees what the folders alone cannot tell: a release deleted, renamed or hidden,
the whole store removed or replaced by a file, and a release.yml rewritten with its seal recomputed
(approvals, notes, kind). When the project signs its releases (keys/), the log is signed too
(``release-log.yml.p7s``): then rewriting the log along with the folder is detected as well.
A project whose releases predate the log has none until its next release, which records the
releases already there first; `verify` accepts such a project with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from charter_kit.errors import ReleaseError
from charter_kit.fsutil import atomic_write, read_regular
from charter_kit.i18n import _
from charter_kit.model.charter import canonical
from charter_kit.model.release import RELEASE_FILE, Release, sha256

LOG_FILE = "release-log.yml"
LOG_SIGNATURE = LOG_FILE + ".p7s"
_FIELDS = ("version", "release", "previous", "hash")
_HEADER = ("# Journal des versions, tenu par `charter release` : une entrée par version publiée, chaînée à la\n"
           "# précédente par son empreinte. Ne pas modifier : `charter verify` le compare au dossier releases/.\n")
_HEX = re.compile(r"^[0-9a-f]{64}$")


def log_file(root: Path) -> Path:
    """Where the release log of the project at ``root`` is."""
    return Path(root) / LOG_FILE


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash that seals one entry: sha256 of its canonical form without the hash itself."""
    return sha256(canonical({k: entry.get(k) for k in _FIELDS if k != "hash"}).encode("utf-8"))


def read_log(root: Path) -> list[dict[str, Any]] | None:
    """The log's entries, oldest first; None when the project has no log. A log that cannot be read
    or is not a list of entries is a ReleaseError naming the file."""
    path = log_file(root)
    if not path.exists() and not path.is_symlink():
        return None
    try:
        text = read_regular(path, 16_000_000).decode("utf-8")
        data = _parse(text, path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(_("{file}: cannot read the release log ({reason})").format(
            file=path, reason=getattr(exc, "strerror", None) or exc)) from None
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(_entry_ok(e) for e in entries):
        raise ReleaseError(_("{file}: not a release log (expected 'entries:', each with version, release, previous "
                             "and hash)").format(file=path))
    return [{k: e.get(k) for k in _FIELDS} for e in entries]


def _parse(text: str, path: Path) -> Any:
    """YAML without anchors, aliases or nesting past three levels: the log is written by us, flat."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ReleaseError(_("{file}: uses YAML anchors or aliases, which charter-kit never writes").format(
                    file=path))
            depth += isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
            depth -= isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent))
            if depth > 3:
                raise ReleaseError(_("{file}: nested deeper than a release log").format(file=path))
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReleaseError(_("{file}: invalid YAML ({error})").format(file=path, error=" ".join(str(exc).split()))) from None


def _entry_ok(entry: Any) -> bool:
    return (isinstance(entry, dict) and set(entry) == set(_FIELDS) and isinstance(entry["version"], str)
            and all(isinstance(entry[k], str) and _HEX.match(entry[k]) for k in ("release", "hash"))
            and (entry["previous"] is None or isinstance(entry["previous"], str)))


def log_text(entries: Sequence[dict[str, Any]]) -> str:
    """The log file's text: a commented header, then the entries, one flow mapping per line."""
    lines = ["entries:"] + [
        "- {" + ", ".join(f"{k}: {_scalar(e[k])}" for k in _FIELDS) + "}" for e in entries]
    return _HEADER + "\n".join(lines) + "\n"


def _scalar(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


def chain_problems(entries: Sequence[dict[str, Any]]) -> list[str]:
    """Every break in the log's chain: an entry changed, removed or reordered."""
    problems = []
    previous = None
    for i, entry in enumerate(entries, start=1):
        if entry["previous"] != previous:
            problems.append(_("{file}: entry {n} ({version}) is not chained to the entry before it (an entry was "
                              "removed or reordered)").format(file=LOG_FILE, n=i, version=entry["version"]))
        if entry["hash"] != entry_hash(entry):
            problems.append(_("{file}: entry {n} ({version}) was changed after it was written").format(
                file=LOG_FILE, n=i, version=entry["version"]))
        previous = entry["hash"]
    return problems


def append_release(root: Path, release: Release, stored: Callable[[], Sequence[Release]],
                   sign: Callable[[bytes], bytes] | None = None) -> None:
    """Record ``release`` (just written) at the end of the log. Called under the store's writer lock.

    ``stored`` gives the releases in the store, oldest first: a project without a log starts one with
    those already there, and a newer release that a killed `charter release` wrote without recording
    it (between its folder's rename and this step) is recorded first."""
    entries = read_log(root)
    logged = {e["version"] for e in (entries or [])}
    if entries is None:
        entries = []
    problems = chain_problems(entries)
    if problems:
        raise ReleaseError(_("the release {version} was written, but the release log is damaged:\n{problems}").format(
            version=release.version, problems="\n".join(f"  - {p}" for p in problems)),
            hint=_("restore release-log.yml from version control, then run 'charter verify'"))
    last = entries[-1]["version"] if entries else None
    for old in stored():
        missed = old.version not in logged and (last is None or old.previous_version == last)
        if old.version != release.version and missed:
            entries.append(_entry(old, entries))
            last = old.version
    entries.append(_entry(release, entries))
    text = log_text(entries).encode("utf-8")
    atomic_write(log_file(root), text)
    if sign is not None:
        atomic_write(log_file(root).with_name(LOG_SIGNATURE), sign(text))


def _entry(release: Release, before: Sequence[dict[str, Any]]) -> dict[str, Any]:
    entry = {"version": release.version,
             "release": sha256(read_regular(release.path / RELEASE_FILE)),
             "previous": before[-1]["hash"] if before else None}
    entry["hash"] = entry_hash(entry)
    return entry
