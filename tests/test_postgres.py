"""The production profile (dagster.postgres.yaml): a grant year built with the Dagster
instance on a real PostgreSQL server, a throwaway cluster started by the test (Debian's
postgresql package, installed by .ci/run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.config import ROOT, raw_dir
from pipeline.devserver import free_port, instance_yaml

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
pytestmark = pytest.mark.skipif(
    not PG_BIN or shutil.which("runuser") is None,
    reason="Debian's postgresql is installed by .ci/run",
)


@pytest.fixture
def postgres(tmp_path):
    """A PostgreSQL cluster of the test's own on a free local port (as the postgres
    user: the server refuses to run as root)."""
    bin_dir = PG_BIN[-1]
    # Not under pytest's folder, which only root may enter: the server runs as postgres.
    data = Path(tempfile.mkdtemp(prefix="halsosamtal-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def pg(*cmd: str) -> None:
        subprocess.run(
            [*as_postgres, *cmd],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )

    pg(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "dagster")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    log = data / "server.log"  # the server's output: not our pipes, which it would hold open
    pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
    try:
        pg(
            str(bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "dagster",
            "dagster",
        )
        yield {"host": "127.0.0.1", "port": port, "bin": bin_dir}
    finally:
        pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


@pytest.mark.slow
def test_a_grant_year_builds_with_the_instance_on_postgresql(postgres, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir(), raw)
    home = tmp_path / "dagster_home"
    instance_yaml(home, "dagster.postgres.yaml")
    env = {
        **os.environ,
        "HALSOSAMTAL_RAW": str(raw),
        "HALSOSAMTAL_BUILD": str(tmp_path / "build"),
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_USERNAME": "dagster",
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_HOST": postgres["host"],
        "DAGSTER_PG_PORT": str(postgres["port"]),
        "DAGSTER_PG_DB": "dagster",
    }
    build = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--year", "2023"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert (tmp_path / "build" / "2023" / "current" / "rapport.pdf").exists()
    # The runs are in PostgreSQL, not in SQLite files under DAGSTER_HOME.
    count = subprocess.run(
        [
            str(postgres["bin"] / "psql"),
            "-h",
            postgres["host"],
            "-p",
            str(postgres["port"]),
            "-U",
            "dagster",
            "-d",
            "dagster",
            "-tAc",
            "SELECT count(*) FROM runs WHERE status = 'SUCCESS'",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert int(count.stdout.strip()) == 2  # the reference data, then 2023
    assert not list(home.rglob("*.db"))
