"""What charter-kit says to people, in their language: French under a French locale, English otherwise.

Messages are written in English in the code, marked with ``_()`` and translated through gettext
catalogs (``charter_kit/catalogs/<language>/LC_MESSAGES/messages.po``, compiled to ``.mo``; see
``scripts/catalog.py``). The locale is read from the usual variables (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG) at each message, so a test or a server can switch it. The domain is gettext's
default one, which click's own messages ("Usage:", "Invalid value for…") use too: one catalog
translates both.
"""

from __future__ import annotations

import contextvars
import functools
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CATALOGS = Path(__file__).resolve().parent / "catalogs"
DOMAIN = "messages"
#: Languages with a catalog; any other locale reads the English of the code.
LANGUAGES = ("fr",)

gettext.bindtextdomain(DOMAIN, str(CATALOGS))

#: A language imposed on one request or task whatever the locale (the registry's web pages are French).
_imposed: contextvars.ContextVar[str | None] = contextvars.ContextVar("charter_kit_language", default=None)


@functools.lru_cache(maxsize=None)
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, str(CATALOGS), languages=[language], fallback=True)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Messages in ``language`` ("fr", "en") inside the block and the threads it starts work in,
    whatever the locale: a context variable, so other requests and threads keep their own."""
    token = _imposed.set(language)
    try:
        yield
    finally:
        _imposed.reset(token)


def _(message: str) -> str:
    """``message`` in the user's language."""
    imposed = _imposed.get()
    if imposed is not None:
        return _catalog(imposed).gettext(message)
    return gettext.dgettext(DOMAIN, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (it is translated where it is shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the user's language."""
    imposed = _imposed.get()
    if imposed is not None:
        return _catalog(imposed).ngettext(singular, plural, n)
    return gettext.dngettext(DOMAIN, singular, plural, n)


def language() -> str:
    """The language messages are shown in: "fr" or "en"."""
    return "fr" if _("Usage:") != "Usage:" else "en"


def show_date(value) -> str:
    """A day as a person reads it in a message: 15/01/2027 in French, 2027-01-15 in English."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if language() == "fr" else value.isoformat()
