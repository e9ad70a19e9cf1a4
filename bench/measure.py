"""Shared by the benchmarks: run a command as a user does (a new Python process) and measure it.

``cold(module, args)`` runs ``python -m module args`` through a small wrapper that, once the module
has finished, writes the process's own CPU time and peak memory and its children's (the forked PDF
worker of `charter build`) to a file: each process's own peak is reported, never the benchmark's.
Wall time is measured outside, from start to exit.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Runs a module as ``python -m`` would, then reports resource usage (KiB, seconds) as JSON.
WRAPPER = """
import json, resource, runpy, sys
report, module = sys.argv[1], sys.argv[2]
sys.argv = [module, *sys.argv[3:]]
code = 0
try:
    runpy.run_module(module, run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as fh:
    json.dump({"code": code, "cpu_self": me.ru_utime + me.ru_stime, "cpu_children": children.ru_utime + children.ru_stime,
               "rss_self": me.ru_maxrss, "rss_children": children.ru_maxrss}, fh)
sys.exit(code)
"""


def compile_package() -> None:
    """Compile charter-kit's modules to bytecode, as `pip install` does: a new process then loads
    them as an installed copy would, even where PYTHONDONTWRITEBYTECODE keeps Python from caching
    them (the packages it is compared with were compiled when they were installed)."""
    import compileall

    compileall.compile_dir(str(ROOT / "charter_kit"), quiet=1)


def cold(module: str, args: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> dict[str, float]:
    """Run ``python -m module args`` in a new process; its wall and CPU seconds, and the peak memory
    (MiB) of the process itself and of its largest child."""
    if not _COMPILED:
        compile_package()
        _COMPILED.append(True)
    with tempfile.TemporaryDirectory(prefix="bench-measure-") as tmp:
        report = Path(tmp) / "usage.json"
        started = time.perf_counter()
        # Through a shell that forks Python: on Linux a process's peak memory starts from the one it
        # was forked from (it survives exec), and the shell is small where this benchmark is not.
        command = ["/bin/sh", "-c", '"$@"; exit $?', "sh", sys.executable, "-c", WRAPPER, str(report), module, *args]
        done = subprocess.run(command, cwd=cwd,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0 or not report.exists():
            raise SystemExit(f"python -m {module} {' '.join(args)} failed ({done.returncode}):\n"
                             f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
        usage = json.loads(report.read_text())
    return {"wall": wall, "cpu": usage["cpu_self"] + usage["cpu_children"], "cpu_worker": usage["cpu_children"],
            "rss_main": usage["rss_self"] / 1024, "rss_worker": usage["rss_children"] / 1024}


_COMPILED: list[bool] = []  # compile_package has run in this process


def timed(action) -> dict[str, float]:
    """Wall and CPU seconds (this process, its threads included) of ``action()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def summary(values: list[float]) -> str:
    """``min / median`` of a list of seconds."""
    return f"{min(values):6.3f} / {statistics.median(values):6.3f}"


def load() -> str:
    """The machine's load, as the report quotes it."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} (5 min {five:.2f})"
