"""Every path and setting of the pipeline, in one place.

Settings come from environment variables so that tests, the build command and
`dagster dev` can point the same code at other folders:

* ``HALSOSAMTAL_WAREHOUSE``: the DuckDB file (default ``build/warehouse.duckdb``).
* ``HALSOSAMTAL_BUILD``: the build output folder (default ``build/``).
* ``HALSOSAMTAL_RAW``: the raw inputs (default ``raw/``).
* ``HALSOSAMTAL_PUBLISHER``, ``HALSOSAMTAL_CONTACT``: the publisher and the contact line
  on the report's title page.
* ``HALSOSAMTAL_DUCKDB_MEMORY``: DuckDB's memory limit (default ``1GB``; beyond it DuckDB
  spills to disk). DuckDB's own default, 80 % of the machine, let a 1000× year grow the
  process to 8 GB.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
REPORT_DIR = ROOT / "report"
ASSETS_DIR = ROOT / "assets"
SEEDS_DIR = Path(os.environ.get("HALSOSAMTAL_SEEDS", ROOT.parent / "shared" / "seeds"))


# Who publishes the report, and where its readers ask about it (the title page).
PUBLISHER = os.environ.get("HALSOSAMTAL_PUBLISHER", "Socialstyrelsen")
CONTACT = os.environ.get(
    "HALSOSAMTAL_CONTACT", "Frågor om uppföljningen: Socialstyrelsen, socialstyrelsen.se"
)


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).resolve() if value else default


RAW_DIR = _path("HALSOSAMTAL_RAW", ROOT / "raw")


def build_dir() -> Path:
    """Where build outputs go (read at call time, so tests can redirect it)."""
    return _path("HALSOSAMTAL_BUILD", ROOT / "build")


def warehouse_path() -> Path:
    """The DuckDB warehouse file; one setting moves it."""
    return _path("HALSOSAMTAL_WAREHOUSE", build_dir() / "warehouse.duckdb")


def warehouse_wait_seconds() -> float:
    """How long a run waits for another writer of the warehouse before it fails (and is
    retried): ``HALSOSAMTAL_WAREHOUSE_WAIT``, default an hour."""
    return float(os.environ.get("HALSOSAMTAL_WAREHOUSE_WAIT", "3600"))


def duckdb_config() -> dict[str, str]:
    """Every connection's settings: DuckDB refuses a second connection to a file open in
    the same process with other settings (dagster-duckdb adds its user agent otherwise)."""
    return {
        "memory_limit": os.environ.get("HALSOSAMTAL_DUCKDB_MEMORY", "1GB"),
        "custom_user_agent": "halsosamtal",
    }


def year_dir(year: int | str) -> Path:
    return build_dir() / str(year)


def run_dir(year: int | str, run_id: str) -> Path:
    """The outputs of one run of a year that are not a publication (its validation report):
    a blocked run's stay here, and the published version copies them."""
    return year_dir(year) / "runs" / run_id


def grant_years(raw_dir: Path | None = None) -> list[str]:
    """The grant years, one per row of raw/reference/bidragsar.csv: adding a year is
    adding its row (and its files)."""
    path = (raw_dir or RAW_DIR) / "reference" / "bidragsar.csv"
    with path.open(encoding="utf-8") as f:
        return sorted(row["bidragsar"] for row in csv.DictReader(f))
