"""Shared fixtures: the raw data as committed with the example year beside it, and a
warehouse built from them once.

raw/ holds only the real years. The tests also need a next year (2025, entirely made up:
tests/fixtures/example_year/), so the session reads a copy of raw/ with the example year
added, set as HALSOSAMTAL_RAW before anything of the pipeline is imported (the grant
years, and so Dagster's partitions, are read from it at import)."""

from __future__ import annotations

import atexit
import csv
import os
import shutil
import tempfile
from pathlib import Path


def _raw_with_example_year() -> Path:
    root = Path(tempfile.mkdtemp(prefix="halsosamtal-raw-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    raw = root / "raw"
    shutil.copytree(Path(__file__).parents[1] / "raw", raw)
    os.environ["HALSOSAMTAL_RAW"] = str(raw)
    from pipeline.synthetic.example_year import add_to

    add_to(raw)
    return raw


if "HALSOSAMTAL_RAW" not in os.environ:
    _raw_with_example_year()

import dagster as dg
import pytest

from pipeline.config import settings
from pipeline.definitions import build_definitions
from pipeline.partitions import grant_years
from pipeline.warehouse import Warehouse
from pipeline.warehouse import warehouse as make_warehouse


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return settings().raw


def build_warehouse(path: Path) -> Warehouse:
    """Materialize every asset of every grant year into the DuckDB file at `path`."""
    warehouse = make_warehouse(path)
    defs = build_definitions(warehouse=warehouse)
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("reference_job").execute_in_process(instance=instance)
    assert result.success
    for year in grant_years():
        result = defs.resolve_job_def("grant_year_job").execute_in_process(
            instance=instance, partition_key=year
        )
        assert result.success, year
    return warehouse


@pytest.fixture(scope="session")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder of the test session's own: tests never write to build/."""
    root = tmp_path_factory.mktemp("build")
    os.environ["HALSOSAMTAL_BUILD"] = str(root)
    return root


@pytest.fixture(scope="session")
def warehouse(build_root: Path) -> Warehouse:
    return build_warehouse(build_root / "warehouse.duckdb")


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium for the browser tests (skipped where Debian's chromium and
    chromium-driver are not installed; .ci/run installs them)."""
    from pipeline.bench_trace import browser

    driver = browser()
    if driver is None:
        pytest.skip("Debian's chromium and chromium-driver are installed by .ci/run")
    yield driver
    driver.quit()
