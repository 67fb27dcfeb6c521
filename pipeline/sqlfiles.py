"""Run the SQL models under sql/: each file is one SELECT that defines one table."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from pipeline.config import SQL_DIR
from pipeline.db import add_new_columns, execute, fetch_one, transaction


def sql_text(name: str) -> str:
    """The SQL of a model, e.g. ``staged/answers``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


MACROS = SQL_DIR / "macros.sql"


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared macros of sql/macros.sql (temporary: per connection)."""
    execute(con, MACROS.read_text(encoding="utf-8"))


def sql_path(name: str) -> Path:
    return SQL_DIR / f"{name}.sql"


def sql_version(*paths: Path) -> str:
    """A Dagster code version of the files that define an asset (files, or every file of a
    folder: a table's SQL and TOML, with the shared macros): the UI marks its
    materializations stale when they change."""
    files = [MACROS]
    for path in paths:
        files += sorted(f for f in path.iterdir() if f.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()[:12]


def materialize_partition(con: duckdb.DuckDBPyConnection, name: str, year: int) -> int:
    """(Re)build one grant year of the table ``<schema>.<model>`` from ``sql/<name>.sql``.

    The year's old rows are replaced in one transaction; other years are untouched.
    Returns the number of rows written.
    """
    schema, table = name.split("/")
    select = sql_text(name)
    params = {"bidragsar": year}
    create_macros(con)
    execute(con, f"CREATE SCHEMA IF NOT EXISTS {schema}")
    execute(
        con,
        f"CREATE TABLE IF NOT EXISTS {schema}.{table} AS SELECT * FROM ({select}) LIMIT 0",
        params,
    )
    add_new_columns(con, f"{schema}.{table}", select, params)
    # DDL stays outside the transaction: DuckDB 2.0 loses the rows of a large INSERT
    # committed in the same transaction as a CREATE TABLE (seen at 10× scale).
    with transaction(con):
        execute(con, f"DELETE FROM {schema}.{table} WHERE bidragsar = $bidragsar", params)
        execute(con, f"INSERT INTO {schema}.{table} BY NAME {select}", params)
    return fetch_one(
        con, f"SELECT count(*) FROM {schema}.{table} WHERE bidragsar = $bidragsar", params
    )[0]
