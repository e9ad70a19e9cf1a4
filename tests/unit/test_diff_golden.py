"""Golden files of the diff reports read as text: terminal (plain and in colour) and Markdown.

Each report is compared byte for byte with its file under tests/golden/diff/. After a deliberate
change of wording or layout, rewrite them with ``UPDATE_GOLDEN=1`` and review their git diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from charter_kit.diff.changes import CharterDiff, ReleaseInfo
from charter_kit.diff.compare import diff
from charter_kit.model.charter import Charter
from charter_kit.reports.markdown import to_markdown
from charter_kit.reports.text import to_text
from conftest import LISTED_EXAMPLE
from test_diff import rich_pair

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "diff"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

#: Report name -> (file suffix, how to write it).
REPORTS = {
    "text": (".txt", lambda d: to_text(d, color=False)),
    "terminal": (".ansi", lambda d: to_text(d, color=True)),
    "markdown": (".md", to_markdown),
}


def _release(version: str) -> tuple[Charter, ReleaseInfo]:
    """A committed release of the listed example: its frozen charter and what release.yml says."""
    folder = LISTED_EXAMPLE / "releases" / version
    meta = yaml.safe_load((folder / "release.yml").read_text(encoding="utf-8"))
    info = ReleaseInfo(str(meta["version"]), str(meta["date"]), tuple(meta.get("approvals") or ()), meta.get("notes"))
    return Charter.from_json((folder / "charter.json").read_text(encoding="utf-8")), info


def _between(old: str, new: str) -> CharterDiff:
    """The diff between two committed releases of the listed example."""
    (a, a_meta), (b, b_meta) = _release(old), _release(new)
    return diff(a, b, a_meta=a_meta, b_meta=b_meta)


def _rich() -> CharterDiff:
    """The unit tests' pair with one change of each kind."""
    a, b, a_meta, b_meta = rich_pair()
    return diff(a, b, a_meta=a_meta, b_meta=b_meta)


PAIRS = {
    "horizon-1.0.0-1.1.0": lambda: _between("1.0.0", "1.1.0"),
    "horizon-1.1.0-2.0.0": lambda: _between("1.1.0", "2.0.0"),
    "rich": _rich,
}


@pytest.fixture(scope="module")
def diffs() -> dict[str, CharterDiff]:
    """Every pair's diff, computed once."""
    return {name: make() for name, make in PAIRS.items()}


@pytest.mark.parametrize("report", sorted(REPORTS))
@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_report_matches_its_golden_file(diffs, pair, report):
    suffix, write = REPORTS[report]
    got = write(diffs[pair]).encode("utf-8")
    path = GOLDEN / f"{pair}{suffix}"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(got)
    assert path.read_bytes() == got, f"{path.name} differs; if the change is deliberate, run with UPDATE_GOLDEN=1"
