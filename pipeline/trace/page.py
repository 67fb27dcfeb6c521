"""build/<year>/sparbarhet.html: one anchor per figure with its definition and its rows,
readable offline; every number of the HTML report links here."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2

from pipeline.report.swedish import in_text
from pipeline.tables.spec import table_specs

TEMPLATES = Path(__file__).parent / "templates"


def lineage_rows(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, list[dict]]:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
        "'lineage' AND table_name = 'rows'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    rows = (
        con.sql(
            "SELECT * FROM lineage.rows WHERE bidragsar = $y ORDER BY figure_id, role "
            "DESC, source_file, source_row, contribution, kommunkod",
            params={"y": year},
        )
        .pl()
        .to_dicts()
    )
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["figure_id"], []).append(r)
    return out


def write_trace_page(
    con: duckdb.DuckDBPyConnection, year: int, path: Path
) -> tuple[Path, dict[str, int]]:
    """Write the page; returns it and, per table, the number of distinct source rows."""
    specs = {s.id: s for s in table_specs()}
    cells = (
        con.sql(
            "SELECT * FROM tables.cells WHERE bidragsar = $y ORDER BY table_id, "
            "row_order, col_order",
            params={"y": year},
        )
        .pl()
        .to_dicts()
    )
    lineage = lineage_rows(con, year)
    per_table: dict[str, set] = {}
    for fid, rows in lineage.items():
        table = fid.split(".")[0]
        per_table.setdefault(table, set()).update((r["source_file"], r["source_row"]) for r in rows)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    html = env.get_template("sparbarhet.html.j2").render(
        year=year,
        figures=[
            {
                **c,
                "text": in_text(c["value"], c["unit"]),
                "spec": specs[c["table_id"]],
                "rows": lineage.get(c["figure_id"], []),
            }
            for c in cells
        ],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path, {t: len(v) for t, v in per_table.items()}
