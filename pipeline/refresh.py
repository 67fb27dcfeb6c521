"""Scheduled and event-driven refresh: a sensor on raw/returns/<year>/ and a daily schedule.

The sensor keys on each file's SHA-256: a new file, or a corrected file under the same
name, requests one run of that year's partition; a file seen before never does. Its cursor
starts from the folder as it is when the sensor is first switched on (the initial build is
`make report`). The schedule refreshes the open grant year every morning.

Settings: HALSOSAMTAL_REFRESH_CRON (default "0 6 * * *"), HALSOSAMTAL_REFRESH_TZ
(default "Europe/Stockholm"), HALSOSAMTAL_OPEN_YEAR (default: the latest grant year),
HALSOSAMTAL_SENSOR_SECONDS (default 30).
"""

from __future__ import annotations

import hashlib
import json
import os

import dagster as dg

from pipeline.config import RAW_DIR
from pipeline.freshness import current_version
from pipeline.partitions import grant_years
from pipeline.raw.ingest import export_files
from pipeline.raw.provenance import sha256_of

JOB = "grant_year_job"


def folder_state(year: str) -> dict[str, str]:
    """Every file of a year's returns folder with its SHA-256."""
    return {p.name: sha256_of(p) for p in export_files(RAW_DIR / "returns" / year)}


def state_key(state: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]


@dg.sensor(
    job_name=JOB,
    minimum_interval_seconds=int(os.environ.get("HALSOSAMTAL_SENSOR_SECONDS", "30")),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a run of a grant year when a file in raw/returns/<year>/ "
    "is new or its content changed.",
)
def returns_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    seen: dict[str, dict[str, str]] = json.loads(context.cursor) if context.cursor else {}
    now = {year: folder_state(year) for year in grant_years()}
    requests = []
    if context.cursor is not None:
        for year, files in now.items():
            before = seen.get(year, {})
            arrived = sorted(f for f, sha in files.items() if before.get(f) != sha)
            if arrived:
                requests.append(
                    dg.RunRequest(
                        run_key=f"{year}:{state_key(files)}",
                        partition_key=year,
                        tags={
                            "halsosamtal/trigger": "returns_sensor",
                            "halsosamtal/files": ", ".join(arrived)[:200],
                        },
                    )
                )
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(now, sort_keys=True))


def open_year() -> str:
    return os.environ.get("HALSOSAMTAL_OPEN_YEAR") or grant_years()[-1]


@dg.schedule(
    job_name=JOB,
    cron_schedule=os.environ.get("HALSOSAMTAL_REFRESH_CRON", "0 6 * * *"),
    execution_timezone=os.environ.get("HALSOSAMTAL_REFRESH_TZ", "Europe/Stockholm"),
    description="Refreshes the open grant year every morning; skipped when the year is "
    "current (its inputs and the code as its latest publication had them).",
)
def daily_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    year = open_year()
    version = current_version(int(year))
    if version is not None:
        return dg.SkipReason(f"{year} is current ({version}): same inputs and code")
    return dg.RunRequest(
        run_key=None, partition_key=year, tags={"halsosamtal/trigger": "daily_refresh"}
    )
