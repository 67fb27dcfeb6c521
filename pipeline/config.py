"""Every path and setting of the pipeline, in one object: `Settings`, read from the
environment by `settings()` (the one place that reads it), at the time of the call, so
that tests, the build command and `dagster dev` can point the same code at other folders.
The Dagster definitions take theirs (the warehouse resource, the sensor's interval, the
refresh schedule) when they are loaded.

* ``HALSOSAMTAL_RAW``: the raw inputs (default ``raw/``). Dagster reads the grant years
  (its partitions) from it when the definitions are loaded.
* ``HALSOSAMTAL_BUILD``: the build output folder (default ``build/``).
* ``HALSOSAMTAL_WAREHOUSE``: the DuckDB file (default ``<build>/warehouse.duckdb``).
* ``HALSOSAMTAL_SEEDS``: the published sources the money figures are extracted from
  (default ``../shared/seeds/``).
* ``HALSOSAMTAL_PUBLISHER``, ``HALSOSAMTAL_CONTACT``: the publisher and the contact line
  on the report's title page.
* ``HALSOSAMTAL_DUCKDB_MEMORY``: DuckDB's memory limit (default ``1GB``; beyond it DuckDB
  spills to disk). DuckDB's own default, 80 % of the machine, let a 1000× year grow the
  process to 8 GB.
* ``HALSOSAMTAL_WAREHOUSE_WAIT``: how long a run waits for another writer of the
  warehouse before it fails (and is retried), in seconds (default an hour).
* ``HALSOSAMTAL_SENSOR_SECONDS``: how often the sensor looks for new exports (default 2).
* ``HALSOSAMTAL_REFRESH_CRON``, ``HALSOSAMTAL_REFRESH_TZ``: the daily refresh (default
  ``0 6 * * *``, ``Europe/Stockholm``).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# The code's own folders: part of the repository, not settings.
ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
REPORT_DIR = ROOT / "report"
ASSETS_DIR = ROOT / "assets"


@dataclass(frozen=True)
class Settings:
    """Every setting of a run (see the module's docstring for the variables)."""

    raw: Path
    build: Path
    warehouse: Path
    seeds: Path
    publisher: str  # who publishes the report (title page, PDF and workbook metadata)
    contact: str  # where its readers ask about it
    duckdb_memory: str
    warehouse_wait_seconds: float
    sensor_seconds: int  # how often the daemon's sensor looks for new export files
    refresh_cron: str  # when the daily refresh runs (cron), and in which time zone
    refresh_timezone: str

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        def path(var: str, default: Path) -> Path:
            value = environ.get(var)
            return Path(value).resolve() if value else default

        build = path("HALSOSAMTAL_BUILD", ROOT / "build")
        return cls(
            raw=path("HALSOSAMTAL_RAW", ROOT / "raw"),
            build=build,
            warehouse=path("HALSOSAMTAL_WAREHOUSE", build / "warehouse.duckdb"),
            seeds=path("HALSOSAMTAL_SEEDS", ROOT.parent / "shared" / "seeds"),
            publisher=environ.get("HALSOSAMTAL_PUBLISHER", "Socialstyrelsen"),
            contact=environ.get(
                "HALSOSAMTAL_CONTACT",
                "Frågor om uppföljningen: Socialstyrelsen, socialstyrelsen.se",
            ),
            duckdb_memory=environ.get("HALSOSAMTAL_DUCKDB_MEMORY", "1GB"),
            warehouse_wait_seconds=number(environ, "HALSOSAMTAL_WAREHOUSE_WAIT", "3600"),
            sensor_seconds=int(number(environ, "HALSOSAMTAL_SENSOR_SECONDS", "2")),
            refresh_cron=environ.get("HALSOSAMTAL_REFRESH_CRON", "0 6 * * *"),
            refresh_timezone=environ.get("HALSOSAMTAL_REFRESH_TZ", "Europe/Stockholm"),
        )


def number(environ: Mapping[str, str], var: str, default: str) -> float:
    value = environ.get(var, default)
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{var}={value!r}: a number of seconds is expected") from None


def settings() -> Settings:
    """The settings now (the environment is read at each call)."""
    return Settings.from_environment()


def raw_dir() -> Path:
    return settings().raw


def build_dir() -> Path:
    return settings().build


def warehouse_path() -> Path:
    return settings().warehouse


def duckdb_config() -> dict[str, str]:
    """Every connection's settings: DuckDB refuses a second connection to a file open in
    the same process with other settings (dagster-duckdb adds its user agent otherwise)."""
    return {"memory_limit": settings().duckdb_memory, "custom_user_agent": "halsosamtal"}


def year_dir(year: int | str) -> Path:
    return build_dir() / str(year)


def run_dir(year: int | str, run_id: str) -> Path:
    """The outputs of one run of a year that are not a publication (its validation report):
    a blocked run's stay here, and the published version copies them."""
    return year_dir(year) / "runs" / run_id


def grant_years(raw: Path | None = None) -> list[str]:
    """The grant years, one per row of raw/reference/bidragsar.csv: adding a year is
    adding its row (and its files)."""
    path = (raw or raw_dir()) / "reference" / "bidragsar.csv"
    with path.open(encoding="utf-8") as f:
        return sorted(row["bidragsar"] for row in csv.DictReader(f))
