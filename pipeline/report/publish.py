"""Publish a grant year as a new version, only when something changed.

Everything of a version is built in a staging folder under build/<year>/versions/ and
renamed into place in one step, so a killed run never leaves a half-written version. The
published version is then switched in one step too: build/<year>/current is a link to
versions/vN, replaced by a rename, and every published name in build/<year>/
(rapport.html, …) is a fixed link through it. A reader, a web server or a killed run
sees either the old version whole or the new one whole, never a mix. A run that fails
(a full disk, say) leaves its staging folder, removed by the next run, and the error as
the operating system gave it. A run that finds the inputs and the code as the latest
version had them publishes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.config import build_dir, year_dir
from pipeline.db import execute
from pipeline.freshness import (
    fingerprint,
    is_returns_input,
    latest_version,
    read_manifest,
    record_build,
    record_published_data,
    source_state,
)
from pipeline.raw.provenance import sha256_of
from pipeline.report.data import (
    data_day,
    multiple_choice_questions,
    report_data,
    write_report_data,
)
from pipeline.report.workbook import write_workbook
from pipeline.tables.export import write_tables
from pipeline.trace.page import source_counts, write_trace_page
from pipeline.worker import later

PACKAGES = [
    "dagster",
    "duckdb",
    "polars",
    "great-expectations",
    "plotnine",
    "pypandoc-binary",
    "typst",
    "xlsxwriter",
]
# What a version holds, mirrored into build/<year>/ as the latest.
PUBLISHED = [
    "rapport.html",
    "rapport.pdf",
    "tabeller.xlsx",
    "sparbarhet.html",
    "sparbarhet",
    "figures.csv",
    "lineage.parquet",
    "validering.html",
    "andringar.json",
    "manifest.json",
    "tables",
]


@dataclass(frozen=True)
class Publication:
    version: str
    folder: Path
    new: bool  # False when nothing changed and no version was published


CURRENT = "current"  # build/<year>/current → versions/vN: the one pointer readers follow


def inputs_as_read(con: duckdb.DuckDBPyConnection, year: int) -> list[dict[str, str]]:
    """The export files (and withdrawal lists) of the year and the year before as the runs
    that ingested them read them: the SHA-256 of the bytes parsed, not of the files on
    disk now (a file that lands during a run is then not recorded as published)."""
    rows = con.execute(
        "SELECT source_file, source_sha256 FROM raw.export_folder_state "
        "WHERE bidragsar IN (?, ?) ORDER BY source_file",
        [year, year - 1],
    ).fetchall()
    return [{"path": path, "sha256": sha} for path, sha in rows]


def current_state(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, Any]:
    subs = con.execute(
        """SELECT s.kommunkod, k.kommun_namn, s.submission_id,
                  strftime(s.submitted_at, '%Y-%m-%d %H:%M:%S'), s.source_file
           FROM validated.respondents s JOIN reference.kommuner k USING (kommunkod)
           WHERE s.bidragsar = ? ORDER BY s.kommunkod""",
        [year],
    ).fetchall()
    return {
        "year": year,
        **source_state(year, inputs_as_read(con, year)),
        "packages": {p: metadata.version(p) for p in PACKAGES},
        "submissions": [
            dict(
                zip(
                    ["kommunkod", "kommun", "submission_id", "submitted_at", "source_file"],
                    s,
                    strict=True,
                )
            )
            for s in subs
        ],
    }


def content_key(con: duckdb.DuckDBPyConnection, year: int, state: dict[str, Any]) -> str:
    """What a version of the year shows: every figure with its labels, the reports that
    count, the year's export files as read (their outcomes are in the report), and the
    code that draws and renders them. A new version is published only when this changes."""
    cells = con.sql(
        "SELECT * EXCLUDE (bidragsar) FROM tables.cells WHERE bidragsar = $y ORDER BY figure_id",
        params={"y": year},
    ).pl()
    digest = hashlib.sha256(cells.write_csv().encode())
    files = [i for i in state["inputs"] if is_returns_input(i["path"], year)]  # as read
    for part in (state["code_version"], state["submissions"], files):
        digest.update(json.dumps(part, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def changes(
    previous_dir: Path | None, state: dict[str, Any], figures: pl.DataFrame
) -> dict[str, Any]:
    """What changed since the previous version: reports that arrived or were superseded,
    and every figure whose value changed (old → new)."""
    if previous_dir is None:
        return {"previous": None, "reports": [], "figures": []}
    old = read_manifest(previous_dir)
    before = {s["kommunkod"]: s for s in old["submissions"]}
    reports = []
    for s in state["submissions"]:
        was = before.get(s["kommunkod"])
        if was is None:
            reports.append({**s, "change": "ny"})
        elif was["submission_id"] != s["submission_id"]:
            reports.append({**s, "change": "ersätter " + was["submission_id"]})
    now = {s["kommunkod"] for s in state["submissions"]}
    reports += [{**s, "change": "utgår"} for k, s in before.items() if k not in now]
    old_figs = pl.read_csv(previous_dir / "figures.csv", infer_schema_length=None)
    joined = old_figs.select("figure_id", pl.col("value").cast(pl.Float64).alias("old")).join(
        figures.select("figure_id", "row_label", "col_label", "unit", pl.col("value").alias("new")),
        on="figure_id",
        how="full",
        coalesce=True,
    )
    changed = joined.filter(pl.col("old").ne_missing(pl.col("new"))).sort("figure_id")
    return {"previous": old["version"], "reports": reports, "figures": changed.to_dicts()}


def sha_tree(folder: Path) -> list[dict[str, str]]:
    return [
        {"path": p.relative_to(folder).as_posix(), "sha256": sha256_of(p)}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    ]


def replace_link(link: Path, target: Path) -> None:
    """Make `link` a symbolic link to `target` in one step (a rename over what was there)."""
    if link.is_symlink() and os.readlink(link) == str(target):
        return
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # a folder of the layout before links: replaced once
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def switch_to(version_dir: Path, out: Path) -> None:
    """Make build/<year>/ show the given version: one rename of the `current` link; the
    names in build/<year>/ are links through it (made once, never changed after)."""
    replace_link(out / CURRENT, Path(version_dir.parent.name) / version_dir.name)
    for name in PUBLISHED:
        replace_link(out / name, Path(CURRENT) / name)


def remove_leftovers(out: Path, versions: Path) -> None:
    """Staging folders and link temporaries of a killed run: never published."""
    for leftover in [*versions.glob(".staging-*"), *out.glob(".*.tmp")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def record_published(
    con: duckdb.DuckDBPyConnection, year: int, state: dict[str, Any], version: str
) -> None:
    """Note in the warehouse that its tables and staged data of the year are the version's."""
    record_build(con, str(year), fingerprint(state), version)
    record_published_data(con, year, version)


def publish(
    con: duckdb.DuckDBPyConnection,
    year: int,
    out: Path | None = None,
    validation_report: Path | None = None,
) -> Publication:
    out = out or year_dir(year)
    versions = out / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out, versions)
    state = current_state(con, year)
    state["content"] = content_key(con, year, state)
    latest = latest_version(versions)
    if latest is not None:
        previous = read_manifest(latest[1])
        # Same inputs and code, or what the version shows is the same (another year's row
        # added to a shared reference file, say): the published version stays current.
        if (
            fingerprint(previous) == fingerprint(state)
            or previous.get("content") == state["content"]
        ):
            switch_to(latest[1], out)
            record_published(con, year, state, previous["version"])
            return Publication(previous["version"], latest[1], new=False)
    number = latest[0] + 1 if latest else 1
    version = f"v{number}"
    stage = versions / f".staging-{version}-{os.getpid()}"
    stage.mkdir()
    try:
        build_version(
            con, year, stage, state, version, latest[1] if latest else None, validation_report
        )
        final = versions / version
        os.rename(stage, final)  # the version appears whole, or not at all
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    switch_to(final, out)
    record_published(con, year, state, version)
    return Publication(version, final, new=True)


def data_date(cells: pl.DataFrame) -> int | None:
    """The data's date (the latest report included) as UNIX seconds: the PDF's creation
    time, so that the same inputs give the same PDF."""
    day = data_day(cells)
    return None if day is None else int(day.replace(tzinfo=dt.UTC).timestamp())


def build_version(
    con: duckdb.DuckDBPyConnection,
    year: int,
    stage: Path,
    state: dict[str, Any],
    version: str,
    previous_dir: Path | None,
    validation_report: Path | None,
) -> None:
    cells = con.sql("SELECT * FROM tables.cells WHERE bidragsar = $y", params={"y": year}).pl()
    write_tables(cells, stage)
    target = str(stage / "lineage.parquet").replace("'", "''")
    execute(  # by DuckDB itself: the rows never pass through Python (millions at scale)
        con,
        f"COPY (SELECT * FROM lineage.rows WHERE bidragsar = {int(year)} ORDER BY ALL) "
        f"TO '{target}' (FORMAT parquet)",
    )
    if validation_report is not None and validation_report.exists():
        shutil.copyfile(validation_report, stage / "validering.html")
    diff = changes(previous_dir, state, cells)
    (stage / "andringar.json").write_text(
        json.dumps(diff, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    work = stage / "rapport"
    work.mkdir()
    # In the worker process when there is one: the charts (plotnine), then the render
    # (pandoc, Typst). Meanwhile this process writes the reviewers' pages and the workbook,
    # which need neither.
    charts = later(
        "pipeline.report.charts:draw_charts", cells, work, build_dir() / "cache" / "charts"
    )
    write_trace_page(con, year, stage / "sparbarhet.html")
    write_workbook(cells, year, stage / "tabeller.xlsx", multiple_choice_questions(con, year))
    # The public report names the version by its number; the code version that made it is
    # in manifest.json for reviewers.
    data = report_data(
        con, year, charts(), version.removeprefix("v"), source_counts(con, year), diff
    )
    data_path = write_report_data(data, work / "rapport-data.json")
    rendered = later(
        "pipeline.report.render:render",
        work,
        data_path.resolve(),
        (stage / "rapport.html").resolve(),
        (stage / "rapport.pdf").resolve(),
        None,
        data_date(cells),
    )
    rendered()
    manifest = {
        **state,
        "version": version,
        "previous_version": diff["previous"],
        "outputs": sha_tree(stage),
    }
    (stage / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
