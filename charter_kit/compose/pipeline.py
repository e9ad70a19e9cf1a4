"""A charter project on disk: from charter.yml to the rendered Charter, in one call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charter_kit.model.charter import Charter
from charter_kit.errors import Problem, ProfileError
from charter_kit.i18n import N_, _
from charter_kit.compose.library import load_library
from charter_kit.compose.module import Library
from charter_kit.compose.profile import LoadedProfile, load_profile
from charter_kit.compose.render import contact_problems, render
from charter_kit.compose.resolve import Selection, resolve


@dataclass
class Project:
    """The loaded profile, the library it uses, the checked selection and the rendered charter."""

    loaded: LoadedProfile
    library: Library
    selection: Selection
    charter: Charter

    @property
    def root(self) -> Path:
        """The project's folder (where charter.yml is)."""
        return self.loaded.root

    @property
    def notices(self) -> list[str]:
        """What the user should know (modules added, replaced…)."""
        return self.selection.notices


def load_library_for(loaded: LoadedProfile) -> Library:
    """The shipped library plus the profile's local modules, if any."""
    problems: list[Problem] = []
    library = _library(loaded, problems)
    if problems:
        raise ProfileError(problems, hint=_(_PATH_HINT))
    return library


def load_project(profile_path: Path, **release) -> Project:
    """Load, check and render the charter described by ``profile_path``."""
    return project_from(load_profile(Path(profile_path)), **release)


def project_from(loaded: LoadedProfile, **release) -> Project:
    """Check and render the charter of an already loaded profile.

    Every problem of the profile's meaning is reported in one error: the paths it names
    (``local_modules``, ``branding.logo``) as well as modules, variables, contacts and overrides.
    """
    problems: list[Problem] = []
    library = _library(loaded, problems)
    if loaded.profile.branding.logo:
        try:
            loaded.read_logo()
        except ProfileError as exc:
            problems += exc.problems
    hint = _(_PATH_HINT) if problems else None
    try:
        selection = resolve(loaded, library)
    except ProfileError as exc:
        found = [*problems, *exc.problems]
        partial = getattr(exc, "partial", None)
        if partial is not None:  # the contacts the text prints, rendered with stand-ins for bad values
            found += [p for p in contact_problems(partial) if p not in found]
        raise ProfileError(sorted(found, key=lambda p: (p.line or 0, p.key or "")),
                           hint=exc.hint if hint is None else f"{hint}; {exc.hint}") from None
    if problems:
        raise ProfileError(problems, hint=hint)
    return Project(loaded, library, selection, render(selection, **release))


_PATH_HINT = N_("paths are relative to the folder of charter.yml")


def _library(loaded: LoadedProfile, problems: list[Problem]) -> Library:
    """The library with the local modules; a missing folder is a problem, and the shipped modules serve."""
    local = loaded.profile.local_modules
    folder = None
    if local:
        try:
            folder = loaded.inside(("local_modules",), local)
        except ProfileError as exc:
            problems += exc.problems
        else:
            if not folder.is_dir():
                problems.append(loaded.problem(("local_modules",), _("'{path}': folder not found").format(path=local)))
                folder = None
    return load_library(folder, language=loaded.profile.charter.language, root=loaded.root)
