"""What an import of employees did (or would do, in a dry run), as `charter ack import` tells HR."""

from __future__ import annotations

from dataclasses import dataclass, field

from charter_kit.i18n import N_, _, ngettext

#: The CSV separators, as the summary names them.
_DELIMS = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("vertical bar")}


@dataclass
class ImportReport:
    """What an import did (or would do, in a dry run)."""

    file: str
    rows: int
    encoding: str
    delimiter: str | None
    added: int = 0
    updated: int = 0
    returned: int = 0
    left: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        """One paragraph for HR, in the user's language."""
        if self.delimiter:
            delimiter = _DELIMS.get(self.delimiter)
            form = _("{encoding}, separator {separator}").format(
                encoding=_(self.encoding), separator=_(delimiter) if delimiter else self.delimiter)
        else:
            form = _("Excel workbook")
        counts = _("{added} added, {updated} updated, {returned} returned, {left} left, {unchanged} unchanged").format(
            added=self.added, updated=self.updated, returned=self.returned, left=self.left, unchanged=self.unchanged)
        if self.dry_run:
            counts = _("dry run: nothing was written; {counts}").format(counts=counts)
        lines = [ngettext("{file}: {count} employee read ({form})", "{file}: {count} employees read ({form})",
                          self.rows).format(file=self.file, count=self.rows, form=form),
                 "  " + counts]
        if self.ignored_columns:
            lines.append("  " + _("columns ignored: {columns}").format(columns=", ".join(self.ignored_columns)))
        return "\n".join(lines)
