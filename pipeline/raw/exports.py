"""Read one return-report export (CSV or XLSX) into text cells, or reject it whole.

A file is rejected, with the reason in words, when it cannot be read as an export of the
year's form: empty, truncated, not text, wrong encoding, wrong format, or headers that do
not match the form. Row-level problems (a bad amount, an unknown municipality) are not
decided here: every row of a readable file is kept and judged later.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.forms import Form
from pipeline.raw.provenance import display_path, sha256_of

ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (";", ",", "\t")


class ExportRejected(ValueError):
    """The file as a whole cannot be read as an export; nothing from it is loaded."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{display_path(path)}: {reason}")
        self.path = path
        self.reason = reason


CHUNK = 20_000  # records turned into a columnar frame at a time: memory stays flat


@dataclass(frozen=True)
class ExportRead:
    path: Path
    sha256: str
    format: str
    encoding: str | None
    delimiter: str | None
    header: list[str]
    table: pl.DataFrame  # source_row (as a spreadsheet shows it), then one text column per header

    @property
    def row_count(self) -> int:
        return self.table.height

    @property
    def rows(self) -> list[tuple[int, list[str | None]]]:
        """(row number, cells) per report: for small files and tests."""
        return [(r[0], list(r[1:])) for r in self.table.iter_rows()]


class Rows:
    """Collects (row number, cells) records into a columnar frame, a chunk at a time."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.chunks: list[pl.DataFrame] = []
        self.pending: list[list[object]] = []

    def add(self, row_no: int, cells: list[str | None]) -> None:
        self.pending.append([row_no, *cells])
        if len(self.pending) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            schema = {"source_row": pl.Int32} | {
                f"c{i}": pl.String for i in range(len(self.header))
            }
            self.chunks.append(pl.DataFrame(self.pending, schema=schema, orient="row"))
            self.pending = []

    def frame(self) -> pl.DataFrame:
        self._flush()
        # Columns keep their positional names when the header repeats one (that file is
        # rejected right after, with the repeated names in the reason).
        unique = len(set(self.header)) == len(self.header)
        names = {f"c{i}": h for i, h in enumerate(self.header)} if unique else {}
        if not self.chunks:
            return pl.DataFrame(
                schema={"source_row": pl.Int32} | dict.fromkeys(self.header, pl.String)
            )
        return pl.concat(self.chunks).rename(names)


def read_export(path: Path, form: Form, other_forms: dict[int, Form] | None = None) -> ExportRead:
    data = path.read_bytes()
    if not data.strip():
        raise ExportRejected(path, "the file is empty")
    is_zip = data[:4] == b"PK\x03\x04"
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and not is_zip:
        raise ExportRejected(
            path,
            "the file is named .xlsx but is not an Excel workbook "
            "(it looks like a text file); export it again as XLSX or CSV",
        )
    if suffix == ".csv" and is_zip:
        raise ExportRejected(
            path,
            "the file is named .csv but is a zip/Excel file; "
            "rename it to .xlsx or export it again as CSV",
        )
    if suffix == ".xlsx":
        header, table = _read_xlsx(path)
        encoding = delimiter = None
        fmt = "xlsx"
    elif suffix in {".csv", ".txt"}:
        text, encoding = _decode(path, data)
        del data
        header, table, delimiter = _read_csv(path, text, form)
        fmt = "csv"
    else:
        raise ExportRejected(path, f"unknown file type {suffix!r}; exports are .csv or .xlsx")
    _check_header(path, header, form, other_forms or {})
    if table.is_empty():
        raise ExportRejected(path, "the file has a header but no return reports")
    return ExportRead(path, sha256_of(path), fmt, encoding, delimiter, header, table)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if b"\x00" in data:
        raise ExportRejected(
            path,
            "the file contains NUL bytes: it is binary or UTF-16, not a UTF-8 or Windows-1252 CSV",
        )
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ExportRejected(path, "the text is neither UTF-8 nor Windows-1252")


def _read_csv(path: Path, text: str, form: Form) -> tuple[list[str], pl.DataFrame, str]:
    expected = set(form.header())
    best = None
    for delimiter in DELIMITERS:
        first = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        score = len(expected & {h.strip() for h in first})
        if best is None or score > best[0]:
            best = (score, delimiter)
    delimiter = best[1]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    # Records are read one at a time; whether one is the last is known only after it.
    try:
        header = [h.strip() for h in next(reader)]
        rows = Rows(header)
        held: tuple[int, list[str]] | None = None
        for i, record in enumerate(reader, start=2):
            if held is not None:
                _keep(path, rows, *held, last=False)
            held = (i, record)
    except csv.Error as e:
        raise ExportRejected(
            path,
            f"the CSV cannot be parsed ({e}): the file may be truncated or have an unclosed quote",
        ) from e
    if held is not None:
        _keep(path, rows, *held, last=True)
    return header, rows.frame(), delimiter


def _keep(path: Path, rows: Rows, i: int, record: list[str], last: bool) -> None:
    if not any(cell.strip() for cell in record):
        return
    if len(record) != len(rows.header):
        where = "the last row" if last else f"row {i}"
        raise ExportRejected(
            path,
            f"{where} has {len(record)} fields but the header has {len(rows.header)}: "
            "the file is truncated or a field holds an unquoted delimiter",
        )
    rows.add(i, [c if c != "" else None for c in record])


def _read_xlsx(path: Path) -> tuple[list[str], pl.DataFrame]:
    try:
        with zipfile.ZipFile(path) as z:
            z.testzip()
        df = pl.read_excel(
            path, sheet_id=1, has_header=True, infer_schema_length=0, raise_if_empty=False
        )
    except Exception as e:  # calamine/zip errors: the workbook is damaged
        raise ExportRejected(
            path, f"the workbook cannot be read ({type(e).__name__}: {e}); it may be truncated"
        ) from e
    header = [str(c).strip() for c in df.columns]
    rows = Rows(header)
    for i, record in enumerate(df.iter_rows(), start=2):
        cells = [_xlsx_text(v) for v in record]
        if any(c is not None for c in cells):
            rows.add(i, cells)
    return header, rows.frame()


def _xlsx_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _check_header(path: Path, header: list[str], form: Form, other_forms: dict[int, Form]) -> None:
    expected = form.header()
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise ExportRejected(path, f"columns appear twice: {duplicated}")
    missing = [h for h in expected if h not in header]
    extra = [h for h in header if h not in expected]
    if not missing and not extra:
        return
    for year, other in sorted(other_forms.items()):
        if year != form.year and set(header) == set(other.header()):
            raise ExportRejected(
                path,
                f"the headers are those of the {year} form, not the "
                f"{form.year} form: is the file in the right year's folder?",
            )
    parts = []
    if missing:
        parts.append(
            f"{len(missing)} column(s) of the {form.year} form are missing: "
            + "; ".join(repr(m) for m in missing[:5])
        )
    if extra:
        parts.append(
            f"{len(extra)} column(s) are not in the {form.year} form: "
            + "; ".join(repr(e) for e in extra[:5])
        )
    raise ExportRejected(path, ". ".join(parts))
