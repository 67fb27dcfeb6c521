"""Tracing: every figure recomputes from its lineage rows alone; the trace command, its
CSV, its list and its errors; real figures trace to real rows."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.sqlfiles import create_macros
from pipeline.tables.basis import is_synthetic
from pipeline.tables.spec import table_specs
from pipeline.trace.cli import UnknownFigure, list_figures, trace
from pipeline.trace.lineage import recompute
from pipeline.trace.page import trace_rows


@pytest.fixture(scope="module")
def lineage(warehouse) -> dict[tuple[int, str], list[dict]]:
    rows = warehouse.query("SELECT * FROM lineage.rows").to_dicts()
    out: dict[tuple[int, str], list[dict]] = {}
    for r in rows:
        out.setdefault((r["bidragsar"], r["figure_id"]), []).append(r)
    return out


@pytest.fixture(scope="module")
def figures(warehouse, build_root) -> list[tuple[int, str, float, str]]:
    """Every published figure (figures.csv) with the aggregation that made it."""
    made_by = dict(
        warehouse.query(
            "SELECT bidragsar || '/' || figure_id, aggregation FROM tables.cells"
        ).iter_rows()
    )
    out = []
    for year in (2023, 2024):
        df = pl.read_csv(build_root / str(year) / "figures.csv", infer_schema_length=None)
        out += [
            (year, f, float(v), made_by[f"{year}/{f}"])
            for f, v in zip(df["figure_id"], df["value"], strict=True)
        ]
    return out


def recomputed(lineage, year: int, figure_id: str, aggregation: str) -> float | None:
    return recompute(lineage.get((year, figure_id), []), aggregation)


def test_every_figure_recomputes_from_its_lineage_alone(figures, lineage):
    assert len(figures) > 2500
    wrong = [
        (y, f, v, recomputed(lineage, y, f, a))
        for y, f, v, a in figures
        if recomputed(lineage, y, f, a) != v
    ]
    assert wrong == []
    without_rows = [(y, f, v, a) for y, f, v, a in figures if (y, f) not in lineage]
    assert without_rows and {a for *_, a in without_rows} == {"count"}  # counts of nothing


def test_every_lineage_row_names_its_source_completely(lineage):
    rows = [r for rs in lineage.values() for r in rs]
    assert len(rows) > 50_000
    for r in rows:
        assert r["source_file"] and r["role"] in ("numerator", "denominator", "value"), r
        if r["source_file"].startswith("raw/returns/"):
            assert len(r["source_sha256"]) == 64, r
            if r["source_row"] is not None:  # one row of an export: a submission
                assert r["submission_id"] and r["source_row"] >= 2, r
            else:  # a whole export file (the count of files read or rejected)
                assert r["submission_id"] is None and r["aggregation"] == "count", r


def test_a_real_money_figure_traces_to_the_real_rows(warehouse):
    out = io.StringIO()
    with warehouse.connect(read_only=True) as con:
        assert trace(con, 2024, "text.kommuner_aterbetalar", out=out)
    text = out.getvalue()
    assert "text.kommuner_aterbetalar = 45" in text
    assert "source rows: 292 (247 denominator, 45 numerator)" in text
    assert "data: real figures" in text
    assert "Göteborgs kommun" in text and "raw/returns/2024/" in text
    assert "recomputed from these rows alone: 45.0 — matches" in text


def test_a_synthetic_figure_says_so(warehouse):
    out = io.StringIO()
    with warehouse.connect(read_only=True) as con:
        assert trace(con, 2024, "tabell3.80_plus.andel", out=out)
    assert "SYNTHETIC answers" in out.getvalue()
    assert "(169 numerator, 222 denominator)" in out.getvalue().replace(
        "222 denominator, 169 numerator", "169 numerator, 222 denominator"
    )


def test_trace_writes_the_rows_to_csv(warehouse, tmp_path):
    path = tmp_path / "rows.csv"
    with warehouse.connect(read_only=True) as con:
        trace(con, 2024, "bilaga1_tabell1.1880.oanvant", out=io.StringIO(), csv_path=path)
    rows = pl.read_csv(path)
    assert rows.height == 1
    assert rows["kommun"][0] == "Örebro kommun" and rows["contribution"][0] == 1_273_458
    assert len(rows["source_sha256"][0]) == 64


def test_unknown_id_suggests_the_closest(warehouse):
    with warehouse.connect(read_only=True) as con, pytest.raises(UnknownFigure) as err:
        trace(con, 2024, "tabell1.al.antal", out=io.StringIO())
    assert "tabell1.all.antal" in err.value.suggestions
    assert "trace --list" in str(err.value)


def test_list_names_every_table(warehouse):
    out = io.StringIO()
    with warehouse.connect(read_only=True) as con:
        list_figures(con, 2024, out=out)
    text = out.getvalue()
    assert "tabell1: Tabell 1. Antal och andel kommuner" in text
    assert "  bilaga2.12.andel" in text


def test_lineage_file_for_other_tools(warehouse, build_root):
    df = pl.read_parquet(build_root / "2024" / "lineage.parquet")
    assert {
        "figure_id",
        "kommunkod",
        "submission_id",
        "source_file",
        "source_sha256",
        "source_row",
        "role",
        "synthetic",
    } <= set(df.columns)
    assert df["figure_id"].n_unique() > 1300


def test_trace_command_line(warehouse, build_root):
    env = {"HALSOSAMTAL_BUILD": str(build_root), "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "pipeline", "trace"]
    ok = subprocess.run([*cmd, "tabell1.none.antal"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "matches the published value 12.0" in ok.stdout
    bad = subprocess.run([*cmd, "tabell9.x"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "unknown figure id 'tabell9.x'" in bad.stderr


@pytest.mark.slow
def test_clicking_a_number_in_the_browser_lands_on_its_trace(warehouse, build_root, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium
    report = (build_root / "2024" / "rapport.html").as_uri()
    driver.get(report)
    first_per_table = [  # the first number of every table in the report
        (f"#{t.get_attribute('id')} a[data-figure]", None, None)
        for t in driver.find_elements(By.CSS_SELECTOR, "[id^='tab-']")
        if t.find_elements(By.CSS_SELECTOR, "a[data-figure]")
    ]
    assert len(first_per_table) >= 12
    for selector, figure_id, expected in [
        (
            '#tab-tabell1 a[data-figure="tabell1.none.antal"]',
            "tabell1.none.antal",
            {"täljare", "nämnare"},
        ),
        (
            'p a[data-figure="text.kommuner_aterbetalar"]',
            "text.kommuner_aterbetalar",
            {"täljare", "nämnare"},
        ),
        (
            '#tab-bilaga2 a[data-figure="bilaga2.05.andel"]',
            "bilaga2.05.andel",
            {"täljare", "nämnare"},
        ),
        (
            '#tab-bilaga1_tabell1 a[data-figure="bilaga1_tabell1.0114.oanvant_andel"]',
            "bilaga1_tabell1.0114.oanvant_andel",
            {"värde", "nämnare"},
        ),
        (
            '#tab-tabell3 a[data-figure="tabell3.80_plus.andel"]',
            "tabell3.80_plus.andel",
            {"täljare", "nämnare"},
        ),  # a synthetic figure
        *first_per_table,
    ]:
        driver.get(report)
        link = driver.find_element(By.CSS_SELECTOR, selector)
        figure_id = figure_id or link.get_attribute("data-figure")
        driver.execute_script("arguments[0].scrollIntoView();", link)
        start = time.perf_counter()
        link.click()
        assert driver.current_url.endswith(f"sparbarhet/{figure_id}.html#{figure_id}")
        section = driver.find_element(By.ID, figure_id)
        assert time.perf_counter() - start < 2  # a small page, not the whole year
        assert section.find_element(By.TAG_NAME, "h1").text.startswith(figure_id)
        check_trace_section(driver, section, figure_id, expected)
        assert driver.execute_script("return document.querySelector(':target').id") == figure_id
        driver.find_element(By.LINK_TEXT, "Till rapporten").click()  # and back
        assert "rapport.html" in driver.current_url
    # a reviewer asked about one municipality searches for it by name
    driver.get((build_root / "2024" / "sparbarhet.html").as_uri())
    driver.find_element(By.ID, "sok").send_keys("Uppsala")
    wait = WebDriverWait(driver, 5)  # the search loads its part of the index on demand
    wait.until(lambda d: d.find_elements(By.PARTIAL_LINK_TEXT, "Uppsala kommun: "))
    driver.find_element(By.PARTIAL_LINK_TEXT, "Uppsala kommun: återrapporter").click()
    assert driver.current_url.endswith("sparbarhet/kommun-0380.html#0380")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Uppsala kommun (0380)")
    driver.back()  # and by a figure's id, which names its table first
    box = driver.find_element(By.ID, "sok")
    box.clear()
    box.send_keys("tabell1.a")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#traffar a"))
    hits = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#traffar a")]
    assert hits == [
        "tabell1.all.antal: Använt hela bidraget · Antal kommuner",
        "tabell1.all.andel: Använt hela bidraget · Andel kommuner (%)",
    ]


def check_trace_section(driver, section, figure_id: str, expected_roles: set[str] | None) -> None:
    """A figure's trace as the reviewer reads it: its rows, their roles, the municipality's
    name beside its code, the export cells as filed, the synthetic mark, the recomputation."""
    rows = driver.execute_script(  # the rendered text of every cell, in one round trip
        "return [...arguments[0].querySelectorAll('tbody tr')]"
        ".map(r => [...r.cells].map(c => c.innerText))",
        section,
    )
    assert rows, figure_id  # the rows behind the number are listed
    roles = {r[0] for r in rows}
    assert roles <= {"täljare", "nämnare", "värde"}
    if expected_roles is not None:
        assert roles == expected_roles, (figure_id, roles)
    for _role, kommun, submission, source_file, source_row, cells, _ in rows:
        if kommun:
            assert re.fullmatch(r".+ \(\d{4}\)", kommun), kommun  # name (kommunkod)
        if source_file.startswith("raw/returns/") and source_row:
            assert submission and " = " in cells, (figure_id, cells)
    synthetic = "Bygger på syntetiska svar." in section.text
    spec = next(s for s in table_specs() if s.id == figure_id.split(".")[0])
    assert synthetic == is_synthetic(spec, figure_id.split(".")[1], 2024), figure_id
    if figure_id.startswith("tabell3."):
        assert synthetic
    if figure_id.startswith(("tabell1.", "bilaga1_tabell1.", "bilaga2.")):
        assert not synthetic
    assert "(stämmer)" in section.text  # recomputed from its rows


@pytest.fixture(scope="module")
def trace_rows_2024(warehouse) -> pl.DataFrame:
    with warehouse.connect() as con:
        return trace_rows(con, 2024)


def test_every_export_row_shows_the_cells_that_made_it(trace_rows_2024):
    named = trace_rows_2024.filter(
        pl.col("cells").is_not_null() & pl.col("source_row").is_not_null()
    )
    assert named.height > 40_000
    unresolved = named.filter(pl.col("celler").is_null())
    assert (
        unresolved.select("figure_id", "source_file", "source_row", "cells").head(5).to_dicts()
        == []
    )
    # every row of an export behind a figure names its cells (not only a few tables)
    exports = trace_rows_2024.filter(
        pl.col("source_file").str.starts_with("raw/returns/")
        & pl.col("source_row").is_not_null()
        & ~pl.col("figure_id").str.starts_with("rapportdata.")
    )
    assert exports.filter(pl.col("cells").is_null()).height == 0


def test_a_cell_as_filed_is_the_amount_the_row_contributes(warehouse, trace_rows_2024):
    """A row that contributes an amount (kronor, persons) names the one cell holding it, and
    that cell's value as filed is the amount."""
    answers = warehouse.query(
        "SELECT source_file, source_row, question_id AS cells, value_num FROM staged.answers "
        "WHERE option_code IS NULL"
    )
    amounts = trace_rows_2024.filter(
        pl.col("source_file").str.starts_with("raw/returns/")
        & ~pl.col("cells").str.contains(" |:")
        & (pl.col("aggregation") != "count")
        & (pl.col("contribution").abs() != 1)
    ).join(answers, on=["source_file", "source_row", "cells"], how="left")
    assert amounts.height > 5_000
    assert set(amounts["cells"]) >= {"rekvirerat", "oanvant", "anvant", "antal_personer"}
    wrong = amounts.filter(pl.col("value_num") != pl.col("contribution").abs())
    assert wrong.select("figure_id", "cells", "value_num", "contribution").head(5).to_dicts() == []
    assert amounts["value_num"].null_count() == 0


def test_every_figure_with_an_n_lists_its_denominator_rows(warehouse):
    """The n printed beside a figure is what its denominator rows add up to (counts of
    municipalities, or kronor)."""
    missing = warehouse.query(
        """SELECT c.bidragsar, c.figure_id, c.denominator, sum(l.contribution) AS rows_sum
           FROM tables.cells AS c
           LEFT JOIN lineage.rows AS l ON l.bidragsar = c.bidragsar
                AND l.figure_id = c.figure_id AND l.role = 'denominator'
           WHERE c.denominator IS NOT NULL AND c.table_id <> 'bedomningar'
           GROUP BY ALL HAVING rows_sum IS DISTINCT FROM c.denominator"""
    )
    assert missing.head(10).to_dicts() == []


def test_a_municipality_page_shows_all_it_contributed(warehouse, build_root):
    """Uppsala filed a report and later a correction: its page lists both, says which one
    counts, and lists every figure its rows are part of, each linked to its trace."""
    folder = build_root / "2024" / "sparbarhet"
    page = (folder / "kommun-0380.html").read_text(encoding="utf-8")
    assert "Uppsala kommun (0380)" in page
    submissions = warehouse.query(
        "SELECT submission_id, status FROM staged.submissions "
        "WHERE bidragsar = 2024 AND kommunkod = '0380'"
    )
    assert submissions.height == 2 and set(submissions["status"]) == {"aktuell", "ersatt"}
    for sid in submissions["submission_id"]:
        assert f"<td>{sid}</td>" in page
    assert "nej, ersatt av en senare rapport" in page and "<td>ja</td>" in page
    figures = warehouse.query(
        "SELECT DISTINCT figure_id FROM lineage.rows WHERE bidragsar = 2024 AND kommunkod = '0380'"
    )["figure_id"].to_list()
    linked = set(re.findall(r'<a href="([^"#]+)\.html#', page))
    assert linked == set(figures)
    assert all((folder / f"{f}.html").exists() for f in linked)
    assert "(syntetisk)" in page  # its answers count in synthetic tables, marked so
    index = (build_root / "2024" / "sparbarhet.html").read_text(encoding="utf-8")
    assert "Sök siffra eller kommun" in index
    # and a figure's trace links each municipality to its page
    trace_page = (folder / "tabell1.all.antal.html").read_text(encoding="utf-8")
    assert 'href="kommun-0380.html">Uppsala kommun (0380)</a>' in trace_page


amounts = st.one_of(st.none(), st.integers(min_value=-(10**8), max_value=10**9))


@settings(max_examples=300, deadline=None)
@given(
    aggregation=st.sampled_from(["count", "sum", "max", "share", "mkr", "round1000", "per1000"]),
    numerators=st.lists(amounts, max_size=6),
    denominators=st.lists(amounts, max_size=6),
)
def test_the_trace_recomputes_as_the_derivation_computes(aggregation, numerators, denominators):
    """The reviewer's recomputation (Python) and the one generic step that makes every
    figure (the sums of sql/tables/_figures.sql, the macro figure_value) agree on any rows:
    the halves of rounding, negative and blank amounts, empty populations included."""
    con = duckdb.connect()
    create_macros(con)
    rows = [("numerator", c) for c in numerators] + [("denominator", c) for c in denominators]
    con.execute("CREATE TABLE r (role VARCHAR, contribution DOUBLE)")
    if rows:
        con.executemany("INSERT INTO r VALUES (?, ?)", rows)
    [(in_sql,)] = con.execute(
        """SELECT CAST(figure_value($a, count(*) FILTER (WHERE role <> 'denominator'),
                  sum(contribution) FILTER (WHERE role <> 'denominator'),
                  max(contribution) FILTER (WHERE role <> 'denominator'),
                  sum(contribution) FILTER (WHERE role = 'denominator')) AS DOUBLE)
           FROM r""",
        {"a": aggregation},
    ).fetchall()
    lineage = [{"role": r, "contribution": c, "aggregation": aggregation} for r, c in rows]
    assert recompute(lineage, aggregation) == in_sql
