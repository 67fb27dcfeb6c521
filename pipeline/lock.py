"""One writer of the DuckDB warehouse at a time, across processes.

DuckDB lets one process open a file for writing. Dagster's run queue (dagster.yaml) starts
one run at a time under the daemon; this lock makes every other writer take its turn too:
a `python -m pipeline build` started while the daemon runs, or a run of another instance.
It is an advisory lock (flock) on `<warehouse>.lock`, held for a whole run, with the
holder's description in the file; the operating system releases it when the holder ends,
killed or not, so a crashed run never leaves it taken.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path


class WarehouseBusy(TimeoutError):
    """Another writer held the warehouse for longer than we were willing to wait."""


class WriterLock:
    def __init__(self, warehouse: Path) -> None:
        self.path = warehouse.with_name(warehouse.name + ".lock")
        self.fd: int | None = None

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "another process"
        except OSError:
            return "another process"

    def acquire(
        self, who: str, wait_seconds: float = 3600, say: Callable[[str], object] = print
    ) -> WriterLock:
        """Take the lock, waiting (and saying for whom) while another writer holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    say(f"The warehouse is being written by {self.holder()}: waiting for it")
                    told = True
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise WarehouseBusy(
                        f"the warehouse {self.path.with_suffix('')} is still being written by "
                        f"{self.holder()} after {wait_seconds:.0f} s; try again when it is done"
                    ) from None
                time.sleep(0.25)
        os.ftruncate(fd, 0)
        os.write(fd, f"{who} (pid {os.getpid()})".encode())
        self.fd = fd
        if told:
            say("The warehouse is free: going on")
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
