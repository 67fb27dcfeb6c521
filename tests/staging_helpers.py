"""Stage export files into a throwaway warehouse without Dagster (the bare work)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl

from pipeline.raw.ingest import FileOutcome
from pipeline.steps import Sources, load_reference_data, run_year
from pipeline.validation.stages import ensure_quarantine

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
    that year: the reference data, then the year's steps up to the staged money."""
    load_reference_data(con)
    done = run_year(con, year, Sources(folder, withdrawals), until="staged/submission_money")
    ensure_quarantine(con)
    return done["raw/return_exports"]


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
    outcomes = stage(con, year, folder, withdrawals)
    run_year(con, year, start="validated/submission_checks", until="validated/submission_checks")
    return outcomes


def derive_everything(con: duckdb.DuckDBPyConnection, year: int, folder: Path) -> None:
    """Stage, validate and derive a year's tables and lineage from a folder of exports
    (the steps the grant-year job runs before publication), without Dagster."""
    stage_and_validate(con, year, folder)
    run_year(con, year, start="validated/respondents", until="tables/cells")


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
