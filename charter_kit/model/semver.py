"""Semantic version numbers: parsing, ordering, and the next versions to suggest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from charter_kit.i18n import _

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


@dataclass(frozen=True, order=False)
class Version:
    """A semver 2.0 version; compares by precedence (build metadata ignored)."""

    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``text``; raise ValueError with an explanation when it is not semver."""
        m = _SEMVER.match(str(text))
        if not m:
            raise ValueError(_("'{text}' is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.0.0)").format(
                text=text))
        pre = tuple(m.group(4).split(".")) if m.group(4) else ()
        return cls(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre, str(text))

    def _key(self):
        # A pre-release sorts before its release; numeric identifiers before alphanumeric ones.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Version) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Version) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Version) -> bool:
        return self._key() >= other._key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return self.text or f"{self.major}.{self.minor}.{self.patch}"

    def next_versions(self) -> list[str]:
        """The patch, minor and major versions that follow this one."""
        return [
            f"{self.major}.{self.minor}.{self.patch + 1}",
            f"{self.major}.{self.minor + 1}.0",
            f"{self.major + 1}.0.0",
        ]


def is_semver(text: str) -> bool:
    """True when ``text`` is a valid semantic version."""
    return bool(_SEMVER.match(str(text)))
