"""The reference facts every table depends on, in raw/ and in the warehouse."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from tests.conftest import read_rows

# Seed 000, Bilaga 2: the number of municipalities per region, printed in brackets
# ("Region Norrbotten (14)" …). Region Örebro län and Region Jönköpings län are lost
# in the OCR; their counts (12 and 13) follow from the total of 290.
BILAGA2_COUNTS = {
    "Region Norrbotten": 14,
    "Region Västerbotten": 15,
    "Region Jämtland Härjedalen": 8,
    "Region Västernorrland": 7,
    "Region Gävleborg": 10,
    "Region Dalarna": 15,
    "Region Uppsala": 8,
    "Region Värmland": 16,
    "Region Västmanland": 10,
    "Region Stockholm": 26,
    "Region Sörmland": 9,
    "Region Östergötland": 13,
    "Region Kronoberg": 8,
    "Region Kalmar län": 12,
    "Region Gotland": 1,
    "Region Blekinge": 5,
    "Region Skåne": 33,
    "Region Halland": 6,
    "Västra Götalandsregionen": 49,
    "Region Örebro län": 12,
    "Region Jönköpings län": 13,
}


@pytest.fixture(scope="module")
def kommuner(raw_dir):
    return read_rows(raw_dir / "reference" / "kommuner.csv")


@pytest.fixture(scope="module")
def regioner(raw_dir):
    return {r["lan_kod"]: r for r in read_rows(raw_dir / "reference" / "regioner.csv")}


def test_290_unique_four_digit_codes(kommuner):
    codes = [k["kommunkod"] for k in kommuner]
    assert len(codes) == 290
    assert len(set(codes)) == 290
    assert all(len(c) == 4 and c.isdigit() for c in codes)


def test_each_code_starts_with_its_county_code(kommuner, regioner):
    for k in kommuner:
        assert k["kommunkod"][:2] == k["lan_kod"], k
        assert k["lan_kod"] in regioner, k


def test_21_regions_with_the_published_count_of_municipalities(kommuner, regioner):
    assert len(regioner) == 21
    counts = Counter(regioner[k["lan_kod"]]["region"] for k in kommuner)
    assert counts == BILAGA2_COUNTS


def test_regions_ordered_north_to_south_as_in_bilaga2(regioner):
    order = sorted(regioner.values(), key=lambda r: int(r["ordning_norr_till_soder"]))
    names = [r["region"] for r in order]
    assert names[0] == "Region Norrbotten"
    assert names[-3:] == ["Region Skåne", "Region Halland", "Västra Götalandsregionen"]
    assert len(set(names)) == 21


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("0180", "Stockholms kommun"),
        ("0980", "Region Gotland"),
        ("2080", "Falu kommun"),
        ("0880", "Kalmar kommun"),
        ("0305", "Håbo kommun"),
        ("0643", "Habo kommun"),
        ("1421", "Orust kommun"),
        ("1980", "Västerås kommun"),
    ],
)
def test_names_as_the_follow_up_prints_them(kommuner, code, name):
    assert {k["kommunkod"]: k["kommun_namn"] for k in kommuner}[code] == name


def test_reference_in_warehouse(warehouse):
    counts = warehouse.query(
        """SELECT r.region, count(*) AS n FROM reference.kommuner k
           JOIN reference.regioner r USING (lan_kod) GROUP BY r.region"""
    )
    assert dict(counts.iter_rows()) == BILAGA2_COUNTS


def test_every_reference_row_keeps_its_provenance(warehouse, raw_dir):
    df = warehouse.query("SELECT * FROM reference.kommuner ORDER BY source_row")
    assert df["source_file"].unique().to_list() == ["raw/reference/kommuner.csv"]
    assert df["source_row"].to_list() == list(range(2, 292))
    assert df["source_sha256"].n_unique() == 1 and len(df["source_sha256"][0]) == 64
    assert df["loaded_at"].null_count() == 0


def test_raw_holds_only_what_the_reports_stand_on():
    """The made-up example year lives in tests/fixtures/example_year/, not in raw/: the
    repository's raw/ has only real grant years, and the example is added only to copies."""
    from pipeline.config import ROOT, grant_years

    real = ROOT / "raw"
    assert "2025" not in grant_years(real)
    assert "EXEMPEL" not in (real / "reference" / "bidragsar.csv").read_text(encoding="utf-8")
    assert not any((real / part / "2025").exists() for part in ("forms", "ledger", "returns"))
    refused = subprocess.run(
        [sys.executable, "-m", "pipeline.synthetic.example_year", "--add-to", str(real)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "raw/ holds only real data" in refused.stderr
