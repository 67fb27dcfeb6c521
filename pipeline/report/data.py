"""The report's data file: every figure formatted, every table laid out, every chart and
fact the report source refers to by id. The render only places them."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.config import ASSETS_DIR, REPORT_DIR, settings
from pipeline.sqlfiles import sql_text
from pipeline.swedish import NBSP, counted, day_of, in_table, in_text, number
from pipeline.tables.basis import is_synthetic, money_is_real
from pipeline.tables.spec import TableSpec, table_spec, table_specs
from pipeline.trace.page import page_of
from pipeline.validation.rules import RULES_SV

TITLE = "Statsbidrag för att motverka ensamhet bland äldre genom hälsosamtal"
TYPST_PREAMBLE = ASSETS_DIR / "report.typ"


def figures(cells: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    specs = {s.id: s for s in table_specs()}
    out = {}
    for r in cells.iter_rows(named=True):
        out[r["figure_id"]] = {
            "text": in_text(r["value"], r["unit"]),
            "count": counted(r["value"], r["unit"]),
            "value": r["value"],
            "cell": in_table(r["value"], r["unit"]),
            "label": r["row_label"],
            "anchor": r["figure_id"],
            "page": page_of(r["figure_id"]),
            "table": r["table_id"],
            "synthetic": is_synthetic(specs[r["table_id"]], r["row_id"], year),
        }
    return out


def column_headers(spec: TableSpec, cells: pl.DataFrame) -> list[str]:
    """Column labels, with the population size where every cell of a column shares it (a
    share of kronor has no population: its denominator is an amount)."""
    headers = []
    for (label, unit), col in cells.group_by(["col_label", "unit"], maintain_order=True):
        del unit
        dens = col["denominator"].drop_nulls().unique()
        kinds = set(col["unit"])
        of_kronor = bool(set(col["col_id"]) & set(spec.kronor_shares))
        if len(dens) == 1 and kinds <= {"kommuner", "procent"} and not of_kronor:
            label = f"{label} (n{NBSP}={NBSP}{in_table(dens[0], 'kommuner')})"
        headers.append(label)
    return headers


def data_day(cells: pl.DataFrame) -> dt.datetime | None:
    """The data's date: the day the latest report included came in (rapportdata.data_per),
    the date an output made from them carries (same inputs, same file)."""
    found = cells.filter(pl.col("figure_id") == "rapportdata.data_per")["value"]
    if found.is_empty():
        return None
    return dt.datetime.combine(day_of(found[0]), dt.time())


def table_years(spec: TableSpec, cells: pl.DataFrame) -> list[int]:
    """The grant years a table shows (its source names them): the years its figures were
    derived from, or its rows where each row is a grant year (Tabell 2)."""
    if spec.rows_are_years:
        return sorted({int(r) for r in cells["row_id"]})
    return sorted(set(cells["data_year"]))


NOTE_FIGURE = re.compile(r"\{(antal|värde):([a-z0-9_.]+)\}")


def filled_note(note: str, figs: dict[str, dict[str, Any]]) -> str | None:
    """A table note with its figures placed: {antal:<id>} as a count with its noun,
    {värde:<id>} as the figure; None (the note is left out) when a figure is missing."""
    wanted = NOTE_FIGURE.findall(note)
    if any(fid not in figs for _, fid in wanted):
        return None
    return NOTE_FIGURE.sub(lambda m: figs[m[2]]["count" if m[1] == "antal" else "text"], note)


SEVERAL_ANSWERS = "Flera svar kunde anges."


def several_answers(spec: TableSpec, multiple_choice: set[str]) -> list[str]:
    """A table counting the options of a question says so where the year's form let a
    municipality tick several (2023 asked some of them as yes or no)."""
    questions = {part.params.get("question") for part in spec.parts}
    counts_options = spec.sql == "_option_counts"
    return [SEVERAL_ANSWERS] if counts_options and questions <= multiple_choice else []


def multiple_choice_questions(con: duckdb.DuckDBPyConnection, year: int) -> set[str]:
    """The questions of the year's form that take several answers."""
    return {
        r[0]
        for r in con.execute(
            "SELECT question_id FROM reference.form_questions "
            "WHERE bidragsar = ? AND question_type = 'multiple'",
            [year],
        ).fetchall()
    }


def layout_table(
    spec: TableSpec,
    cells: pl.DataFrame,
    year: int,
    figs: dict[str, dict[str, Any]],
    multiple_choice: set[str],
) -> dict[str, Any]:
    # Sorted in full (ties in an order broken by id): the same cells, the same layout.
    cols = cells.select("col_order", "col_id", "col_label").unique().sort("col_order", "col_id")
    header_cells = [cells.filter(pl.col("col_id") == c) for c in cols["col_id"]]
    headers = [column_headers(spec, h)[0] for h in header_cells]
    by_key = {(r["row_id"], r["col_id"]): r for r in cells.iter_rows(named=True)}
    rows, row_ids = [], []
    for row in (
        cells.select("row_order", "row_id", "row_label")
        .unique()
        .sort("row_order", "row_id")
        .iter_rows(named=True)
    ):
        row_ids.append(row["row_id"])
        line = [{"text": row["row_label"] or ""}]
        for col_id in cols["col_id"]:
            cell = by_key.get((row["row_id"], col_id))
            line.append(
                {
                    "text": in_table(cell["value"], cell["unit"]),
                    "ref": cell["figure_id"],
                    "value": cell["value"],
                    "unit": cell["unit"],
                }
                if cell
                else {"text": "–" if len(spec.years) > 1 else ""}  # not asked that year
            )
        rows.append(line)
    note = filled_note(spec.note, figs) if spec.note else None
    first = " ".join([*several_answers(spec, multiple_choice), *([note] if note else [])])
    notes = [*([first] if first else []), *source_notes(spec, cells, year)]
    return {
        "caption": f"{spec.number}. {spec.title}" if spec.printed else spec.title,
        "row_ids": row_ids,
        "header": [spec.row_header, *headers],
        "rows": rows,
        "notes": notes,
        "widths": widths(len(headers) + 1),
        "aligns": ["left"] + ["right"] * len(headers),
    }


def widths(n: int) -> list[float]:
    """The label column takes the most room; numbers share the rest."""
    label = 0.32 if n > 4 else 0.4 if n > 3 else 0.5
    return [label] + [(1 - label) / (n - 1)] * (n - 1)


def plain_values(text: str) -> str:
    """A failing row's values as a reader reads them: the form's question without its
    number ("1.3. Oanvänt belopp (kr) = 1194" → "Oanvänt belopp (kr) = 1 194")."""
    text = re.sub(r"(^|; )\d+(\.\d+)*\. (?=\D)", r"\1", text)
    return re.sub(r"= (-?\d+)\b", lambda m: "= " + number(int(m.group(1))), text)


def listing(
    caption: str,
    header: list[str],
    rows: list[list[Any]],
    empty: str,
    notes: list[str],
    widths: list[float] | None = None,
) -> dict[str, Any]:
    """A table of records that are not published figures (quality listings)."""
    cells = [[{"text": "" if v is None else str(v)} for v in row] for row in rows]
    if not cells:
        cells = [[{"text": empty}] + [{"text": ""} for _ in header[1:]]]
    return {
        "caption": caption,
        "header": header,
        "rows": cells,
        "notes": notes,
        "widths": widths or [1 / len(header)] * len(header),
        "aligns": ["left"] * len(header),
    }


def filed_values_note(year: int, what: str, listed: list) -> list[str]:
    """Under a list that names municipalities beside what they filed (none when it lists
    nothing): which of it is made up. The exports are synthetic (when a report came in,
    its answers); the kronor are real where the year's money is."""
    if not listed:
        return []
    real = money_is_real(year)
    if what == "warnings":
        text = (
            "Varningar om svaren på formulärets frågor bygger på syntetiska svar och säger "
            "inget om den enskilda kommunen (se Om underlaget)."
        )
        if real:
            text += " Varningar om belopp bygger på kommunernas verkliga uppgifter."
        return [text]
    return [
        "Vilka kommuner som står här och när deras rapporter kom in är syntetiskt och "
        "säger inget om den enskilda kommunen (se Om underlaget)."
    ]


def quality_tables(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, dict[str, Any]]:
    def rows(name: str) -> list[tuple]:  # one of the report's lists, sql/report/<name>.sql
        return con.execute(sql_text(f"report/{name}"), {"bidragsar": year}).fetchall()

    late = rows("late_reports")
    warnings = [
        (RULES_SV[r[0]], r[1], plain_values(r[2] or "")) for r in rows("validation_warnings")
    ]
    quarantine = [
        (
            *r[:3],
            "; ".join(
                f"{RULES_SV[rule]} ({plain_values(value)})"
                for rule, value in zip(r[3], r[4], strict=True)
            ),
        )
        for r in rows("quarantine")
    ]
    rejected = rows("rejected_files")
    return {
        "kvalitet_sena": listing(
            "Återrapporter som kom in efter sista dag",
            ["Kommun", "Inskickad"],
            late,
            "Inga",
            ["Sena rapporter ingår i tabellerna.", *filed_values_note(year, "dates", late)],
            [0.6, 0.4],
        ),
        "kvalitet_varningar": listing(
            "Varningar från valideringen",
            ["Regel", "Kommun", "Uppgifter i återrapporten"],
            warnings,
            "Inga",
            filed_values_note(year, "warnings", warnings),
            [0.35, 0.2, 0.45],
        ),
        "kvalitet_karantan": listing(
            "Återrapporter i karantän",
            ["Kommun", "Inskickad", "Aktuell", "Skäl"],
            quarantine,
            "Inga",
            [
                "En rapport i karantän ingår inte i tabellerna förrän den har rättats.",
                *filed_values_note(year, "dates", quarantine),
            ],
            [0.2, 0.17, 0.13, 0.5],
        ),
        "kvalitet_avvisade": listing(
            "Avvisade exportfiler", ["Fil", "Skäl"], rejected, "Inga", [], [0.4, 0.6]
        ),
    }


def trace_summary(cells: pl.DataFrame, lineage_counts: dict[str, int]) -> dict[str, Any]:
    """Per table, how many figures and source rows stand behind it, and how to trace one."""
    rows = []
    for spec in table_specs():  # in the report's order
        group = cells.filter(pl.col("table_id") == spec.id)
        if group.is_empty():
            continue
        rows.append(
            [
                spec.number,
                spec.title,
                in_table(group.height, "kommuner"),
                in_table(lineage_counts.get(spec.id, 0), "kommuner"),
            ]
        )
    return listing(
        "Spårbarhet: källrader bakom varje tabell",
        ["Tabell", "Innehåll", "Siffror", "Källrader"],
        rows,
        "Inga",
        [
            "Varje siffra kan spåras till de rader i underlaget som den bygger på, på "
            "sidan Spårbarhet bredvid rapporten. I webbversionen är varje siffra en länk "
            "dit."
        ],
        [0.2, 0.56, 0.12, 0.12],
    )


# Tables of words, not figures: the analysts' summary and the methods explained.
ANALYSTS_TABLES = ("bilaga1_tabell2", "bilaga1_tabell4")


def activities_table(year: int) -> dict[str, dict[str, Any]]:
    """Bilaga 1 tabell 2: the analysts' summary of the year's free-text answers on what the
    grant was spent on, by area (report/kommentarer/aktiviteter/<year>.csv); none when the
    analysts wrote none for the year."""
    path = REPORT_DIR / "kommentarer" / "aktiviteter" / f"{year}.csv"
    if not path.exists():
        return {}
    areas = pl.read_csv(path, schema={"omrade": pl.String, "aktivitet": pl.String})
    rows = [
        [area, " ".join(group["aktivitet"])]
        for (area,), group in areas.group_by("omrade", maintain_order=True)
    ]
    return {
        "bilaga1_tabell2": listing(
            f"Bilaga 1, tabell 2. Exempel på aktiviteter som kommunerna har genomfört {year}",
            ["Område", "Exempel på aktiviteter"],
            rows,
            "",
            [
                "Analytikernas sammanfattning av kommunernas fritextsvar.",
                f"Källa: Kommunernas återrapportering {year}.",
            ],
            [0.24, 0.76],
        )
    }


def methods_table(cells: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    """Bilaga 1 tabell 4: the established methods of Tabell 7 that at least one municipality
    used, each explained (report/metoder.csv, by the form's option code)."""
    path = REPORT_DIR / "metoder.csv"
    explained = dict(pl.read_csv(path, schema={"kod": pl.String, "forklaring": pl.String}).rows())
    used = cells.filter(
        (pl.col("table_id") == "tabell7") & (pl.col("col_id") == "antal") & (pl.col("value") > 0)
    ).sort("row_order")
    rows = [
        [r["row_label"], explained[r["row_id"]]]
        for r in used.iter_rows(named=True)
        if r["row_id"] in explained
    ]
    if not rows:
        return {}
    spec = table_spec("tabell7")
    return {
        "bilaga1_tabell4": listing(
            f"Bilaga 1, tabell 4. Etablerade metoder som kommunerna har använt i "
            f"hälsosamtalen {year}",
            ["Metod", "Förklaring"],
            rows,
            "",
            [
                "De metoder i tabell 7 som minst en kommun har använt. Förklaringarna är "
                "skrivna för den här rapporten.",
                *source_notes(spec, cells, year),
            ],
            [0.3, 0.7],
        )
    }


def change_tables(diff: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """What changed since the previous published version, as two listings."""
    diff = diff or {"previous": None, "reports": [], "figures": []}
    first = "Första publicerade versionen" if diff["previous"] is None else "Inga"
    reports = [(r["kommun"], r["submitted_at"], r["change"]) for r in diff["reports"]]
    numbers = {s.id: s.number for s in table_specs()}
    figures = [
        (
            numbers.get(f["figure_id"].split(".")[0], ""),
            f["row_label"] or "",
            f["col_label"] or "",
            "–" if f["old"] is None else in_table(f["old"], f["unit"] or ""),
            "–" if f["new"] is None else in_table(f["new"], f["unit"] or ""),
        )
        for f in diff["figures"]
    ]
    previous = (diff["previous"] or "").removeprefix("v")
    since = f" sedan version {previous}" if previous else ""
    return {
        "andringar_rapporter": listing(
            f"Återrapporter som tillkommit eller ersatts{since}",
            ["Kommun", "Inskickad", "Ändring"],
            reports,
            first,
            [],
            [0.35, 0.3, 0.35],
        ),
        "andringar_siffror": listing(
            f"Siffror som ändrats{since}",
            ["Tabell", "Rad", "Kolumn", "Före", "Efter"],
            figures,
            first,
            ["Alla siffror som har ändrats."] if figures else [],
            [0.16, 0.36, 0.24, 0.12, 0.12],
        ),
    }


MARKED = " Tabeller och diagram som bygger på syntetiska svar är märkta i källnoten."


def data_note(year: int, previous_year_shown: bool) -> str:
    """What is real and what is synthetic in this year's report, in words (title page and
    "Om underlaget"): true whichever year it is."""
    answers = (
        "Kommunernas svar på formulärets frågor är inte offentliga. Svaren i rapporten är "
        "därför syntetiska: de har skapats så att varje publicerad siffra återskapas exakt, "
        "men svaren för en enskild kommun är påhittade."
    )
    if not money_is_real(year):
        return (
            "Både beloppen per kommun och kommunernas svar på formulärets frågor är "
            "syntetiska i den här rapporten: de har skapats av projektet och är påhittade "
            f"för varje enskild kommun.{MARKED}"
        )
    earlier = (
        " Beloppen per kommun för föregående bidragsår är också syntetiska."
        if previous_year_shown and not money_is_real(year - 1)
        else ""
    )
    return (
        f"Beloppen per kommun för bidragsåret {year} är verkliga uppgifter ur "
        f"Socialstyrelsens publicerade uppföljning. {answers}{earlier}{MARKED}"
    )


def source_notes(spec: TableSpec, cells: pl.DataFrame, year: int) -> list[str]:
    """The notes a table and its chart end with: synthetic answers, and the source."""
    years = table_years(spec, cells.filter(pl.col("table_id") == spec.id))
    notes = (
        ["Bygger på syntetiska svar (se Om underlaget)."] if is_synthetic(spec, "", year) else []
    )
    return [*notes, f"Källa: {spec.source_text(years)}"]


def report_data(
    con: duckdb.DuckDBPyConnection,
    year: int,
    charts: dict[str, dict[str, str] | None],
    version: str,
    lineage_counts: dict[str, int],
    diff: dict[str, Any] | None = None,
) -> dict[str, Any]:
    cells = con.sql(
        "SELECT * FROM tables.cells WHERE bidragsar = $y "
        "ORDER BY table_id, row_order, col_order, figure_id",
        params={"y": year},
    ).pl()
    figs = figures(cells, year)
    specs = {s.id: s for s in table_specs()}
    multiple = multiple_choice_questions(con, year)
    tables = {}
    for (table_id,), group in cells.group_by("table_id", maintain_order=True):
        spec = specs[table_id]
        if not spec.printed:
            continue
        tables[table_id] = layout_table(spec, group, year, figs, multiple)
    tables.update(activities_table(year) | methods_table(cells, year))
    tables.update(quality_tables(con, year))
    tables["sparbarhet"] = trace_summary(cells, lineage_counts)
    tables.update(change_tables(diff))
    commentary = REPORT_DIR / "kommentarer" / f"{year}.md"
    # A table whose question this year's form does not ask: the report says so in its place.
    absent: dict[str, str | bool] = {
        s.id: f"{s.number} ({s.title.lower()}) ingår inte: frågan ställdes inte {year}."
        for s in table_specs()
        if s.id not in tables and s.printed
    }
    absent |= {cid: True for cid, c in charts.items() if c is None}
    # Text tables of the analysts (Bilaga 1 tabell 2 and 4): left out in a year without.
    absent |= {t: True for t in ANALYSTS_TABLES if t not in tables}
    data_per = figs["rapportdata.data_per"]["text"]
    return {
        "meta": {
            "title": TITLE,
            "subtitle": f"Uppföljning av bidragsåret {year}",
            "date": f"Data per {data_per}",
            "version": version,
            "year": str(year),
            "publisher": settings().publisher,
            "contact": settings().contact,
            "data_note": data_note(year, year - 1 in set(cells["data_year"].to_list())),
        },
        "figures": figs,
        "tables": tables,
        "charts": {
            cid: {
                "path": c["path"],
                "aspect": c["aspect"],
                "alt": c["alt"],
                "caption": c["title"],  # numbered in order of appearance (siffror.lua)
                "notes": source_notes(specs[c["table_id"]], cells, year),
            }
            for cid, c in charts.items()
            if c is not None
        },
        "commentary": str(commentary) if commentary.exists() else None,
        "absent": absent,
        "typst_preamble": TYPST_PREAMBLE.read_text(encoding="utf-8"),
    }


def write_report_data(data: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    return path
