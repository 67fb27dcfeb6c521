"""The validation stages of a grant year, run on a warehouse connection.

1. `submissions`: every submission against the grant's rules (before the tables); reports
   breaking an error-level rule go to quarantine and stay out of the tables.
2. `tables`: the derived tables, their reconciliation with denominators and the ledger,
   the Tabell 1 rule and the year-over-year plausibility (after the tables).
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipeline.db import execute, replace_rows
from pipeline.freshness import unpublished_derivation
from pipeline.sqlfiles import materialize_partition
from pipeline.validation.rules import (
    ERROR,
    RECONCILIATION_RULES,
    RESPONDENT_RULES,
    SUBMISSION_RULES,
    TABLE_RULES,
    YEAR_OVER_YEAR_RULES,
    Rule,
)
from pipeline.validation.run import Outcome, combine
from pipeline.worker import call

RUN_RULES = "pipeline.validation.run:run_rules"  # in the worker process when there is one

QUARANTINE_DDL = """
CREATE SCHEMA IF NOT EXISTS validated;
CREATE TABLE IF NOT EXISTS validated.quarantine (
    bidragsar INTEGER, submission_id VARCHAR, kommunkod VARCHAR, source_file VARCHAR,
    source_row INTEGER, is_current BOOLEAN, reasons VARCHAR);
"""


def ensure_quarantine(con: duckdb.DuckDBPyConnection) -> None:
    execute(con, QUARANTINE_DDL)


def facts(con: duckdb.DuckDBPyConnection, model: str, year: int) -> pl.DataFrame:
    materialize_partition(con, f"validated/{model}", year)
    return con.sql(f"SELECT * FROM validated.{model} WHERE bidragsar = $y", params={"y": year}).pl()


def store(con: duckdb.DuckDBPyConnection, outcome: Outcome, year: int, stage: str) -> None:
    where = {"bidragsar": year, "stage": stage}
    replace_rows(con, "validated.results", outcome.results, where)
    replace_rows(con, "validated.failures", outcome.failures, where)


def quarantine(failures: pl.DataFrame) -> pl.DataFrame:
    """Submissions that break an error-level rule, with every reason."""
    errors = failures.filter(pl.col("severity") == ERROR, pl.col("submission_id").is_not_null())
    return (
        errors.group_by("bidragsar", "submission_id")
        .agg(
            pl.col("kommunkod").first(),
            pl.col("source_file").first(),
            pl.col("source_row").first(),
            pl.col("is_current").first(),
            reasons=pl.col("message").str.join("\n"),
        )
        .sort("source_file", "source_row")
    )


def form_labels(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, str]:
    """How the year's form numbers and names each question ("6. Antal personer …" where
    2026 inserted a question before it): messages use the year's own words."""
    rows = con.execute(
        "SELECT question_id, number, header FROM reference.form_questions WHERE bidragsar = ?",
        [year],
    ).fetchall()
    labels = {qid: f"{number}. {header}" for qid, number, header in rows}
    numbers = {qid: number for qid, number, _ in rows}
    if {"lonekostnader", "ovriga_kostnader"} <= numbers.keys():
        labels["kostnader_summa"] = f"{numbers['lonekostnader']} + {numbers['ovriga_kostnader']}"
    if {"rekvirerat", "oanvant"} <= numbers.keys():
        labels["rekvirerat_minus_oanvant"] = f"{numbers['rekvirerat']} − {numbers['oanvant']}"
    return labels


def check(
    con: duckdb.DuckDBPyConnection, model: str, rules: tuple[Rule, ...], year: int, stage: str
) -> Outcome:
    """A validation model's facts checked by rules (in the worker process when there is one)."""
    return call(RUN_RULES, facts(con, model, year), rules, year, stage, form_labels(con, year))


def validate_submissions(con: duckdb.DuckDBPyConnection, year: int) -> Outcome:
    ensure_quarantine(con)
    outcome = check(con, "submission_facts", SUBMISSION_RULES, year, "submissions")
    store(con, outcome, year, "submissions")
    replace_rows(con, "validated.quarantine", quarantine(outcome.failures), {"bidragsar": year})
    return outcome


def validate_tables(con: duckdb.DuckDBPyConnection, year: int) -> Outcome:
    models = {
        "table_facts": TABLE_RULES,
        "reconciliation_facts": RECONCILIATION_RULES,
        "respondent_facts": RESPONDENT_RULES + YEAR_OVER_YEAR_RULES,
    }
    outcome = combine([check(con, model, rules, year, "tables") for model, rules in models.items()])
    store(con, outcome, year, "tables")
    return outcome


def blocking_errors(con: duckdb.DuckDBPyConnection, year: int, swedish: bool = False) -> list[str]:
    """Why the year may not be published: error failures on current reports, on reports
    whose identity or time is in error (they can never become current, so only a
    withdrawal or a correction lifts them) and on tables; and export files that were
    rejected and not withdrawn. In English for the command line, or in Swedish
    (validering.html); a rule's own message is Swedish in both, as the report names it."""
    rejected = (
        "': filen avvisades: ' || coalesce(reason_sv, reason)"
        if swedish
        else "': the file was rejected: ' || reason"
    )
    rows = con.execute(
        f"""SELECT f.message FROM validated.failures AS f
           LEFT JOIN staged.submissions AS s
               ON s.bidragsar = f.bidragsar AND s.source_file = f.source_file
               AND s.source_row = f.source_row
           WHERE f.bidragsar = $y AND f.severity = 'error'
             AND (f.source_row IS NULL OR coalesce(f.is_current, true) OR s.problem IS NOT NULL)
           UNION ALL
           SELECT source_file || {rejected}
           FROM raw.export_folder_state AS e WHERE bidragsar = $y AND status = 'rejected'
             AND NOT EXISTS (SELECT 1 FROM raw.withdrawals AS w WHERE w.bidragsar = $y
                             AND w.source_file = e.source_file AND w.source_row IS NULL)""",
        {"y": year},
    ).fetchall()
    messages = sorted(r[0] for r in rows)
    previous = unpublished_derivation(con, year - 1)
    if previous is not None and swedish:
        messages.append(
            f"{year} jämförs med {year - 1}, men {year - 1} är inte publicerat från sina "
            f"senaste data: {year} publiceras bara från {year - 1}s publicerade data. "
            f"Publicera {year - 1} först (python -m pipeline build --year {year - 1})"
        )
    elif previous is not None:
        messages.append(
            f"{year} compares with {year - 1}, but {previous}: {year} is published only from "
            f"{year - 1}'s published data. Publish {year - 1} first "
            f"(python -m pipeline build --year {year - 1})"
        )
    return messages
