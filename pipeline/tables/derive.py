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

from pipeline.db import execute, fetch_one, replace_partitions_from, table_exists
from pipeline.sqlfiles import create_macros, sql_text
from pipeline.tables.basis import is_synthetic
from pipeline.tables.spec import Part, TableSpec, derivation_order, table_specs

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
    "aggregation": pl.String,  # how its source rows make it (sql/tables/_figures.sql)
}
DUCKDB_TYPES = {pl.Int32: "INTEGER", pl.Int64: "BIGINT", pl.Float64: "DOUBLE", pl.String: "VARCHAR"}


def years_with_data(con: duckdb.DuckDBPyConnection) -> set[int]:
    rows = con.execute("SELECT DISTINCT bidragsar FROM validated.respondents").fetchall()
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
    """One run of a table's SQL (its figures and their source rows): a part for one data
    year."""

    spec: TableSpec
    year: int  # the grant year derived
    part_no: int
    part: Part
    data_year: int
    params: dict[str, object]

    @property
    def key(self) -> str:
        """The run among all of the year's: its table, part and data year."""
        return f"{self.spec.id}/{self.part_no}/{self.data_year}"

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


# What a table's SQL yields (by name: a figure row and a source row each fill their own
# columns), with what the generic step adds: the run, the final column and the figure id.
ROW_SCHEMA = {
    "table_id": "VARCHAR",
    "run": "VARCHAR",  # the run that yielded it (Run.key)
    "figure_id": "VARCHAR",
    "base_col_id": "VARCHAR",
    "role": "VARCHAR",  # figure | numerator | denominator | value
    "row_order": "INTEGER",
    "row_id": "VARCHAR",
    "row_label": "VARCHAR",
    "col_id": "VARCHAR",
    "aggregation": "VARCHAR",
    "unit": "VARCHAR",
    "with_n": "BOOLEAN",
    "value": "DOUBLE",
    "denominator": "BIGINT",
    "source_figure": "VARCHAR",
    "kommunkod": "VARCHAR",
    "submission_id": "VARCHAR",
    "source_file": "VARCHAR",
    "source_sha256": "VARCHAR",
    "source_row": "INTEGER",
    "contribution": "DOUBLE",
    "cells": "VARCHAR",
}
ROWS_SELECT = """
    _result.* REPLACE (CAST(_result.row_id AS VARCHAR) AS row_id, {col_id} AS col_id),
    _result.col_id AS base_col_id, {figure_id} AS figure_id, $table_id AS table_id,
    $run AS run"""


def insert_run(con: duckdb.DuckDBPyConnection, run: Run) -> None:
    """One run of a table's SQL: its figure and source rows into current_rows, then its
    figures, made from those rows by the one generic step, into current_cells."""
    sql, params = run.wrap(run.spec.sql_text(), ROWS_SELECT)
    try:
        execute(con, f"INSERT INTO current_rows BY NAME {sql}", {**params, "run": run.key})
    except duckdb.Error as e:  # say which table's SQL, for which year
        hint = (
            " (a table's rows are figures and source rows with the columns of ROW_SCHEMA, "
            "pipeline/tables/derive.py)"
            if isinstance(e, duckdb.BinderException)
            else ""
        )
        raise ValueError(
            f"sql/tables/{run.spec.sql}.sql (table {run.spec.id}, {run.data_year}){hint}: {e}"
        ) from e
    figures = sql_text("tables/_figures")
    values = {
        "run": run.key,
        "year": run.year,
        "table_id": run.spec.id,
        "data_year": run.data_year,
        "part_offset": run.part_no * 1000,
        "part_label": run.part.label,
        "col_offset": (run.data_year - run.year + 10) * 100 if run.multi_year else 0,
        "label_suffix": f" {run.data_year}" if run.multi_year else "",
    }
    execute(con, f"INSERT INTO current_cells BY NAME {figures}", used_params(figures, values))


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


def create_current_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The year's rows and cells while they are derived (temporary tables: nothing leaves
    DuckDB)."""
    columns = ", ".join(f"{name} {DUCKDB_TYPES[dtype]}" for name, dtype in CELL_SCHEMA.items())
    execute(con, f"CREATE OR REPLACE TEMP TABLE current_cells ({columns})")
    columns = ", ".join(f"{name} {dtype}" for name, dtype in ROW_SCHEMA.items())
    execute(con, f"CREATE OR REPLACE TEMP TABLE current_rows ({columns})")


def drop_current_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("current_cells", "current_rows", "synthetic_rows"):
        execute(con, f"DROP TABLE IF EXISTS {name}")


def insert_table_cells(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, year: int, available: set[int]
) -> None:
    """One table's cells into current_cells: every part, every year it shows, labelled
    from its definition."""
    with labels(con, spec):
        for run in runs(con, spec, year, available):
            insert_run(con, run)
    if len(spec.years) > 1:
        execute(con, ONE_ROW_PER_ANSWER, {"table_id": spec.id})


def derive_table(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, year: int, available: set[int]
) -> pl.DataFrame:
    """One table's cells as a frame, by the step derive_year runs for every table."""
    create_macros(con)
    create_current_tables(con)
    try:
        insert_table_cells(con, spec, year, available)
        cells = con.sql("SELECT * FROM current_cells").pl()
    finally:
        drop_current_tables(con)
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
        if table_exists(con, "validated.failures")
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


def mark_synthetic_rows(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """`synthetic_rows`: the table rows whose source rows are synthetic, by the one rule
    for "synthetic" (pipeline/tables/basis.py), asked once per table row."""
    specs = {spec.id: spec for spec in table_specs()}
    pairs = con.execute(
        "SELECT DISTINCT table_id, row_id FROM current_rows WHERE role <> 'figure'"
    ).fetchall()
    marked = [(t, r) for t, r in pairs if is_synthetic(specs[t], r, year)]
    execute(con, "CREATE OR REPLACE TEMP TABLE synthetic_rows (table_id VARCHAR, row_id VARCHAR)")
    if marked:
        con.executemany("INSERT INTO synthetic_rows VALUES (?, ?)", marked)


def lineage_stats(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    stats = fetch_one(
        con,
        """SELECT count(*), count(DISTINCT figure_id), count(*) FILTER (WHERE synthetic),
                  count(DISTINCT {'file': source_file, 'row': source_row})
           FROM lineage.rows WHERE bidragsar = ?""",
        [year],
    )
    return dict(
        zip(("rows", "figures", "synthetic_rows", "distinct_source_rows"), stats, strict=True)
    )


def check_year_has_data(con: duckdb.DuckDBPyConnection, year: int, available: set[int]) -> None:
    if year not in available:
        raise ValueError(
            f"{year} has no return report that counts: every export file in "
            f"raw/returns/{year}/ was rejected or withdrawn, every report is in quarantine, "
            f"or the folder is empty.{why_nothing_counts(con, year)} The lines above and the "
            "run's validation report say more"
        )


def check_unique_figures(con: duckdb.DuckDBPyConnection) -> None:
    duplicated = con.execute(
        "SELECT figure_id FROM current_cells GROUP BY figure_id HAVING count(*) > 1 "
        "ORDER BY figure_id LIMIT 5"
    ).fetchall()
    if duplicated:
        raise ValueError(f"figure ids are not unique: {[d[0] for d in duplicated]}")


def derive_year(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, dict[str, int]]:
    """Derive every table of a grant year, in DuckDB: each table's SQL yields its figures'
    source rows, one generic step makes the figures from them (tables.cells), and those
    rows are the lineage (lineage.rows); both partitions replaced in one transaction.
    Nothing of the rows passes through Python, so memory stays within DuckDB's limit at
    any scale. A table that reads others (`reads`) finds them in `current_cells`. Returns
    the number of figures per table and the lineage's counts."""
    create_macros(con)
    available = years_with_data(con)
    check_year_has_data(con, year, available)
    create_current_tables(con)
    try:
        specs = derivation_order()
        for spec in specs:
            insert_table_cells(con, spec, year, available)
        check_unique_figures(con)
        mark_synthetic_rows(con, year)
        # a view takes no parameters: the year is written in
        lineage = sql_text("tables/_lineage").replace("$bidragsar", str(int(year)))
        execute(con, f"CREATE OR REPLACE TEMP VIEW year_lineage AS {lineage}")
        replace_partitions_from(
            con, {"tables.cells": "current_cells", "lineage.rows": "year_lineage"}, year
        )
        found = dict(
            con.execute("SELECT table_id, count(*) FROM current_cells GROUP BY ALL").fetchall()
        )
    finally:
        execute(con, "DROP VIEW IF EXISTS year_lineage")
        drop_current_tables(con)
    return {
        "tables": {spec.id: found.get(spec.id, 0) for spec in specs},
        "lineage": lineage_stats(con, year),
    }
