"""A side process for the heavy libraries: Great Expectations, plotnine, pandoc and Typst.

Importing Great Expectations costs about four seconds on a two-core machine, plotnine with
pandas more than one: more than everything else a refresh of one year does. A build starts
this worker first thing. Great Expectations then imports on the second core while Dagster
starts and the exports are read, and the validation steps send their frames to the warm
worker; after its first task the worker imports the chart libraries while the tables are
derived, and at publication it draws the charts and renders the report while this
process writes the other outputs. Without a started worker (tests calling an asset, a
one-core machine), or when the worker died, the same functions run in the calling process,
with the same results.

Tasks are named "module:function" so that this process imports neither library.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NoReturn

_pool: ProcessPoolExecutor | None = None
_then_import: tuple[str, ...] = ()

log = logging.getLogger(__name__)


def resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def run(target: str, *args: Any) -> Any:
    return resolve(target)(*args)


def _import(modules: Sequence[str]) -> None:
    for module in modules:
        importlib.import_module(module)


def _exit_with_parent(parent: int) -> None:
    """A worker whose build died (killed, not stopped) ends too instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _warm(parent: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    resolve("pipeline.validation.run:gx_context")()  # the import and the ephemeral context


# Imported by the worker after its first task (a validation): the charts and the render
# libraries, needed at publication.
THEN_IMPORT = ("pipeline.report.charts", "pipeline.report.render", "typst")


def running() -> bool:
    return _pool is not None


def start(then_import: Sequence[str] = THEN_IMPORT) -> bool:
    """Start the worker and its Great Expectations import now (only where a second core can
    do it); `then_import` are imported after the first task. True when this call started
    it (the caller then stops it)."""
    global _pool, _then_import
    if _pool is None and (os.cpu_count() or 1) > 1:
        _pool = ProcessPoolExecutor(
            1, mp_context=mp.get_context("spawn"), initializer=_warm, initargs=(os.getpid(),)
        )
        _pool.submit(int)  # a pool starts its process at the first task
        _then_import = tuple(then_import)
        return True
    return False


def stop() -> None:
    """Stop the worker without its interpreter's teardown (about a second with these
    libraries loaded): it exits at once, after its exit handlers."""
    global _pool
    if _pool is not None:
        with contextlib.suppress(BrokenProcessPool):  # what a pool says when it lost one
            _pool.submit(exit_now, 0).result()
        _pool.shutdown(wait=True)  # quick now: the process is gone
        _pool = None


def exit_now(code: int) -> NoReturn:
    """Exit after the exit handlers but without the interpreter's teardown. Everything is
    written and closed by now, and tearing down the libraries a build imports (Great
    Expectations, pandas, Dagster) costs more than a second. The handlers still run:
    temporary folders are removed and multiprocessing's semaphores released."""
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _broken() -> None:
    global _pool
    if _pool is not None:
        log.warning("the worker process died; its tasks run in this process")
        _pool = None


def later(target: str, *args: Any) -> Callable[[], Any]:
    """Start target(*args) in the worker; returns a function that waits for the result.
    Without a worker it runs here when the result is asked for."""
    global _then_import
    future: Future | None = None
    if _pool is not None:
        try:
            future = _pool.submit(run, target, *args)
            if _then_import:
                _pool.submit(_import, _then_import)
                _then_import = ()
        except BrokenProcessPool:
            _broken()

    def result() -> Any:
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                _broken()
        return run(target, *args)

    return result


def call(target: str, *args: Any) -> Any:
    """target(*args), in the worker when there is one."""
    return later(target, *args)()
