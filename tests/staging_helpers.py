"""Stage export files into a throwaway warehouse without Dagster (the bare work)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl

from pipeline.db import replace_partition, replace_table
from pipeline.forms import load_form
from pipeline.forms_tables import store_form
from pipeline.raw.ingest import FileOutcome, ingest_folder
from pipeline.raw.reference import load_ledger, load_reference
from pipeline.sqlfiles import materialize_partition
from pipeline.validation.stages import ensure_quarantine


def prepare(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """What the staged tables read besides the exports: the real reference, the year's form
    and ledger (the respondents' target group comes from the allocation key)."""
    replace_table(con, "reference.kommuner", load_reference("kommuner"))
    replace_table(con, "reference.bidragsar", load_reference("bidragsar"))
    for kind in ("fordelningsnyckel", "rekvisitioner"):
        replace_partition(con, f"ledger.{kind}", year, load_ledger(kind, year))
    store_form(con, load_form(year))


CORPUS = Path(__file__).parent / "corpus" / "files"


def corpus_folder(root: Path, *names: str, year: int = 2024) -> Path:
    """A year's export folder under `root` holding the named corpus files."""
    folder = root / str(year)
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(CORPUS / name, folder)
    return folder


def stage(
    con: duckdb.DuckDBPyConnection, year: int, folder: Path, withdrawals: Path | None = None
) -> list[FileOutcome]:
    """Ingest a folder of exports (and a withdrawal list) and rebuild the staged tables of
    that year."""
    prepare(con, year)
    others = {y: load_form(y) for y in (2023, 2024) if y != year}
    outcomes = ingest_folder(con, folder, load_form(year), others, withdrawals)
    materialize_partition(con, "staged/submissions", year)
    materialize_partition(con, "staged/answers", year)
    ensure_quarantine(con)
    return outcomes


def staged_answers(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """The staged answers without provenance, in a stable order, for comparisons."""
    return con.sql(
        """SELECT kommunkod, submission_id, question_id, option_code, value_num, value_text
           FROM staged.answers WHERE bidragsar = $y
           ORDER BY submission_id, question_id, option_code""",
        params={"y": year},
    ).pl()


def stage_and_validate(
    con: duckdb.DuckDBPyConnection, year: int, folder: Path, withdrawals: Path | None = None
) -> list[FileOutcome]:
    """Stage a folder of exports with the real reference and ledger, then run the
    submission rules (quarantine included)."""
    from pipeline.validation.stages import validate_submissions

    outcomes = stage(con, year, folder, withdrawals)
    validate_submissions(con, year)
    return outcomes


def derive_everything(con: duckdb.DuckDBPyConnection, year: int, folder: Path) -> None:
    """Stage, validate and derive a year's tables and lineage from a folder of exports
    (the steps the grant-year job runs before publication), without Dagster."""
    from pipeline.db import replace_table
    from pipeline.tables.derive import derive_year
    from pipeline.trace.lineage import derive_lineage

    replace_table(con, "reference.regioner", load_reference("regioner"))
    stage_and_validate(con, year, folder)
    materialize_partition(con, "staged/respondents", year)
    derive_year(con, year)
    derive_lineage(con, year)


def published_outputs(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, pl.DataFrame]:
    """What a publication is made of (the figures with their tables, and the lineage), in a
    stable order, for comparisons."""
    return {
        "cells": con.sql(
            "SELECT * FROM tables.cells WHERE bidragsar = $y ORDER BY figure_id",
            params={"y": year},
        ).pl(),
        "lineage": con.sql(
            "SELECT * FROM lineage.rows WHERE bidragsar = $y ORDER BY ALL", params={"y": year}
        ).pl(),
    }
