"""Tracing: every figure recomputes from its lineage rows alone; the trace command, its
CSV, its list and its errors; real figures trace to real rows."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import time

import polars as pl
import pytest

from pipeline.trace.cli import UnknownFigure, list_figures, trace
from pipeline.trace.lineage import recompute


@pytest.fixture(scope="module")
def lineage(warehouse) -> dict[tuple[int, str], list[dict]]:
    rows = warehouse.query("SELECT * FROM lineage.rows").to_dicts()
    out: dict[tuple[int, str], list[dict]] = {}
    for r in rows:
        out.setdefault((r["bidragsar"], r["figure_id"]), []).append(r)
    return out


@pytest.fixture(scope="module")
def figures(warehouse, build_root) -> list[tuple[int, str, float]]:
    out = []
    for year in (2023, 2024):
        df = pl.read_csv(build_root / str(year) / "figures.csv", infer_schema_length=None)
        out += [(year, f, float(v)) for f, v in zip(df["figure_id"], df["value"], strict=True)]
    return out


def recomputed(lineage, year: int, figure_id: str) -> float:
    rows = lineage.get((year, figure_id), [])
    return recompute(rows) if rows else 0.0  # no rows behind a figure: it is zero


def test_every_figure_recomputes_from_its_lineage_alone(figures, lineage):
    assert len(figures) > 2500
    wrong = [
        (y, f, v, recomputed(lineage, y, f))
        for y, f, v in figures
        if recomputed(lineage, y, f) != v
    ]
    assert wrong == []


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
    assert "source rows: 45 (45 numerator)" in text
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
@pytest.mark.skipif(
    not shutil.which("chromium") or not shutil.which("chromedriver"),
    reason="Debian's chromium and chromium-driver are installed by .ci/run",
)
def test_clicking_a_number_in_the_browser_lands_on_its_trace(warehouse, build_root, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        report = (build_root / "2024" / "rapport.html").as_uri()
        for selector, figure_id, expected in [
            (
                '#tab-tabell1 a[data-figure="tabell1.none.antal"]',
                "tabell1.none.antal",
                {"täljare"},
            ),
            (
                'p a[data-figure="text.kommuner_aterbetalar"]',
                "text.kommuner_aterbetalar",
                {"täljare"},
            ),
            (  # a share of Bilaga 2: numerator and denominator rows
                '#tab-bilaga2 a[data-figure="bilaga2.05.andel"]',
                "bilaga2.05.andel",
                {"täljare", "nämnare"},
            ),
            (  # a synthetic figure
                '#tab-tabell3 a[data-figure="tabell3.80_plus.andel"]',
                "tabell3.80_plus.andel",
                {"täljare", "nämnare"},
            ),
        ]:
            driver.get(report)
            link = driver.find_element(By.CSS_SELECTOR, selector)
            driver.execute_script("arguments[0].scrollIntoView();", link)
            start = time.perf_counter()
            link.click()
            assert driver.current_url.endswith(f"sparbarhet/{figure_id}.html#{figure_id}")
            section = driver.find_element(By.ID, figure_id)
            assert time.perf_counter() - start < 2  # a small page, not the whole year
            assert section.find_element(By.TAG_NAME, "h1").text.startswith(figure_id)
            rows = section.find_elements(By.CSS_SELECTOR, "tbody tr")
            assert len(rows) > 1  # the rows behind the number are listed
            roles = {r.find_elements(By.TAG_NAME, "td")[0].text for r in rows}
            assert roles == expected, (figure_id, roles)
            assert "kommun (" in rows[0].find_elements(By.TAG_NAME, "td")[1].text
            synthetic = "Bygger på syntetiska svar." in section.text
            assert synthetic == figure_id.startswith("tabell3"), figure_id
            assert "(stämmer)" in section.text  # recomputed from its rows
            assert driver.execute_script("return document.querySelector(':target').id") == figure_id
            driver.find_element(By.LINK_TEXT, "Till rapporten").click()  # and back
            assert "rapport.html" in driver.current_url
    finally:
        driver.quit()
