"""MkDocs + Material, run in this process, with what does not change between builds kept warm.

A preview (`charter serve`) and a publish build the site many times in one process. Two costs of
every mkdocs build do not depend on the charter at all, so they are paid once per process:

- Material's templates compiled to Python (a third of a build): mkdocs makes a new Jinja
  environment per build, so ours gets a bytecode cache (``TEMPLATES``) that hands back the compiled
  code of a template whose source is unchanged (its checksum is compared on every load);
- the listing of the theme's 14 500 files, walked and filtered to find its 43 static files: the
  installed theme's listing is kept (``_LISTINGS``); our overrides folder is listed every time.

`charter build` also keeps the compiled templates on disk, under its output folder
(``.cache/site-templates``, ``DiskBytecodeCache``), so a new process starts with them too; like
Python's own .pyc files, that cache is trusted as much as the folder that holds it.

The generated mkdocs.yml stays plain (a bare ``mkdocs build`` of it works and is the benchmark's
reference): the caches are put on the theme of the loaded configuration, not in the project.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from charter_kit.errors import CharterError, OutputError
from charter_kit.fsutil import cache_write
from charter_kit.i18n import _


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the life of the process, by template name.

    Keyed by name and by what shapes the generated code (extensions, delimiters), not by file
    path: the overrides folder is a new temporary folder on every build. Jinja compares the
    source's checksum on every load, so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self._codes: dict[str, tuple[str, Any]] = {}
        self._lock = threading.Lock()
        self.hits = 0

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        """The bucket of ``name`` in ``environment`` (the file path is left out of the key)."""
        return super().get_bucket(environment, name + "|" + _shape(environment), None, source)

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give ``bucket`` the code compiled for the same source, if any."""
        with self._lock:
            found = self._codes.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]
            self.hits += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the code just compiled."""
        with self._lock:
            self._codes[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        """Forget every compiled template."""
        with self._lock:
            self._codes.clear()


def _shape(environment: jinja2.Environment) -> str:
    """What, besides the source, changes the code Jinja generates for a template."""
    return repr((sorted(environment.extensions), environment.block_start_string, environment.variable_start_string,
                 environment.comment_start_string, environment.line_statement_prefix, environment.trim_blocks,
                 environment.lstrip_blocks, environment.optimized, environment.autoescape))


class DiskBytecodeCache(BytecodeCache):
    """The process's compiled templates, backed by a folder that outlives the process."""

    def __init__(self, memory: MemoryBytecodeCache, folder: Path) -> None:
        self.memory, self.folder = memory, Path(folder)

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        """The bucket of ``name``, keyed as in memory, filled by ``load_bytecode`` below."""
        return super().get_bucket(environment, name + "|" + _shape(environment), None, source)

    def load_bytecode(self, bucket: Bucket) -> None:
        """From memory, else from the folder (Jinja's version and the source checksum are checked)."""
        self.memory.load_bytecode(bucket)
        if bucket.code is None:
            with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
                with open(self.folder / f"{bucket.key}.cache", "rb") as fh:
                    bucket.load_bytecode(fh)
            if bucket.code is not None:
                self.memory.dump_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Into memory and into the folder (written whole, then renamed: a reader never sees half)."""
        self.memory.dump_bytecode(bucket)
        code = io.BytesIO()
        bucket.write_bytecode(code)
        cache_write(self.folder / f"{bucket.key}.cache", code.getvalue())


#: The process's compiled theme templates (mkdocs' theme environment only).
TEMPLATES = MemoryBytecodeCache()
#: (theme folder, filter, static templates) -> the folder's file names the filter keeps.
_LISTINGS: dict[tuple[str, Any, tuple[str, ...]], list[str]] = {}
_LISTINGS_LOCK = threading.Lock()


def reuse_theme(config: Any, cache: Path | None = None) -> None:
    """Give the loaded configuration's theme the process-wide template cache and theme listing
    (both kept in the folder ``cache`` as well, when given)."""
    theme = config.theme
    make_env = theme.get_env
    fixed = [d for d in theme.dirs if d != theme.custom_dir]  # installed themes: never edited while we run
    static = tuple(sorted(theme.static_templates))

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.bytecode_cache = TEMPLATES if cache is None else DiskBytecodeCache(TEMPLATES, cache)
        env.list_templates = lambda extensions=None, filter_func=None: _list(  # type: ignore[method-assign]
            theme.dirs, fixed, static, extensions, filter_func, cache)
        return env

    theme.get_env = get_env


def _list(dirs: list[str], fixed: list[str], static: tuple[str, ...], extensions: Any,
          filter_func: Callable[[str], bool] | None, cache: Path | None = None) -> list[str]:
    """``Environment.list_templates`` over ``dirs``, the listings of ``fixed`` folders remembered
    (in the folder ``cache`` as well, when given)."""
    names: set[str] = set()
    for folder in dirs:
        if folder in fixed and extensions is None:
            key = (folder, getattr(filter_func, "__code__", filter_func), static)
            with _LISTINGS_LOCK:
                kept = _LISTINGS.get(key)
            if kept is None:
                kept = _listing(folder, static, filter_func, cache)
                with _LISTINGS_LOCK:
                    _LISTINGS[key] = kept
            names.update(kept)
        else:
            names.update(_kept(jinja2.FileSystemLoader(folder).list_templates(), extensions, filter_func))
    return sorted(names)


def _listing(folder: str, static: tuple[str, ...], filter_func: Callable[[str], bool] | None,
             cache: Path | None) -> list[str]:
    """The names of ``folder`` that ``filter_func`` keeps, from the disk cache while no folder under
    it has changed since (adding, removing or renaming a file changes its folder's time)."""
    code = getattr(filter_func, "__code__", None)
    if filter_func is not None and code is None:  # a filter we cannot name: never kept on disk
        cache = None
    shape = repr((folder, static, code and (code.co_filename, code.co_qualname, code.co_code.hex())))
    entry = cache / f"listing-{hashlib.sha256(shape.encode()).hexdigest()[:32]}.json" if cache else None
    if entry is not None:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            saved = json.loads(entry.read_text(encoding="utf-8"))
            if all(os.stat(d).st_mtime_ns == t for d, t in saved["folders"]):
                return list(saved["names"])
    folders = [(d, os.stat(d).st_mtime_ns) for d, _dirs, _files in os.walk(folder, followlinks=True)]
    kept = _kept(jinja2.FileSystemLoader(folder).list_templates(), None, filter_func)
    if entry is not None:
        cache_write(entry, json.dumps({"folders": folders, "names": kept}).encode())
    return kept


def _kept(names: list[str], extensions: Any, filter_func: Callable[[str], bool] | None) -> list[str]:
    if extensions is not None:
        names = [n for n in names if "." in n and n.rsplit(".", 1)[1] in extensions]
    return [n for n in names if filter_func(n)] if filter_func is not None else list(names)


def run_mkdocs(config_file: Path, out_dir: Path, epoch: int, cache: Path | None = None) -> None:
    """Build a generated MkDocs project in-process, strict, into ``out_dir`` (compiled templates
    also kept in the folder ``cache``, when given)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _env("SOURCE_DATE_EPOCH", str(epoch)), _captured_log() as messages:
        try:
            config = load_config(config_file=str(config_file), site_dir=str(out_dir), strict=True)
            reuse_theme(config, cache)
            build(config)
        except MkDocsException as exc:
            details = "".join(f"\n  - {m}" for m in messages) or f"\n  - {exc}"
            raise CharterError(_("the site could not be built:{details}").format(details=details),
                               hint=_("a clause may link to a page or an anchor that does not exist")) from None
        except OSError as exc:
            raise OutputError(_("{folder}: cannot write the site ({reason})").format(folder=out_dir,
                                                                                   reason=exc.strerror)) from None


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _captured_log() -> Iterator[list[str]]:
    """Keep mkdocs' warnings for our error message instead of printing them."""
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    old = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = old
