"""A charter project on disk: from charter.yml to the rendered Charter, in one call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charter_kit.model.charter import Charter
from charter_kit.errors import ProfileError
from charter_kit.compose.library import Library, load_library
from charter_kit.compose.profile import LoadedProfile, load_profile
from charter_kit.compose.render import render
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
    local = loaded.profile.local_modules
    folder = loaded.inside(("local_modules",), local) if local else None
    if folder is not None and not folder.is_dir():
        raise ProfileError([loaded.problem(("local_modules",), f"'{local}': folder not found")],
                           hint="the path is relative to the folder of charter.yml")
    return load_library(folder, language=loaded.profile.charter.language, root=loaded.root)


def load_project(profile_path: Path, **release) -> Project:
    """Load, check and render the charter described by ``profile_path``."""
    return project_from(load_profile(Path(profile_path)), **release)


def project_from(loaded: LoadedProfile, **release) -> Project:
    """Check and render the charter of an already loaded profile."""
    library = load_library_for(loaded)
    selection = resolve(loaded, library)
    return Project(loaded, library, selection, render(selection, **release))
