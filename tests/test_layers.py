"""The data flow is one way: raw → validation → tables → trace → report. A module of one
layer imports nothing of a later one (the report may read the tables; the tables never
read the report), checked on the imports of every module, including those inside
functions."""

from __future__ import annotations

import ast
import re
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


# The warehouse's schemas in the data's order (the lineage is written with the tables), and
# the SQL folders that may read them: a file reads no schema of a later layer.
SCHEMA_RANK = {"raw": 0, "reference": 0, "ledger": 0, "staged": 1, "validated": 2}
SCHEMA_RANK |= {"tables": 3, "lineage": 3}
FOLDER_RANK = {"staged": 1, "validated": 2, "tables": 3, "trace": 3, "report": 3}
# The facts of the table checks: validation's second stage, after the tables and before
# the publication, reads the tables it checks.
AFTER_THE_TABLES = {"table_facts", "reconciliation_facts"}
SQL = PIPELINE.parent / "sql"


def schemas_read(path: Path) -> set[str]:
    code = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))  # not the comments
    return set(re.findall(r"\b(" + "|".join(SCHEMA_RANK) + r")\.[a-z_]+", code))


def test_no_sql_reads_a_later_layer():
    checked = 0
    for folder, rank in FOLDER_RANK.items():
        for path in sorted((SQL / folder).glob("*.sql")):
            allowed = SCHEMA_RANK["tables"] if path.stem in AFTER_THE_TABLES else rank
            later = {s for s in schemas_read(path) if SCHEMA_RANK[s] > allowed}
            assert not later, f"sql/{folder}/{path.name} reads {sorted(later)}"
            checked += 1
    assert checked >= 25
    assert sorted(p.name for p in SQL.iterdir() if p.is_dir()) == sorted(FOLDER_RANK)


def test_the_sql_check_sees_a_later_schema(tmp_path):
    model = tmp_path / "m.sql"
    model.write_text("-- validated.quarantine is not read here\nSELECT * FROM tables.cells\n")
    assert schemas_read(model) == {"tables"}


def test_a_table_reads_only_the_figures_of_tables_it_names():
    """A table whose SQL reads other tables' figures (`current_cells`) names them in its
    TOML (`reads`), so that it is derived after them: no ordering flag, no hidden order."""
    from pipeline.tables.spec import derivation_order, table_specs

    ids = {spec.id for spec in table_specs()}
    for spec in table_specs():
        code = re.sub(r"--[^\n]*", "", spec.sql_text())
        quoted = set(re.findall(r"'([a-z0-9_]+)'", code)) & ids
        reads_cells = "current_cells" in code
        assert reads_cells == bool(spec.reads), spec.id
        assert quoted <= set(spec.reads), (spec.id, sorted(quoted - set(spec.reads)))
    order = [spec.id for spec in derivation_order()]
    for spec in table_specs():
        assert all(order.index(r) < order.index(spec.id) for r in spec.reads), spec.id


def test_functions_stay_short():
    """No function of the pipeline runs much beyond 60 lines: a longer one is split into
    steps with names that say what they do."""
    long = []
    for path in sorted(PIPELINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > 65:
                    long.append(f"{path.relative_to(PIPELINE)}:{node.name} ({lines} lines)")
    assert long == []
