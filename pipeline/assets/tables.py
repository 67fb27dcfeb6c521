"""Table assets per grant year: every table's figures and their source rows."""

import dagster as dg

from pipeline.assets.validation import respondents
from pipeline.partitions import grant_year_partitions, partition_year, this_and_next_year
from pipeline.sqlfiles import sql_version
from pipeline.tables.derive import derive_year
from pipeline.tables.spec import TABLES_DIR
from pipeline.warehouse import Warehouse

GROUP = "tables"
TABLES_VERSION = sql_version(TABLES_DIR)  # the figures and their rows come from one SQL


@dg.multi_asset(
    name="derive_tables",
    partitions_def=grant_year_partitions,
    specs=[
        dg.AssetSpec(
            ["tables", "cells"],
            group_name=GROUP,
            deps=[
                dg.AssetDep(respondents, partition_mapping=this_and_next_year()),
                dg.AssetKey(["ledger", "fordelningsnyckel"]),
            ],
            description="Every number of the year's follow-up, one row per figure: the "
            "tables defined in sql/tables/ID.toml, with a stable figure id, row and column "
            "labels as printed, value, denominator and unit. Each table's SQL yields the "
            "source rows of its figures; one generic step (sql/tables/_figures.sql) makes "
            "the figures from them.",
            code_version=TABLES_VERSION,
        ),
        dg.AssetSpec(
            ["lineage", "rows"],
            group_name=GROUP,
            deps=[dg.AssetKey(["tables", "cells"])],
            description="For every figure of the year, the exact source rows behind it: "
            "role (numerator, denominator, value), kommunkod, submission id, source file, "
            "its SHA-256 and row, the row's contribution and how contributions recompute "
            "the figure. The rows the figures were made from, written with them. Published "
            "with each version as build/YEAR/lineage.parquet for other tools.",
            code_version=TABLES_VERSION,
        ),
    ],
)
def derive_tables(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """The year's figures and their source rows, from one run of every table's SQL."""
    year = partition_year(context)
    with warehouse.connect() as con:
        derived = derive_year(con, year)
    per_table, lineage = derived["tables"], derived["lineage"]
    yield dg.MaterializeResult(
        asset_key=["tables", "cells"],
        metadata={
            "dagster/row_count": dg.MetadataValue.int(sum(per_table.values())),
            "tables": dg.MetadataValue.json(dict(sorted(per_table.items()))),
        },
    )
    yield dg.MaterializeResult(
        asset_key=["lineage", "rows"],
        metadata={
            "dagster/row_count": dg.MetadataValue.int(lineage["rows"]),
            "figures": lineage["figures"],
            "synthetic_rows": lineage["synthetic_rows"],
            "distinct_source_rows": lineage["distinct_source_rows"],
        },
    )
