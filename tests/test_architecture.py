"""The import graph of scripts/recruitment keeps the layers of docs/architecture.md.

A module imports only from layers below its own or from its own unit; no two modules import
each other, directly or around a circle (imports inside functions count too; an import under
``if TYPE_CHECKING:``, for annotations only, never runs and does not)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

SOURCE = ROOT / "scripts" / "recruitment"
NOTE = ROOT / "docs" / "architecture.md"


def layers() -> list[list[str]]:
    """The units of each layer, top first, from the note's table (between its markers)."""
    text = NOTE.read_text(encoding="utf-8")
    table = re.search(r"<!-- layers:.*?-->\n(.*?)<!-- /layers -->", text, re.S)
    assert table, "docs/architecture.md lost its layers table (<!-- layers --> markers)"
    rows = [line.split("|")[2] for line in table[1].splitlines() if line.startswith("| ")]
    out = [re.findall(r"`([a-z_]+)`", cell) for cell in rows[1:]]  # rows[0]: the header
    assert all(out), "a layer row names no unit"
    return out


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SOURCE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The recruitment modules ``name`` imports (``from a import b`` is a.b when b is one)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "recruitment"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "recruitment":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return found - {name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_belongs_to_a_declared_layer():
    declared = {u for row in layers() for u in row}
    units = {unit(m) for m in modules()} - {""}
    assert units - declared == set(), "add the unit to the layers table of docs/architecture.md"
    assert declared - units == set(), "the layers table names a unit that does not exist"


def test_no_import_runs_up_or_sideways():
    rank = {u: i for i, row in enumerate(layers()) for u in row}
    wrong = []
    for module, targets in graph().items():
        for target in targets:
            if target == "recruitment" or unit(target) == unit(module):
                continue
            if rank[unit(target)] <= rank[unit(module)]:
                wrong.append(f"{module} imports {target}")
    assert wrong == [], "imports against docs/architecture.md's layers:\n" + "\n".join(wrong)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in edges), None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return out


def test_no_import_circle():
    assert cycles(graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_walk_sees_lazy_and_relative_imports(tmp_path):
    path = tmp_path / "x.py"
    path.write_text(
        "def f():\n    from ..core import cache\n    from .. import report\n"
        "if TYPE_CHECKING:\n    from ..cli import main\n"
    )
    known = {"recruitment.core", "recruitment.core.cache", "recruitment.report"}
    assert imports("recruitment.checks.x", path, known) == {
        "recruitment.core.cache",
        "recruitment.report",
    }


def test_the_cli_maps_errors_in_one_place():
    """cli.py's one try statement is the mapping of every command's errors; a command that
    wraps a call of its own would be a second error path."""
    tree = ast.parse((SOURCE / "cli.py").read_text(encoding="utf-8"))
    tries = [n for n in ast.walk(tree) if isinstance(n, ast.Try)]
    assert len(tries) == 1


def test_no_test_module_imports_another():
    """Shared helpers live in conftest.py; a test module is never imported by another."""
    tests = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    wrong = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            wrong += [f"{path.name} imports {n}" for n in names if n.split(".")[0] in tests]
    assert wrong == []
