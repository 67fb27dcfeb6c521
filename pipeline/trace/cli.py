"""`python -m pipeline trace <figure-id>`: a figure, its definition, its source rows, and the
figure recomputed from those rows alone."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import TextIO

import duckdb
import polars as pl

from pipeline.config import year_dir
from pipeline.freshness import unpublished_derivation
from pipeline.swedish import in_text
from pipeline.tables.basis import is_synthetic
from pipeline.tables.spec import table_spec
from pipeline.trace.lineage import recompute


class UnknownFigure(LookupError):
    def __init__(self, figure_id: str, suggestions: list[str]) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown figure id {figure_id!r}.{hint} (`trace --list` lists every figure id)"
        )
        self.suggestions = suggestions


def figure_ids(con: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT table_id, figure_id FROM tables.cells WHERE bidragsar = ? "
        "ORDER BY table_id, row_order, col_order, figure_id",
        [year],
    ).fetchall()


def list_figures(con: duckdb.DuckDBPyConnection, year: int, out=sys.stdout) -> None:
    current = None
    for table_id, figure_id in figure_ids(con, year):
        if table_id != current:
            spec = table_spec(table_id)
            print(f"\n{table_id}: {spec.number}. {spec.title}", file=out)
            current = table_id
        print(f"  {figure_id}", file=out)


def published_value(year: int, figure_id: str) -> float | None:
    """The figure as the year's published version has it (build/<year>/figures.csv)."""
    path = year_dir(year) / "figures.csv"
    if not path.exists():
        return None
    found = (
        pl.read_csv(path, infer_schema_length=None)
        .filter(pl.col("figure_id") == figure_id)["value"]
        .to_list()
    )
    return float(found[0]) if found and found[0] is not None else None


def figure_cell(con: duckdb.DuckDBPyConnection, year: int, figure_id: str) -> dict:
    """A published figure's row of tables.cells; UnknownFigure (with the ids that look
    like it) when the year has none of that id."""
    found = con.sql(
        "SELECT * FROM tables.cells WHERE bidragsar = $y AND figure_id = $f",
        params={"y": year, "f": figure_id},
    ).pl()
    if found.is_empty():
        ids = [f for _, f in figure_ids(con, year)]
        raise UnknownFigure(figure_id, difflib.get_close_matches(figure_id, ids, n=5, cutoff=0.6))
    return found.row(0, named=True)


def print_definition(cell: dict, year: int, out: TextIO) -> None:
    """What the figure is: its table, row and column, population, definition and basis."""
    spec = table_spec(cell["table_id"])
    n = f"; denominator: {cell['denominator']}" if cell["denominator"] is not None else ""
    synthetic = is_synthetic(spec, cell["row_id"], year)
    basis = "SYNTHETIC answers (not the municipalities' real answers)" if synthetic else None
    print(f"{cell['figure_id']} = {in_text(cell['value'], cell['unit'])}  ({year})", file=out)
    print(f"  {spec.number}. {spec.title}", file=out)
    print(f"  row: {cell['row_label']}; column: {cell['col_label']}", file=out)
    print(f"  population: {spec.population_label}{n}", file=out)
    print(f"  definition: sql/tables/{spec.sql}.sql (the figures and their source rows)", file=out)
    print(f"  data: {basis or 'real figures'}", file=out)


def print_rows(rows: pl.DataFrame, out: TextIO) -> None:
    """Every source row, with its role, municipality, submission, file, row and cells."""
    by_role = ", ".join(f"{n} {r}" for r, n in rows.group_by("role").len().sort("role").iter_rows())
    print(f"  source rows: {rows.height} ({by_role})", file=out)
    shown = rows.select(
        "role", "kommunkod", "kommun", "submission_id", "source_file", "source_row", "cells",
        "contribution",
    )  # fmt: skip
    with pl.Config(
        tbl_rows=-1,
        tbl_width_chars=160,
        fmt_str_lengths=60,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        print(shown, file=out)


def trace(
    con: duckdb.DuckDBPyConnection,
    year: int,
    figure_id: str,
    out: TextIO = sys.stdout,
    csv_path: Path | None = None,
) -> bool:
    """Print the trace of one figure; returns whether the recomputed value matches."""
    cell = figure_cell(con, year, figure_id)
    rows = con.sql(
        "SELECT * FROM lineage.rows WHERE bidragsar = $y AND figure_id = $f "
        "ORDER BY role DESC, source_file, source_row, contribution, kommunkod",
        params={"y": year, "f": figure_id},
    ).pl()
    recomputed = recompute(rows.to_dicts(), cell["aggregation"])
    unpublished = unpublished_derivation(con, year)
    matches = recomputed == cell["value"] and unpublished is None
    print_definition(cell, year, out)
    print_rows(rows, out)
    if unpublished is not None:
        published = published_value(year, figure_id)
        print(
            f"  NOT PUBLISHED: {unpublished}. These rows and the value {cell['value']} are that "
            f"unpublished derivation's; the published value is "
            f"{published if published is not None else 'not available'}.",
            file=out,
        )
        print(f"  recomputed from these rows alone: {recomputed}", file=out)
    else:
        verdict = "matches" if matches else "DOES NOT MATCH"
        print(
            f"  recomputed from these rows alone: {recomputed} — {verdict} the published value "
            f"{cell['value']}",
            file=out,
        )
    if csv_path is not None:
        rows.write_csv(csv_path)
        print(f"  wrote {csv_path}", file=out)
    return matches
