"""The bare work for the benchmark: the pipeline's steps called straight in one process,
without Dagster. ``python -m pipeline.bench_bare all`` or ``… scale <k>``; prints one JSON
line. Used by ``python -m pipeline bench``."""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

T0 = time.perf_counter()
import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from pipeline.db import connect, replace_partition, replace_table  # noqa: E402
from pipeline.forms import load_form  # noqa: E402
from pipeline.raw.reference import load_ledger, load_reference  # noqa: E402
from pipeline.steps import Sources, load_reference_data, run_year, year_steps  # noqa: E402

IMPORTS = time.perf_counter() - T0
DERIVE = "derive tables and lineage (SQL)"
# The benchmark's lines: the grant year's steps (pipeline/steps.py), grouped.
BENCH_LABELS = {
    "ledger/fordelningsnyckel": "load reference + ledger",
    "ledger/rekvisitioner": "load reference + ledger",
    "reference/form": "parse exports",
    "raw/return_exports": "parse exports",
    "staged/submissions": "stage (SQL)",
    "staged/answers": "stage (SQL)",
    "staged/submission_money": "stage (SQL)",
    "validated/submission_checks": "validate reports (Great Expectations)",
    "validated/respondents": DERIVE,
    "tables/cells": DERIVE,
    "validated/table_checks": "validate tables (Great Expectations)",
}
YEARS = (2023, 2024)


def peak_mb() -> float:
    """The process's peak resident memory so far (it only grows: read it after each step)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def step(steps: dict[str, float], name: str):
    start = time.perf_counter()
    yield
    steps[name] = steps.get(name, 0.0) + time.perf_counter() - start


def all_steps() -> dict:
    from pipeline.report.publish import publish
    from pipeline.report.render import render

    steps: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "w.duckdb")
        with step(steps, "load reference + ledger"):
            load_reference_data(con)
        for year in YEARS:
            for key, run in year_steps():
                with step(steps, BENCH_LABELS[key]):
                    run(con, year, Sources())
            with step(steps, "publish (charts, files, render)"):
                pub = publish(con, year, Path(tmp) / "out" / str(year))
        work = pub.folder / "rapport"
        with step(steps, "render HTML + PDF"):
            render(
                work,
                (work / "rapport-data.json").resolve(),
                Path(tmp) / "r.html",
                Path(tmp) / "r.pdf",
            )
    total = time.perf_counter() - T0
    # the render alone is measured again on its own; the publish step already includes it
    return {"steps": steps, "imports": IMPORTS, "total": total - steps["render HTML + PDF"]}


def write_trace_sample(con: duckdb.DuckDBPyConnection, folder: Path) -> dict:
    """What a reviewer opens, at this scale: the search (its parts) and the page of the
    figure with the most source rows. Returns the files and how long writing them took."""
    from pipeline.trace.page import page_of, search_entries, write_figure_pages
    from pipeline.trace.search import write_search

    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    largest = con.execute(
        "SELECT figure_id FROM lineage.rows WHERE bidragsar = 2024 "
        "GROUP BY figure_id ORDER BY count(*) DESC, figure_id LIMIT 1"
    ).fetchall()[0][0]
    cell = (
        con.sql(
            "SELECT * FROM tables.cells WHERE bidragsar = 2024 AND figure_id = $f",
            params={"f": largest},
        )
        .pl()
        .to_dicts()
    )
    write_figure_pages(con, 2024, cell, folder, only=True)
    page_seconds = time.perf_counter() - t
    t = time.perf_counter()
    entries = search_entries(con, 2024)
    parts = write_search(entries, folder / "sparbarhet")
    search_seconds = time.perf_counter() - t
    biggest = max((folder / "sparbarhet").glob("sok-*.js"), key=lambda p: p.stat().st_size)
    return {
        "figure": largest,
        "figure_page": str(folder / page_of(largest)),
        "figure_page_kb": round((folder / page_of(largest)).stat().st_size / 1024, 1),
        "figure_page_seconds": page_seconds,
        "search_entries": entries.height,
        "search_parts": len(parts),
        "largest_search_part": str(biggest),
        "largest_search_part_kb": round(biggest.stat().st_size / 1024, 1),
        "search_seconds": search_seconds,
    }


def trace_step(folder: Path) -> dict:
    """What a reviewer opens of the trace of a scaled warehouse with its lineage: the page
    of the figure with the most rows and the search, in a process of its own."""
    con = connect(folder / "w.duckdb", read_only=True)
    trace = write_trace_sample(con, folder)
    con.close()
    return {"trace": trace}


def scaled_municipalities(k: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """k copies of the 290 municipalities (codes and names made unique), and the 2024
    recipients among them with their allocation keys."""
    real = load_reference("kommuner")
    kommuner = pl.concat(
        real.with_columns(
            kommunkod=pl.col("kommunkod") + f"{i:04d}" if k > 1 else pl.col("kommunkod"),
            kommun_namn=pl.col("kommun_namn") + (f" {i}" if k > 1 else ""),
            kommun=pl.col("kommun") + (f" {i}" if k > 1 else ""),
        )
        for i in range(k)
    )
    keys = load_ledger("fordelningsnyckel", 2024).select("kommunkod", "belopp_kr")
    recipients = kommuner.join(
        keys.with_columns(base=pl.col("kommunkod")).drop("kommunkod"),
        left_on=pl.col("kommunkod").str.slice(0, 4),
        right_on="base",
    )
    return kommuner, recipients


def write_scaled_export(k: int, recipients: pl.DataFrame, folder: Path) -> tuple[int, list[int]]:
    """One report per recipient in one export (generated as it is written: flat memory);
    returns how many were written and what each requisitioned."""
    import datetime as dt

    from pipeline.synthetic.example_year import example_answers
    from pipeline.synthetic.exports import ExportFile, Submission, write_csv
    from pipeline.synthetic.generate import Money

    rng = np.random.default_rng(k)
    form = load_form(2024)
    requisitioned: list[int] = []

    def submissions() -> Iterator[Submission]:
        for i, r in enumerate(recipients.iter_rows(named=True)):
            unused = 0 if rng.uniform() < 0.8 else int(r["belopp_kr"] * rng.uniform(0, 1))
            answers = example_answers(rng, Money(r["belopp_kr"], unused), form)
            requisitioned.append(int(answers["rekvirerat"]))
            yield Submission(
                str(10_000_000 + i), dt.datetime(2025, 1, 10, 9, 0), r["kommun_namn"], answers
            )

    written = write_csv(ExportFile(folder / "export.csv", form, [], kind="csv"), submissions())
    return written, requisitioned


def load_scaled_reference(
    con: duckdb.DuckDBPyConnection,
    kommuner: pl.DataFrame,
    recipients: pl.DataFrame,
    requisitioned: list[int],
) -> None:
    """The scaled municipalities and their 2024 ledger into the warehouse."""
    replace_table(con, "reference.kommuner", kommuner)
    replace_table(con, "reference.regioner", load_reference("regioner"))
    replace_table(con, "reference.bidragsar", load_reference("bidragsar"))
    year = pl.lit(2024, pl.Int32).alias("bidragsar")
    ledger = recipients.select(
        year,
        "kommunkod",
        "belopp_kr",
        pl.lit("bench").alias("source_file"),
        pl.lit("").alias("source_sha256"),
        pl.lit(0, pl.Int32).alias("source_row"),
    )
    replace_partition(con, "ledger.fordelningsnyckel", 2024, ledger)
    req = recipients.select(year, "kommunkod", pl.Series("belopp_kr", requisitioned))
    replace_partition(con, "ledger.rekvisitioner", 2024, req)


def timed_year_steps(con: duckdb.DuckDBPyConnection, sources: Sources) -> dict:
    """The grant year's steps (pipeline/steps.py) on the scaled exports, timed in three
    parts, each with the process's peak memory after it."""
    timed: dict = {"peak_mb_after": {}}
    run_year(con, 2024, sources, start="reference/form", until="reference/form")
    parts = {
        "ingest": ("raw/return_exports", "staged/submission_money"),
        "validate": ("validated/submission_checks", "validated/submission_checks"),
        "derive": ("validated/respondents", "tables/cells"),
    }
    for name, (first, last) in parts.items():
        t = time.perf_counter()
        done = run_year(con, 2024, sources, start=first, until=last)
        timed[name] = time.perf_counter() - t
        timed["peak_mb_after"][name] = peak_mb()
    derived = done["tables/cells"]
    timed["figures"] = sum(derived["tables"].values())
    timed["lineage_rows"] = derived["lineage"]["rows"]
    return timed


def scale(k: int, keep: Path) -> dict:
    """Synthetic returns for k × the municipalities: ingest, validation, derivation. The
    warehouse is kept as keep/w.duckdb for `trace_step`."""
    keep.mkdir(parents=True, exist_ok=True)
    kommuner, recipients = scaled_municipalities(k)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "2024"
        folder.mkdir()
        written, requisitioned = write_scaled_export(k, recipients, folder)
        generated = peak_mb()
        con = connect(Path(tmp) / "w.duckdb")
        load_scaled_reference(con, kommuner, recipients, requisitioned)
        timed = timed_year_steps(con, Sources(returns=folder))
        con.close()  # kept for the trace step, which runs in a process of its own
        shutil.copyfile(Path(tmp) / "w.duckdb", keep / "w.duckdb")
    timed["peak_mb_after"] = {"generate": generated, **timed["peak_mb_after"]}
    return {"k": k, "submissions": written, **timed}


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "all"
    if mode == "scale":
        result = scale(int(sys.argv[2]), Path(sys.argv[3]))
    elif mode == "trace":
        result = trace_step(Path(sys.argv[2]))
    else:
        result = all_steps()
    print(json.dumps(result))
