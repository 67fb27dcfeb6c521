"""The DuckDB warehouse: one embedded file, written by one process at a time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from pipeline.config import warehouse_path
from pipeline.db import connect


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file (``HALSOSAMTAL_WAREHOUSE`` moves it)."""

    path: str = ""

    @property
    def file(self) -> Path:
        return Path(self.path) if self.path else warehouse_path()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        con = connect(self.file, read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: list | None = None) -> pl.DataFrame:
        """Run one read-only query and return its result as a Polars frame."""
        with self.connect(read_only=True) as con:
            return con.sql(sql, params=params).pl()
