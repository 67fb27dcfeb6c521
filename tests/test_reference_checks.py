"""The checks on reference data and the ledger: each passes on good data, fails on bad."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipeline.checks.ledger import allocation_key_failures, key_for, requisition_failures
from pipeline.checks.reference import bidragsar_failures, kommuner_failures, regioner_failures
from pipeline.raw.reference import load_ledger, load_reference


@pytest.fixture(scope="module")
def kommuner():
    return load_reference("kommuner")


@pytest.fixture(scope="module")
def regioner():
    return load_reference("regioner")


def test_committed_reference_passes(kommuner, regioner):
    assert kommuner_failures(kommuner, regioner) == []
    assert regioner_failures(regioner) == []
    assert bidragsar_failures(load_reference("bidragsar")) == []


def test_duplicate_code_fails(kommuner, regioner):
    bad = pl.concat([kommuner, kommuner.head(1)])
    failures = kommuner_failures(bad, regioner)
    assert "291 municipalities, expected 290" in failures
    assert "kommunkod 0114 occurs 2 times" in failures


def test_code_outside_its_county_fails_naming_file_and_row(kommuner, regioner):
    bad = kommuner.with_columns(
        pl.when(pl.col("kommunkod") == "0180")
        .then(pl.lit("12"))
        .otherwise("lan_kod")
        .alias("lan_kod")
    )
    [failure] = kommuner_failures(bad, regioner)
    assert failure.startswith("raw/reference/kommuner.csv row 18:")
    assert "0180 does not start with its county code 12" in failure


def test_missing_region_fails(regioner):
    assert regioner_failures(regioner.head(20))


def test_grant_year_with_dates_out_of_order_fails():
    df = load_reference("bidragsar").with_columns(aterrapport_sista_dag=pl.lit(dt.date(2020, 1, 1)))
    assert len(bidragsar_failures(df)) == df.height  # one per grant year


def frames(year: int, kommuner: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {
        "kommuner": kommuner,
        "bidragsar": load_reference("bidragsar").filter(pl.col("bidragsar") == year),
        "kontrolltal": pl.DataFrame(
            {
                "matt": ["rekvirerat_kr", "mottagare"],
                "varde": [85_906_462, 247] if year == 2024 else [143_500_000, 238],
            }
        ),
    }


def test_real_ledgers_pass(kommuner):
    assert (
        allocation_key_failures(
            load_ledger("fordelningsnyckel", 2023), frames(2023, kommuner), 2023
        )
        == []
    )
    assert (
        allocation_key_failures(
            load_ledger("fordelningsnyckel", 2024), frames(2024, kommuner), 2024
        )
        == []
    )
    assert (
        requisition_failures(load_ledger("rekvisitioner", 2024), frames(2024, kommuner), 2024) == []
    )


def test_an_amount_off_the_key_fails(kommuner):
    keys = load_ledger("fordelningsnyckel", 2024)
    bad = keys.with_columns(
        pl.when(pl.col("kommunkod") == "1480")
        .then(pl.col("belopp_kr") + 7)
        .otherwise("belopp_kr")
        .alias("belopp_kr")
    )
    [failure] = allocation_key_failures(bad, frames(2024, kommuner), 2024)
    assert "3726309 kr is +7 kr off the key" in failure


def test_a_complete_list_must_sum_to_the_appropriation(kommuner):
    keys = load_ledger("fordelningsnyckel", 2023)
    bad = keys.with_columns(belopp_kr=pl.col("belopp_kr") + (pl.col("kommunkod") == "0114"))
    failures = allocation_key_failures(bad, frames(2023, kommuner), 2023)
    assert "2023: keys sum to 143500001, not 143500000" in failures


def test_requisitions_that_do_not_reconcile_fail(kommuner):
    req = load_ledger("rekvisitioner", 2024).head(246)
    failures = requisition_failures(req, frames(2024, kommuner), 2024)
    assert any("mottagare is 246, the published figure is 247" in f for f in failures)


def test_unknown_municipality_in_ledger_fails(kommuner):
    req = load_ledger("rekvisitioner", 2024).with_columns(
        kommunkod=pl.when(pl.col("kommunkod") == "0114").then(pl.lit("0199")).otherwise("kommunkod")
    )
    failures = requisition_failures(req, frames(2024, kommuner), 2024)
    assert any("kommunkod 0199 is not a municipality" in f for f in failures)


def test_key_rule():
    assert key_for(1766, 95_000_000, 355_469) == 471_968  # Alingsås 2024
