"""Great Expectations in a process of its own, imported while the build does other work.

Importing Great Expectations costs about four seconds on a two-core machine, more than
everything else a refresh of one year does before validation. A build that will validate
starts this worker first thing: the import then runs on the second core while Dagster
starts and the exports are read, and the validation steps send their frames to the warm
worker. Without a started worker (tests, runs launched by the Dagster daemon) the rules
run in the calling process, with the same code and the same results.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor

import polars as pl

from pipeline.validation import run
from pipeline.validation.rules import Rule

_pool: ProcessPoolExecutor | None = None


def _warm() -> None:
    run.gx_context()  # the import and the ephemeral context, before any work arrives


def start() -> None:
    """Start the worker and its import now (only where a second core can do it)."""
    global _pool
    if _pool is None and (os.cpu_count() or 1) > 1:
        _pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"), initializer=_warm)
        _pool.submit(int)  # a pool starts its process at the first task


def stop() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None


def run_rules(frame: pl.DataFrame, rules: tuple[Rule, ...], year: int, stage: str) -> run.Outcome:
    """run.run_rules, in the warm worker when there is one."""
    if _pool is None:
        return run.run_rules(frame, rules, year, stage)
    return _pool.submit(run.run_rules, frame, rules, year, stage).result()
