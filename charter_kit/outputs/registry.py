"""The file outputs of a Charter, in one table that build, render, release, verify and publish read.

An output is a module of ``charter_kit.outputs`` with a function naming its file and one rendering
its bytes from a Charter. Adding a format is one new file plus one line in ``OUTPUTS``; the engine
behind it is imported only when that output is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from charter_kit.model.charter import Charter


@dataclass(frozen=True)
class Output:
    """One file made from a Charter."""

    name: str
    """What users call it (``charter render --format NAME``)."""
    module: str
    """The module that writes it, imported on first use."""
    filename_function: str
    """The module's function ``(Charter) -> str | None``: the file's name; None when this charter has no such file."""
    render_function: str
    """The module's function ``(Charter) -> bytes``: the file's content."""
    released: bool = False
    """True when `charter release` seals this file into every release (the PDF annex)."""

    def filename(self, charter: Charter) -> str | None:
        """The file's name for ``charter``, or None when this charter has no such file (a guide for a guide)."""
        return self._function(self.filename_function)(charter)

    def render(self, charter: Charter, **options) -> bytes:
        """The file's bytes for ``charter`` (``options``: what this format accepts, e.g. ``line_numbers``)."""
        return self._function(self.render_function)(charter, **options)

    def _function(self, name: str) -> Callable:
        return getattr(importlib.import_module(self.module), name)


OUTPUTS: dict[str, Output] = {
    "pdf": Output("pdf", "charter_kit.outputs.pdf", "pdf_filename", "render_pdf", released=True),
    "guide": Output("guide", "charter_kit.outputs.pdf", "guide_filename", "render_guide", released=True),
    "md": Output("md", "charter_kit.outputs.markdown", "markdown_filename", "render_markdown"),
    "json": Output("json", "charter_kit.outputs.canonical", "json_filename", "render_json"),
    "docx": Output("docx", "charter_kit.outputs.docx", "docx_filename", "render_docx"),
}


def released_outputs() -> list[Output]:
    """The outputs every release holds, beside charter.json."""
    return [output for output in OUTPUTS.values() if output.released]


def render_released(charter: Charter) -> dict[str, bytes]:
    """{file name: bytes} of every released output of ``charter`` (those it has: a guide only when split)."""
    return {name: output.render(charter) for output in released_outputs()
            if (name := output.filename(charter)) is not None}
