"""Statements against the DuckDB warehouse: each run to completion, tables and partitions
replaced atomically. No Dagster here, so light commands can use it too."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import duckdb_config


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a warehouse file with the pipeline's settings (memory limit)."""
    return duckdb.connect(str(path), read_only=read_only, config=duckdb_config())


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> None:
    """Run a statement to completion. DuckDB 2 streams results lazily: a statement whose
    result is never consumed may not have run when the next one starts."""
    con.execute(sql, params or []).fetchall()


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple | None:
    """The first row of a query, with the result consumed (DuckDB 2 wants results finished
    before the connection runs anything else)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back when it raises. The
    block's own error is what the caller sees: when the failure already ended the
    transaction (a full disk does), the rollback's "no transaction is active" is dropped."""
    con.begin()
    try:
        yield con
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise
    con.commit()


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = qualified(table)
    return (
        fetch_one(
            con,
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?",
            [schema, name],
        )[0]
        > 0
    )


def qualified(table: str) -> tuple[str, str]:
    schema, _, name = table.partition(".")
    if not name:
        raise ValueError(f"table names are schema-qualified, got {table!r}")
    return schema, name


def replace_table(con: duckdb.DuckDBPyConnection, table: str, df: pl.DataFrame) -> None:
    """Replace a whole table with a frame, atomically."""
    schema, _ = qualified(table)
    execute(con, f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.register("incoming", df.to_arrow())
    try:  # one statement: atomic by itself
        execute(con, f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM incoming")
    finally:
        con.unregister("incoming")


def add_new_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    select: str,
    params: dict[str, object] | None = None,
) -> None:
    """A model that gained a column keeps the table's other years: add the column."""
    wanted = con.execute(f"DESCRIBE ({select})", params).fetchall()
    existing = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    for name, dtype, *_ in wanted:
        if name not in existing:
            execute(con, f'ALTER TABLE {table} ADD COLUMN "{name}" {dtype}')


def replace_rows(
    con: duckdb.DuckDBPyConnection, table: str, df: pl.DataFrame, where: dict[str, object]
) -> None:
    """Replace the rows matching `where` (column = value, …) with a frame, atomically."""
    con.register("incoming", df.to_arrow())
    try:
        replace_rows_from(con, table, "incoming", where)
    finally:
        con.unregister("incoming")


def replace_rows_from(
    con: duckdb.DuckDBPyConnection, table: str, source: str, where: dict[str, object]
) -> None:
    """Replace the rows matching `where` with every row of the relation `source` (a table or
    a registered frame on this connection), atomically."""
    replace_many_from(con, {table: source}, where)


def replace_partitions_from(
    con: duckdb.DuckDBPyConnection, sources: dict[str, str], year: int
) -> None:
    """Replace one grant year's rows of several tables, each from its relation, in one
    transaction: a reader sees all of them old or all of them new."""
    replace_many_from(con, sources, {"bidragsar": year})


def replace_many_from(
    con: duckdb.DuckDBPyConnection, sources: dict[str, str], where: dict[str, object]
) -> None:
    """Replace the rows matching `where` of each table with its relation, atomically."""
    condition = " AND ".join(f"{column} = ?" for column in where)
    for table, source in sources.items():
        schema, _ = qualified(table)
        execute(con, f"CREATE SCHEMA IF NOT EXISTS {schema}")
        # DDL stays outside the transaction: DuckDB 2.0 loses the rows of a large INSERT
        # committed in the same transaction as a CREATE TABLE (seen at 10× scale).
        execute(con, f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM {source} LIMIT 0")
        add_new_columns(con, table, f"SELECT * FROM {source}")
    with transaction(con):
        for table, source in sources.items():
            execute(con, f"DELETE FROM {table} WHERE {condition}", list(where.values()))
            execute(con, f"INSERT INTO {table} BY NAME SELECT * FROM {source}")


def replace_partition(
    con: duckdb.DuckDBPyConnection, table: str, year: int, df: pl.DataFrame
) -> None:
    """Replace one grant year's rows of a table, atomically; other years stay as they are."""
    replace_rows(con, table, df, {"bidragsar": year})
