"""The output folder of `charter publish`: its manifest, what a publish may keep of the last one, copies.

The manifest (``.charter-publish.json``, in the output) says what each version folder was built from
(its build key) and what it holds (``fsutil.tree_digest`` of its bytes): a folder is kept only when
both still hold, so a page edited by hand or a planted link is rebuilt. It is the same on every
machine for the same releases (same inputs, same bytes).

Reading every byte of every version at each publish would make a publish of fifty versions cost
fifty times the reading, so the file system's description of each folder (``tree_signature``:
path, type and mode of each entry, size, modification time and inode of each file, no byte read)
is kept beside the project, in ``build/.cache/publish/`` (it describes this machine's files, so it
is not published). A folder whose description is the recorded one is not read again; one whose
description changed is read and compared with its content digest. The release files are treated
alike: those whose size, time and inode are the ones checked at the last publish are not hashed
again (``charter verify`` always reads everything).

The output a publish replaces is not deleted but kept there too (``spare_path``): its folders are
hard links to the same files as the live ones, so the next publish moves the unchanged ones into
its new output (one rename each, once their description matches the live folder's) instead of
linking every file again and deleting the old copy file by file. Only what changed is deleted.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter_kit import __version__
from charter_kit.errors import OutputError
from charter_kit.fsutil import atomic_write, read_regular, tree_digest
from charter_kit.i18n import _

MARKER = ".charter-publish.json"
LATEST = "latest"


@dataclass(frozen=True)
class State:
    """This machine's record of a publish, beside the project (``state_path``)."""

    signatures: dict[str, str] = field(default_factory=dict)
    """Each output folder's tree_signature when written, valid only with the manifest it was written for."""
    releases: dict[str, str] = field(default_factory=dict)
    """Each release's ``release_signature`` when its files were last checked."""
    parsed: dict[str, Any] = field(default_factory=dict)
    """What YAML made of each release.yml, by text key (store.releases.parsed_data): not parsed again."""


@dataclass(frozen=True)
class Manifest:
    """What the previous publish wrote into the output folder (empty for a first publish)."""

    keys: dict[str, str] = field(default_factory=dict)
    """Each version folder's build key."""
    contents: dict[str, str | None] = field(default_factory=dict)
    """Each version folder's content digest (fsutil.tree_digest)."""
    latest: str | None = None
    """The version ``latest/`` is a copy of."""
    signatures: dict[str, str] = field(default_factory=dict)
    """Each folder's tree_signature when it was written (``latest`` included), from this machine's record."""
    text: bytes = b""
    """The marker's bytes, as read."""


def read_manifest(out: Path, state: State | None = None, recorded_for: str | None = None) -> Manifest:
    """The manifest of a previous publish in ``out``, with ``state``'s signatures when they were
    recorded for this very manifest (``recorded_for``: its sha256); refuse a folder publish did not write."""
    if not out.exists():
        return Manifest()
    if not out.is_dir():
        raise OutputError(_("{folder}: is a file, not a folder; nothing was written").format(folder=out),
                          hint=_("choose another output folder with --out"))
    marker = out / MARKER
    if not marker.is_file():
        if any(out.iterdir()):
            raise OutputError(_("{folder}: the folder is not empty and was not written by 'charter publish'; "
                                "refusing to replace it, nothing was written").format(folder=out),
                              hint=_("choose another output folder with --out, or empty this one"))
        return Manifest()
    try:
        text = read_regular(marker, 1_000_000)
        data = json.loads(text.decode("utf-8"))
        versions, contents = data["versions"], data.get("contents") or {}
        if not isinstance(versions, dict) or not isinstance(contents, dict):
            return Manifest()
        latest = data.get("latest") if isinstance(data.get("latest"), str) else None
        own = state is not None and recorded_for == hashlib.sha256(text).hexdigest()
        return Manifest({str(k): str(v) for k, v in versions.items()},
                        {str(k): v if isinstance(v, str) else None for k, v in contents.items()},
                        latest, state.signatures if own else {}, text)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return Manifest()  # a damaged marker only costs a full rebuild


def manifest_text(keys: dict[str, str], contents: dict[str, str | None], latest: str | None) -> str:
    """The marker file: who wrote the folder, what each version folder was built from and holds,
    and the version ``latest/`` copies."""
    return json.dumps({"generator": "charter-kit", "charter_kit": __version__, "versions": keys,
                       "contents": contents, "latest": latest},
                      ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# -- this machine's description of the output, kept beside the project ------------------------------
def state_path(root: Path, out: Path) -> Path:
    """Where this machine's record of the output folder ``out`` is kept (one file per output folder)."""
    name = hashlib.sha256(os.fsencode(Path(out).resolve())).hexdigest()[:16]
    return Path(root) / "build" / ".cache" / "publish" / f"{name}.json"


def spare_path(root: Path, out: Path) -> Path:
    """Where the output a publish replaced is kept, for the next publish to take its folders from."""
    return state_path(root, out).with_suffix(".spare")


def read_state(path: Path) -> tuple[State, str | None]:
    """The record at ``path`` and the sha256 of the manifest its signatures describe (empty if none)."""
    try:
        data = json.loads(read_regular(path, 10_000_000).decode("utf-8"))
        parsed = data.get("parsed", {})
        return State({str(k): v for k, v in data["signatures"].items() if isinstance(v, str)},
                     {str(k): v for k, v in data["releases"].items() if isinstance(v, str)},
                     parsed if isinstance(parsed, dict) else {}), str(data["marker"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return State(), None


def write_state(path: Path, marker: str, signatures: dict[str, str | None], releases: dict[str, str | None],
                parsed: dict[str, Any] | None = None) -> None:
    """Record the folders' signatures for the manifest ``marker`` just written, the releases'
    signatures and their parsed release.yml; a cache only, so a failure to write it costs the next
    publish a reading, nothing else."""
    data = {"marker": hashlib.sha256(marker.encode("utf-8")).hexdigest(), "signatures": signatures,
            "releases": releases, "parsed": parsed or {}}
    try:
        atomic_write(path, json.dumps(data, sort_keys=True) + "\n")
    except (OSError, OutputError):
        pass


def release_signature(folder: Path, names: list[str]) -> str | None:
    """What the file system says of a release's files (size, time, inode, mode of each); None if one
    cannot be read."""
    total = hashlib.sha256()
    try:
        for name in names:
            info = os.lstat(folder / name)
            total.update(f"{name}\0{info.st_mode} {info.st_size} {info.st_mtime_ns} {info.st_ino}\n".encode())
    except OSError:
        return None
    return total.hexdigest()


def take(spare: Path, target: Path, signature: str | None) -> bool:
    """Move the kept folder ``spare`` to ``target`` when it is the very folder that is live (its
    tree_signature is the live one's ``signature``: same files, same inodes); False otherwise."""
    if signature is None or spare.is_symlink() or tree_signature(spare) != signature:
        return False
    try:
        os.rename(spare, target)
    except OSError:
        return False
    return True


# -- what may be kept ---------------------------------------------------------------------------------
def reusable(manifest: Manifest, version: str, key: str, old: Path, signature: str | None) -> bool:
    """Whether the version folder ``old`` of the previous publish can be kept: built from the same
    inputs (``key``), its files still exactly those publish wrote. Not read again when its
    ``signature`` (``tree_signature``, taken now) is the one recorded."""
    content = manifest.contents.get(version)
    if manifest.keys.get(version) != key or content is None or old.is_symlink() or not old.is_dir():
        return False
    if signature is not None and signature == manifest.signatures.get(version):
        return True
    try:
        return tree_digest(old) == content
    except OSError:
        return False


def unchanged(out: Path, manifest: Manifest, keys: dict[str, str], landing: str, top: dict[str, str],
              signatures: dict[str, str | None]) -> bool:
    """Whether ``out`` already is what this publish would write, its version folders being
    reusable: the same versions, ``latest/`` as recorded, the same files beside them, nothing else."""
    if manifest.keys != keys or manifest.latest != landing or LATEST not in manifest.signatures:
        return False
    expected = manifest_text(keys, {v: manifest.contents.get(v) for v in keys}, landing).encode("utf-8")
    try:
        if manifest.text != expected or sorted(os.listdir(out)) != sorted([*keys, LATEST, *top, MARKER]):
            return False
        if os.stat(out).st_mode & 0o7777 != 0o755 or os.lstat(out / MARKER).st_mode & 0o7777 != 0o644:
            return False
        for name, text in top.items():
            if os.lstat(out / name).st_mode & 0o7777 != 0o644 or read_regular(out / name) != text.encode("utf-8"):
                return False
        return not (out / LATEST).is_symlink() and tree_signature(out / LATEST) == manifest.signatures[LATEST] \
            and all(signatures[v] is not None and signatures[v] == manifest.signatures.get(v) for v in keys)
    except OSError:
        return False


def tree_signature(folder: Path) -> str | None:
    """What the file system says of everything under ``folder`` (path, type and mode of each entry;
    size, modification time and inode of each file), without reading a byte; None if unreadable."""
    lines: list[str] = []
    try:
        _describe(str(folder), "", lines)
    except OSError:
        return None
    return hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _describe(path: str, rel: str, lines: list[str]) -> None:
    # One hash update for the whole tree: a version folder holds about a hundred files, and a
    # no-op publish describes every folder it serves.
    with os.scandir(path) as listing:
        entries = sorted(listing, key=_name)
    for entry in entries:
        info = entry.stat(follow_symlinks=False)
        name = rel + entry.name
        if stat.S_ISDIR(info.st_mode):
            lines.append(f"{name}/\0{info.st_mode}\n")
            _describe(entry.path, name + "/", lines)
        else:
            lines.append(f"{name}\0{info.st_mode} {info.st_size} {info.st_mtime_ns} {info.st_ino}\n")


_name = operator.attrgetter("name")


# -- copies ---------------------------------------------------------------------------------------------
def copy_tree(source: Path, target: Path) -> None:
    """Copy a built folder, hard-linking files when possible (outputs are never edited in place)."""
    os.mkdir(target)
    with os.scandir(source) as listing:
        for entry in listing:
            if entry.is_dir(follow_symlinks=False):
                copy_tree(Path(entry.path), Path(target) / entry.name)
            else:
                _link_or_copy(entry.path, os.path.join(target, entry.name))


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst
