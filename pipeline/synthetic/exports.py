"""Write return-report exports the way a survey tool gives them to an analyst."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import xlsxwriter

from pipeline.forms import Form

# Workbook metadata fixed so that the same answers give a byte-identical file.
FIXED_CREATED = dt.datetime(2025, 1, 1)


@dataclass(frozen=True)
class Submission:
    submission_id: str
    submitted_at: dt.datetime
    kommun: str
    answers: dict[str, object]

    def at(self, when: dt.datetime) -> Submission:
        return replace(self, submitted_at=when)


@dataclass(frozen=True)
class ExportFile:
    path: Path
    form: Form
    submissions: list[Submission]
    kind: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"
    delimiter: str = ";"
    thousands: str = ""  # "" | " " | "\xa0": how amounts are grouped in a CSV
    decimals: bool = False  # amounts written with ",00"


def cells(form: Form, sub: Submission) -> list[object]:
    """One export row: ids, then each answer column (None where the question was skipped)."""
    row: list[object] = [sub.submission_id, sub.submitted_at, sub.kommun]
    for _, q, option in form.columns():
        value = sub.answers.get(q.id)
        if option is not None:
            row.append(None if value is None else int(option.code in value))
        elif q.type == "single":
            row.append(None if value is None else q.option(value).label)
        else:
            row.append(value)
    return row


def format_amount(value: int, thousands: str, decimals: bool) -> str:
    text = f"{value:,}".replace(",", thousands) if thousands else str(value)
    return f"{text},00" if decimals else text


def as_text(value: object, export: ExportFile, is_amount: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if is_amount and isinstance(value, int):
        return format_amount(value, export.thousands, export.decimals)
    return str(value)


def write_export(export: ExportFile) -> None:
    rows = sorted(export.submissions, key=lambda s: s.submitted_at)
    if export.kind == "xlsx":
        write_xlsx(export.path, export.form.header(), [cells(export.form, s) for s in rows])
        return
    write_csv(export, rows)


def write_csv(export: ExportFile, submissions: Iterable[Submission]) -> int:
    """Write a CSV export one report at a time (any number of reports, flat memory);
    returns the number written."""
    form = export.form
    amount_cols = {i + 3 for i, (_, q, _) in enumerate(form.columns()) if q.type == "amount"}
    n = 0
    with export.path.open("w", encoding=export.encoding, newline="") as f:
        w = csv.writer(f, delimiter=export.delimiter, lineterminator="\r\n")
        w.writerow(form.header())
        for sub in submissions:
            row = cells(form, sub)
            w.writerow([as_text(v, export, i in amount_cols) for i, v in enumerate(row)])
            n += 1
    return n


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": FIXED_CREATED, "author": "Enkätverktyg"})
    ws = wb.add_worksheet("Svar")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, date_format)
            elif value is not None:
                ws.write(r, c, value)
    wb.close()
