"""The lineage asset: every figure traced to its source rows."""

import dagster as dg
import polars as pl

from pipeline.db import replace_partition
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
        lineage = derive_lineage(con, year)
        replace_partition(con, "lineage.rows", year, lineage)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(lineage.height),
            "figures": lineage["figure_id"].n_unique(),
            "synthetic_rows": int(lineage["synthetic"].sum()),
            "distinct_source_rows": lineage.select(
                pl.struct("source_file", "source_row").n_unique()
            ).item(),
        }
    )
