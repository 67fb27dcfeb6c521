"""Build a year's publication: charts, report data, workbook, trace page, HTML and PDF."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.config import REPORT_DIR, year_dir
from pipeline.report.charts import draw_charts
from pipeline.report.data import report_data, write_report_data
from pipeline.report.render import Rendered, render
from pipeline.report.workbook import write_workbook
from pipeline.trace.page import write_trace_page


@dataclass(frozen=True)
class Publication:
    rendered: Rendered
    workbook: Path
    trace_page: Path
    version: str


def content_version(con: duckdb.DuckDBPyConnection, year: int) -> str:
    """A short fingerprint of what the report shows: its figures and its source files."""
    digest = hashlib.sha256()
    for row in con.execute(
        "SELECT figure_id, value FROM tables.cells WHERE bidragsar = ? ORDER BY figure_id", [year]
    ).fetchall():
        digest.update(f"{row[0]}={row[1]}\n".encode())
    for path in sorted(REPORT_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def publish(con: duckdb.DuckDBPyConnection, year: int, out: Path | None = None) -> Publication:
    out = out or year_dir(year)
    work = out / "rapport"
    work.mkdir(parents=True, exist_ok=True)
    cells = con.sql("SELECT * FROM tables.cells WHERE bidragsar = $y", params={"y": year}).pl()
    charts = draw_charts(cells, work)
    version = content_version(con, year)
    trace_page, lineage_counts = write_trace_page(con, year, out / "sparbarhet.html")
    data = report_data(con, year, charts, version, lineage_counts)
    data_path = write_report_data(data, work / "rapport-data.json")
    workbook = write_workbook(cells, year, out / "tabeller.xlsx")
    rendered = render(
        work, data_path.resolve(), (out / "rapport.html").resolve(), (out / "rapport.pdf").resolve()
    )
    return Publication(rendered, workbook, trace_page, version)
