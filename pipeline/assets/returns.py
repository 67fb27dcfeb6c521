"""Return-report assets per grant year: the form, the ingested exports, the staged answers."""

import dagster as dg

from pipeline.assets.inputs import inputs
from pipeline.db import fetch_one
from pipeline.forms import form_path, load_form
from pipeline.forms_tables import store_form
from pipeline.partitions import grant_year_partitions, partition_year
from pipeline.sqlfiles import materialize_partition, sql_path, sql_version
from pipeline.steps import Sources, ingest_year
from pipeline.warehouse import Warehouse

GROUP = "staged"
KOMMUNER = dg.AssetKey(["reference", "kommuner"])


@dg.asset(
    key_prefix="reference",
    group_name="raw",
    partitions_def=grant_year_partitions,
    deps=[inputs],
)
def form(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The year's return form as data (raw/forms/YEAR/form.toml): questions, option codes
    and labels as printed, question types, skip logic, exclusive options and the export
    column of each answer."""
    year = partition_year(context)
    spec = load_form(year)
    with warehouse.connect() as con:
        tables = store_form(con, spec)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(tables["reference.form_columns"].height),
            "questions": len(spec.questions),
            "source_file": dg.MetadataValue.path(str(form_path(year))),
        }
    )


@dg.asset(key_prefix="raw", group_name="raw", partitions_def=grant_year_partitions, deps=[form])
def return_exports(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Every export file under raw/returns/YEAR/, loaded cell by cell into raw.return_cells
    with its file, SHA-256 and row. Append-only: a file version seen before is skipped, a
    file that cannot be read as an export is recorded as rejected with its reason, and
    nothing already ingested is ever changed or deleted."""
    year = partition_year(context)
    with warehouse.connect() as con:
        outcomes = ingest_year(con, year, Sources())
        total = fetch_one(
            con,
            "SELECT count(DISTINCT (source_file, source_row)) FROM "
            "raw.return_cells WHERE bidragsar = ?",
            [year],
        )[0]
    for o in outcomes:
        if o.status == "rejected":
            context.log.error(f"rejected {o.path}: {o.reason}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(total),
            "files": dg.MetadataValue.json([o.__dict__ for o in outcomes]),
            "loaded_now": sum(o.status == "loaded" for o in outcomes),
            "rejected": sum(o.status == "rejected" for o in outcomes),
        }
    )


def sql_model_asset(
    model: str, deps: list, description: str, group: str = GROUP
) -> dg.AssetsDefinition:
    """A table defined by one SQL file (sql/<schema>/<table>.sql), rebuilt per grant year."""
    schema, table = model.split("/")

    @dg.asset(
        name=table,
        key_prefix=schema,
        group_name=group,
        partitions_def=grant_year_partitions,
        deps=deps,
        description=description,
        metadata={"sql": dg.MetadataValue.path(str(sql_path(model)))},
        code_version=sql_version(sql_path(model)),
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        year = partition_year(context)
        with warehouse.connect() as con:
            rows = materialize_partition(con, model, year)
        return dg.MaterializeResult(metadata={"dagster/row_count": dg.MetadataValue.int(rows)})

    return _asset


submissions = sql_model_asset(
    "staged/submissions",
    [return_exports, KOMMUNER],
    "One row per submitted return report, every version kept, with the municipality "
    "resolved from its name and the current submission of each municipality marked.",
)

answers = sql_model_asset(
    "staged/answers",
    [submissions],
    "The tidy form every table reads: one row per submission, question and option, typed "
    "by the form (amounts as whole kronor, options 0/1, single choices as option codes), "
    "with the source file, row and column of every value.",
)

submission_money = sql_model_asset(
    "staged/submission_money",
    [answers],
    "Each submission's amounts and counts and whether it has started holding hälsosamtal: "
    "the answers pivoted once, for the submission rules and the populations.",
)
