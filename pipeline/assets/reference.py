"""Reference assets: municipalities, regions, grant years and the published control totals."""

from collections.abc import Callable

import dagster as dg
import polars as pl

from pipeline.checks.reference import (
    check_bidragsar,
    check_kommuner,
    check_regioner,
)
from pipeline.db import replace_table
from pipeline.raw.reference import load_published_totals, load_reference
from pipeline.warehouse import Warehouse

GROUP = "reference"


def _store(warehouse: Warehouse, table: str, df: pl.DataFrame) -> None:
    with warehouse.connect() as con:
        replace_table(con, table, df)


def _source_metadata(df: pl.DataFrame) -> dict[str, dg.MetadataValue]:
    return {
        "dagster/row_count": dg.MetadataValue.int(df.height),
        "source_file": dg.MetadataValue.path(df["source_file"][0]),
        "source_sha256": dg.MetadataValue.text(df["source_sha256"][0]),
    }


def checked_reference(check: str, description: str) -> Callable:
    """A reference asset with its blocking check (nothing is built on reference data that
    breaks it)."""

    def decorate(fn: Callable) -> dg.AssetsDefinition:
        spec = dg.AssetCheckSpec(
            check, asset=["reference", fn.__name__], blocking=True, description=description
        )
        return dg.asset(group_name=GROUP, key_prefix="reference", check_specs=[spec])(fn)

    return decorate


@checked_reference(
    "kommuner_complete", "All 290 municipalities, each code once, with a county that exists."
)
def kommuner(warehouse: Warehouse) -> dg.MaterializeResult:
    """All 290 municipalities: official 4-digit kommunkod, short name, the name as the
    follow-up prints it ("Stockholms kommun", "Region Gotland") and the county code.
    Source: SCB's municipality code list (raw/reference/kommuner.csv)."""
    df = load_reference("kommuner")
    regioner = load_reference("regioner")
    _store(warehouse, "reference.kommuner", df)
    return dg.MaterializeResult(
        metadata={**_source_metadata(df), "regions": df["lan_kod"].n_unique()},
        check_results=[check_kommuner(df, regioner)],
    )


@checked_reference(
    "regioner_complete",
    "All 21 counties, each with a region name and a place in Bilaga 2's order.",
)
def regioner(warehouse: Warehouse) -> dg.MaterializeResult:
    """Sweden's 21 counties with the region name the follow-up uses ("Region Skåne",
    "Västra Götalandsregionen") and Bilaga 2's order from north to south."""
    df = load_reference("regioner")
    _store(warehouse, "reference.regioner", df)
    return dg.MaterializeResult(metadata=_source_metadata(df), check_results=[check_regioner(df)])


@checked_reference(
    "bidragsar_valid",
    "Each grant year once, with an appropriation, a target population and dates in order.",
)
def bidragsar(warehouse: Warehouse) -> dg.MaterializeResult:
    """Grant years: the appropriation to the municipalities, the size of the target
    population behind the allocation key, and the year's dates (requisition deadline,
    period of use, return-report deadline)."""
    df = load_reference("bidragsar")
    _store(warehouse, "reference.bidragsar", df)
    return dg.MaterializeResult(
        metadata={**_source_metadata(df), "years": ", ".join(map(str, df["bidragsar"]))},
        check_results=[check_bidragsar(df)],
    )


@dg.asset(group_name=GROUP, key_prefix="reference")
def kontrolltal(warehouse: Warehouse) -> dg.MaterializeResult:
    """Control totals printed in the published follow-ups (Tabell 2, Bilaga 1 total row,
    the text), each with the table and row it was read from. The ledger and the tables
    are reconciled against them."""
    df = load_published_totals()
    _store(warehouse, "reference.kontrolltal", df)
    return dg.MaterializeResult(metadata=_source_metadata(df))
