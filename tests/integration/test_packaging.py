"""A non-editable install ships the module library inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_wheel_carries_the_modules_and_templates_and_finds_them(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                            str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("charter_kit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "charter_kit/_modules/socle/fr.md" in names
    assert "charter_kit/_modules/entreprises-cotees/module.yml" in names
    assert "charter_kit/templates/site/overrides/main.html" in names
    # Typst's templates: every PDF is made from them (no system library, fonts inside the typst wheel).
    assert {f"charter_kit/templates/pdf/{n}.typ" for n in ("annex", "markup", "diff")} <= set(names)
    target = tmp_path / "site-packages"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                                str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k != "CHARTER_KIT_LIBRARY"} | {"PYTHONPATH": str(target)}
    code = ("import charter_kit, charter_kit.compose.library as l; print(charter_kit.__file__); "
            "print(l.builtin_dir()); print(len(l.load_library().modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    package, library, count = out.stdout.split()
    assert package.startswith(str(target)) and library.startswith(str(target))
    assert int(count) == len([d for d in (ROOT / "modules").iterdir() if (d / "module.yml").is_file()])
