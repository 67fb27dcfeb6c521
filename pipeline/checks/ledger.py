"""Reconciliation of the grant ledger with the reference data and the published totals."""

from __future__ import annotations

import dagster as dg
import polars as pl

from pipeline.checks.reference import result
from pipeline.numbers import round_half_up

# The government rounds each key to whole kronor and lets one municipality absorb the
# rounding so that the keys sum to the appropriation (2023: Stockholm, −3 kr).
MAX_BALANCING_KR = 10


def key_for(persons: int, appropriation: int, population: int) -> int:
    return int(round_half_up(persons * appropriation / population))


def unknown_codes(df: pl.DataFrame, kommuner: pl.DataFrame) -> list[str]:
    unknown = df.join(kommuner.select("kommunkod"), on="kommunkod", how="anti")
    return [
        f"{r['source_file']} row {r['source_row']}: kommunkod {r['kommunkod']} is not a "
        "municipality"
        for r in unknown.iter_rows(named=True)
    ]


def allocation_key_failures(
    df: pl.DataFrame, frames: dict[str, pl.DataFrame], year: int
) -> list[str]:
    if df.is_empty():
        return [f"no allocation keys for {year}"]
    grant = frames["bidragsar"].row(0, named=True)
    appropriation, population = grant["anslag_kr"], grant["malgrupp_personer"]
    failures = unknown_codes(df, frames["kommuner"])
    off_key = []
    for r in df.iter_rows(named=True):
        persons = round(r["belopp_kr"] * population / appropriation)
        diff = r["belopp_kr"] - key_for(persons, appropriation, population)
        if diff:
            off_key.append((r, diff))
    complete = df.height == frames["kommuner"].height
    if complete and int(df["belopp_kr"].sum()) != appropriation:
        failures.append(f"{year}: keys sum to {int(df['belopp_kr'].sum())}, not {appropriation}")
    # A complete list may have one balancing row; a partial list (recipients only) none.
    allowed = 1 if complete else 0
    for r, diff in off_key[allowed:] if len(off_key) > allowed else []:
        failures.append(
            f"{r['source_file']} row {r['source_row']}: {r['belopp_kr']} kr is "
            f"{diff:+d} kr off the key for a whole number of residents"
        )
    if off_key and len(off_key) <= allowed and abs(off_key[0][1]) > MAX_BALANCING_KR:
        r, diff = off_key[0]
        failures.append(
            f"{r['source_file']} row {r['source_row']}: balancing of {diff:+d} kr "
            f"exceeds {MAX_BALANCING_KR} kr"
        )
    return failures


def check_allocation_keys(
    df: pl.DataFrame, frames: dict[str, pl.DataFrame], year: int
) -> dg.AssetCheckResult:
    return result(
        "allocation_keys_reconcile", allocation_key_failures(df, frames, year), rows=df.height
    )


def requisition_failures(df: pl.DataFrame, frames: dict[str, pl.DataFrame], year: int) -> list[str]:
    totals = dict(frames["kontrolltal"].iter_rows())
    if df.is_empty():
        return [f"no requisitions on file for {year}"]
    failures = unknown_codes(df, frames["kommuner"])
    checks = {"rekvirerat_kr": int(df["belopp_kr"].sum()), "mottagare": df.height}
    for measure, actual in checks.items():
        if measure in totals and totals[measure] != actual:
            failures.append(
                f"{year}: {measure} is {actual}, the published figure is {totals[measure]}"
            )
    return failures


def check_requisitions(
    df: pl.DataFrame, frames: dict[str, pl.DataFrame], year: int
) -> dg.AssetCheckResult:
    failures = requisition_failures(df, frames, year)
    # A year without a requisition file yet is a gap to fill, not a broken rule.
    missing = df.is_empty()
    return dg.AssetCheckResult(
        check_name="requisitions_reconcile",
        passed=not failures,
        severity=dg.AssetCheckSeverity.WARN if missing else dg.AssetCheckSeverity.ERROR,
        metadata={"failures": dg.MetadataValue.json(failures), "rows": df.height},
    )
