"""Read one return-report export (CSV or XLSX) into text cells, or reject it whole.

A file is rejected, with the reason in words, when it cannot be read as an export of the
year's form: empty, truncated, not text, wrong encoding, wrong format, or headers that do
not match the form. Row-level problems (a bad amount, an unknown municipality) are not
decided here: every row of a readable file is kept and judged later.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.forms import Form
from pipeline.raw.provenance import display_path, sha256_bytes

DELIMITERS = (";", ",", "\t")


class ExportRejected(ValueError):
    """The file as a whole cannot be read as an export; nothing from it is loaded."""

    def __init__(self, path: Path, reason: str, sv: str) -> None:
        super().__init__(f"{display_path(path)}: {reason}")
        self.path = path
        self.reason = reason
        self.sv = sv  # the same reason in Swedish, as validering.html gives it


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
    # (row, column, formula) of every XLSX cell that holds a formula rather than a value
    formulas: list[tuple[int, str, str]] = field(default_factory=list)

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


def read_export(
    path: Path, form: Form, other_forms: dict[int, Form] | None = None, data: bytes | None = None
) -> ExportRead:
    """Read an export from its bytes (``data``: the very bytes whose SHA-256 is recorded;
    read from ``path`` when not given)."""
    data = path.read_bytes() if data is None else data
    if not data.replace(UTF8_BOM, b"").strip():
        raise ExportRejected(path, "the file is empty", "filen är tom")
    is_zip = data[:4] == b"PK\x03\x04"
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and not is_zip:
        raise ExportRejected(
            path,
            "the file is named .xlsx but is not an Excel workbook "
            "(it looks like a text file); export it again as XLSX or CSV",
            "filen heter .xlsx men är ingen Excelarbetsbok (den ser ut som en textfil); "
            "exportera den igen som XLSX eller CSV",
        )
    if suffix == ".csv" and is_zip:
        raise ExportRejected(
            path,
            "the file is named .csv but is a zip/Excel file; "
            "rename it to .xlsx or export it again as CSV",
            "filen heter .csv men är en zip- eller Excelfil; byt namn till .xlsx eller "
            "exportera den igen som CSV",
        )
    formulas: list[tuple[int, str, str]] = []
    if suffix == ".xlsx":
        header, table, formulas = _read_xlsx(path, data, form)
        encoding = delimiter = None
        fmt = "xlsx"
    elif suffix in {".csv", ".txt"}:
        text, encoding = _decode(path, data)
        header, table, delimiter = _read_csv(path, text, form)
        fmt = "csv"
    else:
        raise ExportRejected(
            path,
            f"unknown file type {suffix!r}; exports are .csv or .xlsx",
            f"okänd filtyp {suffix!r}; exportfiler är .csv eller .xlsx",
        )
    check_header(path, header, form, other_forms or {})
    if table.is_empty():
        raise ExportRejected(
            path,
            "the file has a header but no return reports",
            "filen har kolumnrubriker men inga återrapporter",
        )
    return ExportRead(path, sha256_bytes(data), fmt, encoding, delimiter, header, table, formulas)


UTF8_BOM = b"\xef\xbb\xbf"
# Two-byte UTF-8 letters (å ä ö é …): a file holding them was written as UTF-8.
UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if b"\x00" in data:
        raise ExportRejected(
            path,
            "the file contains NUL bytes: it is binary or UTF-16, not a UTF-8 or Windows-1252 CSV",
            "filen innehåller NUL-tecken: den är binär eller UTF-16, inte en CSV-fil i UTF-8 "
            "eller Windows-1252",
        )
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError as e:
        if data.startswith(UTF8_BOM) or UTF8_LETTER.search(data):
            line = data[: e.start].count(b"\n") + 1
            byte = data[e.start : e.start + 1]
            try:
                guess = f" (a Windows-1252 {byte.decode('cp1252')!r}?)"
            except UnicodeDecodeError:
                guess = ""
            raise ExportRejected(
                path,
                f"the file is UTF-8 except on line {line}, where the byte 0x{byte.hex().upper()}"
                f"{guess} is not UTF-8: the file mixes two encodings. "
                "Open it, correct that line and save it again as UTF-8",
                f"filen är UTF-8 utom på rad {line}, där byten 0x{byte.hex().upper()} inte är "
                "UTF-8: filen blandar två teckenkodningar. Öppna den, rätta raden och spara "
                "den igen som UTF-8",
            ) from e
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as e:
        raise ExportRejected(
            path,
            "the text is neither UTF-8 nor Windows-1252",
            "texten är varken UTF-8 eller Windows-1252",
        ) from e


SEP_LINE = re.compile(r'"?sep=(.)"?\s*')  # Excel's first line naming the delimiter
HEADER_SEARCH = 10  # rows looked through for a header that is not on the first row


def _header_score(cells: list[str], expected: set[str]) -> int:
    return len(expected & {clean_header(c) for c in cells})


def _delimiter(lines: list[str], expected: set[str]) -> str:
    """The delimiter under which some early line reads most like the form's header."""

    def score(line: str, delimiter: str) -> int:
        try:
            return _header_score(next(csv.reader([line], delimiter=delimiter), []), expected)
        except csv.Error:  # a broken line: the parse proper names it
            return 0

    scores = {d: max((score(line, d) for line in lines), default=0) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: scores[d])  # ties: the first, ';'


def _read_csv(path: Path, text: str, form: Form) -> tuple[list[str], pl.DataFrame, str]:
    expected = set(form.header())
    lines = text.splitlines()[: HEADER_SEARCH + 1]
    sep = SEP_LINE.fullmatch(lines[0]) if lines else None
    skip = 1 if sep else 0
    delimiter = sep.group(1) if sep else _delimiter(lines, expected)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    # Records are read one at a time; whether one is the last is known only after it.
    try:
        for _ in range(skip):
            next(reader)
        header = _header_row(path, reader, expected, first_row=skip + 1)
        rows = Rows(header)
        held: tuple[int, list[str]] | None = None
        for i, record in enumerate(reader, start=skip + 2):
            if held is not None:
                _keep(path, rows, *held, last=False)
            held = (i, record)
    except csv.Error as e:
        raise ExportRejected(path, *_csv_error(e, reader.line_num)) from e
    if held is not None:
        _keep(path, rows, *held, last=True)
    return header, rows.frame(), delimiter


def _csv_error(e: csv.Error, line: int) -> tuple[str, str]:
    """Why the CSV cannot be parsed, in English and in Swedish."""
    limit = swedish_int(csv.field_size_limit())
    if "field larger than field limit" in str(e):
        return (
            f"on line {line} a field is longer than {limit} "
            'characters, the most a field may hold: usually a quote (") opened in a cell '
            "and never closed, so that the rest of the file ran into one field. Correct the "
            "quote (or shorten the text) and export again",
            f"på rad {line} är ett fält längre än {limit} tecken, det mesta ett fält får "
            'rymma: oftast ett citattecken (") som öppnats i en cell och aldrig stängts, så '
            "att resten av filen hamnat i ett fält. Rätta citattecknet (eller korta texten) "
            "och exportera igen",
        )
    return (
        f"the CSV cannot be parsed ({e}): the file may be truncated or have an unclosed quote",
        f"CSV-filen går inte att tolka (teknisk orsak: '{e}'): filen kan vara avklippt "
        "eller ha ett citattecken som inte stängts",
    )


def swedish_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _header_row(path: Path, reader: Iterator[list[str]], expected: set[str], first_row: int):
    """The header, which must be the file's first row: a title above it is named."""
    header = next(reader, [])
    if _header_score(header, expected) * 2 >= len(expected):
        return _trim_trailing(header)
    looked = [header]
    for _ in range(HEADER_SEARCH):
        record = next(reader, None)
        if record is None:
            break
        looked.append(record)
        if _header_score(record, expected) * 2 >= len(expected):
            title = " ".join(c for c in looked[0] if c.strip())[:60]
            raise ExportRejected(
                path,
                f"the column headers are on row {first_row + len(looked) - 1}, not the first "
                f"row: row {first_row} holds {title!r}. Delete the rows above the headers "
                "and save the file again",
                f"kolumnrubrikerna står på rad {first_row + len(looked) - 1}, inte på första "
                f"raden: rad {first_row} innehåller {title!r}. Ta bort raderna ovanför "
                "rubrikerna och spara filen igen",
            )
    return _trim_trailing(header)


def _trim_trailing(header: list[str]) -> list[str]:
    """Headers without the empty ones a trailing delimiter adds at the end of each line."""
    header = [clean_header(h) for h in header]
    while header and header[-1] == "":
        header.pop()
    return header


def _keep(path: Path, rows: Rows, i: int, record: list[str], last: bool) -> None:
    if not any(cell.strip() for cell in record):
        return
    width = len(rows.header)
    if len(record) > width and not any(c.strip() for c in record[width:]):
        record = record[:width]  # trailing delimiters
    if len(record) != width:
        where = "the last row" if last else f"row {i}"
        raise ExportRejected(
            path,
            f"{where} has {len(record)} fields but the header has {width}: "
            "the file is truncated or a field holds an unquoted delimiter",
            f"{'sista raden' if last else f'rad {i}'} har {len(record)} fält men "
            f"rubrikraden har {width}: filen är avklippt eller ett fält innehåller "
            "en avgränsare utan citattecken",
        )
    rows.add(i, [c if c != "" else None for c in record])


def _read_xlsx(
    path: Path, data: bytes, form: Form
) -> tuple[list[str], pl.DataFrame, list[tuple[int, str, str]]]:
    import fastexcel

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if z.testzip() is not None:
                raise zipfile.BadZipFile("a member is damaged")
            formula_cells = xlsx_formulas(z)
        workbook = fastexcel.read_excel(data)
        sheet = workbook.load_sheet(0, header_row=None, dtypes="string").to_polars()
    except Exception as e:  # calamine/zip errors: the workbook is damaged
        raise ExportRejected(
            path,
            f"the workbook cannot be read ({type(e).__name__}: {e}); it may be truncated",
            f"arbetsboken går inte att läsa (teknisk orsak: '{type(e).__name__}: {e}'); den kan "
            "vara avklippt",
        ) from e
    records = sheet.rows()
    expected = set(form.header())
    if not records or _header_score(list(map(_cell, records[0])), expected) * 2 < len(expected):
        _explain_misplaced_header(path, workbook, records, expected)
    header = _trim_trailing([_cell(v) or "" for v in records[0]])
    rows = Rows(header)
    for i, record in enumerate(records[1:], start=2):
        cells = [_cell(v) for v in record[: len(header)]]
        if any(c is not None for c in cells) or any(_cell(v) for v in record[len(header) :]):
            rows.add(i, cells)
    formulas = [
        (row, header[col], text)
        for (row, col), text in sorted(formula_cells.items())
        if row >= 2 and col < len(header)
    ]
    return header, rows.frame(), formulas


def _explain_misplaced_header(path: Path, workbook, records: list, expected: set[str]) -> None:
    """Reject a workbook whose first sheet's first row is not the header, saying where the
    header is: further down the sheet, or on another sheet."""
    for i, record in enumerate(records[1 : HEADER_SEARCH + 1], start=2):
        if _header_score([_cell(v) or "" for v in record], expected) * 2 >= len(expected):
            raise ExportRejected(
                path,
                f"the column headers are on row {i}, not the first row: delete the rows above "
                "the headers and save the workbook again",
                f"kolumnrubrikerna står på rad {i}, inte på första raden: ta bort raderna "
                "ovanför rubrikerna och spara arbetsboken igen",
            )
    names = workbook.sheet_names
    for index, name in enumerate(names[1:], start=1):
        first = workbook.load_sheet(index, header_row=None, n_rows=1, dtypes="string")
        cells = [_cell(v) or "" for row in first.to_polars().rows() for v in row]
        if _header_score(cells, expected) * 2 >= len(expected):
            raise ExportRejected(
                path,
                f"the return reports are on sheet {index + 1} ({name!r}), but only the first "
                f"sheet ({names[0]!r}) is read: move that sheet first or delete the others, "
                "and save the workbook again",
                f"återrapporterna ligger på blad {index + 1} ({name!r}), men bara det första "
                f"bladet ({names[0]!r}) läses: flytta bladet först eller ta bort de andra och "
                "spara arbetsboken igen",
            )


def _cell(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)


def xlsx_formulas(z: zipfile.ZipFile) -> dict[tuple[int, int], str]:
    """(row, column index) → formula of every formula cell of the first sheet."""
    sheet = _first_sheet_member(z)
    xml = z.read(sheet) if sheet in z.namelist() else b""
    if b"<f" not in xml:  # the common case: no formula anywhere, no parsing
        return {}
    found = {}
    for ref, body in FORMULA_CELL.findall(xml):
        formula = FORMULA.search(body or b"")
        if formula is None:
            continue
        letters, row = CELL_REF.fullmatch(ref.decode()).groups()
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace"))
        found[(int(row), col - 1)] = "=" + text if text else "=(formula)"
    return found


def _first_sheet_member(z: zipfile.ZipFile) -> str:
    workbook = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    rid = re.search(r'<sheet\b[^>]*?r:id="([^"]+)"', workbook)
    if rid is None:
        return "xl/worksheets/sheet1.xml"
    target = re.search(rf'<Relationship\b[^>]*?Id="{re.escape(rid.group(1))}"[^>]*?>', rels)
    found = re.search(r'Target="([^"]+)"', target.group(0)) if target else None
    name = found.group(1) if found else "worksheets/sheet1.xml"
    return name.lstrip("/") if name.startswith("/") else f"xl/{name}"


def clean_header(text: str) -> str:
    """A header as compared with the form: no-break and other spaces as one space."""
    return " ".join(text.replace("\ufeff", "").split())


def check_header(path: Path, header: list[str], form: Form, other_forms: dict[int, Form]) -> None:
    """The export's columns and the year's form must agree exactly, or the file is rejected
    naming every column missing on either side with its closest match: a form edited after
    the file was first loaded is checked again at every build (pipeline/raw/ingest.py), so
    a typo can never turn answers into silent zeros."""
    expected = form.header()
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise ExportRejected(
            path,
            f"columns appear twice: {duplicated}",
            f"kolumner förekommer två gånger: {duplicated}",
        )
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
                f"kolumnrubrikerna är formulärets för {year}, inte för {form.year}: ligger "
                "filen i rätt års mapp?",
            )
    y = form.year
    sides = (  # (columns, their closest matches among, English, Swedish)
        (
            missing,
            extra,
            f"column(s) of the {y} form are missing",
            f"kolumn(er) i formuläret för {y} saknas",
        ),
        (
            extra,
            missing,
            f"column(s) are not in the {y} form",
            f"kolumn(er) finns inte i formuläret för {y}",
        ),
    )
    parts, sv = [], []
    for columns, others, english, swedish in sides:
        if columns:
            parts.append(
                f"{len(columns)} {english}: " + "; ".join(_with_match(c, others) for c in columns)
            )
            sv.append(
                f"{len(columns)} {swedish}: "
                + "; ".join(_with_match(c, others, "menade du") for c in columns)
            )
    parts.append(f"if the export is right, correct raw/forms/{y}/form.toml")
    sv.append(f"Om exportfilen är rätt, rätta raw/forms/{y}/form.toml")
    raise ExportRejected(path, ". ".join(parts), ". ".join(sv))


def _with_match(column: str, candidates: list[str], did_you_mean: str = "did you mean") -> str:
    close = difflib.get_close_matches(column, candidates, n=1, cutoff=0.6)
    return f"{column!r} ({did_you_mean} {close[0]!r}?)" if close else repr(column)
