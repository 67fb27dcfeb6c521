"""Write the derived tables: one CSV per table and figures.csv, per grant year."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.tables.spec import table_specs

FIGURE_COLUMNS = ["figure_id", "table_id", "row_label", "col_label", "value", "denominator", "unit"]


def plain_number(value: pl.Expr) -> pl.Expr:
    """Numbers as text without a spurious ".0": 150, 85.9, 70.6."""
    return (
        pl.when(value == value.round(0))
        .then(value.cast(pl.Int64).cast(pl.String))
        .otherwise(value.cast(pl.String))
    )


def wide_table(cells: pl.DataFrame, as_text: bool = True) -> pl.DataFrame:
    """One table as printed: a row per row label, a column per column label."""
    if as_text:
        cells = cells.with_columns(value=plain_number(pl.col("value")))
    order = cells.select("col_label", "col_order").unique().sort("col_order")["col_label"]
    wide = cells.pivot(
        on="col_label",
        index=["row_order", "row_id", "row_label"],
        values="value",
        aggregate_function=None,
        sort_columns=False,
    )
    return wide.sort("row_order", "row_id").select(
        "row_id", "row_label", *[c for c in order if c in wide.columns]
    )


def write_tables(cells: pl.DataFrame, out_dir: Path) -> list[Path]:
    """build/<year>/tables/<table_id>.csv and build/<year>/figures.csv."""
    tables_dir = out_dir / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table_id in cells["table_id"].unique(maintain_order=True):
        path = tables_dir / f"{table_id}.csv"
        wide_table(cells.filter(pl.col("table_id") == table_id)).write_csv(path)
        written.append(path)
    figures = out_dir / "figures.csv"
    position = {s.id: s.position for s in table_specs()}
    (
        cells.with_columns(
            value=plain_number(pl.col("value")),
            _table=pl.col("table_id").replace_strict(position, return_dtype=pl.Int32),
        )
        .sort("_table", "row_order", "col_order", "figure_id")  # a total order
        .select(FIGURE_COLUMNS)
        .write_csv(figures)
    )
    written.append(figures)
    return written
