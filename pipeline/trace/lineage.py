"""Lineage: for every figure, the exact source rows behind it, and the figure recomputed
from those rows alone."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from pipeline.numbers import round_half_up
from pipeline.report.basis import is_synthetic
from pipeline.sqlfiles import create_macros
from pipeline.tables.derive import runs, years_with_data
from pipeline.tables.spec import table_specs

LINEAGE_SCHEMA = {
    "bidragsar": pl.Int32,
    "figure_id": pl.String,
    "table_id": pl.String,
    "role": pl.String,
    "kommunkod": pl.String,
    "kommun": pl.String,
    "submission_id": pl.String,
    "source_file": pl.String,
    "source_sha256": pl.String,
    "source_row": pl.Int32,
    "contribution": pl.Float64,
    "aggregation": pl.String,
    "cells": pl.String,
    "synthetic": pl.Boolean,
}

# A lineage query's rows with the figure id they belong to.
LINEAGE_SELECT = """
    _result.* REPLACE (CAST(_result.row_id AS VARCHAR) AS row_id, {col_id} AS col_id),
    {figure_id} AS figure_id"""


def derive_lineage(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """Every figure's source rows for a grant year (run after the tables)."""
    create_macros(con)
    available = years_with_data(con)
    names = dict(con.execute("SELECT kommunkod, kommun_namn FROM reference.kommuner").fetchall())
    frames, borrowed = [], []
    # What a table derived last read as `current_cells`: the year's tables.
    con.execute(
        "CREATE OR REPLACE TEMP VIEW current_cells AS "
        f"SELECT * FROM tables.cells WHERE bidragsar = {int(year)}"
    )
    for spec in table_specs():
        for run in runs(con, spec, year, available):
            sql, params = run.wrap(spec.lineage_text(), LINEAGE_SELECT)
            df = con.sql(sql, params=params).pl()
            if spec.borrows_lineage:
                borrowed.append(
                    df.select("figure_id", "source_figure").with_columns(table_id=pl.lit(spec.id))
                )
                continue
            synthetic = {r: is_synthetic(spec, r, year) for r in df["row_id"].unique()}
            frames.append(
                df.with_columns(
                    table_id=pl.lit(spec.id),
                    synthetic=pl.col("row_id").replace_strict(
                        synthetic, default=None, return_dtype=pl.Boolean
                    ),
                )
            )
    lineage = pl.concat(frames, how="diagonal_relaxed")
    if borrowed:  # a judgement's rows are those of the figure it rests on
        sources = pl.concat(borrowed)
        lineage = pl.concat(
            [
                lineage,
                sources.join(
                    lineage.drop("table_id").rename({"figure_id": "source_figure"}),
                    on="source_figure",
                ).drop("source_figure"),
            ],
            how="diagonal_relaxed",
        )
    con.execute("DROP VIEW IF EXISTS current_cells")
    lineage = lineage.with_columns(
        bidragsar=pl.lit(year, pl.Int32),
        kommun=pl.col("kommunkod").replace_strict(names, default=None, return_dtype=pl.String),
    )
    cells = con.execute("SELECT figure_id FROM tables.cells WHERE bidragsar = ?", [year]).fetchall()
    known = {c[0] for c in cells}
    return (
        lineage.filter(pl.col("figure_id").is_in(known))
        .select(list(LINEAGE_SCHEMA))
        .cast(LINEAGE_SCHEMA)
        .sort(
            "figure_id",
            "role",
            "source_file",
            "source_row",
            "contribution",
            "kommunkod",
            nulls_last=True,
        )
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


def write_lineage_file(lineage: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lineage.write_parquet(path)
    return path
