"""The workbook as a reader sees it: LibreOffice (Debian's libreoffice-calc-nogui, headless,
Swedish settings) converts every sheet of tabeller.xlsx to text as displayed, and the
displayed text is checked against the figures, formatted here independently of the
pipeline's own formatting, and against the published 2024 follow-up."""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline.tables.basis import is_synthetic
from pipeline.tables.spec import table_spec, table_specs

NBSP = "\u00a0"
GOLDEN = Path(__file__).parent / "golden" / "published_2024.csv"
# All sheets (-1), as shown (true), UTF-8 (76): LibreOffice's CSV filter options.
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1053,false,true,true,false,false,-1"
# A reader with Swedish settings (LibreOffice's own locale setting: the machine needs no
# Swedish system locale, and UTF-8 file names keep the sheets' names).
SWEDISH_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Setup/L10N">
<prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>sv-SE</value></prop></item>
</oor:items>
"""
HEADER_ROW = 3  # 0-based: caption, population and a blank line above


def displayed_as(value: float, unit: str) -> str:
    """How a Swedish reader's spreadsheet shows the figure: '85 906 462', '85,9',
    '2024-06-03', '2024'."""
    if unit == "datum":
        code = int(value)
        return f"{code // 10000}-{code // 100 % 100:02}-{code % 100:02}"
    if unit == "år":
        return str(int(value))
    decimals = 1 if unit in ("mkr", "per 1 000") else 0
    return f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


@pytest.fixture(scope="module")
def shown(warehouse, build_root, tmp_path_factory) -> dict[str, list[list[str]]]:
    """Every sheet of the 2024 workbook as LibreOffice displays it, by sheet name."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed: apt-get install libreoffice-calc-nogui"
    out = tmp_path_factory.mktemp("libreoffice")
    book = out / "tabeller.xlsx"
    shutil.copyfile(build_root / "2024" / "tabeller.xlsx", book)
    profile = out / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(SWEDISH_SETTINGS, "utf-8")
    subprocess.run(
        [
            *(soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless"),
            *("--convert-to", CSV_AS_SHOWN, "--outdir", str(out), str(book)),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={"LC_ALL": "C.UTF-8", "HOME": str(out), "PATH": "/usr/bin:/bin"},
    )
    sheets = {}
    for path in out.glob("tabeller-*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            sheets[path.stem.removeprefix("tabeller-")] = list(csv.reader(f))
    return sheets


def cell_shown(sheet: list[list[str]], row_label: str, col_label: str) -> str:
    header = sheet[HEADER_ROW]
    col = next(i for i, h in enumerate(header) if h == col_label or h.startswith(col_label + " (n"))
    row = next(r for r in sheet[HEADER_ROW + 1 :] if r and r[0] == row_label)
    return row[col]


def test_every_figure_displays_as_a_swedish_reader_reads_it(warehouse, shown):
    """Thousands separated by a space, a decimal comma, dates as dates: every figure of
    every table, in the cell at its row and column."""
    cells = warehouse.query(
        "SELECT table_id, row_label, col_label, value, unit FROM tables.cells "
        "WHERE bidragsar = 2024 AND value IS NOT NULL"
    ).rows()
    assert len(cells) > 1000
    for table_id, row_label, col_label, value, unit in cells:
        if not table_spec(table_id).in_workbook:
            continue
        sheet = shown[table_spec(table_id).sheet_name]
        assert cell_shown(sheet, row_label or "", col_label) == displayed_as(value, unit), (
            table_id,
            row_label,
            col_label,
        )


def test_published_figures_display_as_published(warehouse, build_root, shown):
    """The published 2024 follow-up, figure by figure (tests/golden: table, row, column),
    as the workbook displays it; the total row of Bilaga 1 tabell 1 is complete."""
    where = {
        r[0]: r[1:]
        for r in warehouse.query(
            "SELECT figure_id, table_id, row_label, col_label, unit FROM tables.cells "
            "WHERE bidragsar = 2024"
        ).rows()
    }
    with GOLDEN.open(encoding="utf-8") as f:
        golden = list(csv.DictReader(f))
    checked = 0
    for g in golden:
        table_id, row_label, col_label, unit = where[g["figure_id"]]
        if not table_spec(table_id).printed:
            continue
        sheet = shown[table_spec(table_id).sheet_name]
        assert cell_shown(sheet, row_label, col_label) == displayed_as(float(g["value"]), unit), g[
            "source"
        ]
        checked += 1
    assert checked > 100
    total = shown["Bilaga 1, tabell 1"]
    assert [cell_shown(total, "Totalt", c) for c in ("Fördelningsnyckel (kr)",)] == [
        f"85{NBSP}906{NBSP}462"
    ]


def test_sheets_are_named_and_noted_as_in_the_report(shown):
    """Swedish sheet names (no internal ids), the n in the headers, every table note and
    its source under the table, and a first sheet on what is real and what is synthetic."""
    assert not [name for name in shown if "_" in name]
    tabell3 = shown["Tabell 3"]
    assert tabell3[HEADER_ROW][1:] == [
        f"Antal kommuner (n{NBSP}={NBSP}222)",
        f"Andel kommuner (%) (n{NBSP}={NBSP}222)",
    ]
    notes = [r[0] for r in tabell3[HEADER_ROW + 1 :] if r and r[0]]
    assert any(n.startswith("Flera svar kunde anges.") and "13 kommuner" in n for n in notes)
    assert "Källa: Kommunernas återrapportering 2024." in notes
    assert any(
        r[0] == "Källa: Kommunernas återrapportering 2023 och 2024." for r in shown["Tabell 2"]
    )
    about = shown["Om data"]
    listed = {r[0]: r[2] for r in about if len(r) > 2 and r[0] in shown}
    tables = {s.sheet_name: s for s in table_specs() if s.sheet_name in shown}
    assert set(listed) == set(tables)
    for name, spec in tables.items():
        if spec.basis != "mixed":
            assert listed[name] == (
                "Syntetiska svar" if is_synthetic(spec, "", 2024) else "Verkliga uppgifter"
            ), name
    assert any("syntetiska" in r[0] for r in about[:5])


def test_dates_are_dates_and_no_cell_is_a_formula(build_root):
    book = build_root / "2024" / "tabeller.xlsx"
    sheet = openpyxl.load_workbook(book)[table_spec("rapportdata").sheet_name]
    values = {r[0]: r[1] for r in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True)}
    assert values["Sista dag att rekvirera"].date().isoformat() == "2024-06-03"
    with zipfile.ZipFile(book) as z:
        assert not any(
            "<f>" in z.read(n).decode("utf-8", "ignore")
            for n in z.namelist()
            if n.startswith("xl/worksheets/")
        )
