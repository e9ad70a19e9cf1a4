"""Every single-byte change of a release is detected (issue 17): each byte of release.yml and of
charter.json, and one byte in every 97 of the PDF annex, is flipped in turn (XOR 0x01, then restored),
and the release is read and checked as `verify`, `diff` and `publish` read it (store.releases.load_release,
then store.verify.check_release). A flip must give an error or at least one problem; none may crash.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from charter_kit.errors import CharterError
from charter_kit.model.release import CHARTER_FILE, RELEASE_FILE
from charter_kit.store.releases import load_release, releases_dir
from charter_kit.store.verify import check_release

pytestmark = pytest.mark.slow

PDF_STEP = 97


def detected(folder: Path, previous: str | None) -> bool:
    """True when reading and checking the release folder reports something."""
    try:
        release = load_release(folder)
    except CharterError:
        return True
    return bool(check_release(release, previous, read_pdf=False))


@pytest.mark.parametrize("name", [RELEASE_FILE, CHARTER_FILE, "pdf"])
def test_every_single_byte_flip_is_detected(store, name):
    folder = releases_dir(store.parent) / "1.1.0"
    path = next(p for p in folder.glob("*.pdf") if "guide" not in p.name) if name == "pdf" else folder / name
    original = path.read_bytes()
    assert not detected(folder, "1.0.0")  # control: the untouched release passes
    positions = range(0, len(original), PDF_STEP if name == "pdf" else 1)
    missed = []
    for i in positions:
        data = bytearray(original)
        data[i] ^= 0x01
        path.write_bytes(bytes(data))
        if not detected(folder, "1.0.0"):
            missed.append(i)
    path.write_bytes(original)
    assert missed == [], f"{len(missed)} of {len(positions)} flips of {name} not detected, first at {missed[:5]}"
    assert len(positions) > 100
