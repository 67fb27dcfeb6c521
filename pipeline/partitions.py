"""Grant years are the partitions: one per row of raw/reference/bidragsar.csv."""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg

from pipeline.config import RAW_DIR


def grant_years(raw_dir: Path = RAW_DIR) -> list[str]:
    """Adding a grant year is adding its row to bidragsar.csv (and its files)."""
    with (raw_dir / "reference" / "bidragsar.csv").open(encoding="utf-8") as f:
        return sorted(row["bidragsar"] for row in csv.DictReader(f))


grant_year_partitions = dg.StaticPartitionsDefinition(grant_years())


def partition_year(context: dg.AssetExecutionContext) -> int:
    return int(context.partition_key)
