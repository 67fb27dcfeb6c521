"""The DuckDB warehouse: one embedded file, written by one process at a time."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipeline import worker
from pipeline.config import duckdb_config, settings, warehouse_path
from pipeline.db import connect
from pipeline.lock import WriterLock


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file: dagster-duckdb's resource (its connection, retried while
    another process opens the file) with the pipeline's settings (`warehouse()` makes it
    from pipeline/config.py). A run holds the warehouse's writer lock from start to end
    (pipeline/lock.py): a second writer, a CLI build during a daemon run say, waits for it
    with a message naming the run."""

    _lock: WriterLock | None = PrivateAttr(default=None)
    _worker_before: bool = PrivateAttr(default=False)

    @property
    def file(self) -> Path:
        return Path(self.database)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.run
        # A build started the worker for all its runs; a run of the daemon starts its own
        # once it has work (raw/inputs) and teardown stops it at the run's end.
        self._worker_before = worker.running()
        if run is None:  # not in a run (a sensor, a test building the resource): no lock
            return
        partition = run.tags.get("dagster/partition")
        who = f"Dagster run {run.run_id[:8]} ({run.job_name}{f' {partition}' if partition else ''})"

        def log(message: str) -> None:  # in the run's log, and on the build's screen
            print(message, file=sys.stderr, flush=True)
            if context.log:
                context.log.info(message)

        self._lock = WriterLock(self.file).acquire(who, settings().warehouse_wait_seconds, say=log)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        try:
            if not self._worker_before and worker.running():
                worker.stop()
        finally:  # the writer lock is released whatever happened to the worker
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection, closed when the block ends (however it ends); a reader's is
        read-only, which several processes may hold at once."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        opened = (
            contextlib.nullcontext(connect(self.file, read_only=True))
            if read_only
            else self.get_connection()
        )
        with opened as con:
            try:
                yield con
            finally:
                con.close()

    def query(self, sql: str, params: list | None = None) -> pl.DataFrame:
        """Run one read-only query and return its result as a Polars frame."""
        with self.connect(read_only=True) as con:
            return con.sql(sql, params=params).pl()


def warehouse(path: Path | None = None) -> Warehouse:
    """The warehouse at `path`, by default where pipeline/config.py says."""
    return Warehouse(database=str(path or warehouse_path()), connection_config=duckdb_config())
