"""Grant-ledger assets per grant year: allocation keys and requisitioned amounts."""

from collections.abc import Callable

import dagster as dg
import polars as pl

from pipeline.assets.inputs import inputs
from pipeline.checks.ledger import check_allocation_keys, check_requisitions
from pipeline.db import replace_partition
from pipeline.partitions import grant_year_partitions, partition_year
from pipeline.raw.reference import ledger_file, load_ledger
from pipeline.warehouse import Warehouse

GROUP = "raw"
LedgerCheck = Callable[[pl.DataFrame, dict[str, pl.DataFrame], int], dg.AssetCheckResult]


def ledger_asset(kind: str, description: str, check: LedgerCheck, check_name: str):
    """One partitioned asset per ledger file kind: raw/ledger/YEAR/KIND.csv → ledger.KIND
    in the warehouse, with its reconciliation check."""

    @dg.asset(
        name=kind,
        key_prefix="ledger",
        group_name=GROUP,
        partitions_def=grant_year_partitions,
        deps=[
            inputs,
            dg.AssetKey(["reference", "kommuner"]),
            dg.AssetKey(["reference", "bidragsar"]),
            dg.AssetKey(["reference", "kontrolltal"]),
        ],
        description=description,
        check_specs=[
            dg.AssetCheckSpec(
                check_name,
                asset=["ledger", kind],
                blocking=True,
                partitions_def=grant_year_partitions,
                description=f"The {kind} ledger of the grant year: every kommunkod known, one "
                "row each, whole kronor, and its totals equal to the published control totals.",
            )
        ],
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        year = partition_year(context)
        df = load_ledger(kind, year)
        if df is None:
            context.log.warning(f"no ledger file {ledger_file(kind, year)} for {year}")
            df = pl.DataFrame(schema={"bidragsar": pl.Int32})
        context_frames = {
            "kommuner": warehouse.query("SELECT * FROM reference.kommuner"),
            "bidragsar": warehouse.query(
                "SELECT * FROM reference.bidragsar WHERE bidragsar = ?", [year]
            ),
            "kontrolltal": warehouse.query(
                "SELECT matt, varde FROM reference.kontrolltal WHERE bidragsar = ?", [year]
            ),
        }
        if "kommunkod" in df.columns:
            with warehouse.connect() as con:
                replace_partition(con, f"ledger.{kind}", year, df)
        total = int(df["belopp_kr"].sum()) if "belopp_kr" in df.columns else 0
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": dg.MetadataValue.int(df.height),
                "total_kr": dg.MetadataValue.int(total),
                "source_file": dg.MetadataValue.path(
                    df["source_file"][0] if df.height else str(ledger_file(kind, year))
                ),
            },
            check_results=[check(df, context_frames, year)],
        )

    return _asset


fordelningsnyckel = ledger_asset(
    "fordelningsnyckel",
    "The allocation key per municipality and grant year: the most a municipality may "
    "requisition, proportional to its residents aged 80+ without elderly care. 2023: all "
    "290 from the government decision (seed 001); 2024: the 247 recipients, from the "
    "published Bilaga 1 tabell 1.",
    check_allocation_keys,
    "allocation_keys_reconcile",
)

rekvisitioner = ledger_asset(
    "rekvisitioner",
    "The amount each recipient requisitioned (rekvirerat belopp) per grant year, as "
    "paid out by Socialstyrelsen. 2024: real, from Bilaga 1 tabell 1.",
    check_requisitions,
    "requisitions_reconcile",
)
