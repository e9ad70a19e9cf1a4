"""`charter serve`: a live preview of the site (and PDF) that rebuilds when the charter changes.

It builds into a temporary folder with the same code as `charter build`, serves it with mkdocs'
live-reload server, and watches the profile, the logo and the module folders. A broken edit
leaves the last good preview on screen and prints the error.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from charter_kit.commands.build import SITE_DIR, build_charter
from charter_kit.errors import CharterError
from charter_kit.compose.pipeline import load_project


class Rebuilder:
    """Loads the project and rebuilds its outputs; remembers the last error instead of crashing."""

    def __init__(self, profile_path: Path, out: Path, *, pdf: bool = True,
                 echo: Callable[[str], None] = lambda text: click.echo(text, err=True)) -> None:
        self.profile_path = Path(profile_path)
        self.out = out
        self.pdf = pdf
        self.echo = echo
        self.last_error: str | None = None

    def build(self) -> None:
        """Build once; errors propagate (used for the first build, which must succeed)."""
        project = load_project(self.profile_path)
        build_charter(project.charter, self.out, pdf=self.pdf)
        self.last_error = None

    def __call__(self) -> None:
        """Rebuild after a change; on a user error keep the previous preview and say why."""
        try:
            self.build()
        except CharterError as exc:
            self.last_error = exc.format_message()
            self.echo(f"Error: {self.last_error}\nThe preview still shows the last version that built.")
            return
        self.echo("Rebuilt: the browser reloads the preview.")


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


@contextlib.contextmanager
def preview(profile_path: Path, *, host: str = "127.0.0.1", port: int = 8000,
            pdf: bool = True) -> Iterator[object]:
    """A live-reload server for the charter's preview (not yet serving: call ``serve()``)."""
    from mkdocs.livereload import LiveReloadServer

    with tempfile.TemporaryDirectory(prefix="charter-serve-", ignore_cleanup_errors=True) as tmp:
        out = Path(tmp) / "build"
        rebuild = Rebuilder(profile_path, out, pdf=pdf)
        rebuild.build()
        server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(out / SITE_DIR))
        server.rebuilder = rebuild  # type: ignore[attr-defined]
        for path in watched_paths(profile_path):
            server.watch(str(path))
        try:
            yield server
        finally:
            server.shutdown()


def serve(profile_path: Path, *, host: str = "127.0.0.1", port: int = 8000, pdf: bool = True) -> None:
    """Serve the preview until interrupted (Ctrl+C, or SIGTERM), then remove its temporary files."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    with preview(profile_path, host=host, port=port, pdf=pdf) as server:
        click.echo(f"Preview on http://{host}:{port}/ — it rebuilds when charter.yml or a module "
                   "changes. Ctrl+C to stop.", err=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve()


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops a preview like Ctrl+C does, so its temporary folder is removed."""
    raise KeyboardInterrupt
