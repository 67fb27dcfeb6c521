"""The data flow is one way: raw → validation → tables → trace → report. A module of one
layer imports nothing of a later one (the report may read the tables; the tables never
read the report), checked on the imports of every module, including those inside
functions."""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"
LAYERS = ["raw", "validation", "tables", "trace", "report"]


def imported_layers(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "pipeline" and parts[1] in LAYERS:
                found.add(parts[1])
    return found


def test_no_layer_imports_a_later_one():
    checked = 0
    for rank, layer in enumerate(LAYERS):
        for path in sorted((PIPELINE / layer).rglob("*.py")):
            later = imported_layers(path) & set(LAYERS[rank + 1 :])
            assert not later, f"{path.relative_to(PIPELINE)} imports {sorted(later)}"
            checked += 1
    assert checked >= 20


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from pipeline.report.data import figures\n")
    assert imported_layers(module) == {"report"}
