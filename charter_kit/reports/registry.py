"""Every report format by name: the CLI's ``charter diff --format`` choices and the one dispatcher.

A format is a module of this package with a ``write(d, options)`` function; adding one is that
file plus one line in ``REPORTS``. Writers are imported on first use, so listing the formats (the
CLI does it on every start) loads none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from charter_kit.errors import DiffError, did_you_mean
from charter_kit.i18n import _
from charter_kit.model.charter import Charter

if TYPE_CHECKING:  # the CLI lists the formats on every start; the diff is loaded when one is written
    from charter_kit.diff.changes import CharterDiff


@dataclass(frozen=True)
class ReportOptions:
    """What a writer may need besides the diff."""

    #: The new charter (the DOCX is made from it).
    new: Charter | None = None
    #: ANSI colours in the terminal text.
    color: bool = False
    #: Who the DOCX tracked changes and comments are attributed to (None: "charter-kit").
    author: str | None = None
    #: Number the lines of the DOCX (restarting on each page), so a meeting can say "page 21, line 12".
    line_numbers: bool = False


@dataclass(frozen=True)
class ReportFormat:
    """One report format: the module that writes it, its file suffix, and whether it is bytes."""

    #: The module under ``charter_kit.reports`` whose ``write(d, options)`` makes the report.
    module: str
    #: The usual file suffix.
    suffix: str
    #: True for bytes (a file), False for text.
    binary: bool

    @property
    def writer(self) -> Callable[[CharterDiff, ReportOptions], str | bytes]:
        """The format's ``write`` function (its module is imported now)."""
        return import_module(f"charter_kit.reports.{self.module}").write


REPORTS: dict[str, ReportFormat] = {
    "text": ReportFormat("text", ".txt", binary=False),
    "html": ReportFormat("html", ".html", binary=False),
    "markdown": ReportFormat("markdown", ".md", binary=False),
    "json": ReportFormat("json", ".json", binary=False),
    "docx": ReportFormat("docx", ".docx", binary=True),
    "pdf": ReportFormat("pdf", ".pdf", binary=True),
}
#: Format names, in the order the CLI lists them.
FORMATS = tuple(REPORTS)


def render_diff(d: CharterDiff, fmt: str, *, new: Charter | None = None, color: bool = False,
                author: str | None = None, line_numbers: bool = False) -> str | bytes:
    """The diff in one of ``FORMATS``: text for text formats, bytes for docx and pdf (docx needs ``new``)."""
    try:
        report = REPORTS[fmt]
    except KeyError:
        raise DiffError(_("unknown diff format '{format}'.").format(format=fmt) + did_you_mean(fmt, FORMATS),
                        hint=_("choose one of {formats}").format(formats=", ".join(FORMATS))) from None
    return report.writer(d, ReportOptions(new=new, color=color, author=author, line_numbers=line_numbers))
