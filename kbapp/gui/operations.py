"""Run core work off the UI thread and deliver the result on it (after Anki's ops).

``query`` runs reads (searches, rendering) on a small pool. ``write`` runs everything
that writes (index, database, library files) on one serialized lane: one thread, in
submission order, because Whoosh and SQLite take one writer at a time. ``background``
runs long jobs that wait on the network (the deadline watcher's passes, which send
e-mail and webhooks with retries) on a lane of their own, so that they hold up neither
the engineer's writes nor the searches; their own database writes take SQLite's lock
like a second process would (kbapp watch does exactly that).

What a job on the write or background lane commits is collected (kbapp.opchanges) and,
after the job's own callback, announced once by :attr:`OperationRunner.changed` as an
``OpChanges``: screens subscribe and reload only what they show. Writes made elsewhere
(kbapp.gui.change_watch) are announced by the same signal.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from kbapp import opchanges
from kbapp.errors import KbError
from kbapp.logs import log_unexpected
from kbapp.opchanges import OpChanges
from kbapp.search.cancel import SearchCancelled


class _Job(QRunnable):
    def __init__(self, runner: OperationRunner, job_id: int, fn: Callable[..., Any], with_progress: bool):
        super().__init__()
        self.setAutoDelete(True)
        self._runner, self._id, self._fn, self._with_progress = runner, job_id, fn, with_progress

    def run(self) -> None:
        runner, job_id = self._runner, self._id
        with opchanges.collecting() as committed:
            try:
                if self._with_progress:
                    result = self._fn(lambda done, total: runner._progress.emit(job_id, done, total))
                else:
                    result = self._fn()
            except BaseException as exc:  # delivered to the UI, never lost in a worker thread
                # A bug: its traceback goes to the log file (a search stopped for a newer one is none).
                if not isinstance(exc, KbError | OSError | SearchCancelled):
                    log_unexpected(exc, getattr(self._fn, "__qualname__", "a background job"))
                failure: BaseException | None = exc
            else:
                failure = None
        if committed.changes:
            for hook in list(runner.committed_here):
                hook(committed.changes)
        # What committed is announced even when a later part of the job failed.
        if failure is not None:
            runner._failed.emit(job_id, failure, committed.changes)
        else:
            runner._succeeded.emit(job_id, result, committed.changes)


class OperationRunner(QObject):
    """Owns the read pool and the write lane; one per main window. Call shutdown() before
    the window goes away: it lets every accepted write finish."""

    operation_failed = Signal(object)  # exceptions without their own handler
    changed = Signal(object)  # kbapp.opchanges.OpChanges: what a job (or a write elsewhere) committed
    # Emitted from worker threads; the queued connections below run them on the UI thread.
    _succeeded = Signal(int, object, object)
    _failed = Signal(int, object, object)
    _progress = Signal(int, int, int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(2)
        self.write_lane = QThreadPool(self)
        self.write_lane.setMaxThreadCount(1)
        self.background_lane = QThreadPool(self)
        self.background_lane.setMaxThreadCount(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None, Callable | None]] = {}
        self._ids = itertools.count(1)
        self._closed = False
        # Called on the lane's thread with what a job committed, before it is announced
        # (kbapp.gui.change_watch tells its own writes from others' by them).
        self.committed_here: list[Callable[[OpChanges], None]] = []
        # Set by the window in the Chinese UI (kbapp.gui.errors.localized): the core's English
        # error messages are translated before any failure callback sees them.
        self.localize: Callable[[BaseException], BaseException] | None = None
        queued = Qt.ConnectionType.QueuedConnection
        self._succeeded.connect(self._on_succeeded, queued)
        self._failed.connect(self._on_failed, queued)
        self._progress.connect(self._on_progress, queued)

    def _submit(self, pool: QThreadPool, fn, on_success, on_failure, on_progress) -> None:
        if self._closed:
            return  # the window is closing: nothing new starts
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_success, on_failure, on_progress)
        pool.start(_Job(self, job_id, fn, on_progress is not None))

    def _on_succeeded(self, job_id: int, result, changes: OpChanges) -> None:
        on_success, _, _ = self._callbacks.pop(job_id, (None, None, None))
        if on_success is not None and not self._closed:
            on_success(result)
        self.announce(changes)

    def announce(self, changes: OpChanges) -> None:
        """Tell every screen what changed (a job's commits, or writes made elsewhere)."""
        if changes and not self._closed:
            self.changed.emit(changes)

    def _on_failed(self, job_id: int, exc, changes: OpChanges) -> None:
        _, on_failure, _ = self._callbacks.pop(job_id, (None, None, None))
        if self._closed:
            return  # the window is gone; nobody is left to tell
        self.announce(changes)
        if self.localize is not None:
            exc = self.localize(exc)
        if on_failure is not None:
            on_failure(exc)
        else:
            self.operation_failed.emit(exc)

    def _on_progress(self, job_id: int, done: int, total: int) -> None:
        callbacks = self._callbacks.get(job_id)
        if callbacks is not None and callbacks[2] is not None and not self._closed:
            callbacks[2](done, total)

    def query(self, fn: Callable[[], Any], on_success=None, on_failure=None) -> None:
        self._submit(self.read_pool, fn, on_success, on_failure, None)

    def write(self, fn: Callable[..., Any], on_success=None, on_failure=None, on_progress=None) -> None:
        """``fn`` takes a progress callback ``(done, total)`` when ``on_progress`` is given."""
        self._submit(self.write_lane, fn, on_success, on_failure, on_progress)

    def background(self, fn: Callable[[], Any], on_success=None, on_failure=None) -> None:
        """A long job (network, retries) in submission order on its own thread."""
        self._submit(self.background_lane, fn, on_success, on_failure, None)

    def busy(self) -> bool:
        return bool(self._callbacks)

    def wait_for_writes(self, msecs: int = -1) -> bool:
        return self.write_lane.waitForDone(msecs)

    def shutdown(self) -> None:
        self._closed = True
        self.read_pool.clear()
        self.background_lane.clear()
        self.write_lane.waitForDone()  # every accepted write finishes before exit
        self.read_pool.waitForDone()
        self.background_lane.waitForDone()
