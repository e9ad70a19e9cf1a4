"""Words and formats per language (French first): dates, lists, labels, page sentences.

``get(language)`` returns the module of that language; every module has the same names (``date``,
``join``, ``STATUS``, ``RELEASE_STATUS``, ``ROLE``, ``JURISDICTION``…). A new language is one new
file beside ``fr.py`` and one line in ``LANGUAGES``.
"""

from __future__ import annotations

from types import ModuleType

from charter_kit.locales import fr

LANGUAGES: dict[str, ModuleType] = {"fr": fr}


def get(language: str = "fr") -> ModuleType:
    """The words and formats of ``language`` (French when the language has none of its own yet)."""
    return LANGUAGES.get(language, fr)
