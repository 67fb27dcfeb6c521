"""The real Dagster webserver serves the asset graph with its descriptions."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipeline.config import ROOT

QUERY = """{ assetNodes { assetKey { path } description groupName isPartitioned } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def wait_for_assets(port: int, proc: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"webserver exited with {proc.returncode}")
        try:
            answer = graphql(port, QUERY)
            if answer.get("data", {}).get("assetNodes"):
                return answer
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError("webserver did not answer in time")


@pytest.mark.slow
def test_webserver_serves_the_asset_graph(tmp_path: Path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "HALSOSAMTAL_WAREHOUSE": str(tmp_path / "w.duckdb"),
    }
    webserver = Path(sys.executable).parent / "dagster-webserver"
    proc = subprocess.Popen(
        [str(webserver), "-h", "127.0.0.1", "-p", str(port), "-m", "pipeline.definitions"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # An inherited ignored SIGINT would make the server deaf to Ctrl-C and SIGTERM.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        answer = wait_for_assets(port, proc)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("webserver did not stop on SIGINT")
    nodes = {"/".join(n["assetKey"]["path"]): n for n in answer["data"]["assetNodes"]}
    assert {
        "reference/kommuner",
        "reference/regioner",
        "reference/bidragsar",
        "ledger/fordelningsnyckel",
        "ledger/rekvisitioner",
    } <= set(nodes)
    assert nodes["ledger/rekvisitioner"]["isPartitioned"] is True
    assert nodes["reference/kommuner"]["isPartitioned"] is False
    assert "290 municipalities" in nodes["reference/kommuner"]["description"]
    assert all(n["description"] for n in nodes.values())
