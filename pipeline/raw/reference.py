"""Loaders for the reference data and the grant ledger (raw/reference, raw/ledger)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.config import raw_dir as configured_raw_dir
from pipeline.raw.provenance import with_provenance

# Codes keep their leading zeros; amounts are whole kronor.
REFERENCE_SCHEMAS: dict[str, dict[str, type[pl.DataType]]] = {
    "kommuner": {
        "kommunkod": pl.String,
        "kommun": pl.String,
        "kommun_namn": pl.String,
        "lan_kod": pl.String,
    },
    "regioner": {
        "lan_kod": pl.String,
        "lan": pl.String,
        "region": pl.String,
        "ordning_norr_till_soder": pl.Int32,
    },
    "bidragsar": {
        "bidragsar": pl.Int32,
        "anslag_kr": pl.Int64,
        "malgrupp_personer": pl.Int64,
        "omfordelning": pl.Boolean,
        "rekvisition_sista_dag": pl.Date,
        "anvandning_fran": pl.Date,
        "anvandning_till": pl.Date,
        "aterrapport_sista_dag": pl.Date,
        "redovisning_regeringen": pl.Date,
        "kalla": pl.String,
    },
}
LEDGER_SCHEMA = {
    "kommunkod": pl.String,
    "kommun": pl.String,
    "namn_i_kallan": pl.String,
    "belopp_kr": pl.Int64,
    "kalla": pl.String,
}
PUBLISHED_TOTALS_SCHEMA = {
    "bidragsar": pl.Int32,
    "matt": pl.String,
    "varde": pl.Int64,
    "kalla": pl.String,
}


def read_csv(path: Path, schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    """Read a committed reference CSV strictly: exactly the expected columns and types."""
    df = pl.read_csv(path, schema=schema, try_parse_dates=False)
    return with_provenance(df, path)


def load_reference(name: str, raw_dir: Path | None = None) -> pl.DataFrame:
    raw = raw_dir or configured_raw_dir()
    return read_csv(raw / "reference" / f"{name}.csv", REFERENCE_SCHEMAS[name])


def ledger_file(kind: str, year: int, raw_dir: Path | None = None) -> Path:
    """raw/ledger/<year>/<kind>.csv: one amount per municipality and grant year."""
    return (raw_dir or configured_raw_dir()) / "ledger" / str(year) / f"{kind}.csv"


def load_ledger(kind: str, year: int, raw_dir: Path | None = None) -> pl.DataFrame | None:
    """The year's ledger amounts, or None when no file exists for that year."""
    path = ledger_file(kind, year, raw_dir)
    if not path.exists():
        return None
    df = read_csv(path, LEDGER_SCHEMA)
    return df.with_columns(bidragsar=pl.lit(year, dtype=pl.Int32)).select("bidragsar", *df.columns)


def load_published_totals(raw_dir: Path | None = None) -> pl.DataFrame:
    raw = raw_dir or configured_raw_dir()
    return read_csv(raw / "published" / "kontrolltal.csv", PUBLISHED_TOTALS_SCHEMA)
