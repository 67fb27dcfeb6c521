"""Is a grant year's publication current? The inputs and the code it was made from,
compared with what is on disk now.

A publication (build/<year>/versions/vN/manifest.json) records the SHA-256 of every raw
input it read and a fingerprint of the code; the warehouse records, per year, which
version its tables were published as (meta.builds). A year is current when both
agree with the files as they are now: then rebuilding it would publish nothing new, and
the build command and the daily schedule skip it without starting any work. This module
imports neither Dagster nor the report libraries, so the check costs a fraction of a
second.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb

from pipeline.config import (
    ASSETS_DIR,
    REPORT_DIR,
    ROOT,
    SQL_DIR,
    raw_dir,
    warehouse_path,
    year_dir,
)
from pipeline.db import connect, execute, fetch_one, table_exists
from pipeline.raw.ingest import export_files
from pipeline.raw.provenance import display_path, entry_digest

META_DDL = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.builds (
    scope VARCHAR PRIMARY KEY, version VARCHAR, fingerprint VARCHAR, recorded_at TIMESTAMP);
"""
REFERENCE = "reference"  # the scope of the reference data; a grant year's scope is the year


@functools.cache
def code_version() -> str:
    """A fingerprint of the code and the locked packages that make the outputs: those this
    process runs, so it is read once (a build asks for it once per year and per chart set)."""
    digest = hashlib.sha256()
    files = [ROOT / "uv.lock"]
    for folder in (ROOT / "pipeline", SQL_DIR, REPORT_DIR, ASSETS_DIR):
        files += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in sorted(files):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def reference_files() -> list[Path]:
    """The raw inputs of the reference data (shared by every year)."""
    raw = raw_dir()
    folders = [raw / "reference", raw / "published"]
    return sorted(p for f in folders if f.exists() for p in f.rglob("*") if p.is_file())


def returns_entries(year: int) -> list[Path]:
    """What the ingest of a year reads: every entry of its returns folder (folders and
    links included: each gets an outcome) and its withdrawal list."""
    raw = raw_dir()
    withdrawals = raw / "withdrawals" / f"{year}.csv"
    exists = withdrawals.exists() or withdrawals.is_symlink()
    return [*export_files(raw / "returns" / str(year)), *([withdrawals] if exists else [])]


def input_files(year: int) -> list[Path]:
    """Every raw input a year's publication reads (the previous year's too: the report
    compares with it)."""
    raw = raw_dir()
    folders = [
        raw / "reference",
        raw / "ledger" / str(year),
        raw / "ledger" / str(year - 1),
        raw / "published",
        raw / "forms" / str(year),
        raw / "forms" / str(year - 1),
    ]
    files = [p for f in folders if f.exists() for p in f.rglob("*") if p.is_file()]
    return sorted([*files, *returns_entries(year), *returns_entries(year - 1)])


def is_returns_input(path: str, year: int) -> bool:
    raw = raw_dir().name
    return any(
        path.startswith(f"{raw}/returns/{y}/") or path == f"{raw}/withdrawals/{y}.csv"
        for y in (year, year - 1)
    )


def source_state(
    year: int | None, returns_as_read: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The code and the inputs of a year (None: of the reference data) as they are now;
    with `returns_as_read`, the exports as the run read them instead of as on disk now."""
    files = reference_files() if year is None else input_files(year)
    inputs = [{"path": display_path(p), "sha256": entry_digest(p)} for p in files]
    if year is not None and returns_as_read is not None:
        inputs = [i for i in inputs if not is_returns_input(i["path"], year)]
        inputs = sorted([*inputs, *returns_as_read], key=lambda i: i["path"])
    return {"code_version": code_version(), "inputs": inputs}


def fingerprint(state: dict[str, Any]) -> str:
    keys = {k: state[k] for k in ("code_version", "inputs")}
    return hashlib.sha256(json.dumps(keys, sort_keys=True).encode()).hexdigest()


def latest_version(versions: Path) -> tuple[int, Path] | None:
    numbered = [(int(p.name[1:]), p) for p in versions.glob("v*") if p.name[1:].isdigit()]
    return max(numbered) if numbered else None


def read_manifest(version_dir: Path) -> dict[str, Any]:
    return json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))


def latest_manifest(year: int) -> dict[str, Any] | None:
    latest = latest_version(year_dir(year) / "versions")
    if latest is None or not (latest[1] / "manifest.json").exists():
        return None
    return read_manifest(latest[1])


def record_build(
    con: duckdb.DuckDBPyConnection, scope: str, fp: str, version: str | None = None
) -> None:
    """Note in the warehouse what its tables of a scope (a year, or the reference data)
    were built from, and the version they were published as."""
    execute(con, META_DDL)
    execute(
        con,
        "INSERT OR REPLACE INTO meta.builds VALUES (?, ?, ?, current_timestamp)",
        [scope, version, fp],
    )


def recorded_build(scope: str) -> tuple[str | None, str] | None:
    """(version, fingerprint) the warehouse holds for a scope; None when it holds nothing or
    cannot be read now (another process writing it: then nothing counts as current)."""
    path = warehouse_path()
    if not path.exists():
        return None
    try:
        con = connect(path, read_only=True)
    except duckdb.Error:
        return None
    try:
        found = fetch_one(
            con,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'meta' AND table_name = 'builds'",
        )
        if found is None:
            return None
        row = fetch_one(
            con, "SELECT version, fingerprint FROM meta.builds WHERE scope = ?", [scope]
        )
        return (row[0], row[1]) if row else None
    finally:
        con.close()


def current_version(year: int) -> str | None:
    """The published version of a year when it is current (same inputs, same code, and the
    warehouse holds that version's tables); otherwise None."""
    manifest = latest_manifest(year)
    if manifest is None:
        return None
    # What the warehouse recorded at the last publication (or at a run that found the
    # latest version still showing the same): that version, with the inputs and code then.
    recorded = recorded_build(str(year))
    now = fingerprint(source_state(year))
    return manifest["version"] if recorded == (manifest["version"], now) else None


def reference_is_current(state: dict[str, Any] | None = None) -> bool:
    """The warehouse's reference data was loaded from the files and code as they are now
    (or as `state`, the reference's source_state, read by the caller)."""
    recorded = recorded_build(REFERENCE)
    return recorded is not None and recorded[1] == fingerprint(state or source_state(None))


# What a year's publication was derived from, so that what reads a year (the next year's
# comparisons, the trace) can tell its published data from a newer derivation that was
# blocked and never published.
DATA_FINGERPRINT = """
SELECT
    (SELECT count(*) || ':' || coalesce(bit_xor(hash(submission_id, kommunkod, rekvirerat,
            anvant, oanvant, lonekostnader, ovriga_kostnader, antal_personer, started,
            usage_class, malgrupp)), 0)
     FROM validated.respondents WHERE bidragsar = $y)
    || '/' ||
    (SELECT count(*) || ':' || coalesce(bit_xor(hash(submission_id, question_id, option_code,
            value_num, value_text)), 0)
     FROM staged.answers WHERE bidragsar = $y)
"""


def data_scope(year: int) -> str:
    return f"data:{year}"


def data_fingerprint(con: duckdb.DuckDBPyConnection, year: int) -> str:
    """A fingerprint of the staged data of a year: what the tables of it and of the next
    year read."""
    return fetch_one(con, DATA_FINGERPRINT, {"y": year})[0]


def record_published_data(con: duckdb.DuckDBPyConnection, year: int, version: str) -> None:
    record_build(con, data_scope(year), data_fingerprint(con, year), version)


def unpublished_derivation(con: duckdb.DuckDBPyConnection, year: int) -> str | None:
    """Why the warehouse's staged data of a year are not its published data (a run that
    was blocked, or a year never published), or None when they are."""
    if not table_exists(con, "validated.respondents") or not table_exists(con, "staged.answers"):
        return None
    staged = "SELECT count(*) FROM validated.respondents WHERE bidragsar = ?"
    if fetch_one(con, staged, [year])[0] == 0:
        return None
    row = None
    if table_exists(con, "meta.builds"):
        row = fetch_one(
            con, "SELECT version, fingerprint FROM meta.builds WHERE scope = ?", [data_scope(year)]
        )
    if row is None:
        return f"{year} has not been published from the data in the warehouse"
    if row[1] != data_fingerprint(con, year):
        return (
            f"the warehouse holds a derivation of {year} that was not published (its last "
            f"run was blocked); {year}'s published version is {row[0]}"
        )
    return None
