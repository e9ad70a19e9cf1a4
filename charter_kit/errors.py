"""Every user-facing error of charter-kit, in one place.

Commands raise these and never catch them: click prints ``Error: <message>`` and exits with
``exit_code`` (1). Usage mistakes are click's own ``UsageError`` (exit 2).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import click

from charter_kit.i18n import _, ngettext


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return " Did you mean 'x'?" for the closest candidate, or an empty string."""
    match = closest(word, candidates)
    return " " + _("Did you mean '{name}'?").format(name=match) if match else ""


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to ``word``, ignoring case and accents, if any is close."""
    pool = {fold(c): c for c in candidates}
    hits = difflib.get_close_matches(fold(word), list(pool), n=1, cutoff=0.6)
    return pool[hits[0]] if hits else None


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, so 'Confidentialité' matches 'confidentialite'."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("_", "-")


@dataclass(frozen=True)
class Problem:
    """One mistake in a user file: where it is and what is wrong."""

    file: str
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else _("{file}, line {line}").format(file=self.file, line=self.line)
        if self.key:
            return _("{where}: {key}: {message}").format(where=where, key=self.key, message=self.message)
        return _("{where}: {message}").format(where=where, message=self.message)


class CharterError(click.ClickException):
    """Base of every charter-kit error: one readable message, exit status 1."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.hint = hint
        self.text = message
        """The message without its hint (for --json)."""
        super().__init__(_("{message}\nHint: {hint}").format(message=message, hint=hint) if hint else message)


class ProblemsError(CharterError):
    """A file has one or more problems; all of them are listed in one message."""

    what = "file"

    def __init__(self, problems: Sequence[Problem], *, hint: str | None = None) -> None:
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            text = str(self.problems[0])
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            text = f"{self.heading(len(self.problems))}\n{lines}"
        super().__init__(text, hint=hint)

    def heading(self, count: int) -> str:
        """The line above the list of problems, in the user's language."""
        return ngettext("{count} problem in the file:", "{count} problems in the file:", count).format(count=count)


class ProfileError(ProblemsError):
    """The profile (charter.yml) cannot be read or does not describe a valid charter."""

    what = "profile"

    def heading(self, count: int) -> str:
        return ngettext("{count} problem in the profile:", "{count} problems in the profile:", count).format(count=count)


class ModuleError(ProblemsError):
    """A module of the library (shipped or local) is malformed."""

    what = "module library"

    def heading(self, count: int) -> str:
        return ngettext("{count} problem in the module library:", "{count} problems in the module library:",
                        count).format(count=count)


class RenderError(CharterError):
    """A module's template failed to render (Jinja syntax or runtime error)."""


class ReleaseError(CharterError):
    """A release cannot be written, read or verified."""


class OutputError(CharterError):
    """An output folder or file cannot be written safely."""


class DiffError(CharterError):
    """Two charters cannot be compared (unknown version, bad format)."""


class AckError(CharterError):
    """The acknowledgement registry refuses an action or cannot read its input."""


class AdoptionError(CharterError):
    """The adoption procedure refuses a record, a date or a document (issue 13)."""


class AdoptionRecordError(ProblemsError):
    """An adoption record file (adoption/*.yml) cannot be read."""

    what = "adoption record"

    def heading(self, count: int) -> str:
        return ngettext("{count} problem in the adoption record:", "{count} problems in the adoption record:",
                        count).format(count=count)
