"""The one Jinja environment of charter-kit: module text (Markdown) and the package's templates (HTML).

Sandboxed and strict: templates reach only what they are given, any unknown name is an error, and
every value printed into module text is escaped as inert Markdown (HTML templates are autoescaped).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import importlib.util
import marshal
import re
import time
import types
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from charter_kit.escape import md_escape
from charter_kit.fsutil import cache_write
from charter_kit.i18n import _
from charter_kit.locales import fr

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Largest string or sequence a template expression may build (guards `"a" * 10**10`, `center(10**10)`).
MAX_OPERAND = 1_000_000
#: What one render of a module may cost: seconds, loop iterations, characters of output.
MAX_SECONDS = 10.0
MAX_ITERATIONS = 1_000_000
MAX_OUTPUT = 5_000_000
#: Filters a template may use: module text needs few; the package's HTML templates use e, join, replace.
FILTERS = ("liste", "date_fr", "e", "join", "replace", "lower", "upper", "capitalize", "title", "trim",
           "length", "count", "first", "last", "default", "d", "sort", "unique", "list", "string", "int")
#: str methods whose result grows with an argument: checked before they run.
_GROWING = {"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map", "replace", "join"}
_WIDTH = re.compile(r"%[-+ #0]*(\d+|\*)?(?:\.(\d+|\*))?|\{[^{}]*?:[^{}]*?(\d{7,})[^{}]*\}")
_LOOP_BODY = re.compile(r"^(\s+)_loop_vars = \{\}$", re.M)


@dataclass
class _Budget:
    """What is left to one render: a deadline and a number of loop iterations."""

    deadline: float
    iterations: int


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("charter_kit_budget", default=None)


@contextlib.contextmanager
def limits(seconds: float = MAX_SECONDS, iterations: int = MAX_ITERATIONS) -> Iterator[None]:
    """Bound the templates rendered inside: time, loop iterations (output size is always bounded)."""
    token = _BUDGET.set(_Budget(time.monotonic() + seconds, iterations))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _check_budget(step: int = 0) -> None:
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.iterations -= step
    if budget.iterations < 0:
        raise SecurityError(_("the template loops too much (more than {n} iterations)").format(
            n=f"{MAX_ITERATIONS:,}".replace(",", " ")))
    if time.monotonic() > budget.deadline:
        raise SecurityError(_("the template runs too long (more than {n} s)").format(n=f"{MAX_SECONDS:g}"))


def _bounded_concat(parts: Iterable[str]) -> str:
    out: list[str] = []
    size = 0
    for part in parts:
        size += len(part)
        if size > MAX_OUTPUT:
            exc = SecurityError(f"the template writes too much (more than {MAX_OUTPUT // 1_000_000} million characters)")
            # Raised here, outside the template's frames: keep where the template was writing.
            frame = getattr(parts, "gi_frame", None)
            exc.python_lineno = frame.f_lineno if frame is not None else None  # type: ignore[attr-defined]
            raise exc
        out.append(part)
    return "".join(out)


class RefLink(str):
    """A cross-reference produced by ``ref()``: trusted Markdown, not escaped."""


def _display(value: Any) -> Any:
    if isinstance(value, bool):
        return fr.yes_no(value)
    if isinstance(value, dt.date):
        return fr.date(value)
    if isinstance(value, (list, tuple)):
        return fr.join(_display(v) for v in value)
    return value


@jinja2.pass_eval_context
def _finalize(eval_ctx: jinja2.nodes.EvalContext, value: Any) -> Any:
    # HTML templates are autoescaped by markupsafe; module text is Markdown and needs our escape.
    if isinstance(value, RefLink):
        return str(value)
    value = _display(value)
    if eval_ctx.autoescape:
        return value
    return md_escape(value)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Immutable: a template cannot change the data it is given (one module cannot rewrite what
    another prints); bounded: no expression, call or loop can exhaust time or memory."""

    intercepted_binops = frozenset({"*", "**", "%"})
    concat = staticmethod(_bounded_concat)

    def call_binop(self, context, operator, left, right):
        # The sandbox stops attribute tricks; this stops templates from exhausting memory.
        _check_budget()
        if operator == "**" and isinstance(right, int) and right > 64:
            raise SecurityError(_("exponent too large"))
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_OPERAND:
                    raise SecurityError(_("result too large"))
        if operator == "%" and isinstance(left, str):
            _check_widths(left)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        _check_budget()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", "") in _GROWING:
            _check_growth(owner, __obj.__name__, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        # Jinja wraps str.format and format_map when the attribute is read, before call() sees them.
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_widths(value.__self__)
        return wrapped

    def tick(self) -> None:
        """Called at every loop iteration of a module's template (see module_template)."""
        _check_budget(1)


def _check_widths(fmt: str) -> None:
    for m in _WIDTH.finditer(fmt):
        for width in m.groups():
            if width == "*" or (width and len(width) > 6):
                raise SecurityError(_("format width too large"))


def _check_growth(text: str, method: str, args: tuple, kwargs: dict) -> None:
    values = [*args, *kwargs.values()]
    if any(isinstance(v, int) and not isinstance(v, bool) and v > MAX_OPERAND for v in values):
        raise SecurityError(_("result too large"))
    if method in ("format", "format_map"):
        _check_widths(text)
    elif method == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        count = text.count(args[0]) if args[0] else len(text) + 1
        if len(text) + count * max(0, len(args[1]) - len(args[0])) > MAX_OPERAND:
            raise SecurityError(_("result too large"))
    elif method == "join" and args:
        items = args[0] if isinstance(args[0], (list, tuple, str)) else ()
        if len(items) * (len(text) + 1) + sum(len(i) for i in items if isinstance(i, str)) > MAX_OPERAND:
            raise SecurityError(_("result too large"))


def environment() -> ImmutableSandboxedEnvironment:
    """A new environment: sandboxed, strict, Markdown-escaping module text and HTML-escaping templates."""
    env = _Sandbox(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=False),
        finalize=_finalize,
        # Clause headings end with "{#id}": only "{# " (with a space) opens a Jinja comment.
        comment_start_string="{# ",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.clear()  # no range, lipsum, cycler, joiner, namespace, dict: nothing to reach for
    env.filters["liste"] = fr.join
    env.filters["date_fr"] = fr.date
    for name in set(env.filters) - set(FILTERS):
        del env.filters[name]  # center, indent, wordwrap, format…: nothing that grows without bound
    return env


def render_module(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render a module's template within the limits; a refusal carries the template's line (``lineno``)."""
    with limits():
        try:
            return template.render(context)
        except SecurityError as exc:
            python_line = getattr(exc, "python_lineno", None)
            if python_line is not None:
                exc.lineno = template.get_corresponding_lineno(python_line)  # type: ignore[attr-defined]
            raise


def module_template(env: jinja2.Environment, source: str, name: str, filename: str) -> jinja2.Template:
    """Compile a module's text with a budget check at every loop iteration.

    Jinja gives the sandbox no hook inside loops, so the generated Python is instrumented: every
    loop body starts with ``_loop_vars = {}``, where a call to ``environment.tick()`` is added.
    """
    codes = _CODES.setdefault(env, {})
    code = codes.get((source, name, filename))
    if code is None:
        disk = _CODE_CACHE.get()
        key = _code_key(env, source, name, filename) if disk is not None else None
        code = disk.load(key) if disk is not None else None
        if code is None:
            python = env.compile(source, name=name, filename=filename, raw=True)
            python = _LOOP_BODY.sub(r"\1_loop_vars = {}; environment.tick()", python)
            code = compile(python, filename, "exec")
            if disk is not None:
                disk.keep(key, code)
        if len(codes) >= 256:  # a preview keeps the modules it renders, not every edit ever made
            codes.clear()
        codes[(source, name, filename)] = code
    return env.template_class.from_code(env, code, env.make_globals(None), None)


@contextlib.contextmanager
def code_cache(folder: Path | None) -> Iterator[None]:
    """Read compiled module texts from ``folder`` while inside, and keep there those compiled
    meanwhile if the block succeeds (a failed build writes nothing), and only those the block used:
    a new `charter build` then compiles no unchanged module again, and the folder does not grow with
    every edit. Like Python's .pyc files, the folder is trusted as much as the project that holds it."""
    disk = None if folder is None else _DiskCodes(Path(folder))
    token = _CODE_CACHE.set(disk)
    try:
        yield
    finally:
        _CODE_CACHE.reset(token)
    if disk is not None:
        disk.save()


class _DiskCodes:
    """The folder of compiled module texts, the codes compiled since it was opened, and the keys used."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.new: dict[str, Any] = {}
        self.used: set[str] = set()

    def load(self, key: str) -> Any:
        """The code kept under ``key``, or None (missing or unreadable: compiled again)."""
        self.used.add(key)
        try:
            code = marshal.loads((self.folder / f"{key}.code").read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return code if isinstance(code, types.CodeType) else None

    def keep(self, key: str, code: Any) -> None:
        """Remember ``code``, compiled for ``key``, for ``save``."""
        self.new[key] = code

    def save(self) -> None:
        """Write the new codes and drop those no longer used (nothing when no module was compiled)."""
        if not self.used:
            return
        for key, code in self.new.items():
            cache_write(self.folder / f"{key}.code", marshal.dumps(code))
        with contextlib.suppress(OSError):
            for old in self.folder.glob("*.code"):
                if old.stem not in self.used:
                    old.unlink(missing_ok=True)


_CODE_CACHE: contextvars.ContextVar[_DiskCodes | None] = contextvars.ContextVar("charter_kit_code_cache", default=None)


def _code_key(env: jinja2.Environment, source: str, name: str, filename: str) -> str:
    """What the compiled code depends on: the text, its names, Jinja, Python and this instrumentation."""
    shape = repr((source, name, filename, jinja2.__version__, importlib.util.MAGIC_NUMBER, _LOOP_BODY.pattern,
                  env.comment_start_string, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline))
    return hashlib.sha256(shape.encode("utf-8", "surrogatepass")).hexdigest()[:40]


#: Compiled module texts per environment, by (source, name, file): a preview renders the same
#: modules after every edit, and compiling is most of a render. Code is a pure function of these.
_CODES: weakref.WeakKeyDictionary[jinja2.Environment, dict[tuple[str, str, str], Any]] = weakref.WeakKeyDictionary()


_ENV: ImmutableSandboxedEnvironment | None = None


def get_environment() -> ImmutableSandboxedEnvironment:
    """The shared environment, created on first use."""
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV
