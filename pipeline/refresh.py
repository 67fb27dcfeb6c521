"""Scheduled and event-driven refresh: a sensor on raw/returns/YEAR/ and a daily schedule.

The sensor keys on each entry's digest (pipeline.raw.provenance.entry_digest): a new file,
or a corrected file under the same name, requests a run of that year's partition and of
the next year's (whose report compares with it); a file seen before never does. Its
cursor starts from the folders as they are when the sensor is first switched on (the
initial build is `make report`). Runs queue one at a time (dagster.yaml), so the year
runs before the year after it. A failed run is retried (run_retries in dagster.yaml);
a year whose run still failed stays not current, and the schedule takes it up again.

The schedule refreshes every grant year that is not current every morning, and skips
current years without starting a run. Both are on by default under `make dev`.

Settings: HALSOSAMTAL_REFRESH_CRON (default "0 6 * * *"), HALSOSAMTAL_REFRESH_TZ
(default "Europe/Stockholm"), HALSOSAMTAL_SENSOR_SECONDS (default 2).
"""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from pipeline.config import settings
from pipeline.freshness import current_version, returns_entries
from pipeline.partitions import grant_years, next_year
from pipeline.raw.provenance import entry_digest, readable_name

JOB = "grant_year_job"


def folder_state(year: str) -> dict[str, str]:
    """Every entry of a year's returns folder and its withdrawal list, with its digest."""
    return {readable_name(p.name): entry_digest(p) for p in returns_entries(int(year))}


def previous(now: dict[str, dict[str, str]], year: str) -> dict[str, str]:
    return now.get(str(int(year) - 1), {})


def state_key(state: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]


@dg.sensor(
    job_name=JOB,
    minimum_interval_seconds=settings().sensor_seconds,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a run of a grant year, and of the year after it (whose report "
    "compares with it), when a file in raw/returns/YEAR/ is new or its content changed.",
)
def returns_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    seen: dict[str, dict[str, str]] = json.loads(context.cursor) if context.cursor else {}
    now = {year: folder_state(year) for year in grant_years()}
    wanted: dict[str, list[str]] = {}  # year → files that make it stale
    if context.cursor is not None:
        for year, files in now.items():
            before = seen.get(year, {})
            arrived = sorted(f for f, sha in files.items() if before.get(f) != sha)
            arrived += sorted(f"{f} (borttagen)" for f in before if f not in files)
            if arrived:
                wanted.setdefault(year, []).extend(arrived)
                if (later := next_year(year)) is not None:
                    wanted.setdefault(later, []).extend(f"{year}/{f}" for f in arrived)
    requests = [
        dg.RunRequest(
            run_key=f"{year}:{state_key({'year': now[year], 'before': previous(now, year)})}",
            partition_key=year,
            tags={
                "halsosamtal/trigger": "returns_sensor",
                "halsosamtal/files": ", ".join(files)[:200],
            },
        )
        for year, files in sorted(wanted.items())
    ]
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(now, sort_keys=True))


@dg.schedule(
    job_name=JOB,
    cron_schedule=settings().refresh_cron,
    execution_timezone=settings().refresh_timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every morning, refreshes each grant year that is not current (its inputs "
    "or the code differ from its latest publication), oldest first; skips without a run "
    "when every year is current.",
)
def daily_refresh(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
    stale = [y for y in grant_years() if current_version(int(y)) is None]
    if not stale:
        return dg.SkipReason("every grant year is current: same inputs and code")
    stamp = (
        context.scheduled_execution_time.strftime("%Y-%m-%d")
        if context.scheduled_execution_time
        else ""
    )
    return [
        dg.RunRequest(
            run_key=f"daily:{stamp}:{year}",
            partition_key=year,
            tags={"halsosamtal/trigger": "daily_refresh"},
        )
        for year in stale
    ]
