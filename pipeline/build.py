"""The build command: materialize every asset in one process and say what happens.

One line per asset with its partition, time and row count; failed checks are named
with their reason. ``--verbose`` shows Dagster's full log instead.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import dagster as dg
from dagster._core.events import DagsterEventType

from pipeline.config import ROOT
from pipeline.partitions import FORCE_TAG, grant_years

DAGSTER_HOME = ROOT / "build" / "dagster"


def instance_home() -> Path:
    """DAGSTER_HOME: build/dagster/ unless set, with the repository's dagster.yaml linked
    into it, so that everything Dagster writes (`dagster dev` too) stays under build/."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(DAGSTER_HOME)))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() and not config.is_symlink():
        config.symlink_to(ROOT / "dagster.yaml")
    return home


def use_project_instance() -> dg.DagsterInstance:
    """The instance configured by dagster.yaml (see instance_home)."""
    instance_home()
    return dg.DagsterInstance.get()


class ProgressHandler(logging.Handler):
    """Turns Dagster's structured events into one short line per asset."""

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self.out = out or sys.stdout
        self.started: dict[str, float] = {}
        self.failures: list[str] = []
        self.validation_reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_event", None)
        if event is None:
            return
        kind = event.event_type
        step = event.step_key or ""
        if kind == DagsterEventType.STEP_START:
            self.started[step] = time.perf_counter()
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            mat = event.event_specific_data.materialization
            seconds = time.perf_counter() - self.started.get(step, time.perf_counter())
            report = mat.metadata.get("validation_report")
            if report is not None:
                self.validation_reports.append(str(report.value))
            rows = mat.metadata.get("dagster/row_count")
            rows_text = f"{rows.value:>7,} rows".replace(",", " ") if rows else ""
            partition = f"[{mat.partition}]" if mat.partition else ""
            self._print(
                f"  {mat.asset_key.to_user_string():<34}{partition:<7}{seconds:6.2f} s {rows_text}"
            )
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            ev = event.event_specific_data
            if not ev.passed:
                failures = ev.metadata.get("failures")
                count = ev.metadata.get("failing_rows")
                first = failures.value[0] if failures and failures.value else ""
                label = "WARNING" if ev.severity == dg.AssetCheckSeverity.WARN else "ERROR"
                rows = f"{count.value} row(s); first: " if count else ""
                line = f"    {label} {ev.check_name}: {rows}{first}"
                if label == "ERROR":
                    self.failures.append(line.strip())
                self._print(line)
        elif kind == DagsterEventType.STEP_FAILURE:
            message = root_cause(event.event_specific_data.error)
            self.failures.append(f"{step}: {message}")
            self._print(f"  FAILED {step}: {message}")

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)


def root_cause(error: object) -> str:
    """The user's own exception message, not Dagster's wrapper around it."""
    while error is not None and getattr(error, "cause", None) is not None:
        if error.cause.cls_name == "RemoteTraceback":  # raised in the worker process
            break
        error = error.cause
    if error is None:
        return "failed"
    return error.message.strip().split('\n"""\n')[0].strip()


def progress_logger(handler: ProgressHandler) -> dg.LoggerDefinition:
    @dg.logger(description="One line per asset")
    def _progress(_init_context: dg.InitLoggerContext) -> logging.Logger:
        log = logging.getLogger("halsosamtal.progress")
        log.setLevel(logging.DEBUG)
        log.propagate = False
        log.handlers = [handler]
        return log

    return _progress


def run_build(
    years: Sequence[str] | None = None, verbose: bool = False, force: bool = False
) -> int:
    """Materialize the reference data (unless it is current), then each grant year.
    Returns a process exit code."""
    from pipeline.definitions import build_definitions
    from pipeline.freshness import REFERENCE, fingerprint, record_build, reference_is_current
    from pipeline.freshness import source_state as state_now
    from pipeline.warehouse import warehouse

    instance = use_project_instance()
    handler = ProgressHandler()
    loggers = {"progress": progress_logger(handler)}
    if verbose:
        loggers["console"] = dg.colored_console_logger
    defs = build_definitions(loggers=loggers)
    run_config = {"loggers": {name: {} for name in loggers}}
    years = list(years or grant_years())
    start = time.perf_counter()
    reference = state_now(None)  # as read by this run
    if not force and reference_is_current(reference):
        print("Reference data: current (same files and code), skipped", flush=True)
        ok = True
    else:
        print("Reference data", flush=True)
        ok = (
            defs.resolve_job_def("reference_job")
            .execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)
            .success
        )
        if ok:
            with warehouse().connect() as con:
                record_build(con, REFERENCE, fingerprint(reference))
    for year in years:
        if not ok:
            break
        print(f"Grant year {year}", flush=True)
        ok = (
            defs.resolve_job_def("grant_year_job")
            .execute_in_process(
                run_config=run_config,
                instance=instance,
                partition_key=year,
                raise_on_error=False,
                tags={FORCE_TAG: "true"} if force else None,
            )
            .success
        )
    elapsed = time.perf_counter() - start
    if handler.failures or not ok:
        print(f"Build failed after {elapsed:.1f} s:", file=sys.stderr)
        for failure in handler.failures:
            print(f"  {failure}", file=sys.stderr)
        for report in handler.validation_reports[-1:]:
            print(f"Every rule and failing row: {report}", file=sys.stderr)
        return 1
    print(f"Built {', '.join(years)} in {elapsed:.1f} s.")
    return 0
