"""The lineage asset: every figure traced to its source rows."""

import dagster as dg

from pipeline.partitions import grant_year_partitions, partition_year
from pipeline.trace.lineage import derive_lineage
from pipeline.warehouse import Warehouse


@dg.asset(
    key_prefix="lineage",
    group_name="tables",
    partitions_def=grant_year_partitions,
    deps=[dg.AssetKey(["tables", "cells"])],
)
def rows(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """For every figure of the year, the exact source rows behind it: role (numerator,
    denominator, value), kommunkod, submission id, source file, its SHA-256 and row, the
    row's contribution and how contributions recompute the figure. Published with each
    version as build/YEAR/lineage.parquet for other tools."""
    year = partition_year(context)
    with warehouse.connect() as con:
        stats = derive_lineage(con, year)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(stats["rows"]),
            "figures": stats["figures"],
            "synthetic_rows": stats["synthetic_rows"],
            "distinct_source_rows": stats["distinct_source_rows"],
        }
    )
