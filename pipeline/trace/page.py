"""build/<year>/sparbarhet.html: one anchor per figure with its definition and its rows,
readable offline; every number of the HTML report links here."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import markupsafe
import polars as pl

from pipeline.report.swedish import in_text
from pipeline.tables.spec import table_specs

TEMPLATES = Path(__file__).parent / "templates"


COLUMNS = ["kommunkod", "submission_id", "source_file", "source_row", "contribution"]


def escaped(column: str) -> pl.Expr:
    text = pl.col(column).cast(pl.String).fill_null("")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.str.replace_all(char, entity, literal=True)
    return text


def lineage_rows(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """Per figure, its source rows as HTML table rows (built column-wise: a reviewer's
    page holds tens of thousands of rows) and the table it belongs to."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
        "'lineage' AND table_name = 'rows'"
    ).fetchall()[0][0]
    if not exists:
        return pl.DataFrame(schema={"figure_id": pl.String, "rows_html": pl.String})
    rows = con.sql(
        "SELECT * FROM lineage.rows WHERE bidragsar = $y ORDER BY figure_id, role "
        "DESC, source_file, source_row, contribution, kommunkod",
        params={"y": year},
    ).pl()
    role = (
        pl.when(pl.col("role") == "numerator").then(pl.lit("täljare")).otherwise(pl.lit("nämnare"))
    )
    cells = [role] + [escaped(c) for c in COLUMNS]
    html = pl.concat_str(
        [pl.lit("<tr><td>"), pl.concat_str(cells, separator="</td><td>"), pl.lit("</td></tr>")]
    )
    return rows.group_by("figure_id", maintain_order=True).agg(
        html.str.join("\n").alias("rows_html")
    )


def source_counts(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """Per table, the number of distinct source rows behind its figures."""
    rows = con.execute(
        """SELECT split_part(figure_id, '.', 1),
                  count(DISTINCT {'file': source_file, 'row': source_row})
           FROM lineage.rows WHERE bidragsar = ? GROUP BY 1""",
        [year],
    ).fetchall()
    return dict(rows)


def write_trace_page(con: duckdb.DuckDBPyConnection, year: int, path: Path) -> Path:
    """Write the reviewers' page: every figure with the source rows behind it."""
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
    rows_html = dict(zip(lineage["figure_id"], lineage["rows_html"], strict=True))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    html = env.get_template("sparbarhet.html.j2").render(
        year=year,
        figures=[
            {
                **c,
                "text": in_text(c["value"], c["unit"]),
                "spec": specs[c["table_id"]],
                "rows_html": markupsafe.Markup(rows_html.get(c["figure_id"], "")),
            }
            for c in cells
        ],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
