"""Ingest return-report exports into the warehouse's raw layer, append-only.

raw.export_files holds one row per file version seen (by SHA-256), loaded or rejected;
raw.return_cells holds every non-empty cell of every loaded file with its provenance;
raw.export_folder_state says which file versions the year's folder holds now (with the
SHA-256 of the bytes that were read), and raw.withdrawals the rows an analyst withdrew.
Nothing is ever updated or deleted: a file seen before (same SHA-256) is skipped, and the
staged tables read only the file versions the folder holds now.

Every entry of the folder gets an outcome: a folder, a symbolic link (never followed), a
name that is not UTF-8 or a file that cannot be read is rejected with its reason, and the
rest of the folder still loads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.db import execute, fetch_one, replace_rows, transaction
from pipeline.forms import Form
from pipeline.raw.exports import ExportRead, ExportRejected, check_header, read_export
from pipeline.raw.provenance import display_path, entry_digest, sha256_bytes

DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.export_files (
    bidragsar INTEGER, source_file VARCHAR, source_sha256 VARCHAR, status VARCHAR,
    reason VARCHAR, format VARCHAR, encoding VARCHAR, delimiter VARCHAR, rows INTEGER,
    ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS raw.return_cells (
    bidragsar INTEGER, source_file VARCHAR, source_sha256 VARCHAR, source_row INTEGER,
    column_name VARCHAR, value VARCHAR, ingested_at TIMESTAMP, is_formula BOOLEAN);
CREATE TABLE IF NOT EXISTS raw.export_folder_state (
    bidragsar INTEGER, source_file VARCHAR, source_sha256 VARCHAR, status VARCHAR,
    reason VARCHAR, rows INTEGER);
CREATE TABLE IF NOT EXISTS raw.withdrawals (
    bidragsar INTEGER, source_file VARCHAR, source_row INTEGER, reason VARCHAR,
    withdrawn_by VARCHAR, withdrawn_on VARCHAR, withdrawal_row INTEGER);
ALTER TABLE raw.return_cells ADD COLUMN IF NOT EXISTS is_formula BOOLEAN;
ALTER TABLE raw.export_files ADD COLUMN IF NOT EXISTS header VARCHAR;
ALTER TABLE raw.export_folder_state ADD COLUMN IF NOT EXISTS source_sha256 VARCHAR;
ALTER TABLE raw.export_folder_state ADD COLUMN IF NOT EXISTS reason_sv VARCHAR;
"""
FOLDER_STATE = {
    "bidragsar": pl.Int32,
    "source_file": pl.String,
    "source_sha256": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "rows": pl.Int32,
    "reason_sv": pl.String,  # the reason in Swedish (validering.html)
}
WITHDRAWALS = {
    "bidragsar": pl.Int32,
    "source_file": pl.String,
    "source_row": pl.Int32,
    "reason": pl.String,
    "withdrawn_by": pl.String,
    "withdrawn_on": pl.String,
    "withdrawal_row": pl.Int32,
}
FOLDER_STATUS = {"rejected": "rejected", "withdrawn": "withdrawals"}
WITHDRAWAL_COLUMNS = ("file", "row", "reason", "withdrawn_by", "withdrawn_on")


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: str  # loaded | skipped | rejected | withdrawn
    rows: int = 0
    reason: str = ""
    sha256: str = ""
    reason_sv: str = ""


def export_files(folder: Path) -> list[Path]:
    """Every entry of the year's folder, in name order (hidden and Office lock files
    ignored); one that is not an export file is rejected with its reason, not skipped."""
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if not p.name.startswith((".", "~$"))),
        key=lambda p: os.fsencode(p.name),
    )


def read_entry(path: Path) -> bytes:
    """The bytes of a regular file of the folder, or why the entry cannot be an export."""
    try:
        os.fsencode(path.name).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ExportRejected(
            path,
            "the file name is not valid UTF-8 (its bytes are shown escaped): rename it",
            "filnamnet är inte giltig UTF-8 (dess byte visas kodade): byt namn på filen",
        ) from e
    if path.is_symlink():
        raise ExportRejected(
            path,
            "the entry is a symbolic link: links are never followed (only files inside raw/ "
            "are read); copy the export itself into the folder",
            "posten är en symbolisk länk: länkar följs aldrig (bara filer i raw/ läses); "
            "kopiera själva exportfilen till mappen",
        )
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ExportRejected(
                path,
                "the entry is a folder, not an export file: move it out of the folder",
                "posten är en mapp, inte en exportfil: flytta den ur mappen",
            )
        if not stat.S_ISREG(mode):
            raise ExportRejected(
                path, "the entry is not a regular file", "posten är ingen vanlig fil"
            )
        return path.read_bytes()
    except OSError as e:
        raise ExportRejected(
            path,
            f"the file cannot be read ({e.strerror}): check its permissions",
            f"filen går inte att läsa ({e.strerror}): kontrollera dess behörigheter",
        ) from e


def ingest_folder(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    form: Form,
    other_forms: dict[int, Form],
    withdrawals: Path | None = None,
) -> list[FileOutcome]:
    """Ingest every export of a year's folder; record what the folder holds now."""
    execute(con, DDL)
    outcomes = [ingest_file(con, path, form, other_forms) for path in export_files(folder)]
    if withdrawals is not None:
        outcomes.append(load_withdrawals(con, withdrawals, form.year, folder))
    state = pl.DataFrame(
        [
            (
                form.year,
                o.path,
                o.sha256,
                FOLDER_STATUS.get(o.status, "loaded"),
                o.reason or None,
                o.rows,
                o.reason_sv or None,
            )
            for o in outcomes
            if o.sha256  # a withdrawal list that does not exist is not an input
        ],
        schema=FOLDER_STATE,
        orient="row",
    )
    replace_rows(con, "raw.export_folder_state", state, {"bidragsar": form.year})
    return outcomes


def recheck_loaded(
    path: Path, seen: tuple, data: bytes, form: Form, other_forms: dict[int, Form]
) -> ExportRejected | None:
    """A file loaded before: its columns are checked against the form as it is now (the
    form may have changed since), at every build."""
    try:
        header = json.loads(seen[3]) if seen[3] else read_export(path, form, {}, data).header
        check_header(path, header, form, other_forms)
    except ExportRejected as e:
        return e
    return None


def store_export(
    con: duckdb.DuckDBPyConnection, export: ExportRead, year: int, name: str, sha: str
) -> None:
    """A read export into raw.return_cells (one row per non-empty cell, unpivoted by
    DuckDB, streaming: a file of a quarter of a million reports stays within a few hundred
    MB), its formulas and its row of raw.export_files, in one transaction."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with transaction(con):
        con.register("incoming_rows", export.table.to_arrow())
        execute(
            con,
            """INSERT INTO raw.return_cells BY NAME
               SELECT ?::INTEGER AS bidragsar, ? AS source_file, ? AS source_sha256,
                      source_row, column_name, value, ?::TIMESTAMP AS ingested_at,
                      false AS is_formula
               FROM (UNPIVOT incoming_rows ON COLUMNS(* EXCLUDE (source_row))
                     INTO NAME column_name VALUE value)""",
            [year, name, sha, now],
        )
        con.unregister("incoming_rows")
        store_formulas(con, year, name, sha, export.formulas, now)
        execute(
            con,
            "INSERT INTO raw.export_files BY NAME SELECT ? AS bidragsar, ? AS source_file, "
            "? AS source_sha256, 'loaded' AS status, ? AS format, ? AS encoding, "
            "? AS delimiter, ? AS rows, ?::TIMESTAMP AS ingested_at, ? AS header",
            [year, name, sha, export.format, export.encoding, export.delimiter,
             export.row_count, now, json.dumps(export.header, ensure_ascii=False)],
        )  # fmt: skip


def record_rejected(
    con: duckdb.DuckDBPyConnection, year: int, name: str, sha: str, reason: str
) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    execute(
        con,
        "INSERT INTO raw.export_files BY NAME SELECT ? AS bidragsar, ? AS source_file, "
        "? AS source_sha256, 'rejected' AS status, ? AS reason, 0 AS rows, "
        "?::TIMESTAMP AS ingested_at",
        [year, name, sha, reason, now],
    )


def ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, form: Form, other_forms: dict[int, Form]
) -> FileOutcome:
    """One export file: loaded (a file seen before, with the same bytes, is skipped once
    its columns are checked again), or rejected with the reason."""
    name = display_path(path)
    try:
        data = read_entry(path)
    except ExportRejected as e:
        return FileOutcome(name, "rejected", 0, e.reason, entry_digest(path), e.sv)
    sha = sha256_bytes(data)  # of the very bytes that are parsed
    seen = fetch_one(
        con,
        "SELECT status, rows, reason, header FROM raw.export_files WHERE bidragsar = ? "
        "AND source_file = ? AND source_sha256 = ? ORDER BY status = 'loaded' DESC LIMIT 1",
        [form.year, name, sha],
    )
    if seen and seen[0] == "loaded":
        rejected = recheck_loaded(path, seen, data, form, other_forms)
        if rejected is not None:
            return FileOutcome(name, "rejected", 0, rejected.reason, sha, rejected.sv)
        return FileOutcome(name, "skipped", seen[1] or 0, "", sha)
    try:
        export = read_export(path, form, other_forms, data)
    except ExportRejected as e:  # read again at every build: the form may be corrected
        if seen is None:
            record_rejected(con, form.year, name, sha, e.reason)
        return FileOutcome(name, "rejected", 0, e.reason, sha, e.sv)
    del data
    store_export(con, export, form.year, name, sha)
    return FileOutcome(name, "loaded", export.row_count, "", sha)


def store_formulas(
    con: duckdb.DuckDBPyConnection,
    year: int,
    name: str,
    sha: str,
    formulas: list[tuple[int, str, str]],
    now: dt.datetime,
) -> None:
    """A formula cell is kept as its formula, marked, in place of the value it showed."""
    for row, column, formula in formulas:
        where = [year, name, sha, row, column]
        execute(
            con,
            "DELETE FROM raw.return_cells WHERE bidragsar = ? AND source_file = ? "
            "AND source_sha256 = ? AND source_row = ? AND column_name = ?",
            where,
        )
        execute(
            con,
            "INSERT INTO raw.return_cells VALUES (?, ?, ?, ?, ?, ?, ?, true)",
            [*where, formula, now],
        )


def load_withdrawals(
    con: duckdb.DuckDBPyConnection, path: Path, year: int, folder: Path
) -> FileOutcome:
    """raw/withdrawals/<year>.csv: the reports (a row) or whole files an analyst withdrew,
    each with a reason. A withdrawal that names no file of the folder, or has no reason,
    rejects the list (and so blocks publication) rather than withdrawing something else."""
    name = display_path(path)
    rows = []
    outcome = FileOutcome(name, "withdrawn", 0, "", "")
    if path.is_file() and not path.is_symlink():
        data = path.read_bytes()
        try:
            rows = parse_withdrawals(data, path, year, folder)
        except ExportRejected as e:
            outcome = FileOutcome(name, "rejected", 0, e.reason, sha256_bytes(data), e.sv)
            rows = []
        else:
            outcome = FileOutcome(name, "withdrawn", len(rows), "", sha256_bytes(data))
    frame = pl.DataFrame(rows, schema=WITHDRAWALS, orient="row")
    replace_rows(con, "raw.withdrawals", frame, {"bidragsar": year})
    return outcome


def parse_withdrawals(data: bytes, path: Path, year: int, folder: Path) -> list[tuple]:
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in WITHDRAWAL_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ExportRejected(
            path,
            f"the withdrawal list lacks the column(s) {missing}",
            f"listan över tillbakadragna saknar kolumnen/kolumnerna {missing}",
        )
    files = {p.name for p in export_files(folder)}
    rows = []
    for i, record in enumerate(reader, start=2):
        file, row, reason = (record[c].strip() for c in ("file", "row", "reason"))
        if file not in files:
            raise ExportRejected(
                path,
                f"row {i}: {file!r} is not a file of {folder.name}/",
                f"rad {i}: {file!r} är ingen fil i {folder.name}/",
            )
        if not reason:
            raise ExportRejected(
                path,
                f"row {i}: a withdrawal needs a reason",
                f"rad {i}: ett tillbakadragande måste ha ett skäl",
            )
        if row and not row.isdigit():
            raise ExportRejected(
                path,
                f"row {i}: row {row!r} is not a row number",
                f"rad {i}: {row!r} är inget radnummer",
            )
        rows.append(
            (
                year,
                display_path(folder / file),
                int(row) if row else None,
                reason,
                record["withdrawn_by"].strip(),
                record["withdrawn_on"].strip(),
                i,
            )
        )
    return rows
