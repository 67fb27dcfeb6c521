"""Run ``python -m pipeline build`` with a fault at a named point, for the tests of what a
killed or failing build leaves behind: ``python -m tests.kill_hook <point> <action> build …``.

Points: ingest (after the first export file), tables (the year's tables derived),
render (when the report is sent to be rendered), switch (the new version written, before
it is switched in). Actions: kill (SIGKILL, as a power cut or the OOM killer would), full
(the disk is full: OSError ENOSPC) or arrive=<file> (the file lands in the year's returns
folder at that moment, as a late report can while a run is under way).
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def fault(action: str) -> None:
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if action.startswith("arrive="):
        from pipeline.config import raw_dir

        source = Path(action.removeprefix("arrive="))
        shutil.copy(source, raw_dir() / "returns" / "2024" / source.name)
        return
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def after(module: Any, name: str, action: str, when: Callable[..., bool] = lambda *a: True):
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if when(*args):
            fault(action)
        return result

    setattr(module, name, wrapped)


def before(module: Any, name: str, action: str, when: Callable[..., bool] = lambda *a: True):
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if when(*args):
            fault(action)
        return original(*args, **kwargs)

    setattr(module, name, wrapped)


def arm(point: str, action: str) -> None:
    from pipeline.raw import ingest
    from pipeline.report import publish
    from pipeline.tables import derive

    if point == "ingest":
        after(ingest, "ingest_file", action)
    elif point == "ingested":
        after(ingest, "ingest_folder", action)
        from pipeline.assets import returns

        returns.ingest_folder = ingest.ingest_folder
    elif point == "tables":
        after(derive, "derive_year", action)
        from pipeline.assets import tables

        tables.derive_year = derive.derive_year
    elif point == "render":
        before(publish, "later", action, lambda target, *_: target.endswith(":render"))
    elif point == "switch":
        before(publish, "switch_to", action, lambda version_dir, out: "staging" not in str(out))
    else:
        raise SystemExit(f"unknown point {point!r}")


if __name__ == "__main__":
    point, action, *argv = sys.argv[1:]
    arm(point, action)
    from pipeline.cli import app

    app(argv, prog_name="python -m pipeline")
