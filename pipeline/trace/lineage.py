"""Lineage: for every figure, the exact source rows behind it, and the figure recomputed
from those rows alone."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from pipeline.db import execute, fetch_one, replace_rows_from
from pipeline.numbers import round_half_up
from pipeline.sqlfiles import create_macros, sql_text
from pipeline.tables.basis import is_synthetic
from pipeline.tables.derive import runs, years_with_data
from pipeline.tables.spec import table_specs

# A lineage query's rows with the figure id they belong to.
LINEAGE_SELECT = """
    _result.* REPLACE (CAST(_result.row_id AS VARCHAR) AS row_id, {col_id} AS col_id),
    {figure_id} AS figure_id"""


# The lineage of the year being derived, before names and the synthetic mark are added.
STAGING_COLUMNS = """row_id VARCHAR, col_id VARCHAR, figure_id VARCHAR, table_id VARCHAR,
    role VARCHAR, kommunkod VARCHAR, submission_id VARCHAR, source_file VARCHAR,
    source_sha256 VARCHAR, source_row INTEGER, contribution DOUBLE, aggregation VARCHAR,
    cells VARCHAR"""


def derive_lineage(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """Every figure's source rows for a grant year (run after the tables), written to
    lineage.rows in DuckDB (tens of millions of rows at scale never pass through Python).
    Returns what the materialization reports."""
    create_macros(con)
    available = years_with_data(con)
    specs = {spec.id: spec for spec in table_specs()}
    execute(con, f"CREATE OR REPLACE TEMP TABLE new_lineage ({STAGING_COLUMNS})")
    execute(
        con,
        "CREATE OR REPLACE TEMP TABLE borrowed "
        "(figure_id VARCHAR, source_figure VARCHAR, table_id VARCHAR)",
    )
    # What a table derived last read as `current_cells`: the year's tables.
    execute(
        con,
        "CREATE OR REPLACE TEMP VIEW current_cells AS "
        f"SELECT * FROM tables.cells WHERE bidragsar = {int(year)}",
    )
    for spec in specs.values():
        target = "borrowed" if spec.borrows_lineage else "new_lineage"
        columns = "figure_id, source_figure" if spec.borrows_lineage else "*"
        for run in runs(con, spec, year, available):
            sql, params = run.wrap(spec.lineage_text(), LINEAGE_SELECT)
            execute(
                con,
                f"INSERT INTO {target} BY NAME SELECT {columns}, '{spec.id}' AS table_id "
                f"FROM ({sql})",
                params,
            )
    # One rule for "synthetic" (pipeline/tables/basis.py), asked once per table row.
    pairs = con.execute("SELECT DISTINCT table_id, row_id FROM new_lineage").fetchall()
    marked = [(t, r) for t, r in pairs if is_synthetic(specs[t], r, year)]
    execute(con, "CREATE OR REPLACE TEMP TABLE synthetic_rows (table_id VARCHAR, row_id VARCHAR)")
    if marked:
        con.executemany("INSERT INTO synthetic_rows VALUES (?, ?)", marked)
    execute(
        con,
        "CREATE OR REPLACE TEMP VIEW year_lineage AS "
        # a view takes no parameters: the year is written in
        + sql_text("lineage/_year_lineage").replace("$bidragsar", str(int(year))),
    )
    replace_rows_from(con, "lineage.rows", "year_lineage", {"bidragsar": year})
    stats = fetch_one(
        con,
        """SELECT count(*), count(DISTINCT figure_id), count(*) FILTER (WHERE synthetic),
                  count(DISTINCT {'file': source_file, 'row': source_row})
           FROM lineage.rows WHERE bidragsar = ?""",
        [year],
    )
    for kind, name in (
        ("VIEW", "year_lineage"),
        ("VIEW", "current_cells"),
        ("TABLE", "new_lineage"),
        ("TABLE", "borrowed"),
        ("TABLE", "synthetic_rows"),
    ):
        execute(con, f"DROP {kind} IF EXISTS {name}")
    return dict(
        zip(("rows", "figures", "synthetic_rows", "distinct_source_rows"), stats, strict=True)
    )


def recompute(rows: Iterable[dict]) -> float | None:
    """A figure from its lineage rows alone."""
    rows = list(rows)
    if not rows:
        return None
    num = [r["contribution"] for r in rows if r["role"] in ("numerator", "value")]
    den = [r["contribution"] for r in rows if r["role"] == "denominator"]
    return from_sums(rows[0]["aggregation"], len(num), sum(num), max(num, default=0), sum(den))


def from_sums(
    aggregation: str, count: int, total: float, largest: float, denominator: float
) -> float | None:
    """A figure from the sums of its rows: numerator (and value) rows' count, sum and
    largest contribution, and the denominator rows' sum."""
    match aggregation:
        case "count":
            return float(count)
        case "sum":
            return float(total)
        case "max":
            return float(largest)
        case "share":
            return float(round_half_up(100 * total / denominator)) if denominator else None
        case "mkr":
            return float(round_half_up(total / 1_000_000, 1))
        case "round1000":
            return float(round(total, -3))
        case "per1000":
            return float(round_half_up(1000 * total / denominator, 1)) if denominator else None
    raise ValueError(f"unknown aggregation {aggregation!r}")
