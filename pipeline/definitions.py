"""The Dagster code location: every asset of the pipeline and its resources."""

from __future__ import annotations

import dagster as dg

from pipeline.assets import inputs, ledger, reference, report, returns, tables, validation
from pipeline.refresh import daily_refresh, returns_sensor
from pipeline.warehouse import Warehouse
from pipeline.warehouse import warehouse as default_warehouse

ALL_ASSETS = [
    *dg.load_assets_from_modules([reference, inputs, ledger, returns, tables, validation, report])
]

reference_job = dg.define_asset_job(
    "reference_job",
    selection=dg.AssetSelection.groups(reference.GROUP),
    description="Load the reference data (not partitioned).",
)
grant_year_job = dg.define_asset_job(
    "grant_year_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(reference.GROUP),
    description="Build one grant year: ledger, returns, validation, tables, report.",
)


def build_definitions(
    loggers: dict[str, dg.LoggerDefinition] | None = None, warehouse: Warehouse | None = None
) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        jobs=[reference_job, grant_year_job],
        sensors=[returns_sensor],
        schedules=[daily_refresh],
        resources={"warehouse": warehouse or default_warehouse()},
        executor=dg.in_process_executor,
        loggers=loggers,
    )


defs = build_definitions()
