"""Validation assets per grant year: Great Expectations suites run as Dagster asset checks,
and the reports that passed them (validated.respondents), which every table reads."""

import shutil
from pathlib import Path

import dagster as dg
import polars as pl

from pipeline.assets.returns import sql_model_asset, submission_money
from pipeline.config import run_dir
from pipeline.partitions import grant_year_partitions, partition_year
from pipeline.validation.report import write_validation_report
from pipeline.validation.run import Outcome
from pipeline.validation.stages import blocking_errors, validate_submissions, validate_tables
from pipeline.warehouse import Warehouse

GROUP = "validated"
RUNS_KEPT = 30  # the validation reports of this many latest runs per year are kept


def prune_runs(runs: Path, keep: int) -> None:
    """Remove the oldest run folders (a published version keeps its own copy)."""
    folders = sorted((p for p in runs.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def listed_check(
    name: str, messages: list[str], level: dg.AssetCheckSeverity, **metadata: object
) -> dg.AssetCheckResult:
    """A check result that passes when nothing is listed; lists the first 50 messages."""
    return dg.AssetCheckResult(
        check_name=name,
        passed=not messages,
        severity=level,
        metadata={
            "failures": dg.MetadataValue.json(messages[:50]),
            "failing_rows": len(messages),
            **metadata,
        },
    )


def check_results(
    outcome: Outcome, error_check: str, warning_check: str
) -> list[dg.AssetCheckResult]:
    """One ERROR-severity and one WARN-severity check result, each listing its failing rows
    by file, row, column, value and rule."""
    out = []
    for name, severity, level in (
        (error_check, "error", dg.AssetCheckSeverity.ERROR),
        (warning_check, "warning", dg.AssetCheckSeverity.WARN),
    ):
        failing = outcome.failures.filter(pl.col("severity") == severity)
        rules = outcome.results.filter(pl.col("severity") == severity)
        if severity == "error":  # errors in superseded reports do not reach the tables
            failing = failing.filter(pl.col("is_current").fill_null(True))
        out.append(
            listed_check(
                name,
                failing["message"].to_list(),
                level,
                rules=dg.MetadataValue.json(
                    {
                        r["rule_id"]: "passed" if r["passed"] else f"{r['failing_rows']} rows"
                        for r in rules.iter_rows(named=True)
                    }
                ),
            )
        )
    return out


@dg.asset(
    key_prefix="validated",
    group_name=GROUP,
    partitions_def=grant_year_partitions,
    deps=[
        dg.AssetKey(["staged", "answers"]),
        dg.AssetKey(["staged", "submission_money"]),
        dg.AssetKey(["ledger", "rekvisitioner"]),
        dg.AssetKey(["ledger", "fordelningsnyckel"]),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "submission_errors",
            asset=["validated", "submission_checks"],
            partitions_def=grant_year_partitions,
            description="No error-level rule broken by a report that counts or can never "
            "count (an identity or time in error), and no rejected export file. Each failing "
            "row is listed with its file, row, column, value and rule.",
        ),
        dg.AssetCheckSpec(
            "submission_warnings",
            asset=["validated", "submission_checks"],
            partitions_def=grant_year_partitions,
            description="Warning-level rules (late reports, implausible person counts, code "
            "in free text): published in the report's quality section.",
        ),
    ],
)
def submission_checks(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Every submitted return report checked against the grant's rules (Great Expectations):
    identities resolve, values parse, amounts whole and ≥ 0, unused ≤ requisitioned ≤ key,
    used = requisitioned − unused, costs add up, skip logic, exclusive options, the ledger,
    the reporting window, plausible person counts. Reports breaking an error rule are
    quarantined and left out of the tables until a later submission corrects them."""
    year = partition_year(context)
    with warehouse.connect() as con:
        outcome = validate_submissions(con, year)
        quarantined = con.execute(
            "SELECT count(*) FROM validated.quarantine WHERE bidragsar = ?", [year]
        ).fetchall()[0][0]
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(
                int(outcome.results["checked_rows"].max() or 0)
            ),
            "quarantined": quarantined,
            "failures": outcome.failures.height,
        },
        check_results=check_results(outcome, "submission_errors", "submission_warnings"),
    )


@dg.asset(
    key_prefix="validated",
    group_name=GROUP,
    partitions_def=grant_year_partitions,
    deps=[dg.AssetKey(["tables", "cells"]), submission_checks],
    check_specs=[
        dg.AssetCheckSpec(
            "publishable",
            asset=["validated", "table_checks"],
            blocking=True,
            partitions_def=grant_year_partitions,
            description="No error-level failure on a report or a table, no rejected export "
            "file, and the previous year's data as published: while it fails, nothing is "
            "published.",
        ),
        dg.AssetCheckSpec(
            "quality_warnings",
            asset=["validated", "table_checks"],
            partitions_def=grant_year_partitions,
            description="Every warning of the year, from the reports and the tables.",
        ),
    ],
)
def table_checks(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The derived tables checked (Great Expectations): percentages within 0–100, no count
    above its denominator, every table reconciled with its denominator and the ledger;
    warnings where Tabell 1's rule differs from the raw amounts and where a municipality's
    figures change implausibly from the previous year. Writes the run's validation report
    (build/‹year›/runs/‹run›/validering.html: every rule, its severity and result, the
    failing rows, the quarantine and the files), which the publication copies, and blocks
    publication of the year while any error stands."""
    year = partition_year(context)
    with warehouse.connect() as con:
        outcome = validate_tables(con, year)
        blocking = blocking_errors(con, year)
        warnings = (
            con.sql(
                "SELECT message FROM validated.failures WHERE bidragsar = $y "
                "AND severity = 'warning' ORDER BY stage, rule_id",
                params={"y": year},
            )
            .pl()["message"]
            .to_list()
        )
        path = write_validation_report(
            con, year, run_dir(year, context.run.run_id) / "validering.html"
        )
    prune_runs(path.parent.parent, keep=RUNS_KEPT)
    checks = [
        listed_check("publishable", blocking, dg.AssetCheckSeverity.ERROR),
        listed_check("quality_warnings", warnings, dg.AssetCheckSeverity.WARN),
    ]
    return dg.MaterializeResult(
        metadata={
            "failures": outcome.failures.height,
            "validation_report": dg.MetadataValue.path(str(path)),
        },
        check_results=checks,
    )


respondents = sql_model_asset(
    "validated/respondents",
    [
        submission_money,
        dg.AssetKey(["validated", "submission_checks"]),
        dg.AssetKey(["ledger", "fordelningsnyckel"]),
        dg.AssetKey(["reference", "bidragsar"]),
    ],
    "The current return report of each recipient that passed validation (a report in "
    "quarantine stays out until corrected), with the populations every table is defined "
    "on (recipients, used the grant, started hälsosamtal), Tabell 1's classification of "
    "how much of the grant was used, and the municipality's target group recovered from "
    "its allocation key.",
    group=GROUP,
)
