"""The tables of the follow-up: the published 2024 figures, cell by cell, and the rules
every table keeps (populations, denominators, rounding)."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from pipeline.config import raw_dir
from pipeline.tables.spec import table_specs

GOLDEN = Path(__file__).parent / "golden" / "published_2024.csv"


@pytest.fixture(scope="module")
def figures(warehouse, build_root) -> dict[str, dict]:
    """build/2024/figures.csv as the build wrote it."""
    with (build_root / "2024" / "figures.csv").open(encoding="utf-8") as f:
        return {r["figure_id"]: r for r in csv.DictReader(f)}


def golden_rows() -> list[dict[str, str]]:
    with GOLDEN.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", golden_rows(), ids=lambda r: r["figure_id"])
def test_published_2024_figure(figures, row):
    assert row["figure_id"] in figures, f"missing: {row['source']}"
    assert float(figures[row["figure_id"]]["value"]) == float(row["value"]), row["source"]


def test_bilaga1_tabell1_equals_the_published_table_row_by_row(figures):
    with (raw_dir() / "published" / "2024" / "bilaga1_tabell1.csv").open(encoding="utf-8") as f:
        published = list(csv.DictReader(f))
    assert len(published) == 247
    for row in published:
        code = row["kommunkod"]
        for col, field in [
            ("fordelningsnyckel", "fordelningsnyckel_kr"),
            ("rekvirerat", "rekvirerat_kr"),
            ("oanvant", "oanvant_kr"),
            ("oanvant_andel", "oanvant_pct"),
        ]:
            figure = figures[f"bilaga1_tabell1.{code}.{col}"]
            assert int(figure["value"]) == int(row[field]), (row["mottagare"], col)
        assert figures[f"bilaga1_tabell1.{code}.rekvirerat"]["row_label"] == row["mottagare"]


def test_the_extremes_of_bilaga2_name_their_regions(figures):
    # Text after Tabell 1: Region Skåne highest (100 %), Region Östergötland lowest (54 %).
    assert figures["text.region_hogst_andel"]["row_label"] == "Region Skåne"
    assert figures["text.region_lagst_andel"]["row_label"] == "Region Östergötland"


def test_2023_build_has_its_own_figures(build_root):
    df = pl.read_csv(build_root / "2023" / "figures.csv", infer_schema_length=None)
    values = dict(zip(df["figure_id"], df["value"], strict=True))
    assert values["tabell2.2023.oanvant_andel"] == 32  # Tabell 2, rad 2023
    assert values["text.mottagare"] == 238
    assert "tabell2.2024.rekvirerat" not in values  # a year never shows later years


def test_every_table_written_as_csv(build_root):
    written = {p.stem for p in (build_root / "2024" / "tables").glob("*.csv")}
    assert written == {s.id for s in table_specs()}
    tabell4 = pl.read_csv(build_root / "2024" / "tables" / "tabell4.csv")
    assert tabell4.columns == [
        "row_id",
        "row_label",
        "Antal 2023",
        "Andel (%) 2023",
        "Antal 2024",
        "Andel (%) 2024",
    ]
    assert tabell4["Andel (%) 2024"].to_list() == [46, 57, 63]


def test_every_table_states_population_denominator_and_labels(warehouse):
    cells = warehouse.query("SELECT * FROM tables.cells WHERE bidragsar = 2024")
    for spec in table_specs():
        assert spec.population in {"recipients", "used", "started", "all_municipalities"}
        assert spec.population_label and spec.source and spec.columns
        mine = cells.filter(pl.col("table_id") == spec.id)
        assert mine.height > 0, spec.id
        assert mine["row_label"].null_count() == 0, spec.id
        shares = mine.filter(pl.col("unit") == "procent")
        assert shares["denominator"].null_count() == 0 or spec.id == "text", spec.id


def test_percentages_match_their_counts(warehouse):
    cells = warehouse.query("""
        SELECT a.figure_id, a.value AS n, p.value AS pct, p.denominator
        FROM tables.cells a JOIN tables.cells p
          ON a.bidragsar = p.bidragsar AND a.table_id = p.table_id AND a.row_id = p.row_id
         AND replace(a.col_id, 'antal', 'andel') = p.col_id AND a.col_id LIKE 'antal%'""")
    antal = warehouse.query("SELECT count(*) FROM tables.cells WHERE col_id LIKE 'antal%'")
    assert cells.height == antal.item() > 0  # every count has its share beside it
    for r in cells.iter_rows(named=True):
        assert r["pct"] == int(100 * r["n"] / r["denominator"] + 0.5), r
        assert r["n"] <= r["denominator"], r


def test_populations_2024(warehouse):
    df = warehouse.query("""SELECT count(*), count(*) FILTER (WHERE used_grant),
        count(*) FILTER (WHERE started) FROM validated.respondents WHERE bidragsar = 2024""")
    assert df.row(0) == (247, 235, 222)


def test_tabell1_rule_differs_from_raw_amounts_for_three(warehouse):
    # Three municipalities have 500–1 200 kr unused (< 0.5 %) yet count as "all used".
    df = warehouse.query("""SELECT kommunkod, oanvant FROM validated.respondents
        WHERE bidragsar = 2024 AND usage_class = 'all' AND oanvant > 0 ORDER BY kommunkod""")
    assert df.rows() == [("0120", 1194), ("1230", 777), ("1260", 513)]


def test_every_figure_has_a_place_of_its_own(warehouse):
    """No two figures of a table share a row and column place: the published order (of
    figures.csv, the tables, the report) is then the data's, not the storage's."""
    shared = warehouse.query(
        "SELECT bidragsar, table_id, row_order, col_order, list(figure_id) AS figures "
        "FROM tables.cells GROUP BY ALL HAVING count(*) > 1"
    )
    assert shared.is_empty(), shared.to_dicts()
    assert warehouse.query("SELECT DISTINCT bidragsar FROM tables.cells").height >= 3
