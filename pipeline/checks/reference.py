"""Checks of the reference data: the facts a reviewer relies on before any table."""

from __future__ import annotations

import dagster as dg
import polars as pl

MUNICIPALITIES = 290
REGIONS = 21


def result(name: str, failures: list[str], **metadata: object) -> dg.AssetCheckResult:
    """An error-severity check result listing each failure in words."""
    return dg.AssetCheckResult(
        check_name=name,
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "failures": dg.MetadataValue.json(failures[:50]),
            "failure_count": len(failures),
            **metadata,
        },
    )


def kommuner_failures(kommuner: pl.DataFrame, regioner: pl.DataFrame) -> list[str]:
    failures = []
    if kommuner.height != MUNICIPALITIES:
        failures.append(f"{kommuner.height} municipalities, expected {MUNICIPALITIES}")
    for code, n in kommuner.group_by("kommunkod").len().filter(pl.col("len") > 1).rows():
        failures.append(f"kommunkod {code} occurs {n} times")
    for row in kommuner.iter_rows(named=True):
        where = f"{row['source_file']} row {row['source_row']}"
        if not (len(row["kommunkod"]) == 4 and row["kommunkod"].isdigit()):
            failures.append(f"{where}: kommunkod {row['kommunkod']!r} is not 4 digits")
        if not row["kommunkod"].startswith(row["lan_kod"]):
            failures.append(
                f"{where}: kommunkod {row['kommunkod']} does not start with its county "
                f"code {row['lan_kod']}"
            )
    unknown = set(kommuner["lan_kod"]) - set(regioner["lan_kod"])
    failures += [f"county code {c} has no region" for c in sorted(unknown)]
    return failures


def check_kommuner(kommuner: pl.DataFrame, regioner: pl.DataFrame) -> dg.AssetCheckResult:
    return result(
        "kommuner_complete", kommuner_failures(kommuner, regioner), municipalities=kommuner.height
    )


def regioner_failures(regioner: pl.DataFrame) -> list[str]:
    failures = []
    if regioner.height != REGIONS or regioner["lan_kod"].n_unique() != REGIONS:
        failures.append(f"{regioner.height} regions, expected {REGIONS} distinct county codes")
    order = sorted(regioner["ordning_norr_till_soder"].to_list())
    if order != list(range(1, regioner.height + 1)):
        failures.append(f"north-to-south order is not 1..{regioner.height}: {order}")
    return failures


def check_regioner(regioner: pl.DataFrame) -> dg.AssetCheckResult:
    return result("regioner_complete", regioner_failures(regioner))


def bidragsar_failures(bidragsar: pl.DataFrame) -> list[str]:
    failures = []
    for row in bidragsar.iter_rows(named=True):
        year = row["bidragsar"]
        if not (row["anvandning_fran"] <= row["anvandning_till"] < row["aterrapport_sista_dag"]):
            failures.append(f"{year}: period of use and report deadline are out of order")
        if row["anvandning_till"].year != year:
            failures.append(f"{year}: the period of use ends in {row['anvandning_till'].year}")
        if row["anslag_kr"] <= 0 or row["malgrupp_personer"] <= 0:
            failures.append(f"{year}: appropriation and target population must be positive")
    return failures


def check_bidragsar(bidragsar: pl.DataFrame) -> dg.AssetCheckResult:
    return result("bidragsar_valid", bidragsar_failures(bidragsar))
