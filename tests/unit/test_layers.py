"""The package's layers: every import points down the data flow, and no two modules import each other.

The direction is DESIGN's arrow, read top to bottom (docs/dev/architecture.md):
cli -> {cli_ack, cli_adoption} -> cli_params -> commands -> {ack, adoption} -> store -> {outputs, reports} -> {compose, diff}
-> {templating, typeset} -> {locales, escape} -> {model, fsutil} -> errors -> i18n.
A module may import its own part and any lower layer, never a higher one nor a sibling of its rank;
outputs and reports are made from a Charter (or a CharterDiff) and never reach back into compose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "charter_kit"

# Rank of each top-level part of the package; a module may import only parts of a lower rank
# (or its own part). Parts of one rank are siblings and may not import each other.
RANKS = {
    "i18n": 0,
    "errors": 1,
    "model": 2, "fsutil": 2,
    "locales": 3, "escape": 3,
    "templating": 4, "typeset": 4,
    "compose": 5, "diff": 5,
    "outputs": 6, "reports": 6,
    "store": 7,
    "adoption": 8, "ack": 8,
    "commands": 9,
    "cli_params": 10,
    "cli_ack": 11, "cli_adoption": 11, "cli_legal": 11,
    "cli": 12, "__main__": 13,
}
ROOT_MODULES = {"__init__"}  # the version string, importable from anywhere


def part_of(module: str) -> str:
    """The top-level part ('compose', 'cli'…) a dotted module name under charter_kit belongs to."""
    return module.split(".")[1] if module.count(".") else "__init__"


def module_name(path: Path) -> str:
    """charter_kit/compose/render.py -> charter_kit.compose.render."""
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1] if len(parts) > 1 else parts
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every charter_kit module that ``path`` imports, at any depth of the file (lazy imports count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("charter_kit"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("charter_kit"):
                continue
            if node.module is None or target == "charter_kit":
                # `from charter_kit import x` / `from . import x`: x may be a module of that package
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    found.add(candidate if _exists(candidate) else target)
            else:
                found.add(target)
    found.discard(me)
    return found


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").exists() or (PACKAGE / rel / "__init__.py").exists()


def graph() -> dict[str, set[str]]:
    """{module: modules it imports} for the whole package."""
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_part_has_a_rank():
    parts = {part_of(m) for m in graph()}
    assert parts - set(RANKS) - ROOT_MODULES == set(), "give the new part a rank in RANKS and in docs/dev/architecture.md"


def test_imports_point_down_the_layers():
    wrong = []
    for module, targets in graph().items():
        mine = part_of(module)
        for target in targets:
            theirs = part_of(target)
            if theirs in ROOT_MODULES or theirs == mine:
                continue
            if RANKS[theirs] >= RANKS[mine]:
                wrong.append(f"{module} imports {target} ({mine} rank {RANKS[mine]} -> {theirs} rank {RANKS[theirs]})")
    assert wrong == []


def test_outputs_never_read_profile_or_library():
    """DESIGN: every output is made from a Charter and from nothing else."""
    wrong = [f"{m} imports {t}" for m, targets in graph().items() if part_of(m) in ("outputs", "reports")
             for t in targets if part_of(t) == "compose"]
    assert wrong == []


def test_no_import_cycle():
    g = graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g.get(node, ())):
            if nxt not in g:
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_files_stay_small(path):
    """A file past ~400 lines holds more than one concern: split it."""
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 420


def test_the_checker_sees_a_wrong_import(tmp_path, monkeypatch):
    """The walk itself works: a lower layer importing a higher one is caught."""
    fake = tmp_path / "charter_kit"
    (fake / "model").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "model" / "__init__.py").write_text("")
    (fake / "commands").mkdir()
    (fake / "commands" / "__init__.py").write_text("")
    (fake / "commands" / "build.py").write_text("")
    (fake / "model" / "bad.py").write_text("def f():\n    from charter_kit.commands.build import x\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    with pytest.raises(AssertionError, match="charter_kit.model.bad imports charter_kit.commands.build"):
        test_imports_point_down_the_layers()
