"""Grant years are the partitions: one per row of raw/reference/bidragsar.csv."""

from __future__ import annotations

import dagster as dg

from pipeline.config import grant_years

__all__ = ["grant_year_partitions", "grant_years", "partition_year"]

grant_year_partitions = dg.StaticPartitionsDefinition(grant_years())


def partition_year(context: dg.AssetExecutionContext) -> int:
    return int(context.partition_key)
