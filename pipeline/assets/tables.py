"""Table assets per grant year: the populations, every table's cells, the CSV files."""

import dagster as dg

from pipeline.assets.returns import staged_asset, submission_money
from pipeline.partitions import grant_year_partitions, partition_year, this_and_next_year
from pipeline.tables.derive import derive_year
from pipeline.warehouse import Warehouse

GROUP = "tables"

respondents = staged_asset(
    "staged/respondents",
    [
        submission_money,
        dg.AssetKey(["validated", "submission_checks"]),
        dg.AssetKey(["ledger", "fordelningsnyckel"]),
        dg.AssetKey(["reference", "bidragsar"]),
    ],
    "The current return report of each recipient with the populations every table is "
    "defined on (recipients, used the grant, started hälsosamtal), Tabell 1's "
    "classification of how much of the grant was used, and the municipality's target "
    "group recovered from its allocation key.",
)


@dg.asset(
    key_prefix="tables",
    group_name=GROUP,
    partitions_def=grant_year_partitions,
    deps=[
        dg.AssetDep(respondents, partition_mapping=this_and_next_year()),
        dg.AssetKey(["ledger", "fordelningsnyckel"]),
    ],
)
def cells(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Every number of the year's follow-up, one row per figure: the tables defined in
    sql/tables/ID.toml derived by their SQL in DuckDB, with a stable figure id, row and
    column labels as printed, value, denominator and unit."""
    year = partition_year(context)
    with warehouse.connect() as con:
        per_table = derive_year(con, year)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(sum(per_table.values())),
            "tables": dg.MetadataValue.json(dict(sorted(per_table.items()))),
        }
    )
