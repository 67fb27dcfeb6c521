"""The real money figures: 2023 allocation keys (seed 001) and 2024 Bilaga 1 tabell 1."""

from __future__ import annotations

import pytest

from pipeline.numbers import round_half_up
from pipeline.seeds.extract import is_allocation_key
from tests.conftest import read_rows


@pytest.fixture(scope="module")
def bilaga1(raw_dir):
    return read_rows(raw_dir / "published" / "2024" / "bilaga1_tabell1.csv")


def amounts(rows, field):
    return [int(r[field]) for r in rows]


def test_2024_totals_match_tabell2_and_the_total_row(bilaga1):
    # Seed 000, Tabell 2 row 2024 and Bilaga 1 tabell 1 "Totalt".
    assert len(bilaga1) == 247
    assert sum(amounts(bilaga1, "rekvirerat_kr")) == 85_906_462
    assert sum(amounts(bilaga1, "oanvant_kr")) == 10_026_518
    # Text under Tabell 1: 75 879 944 kr used.
    assert sum(amounts(bilaga1, "rekvirerat_kr")) - sum(amounts(bilaga1, "oanvant_kr")) == (
        75_879_944
    )


def test_2024_45_repay_and_12_repay_everything(bilaga1):
    # Seed 000, text under Tabell 2: "45 kommuner ... varav 12 ... hela beloppet".
    assert sum(int(r["oanvant_kr"]) > 0 for r in bilaga1) == 45
    assert sum(r["oanvant_kr"] == r["rekvirerat_kr"] for r in bilaga1) == 12
    assert sum(r["oanvant_pct"] == "100" for r in bilaga1) == 12


def test_every_unused_percentage_is_the_rounded_share(bilaga1):
    for r in bilaga1:
        share = 100 * int(r["oanvant_kr"]) / int(r["rekvirerat_kr"])
        assert int(r["oanvant_pct"]) == round_half_up(share), r


def test_every_2024_key_is_the_government_key_for_a_whole_number_of_residents(bilaga1):
    for r in bilaga1:
        assert is_allocation_key(int(r["fordelningsnyckel_kr"]), 95_000_000, 355_469), r
        assert int(r["rekvirerat_kr"]) <= int(r["fordelningsnyckel_kr"])


@pytest.mark.parametrize(
    ("kommunkod", "key", "requisitioned", "unused", "pct"),
    [  # Transcribed from seed 000, Bilaga 1 tabell 1, the row of each municipality.
        ("1880", 1_273_458, 1_273_458, 1_273_458, 100),  # Örebro kommun
        ("1480", 3_726_302, 3_726_302, 895_539, 24),  # Göteborgs kommun
        ("0180", 6_069_306, 6_069_306, 52_255, 1),  # Stockholms kommun
        ("0305", 163_291, 163_291, 986, 1),  # "Habo kommun" in the OCR: Håbo (see raw/README)
        ("1285", 291_305, 291_305, 177_716, 61),  # Eslövs kommun, printed numbers-first
        ("1961", 229_303, 229_303, 0, 0),  # Hallstahammars kommun, name wrapped
        ("1980", 1_470_958, 1_470_958, 256_878, 17),  # "Visterds kommun": Västerås
    ],
)
def test_rows_transcribed_from_bilaga1(bilaga1, kommunkod, key, requisitioned, unused, pct):
    row = next(r for r in bilaga1 if r["kommunkod"] == kommunkod)
    assert amounts([row], "fordelningsnyckel_kr") == [key]
    assert (int(row["rekvirerat_kr"]), int(row["oanvant_kr"]), int(row["oanvant_pct"])) == (
        requisitioned,
        unused,
        pct,
    )


def test_habo_is_not_a_2024_recipient(bilaga1):
    assert "0643" not in {r["kommunkod"] for r in bilaga1}


def test_2023_allocation_sums_to_the_appropriation(raw_dir):
    rows = read_rows(raw_dir / "ledger" / "2023" / "fordelningsnyckel.csv")
    assert len(rows) == 290
    assert sum(amounts(rows, "belopp_kr")) == 143_500_000
    off_key = [r for r in rows if not is_allocation_key(int(r["belopp_kr"]), 143_500_000, 341_591)]
    # Stockholm balances the rounding: its key is 3 kr below the rule.
    assert [r["kommunkod"] for r in off_key] == ["0180"]
    assert is_allocation_key(int(off_key[0]["belopp_kr"]) + 3, 143_500_000, 341_591)


def test_money_in_warehouse(warehouse):
    totals = warehouse.query(
        """SELECT bidragsar, count(*) AS n, sum(belopp_kr) AS kr
           FROM ledger.fordelningsnyckel WHERE bidragsar <= 2024 GROUP BY bidragsar
           ORDER BY bidragsar"""
    ).rows()
    assert totals == [(2023, 290, 143_500_000), (2024, 247, 85_906_462)]
    req = warehouse.query(
        "SELECT count(*), sum(belopp_kr) FROM ledger.rekvisitioner WHERE bidragsar = 2024"
    ).row(0)
    assert req == (247, 85_906_462)


def test_ledger_rows_keep_their_provenance(warehouse):
    df = warehouse.query(
        "SELECT * FROM ledger.rekvisitioner WHERE kommunkod = '0180' AND bidragsar = 2024"
    )
    row = df.row(0, named=True)
    assert row["source_file"] == "raw/ledger/2024/rekvisitioner.csv"
    assert row["source_row"] >= 2 and len(row["source_sha256"]) == 64
