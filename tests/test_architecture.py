"""The package is layered by stage; these tests keep it so (see docs/architecture.md).

A module may import from its own stage and earlier ones, never from a later one, so that
reading a source never depends on how it is reported, and each stage can be tested alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "analysis"

#: Stages in order; a module may import only from its own stage or an earlier one.
STAGES = ("foundation", "checks", "sources", "measures", "report", "entry")
FOUNDATION = {"errors", "periods", "config", "store"}
ENTRY = {
    "pipeline",
    "notebook",
    "kernel",
    "run",
    "performance",
    "provenance",
    "new_area",
    "__init__",
}


def stage_of(module: str) -> str:
    """``analysis.sources.fire`` -> ``sources``; top-level modules by the sets above."""
    parts = module.split(".")[1:]
    head = parts[0] if parts else "__init__"
    if head in STAGES or head == "sample":
        return head
    if head in FOUNDATION:
        return "foundation"
    if head in ENTRY:
        return "entry"
    raise AssertionError(f"{module}: no stage; add it to tests/test_architecture.py and the docs")


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1] if len(parts) > 2 else parts
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every ``analysis`` module imported anywhere in the file (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("analysis")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "analysis":
                found |= {f"analysis.{a.name}" for a in node.names}
            elif node.module.startswith("analysis."):
                found.add(node.module)
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_stage():
    for path in modules():
        stage_of(module_name(path))


def test_no_module_imports_from_a_later_stage():
    bad = []
    for path in modules():
        name = module_name(path)
        mine = stage_of(name)
        for imported in imports_of(path):
            theirs = stage_of(imported)
            if mine == "sample" or theirs == "sample":
                # the generator stands alone: it uses only the foundation, and only the
                # entry points call it
                ok = (mine == "sample" and theirs in ("sample", "foundation")) or (
                    theirs == "sample" and mine in ("sample", "entry")
                )
            else:
                ok = STAGES.index(theirs) <= STAGES.index(mine)
            if not ok:
                bad.append(f"{name} ({mine}) imports {imported} ({theirs})")
    assert not bad, "imports from a later stage:\n" + "\n".join(bad)


def test_modules_stay_small():
    big = {
        module_name(p): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert not big, f"modules over 500 lines (split them by concern): {big}"
