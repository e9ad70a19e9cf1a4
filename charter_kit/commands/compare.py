"""What `charter diff` compares: a release version, `latest` (the newest release) or `draft`."""

from __future__ import annotations

from pathlib import Path

from charter_kit.model.charter import Charter
from charter_kit.diff.compare import CharterDiff, ReleaseInfo, diff
from charter_kit.errors import DiffError
from charter_kit.i18n import _
from charter_kit.store.releases import find_release, load_charter, load_releases, release_info
from charter_kit.store.verify import check_integrity

DRAFT = "draft"
LATEST = "latest"


def charter_at(ref: str, profile: Path) -> tuple[Charter, ReleaseInfo | None]:
    """The charter named by ``ref`` and what its release says about it (None for the draft)."""
    if ref == DRAFT:
        from charter_kit.compose.pipeline import load_project

        return load_project(profile).charter, None
    releases = load_releases(profile.resolve().parent)
    check_integrity(releases)  # legal must never review a release that was altered after approval
    if ref == LATEST:
        if not releases:
            raise DiffError(_("there is no release yet, so 'latest' names nothing"),
                            hint=_("compare two drafts with 'charter diff draft draft', or release a first version"))
        release = releases[-1]
    else:
        release = find_release(releases, ref)
    return load_charter(release), release_info(release)


def compare(a: str, b: str, profile: Path) -> tuple[CharterDiff, Charter]:
    """The diff from ``a`` to ``b``, and the new charter (the DOCX is made from it)."""
    old, old_info = charter_at(a, profile)
    new, new_info = charter_at(b, profile) if b != a else (old, old_info)
    return diff(old, new, a_meta=old_info, b_meta=new_info), new
