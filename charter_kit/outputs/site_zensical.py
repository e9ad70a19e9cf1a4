"""The second site engine: Zensical (Material for MkDocs' successor) builds the generated project.

It reads the same mkdocs.yml, theme overrides and Markdown extensions as Material (outputs/site.py
writes them); docs/dev/site-engines.md records what differs. Pinned in the ``zensical`` extra.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from charter_kit.errors import CharterError, OutputError
from charter_kit.i18n import _

#: How much deeper Zensical resolves a relative address written into a page's HTML than Material:
#: it reads it from the Markdown file (articles/x.md), not from the built page (articles/x/).
PERMALINK_UP = "../../"


def chosen(charter: Any) -> bool:
    """True when the profile chose this engine (``site.engine: zensical``; Material otherwise)."""
    return charter.site.get("engine") == "zensical"


def command() -> list[str]:
    """The ``zensical`` command of this Python environment."""
    script = Path(sys.executable).with_name("zensical")
    if script.exists():
        return [str(script)]
    found = shutil.which("zensical")
    if found is None:
        raise CharterError(_("the site engine 'zensical' is not installed"),
                           hint=_("{command}, or remove site.engine from charter.yml").format(
                               command="pip install 'charter-kit[zensical]'"))
    return [found]


def run_zensical(config_file: Path, out_dir: Path, epoch: int) -> None:
    """Build the generated project at ``config_file`` with Zensical, strict, into ``out_dir``."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    result = subprocess.run([*command(), "build", "--strict", "--clean", "-f", str(config_file)],
                            cwd=config_file.parent, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        details = "\n".join(f"  - {line}" for line in (result.stdout + result.stderr).splitlines() if line.strip())
        raise CharterError(_("the site could not be built with Zensical:\n{details}").format(details=details),
                           hint=_("a clause may link to a page or an anchor that does not exist"))
    built = config_file.parent / "site"
    try:
        shutil.copytree(built, out_dir, dirs_exist_ok=True)
    except OSError as exc:
        raise OutputError(_("{folder}: cannot write the site ({reason})").format(folder=out_dir,
                                                                               reason=exc.strerror)) from None
