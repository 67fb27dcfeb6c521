"""Grant years are the partitions: one per row of raw/reference/bidragsar.csv."""

from __future__ import annotations

import warnings

import dagster as dg

from pipeline.config import grant_years

# Check results per grant year (a check spec with the year's partitions) are a preview
# feature of Dagster 1.13; they are what makes an asset's page show each year's result.
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec")

__all__ = [
    "FORCE_TAG",
    "current_publication",
    "grant_year_partitions",
    "grant_years",
    "partition_year",
    "this_and_next_year",
]

# A run with this tag rebuilds its year even when it is current (`build --force`).
FORCE_TAG = "halsosamtal/force"

grant_year_partitions = dg.StaticPartitionsDefinition(grant_years())


def partition_year(context: dg.AssetExecutionContext) -> int:
    return int(context.partition_key)


def next_year(year: str, years: list[str] | None = None) -> str | None:
    later = str(int(year) + 1)
    return later if later in (years or grant_years()) else None


def this_and_next_year() -> dg.StaticPartitionMapping:
    """Year N's data feed year N's tables and year N+1's (which compare with year N): a
    change in year N leaves both stale in the UI."""
    years = grant_years()
    return dg.StaticPartitionMapping(
        {y: [y, *([n] if (n := next_year(y, years)) else [])] for y in years}
    )


def current_publication(context: dg.AssetExecutionContext) -> str | None:
    """The published version of the run's grant year when that year is current (same
    inputs and code as its latest publication) and the run is not forced; None otherwise.

    The first asset of a year's run (raw/inputs) then yields nothing, so Dagster skips
    every step after it: a run launched from the UI, a retry or a sensor request for a
    year that is already current does no work, as the command line does not.
    """
    from pipeline.freshness import current_version

    if context.run.tags.get(FORCE_TAG) == "true":
        return None
    version = current_version(partition_year(context))
    if version is not None:
        context.log.info(
            f"Grant year {context.partition_key} is current ({version}: same inputs and "
            f"code), nothing to do; tag the run {FORCE_TAG}=true to rebuild it anyway"
        )
    return version
