"""build/<year>/tabeller.xlsx: the report's tables as a reader opens them in Excel or
LibreOffice. The first sheet, "Om data", says where the figures come from and which rest
on synthetic answers; then one sheet per table, named as the report names it, laid out by
the report's own layout (`data.layout_table`: caption, headers with n, notes, source).
Numbers are numbers in a thousands-separated format, dates are dates. Strings are never
read as formulas (no formula injection)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pipeline.config import settings
from pipeline.report.data import TITLE, data_day, data_note, figures, layout_table
from pipeline.swedish import day_of
from pipeline.tables.basis import is_synthetic
from pipeline.tables.spec import TableSpec, table_specs

FIXED_CREATED = dt.datetime(2025, 1, 1)  # without a data date: fixed, same inputs same file
# Excel's codes ("," = the reader's thousands separator, a space in Swedish settings).
NUMBER_FORMATS = {"datum": "yyyy-mm-dd", "år": "0", "mkr": "#,##0.0", "per 1 000": "#,##0.0"}
WHOLE = "#,##0"
ABOUT_SHEET = "Om data"
ABOUT_LINE_CHARS = 140  # characters on a line of the "Om data" sheet's merged text
HEADER_ROW = 3  # caption, population and a blank line above the table


def write_workbook(cells: pl.DataFrame, year: int, path: Path, multiple_choice: set[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    wb.set_properties(
        {
            "title": f"Tabeller, uppföljning av bidragsåret {year}",
            "author": settings().publisher,
            "created": data_day(cells) or FIXED_CREATED,  # the data's date, not the clock's
        }
    )
    styles = Styles(wb)
    figs = figures(cells, year)
    by_table = cells.partition_by("table_id", as_dict=True)
    shown = [s for s in table_specs() if s.in_workbook and (s.id,) in by_table]
    write_about(wb.add_worksheet(ABOUT_SHEET), styles, cells, year, shown)
    for spec in shown:
        sheet = wb.add_worksheet(spec.sheet_name)
        write_table(sheet, styles, spec, by_table[(spec.id,)], year, figs, multiple_choice)
    wb.close()
    return path


class Styles:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 12})
        self.note = wb.add_format({"italic": True, "font_color": "#555555"})
        self.text = wb.add_format({"text_wrap": True, "valign": "top"})
        self.head = wb.add_format(
            {"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"}
        )
        self.numbers = {
            code: wb.add_format({"num_format": code}) for code in {WHOLE, *NUMBER_FORMATS.values()}
        }

    def number(self, unit: str) -> Any:
        return self.numbers[NUMBER_FORMATS.get(unit, WHOLE)]


def write_value(sheet: Worksheet, row: int, col: int, cell: dict[str, Any], styles: Styles):
    """A table cell: a date as a date, a number as a number, a gap as the report shows it."""
    value, unit = cell.get("value"), cell.get("unit")
    if value is None:
        sheet.write_string(row, col, cell["text"])
    elif unit == "datum":
        day = dt.datetime.combine(day_of(value), dt.time())
        sheet.write_datetime(row, col, day, styles.number(unit))
    else:
        sheet.write_number(row, col, value, styles.number(unit))


def write_table(
    sheet: Worksheet,
    styles: Styles,
    spec: TableSpec,
    cells: pl.DataFrame,
    year: int,
    figs: dict[str, dict[str, Any]],
    multiple_choice: set[str],
) -> None:
    """One table: caption, population, the table as the report prints it (a table of real
    and synthetic rows says which each row is), then its notes and source."""
    table = layout_table(spec, cells, year, figs, multiple_choice)
    mixed = spec.basis == "mixed"
    header = [*table["header"], *(["Underlag"] if mixed else [])]
    sheet.write_string(0, 0, table["caption"], styles.title)
    sheet.write_string(1, 0, f"Population: {spec.population_label}", styles.note)
    sheet.write_row(HEADER_ROW, 0, header, styles.head)
    row = HEADER_ROW
    for row_id, line in zip(table["row_ids"], table["rows"], strict=True):
        row += 1
        sheet.write_string(row, 0, line[0]["text"], styles.text)
        for col, cell in enumerate(line[1:], start=1):
            write_value(sheet, row, col, cell, styles)
        if mixed:
            basis = "syntetiska svar" if is_synthetic(spec, row_id, year) else "verkliga"
            sheet.write_string(row, len(header) - 1, basis)
    for offset, note in enumerate(table["notes"], start=2):
        sheet.write_string(row + offset, 0, note, styles.note)
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, len(header), 16)
    sheet.freeze_panes(HEADER_ROW + 1, 1)


def basis_in_words(spec: TableSpec, year: int) -> str:
    if spec.basis == "mixed":
        return "Verkliga och syntetiska rader (se kolumnen Underlag)"
    return "Syntetiska svar" if is_synthetic(spec, "", year) else "Verkliga uppgifter"


def write_about(
    sheet: Worksheet, styles: Styles, cells: pl.DataFrame, year: int, shown: list[TableSpec]
) -> None:
    """The first sheet: what the workbook is, what is real and synthetic, and its sheets."""
    previous_shown = year - 1 in set(cells["data_year"].to_list())
    lines = [
        (f"{TITLE}: uppföljning av bidragsåret {year}", styles.title),
        (
            "Rapportens tabeller med siffror, en tabell per blad, och siffrorna i "
            "rapportens löptext. Tabellerna om underlagets kvalitet, och tabeller som bara "
            "innehåller text, finns bara i rapporten.",
            styles.text,
        ),
        (data_note(year, previous_shown), styles.text),
        (
            "Belopp anges i kronor om inget annat står i kolumnrubriken; n är antalet "
            "kommuner som andelen räknas på. Siffrorna är avrundade som i rapporten.",
            styles.text,
        ),
    ]
    for row, (text, style) in enumerate(lines):
        # Across the three columns, tall enough for the wrapped text (no auto-height).
        sheet.merge_range(row, 0, row, 2, text, style)
        sheet.set_row(row, 15 * (1 + len(text) // ABOUT_LINE_CHARS))
    first = len(lines) + 1
    sheet.write_row(first, 0, ["Blad", "Innehåll", "Bygger på"], styles.head)
    for row, spec in enumerate(shown, start=first + 1):
        sheet.write_row(
            row, 0, [spec.sheet_name, spec.title, basis_in_words(spec, year)], styles.text
        )
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 64)
    sheet.set_column(2, 2, 44)
