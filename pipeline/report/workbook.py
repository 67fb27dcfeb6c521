"""build/<year>/tabeller.xlsx: one sheet per table with its title, population and source,
numbers as numbers. Strings are never read as formulas (no formula injection)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import xlsxwriter

from pipeline.report.basis import is_synthetic
from pipeline.tables.export import wide_table
from pipeline.tables.spec import table_specs

FIXED_CREATED = dt.datetime(2025, 1, 1)  # fixed metadata: same inputs, same workbook


def write_workbook(cells: pl.DataFrame, year: int, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    wb.set_properties(
        {"title": f"Tabeller, uppföljning av bidragsåret {year}", "created": FIXED_CREATED}
    )
    title = wb.add_format({"bold": True, "font_size": 12})
    note = wb.add_format({"italic": True, "font_color": "#555555"})
    head = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"})
    whole = wb.add_format({"num_format": "# ##0"})
    decimal = wb.add_format({"num_format": "# ##0.0"})
    for spec in table_specs():
        mine = cells.filter(pl.col("table_id") == spec.id)
        if mine.is_empty():
            continue
        sheet = wb.add_worksheet(spec.id[:31])
        years = sorted(set(mine["data_year"]))
        sheet.write_string(0, 0, f"{spec.number}. {spec.title}", title)
        sheet.write_string(1, 0, f"Population: {spec.population_label}", note)
        source = f"Källa: {spec.source_text(years)}"
        if is_synthetic(spec, "", year) and spec.basis != "mixed":
            source += " Bygger på syntetiska svar."
        sheet.write_string(2, 0, source, note)
        wide = wide_table(mine.with_columns(pl.col("value").cast(pl.Float64)), as_text=False)
        row_ids = wide["row_id"].to_list()
        wide = wide.drop("row_id")
        # A table of real and synthetic rows says which each row is (basis.is_synthetic).
        mixed = spec.basis == "mixed"
        header = [spec.row_header, *wide.columns[1:], *(["Underlag"] if mixed else [])]
        sheet.write_row(4, 0, header, head)
        for r, (row_id, row) in enumerate(zip(row_ids, wide.iter_rows(), strict=True), start=5):
            sheet.write_string(r, 0, row[0] or "")
            for c, value in enumerate(row[1:], start=1):
                if value is not None:
                    sheet.write_number(r, c, value, whole if float(value).is_integer() else decimal)
            if mixed:
                basis = "syntetiska svar" if is_synthetic(spec, row_id, year) else "verkliga"
                sheet.write_string(r, len(header) - 1, basis)
        sheet.set_column(0, 0, 48)
        sheet.set_column(1, len(header), 16)
        sheet.freeze_panes(5, 1)
    wb.close()
    return path
