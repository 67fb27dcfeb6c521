"""Ingest return-report exports into the warehouse's raw layer, append-only.

raw.export_files holds one row per file version seen (by SHA-256), loaded or rejected;
raw.return_cells holds every non-empty cell of every loaded file with its provenance.
Nothing is ever updated or deleted: a file seen before (same SHA-256) is skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.db import execute, fetch_one, replace_rows
from pipeline.forms import Form
from pipeline.raw.exports import ExportRejected, read_export
from pipeline.raw.provenance import display_path, sha256_of

DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.export_files (
    bidragsar INTEGER, source_file VARCHAR, source_sha256 VARCHAR, status VARCHAR,
    reason VARCHAR, format VARCHAR, encoding VARCHAR, delimiter VARCHAR, rows INTEGER,
    ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS raw.return_cells (
    bidragsar INTEGER, source_file VARCHAR, source_sha256 VARCHAR, source_row INTEGER,
    column_name VARCHAR, value VARCHAR, ingested_at TIMESTAMP);
"""


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: str  # loaded | skipped | rejected
    rows: int = 0
    reason: str = ""


def export_files(folder: Path) -> list[Path]:
    """Every file in the year's folder, in name order (hidden and Office lock files
    ignored); one that is not an export is rejected with its reason, not skipped silently."""
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def ingest_folder(
    con: duckdb.DuckDBPyConnection, folder: Path, form: Form, other_forms: dict[int, Form]
) -> list[FileOutcome]:
    """Ingest every export of a year's folder; record what the folder holds now."""
    execute(con, DDL)
    outcomes = [ingest_file(con, path, form, other_forms) for path in export_files(folder)]
    state = pl.DataFrame(
        [
            (
                form.year,
                o.path,
                "rejected" if o.status == "rejected" else "loaded",
                o.reason or None,
                o.rows,
            )
            for o in outcomes
        ],
        schema={
            "bidragsar": pl.Int32,
            "source_file": pl.String,
            "status": pl.String,
            "reason": pl.String,
            "rows": pl.Int32,
        },
        orient="row",
    )
    replace_rows(con, "raw.export_folder_state", state, {"bidragsar": form.year})
    return outcomes


def ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, form: Form, other_forms: dict[int, Form]
) -> FileOutcome:
    name, sha = display_path(path), sha256_of(path)
    seen = fetch_one(
        con,
        "SELECT status, rows, reason FROM raw.export_files WHERE bidragsar = ? "
        "AND source_file = ? AND source_sha256 = ?",
        [form.year, name, sha],
    )
    if seen:
        status = "rejected" if seen[0] == "rejected" else "skipped"
        return FileOutcome(name, status, seen[1] or 0, seen[2] or "")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    try:
        export = read_export(path, form, other_forms)
    except ExportRejected as e:
        execute(
            con,
            "INSERT INTO raw.export_files VALUES (?, ?, ?, 'rejected', ?, NULL, NULL, NULL, 0, ?)",
            [form.year, name, sha, e.reason, now],
        )
        return FileOutcome(name, "rejected", 0, e.reason)
    con.begin()
    try:
        # One row per non-empty cell, unpivoted by DuckDB (streaming: a file of a
        # quarter of a million reports stays within a few hundred MB).
        con.register("incoming_rows", export.table.to_arrow())
        execute(
            con,
            """INSERT INTO raw.return_cells BY NAME
               SELECT ?::INTEGER AS bidragsar, ? AS source_file, ? AS source_sha256,
                      source_row, column_name, value, ?::TIMESTAMP AS ingested_at
               FROM (UNPIVOT incoming_rows ON COLUMNS(* EXCLUDE (source_row))
                     INTO NAME column_name VALUE value)""",
            [form.year, name, sha, now],
        )
        con.unregister("incoming_rows")
        execute(
            con,
            "INSERT INTO raw.export_files VALUES (?, ?, ?, 'loaded', NULL, ?, ?, ?, ?, ?)",
            [
                form.year,
                name,
                sha,
                export.format,
                export.encoding,
                export.delimiter,
                export.row_count,
                now,
            ],
        )
        con.commit()
    except Exception:
        con.rollback()
        raise
    return FileOutcome(name, "loaded", export.row_count)
