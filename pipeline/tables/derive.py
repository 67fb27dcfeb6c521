"""Derive every table of one grant year in DuckDB into one long frame of cells."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import duckdb
import polars as pl

from pipeline.config import SQL_DIR
from pipeline.db import execute
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


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    execute(con, (SQL_DIR / "macros.sql").read_text(encoding="utf-8"))


def years_with_data(con: duckdb.DuckDBPyConnection) -> set[int]:
    rows = con.execute("SELECT DISTINCT bidragsar FROM staged.respondents").fetchall()
    return {r[0] for r in rows}


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pl.DataFrame:
    """Run a table's SQL with only the parameters it names."""
    used = set(re.findall(r"\$(\w+)", sql))
    return con.sql(sql, params={k: v for k, v in params.items() if k in used}).pl()


def resolve_params(
    con: duckdb.DuckDBPyConnection, year: int, params: dict[str, str]
) -> dict[str, str] | None:
    """The year's id of a table's question: the same id, or the question whose form says it
    is the same as this one (`same_as`, e.g. 2025's samverkan_genomforande for samverkan).
    None when the year's form does not ask it: the table has no data that year."""
    question = params.get("question")
    if question is None:
        return params
    rows = con.execute(
        "SELECT question_id, same_as FROM reference.form_questions WHERE bidragsar = ?", [year]
    ).fetchall()
    if any(qid == question for qid, _ in rows):
        return params
    for qid, same_as in rows:
        if question in json.loads(same_as or "{}").values():
            return {**params, "question": qid, "question_key": question}
    return None


def identify(spec: TableSpec, df: pl.DataFrame, multi_year: bool) -> pl.DataFrame:
    """Final column ids ("andel_2024" where a table shows several years) and figure ids:
    <table>.<row>.<column>, or <table>.<row> for one-value tables such as the text."""
    if multi_year:
        df = df.with_columns(col_id=pl.col("col_id") + "_" + pl.col("data_year").cast(pl.String))
    figure = (
        (pl.lit(f"{spec.id}.") + pl.col("row_id"))
        if list(spec.columns) == ["varde"]
        else (pl.lit(f"{spec.id}.") + pl.col("row_id") + pl.lit(".") + pl.col("col_id"))
    )
    return df.with_columns(figure_id=figure)


def runs(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, sql: str, year: int, available: set[int]
) -> Iterator[tuple[int, Part, int, pl.DataFrame]]:
    """Run a table's SQL (its values or its lineage) for every part and every year the table
    shows; yields (part number, part, data year, result) for non-empty results."""
    for part_no, part in enumerate(spec.parts):
        for offset in spec.years:
            data_year = year + offset
            if data_year not in available:
                continue
            params = resolve_params(con, data_year, part.params)
            if params is None:
                continue
            df = run_sql(con, sql, {"bidragsar": data_year, **params})
            if not df.is_empty():
                yield part_no, part, data_year, df


def derive_table(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, year: int, available: set[int]
) -> pl.DataFrame:
    """One table's cells: every part, every year it shows, labelled from its definition."""
    multi_year = len(spec.years) > 1
    frames = []
    for part_no, part, data_year, df in runs(con, spec, spec.sql_text(), year, available):
        df = df.with_columns(
            pl.lit(data_year, pl.Int32).alias("data_year"),
            (pl.col("row_order").cast(pl.Int32) + part_no * 1000).alias("row_order"),
            pl.col("row_label").cast(pl.String),
        )
        if part.label is not None:
            df = df.with_columns(row_label=pl.lit(part.label))
        frames.append(df)
    if not frames:
        return pl.DataFrame(schema=CELL_SCHEMA)
    df = pl.concat(frames, how="diagonal_relaxed")
    columns = list(spec.columns)
    df = df.filter(pl.col("col_id").is_in(columns))
    label_suffix = (pl.lit(" ") + pl.col("data_year").cast(pl.String)) if multi_year else pl.lit("")
    df = df.with_columns(
        col_order=(
            pl.col("col_id").replace_strict(
                {c: i for i, c in enumerate(columns)}, return_dtype=pl.Int32
            )
            + (pl.col("data_year") - year + 10) * 100 * int(multi_year)
        ),
        col_label=pl.col("col_id").replace_strict(spec.columns, return_dtype=pl.String)
        + label_suffix,
        row_label=pl.col("row_id").replace_strict(
            spec.rows, default=pl.col("row_label"), return_dtype=pl.String
        ),
    )
    df = identify(spec, df, multi_year).with_columns(
        bidragsar=pl.lit(year, pl.Int32),
        table_id=pl.lit(spec.id),
        value=pl.col("value").cast(pl.Float64),
        denominator=pl.col("denominator").cast(pl.Int64),
    )
    return df.select(list(CELL_SCHEMA)).cast(CELL_SCHEMA).sort("row_order", "col_order")


def derive_year(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """All tables of a grant year as cells; tables marked derive_last see the others."""
    create_macros(con)
    available = years_with_data(con)
    if year not in available:
        raise ValueError(f"no staged return reports for {year}")
    cells = pl.DataFrame(schema=CELL_SCHEMA)
    specs = sorted(table_specs(), key=lambda s: s.derive_last)
    for spec in specs:
        con.register("current_cells", cells.to_arrow())
        cells = pl.concat([cells, derive_table(con, spec, year, available)])
        con.unregister("current_cells")
    duplicated = cells.filter(pl.col("figure_id").is_duplicated())["figure_id"].unique()
    if len(duplicated):
        raise ValueError(f"figure ids are not unique: {duplicated.to_list()[:5]}")
    return cells
