"""`charter serve`: a live preview of the site (and PDF) that rebuilds when the charter changes.

It builds into a temporary folder with the same code as `charter build`, serves it with mkdocs'
live-reload server, and watches the profile, the logo and the module folders. A broken edit
leaves the last good preview on screen, prints the error, and shows it in the page itself: every
page served while the profile is broken carries a panel with the problems, which goes away with
the reload that follows the fix.

The page never waits for the PDF: the new site is shown as soon as it is built, carrying the
previous PDF, and the new PDF renders in a background thread right after, then is written in
beside the site (``PdfPreview``).
"""

from __future__ import annotations

import contextlib
import itertools
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
from markupsafe import escape

from charter_kit.commands.build import SITE_DIR, build_charter
from charter_kit.errors import CharterError
from charter_kit.i18n import _
from charter_kit.compose.pipeline import load_project
from charter_kit.fsutil import atomic_dir, atomic_write
from charter_kit.model.charter import Charter
from charter_kit.outputs.pdf import guide_filename, pdf_filename, render_guide, render_pdf
from charter_kit.outputs.site import build_site


class Rebuilder:
    """Loads the project and rebuilds its outputs; remembers the last error instead of crashing."""

    def __init__(self, profile_path: Path, out: Path, *, pdf: bool = True,
                 echo: Callable[[str], None] = lambda text: click.echo(text, err=True)) -> None:
        self.profile_path = Path(profile_path)
        self.out = out
        self.pdf = pdf
        self.echo = echo
        self.last_error: str | None = None
        self.pdfs = PdfPreview(out, self._pdf_failed) if pdf else None

    def build(self) -> None:
        """Build once; errors propagate (used for the first build, which must succeed)."""
        project = load_project(self.profile_path)
        self.last_error = None  # cleared before the site is built: a PDF that fails after it says so
        if self.pdfs is None:
            build_charter(project.charter, self.out, pdf=False)
        else:
            self.pdfs.show(project.charter)

    def close(self) -> None:
        """Wait for the PDF being rendered, if any (before the preview's folder is removed)."""
        if self.pdfs is not None:
            self.pdfs.close()

    def _pdf_failed(self, message: str) -> None:
        self.last_error = message
        self.echo(_("Error: {message}").format(message=message) + "\n" + _("The preview keeps the last PDF that rendered."))

    def __call__(self) -> None:
        """Rebuild after a change; on a user error keep the previous preview and say why."""
        try:
            self.build()
        except CharterError as exc:
            self.last_error = exc.format_message()
        except Exception as exc:  # a bug or the machine (disk, memory): the preview must keep serving
            self.last_error = _("internal error: {kind}: {error}").format(kind=type(exc).__name__, error=exc)
        else:
            self.echo(_("Rebuilt: the browser reloads the preview."))
            return
        self.echo(_("Error: {message}").format(message=self.last_error) + "\n"
                  + _("The preview still shows the last version that built."))


class PdfPreview:
    """The preview's PDFs (the annex, and the guide of a charter split in two), rendered in a
    background thread so the site is shown without waiting for them.

    A PDF lands in the site on screen only if it was rendered from the same charter (same digest);
    a render that a newer edit made useless is skipped. The last few renders are kept, so undoing an
    edit shows its PDF again at once.
    """

    KEPT = 4

    def __init__(self, out: Path, failed: Callable[[str], None]) -> None:
        self.out = Path(out)
        self.failed = failed
        self._lock = threading.Lock()  # held while the site folder is replaced and while a PDF is written in
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charter-serve-pdf")
        self._rendered: dict[str, dict[str, bytes]] = {}  # digest -> PDFs by file name, oldest first
        self._wanted: str | None = None  # the charter of the latest edit
        self._queued: set[str] = set()  # charters whose render is waiting or under way
        self._shown: str | None = None  # the charter whose site is on screen
        self._written: str | None = None  # the charter whose PDFs are in that site

    def show(self, charter: Charter) -> None:
        """Build ``charter``'s site into ``out/site`` now, then render its PDFs in the background."""
        digest = charter.digest
        names = [pdf_filename(charter)] + ([guide] if (guide := guide_filename(charter)) else [])
        self._wanted = digest
        with self._lock:
            fresh = self._rendered.get(digest)
            # Until the new PDFs are ready, the site carries the previous ones: the link keeps working.
            files = fresh if fresh is not None else self._previous(names)
            with atomic_dir(self.out / SITE_DIR) as tmp:
                build_site(charter, tmp, pdf_name=names[0])
                for name, data in files.items():
                    (tmp / name).write_bytes(data)
            self._shown, self._written = digest, digest if fresh is not None else None
        # Only now: a PDF rendered beside the site would slow it down (they share the GIL and, on
        # a busy machine, the cores), and the page is what the user waits for.
        if fresh is None and digest not in self._queued:
            self._queued.add(digest)
            self._pool.submit(self._render, charter, digest)

    def _previous(self, names: list[str]) -> dict[str, bytes]:
        found = {}
        for name in names:
            with contextlib.suppress(OSError):
                found[name] = (self.out / SITE_DIR / name).read_bytes()
        return found

    def _render(self, charter: Charter, digest: str) -> None:
        try:
            self._render_now(charter, digest)
        finally:
            self._queued.discard(digest)

    def _render_now(self, charter: Charter, digest: str) -> None:
        if digest != self._wanted:
            return  # another edit came since: its own render follows
        try:
            files = {pdf_filename(charter): render_pdf(charter)}
            if guide := guide_filename(charter):
                files[guide] = render_guide(charter)
        except CharterError as exc:
            self.failed(exc.format_message())
            return
        except Exception as exc:  # the preview keeps serving whatever the PDF engine does
            self.failed(_("internal error while rendering the PDF: {kind}: {error}").format(kind=type(exc).__name__,
                                                                                           error=exc))
            return
        with self._lock:
            self._rendered[digest] = files
            while len(self._rendered) > self.KEPT:
                self._rendered.pop(next(iter(self._rendered)))
            if self._shown == digest and self._written != digest:
                for name, data in files.items():
                    atomic_write(self.out / SITE_DIR / name, data)
                self._written = digest

    def close(self) -> None:
        """Stop taking renders and wait for the one under way."""
        self._wanted = None
        self._pool.shutdown(wait=True, cancel_futures=True)


def watched_paths(profile_path: Path) -> list[Path]:
    """What a preview watches: the profile, its logo, its local modules and the shipped modules."""
    from charter_kit.compose.library import builtin_dir
    from charter_kit.compose.profile import load_profile

    profile_path = Path(profile_path)
    paths = [profile_path, builtin_dir()]
    with contextlib.suppress(CharterError):
        loaded = load_profile(profile_path)
        profile = loaded.profile
        for value in (profile.local_modules, profile.branding.logo):
            if value and (loaded.root / value).exists():
                paths.append(loaded.root / value)
    return [p.resolve() for p in paths]


#: The panel of problems put at the top of every preview page while the profile does not build. Its
#: style is a file the preview serves: the pages forbid inline styles and scripts (outputs/site_safe.py).
ERROR_PANEL = (
    '<link rel="stylesheet" href="/.ck-preview/panel.css">'
    '<div id="ck-preview-errors" role="alert">'
    '<p class="ck-preview-title">Le profil ne se construit plus : l’aperçu montre la '
    'dernière version réussie.</p>'
    '<pre>{problems}</pre>'
    '<p class="ck-preview-fix">Corrigez le fichier : la page se met à jour d’elle-même.</p></div>')
PANEL_CSS = (
    "#ck-preview-errors{position:fixed;z-index:1000;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;"
    "margin:0;padding:1rem 1.2rem;background:#fff4f2;color:#3b0a07;border-top:4px solid #b3261e;"
    "font:15px/1.5 system-ui,sans-serif;box-shadow:0 -2px 8px #0003}"
    "#ck-preview-errors .ck-preview-title{margin:0 0 .5rem;font-weight:700}"
    "#ck-preview-errors pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.45 monospace}"
    "#ck-preview-errors .ck-preview-fix{margin:.5rem 0 0}\n")
#: mkdocs' reload script, served as a file (``/.ck-preview/livereload-<epoch>-<id>.js``) for the same reason.
_RELOAD = re.compile(r"/\.ck-preview/livereload-([0-9]+)-([0-9]+)\.js")


_REQUESTS = itertools.count(1)


def error_panel(message: str) -> bytes:
    """The panel for ``message`` (escaped: an error can quote the profile's text)."""
    return ERROR_PANEL.format(problems=escape(message)).encode("utf-8")


def _server_class():
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        """mkdocs' live-reload server, whose pages show the problems of a broken profile."""

        rebuilder: Rebuilder
        allowed_hosts: frozenset[str]

        def serve_request(self, environ, start_response):
            # A page of another site must not reach the preview through a name that resolves
            # to 127.0.0.1 (DNS rebinding): only the address it listens on, by name or number.
            if _host_name(environ.get("HTTP_HOST", "")) not in self.allowed_hosts:
                start_response("421 Misdirected Request", [("Content-Type", "text/plain; charset=utf-8")])
                return ["Cet aperçu ne répond qu’à l’adresse sur laquelle il écoute.".encode("utf-8")]
            path = environ.get("PATH_INFO", "")
            reload = _RELOAD.fullmatch(path)
            if reload or path == "/.ck-preview/panel.css":
                from mkdocs.livereload import _SCRIPT_TEMPLATE

                body = (_SCRIPT_TEMPLATE.substitute(epoch=reload[1], request_id=reload[2]) if reload
                        else PANEL_CSS).encode("utf-8")
                kind = "text/javascript" if reload else "text/css"
                start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8"), ("Cache-Control", "no-store")])
                return [body]
            return super().serve_request(environ, start_response)

        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            # mkdocs puts its reload script inline, which the page's Content-Security-Policy refuses:
            # the same script comes from a file of this server instead.
            at = content.rfind(b"</body>")
            at = at if at != -1 else len(content)
            error = self.rebuilder.last_error
            tag = f'<script src="/.ck-preview/livereload-{epoch}-{next(_REQUESTS)}.js"></script>'.encode("ascii")
            return content[:at] + (error_panel(error) if error else b"") + tag + content[at:]

    return PreviewServer


@contextlib.contextmanager
def preview(profile_path: Path, *, host: str = "127.0.0.1", port: int = 8000,
            pdf: bool = True) -> Iterator[object]:
    """A live-reload server for the charter's preview (not yet serving: call ``serve()``)."""
    with tempfile.TemporaryDirectory(prefix="charter-serve-", ignore_cleanup_errors=True) as tmp:
        out = Path(tmp) / "build"
        rebuild = Rebuilder(profile_path, out, pdf=pdf)
        try:
            rebuild.build()
            server = _server_class()(builder=rebuild, host=host, port=port, root=str(out / SITE_DIR))
            server.rebuilder = rebuild
            server.allowed_hosts = frozenset({"localhost", "127.0.0.1", "::1", host.strip("[]").lower()})
            for path in watched_paths(profile_path):
                server.watch(str(path))
            try:
                yield server
            finally:
                server.shutdown()
        finally:
            rebuild.close()  # before the temporary folder goes: no PDF is written into a removed folder


def _host_name(header: str) -> str:
    """The host of a Host header, without its port: "localhost:8000" → "localhost", "[::1]:80" → "::1"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def serve(profile_path: Path, *, host: str = "127.0.0.1", port: int = 8000, pdf: bool = True) -> None:
    """Serve the preview until interrupted (Ctrl+C, or SIGTERM), then remove its temporary files."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    with preview(profile_path, host=host, port=port, pdf=pdf) as server:
        click.echo(_("Preview on {url} — it rebuilds when charter.yml or a module changes. Ctrl+C to stop.").format(
            url=f"http://{host}:{port}/"), err=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve()


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops a preview like Ctrl+C does, so its temporary folder is removed."""
    raise KeyboardInterrupt
