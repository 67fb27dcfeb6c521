"""Refresh: the sensor and the schedule, versions published only on change with the list
of what changed, a malformed late file rejected, a killed run rerun to the same outputs,
the 2025 configuration, and the real Dagster daemon picking up a late report."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pypdf
import pytest

import pipeline.refresh as refresh
from pipeline.config import ROOT, raw_dir
from pipeline.forms import load_form
from pipeline.raw.exports import read_export

MAIN_2024 = "returns/2024/aterrapport_2024_export_2025-02-03.xlsx"
MAIN = {2023: "returns/2023/aterrapport_2023_export_2024-02-05.csv", 2024: MAIN_2024}


# ---------------------------------------------------------------- sensor and schedule


def test_sensor_requests_one_run_per_new_or_changed_file(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir(), raw)
    monkeypatch.setenv("HALSOSAMTAL_RAW", str(raw))

    def tick(cursor):
        with dg.build_sensor_context(cursor=cursor) as context:
            result = refresh.returns_sensor(context)
        return result.run_requests, result.cursor

    requests, cursor = tick(None)
    assert requests == []  # switched on: the folders as they are are the baseline
    late = raw / "returns" / "2024" / "sen.csv"
    shutil.copy(raw / "returns" / "2024" / "sena_aterrapporter_2025-02-12.csv", late)
    requests, cursor = tick(cursor)
    # The year of the file, and the year after it, whose report compares with it.
    assert [(r.partition_key, r.tags["halsosamtal/files"]) for r in requests] == [
        ("2024", "sen.csv"),
        ("2025", "2024/sen.csv"),
    ]
    requests, cursor = tick(cursor)
    assert requests == []  # the same file again: nothing
    late.write_bytes(late.read_bytes().replace(b"Vilhelmina", b"Vilhelmina ", 1))
    requests, cursor = tick(cursor)
    assert [r.partition_key for r in requests] == ["2024", "2025"]  # same name, new content
    assert len({r.run_key for r in requests}) == 2
    assert refresh.returns_sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_daily_schedule_refreshes_every_year_not_published(monkeypatch, tmp_path):
    monkeypatch.setenv("HALSOSAMTAL_BUILD", str(tmp_path))  # nothing published yet
    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2025, 2, 3, 6, 0))
    requests = refresh.daily_refresh(context)
    assert [r.partition_key for r in requests] == ["2023", "2024", "2025"]
    assert refresh.daily_refresh.cron_schedule == "0 6 * * *"
    assert refresh.daily_refresh.execution_timezone == "Europe/Stockholm"


# ---------------------------------------------------------------- refreshes end to end


class Env:
    """A private copy of raw/, a build folder and a Dagster home: the pipeline as an
    analyst runs it, in a subprocess."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.raw, self.build, self.home = root / "raw", root / "build", root / "home"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "HALSOSAMTAL_RAW": str(self.raw),
            "HALSOSAMTAL_BUILD": str(self.build),
            "DAGSTER_HOME": str(self.home),
            "HALSOSAMTAL_SENSOR_SECONDS": "2",
        }

    def build_cmd(self, years: tuple[str, ...] = ("2024",), *options: str) -> list[str]:
        """Refreshes rebuild 2024; the warehouse keeps 2023 from the first build."""
        return [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            *[a for y in years for a in ("--year", y)],
            *options,
        ]

    def run_build(
        self, years: tuple[str, ...] = ("2024",), *options: str
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.build_cmd(years, *options),
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def versions(self) -> list[str]:
        return sorted(p.name for p in (self.build / "2024" / "versions").glob("v*"))

    def changes(self, version: str) -> dict:
        path = self.build / "2024" / "versions" / version / "andringar.json"
        return json.loads(path.read_text(encoding="utf-8"))


def correction(
    env: Env, name: str, persons_delta: int, submitted: str, sid: str, year: int = 2024
) -> tuple[str, tuple[str, str], str]:
    """A correction from the first municipality in the year's main export that left a
    target group unticked: its row, with more persons reached and that target group ticked.
    Returns the municipality's name, its county code and the option ticked."""
    form = load_form(year)
    export = read_export(raw_dir() / MAIN[year], form)
    persons = export.header.index(form.question("antal_personer").column)
    question = form.question("malgrupper")
    columns = {o.code: export.header.index(question.option_column(o)) for o in question.options}
    row, option = next(
        (list(cells), code)
        for _, cells in export.rows
        if cells[2] != "Uppsala kommun"  # its first report is superseded
        for code, c in columns.items()
        if cells[c] == "0"
    )
    row[0], row[1] = sid, submitted
    row[persons] = str(int(row[persons]) + persons_delta)
    row[columns[option]] = "1"
    path = env.raw / "returns" / str(year) / name
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(export.header)
        w.writerow(["" if v is None else v for v in row])
    kommuner = {
        r["kommun_namn"]: (r["kommunkod"], r["lan_kod"])
        for r in csv.DictReader((raw_dir() / "reference" / "kommuner.csv").open(encoding="utf-8"))
    }
    return row[2], kommuner[row[2]], option


def figures(env: Env, version: str) -> dict[str, float]:
    path = env.build / "2024" / "versions" / version / "figures.csv"
    with path.open(encoding="utf-8") as f:
        return {r["figure_id"]: float(r["value"]) for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> Env:
    """2023 and 2024 built once from a copy of raw/ (version v1 of each)."""
    e = Env(tmp_path_factory.mktemp("refresh"))
    shutil.copytree(raw_dir(), e.raw)
    e.home.mkdir()
    (e.home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    result = e.run_build(("2023", "2024"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert e.versions() == ["v1"]
    return e


@pytest.fixture
def env(first_build: Env, tmp_path: Path) -> Env:
    """Each test's own copy of the first build (inputs, outputs, warehouse, Dagster home):
    no test sees what another changed, in whatever order they run."""
    own = Env(tmp_path / "env")
    shutil.copytree(first_build.root, own.root, symlinks=True)
    return own


@pytest.mark.slow
def test_a_refresh_that_changes_nothing_publishes_nothing(env):
    before = (env.build / "2024" / "rapport.html").read_bytes()
    result = env.run_build()
    assert result.returncode == 0
    # Skipped before any work starts: no asset ran.
    assert "Grant year 2024: current (v1, same inputs and code), skipped" in result.stdout
    assert "report/publication" not in result.stdout
    forced = env.run_build(("2024",), "--force")  # every asset runs, and finds no change
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "leaked" not in forced.stderr  # the worker, ended without teardown, left nothing
    assert "report/publication" in forced.stdout
    assert env.versions() == ["v1"]
    assert (env.build / "2024" / "rapport.html").read_bytes() == before


@pytest.mark.slow
def test_a_correction_changes_exactly_its_figures(env):
    old = figures(env, "v1")
    kommun, (kod, lan), ticked = correction(
        env, "rattelse.csv", 500, "2025-02-27 09:30:00", "8800001"
    )
    result = env.run_build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert env.versions() == ["v1", "v2"]
    new = figures(env, "v2")
    changes = env.changes("v2")
    assert changes["previous"] == "v1"
    assert [(r["kommun"], r["change"][:8]) for r in changes["reports"]] == [(kommun, "ersätter")]
    # Direct counts: one more municipality with the 65–79 target group, 500 more persons.
    assert new[f"tabell3.{ticked}.antal"] == old[f"tabell3.{ticked}.antal"] + 1
    assert new["text.personer"] == old["text.personer"] + 500
    assert new[f"rackvidd.{lan}.personer"] == old[f"rackvidd.{lan}.personer"] + 500
    assert new["rapportdata.inkomna_rapporter"] == old["rapportdata.inkomna_rapporter"] + 1
    changed = {f["figure_id"] for f in changes["figures"]}
    assert changed == {f for f in new if new[f] != old.get(f)}
    # A judgement in the text changes only with the figure it rests on.
    judged = {f for f in changed if f.startswith("bedomningar.")}
    assert all(new[f] in {new[g] for g in changed - judged} for f in judged), judged
    # Exactly what the correction touches: its target group, its persons (in the text
    # and the reach table of its region), and the counts of reports and files.
    assert changed - judged <= {
        f"tabell3.{ticked}.antal",
        f"tabell3.{ticked}.andel",
        "text.personer",
        "text.personer_avrundat",
        f"rackvidd.{lan}.personer",
        f"rackvidd.{lan}.per_1000",
        "rackvidd.riket.personer",
        "rackvidd.riket.per_1000",
        "rapportdata.inkomna_rapporter",
        "rapportdata.ersatta_rapporter",
        "rapportdata.sena_rapporter",
        "rapportdata.data_per",
        "rapportdata.inlasta_filer",
        f"rackvidd_kommun.{kod}.personer",
        f"rackvidd_kommun.{kod}.per_1000",
    }
    assert {f"tabell3.{ticked}.antal", "text.personer", "rapportdata.inlasta_filer"} <= changed
    report = (env.build / "2024" / "rapport.html").read_text(encoding="utf-8")
    # the public report lists the changed figures by table, row and column
    listing = report[report.index("Siffror som ändrats sedan version 1") :]
    listing = listing[: listing.index("</table>")]
    assert ">Tabell 3<" in listing and f"tabell3.{ticked}" not in listing
    manifest = json.loads((env.build / "2024" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "v2" and len(manifest["code_version"]) == 12
    assert {i["path"].split("/")[-1] for i in manifest["inputs"]} >= {"rattelse.csv"}
    assert all(len(o["sha256"]) == 64 for o in manifest["outputs"])
    assert "duckdb" in manifest["packages"]


@pytest.mark.slow
def test_a_malformed_late_file_is_rejected_and_nothing_is_published(env):
    bad = env.raw / "returns" / "2024" / "trasig.csv"
    shutil.copy(Path(__file__).parent / "corpus" / "files" / "truncated.csv", bad)
    published = (env.build / "2024" / "rapport.html").read_bytes()
    versions = env.versions()
    result = env.run_build()
    assert result.returncode == 1
    assert "trasig.csv: the file was rejected: the last row has" in result.stdout + result.stderr
    assert env.versions() == versions
    assert (env.build / "2024" / "rapport.html").read_bytes() == published
    bad.unlink()


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "runs" not in p.relative_to(folder).parts  # a run's own outputs
    }


@pytest.mark.slow
def test_a_killed_run_rerun_gives_the_outputs_of_a_clean_run(env, tmp_path):
    other = Env(tmp_path / "copy")
    shutil.copytree(env.root, other.root, symlinks=True)
    for e in (env, other):
        correction(e, "rattelse_2.csv", 100, "2025-03-01 10:00:00", "8800002")
    clean = env.run_build()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    before = other.versions()
    proc = subprocess.Popen(
        other.build_cmd(),
        env=other.env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    versions = other.build / "2024" / "versions"
    deadline = time.monotonic() + 300
    while not list(versions.glob(".staging-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # killed in the middle of building the new version
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert other.versions() == before  # nothing half-written was published
    assert other.run_build().returncode == 0
    assert other.versions() == env.versions() == [*before, f"v{len(before) + 1}"]
    a, b = tree(env.build / "2024"), tree(other.build / "2024")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    pdfs = [
        [p.extract_text() for p in pypdf.PdfReader(e.build / "2024" / "rapport.pdf").pages]
        for e in (env, other)
    ]
    assert pdfs[0] == pdfs[1]


def test_the_2025_configuration_builds_with_2024_beside_it(warehouse, build_root):
    html = (build_root / "2025" / "rapport.html").read_text(encoding="utf-8")
    assert 'id="tab-tabell4"' in html and "Antal 2024" in html and "Antal 2025" in html
    with (build_root / "2025" / "tables" / "tabell5.csv").open(encoding="utf-8") as f:
        rows = {r["row_id"]: r for r in csv.DictReader(f)}
    # The split collaboration question maps to 2024's through `same_as`.
    assert rows["nej"]["row_label"] == "Nej, samtalen genomförs utan samverkan"


# ---------------------------------------------------------------- the real daemon

REPOSITORY = {"repositoryName": "__repository__", "repositoryLocationName": "pipeline.definitions"}
RUNS = """{ runsOrError { ... on Runs { results { runId status
    tags { key value } } } } }"""


BACKFILL_RUNS = """query($f: RunsFilter) { runsOrError(filter: $f) { ... on Runs {
    results { runId status stepStats { stepKey status } } } } }"""
FAILED = """{ assetNodes { assetKey { path } partitionStats { numFailed } } }"""


def runs(dagster) -> list[dict]:
    return dagster.graphql(RUNS)["data"]["runsOrError"]["results"]


def versions_of(env: Env, year: str) -> list[str]:
    return sorted(p.name for p in (env.build / year / "versions").glob("v*"))


@pytest.mark.slow
def test_the_daemon_publishes_two_years_and_the_years_after_retries_and_backfills(env, tmp_path):
    """Under the webserver and the daemon with the project's dagster.yaml: late reports
    for 2023 and 2024 dropped in one sensor interval while another writer holds the
    warehouse; the first run fails on it and is retried; 2023, 2024 and the years after
    each (2024, 2025) publish new versions with the right change lists, one run at a time.
    Then a backfill of every year completes while a CLI build runs beside it."""
    from pipeline.devserver import Dagster, instance_yaml, wait_until
    from pipeline.lock import WriterLock

    other = Env(tmp_path / "daemon")
    shutil.copytree(env.root, other.root, symlinks=True)
    assert other.run_build(("2025",)).returncode == 0
    before = {y: versions_of(other, y) for y in ("2023", "2024", "2025")}
    home = other.root / "dagster_home"
    instance_yaml(home)
    settings = {
        **other.env(),
        "DAGSTER_HOME": str(home),
        "HALSOSAMTAL_SENSOR_SECONDS": "2",
        # Long enough for a run to wait out the CLI build below (a forced build of a year,
        # 20–40 s on a loaded two-core machine), short enough for the first run to give up
        # on the writer the test plays and be retried.
        "HALSOSAMTAL_WAREHOUSE_WAIT": "75",
    }
    with Dagster(settings, other.root / "dagster.log").start() as dagster:
        dagster.wait_for_webserver()
        tick = """query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {
            ... on Sensor { sensorState { ticks(limit: 1) { status } } } } }"""
        selector = {**REPOSITORY, "sensorName": "returns_sensor"}
        wait_until(
            lambda: dagster.graphql(tick, {"s": selector})["data"]["sensorOrError"]["sensorState"][
                "ticks"
            ],
            120,
            "the sensor's first tick",
        )
        lock = WriterLock(other.build / "warehouse.duckdb").acquire("the test, another writer")
        try:
            correction(other, "sen_2023.csv", 5, "2024-02-20 09:00:00", "8802023", year=2023)
            correction(other, "sen_2024.csv", 9, "2025-03-05 08:00:00", "8802024", year=2024)
            wait_until(
                lambda: any(r["status"] == "FAILURE" for r in runs(dagster)),
                180,
                "a run to fail on the busy warehouse",
            )
        finally:
            lock.release()

        def published() -> bool:
            return all(versions_of(other, y) != before[y] for y in before) and all(
                r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs(dagster)
            )

        wait_until(published, 420, "new versions of 2023, 2024 and 2025", poll=2)
        for year, name in (("2023", "sen_2023.csv"), ("2024", "sen_2024.csv")):
            new = versions_of(other, year)[-1]
            path = other.build / year / "versions" / new / "andringar.json"
            changes = json.loads(path.read_text(encoding="utf-8"))
            assert any(r["source_file"].endswith(name) for r in changes["reports"]), year
            assert changes["figures"], year
        # 2025 compares with 2024: its new version was made from 2024 with the late report.
        new_2025 = versions_of(other, "2025")[-1]
        manifest = json.loads(
            (other.build / "2025" / "versions" / new_2025 / "manifest.json").read_text("utf-8")
        )
        assert manifest["previous_version"] == before["2025"][-1]
        assert any(i["path"].endswith("2024/sen_2024.csv") for i in manifest["inputs"])
        tags = [{t["key"]: t["value"] for t in r["tags"]} for r in runs(dagster)]
        assert any("dagster/parent_run_id" in t for t in tags), "the failed run was retried"
        assert "Could not set lock" not in (other.root / "dagster.log").read_text()

        # A backfill of every year, and a CLI build of 2024 started beside it.
        launch = """mutation($p: LaunchBackfillParams!) {
            launchPartitionBackfill(backfillParams: $p)
            { __typename ... on LaunchBackfillSuccess { backfillId }
              ... on PythonError { message } } }"""
        params = {
            "selector": {
                "repositorySelector": REPOSITORY,
                "partitionSetName": "grant_year_job_partition_set",
            },
            "allPartitions": True,
        }
        answer = dagster.graphql(launch, {"p": params})["data"]["launchPartitionBackfill"]
        assert answer["__typename"] == "LaunchBackfillSuccess", answer
        cli = other.run_build(("2024",), "--force")
        assert cli.returncode == 0, cli.stdout + cli.stderr
        status = """query($id: String!) { partitionBackfillOrError(backfillId: $id) {
            ... on PartitionBackfill { status } } }"""

        def backfill_done() -> str | None:
            state = dagster.graphql(status, {"id": answer["backfillId"]})["data"][
                "partitionBackfillOrError"
            ]["status"]
            return state if state.startswith("COMPLETED") or state == "FAILED" else None

        assert wait_until(backfill_done, 300, "the backfill", poll=2) in (
            "COMPLETED",
            "COMPLETED_SUCCESS",
        )
        for year in before:
            assert_one_complete_version(other.build / year)
        # Every year was current when its backfill run started: the run skipped all steps
        # after its first ones (as a run launched from the UI does), and published nothing.
        backfill_runs = dagster.graphql(
            BACKFILL_RUNS,
            {"f": {"tags": [{"key": "dagster/backfill", "value": answer["backfillId"]}]}},
        )["data"]["runsOrError"]["results"]
        assert len(backfill_runs) == 3
        for run in backfill_runs:
            steps = {s["stepKey"]: s["status"] for s in run["stepStats"]}
            assert steps["report__publication"] == "SKIPPED", steps
        # No asset is marked failed: the failed run's marks were cleared by its retry.
        nodes = dagster.graphql(FAILED)["data"]["assetNodes"]
        assert [
            n["assetKey"]["path"]
            for n in nodes
            if n["partitionStats"] and n["partitionStats"]["numFailed"]
        ] == []


def assert_one_complete_version(year_folder: Path) -> str:
    """build/<year>/ shows exactly one complete version: `current` names a version whose
    manifest lists every file it holds with its SHA-256, and every published name in
    build/<year>/ reads that version."""
    current = year_folder / "current"
    version = os.readlink(current)
    manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    assert Path(version).name == manifest["version"]
    for output in manifest["outputs"]:
        data = (current / output["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == output["sha256"], output["path"]
    for name in ("rapport.html", "rapport.pdf", "manifest.json", "figures.csv", "tables"):
        assert (year_folder / name).resolve() == (current / name).resolve()
    assert not list(year_folder.glob("*.tmp"))
    return manifest["version"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "action"),
    [
        ("ingest", "kill"),
        ("tables", "kill"),
        ("render", "kill"),
        ("switch", "kill"),
        ("render", "full"),
    ],
)
def test_a_killed_or_failing_build_leaves_one_complete_version(env, tmp_path, point, action):
    """Killed at ingest, tables, render or the switch, or failing on a full disk while the
    version is written: build/2024/ is the published version as it was, whole; a full disk
    is reported as such; the next run publishes."""
    other = Env(tmp_path / "copy")
    shutil.copytree(env.root, other.root, symlinks=True)
    before = assert_one_complete_version(other.build / "2024")
    correction(other, "rattelse_kill.csv", 7, "2025-03-03 10:00:00", "8800007")
    result = subprocess.run(
        [sys.executable, "-m", "tests.kill_hook", point, action, *other.build_cmd()[3:]],
        env=other.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if action == "kill":
        assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
    else:
        assert result.returncode == 1
        assert "No space left on device" in result.stdout + result.stderr
        assert "no transaction is active" not in result.stdout + result.stderr
        # A failure (unlike a kill) cleans up after itself: no half-written version left.
        assert not list((other.build / "2024" / "versions").glob(".staging-*"))
    assert assert_one_complete_version(other.build / "2024") == before
    if point != "switch":
        # The run after a fault: test_a_killed_run_rerun_gives_the_outputs_of_a_clean_run.
        # After the switch, the next run must find the version written and switch to it.
        return
    rerun = other.run_build()
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    after = assert_one_complete_version(other.build / "2024")
    assert after == f"v{int(before[1:]) + 1}"
    assert not list((other.build / "2024" / "versions").glob(".staging-*"))


@pytest.mark.slow
def test_a_report_that_lands_during_a_run_is_published_by_the_next(env, tmp_path):
    """The manifest records the exports as the run read them: a file that lands after the
    ingest is not recorded as published, the year is not current, the next run takes it."""
    other = Env(tmp_path / "copy")
    shutil.copytree(env.root, other.root, symlinks=True)
    late = tmp_path / "under_vagen.csv"
    correction(other, late.name, 11, "2025-03-06 09:00:00", "8800011")
    shutil.move(other.raw / "returns" / "2024" / late.name, late)
    first = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.kill_hook",
            "ingested",
            f"arrive={late}",
            *other.build_cmd(("2024",), "--force")[3:],
        ],
        env=other.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert (other.raw / "returns" / "2024" / late.name).exists(), first.stdout + first.stderr
    version = assert_one_complete_version(other.build / "2024")
    manifest = json.loads((other.build / "2024" / "manifest.json").read_text(encoding="utf-8"))
    assert not any(i["path"].endswith(late.name) for i in manifest["inputs"])
    changes = other.changes(version)
    assert not any(r["source_file"].endswith(late.name) for r in changes["reports"])
    second = other.run_build()  # not "current": the landed file is new to it
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Grant year 2024: current" not in second.stdout
    newer = assert_one_complete_version(other.build / "2024")
    assert newer == f"v{int(version[1:]) + 1}"
    assert any(r["source_file"].endswith(late.name) for r in other.changes(newer)["reports"])


@pytest.mark.slow
def test_another_years_files_do_not_republish_a_year(env, tmp_path):
    """A new grant year's ledger does not touch 2024's inputs: 2024 stays current. A shared
    reference file that changes in bytes but not in what 2024 shows (here: its line
    endings) makes 2024 rebuild, find its outputs the same, and publish nothing new."""
    other = Env(tmp_path / "other")
    shutil.copytree(env.root, other.root, symlinks=True)
    before = other.versions()
    shutil.copytree(other.raw / "ledger" / "2025", other.raw / "ledger" / "2026")
    result = other.run_build()
    assert "Grant year 2024: current" in result.stdout, result.stdout + result.stderr
    regioner = other.raw / "reference" / "regioner.csv"
    regioner.write_bytes(regioner.read_bytes().replace(b"\n", b"\r\n"))
    result = other.run_build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "report/publication" in result.stdout  # it did rebuild …
    assert other.versions() == before  # … and found nothing new to publish
    again = other.run_build()
    assert "Grant year 2024: current" in again.stdout, again.stdout + again.stderr
