"""`charter build`: the site and the PDF of a charter, built side by side, written atomically.

The site (mkdocs, in this process) and the PDF (Typst, in a forked child process) do not
depend on each other, so they run concurrently; a process that runs threads (the live preview)
cannot fork safely and renders the PDF after the site instead. The PDF is cached under
``<out>/.cache/pdf`` by the charter's digest and charter-kit's version: an unchanged charter is
never rendered twice. The cached bytes' sha256 is recorded beside the cache (``.cache/pdf.sha256``)
and checked before reuse: a cache file replaced since is rendered again, never published.
Nothing replaces the previous outputs until every output of this build is ready.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from charter_kit import __version__
from charter_kit.model.charter import Charter
from charter_kit.errors import CharterError, OutputError
from charter_kit.i18n import _
from charter_kit.fsutil import atomic_dir, atomic_write, read_regular
from charter_kit.outputs.pdf import guide_filename, pdf_filename, render_guide, render_pdf
from charter_kit.compose.pipeline import load_project
from charter_kit.outputs.site import build_site
from charter_kit.templating import code_cache

SITE_DIR = "site"
CACHE_DIR = ".cache/pdf"
#: Material's compiled templates and theme listing, for the next `charter build` into the same folder.
TEMPLATES_CACHE = ".cache/site-templates"
#: The modules' texts compiled by Jinja, likewise.
MODULES_CACHE = ".cache/module-code"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: the site's index page and the PDF annex (None when not built)."""

    site_index: Path | None
    pdf: Path | None
    pdf_from_cache: bool = False
    guide: Path | None = None
    """The guide and procedures PDF, for a disciplinary charter split in two."""


def build(profile_path: Path, out: Path | None = None, *, site: bool = True, pdf: bool = True,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build the site and/or the PDF of the charter described by ``profile_path``.

    ``progress`` is told the name of each step as it starts (the CLI shows it on a terminal).
    """
    if not site and not pdf:
        raise CharterError(_("nothing to build: --no-site and --no-pdf leave no output"),
                           hint=_("drop one of the two options"))
    step = progress or (lambda name: None)
    step(_("Reading the profile and the modules"))
    profile_path = Path(profile_path)
    target = Path(out) if out is not None else profile_path.parent / "build"
    with code_cache(target / MODULES_CACHE):
        project = load_project(profile_path)
    return build_charter(project.charter, target, site=site, pdf=pdf, progress=progress)


def summary(result: BuildResult) -> list[str]:
    """What `charter build` prints: where each output is."""
    lines = [_("site: {file}").format(file=result.site_index)] if result.site_index else []
    if result.pdf:
        lines.append((_("pdf: {file} (unchanged, from cache)") if result.pdf_from_cache else _("pdf: {file}")).format(
            file=result.pdf))
    return lines + ([_("guide: {file}").format(file=result.guide)] if result.guide else [])


def build_charter(charter: Charter, out: Path, *, site: bool = True, pdf: bool = True,
                  progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build ``charter``'s outputs into ``out`` (``site/`` and the PDF file), atomically."""
    step = progress or (lambda name: None)
    out = Path(out)
    _check_target(out)
    name = pdf_filename(charter)
    # A disciplinary charter also has its guide and procedures PDF (not cached), rendered with the annex.
    guide = guide_filename(charter) if pdf else None
    with PdfJob(charter, out, guide=guide is not None) if pdf else contextlib.nullcontext() as job:
        if not site:
            step(_("Typesetting the PDF annex"))
            _commit_pdf(out, charter, name, job)
            if guide:
                step(_("Typesetting the guide and procedures PDF"))
                atomic_write(out / guide, job.guide())
            return BuildResult(None, out / name, pdf_from_cache=job.from_cache, guide=out / guide if guide else None)
        with atomic_dir(out / SITE_DIR) as tmp:
            step(_("Building the site"))
            build_site(charter, tmp, pdf_name=name if pdf else None, cache=out / TEMPLATES_CACHE)
            if job is not None:
                step(_("Typesetting the PDF annex"))
                (tmp / name).write_bytes(job.result())
            if guide:
                step(_("Typesetting the guide and procedures PDF"))
                (tmp / guide).write_bytes(job.guide())
        # The site carries its own copy of the PDF, so it is consistent at every instant; the PDF
        # beside it follows, each file replaced whole.
        if job is not None:
            _commit_pdf(out, charter, name, job)
        if guide:
            atomic_write(out / guide, job.guide())
    return BuildResult(out / SITE_DIR / "index.html", out / name if pdf else None,
                       pdf_from_cache=job is not None and job.from_cache, guide=out / guide if guide else None)


# -- the PDF cache ------------------------------------------------------------------------------
def cache_path(out: Path, charter: Charter) -> Path:
    """Where the PDF of this charter, rendered by this charter-kit version, is cached."""
    return Path(out) / CACHE_DIR / f"{charter.digest}-{__version__}.pdf"


def cache_digest_path(out: Path) -> Path:
    """The cached PDF's sha256 and file name, recorded when it was written (beside the cache folder)."""
    return Path(out) / f"{CACHE_DIR}.sha256"


def read_cache(out: Path, charter: Charter) -> bytes | None:
    """The cached PDF of this charter, or None. The bytes must have the sha256 recorded when they
    were written: a cache file replaced or damaged since is never used (it is rendered again)."""
    path = cache_path(out, charter)
    try:
        data = read_regular(path)  # never through a link
        recorded = read_regular(cache_digest_path(out), 1000).decode("ascii").split()
    except (OSError, UnicodeDecodeError):
        return None
    if recorded != [hashlib.sha256(data).hexdigest(), path.name]:
        return None
    return data


def _commit_pdf(out: Path, charter: Charter, name: str, job: PdfJob) -> None:
    data = job.result()
    if not job.from_cache:
        _store_cache(out, charter, data)
    atomic_write(out / name, data)


def _store_cache(out: Path, charter: Charter, data: bytes) -> None:
    path = cache_path(out, charter)
    atomic_write(path, data)
    atomic_write(cache_digest_path(out), f"{hashlib.sha256(data).hexdigest()}  {path.name}\n")  # after the PDF
    # One entry is enough: the cache serves rebuilds of an unchanged charter, not history.
    for other in path.parent.glob("*.pdf"):
        if other != path:
            other.unlink(missing_ok=True)


# -- the PDF worker -------------------------------------------------------------------------------
class PdfJob:
    """A charter's PDFs: the annex from the cache, or rendered with the guide (``guide``) in a child
    process while the site is built. The child is then the only process that starts Typst (the
    parent would pay that start-up a second time; docs/benchmarks.md has the measurements)."""

    def __init__(self, charter: Charter, out: Path, *, guide: bool = False) -> None:
        self.charter = charter
        self.with_guide = guide
        self.cached = read_cache(out, charter)
        self.pool: ProcessPoolExecutor | None = None
        self.future: Future | None = None
        self.data: tuple[bytes, ...] | None = None
        self.guide_data: bytes | None = None

    @property
    def from_cache(self) -> bool:
        """True when the PDF came from the cache."""
        return self.cached is not None

    def __enter__(self) -> PdfJob:
        if self.cached is None and can_fork():
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_die_with_parent, initargs=(os.getpid(),))
            # The charter crosses to the child pickled: a tenth of the cost of its JSON read back and checked.
            self.future = self.pool.submit(_render_job, self.charter, self.with_guide)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=exc_type is None, cancel_futures=True)

    def result(self) -> bytes:
        """The annex's bytes; raises the child's error as a CharterError."""
        if self.cached is not None:
            return self.cached
        return self._rendered()[0]

    def guide(self) -> bytes:
        """The guide's bytes (rendered here when the annex came from the cache)."""
        if self.cached is None:
            return self._rendered()[1]
        if self.guide_data is None:
            self.guide_data = render_guide(self.charter)
        return self.guide_data

    def _rendered(self) -> tuple[bytes, ...]:
        if self.data is None:
            outcome = (self.future.result() if self.future is not None
                       else _render_job(self.charter, self.with_guide))
            self.data = _unpack(outcome)
        return self.data


def can_fork() -> bool:
    """Whether the PDF may render in a forked child: fork is fast, but only safe without threads
    (a live preview serves pages from threads, so it renders the PDF in its own process)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 \
        and _native_threads() == 1


def _native_threads() -> int:
    # Threads Python does not know of count too: a PDF engine's own pool (Typst's, once it has
    # rendered in this process) would be missing in the child, whose render would wait for ever.
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # no /proc: only Python's threads can be seen
        return 1


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """Worker start-up: end the worker when the build that forked it ends, even by SIGKILL.

    The forked worker holds both ends of its own task pipe, so it would never see the end of a
    killed parent: Linux sends it SIGKILL instead (PR_SET_PDEATHSIG); elsewhere a thread watches.
    """
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _render_job(charter: Charter, guide: bool = False) -> tuple[tuple[bytes, ...] | None, str | None, str | None]:
    """Render a charter's PDF (and its guide); errors come back as text, as they may cross a process boundary."""
    try:
        return (render_pdf(charter),) + ((render_guide(charter),) if guide else ()), None, None
    except CharterError as exc:
        return None, getattr(exc, "text", exc.message), exc.hint
    except Exception as exc:
        return None, _("the PDF could not be rendered: {kind}: {error}").format(kind=type(exc).__name__, error=exc), \
            _("run again with --debug, and report it")


def _unpack(outcome: tuple[tuple[bytes, ...] | None, str | None, str | None]) -> tuple[bytes, ...]:
    data, message, hint = outcome
    if data is None:
        raise CharterError(message or _("the PDF could not be rendered"), hint=hint)
    return data


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(_("{path}: exists and is not a folder").format(path=out),
                          hint=_("choose another folder with --out"))
    site = out / SITE_DIR
    if site.exists() and not site.is_dir():
        raise OutputError(_("{path}: exists and is not a folder").format(path=site),
                          hint=_("remove it or choose another --out"))

