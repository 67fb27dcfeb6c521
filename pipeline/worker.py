"""A side process for the heavy libraries: Great Expectations, plotnine, pandoc and Typst.

Importing Great Expectations costs about four seconds on a two-core machine, plotnine with
pandas more than one: more than everything else a refresh of one year does. Every run
with work starts this worker: `build` first thing (one worker for all its runs), a run of
the daemon or the UI at its first step with work (`raw/inputs`; the warehouse resource
stops it at the run's end). Great Expectations then imports on the second core while
Dagster starts and the exports are read, and the validation steps send their frames to
the warm worker; after its first task the worker imports the chart libraries while the
tables are derived, and at publication it draws the charts and renders the report while
the calling process writes the other outputs. Without a worker (tests calling an asset, a
one-core machine), or when the worker died, the same functions run in the calling process,
with the same results.

The worker is one `multiprocessing` process (spawned) and a pipe: it runs the tasks it is
sent in order and sends each result back; a thread here hands the results to the callers.
It ends when told to, or when the pipe closes (its build died). Stopping it waits until
its tasks are done, then terminates it: its interpreter's teardown (about a second with
these libraries loaded) is skipped, as nothing of it is needed by then.

Tasks are named "module:function" so that the calling process imports neither library.
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import logging
import multiprocessing as mp
import os
import pickle
import threading
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger(__name__)

# Imported by the worker after its first task (a validation): the charts and the render
# libraries, needed at publication.
THEN_IMPORT = ("pipeline.report.charts", "pipeline.report.render", "typst")


class RemoteTraceback(Exception):
    """The worker's traceback of an error, set as the cause of the error raised here."""


class WorkerGone(Exception):
    """The worker died (killed, out of memory) before it answered."""


def resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def run(target: str, *args: Any) -> Any:
    return resolve(target)(*args)


def import_modules(modules: Sequence[str]) -> None:
    for module in modules:
        importlib.import_module(module)


def warm() -> None:
    """The worker's first task: the Great Expectations import and its ephemeral context."""
    resolve("pipeline.validation.run:gx_context")()


def serve(conn: Connection) -> None:
    """The worker's loop: each task's outcome, (True, result) or (False, (error, its
    traceback)), sent back in order. Ends on None (answered with None: all is done) or
    when the pipe closes."""
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            conn.send(None)
            return
        try:
            reply: tuple = (True, run(*task))
        except BaseException as error:  # the caller's to raise
            reply = (False, (readable_here(error), traceback.format_exc()))
        try:
            conn.send(reply)
        except Exception as error:  # an outcome that does not pickle
            conn.send((False, (RuntimeError(f"{task[0]}: {error}"), traceback.format_exc())))


def readable_here(error: BaseException) -> BaseException:
    """The error as the caller can rebuild it: some errors pickle but do not unpickle
    (their constructor wants other arguments; Great Expectations has such), and those
    travel as a RuntimeError with the same words."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


@dataclass
class Worker:
    """The worker process, its end of the pipe here, and the futures it still owes, in
    the order of its tasks."""

    process: BaseProcess
    conn: Connection
    pending: collections.deque[Future] = field(default_factory=collections.deque)
    lock: threading.Lock = field(default_factory=threading.Lock)  # `pending` and `gone`
    # Sends one at a time, in the order of `pending`; never held by the reader, so a send
    # that waits for the worker to read never blocks the results the worker waits to send.
    sending: threading.Lock = field(default_factory=threading.Lock)
    then_import: tuple[str, ...] = ()
    gone: bool = False  # it answered its last: a task sent now would never be answered
    reader: threading.Thread | None = None

    def submit(self, target: str, *args: Any) -> Future:
        future: Future = Future()
        with self.sending:
            with self.lock:
                if self.gone:
                    future.set_exception(WorkerGone())
                    return future
                self.pending.append(future)
            try:
                self.conn.send((target, *args))
            except (OSError, ValueError):  # gone (or the task does not pickle: run it here)
                with self.lock:
                    if future in self.pending:
                        self.pending.remove(future)
                if not future.done():
                    future.set_exception(WorkerGone())
        return future

    def read(self) -> None:
        """Hand each outcome to its future; when the worker is gone, or an outcome cannot
        be read, fail what it owed (the callers then run their tasks here)."""
        while True:
            try:
                reply = self.conn.recv()
                if reply is None:  # stopped: it owes nothing
                    break
                ok, value = reply
                with self.lock:
                    future = self.pending.popleft()
            except Exception:
                log.warning("the worker's outcome could not be read: its tasks run here")
                break
            if ok:
                future.set_result(value)
            else:
                error, remote = value
                error.__cause__ = RemoteTraceback(remote)
                future.set_exception(error)
        with self.lock:
            self.gone = True
            while self.pending:
                self.pending.popleft().set_exception(WorkerGone())


_worker: Worker | None = None


def running() -> bool:
    return _worker is not None


def start(then_import: Sequence[str] = THEN_IMPORT) -> bool:
    """Start the worker and its Great Expectations import now (only where a second core can
    do it); `then_import` are imported after the first task. True when this call started
    it (the caller then stops it)."""
    global _worker
    if _worker is not None or (os.cpu_count() or 1) < 2:
        return False
    here, there = mp.get_context("spawn").Pipe()
    process = mp.get_context("spawn").Process(
        target=serve, args=(there,), name="halsosamtal-worker", daemon=True
    )
    process.start()
    there.close()  # the worker's end lives in the worker: its death closes the pipe
    _worker = Worker(process, here, then_import=tuple(then_import))
    _worker.reader = threading.Thread(
        target=_worker.read, name="halsosamtal-worker-results", daemon=True
    )
    _worker.reader.start()
    _worker.submit("pipeline.worker:warm")
    return True


def stop() -> None:
    """Wait for the worker's tasks, then end it without its interpreter's teardown."""
    global _worker
    worker, _worker = _worker, None
    if worker is None:
        return
    with worker.sending, contextlib.suppress(OSError):  # gone already
        worker.conn.send(None)
    worker.reader.join()  # its answer came: every task before it is done
    worker.process.terminate()
    worker.process.join()
    worker.conn.close()


def later(target: str, *args: Any) -> Callable[[], Any]:
    """Start target(*args) in the worker; returns a function that waits for the result.
    Without a worker it runs here when the result is asked for."""
    worker = _worker
    future = worker.submit(target, *args) if worker is not None else None
    if worker is not None and worker.then_import:
        worker.submit("pipeline.worker:import_modules", worker.then_import)
        worker.then_import = ()

    def result() -> Any:
        if future is not None:
            try:
                return future.result()
            except WorkerGone:
                log.warning("the worker process died; its task runs in this process")
        return run(target, *args)

    return result


def call(target: str, *args: Any) -> Any:
    """target(*args), in the worker when there is one."""
    return later(target, *args)()
