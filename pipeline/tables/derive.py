"""Derive every table of one grant year in DuckDB: one long table of cells, one row per
figure, labelled from the table definitions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline.db import execute, replace_rows_from, table_exists
from pipeline.sqlfiles import create_macros
from pipeline.tables.spec import Part, TableSpec, table_specs

CELL_SCHEMA = {
    "bidragsar": pl.Int32,
    "table_id": pl.String,
    "figure_id": pl.String,
    "row_order": pl.Int32,
    "row_id": pl.String,
    "row_label": pl.String,
    "col_order": pl.Int32,
    "col_id": pl.String,
    "col_label": pl.String,
    "value": pl.Float64,
    "denominator": pl.Int64,
    "unit": pl.String,
    "data_year": pl.Int32,
}
DUCKDB_TYPES = {pl.Int32: "INTEGER", pl.Int64: "BIGINT", pl.Float64: "DOUBLE", pl.String: "VARCHAR"}


def years_with_data(con: duckdb.DuckDBPyConnection) -> set[int]:
    rows = con.execute("SELECT DISTINCT bidragsar FROM staged.respondents").fetchall()
    return {r[0] for r in rows}


def used_params(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters a statement names (DuckDB refuses ones it does not use)."""
    used = set(re.findall(r"\$(\w+)", sql))
    return {k: v for k, v in params.items() if k in used}


def form_questions(con: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, set[str]]]:
    """Every question of a year's form with the ids it is the same as in earlier years,
    followed through each year's `same_as` (2026 → 2025 → 2024)."""
    rows = con.execute(
        "SELECT bidragsar, question_id, same_as FROM reference.form_questions WHERE bidragsar <= ?",
        [year],
    ).fetchall()
    same_as = {(y, qid): json.loads(m or "{}") for y, qid, m in rows}

    def earlier(y: int, qid: str) -> set[str]:
        found: set[str] = set()
        for y2, q2 in same_as.get((y, qid), {}).items():
            if int(y2) < y:  # a mapping points back in time, so the walk ends
                found |= {q2} | earlier(int(y2), q2)
        return found

    return [(qid, earlier(y, qid)) for y, qid, _ in rows if y == year]


def resolve_params(
    rows: list[tuple[str, set[str]]], params: dict[str, str]
) -> dict[str, str] | None:
    """The year's id of a table's question, given the year's questions and what each is
    the same as: the same id, or the question that is (through one year's form or several)
    the same as this one (e.g. 2025's samverkan_genomforande for 2024's samverkan). None
    when the year's form does not ask it: the table has no data that year."""
    question = params.get("question")
    if question is None:
        return params
    if any(qid == question for qid, _ in rows):
        return params
    for qid, aliases in rows:
        if question in aliases:
            return {**params, "question": qid, "question_key": question}
    return None


@dataclass(frozen=True)
class Run:
    """One run of a table's SQL (its values or its lineage): a part for one data year."""

    spec: TableSpec
    year: int  # the grant year derived
    part_no: int
    part: Part
    data_year: int
    params: dict[str, object]

    @property
    def multi_year(self) -> bool:
        return len(self.spec.years) > 1

    def wrap(self, sql: str, select: str) -> tuple[str, dict[str, object]]:
        """`select` over the result of `sql` (as `_result`), with the parameters both use.
        Adds the final column id ("andel_2024" where a table shows several years) and the
        figure id: <table>.<row>.<column>, or <table>.<row> for one-value tables."""
        col_id = "_result.col_id || '_' || $data_year" if self.multi_year else "_result.col_id"
        figure = "$table_id || '.' || CAST(_result.row_id AS VARCHAR)"
        if list(self.spec.columns) != ["varde"]:
            figure += f" || '.' || {col_id}"
        body = select.format(col_id=col_id, figure_id=figure)
        text = f"SELECT {body}\nFROM (\n{sql.strip().rstrip(';')}\n) AS _result"
        params = {**self.params, "table_id": self.spec.id, "data_year": self.data_year}
        return text, used_params(text, params)


def runs(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, year: int, available: set[int]
) -> Iterator[Run]:
    """Every part of a table for every year it shows that has data and asks its question."""
    shown = [year + offset for offset in spec.years if year + offset in available]
    questions = {data_year: form_questions(con, data_year) for data_year in shown}
    for part_no, part in enumerate(spec.parts):
        for data_year in shown:
            params = resolve_params(questions[data_year], part.params)
            if params is not None:
                yield Run(spec, year, part_no, part, data_year, {"bidragsar": data_year, **params})


# A table's result labelled from its definition (`_columns` and `_rows` hold its labels).
CELLS_SELECT = """
    CAST($year AS INTEGER) AS bidragsar,
    $table_id AS table_id,
    {figure_id} AS figure_id,
    CAST(_result.row_order AS INTEGER) + $part_offset AS row_order,
    CAST(_result.row_id AS VARCHAR) AS row_id,
    coalesce(_rows.row_label, CAST($part_label AS VARCHAR), CAST(_result.row_label AS VARCHAR))
        AS row_label,
    CAST(_columns.col_order + $col_offset AS INTEGER) AS col_order,
    {col_id} AS col_id,
    _columns.col_label || $label_suffix AS col_label,
    CAST(_result.value AS DOUBLE) AS value,
    CAST(_result.denominator AS BIGINT) AS denominator,
    CAST(_result.unit AS VARCHAR) AS unit,
    CAST($data_year AS INTEGER) AS data_year"""
CELLS_JOIN = """
JOIN _columns ON _columns.col_id = _result.col_id
LEFT JOIN _rows ON _rows.row_id = CAST(_result.row_id AS VARCHAR)"""


def cells_query(run: Run) -> tuple[str, dict[str, object]]:
    """The SQL of one run's cells, labelled as printed."""
    sql, params = run.wrap(run.spec.sql_text(), CELLS_SELECT)
    sql += CELLS_JOIN
    extra = {
        "year": run.year,
        "part_offset": run.part_no * 1000,
        "part_label": run.part.label,
        "col_offset": (run.data_year - run.year + 10) * 100 if run.multi_year else 0,
        "label_suffix": f" {run.data_year}" if run.multi_year else "",
    }
    return sql, {**params, **used_params(sql, extra)}


@contextmanager
def labels(con: duckdb.DuckDBPyConnection, spec: TableSpec) -> Iterator[None]:
    """A table's column and row labels as `_columns` and `_rows` on the connection."""
    columns = pl.DataFrame(
        {
            "col_id": list(spec.columns),
            "col_order": list(range(len(spec.columns))),
            "col_label": list(spec.columns.values()),
        },
        schema={"col_id": pl.String, "col_order": pl.Int32, "col_label": pl.String},
    )
    rows = pl.DataFrame(
        {"row_id": list(spec.rows), "row_label": list(spec.rows.values())},
        schema={"row_id": pl.String, "row_label": pl.String},
    )
    con.register("_columns", columns.to_arrow())
    con.register("_rows", rows.to_arrow())
    try:
        yield
    finally:
        con.unregister("_columns")
        con.unregister("_rows")


def create_current_cells(con: duckdb.DuckDBPyConnection) -> None:
    """The year's cells while they are derived (a temporary table: nothing leaves DuckDB)."""
    columns = ", ".join(f"{name} {DUCKDB_TYPES[dtype]}" for name, dtype in CELL_SCHEMA.items())
    execute(con, f"CREATE OR REPLACE TEMP TABLE current_cells ({columns})")


def insert_table_cells(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, year: int, available: set[int]
) -> None:
    """One table's cells into current_cells: every part, every year it shows, labelled
    from its definition."""
    with labels(con, spec):
        for run in runs(con, spec, year, available):
            sql, params = cells_query(run)
            execute(con, f"INSERT INTO current_cells BY NAME {sql}", params)
    if len(spec.years) > 1:
        execute(con, ONE_ROW_PER_ANSWER, {"table_id": spec.id})


def derive_table(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, year: int, available: set[int]
) -> pl.DataFrame:
    """One table's cells as a frame, by the step derive_year runs for every table."""
    create_current_cells(con)
    try:
        insert_table_cells(con, spec, year, available)
        cells = con.sql("SELECT * FROM current_cells").pl()
    finally:
        execute(con, "DROP TABLE IF EXISTS current_cells")
    return cells.cast(CELL_SCHEMA).sort("row_order", "col_order")


def why_nothing_counts(con: duckdb.DuckDBPyConnection, year: int) -> str:
    """The reasons reports of the year do not count, most frequent first, with an example."""
    rows = (
        con.execute(
            """SELECT coalesce(q.rule_id, 'fil'), count(*), min(q.message) FROM (
               SELECT split_part(f.rule_id, ',', 1) AS rule_id, f.message
               FROM validated.failures AS f
               WHERE f.bidragsar = ? AND f.severity = 'error') AS q
           GROUP BY ALL ORDER BY 2 DESC LIMIT 3""",
            [year],
        ).fetchall()
        if table_exists(con, "validated", "failures")
        else []
    )
    return "".join(f" {n} × {rule}, e.g. {example}." for rule, n, example in rows)


# A table that shows several years has one row per answer over all of them: the label
# and place of the latest year that has the answer (so a reworded option is one row, in
# the current form's order), answers only earlier years had after the current ones.
ONE_ROW_PER_ANSWER = """
UPDATE current_cells AS c
SET row_label = h.row_label, row_order = h.row_order
FROM (
    SELECT row_id, part, arg_max(row_label, data_year) AS row_label,
           CAST(part * 1000 + row_number() OVER (
               PARTITION BY part ORDER BY max(data_year) DESC, arg_max(row_order, data_year)
           ) - 1 AS INTEGER) AS row_order
    FROM (SELECT *, row_order // 1000 AS part FROM current_cells WHERE table_id = $table_id)
    GROUP BY row_id, part
) AS h
WHERE c.table_id = $table_id AND c.row_id = h.row_id AND c.row_order // 1000 = h.part
"""


def derive_year(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """Derive every table of a grant year into its partition of tables.cells, in DuckDB
    (nothing of the cells passes through Python, so memory stays within DuckDB's limit at
    any scale). Tables marked derive_last read the others from `current_cells`. Returns
    the number of figures per table."""
    create_macros(con)
    available = years_with_data(con)
    if year not in available:
        raise ValueError(
            f"{year} has no return report that counts: every export file in "
            f"raw/returns/{year}/ was rejected or withdrawn, every report is in quarantine, "
            f"or the folder is empty.{why_nothing_counts(con, year)} The lines above and the "
            "run's validation report say more"
        )
    create_current_cells(con)
    try:
        specs = sorted(table_specs(), key=lambda s: s.derive_last)
        for spec in specs:
            insert_table_cells(con, spec, year, available)
        found = dict(
            con.execute("SELECT table_id, count(*) FROM current_cells GROUP BY ALL").fetchall()
        )
        counts = {spec.id: found.get(spec.id, 0) for spec in specs}
        duplicated = con.execute(
            "SELECT figure_id FROM current_cells GROUP BY figure_id HAVING count(*) > 1 "
            "ORDER BY figure_id LIMIT 5"
        ).fetchall()
        if duplicated:
            raise ValueError(f"figure ids are not unique: {[d[0] for d in duplicated]}")
        replace_rows_from(con, "tables.cells", "current_cells", {"bidragsar": year})
    finally:
        execute(con, "DROP TABLE IF EXISTS current_cells")
    return counts
