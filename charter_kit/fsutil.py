"""Writing outputs safely: everything goes to a temporary sibling, then is renamed into place.

Each rename is surrounded by pause points (``pause_point``): a test can stop a writer there and kill
it, to prove what a reader finds before, during and after the rename (docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import glob
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from charter_kit.errors import OutputError
from charter_kit.i18n import _


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path = Path(path)
    blob = data.encode("utf-8") if isinstance(data, str) else data
    _parent(path)
    sweep(path)
    fd, tmp = tempfile.mkstemp(prefix=_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes a private file; outputs get the usual permissions (0644 under umask 022).
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        pause_point("atomic-write:before-rename", path)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if _unnamed(exc):
            raise _named(exc, path) from None
        raise
    pause_point("atomic-write:after-rename", path)


def cache_write(path: Path, data: bytes) -> None:
    """Keep ``data`` at ``path`` if the disk allows: a cache is written whole or not at all, and a
    failure to write it only means the work is done again next time (no sync, no error)."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


@contextlib.contextmanager
def atomic_dir(target: Path, *, point: str = "atomic-dir", keep: Path | None = None) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; on success it replaces ``target``.

    On any error (or interruption) the temporary folder is removed and ``target`` is untouched.
    ``point`` names the pause points around the swap (``<point>:before-rename``…). With ``keep``,
    the replaced content is moved there (what was at ``keep`` is deleted) instead of being deleted:
    a publish takes the folders that did not change from it next time, instead of copying them.
    """
    target = Path(target)
    _parent(target)
    sweep(target)
    tmp = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes a private folder; a site must be readable
    try:
        yield tmp
        replace_dir(tmp, target, point=point, keep=keep)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if _unnamed(exc):
            raise _named(exc, target) from None
        raise


@contextlib.contextmanager
def new_dir(target: Path, *, point: str = "new-dir", mode: int = 0o755) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; on success it becomes ``target``, which
    must not exist: it is never replaced (a release is written once).

    The temporary name carries the writer's pid, so ``sweep`` removes what a killed writer left.
    """
    target = Path(target)
    _parent(target)
    sweep(target)
    tmp = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent))
    os.chmod(tmp, mode)  # mkdtemp makes a private folder; what it becomes is meant to be shared
    try:
        yield tmp
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, _("appeared while writing; it is never overwritten"), str(target))
        pause_point(f"{point}:before-rename", target)
        os.rename(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if _unnamed(exc):
            raise _named(exc, target) from None
        raise
    pause_point(f"{point}:after-rename", target)


def _unnamed(exc: BaseException) -> bool:
    """An OSError that names no file: a write or fsync that failed (disk full, quota, I/O error)."""
    return isinstance(exc, OSError) and not exc.filename


def _named(exc: BaseException, path: Path) -> OSError:
    """The same error, naming the output it was writing, so "No space left on device" says where."""
    return type(exc)(exc.errno, exc.strerror or str(exc), str(path))


def replace_dir(new: Path, target: Path, *, point: str = "atomic-dir", keep: Path | None = None) -> None:
    """Put folder ``new`` at ``target``: swapped in one step where the system allows it, else the
    old ``target`` is moved aside first (a later ``sweep`` puts it back if the writer is killed).
    The old content is deleted, or moved to ``keep`` when given (see ``atomic_dir``)."""
    pause_point(f"{point}:before-rename", target)
    if target.is_dir() and not target.is_symlink() and _exchange(new, target):
        # One atomic step: readers see the old folder or the new one, never no folder.
        pause_point(f"{point}:after-rename", target)
        _discard(new, keep)  # ``new`` now holds the old content
        return
    old = None
    if target.exists():
        old = target.parent / f"{_prefix(target)}old.tmp"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        pause_point(f"{point}:between-renames", target)
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    pause_point(f"{point}:after-rename", target)
    if old is not None:
        _discard(old, keep)


def _discard(folder: Path, keep: Path | None) -> None:
    """Delete ``folder``, or move it to ``keep`` (replacing what is there) on the same file system."""
    if keep is not None:
        shutil.rmtree(keep, ignore_errors=True)
        with contextlib.suppress(OSError):
            keep.parent.mkdir(parents=True, exist_ok=True)
            os.replace(folder, keep)
            return
    shutil.rmtree(folder, ignore_errors=True)


_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic rename (Linux renameat2); False where unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(-100, os.fsencode(a), -100, os.fsencode(b), _RENAME_EXCHANGE) == 0:  # -100: AT_FDCWD
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this file system cannot swap
        return False
    raise OSError(err, os.strerror(err), str(b))


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _prefix(target: Path) -> str:
    # The writer's pid in the name lets a later run remove what a killed run left behind.
    return f".{target.name}.{os.getpid()}."


def sweep(target: Path) -> None:
    """Remove the temporary siblings of ``target`` left by writers that no longer run.

    A writer killed between its two renames left ``target`` missing and the old folder aside:
    that folder is put back first, so the previous output is never lost.
    """
    for leftover in sorted(target.parent.glob(f".{glob.escape(target.name)}.*.tmp")):
        pid = leftover.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            if leftover.name.endswith(".old.tmp") and not os.path.lexists(target) and leftover.is_dir():
                with contextlib.suppress(OSError):
                    os.replace(leftover, target)
                continue  # put back, or kept for a later run: it is the only previous output
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    leftover.unlink()


def temporary_owner(name: str) -> int | None:
    """The pid of the writer whose temporary file or folder is called ``name`` (``.<target>.<pid>.<…>.tmp``),
    or None for any other name."""
    m = re.fullmatch(r"\.(.+)\.(\d+)\.(.+)\.tmp", name)
    return int(m.group(2)) if m else None


def running(pid: int) -> bool:
    """True while process ``pid`` runs (a writer whose temporary name is still in use)."""
    return _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(_("{folder}: cannot create the folder ({reason})").format(folder=path.parent,
                                                                                  reason=exc.strerror)) from None
    if not os.access(path.parent, os.W_OK):
        raise OutputError(_("{folder}: the folder is not writable").format(folder=path.parent),
                          hint=_("choose another output folder with --out or -o"))


# -- reading what a writer wrote -------------------------------------------------------------------
#: Largest file read back from a release or a cache (a PDF annex with its fonts is a few MB).
MAX_READ_BYTES = 256_000_000


def read_regular(path: Path, limit: int = MAX_READ_BYTES) -> bytes:
    """A regular file's bytes, never through a symbolic link and never from a FIFO or a device
    (which could block a reader for ever); OSError names the file otherwise."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP and os.path.islink(path):
            raise OSError(errno.ELOOP, "a symbolic link, not a file", str(path)) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit // 1_000_000} MB", str(path))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1)
    finally:
        os.close(fd)


def make_public(folder: Path) -> None:
    """Folders 0755 and files 0644 under ``folder``, whatever the umask: what a web server serves
    must be readable by it (symbolic links are left alone, never followed)."""
    os.chmod(folder, 0o755)
    for parent, dirs, files in os.walk(folder):
        for name in dirs:
            path = os.path.join(parent, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)
        for name in files:
            path = os.path.join(parent, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


def tree_digest(folder: Path) -> str | None:
    """sha256 over every file under ``folder`` (relative path and bytes, in name order); None when
    the folder holds anything but folders and regular files (a symbolic link, a FIFO…)."""
    import hashlib
    import stat

    total = hashlib.sha256()
    for parent, dirs, files in os.walk(folder):
        dirs.sort()
        for name in dirs:
            if os.path.islink(os.path.join(parent, name)):
                return None
        for name in sorted(files):
            path = os.path.join(parent, name)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return None
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            total.update(rel.encode("utf-8", "surrogateescape") + b"\0")
            total.update(hashlib.sha256(read_regular(path)).digest())
    return total.hexdigest()


# -- fault injection ------------------------------------------------------------------------------
PAUSE_ENV = "CHARTER_KIT_PAUSE"
PAUSE_FILE_ENV = "CHARTER_KIT_PAUSE_FILE"


def pause_point(name: str, target: Path | str | None = None) -> None:
    """Stop here when CHARTER_KIT_PAUSE names this point, so a test can kill the writer right there.

    CHARTER_KIT_PAUSE is a comma list of point names; ``name@file`` stops only for that file name.
    A stopped process appends ``name<TAB>pid<TAB>target`` to CHARTER_KIT_PAUSE_FILE (or stderr),
    then sleeps until it is killed or until the file CHARTER_KIT_PAUSE_FILE + ".go" exists.
    Without the variable this is one dictionary lookup.
    """
    wanted = os.environ.get(PAUSE_ENV)
    if not wanted:
        return
    entries = {entry.strip() for entry in wanted.split(",")}
    if name not in entries and (target is None or f"{name}@{Path(target).name}" not in entries):
        return
    line = f"{name}\t{os.getpid()}\t{target or ''}\n"
    report = os.environ.get(PAUSE_FILE_ENV)
    if report:
        with open(report, "a", encoding="utf-8") as fh:
            fh.write(line)
    else:
        sys.stderr.write(line)
        sys.stderr.flush()
    go = Path(f"{report}.go") if report else None
    while go is None or not go.exists():
        time.sleep(0.02)
