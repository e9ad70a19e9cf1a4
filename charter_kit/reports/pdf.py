"""The diff as a PDF: the HTML redline printed."""

from __future__ import annotations

from charter_kit.diff.changes import CharterDiff
from charter_kit.reports.html import to_html
from charter_kit.reports.registry import ReportOptions


def write(d: CharterDiff, options: ReportOptions) -> bytes:
    """The registry's entry point."""
    return to_pdf(d)


def to_pdf(d: CharterDiff) -> bytes:
    """The HTML redline printed with WeasyPrint."""
    import weasyprint

    return weasyprint.HTML(string=to_html(d), base_url=None).write_pdf()
