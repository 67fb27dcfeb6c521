"""A year is current only when its inputs, the code and the warehouse all agree with its
latest publication: the build and the schedule skip it then, and never otherwise."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipeline import freshness
from pipeline.config import ROOT, raw_dir


@pytest.fixture
def private(warehouse, build_root, tmp_path, monkeypatch):
    """The session's build seen through a private copy of raw/ and of the warehouse."""
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir(), raw)
    monkeypatch.setenv("HALSOSAMTAL_RAW", str(raw))  # paths are recorded relative to raw/
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(build_root / "warehouse.duckdb", copy)
    monkeypatch.setenv("HALSOSAMTAL_WAREHOUSE", str(copy))
    return raw, copy


def test_a_freshly_built_year_is_current(private):
    manifest = freshness.latest_manifest(2024)
    assert manifest is not None
    assert freshness.current_version(2024) == manifest["version"]
    assert freshness.recorded_build("2024") == (
        manifest["version"],
        freshness.fingerprint(manifest),
    )


def test_the_daily_schedule_skips_current_years_and_runs_every_stale_one(private):
    import datetime as dt

    import dagster as dg

    from pipeline import refresh

    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2025, 3, 3, 6, 0))
    skipped = refresh.daily_refresh(context)
    assert isinstance(skipped, dg.SkipReason) and "every grant year is current" in (
        skipped.skip_message
    )
    (private[0] / "returns" / "2024" / "sen.csv").write_text("kommun\n", encoding="utf-8")
    requests = refresh.daily_refresh(context)
    # 2024's inputs changed, and 2025's report compares with 2024: both, in order.
    assert [r.partition_key for r in requests] == ["2024", "2025"]
    assert refresh.daily_refresh.default_status == dg.DefaultScheduleStatus.RUNNING


def test_a_changed_input_file_makes_its_year_and_the_next_stale(private):
    raw, _ = private
    late = raw / "returns" / "2024" / "sen.csv"
    late.write_text("kommun;rekvirerat\n", encoding="utf-8")
    assert freshness.current_version(2024) is None
    assert freshness.current_version(2025) is None  # 2025's report compares with 2024
    assert freshness.current_version(2023) is not None


def test_same_bytes_under_the_same_name_changes_nothing(private):
    raw, _ = private
    path = next((raw / "returns" / "2024").glob("*.csv"))
    path.write_bytes(path.read_bytes())  # touched, not changed
    assert freshness.current_version(2024) is not None


def test_changed_code_makes_every_year_stale(private, monkeypatch):
    monkeypatch.setattr(freshness, "code_version", lambda: "0" * 12)
    assert [freshness.current_version(y) for y in (2023, 2024, 2025)] == [None, None, None]


def test_a_warehouse_without_the_publication_is_not_current(private):
    _, copy = private
    con = duckdb.connect(str(copy))
    con.execute("DELETE FROM meta.builds WHERE scope = '2024'").fetchall()
    con.close()
    assert freshness.current_version(2024) is None
    assert freshness.current_version(2023) is not None
    copy.unlink()
    assert freshness.current_version(2023) is None


def test_a_warehouse_locked_by_a_writer_counts_as_not_current(private):
    import multiprocessing as mp

    raw, copy = private
    args = (str(copy), str(raw))
    with mp.get_context("spawn").Pool(1) as pool:  # another process, as the daemon's run
        writer = duckdb.connect(str(copy))
        try:
            assert pool.apply(_current_in_other_process, args) is None
        finally:
            writer.close()
        expected = freshness.current_version(2024)
        assert expected is not None
        assert pool.apply(_current_in_other_process, args) == expected


def _current_in_other_process(warehouse: str, raw: str) -> str | None:
    import os

    os.environ["HALSOSAMTAL_WAREHOUSE"] = warehouse
    os.environ["HALSOSAMTAL_RAW"] = raw
    return freshness.current_version(2024)


def test_dagster_sees_the_inputs_and_the_sql_as_versions(tmp_path):
    """The gate's materialization carries the inputs' fingerprint as its data version, and
    every SQL-defined asset's code version is its SQL's: Dagster's UI then marks what was
    built from other inputs or other SQL as stale."""
    import dagster as dg

    from pipeline import worker
    from pipeline.assets.inputs import inputs
    from pipeline.definitions import defs
    from pipeline.partitions import FORCE_TAG
    from pipeline.sqlfiles import sql_version

    try:
        result = dg.materialize([inputs], partition_key="2024", tags={FORCE_TAG: "true"})
    finally:
        worker.stop()  # the gate starts the worker for the run's work; no run stops it here
    (event,) = result.get_asset_materialization_events()
    tags = event.step_materialization_data.materialization.tags
    assert tags["dagster/data_version"] == freshness.fingerprint(freshness.source_state(2024))

    graph = defs.resolve_asset_graph()
    version = graph.get(dg.AssetKey(["staged", "answers"])).code_version
    sql = tmp_path / "answers.sql"
    sql.write_bytes((ROOT / "sql" / "staged" / "answers.sql").read_bytes())
    assert sql_version(sql) == version
    sql.write_text(sql.read_text(encoding="utf-8") + "\n-- changed\n", encoding="utf-8")
    assert sql_version(sql) != version
