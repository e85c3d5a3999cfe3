"""Facts the pipeline needs in several places are written once (docs/architecture.md, "A
shared fact"): a second copy typed into another module fails here, naming where it is."""

from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT

SOURCE = ROOT / "scripts" / "recruitment"


def strings() -> list[tuple[str, str]]:
    """(module path, text) of every string constant in the pipeline's code, docstrings and
    dict keys left out (prose may name a month; a JSON key may be called "seeds")."""
    out = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        } | {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys}
        rel = path.relative_to(SOURCE).as_posix()
        out += [
            (rel, node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            if id(node) not in docs
        ]
    return out


FACTS = [
    # (what, the one module that may spell it, a pattern of its spelling)
    ("the boolean words", "core/sqltypes.py", r"^(TRUE|FALSE)$"),
    ("the lexical form of a date", "core/sqltypes.py", r"\[0-9\]\{4\}-\[0-9\]\{2\}"),
    ("the lexical form of a number", "core/sqltypes.py", r"\[eE\]\[-\+\]\?\[0-9\]"),
    ("the pyarrow and pandas type names", "core/sqltypes.py", r"^(int64|float64|date32)$"),
    ("the Croissant type names", "core/sqltypes.py", r"^sc:(Integer|Float)$"),
    ("the DuckDB type of a Table Schema number", "core/sqltypes.py", r"^DOUBLE$"),
    ("the version pattern", "core/package.py", r"\(0\|\[1-9\]"),
    ("the month names", "lexicon.py", r"(?i)^september$|\bSeptember\|"),
    ("the weekday names", "lexicon.py", r"(?i)^wednesday$|\bWednesday\|"),
    ("the season names", "lexicon.py", r"^autumn$|\bautumn\|"),
    ("the seeds folder", "paths.py", r"^seeds$"),
    ("the characters no printed line shows raw", "report.py", "\x7f-\x9f"),
]


@pytest.mark.parametrize(("what", "home", "pattern"), FACTS, ids=[f[0] for f in FACTS])
def test_a_fact_is_spelled_in_one_module(what, home, pattern):
    found = {rel for rel, text in strings() if re.search(pattern, text)}
    assert found == {home}, f"{what}: written in {sorted(found - {home})}; import it from {home}"


def test_one_dict_maps_table_schema_types():
    """A dict keyed by the Table Schema types is a type map: sqltypes.py holds them all."""
    maps = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if {"integer", "number", "date"} <= keys:
                    maps.append(path.relative_to(SOURCE).as_posix())
    assert set(maps) == {"core/sqltypes.py"}
