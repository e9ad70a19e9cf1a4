"""`charter adoption pack`: the documents legal sends for a release, in PDF and DOCX, per unit."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from charter_kit.adoption.pack import Facts, documents
from charter_kit.adoption.pack_render import to_docx, to_pdf
from charter_kit.adoption.procedure import assess, text_digest, units
from charter_kit.errors import AdoptionError
from charter_kit.i18n import _
from charter_kit.fsutil import atomic_dir
from charter_kit.locales import fr
from charter_kit.store.adoption_log import ADOPTION_DIR, release_entries
from charter_kit.store.releases import find_release, load_charter, load_releases
from charter_kit.store.verify import check_integrity


@dataclass(frozen=True)
class Written:
    """Where the pack was written and its files, in order."""

    folder: Path
    files: tuple[str, ...]


def write_pack(profile: Path, version: str | None, out: Path | None, on: dt.date) -> Written:
    """Write every document of the pack of ``version`` (default: the latest release) into ``out``."""
    root = Path(profile).resolve().parent
    releases = load_releases(root)
    if not releases:
        raise AdoptionError(_("there is no release yet: the pack is made for a released text"),
                            hint=_("freeze the text first: {command}").format(
                                command="charter release 1.0.0 --date YYYY-MM-DD"))
    check_integrity(releases)
    release = find_release(releases, version) if version not in (None, "latest") else releases[-1]
    charter = load_charter(release)
    entries = tuple(release_entries(root, release))
    adoption = assess(charter, entries, base=dt.date.fromisoformat(release.date),
                      effective=release.effective(), text=text_digest(charter))
    author = charter.company.get("legal_name") or charter.company["name"]
    files: dict[str, bytes] = {}
    scopes = units(charter)
    for unit in scopes:
        prefix = "-".join(p for p in (unit.entity, unit.establishment) if p)
        for doc in documents(Facts(charter, release, unit, adoption, entries)):
            name = f"{prefix}-{doc.code}" if len(scopes) > 1 and prefix else doc.code
            files[f"{name}.pdf"] = to_pdf(doc, author)
            files[f"{name}.docx"] = to_docx(doc, author)
    if not files:
        where = f"{fr.JURISDICTION.get(charter.jurisdiction, charter.jurisdiction)}, {charter.status}"
        raise AdoptionError(_("charter-kit has no document to prepare for this procedure ({where})").format(where=where),
                            hint=_("the pack covers France (annexe or note de service) and Belgium; "
                                   "'charter adoption' lists the milestones of every procedure"))
    folder = Path(out) if out is not None else root / ADOPTION_DIR / f"pack-{release.version}"
    with atomic_dir(folder, point="adoption-pack") as tmp:
        os.chmod(tmp, 0o755)
        for name, data in files.items():
            (tmp / name).write_bytes(data)
    return Written(folder, tuple(files))
