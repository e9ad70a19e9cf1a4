"""Fault injection for the tests: run the real CLI until a writer's pause point, then kill it there.

The writers (charter_kit/fsutil.py, the release store, publish) call ``pause_point(name)`` just
before and just after each rename. With CHARTER_KIT_PAUSE set to a point's name, the command stops
there and writes one line to CHARTER_KIT_PAUSE_FILE; the test then kills it with SIGKILL, so the
window it proves is exact instead of depending on how fast the machine is.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

CHARTER = [sys.executable, "-m", "charter_kit"]
#: The same CLI with the one-step folder swap (renameat2) disabled: the two-rename fallback.
CHARTER_WITHOUT_EXCHANGE = [sys.executable, "-c",
                            "import charter_kit.fsutil as f; f._exchange = lambda a, b: False; "
                            "from charter_kit.cli import main; main()"]
#: How long a command may take to reach its pause point before the test gives up (a hang guard,
#: not a speed target: a loaded machine takes seconds, a broken pause point takes for ever).
REACH_TIMEOUT = 600.0
_serial = itertools.count()


# -- processes, read from /proc ---------------------------------------------------------------------
def processes() -> dict[int, tuple[int, str]]:
    """Every live process: pid -> (parent pid, command line). Zombies count as dead."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it ended while we looked
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state not in ("Z", "X"):
            found[int(entry)] = (int(ppid), cmdline.strip())
    return found


def descendants(pid: int, table: dict[int, tuple[int, str]] | None = None) -> dict[int, str]:
    """The live processes started by ``pid``, at any depth: pid -> command line."""
    table = processes() if table is None else table
    children: dict[int, list[int]] = {}
    for child, (parent, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, todo = {}, list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found[child] = table[child][1]
        todo.extend(children.get(child, []))
    return found


def describe(pids: dict[int, str]) -> str:
    """One line per process, for failure messages."""
    return "\n".join(f"  pid {pid}: {cmd[:200]}" for pid, cmd in sorted(pids.items())) or "  none"


# -- a command stopped at a pause point -------------------------------------------------------------
@dataclass
class Paused:
    """A CLI process stopped at a pause point; ``kill()`` or ``resume()`` ends it."""

    proc: subprocess.Popen
    point: str
    target: str
    report: Path
    marker: str
    children: dict[int, str] = field(default_factory=dict)

    def kill(self) -> None:
        """SIGKILL the command; assert that no process it started outlives it."""
        self.children = descendants(self.proc.pid)  # seen while paused: after the kill they move
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        survivors = self._survivors()
        deadline = time.monotonic() + 30  # a dying child needs a moment to be scheduled
        while survivors and time.monotonic() < deadline:
            time.sleep(0.05)
            survivors = self._survivors()
        for pid in survivors:  # do not leak them into the rest of the suite
            _kill_quietly(pid)
        _reap(self.children)
        assert not survivors, (f"killed at {self.point}, pid {self.proc.pid} left processes behind:\n"
                               f"{describe(survivors)}")

    def resume(self) -> int:
        """Let the command go on past its pause point; its exit code."""
        Path(f"{self.report}.go").touch()
        return self.proc.wait(timeout=REACH_TIMEOUT)

    def output(self) -> str:
        """What the command printed (stdout and stderr)."""
        return self.report.with_suffix(".out").read_text(errors="replace")

    def _survivors(self) -> dict[int, str]:
        live = processes()
        mine = {pid: cmd for pid, cmd in self.children.items() if pid in live and live[pid][1] == cmd}
        # A forked worker shows its parent's command line, which names this test's own files.
        mine.update({pid: cmd for pid, (_, cmd) in live.items() if self.marker in cmd})
        mine.pop(os.getpid(), None)
        return mine


def pause_at(args: list[str | Path], point: str, workdir: Path, *, marker: str | Path,
             command: list[str] = CHARTER) -> Paused:
    """Start ``charter <args>`` with CHARTER_KIT_PAUSE=point; return once it is stopped there.

    ``marker`` is a text unique to this test found in the command line (a profile path): any
    process showing it after the kill is a survivor.
    """
    report = Path(workdir) / f"pause-{os.getpid()}-{next(_serial)}.log"
    env = {**os.environ, "CHARTER_KIT_PAUSE": point, "CHARTER_KIT_PAUSE_FILE": str(report)}
    with open(report.with_suffix(".out"), "wb") as out:
        proc = subprocess.Popen([*command, *map(str, args)], env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + REACH_TIMEOUT
    while True:
        text = report.read_text(encoding="utf-8") if report.exists() else ""
        if text.endswith("\n"):
            name, pid, target = text.splitlines()[0].split("\t")
            assert int(pid) == proc.pid, text
            return Paused(proc, name, target, report, str(marker))
        if proc.poll() is not None:
            output = report.with_suffix(".out").read_text(errors="replace")
            raise AssertionError(f"charter {args[0]} ended (exit {proc.returncode}) without reaching {point}:\n"
                                 f"{output[-3000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise AssertionError(f"charter {args[0]} did not reach {point}")
        time.sleep(0.02)


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _reap(pids) -> None:
    # The suite is the subreaper of what its commands orphan (conftest): collect their exit status.
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
