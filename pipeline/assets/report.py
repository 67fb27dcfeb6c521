"""The report asset: the year's publication, rendered only when validation allows it."""

import dagster as dg

from pipeline.config import run_dir
from pipeline.partitions import grant_year_partitions, partition_year
from pipeline.warehouse import Warehouse

GROUP = "publication"


@dg.asset(
    key_prefix="report",
    group_name=GROUP,
    partitions_def=grant_year_partitions,
    deps=[dg.AssetKey(["validated", "table_checks"]), dg.AssetKey(["lineage", "rows"])],
)
def publication(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The year's follow-up, published as a new version when anything changed:
    build/‹year›/versions/‹version›/ holds rapport.html (self-contained, every number linked
    to its trace), rapport.pdf (Typst), tabeller.xlsx, sparbarhet.html, the tables and
    figures.csv, lineage.parquet, andringar.json (what changed since the previous version)
    and manifest.json (inputs, code and package versions, outputs, each with its SHA-256);
    build/‹year›/current links to the latest, switched in one step. Not run while
    validation's blocking check fails."""
    from pipeline.report.publish import publish  # plotnine and pandas: only when it runs

    year = partition_year(context)
    with warehouse.connect() as con:
        pub = publish(
            con, year, validation_report=run_dir(year, context.run.run_id) / "validering.html"
        )
    if not pub.new:
        context.log.info(f"nothing changed since {pub.version}: no new version")
    return dg.MaterializeResult(
        metadata={
            "version": pub.version,
            "new_version": pub.new,
            "folder": dg.MetadataValue.path(str(pub.folder)),
        }
    )
