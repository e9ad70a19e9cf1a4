"""The one Jinja environment of charter-kit: module text (Markdown) and the package's templates (HTML).

Sandboxed and strict: templates reach only what they are given, any unknown name is an error, and
every value printed into module text is escaped as inert Markdown (HTML templates are autoescaped).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from charter_kit.escape import md_escape
from charter_kit.locales import fr

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Largest string or sequence a template expression may build (guards `"a" * 10**10`).
MAX_OPERAND = 1_000_000


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


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        # The sandbox stops attribute tricks; this stops templates from exhausting memory.
        if operator == "**" and isinstance(right, int) and right > 64:
            raise jinja2.sandbox.SecurityError("exponent too large")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_OPERAND:
                    raise jinja2.sandbox.SecurityError("result too large")
        return super().call_binop(context, operator, left, right)


def environment() -> SandboxedEnvironment:
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
    return env


_ENV: SandboxedEnvironment | None = None


def get_environment() -> SandboxedEnvironment:
    """The shared environment, created on first use."""
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV
