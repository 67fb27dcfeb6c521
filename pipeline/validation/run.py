"""Run rules as Great Expectations suites on Polars frames and turn failures into rows."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from pipeline.validation.rules import FACT_LABELS, RULES_SV, Rule, expectation

FAILURE_SCHEMA = {
    "bidragsar": pl.Int32,
    "stage": pl.String,
    "rule_id": pl.String,
    "severity": pl.String,
    "rule": pl.String,
    "submission_id": pl.String,
    "kommunkod": pl.String,
    "source_file": pl.String,
    "source_row": pl.Int32,
    "is_current": pl.Boolean,
    "column": pl.String,
    "value": pl.String,
    "message": pl.String,
}
RESULT_SCHEMA = {
    "bidragsar": pl.Int32,
    "stage": pl.String,
    "rule_id": pl.String,
    "severity": pl.String,
    "rule": pl.String,
    "passed": pl.Boolean,
    "checked_rows": pl.Int32,
    "failing_rows": pl.Int32,
}


@dataclass(frozen=True)
class Outcome:
    results: pl.DataFrame  # one row per rule
    failures: pl.DataFrame  # one row per failing row and rule


@cache
def gx_context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from tqdm import tqdm

    # GE constructs its progress bars even when they are off, and tqdm's default lock is a
    # multiprocessing semaphore: the worker, ended without its teardown, would leave it to
    # the resource tracker ("leaked semaphore" at the build's exit). A thread lock will do.
    tqdm.set_lock(threading.RLock())
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("facts").add_dataframe_asset("frame")
    return gx, asset.add_batch_definition_whole_dataframe("whole")


def as_filed(value: Any) -> str:
    """A fact's value as a Swedish reader reads it: whole numbers without a decimal part,
    yes/no, and an empty value said so."""
    if value is None:
        return "(tomt)"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _describe(row: dict[str, Any], rule: Rule, form_labels: dict[str, str]) -> tuple[str, str, str]:
    """The column, value and message of one failing row, in words (the year's form names
    its questions; the rule's own labels name the rest)."""
    columns = [c for c in rule.columns if c in row]
    labels = {
        **FACT_LABELS,
        **rule.labels,
        **{c: form_labels[c] for c in rule.labels if c in form_labels},
    }
    column = "; ".join(labels.get(c, c) for c in columns)
    value = "; ".join(f"{labels.get(c, c)} = {as_filed(row[c])}" for c in columns)
    where = ", ".join(
        p
        for p in (
            row.get("source_file"),
            f"rad {row['source_row']}" if row.get("source_row") else None,
            row.get("kommun_i_fil") or row.get("kommunkod"),
        )
        if p
    )
    detail = (
        "; ".join(as_filed(row[c]) for c in columns if row.get(c) is not None)
        if len(columns) == 1
        else value
    )
    broken = f"{detail} — regeln bryts: {RULES_SV[rule.id]}"  # as the report names it
    message = f"{where}: {broken}" if where else broken
    return column, value, message


def failing_row_keys(keyed: pl.DataFrame, rules: tuple[Rule, ...], suite_name: str) -> dict:
    """Each rule's Great Expectations result and the keys (row_key) of its failing rows,
    by rule id: one suite holding every rule, run once on the frame."""
    gx, batch_definition = gx_context()
    suite = gx.ExpectationSuite(name=suite_name, expectations=[expectation(r) for r in rules])
    if keyed.is_empty():
        return {}
    batch = batch_definition.get_batch(batch_parameters={"dataframe": keyed.to_pandas()})
    validated = batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["row_key"]},
    ).results
    return {
        r.expectation_config.meta["rule"]: (
            r.success,
            sorted({int(i["row_key"]) for i in (r.result.get("unexpected_index_list") or [])}),
        )
        for r in validated
    }


def failure_record(row: dict, rule: Rule, form_labels: dict[str, str]) -> dict:
    """A failing row as validated.failures stores it: the rule, where (submission, file,
    row, column) and what (the value and the message)."""
    column, value, message = _describe(row, rule, form_labels)
    return {
        "rule_id": rule.id,
        "severity": rule.severity,
        "rule": rule.text,
        "submission_id": row.get("submission_id"),
        "kommunkod": row.get("kommunkod"),
        "source_file": row.get("source_file"),
        "source_row": row.get("source_row"),
        "is_current": row.get("is_current"),
        "column": column,
        "value": value,
        "message": message,
    }


def run_rules(
    frame: pl.DataFrame,
    rules: tuple[Rule, ...],
    year: int,
    stage: str,
    form_labels: dict[str, str] | None = None,
) -> Outcome:
    """Validate the frame with one suite holding every rule; collect each failing row."""
    keyed = frame.with_row_index("row_key")
    by_rule = failing_row_keys(keyed, rules, f"{stage}_{year}")
    # Only the failing rows become dicts (a large year has hundreds of thousands of rows).
    wanted = sorted({k for _, keys in by_rule.values() for k in keys})
    rows = dict(zip(wanted, keyed[wanted].to_dicts(), strict=True)) if wanted else {}
    where = {"bidragsar": year, "stage": stage}
    results, failures = [], []
    for rule in rules:
        passed, failing = by_rule.get(rule.id, (True, []))
        results.append(
            {**where, "rule_id": rule.id, "severity": rule.severity, "rule": rule.text,
             "passed": passed, "checked_rows": frame.height, "failing_rows": len(failing)}
        )  # fmt: skip
        failures += [
            {**where, **failure_record(rows[key], rule, form_labels or {})} for key in failing
        ]
    return Outcome(
        pl.DataFrame(results, schema=RESULT_SCHEMA), pl.DataFrame(failures, schema=FAILURE_SCHEMA)
    )


def combine(outcomes: list[Outcome]) -> Outcome:
    return Outcome(
        pl.concat([o.results for o in outcomes]), pl.concat([o.failures for o in outcomes])
    )
