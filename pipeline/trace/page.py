"""The reviewers' trace, readable offline and small at any scale: build/<year>/sparbarhet.html
(the tables, and a search over every figure), a page per table listing its figures, and a
page per figure, build/<year>/sparbarhet/<figure>.html: its definition in words, its value
recomputed from its rows, and the rows (role, municipality name and code, submission,
file, row, the export cells and their values as filed, contribution), at most SHOWN_ROWS
of them. Every number of the HTML report links to its figure's page, and each page links
back."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import jinja2
import markupsafe
import polars as pl

from pipeline.sqlfiles import sql_text
from pipeline.swedish import in_table, in_text, number
from pipeline.tables.basis import is_synthetic
from pipeline.tables.spec import table_specs
from pipeline.trace.lineage import from_sums
from pipeline.trace.search import write_search
from pipeline.validation.report import STATUS_SV

TEMPLATES = Path(__file__).parent / "templates"
FOLDER = "sparbarhet"  # the per-table pages, beside sparbarhet.html
SHOWN_ROWS = 1000  # rows listed per figure; all of them are in lineage.parquet and the CLI

ROLES = {"numerator": "täljare", "denominator": "nämnare", "value": "värde"}
RULES = {  # how the rows make the figure, in words
    "count": "Antalet källrader i täljaren.",
    "sum": "Summan av källradernas bidrag.",
    "share": "Täljarens summa delad med nämnarens, i procent, avrundad till heltal (0,5 uppåt).",
    "mkr": "Summan av bidragen i miljoner kronor, avrundad till en decimal.",
    "round1000": "Summan av bidragen, avrundad till tusental.",
    "per1000": "Täljarens summa per 1 000 i nämnaren, avrundad till en decimal.",
    "max": "Det största bidraget.",
}


def page_of(figure_id: str) -> str:
    """Where a figure is traced, relative to the report."""
    return f"{FOLDER}/{figure_id}.html"


def table_page_of(table_id: str) -> str:
    return f"{FOLDER}/tabell-{table_id}.html"


def municipality_page_of(kommunkod: str) -> str:
    return f"{FOLDER}/kommun-{kommunkod}.html"


def escaped(column: str) -> pl.Expr:
    text = pl.col(column).cast(pl.String).fill_null("")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.str.replace_all(char, entity, literal=True)
    return text


def rows_as_html(rows: pl.DataFrame) -> pl.DataFrame:
    """Per figure, its first SHOWN_ROWS source rows as HTML table rows (built column-wise:
    a year has tens of thousands)."""
    role = pl.col("role").replace_strict(ROLES, default=pl.col("role"))
    kommun = pl.concat_str(  # the name links to everything the municipality contributed
        [
            pl.lit('<a href="kommun-'),
            escaped("kommunkod"),
            pl.lit('.html">'),
            escaped("kommun"),
            pl.lit(" ("),
            escaped("kommunkod"),
            pl.lit(")</a>"),
        ]
    )
    cells = [
        role,
        pl.when(pl.col("kommunkod").is_null()).then(pl.lit("")).otherwise(kommun),
        escaped("submission_id"),
        escaped("source_file"),
        escaped("source_row"),
        escaped("celler"),
        pl.col("bidrag"),
    ]
    html = pl.concat_str(
        [pl.lit("<tr><td>"), pl.concat_str(cells, separator="</td><td>"), pl.lit("</td></tr>")]
    )
    return (
        rows.with_columns(html=html)
        .group_by("figure_id", maintain_order=True)
        .agg(pl.col("html").head(SHOWN_ROWS).str.join("\n"))
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


def trace_rows(
    con: duckdb.DuckDBPyConnection,
    year: int,
    figure_ids: list[str] | None = None,
    shown: int | None = None,
) -> pl.DataFrame:
    """The year's lineage rows (of every figure, or of those named; at most `shown` per
    figure) as the pages list them, each with the export cells (column and value as filed)
    behind it."""
    params = {"bidragsar": year, "figures": figure_ids or []}
    con.execute(f"CREATE OR REPLACE TEMP TABLE trace_cells AS {sql_text('trace/cells')}", params)
    try:
        rows = sql_text("trace/rows")
        return con.sql(rows, params={**params, "shown": shown}).pl()
    finally:
        con.execute("DROP TABLE IF EXISTS trace_cells")


def figure_pages(
    con: duckdb.DuckDBPyConnection, year: int, cells: list[dict], only: bool = False
) -> list[dict]:
    """Every figure of `cells` with what its page shows (its rows summed column-wise, then
    recomputed by the lineage's own rule); `only`: read the rows of these figures alone."""
    figure_ids = [c["figure_id"] for c in cells] if only else None
    rows = trace_rows(con, year, figure_ids, SHOWN_ROWS)  # what the pages list, no more
    html = dict(rows_as_html(rows).iter_rows()) if rows.height else {}
    sums = {  # of all the rows, listed or not
        s["figure_id"]: s
        for s in con.sql(
            sql_text("trace/sums"),
            params={"bidragsar": year, "figures": figure_ids or []},
        )
        .pl()
        .iter_rows(named=True)
    }
    specs = {s.id: s for s in table_specs()}
    pages = []
    for c in cells:
        mine = sums.get(c["figure_id"])
        aggregation = mine["aggregation"] if mine else c["aggregation"]
        recomputed = (  # a figure without rows: what its aggregation makes of nothing
            from_sums(aggregation, mine["n_numerator"], mine["total"], mine["largest"],
                      mine["denominator"])
            if mine
            else from_sums(aggregation, 0, None, None, None)
            if aggregation not in ("judgement", None)
            else None
        )  # fmt: skip
        spec = specs[c["table_id"]]
        pages.append(
            {
                **c,
                "spec": spec,
                "text": in_text(c["value"], c["unit"]),
                "rule": RULES.get(aggregation, ""),
                "recomputed": "–" if recomputed is None else in_table(recomputed, c["unit"]),
                "matches": recomputed == c["value"],
                "n_rows": mine["n_rows"] if mine else 0,
                "n_numerator": mine["n_numerator"] if mine else 0,
                "n_denominator": mine["n_rows"] - mine["n_numerator"] if mine else 0,
                "synthetic": is_synthetic(spec, c["row_id"], year),
                "rows_html": markupsafe.Markup(html.get(c["figure_id"], "")),
                "report_anchor": f"tab-{spec.id}" if spec.printed else "",
            }
        )
    return pages


def municipality_pages(con: duckdb.DuckDBPyConnection, year: int) -> list[dict]:
    """Per municipality of the reference list, what it contributed to the year's report:
    its return reports (whether each counts, and why not) and every figure it counts in."""
    params = {"bidragsar": year}
    submissions: dict[str, list[dict]] = {}
    for s in con.sql(sql_text("trace/kommun_submissions"), params=params).pl().to_dicts():
        s["status_sv"] = STATUS_SV.get(s["status"], s["status"])
        s["why"] = (
            s["karantan"]
            or s["problem"]
            or (f"ersatt av {s['superseded_by']}" if s["superseded_by"] else "")
        )
        submissions.setdefault(s["kommunkod"], []).append(s)
    rows = municipality_figure_rows(con, year)
    kommuner = con.execute(
        "SELECT kommunkod, kommun_namn FROM reference.kommuner ORDER BY kommunkod"
    ).fetchall()
    return [
        {
            "kommunkod": kod,
            "namn": namn,
            "submissions": submissions.get(kod, []),
            "figure_count": rows[kod][0] if kod in rows else 0,
            "figure_rows": rows[kod][1] if kod in rows else "",
        }
        for kod, namn in kommuner
    ]


def figure_words(figures: pl.DataFrame, year: int) -> pl.DataFrame:
    """Per figure, what a municipality's page says of it: its table (and that table's
    place), its value as the text prints it, and whether it rests on synthetic data."""
    specs = {s.id: (i, s) for i, s in enumerate(table_specs())}
    synthetic = ' <span class="syntetisk">(syntetisk)</span>'
    return pl.DataFrame(
        [
            {
                "figure_id": f["figure_id"],
                "order": specs[f["table_id"]][0],
                "table": specs[f["table_id"]][1].number,
                "text": in_text(f["value"], f["unit"]),
                "mark": synthetic if is_synthetic(specs[f["table_id"]][1], f["row_id"], year)
                else "",
            }
            for f in figures.iter_rows(named=True)
        ],
        schema={"figure_id": pl.String, "order": pl.Int64, "table": pl.String,
                "text": pl.String, "mark": pl.String},
    )  # fmt: skip


def municipality_figure_rows(
    con: duckdb.DuckDBPyConnection, year: int
) -> dict[str, tuple[int, markupsafe.Markup]]:
    """Per municipality, how many figures it counts in and their table rows as HTML: built
    column-wise (70 000 rows at 1×; a template loop over them took two seconds), each
    figure's words (table, value, basis) worked out once per figure, every text escaped."""
    found = con.sql(sql_text("trace/kommun_figures"), params={"bidragsar": year}).pl()
    per_figure = found.select("figure_id", "table_id", "row_id", "value", "unit").unique()
    cell = "</td><td>"
    line = [
        pl.lit("\n<tr><td>"),
        escaped("table"),
        pl.lit(cell),
        escaped("row_label"),
        pl.lit(cell),
        escaped("col_label"),
        pl.lit('</td><td><a href="'),
        escaped("figure_id"),
        pl.lit(".html#"),
        escaped("figure_id"),
        pl.lit('">'),
        escaped("text"),
        pl.lit("</a>"),
        pl.col("mark"),
        pl.lit(cell),
        escaped("role"),
        pl.lit(cell),
        escaped("bidrag"),
        pl.lit("</td></tr>\n"),
    ]  # fmt: skip
    html = (
        found.with_row_index("position")
        .join(figure_words(per_figure, year), on="figure_id", how="left")
        .with_columns(
            role=pl.col("role").replace_strict(ROLES, default=pl.col("role")),
            bidrag=pl.col("bidrag").map_elements(number, return_dtype=pl.String),
            row_label=pl.col("row_label").fill_null("–"),
        )
        .sort("kommunkod", "order", "position")
        .select(
            "kommunkod",
            line=pl.concat_str(line),
        )
        .group_by("kommunkod", maintain_order=True)
        .agg(pl.len().alias("count"), pl.col("line").str.join(""))
    )
    return {
        r["kommunkod"]: (r["count"], markupsafe.Markup(r["line"]))
        for r in html.iter_rows(named=True)
    }


def search_entries(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """What the trace's search finds (id, label, page): every municipality first (a name
    searched for is most likely the municipality itself), then every figure of the year."""
    kommuner = con.sql(
        "SELECT kommunkod, kommun_namn FROM reference.kommuner ORDER BY kommunkod"
    ).pl()
    cells = con.sql(
        "SELECT figure_id, row_label, col_label FROM tables.cells WHERE bidragsar = $y "
        "ORDER BY table_id, row_order, col_order, figure_id",
        params={"y": year},
    ).pl()
    return pl.concat(
        [
            kommuner.select(
                id="kommunkod",
                label=pl.col("kommun_namn") + ": återrapporter och siffror",
                page=pl.lit(f"{FOLDER}/kommun-") + pl.col("kommunkod") + ".html",
            ),
            cells.select(
                id="figure_id",
                label=pl.concat_str(["row_label", "col_label"], separator=" · ", ignore_nulls=True),
                page=pl.lit(f"{FOLDER}/") + pl.col("figure_id") + ".html",
            ),
        ]
    )


ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


def write_figure_pages(
    con: duckdb.DuckDBPyConnection, year: int, cells: list[dict], root: Path, only: bool = False
) -> list[dict]:
    """Write the page of each figure of `cells` under root/sparbarhet/ (`only`: reading the
    rows of these figures alone, as the benchmark does for one figure at scale)."""
    (root / FOLDER).mkdir(parents=True, exist_ok=True)
    template = ENV.get_template("sparbarhet_siffra.html.j2")
    pages = figure_pages(con, year, cells, only)
    for page in pages:
        html = template.render(year=year, f=page, shown_rows=SHOWN_ROWS)
        (root / page_of(page["figure_id"])).write_text(html, encoding="utf-8")
    return pages


def write_trace_page(con: duckdb.DuckDBPyConnection, year: int, path: Path) -> Path:
    """Write sparbarhet.html (contents and search), a page per table and one per figure."""
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

    folder = path.parent / FOLDER
    pages = write_figure_pages(con, year, cells, path.parent)
    by_table: dict[str, list[dict]] = {}
    for page in pages:
        by_table.setdefault(page["table_id"], []).append(page)
    tables = [specs[t] for t in specs if t in by_table]
    table_page = ENV.get_template("sparbarhet_tabell.html.j2")
    for spec in tables:
        html = table_page.render(year=year, spec=spec, figures=by_table[spec.id])
        (path.parent / table_page_of(spec.id)).write_text(html, encoding="utf-8")
    kommun_page = ENV.get_template("sparbarhet_kommun.html.j2")
    kommuner = municipality_pages(con, year)
    for k in kommuner:
        html = kommun_page.render(year=year, k=k)
        (path.parent / municipality_page_of(k["kommunkod"])).write_text(html, encoding="utf-8")
    html = ENV.get_template("sparbarhet.html.j2").render(
        year=year,
        tables=[
            {"spec": s, "page": table_page_of(s.id), "figures": len(by_table[s.id])} for s in tables
        ],
        kommuner=sum(1 for k in kommuner if k["submissions"] or k["figure_count"]),
        folder=FOLDER,
        shards=markupsafe.Markup(
            json.dumps(write_search(search_entries(con, year), folder), ensure_ascii=False)
        ),
    )
    path.write_text(html, encoding="utf-8")
    return path
