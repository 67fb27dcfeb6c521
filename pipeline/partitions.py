"""Grant years are the partitions: one per row of raw/reference/bidragsar.csv."""

from __future__ import annotations

import warnings

import dagster as dg

from pipeline.config import grant_years

# Check results per grant year (a check spec with the year's partitions) are a preview
# feature of Dagster 1.13; they are what makes an asset's page show each year's result.
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec")

__all__ = ["grant_year_partitions", "grant_years", "partition_year", "this_and_next_year"]

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
