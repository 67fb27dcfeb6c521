"""The report asset: the year's publication, rendered only when validation allows it."""

import dagster as dg

from pipeline.partitions import grant_year_partitions, partition_year
from pipeline.report.publish import publish
from pipeline.warehouse import Warehouse

GROUP = "report"


@dg.asset(
    key_prefix="report",
    group_name=GROUP,
    partitions_def=grant_year_partitions,
    deps=[
        dg.AssetKey(["validated", "table_checks"]),
        dg.AssetKey(["tables", "table_files"]),
        dg.AssetKey(["lineage", "rows"]),
    ],
)
def publication(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The year's follow-up: build/<year>/rapport.html (self-contained, every number linked
    to its trace), rapport.pdf (Typst), tabeller.xlsx and sparbarhet.html, with plotnine
    charts and the regional map. Not run while validation's blocking check fails."""
    year = partition_year(context)
    with warehouse.connect() as con:
        pub = publish(con, year)
    return dg.MaterializeResult(
        metadata={
            "html": dg.MetadataValue.path(str(pub.rendered.html)),
            "pdf": dg.MetadataValue.path(str(pub.rendered.pdf)),
            "workbook": dg.MetadataValue.path(str(pub.workbook)),
            "engine": pub.rendered.engine,
            "version": pub.version,
        }
    )
