"""Start the Dagster daemon (and the webserver) on a private instance, as `make dev` does:
for the end-to-end tests and the benchmark of the daemon path."""

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
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import ROOT

BIN = Path(sys.executable).parent


def instance_yaml(home: Path, profile: str = "dagster.yaml") -> Path:
    """A profile of the project's (dagster.yaml: run queue, retries, …; or
    dagster.postgres.yaml) as `home`'s dagster.yaml (its files then stay in `home`)."""
    text = (ROOT / profile).read_text(encoding="utf-8")
    home.mkdir(parents=True, exist_ok=True)
    path = home / "dagster.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _default_sigint() -> None:
    # A process started from a script inherits an ignored SIGINT: let it stop on SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Dagster:
    env: dict[str, str]
    log: Path
    port: int | None = None
    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(self, webserver: bool = True) -> Dagster:
        out = self.log.open("a")
        commands = [[str(BIN / "dagster-daemon"), "run", "-m", "pipeline.definitions"]]
        if webserver:
            self.port = self.port or free_port()
            commands.append(
                [
                    str(BIN / "dagster-webserver"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-m",
                    "pipeline.definitions",
                ]
            )
        for cmd in commands:
            self.procs.append(
                subprocess.Popen(
                    cmd,
                    cwd=ROOT,
                    env=self.env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_default_sigint,
                )
            )
        return self

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:  # GraphQL says what was wrong in the body
            raise RuntimeError(f"GraphQL {e.code}: {e.read().decode()[:2000]}") from e

    def wait_for_webserver(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.procs):
                raise RuntimeError(f"Dagster exited:\n{self.log.read_text()[-3000:]}")
            try:
                if self.graphql("{ version }").get("data"):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise TimeoutError("the webserver did not answer in time")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []

    def __enter__(self) -> Dagster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_until(predicate, timeout: float, what: str, poll: float = 0.5):
    """Poll until predicate() is truthy; returns its value, or raises naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def env_with(**settings: str) -> dict[str, str]:
    return {**os.environ, **settings}
