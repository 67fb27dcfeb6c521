"""A grant year's work as plain functions, one per Dagster asset, in the order the data
need them (YEAR_STEPS). The assets call these functions; the benchmark and the tests run
them in this order without Dagster. `tests/test_steps.py` checks the order against the
asset graph, so the graph is written once (as the assets' deps) and this list cannot
drift from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.config import grant_years, raw_dir
from pipeline.db import replace_partition, replace_table
from pipeline.forms import load_form
from pipeline.forms_tables import store_form
from pipeline.raw.ingest import FileOutcome, ingest_folder
from pipeline.raw.reference import load_ledger, load_published_totals, load_reference
from pipeline.sqlfiles import materialize_partition


@dataclass(frozen=True)
class Sources:
    """Where a year's exports come from: raw/returns/<year> and its withdrawal list by
    default; a test or the benchmark names a folder of its own."""

    returns: Path | None = None
    withdrawals: Path | None = None

    def folder(self, year: int) -> Path:
        return self.returns or raw_dir() / "returns" / str(year)

    def withdrawal_list(self, year: int) -> Path | None:
        if self.returns is None:
            return raw_dir() / "withdrawals" / f"{year}.csv"
        return self.withdrawals


def load_reference_data(con: duckdb.DuckDBPyConnection) -> None:
    """The reference assets' tables (municipalities, regions, grant years, control totals)."""
    for name in ("kommuner", "regioner", "bidragsar"):
        replace_table(con, f"reference.{name}", load_reference(name))
    replace_table(con, "reference.kontrolltal", load_published_totals())


def load_ledger_kind(kind: str) -> Callable[[duckdb.DuckDBPyConnection, int, Sources], None]:
    def run(con: duckdb.DuckDBPyConnection, year: int, sources: Sources) -> None:
        df = load_ledger(kind, year)
        if df is not None:
            replace_partition(con, f"ledger.{kind}", year, df)

    return run


def store_year_form(con: duckdb.DuckDBPyConnection, year: int, sources: Sources) -> None:
    store_form(con, load_form(year))


def ingest_year(con: duckdb.DuckDBPyConnection, year: int, sources: Sources) -> list[FileOutcome]:
    """Every export of the year, checked against the year's form (and the other years'
    forms, to name a file filed under the wrong year)."""
    others = {int(y): load_form(int(y)) for y in grant_years() if int(y) != year}
    return ingest_folder(
        con, sources.folder(year), load_form(year), others, sources.withdrawal_list(year)
    )


def staged(model: str) -> Callable[[duckdb.DuckDBPyConnection, int, Sources], int]:
    def run(con: duckdb.DuckDBPyConnection, year: int, sources: Sources) -> int:
        return materialize_partition(con, model, year)

    return run


def validate_reports(con: duckdb.DuckDBPyConnection, year: int, sources: Sources):
    from pipeline.validation.stages import validate_submissions

    return validate_submissions(con, year)


def derive_tables(con: duckdb.DuckDBPyConnection, year: int, sources: Sources):
    from pipeline.tables.derive import derive_year

    return derive_year(con, year)


def validate_derived_tables(con: duckdb.DuckDBPyConnection, year: int, sources: Sources):
    from pipeline.validation.stages import validate_tables

    return validate_tables(con, year)


# Asset key → the step that materializes it, in an order the asset graph allows.
YEAR_STEPS: tuple[tuple[str, Callable], ...] = (
    ("ledger/fordelningsnyckel", load_ledger_kind("fordelningsnyckel")),
    ("ledger/rekvisitioner", load_ledger_kind("rekvisitioner")),
    ("reference/form", store_year_form),
    ("raw/return_exports", ingest_year),
    ("staged/submissions", staged("staged/submissions")),
    ("staged/answers", staged("staged/answers")),
    ("staged/submission_money", staged("staged/submission_money")),
    ("validated/submission_checks", validate_reports),
    ("validated/respondents", staged("validated/respondents")),
    ("tables/cells", derive_tables),  # and lineage/rows: the figures' source rows
    ("validated/table_checks", validate_derived_tables),
)


def year_steps(start: str | None = None, until: str | None = None) -> list[tuple[str, Callable]]:
    """The steps in order, from `start` to `until` (asset keys, both included)."""
    keys = [key for key, _ in YEAR_STEPS]
    for key in (start, until):
        if key is not None and key not in keys:
            raise KeyError(f"no step {key!r}")
    first = keys.index(start) if start else 0
    last = keys.index(until) if until else len(keys) - 1
    return list(YEAR_STEPS[first : last + 1])


def run_year(
    con: duckdb.DuckDBPyConnection,
    year: int,
    sources: Sources = Sources(),
    start: str | None = None,
    until: str | None = None,
) -> dict[str, object]:
    """Run a year's steps in order without Dagster; returns each step's result by key."""
    return {key: run(con, year, sources) for key, run in year_steps(start, until)}
