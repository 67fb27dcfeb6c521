"""Warehouse writes keep every row, also past DuckDB's row-group size (122 880 rows):
DuckDB 2.0 lost the rows of a large INSERT committed in the same transaction as a CREATE
TABLE, which the 10× benchmark found."""

from __future__ import annotations

import duckdb
import polars as pl

import pipeline.sqlfiles as sqlfiles
from pipeline.db import replace_partition


def test_large_partition_replaced_twice_keeps_every_row(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    df = pl.DataFrame(
        {"bidragsar": [2024] * 300_000, "i": range(300_000)},
        schema={"bidragsar": pl.Int32, "i": pl.Int64},
    )
    for _ in range(2):
        replace_partition(con, "demo.big", 2024, df)
        assert con.execute("SELECT count(*), sum(i) FROM demo.big").fetchall() == [
            (300_000, sum(range(300_000)))
        ]
    replace_partition(con, "demo.big", 2023, df.with_columns(bidragsar=pl.lit(2023, pl.Int32)))
    assert con.execute("SELECT count(*) FROM demo.big").fetchall() == [(600_000,)]


def test_large_sql_model_materialized_twice_keeps_every_row(tmp_path, monkeypatch):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "big.sql").write_text(
        "SELECT CAST($bidragsar AS INTEGER) AS bidragsar, range AS i FROM range(300000)"
    )
    monkeypatch.setattr(sqlfiles, "SQL_DIR", tmp_path)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for _ in range(2):
        assert sqlfiles.materialize_partition(con, "demo/big", 2024) == 300_000
    assert con.execute("SELECT count(*) FROM demo.big").fetchall() == [(300_000,)]
