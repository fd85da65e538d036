"""Run core work off the UI thread and deliver the result on it (after Anki's ops).

``query`` runs reads (searches, rendering) on a small pool. ``write`` runs everything
that writes (index, database, library files) on one serialized lane: one thread, in
submission order, because Whoosh and SQLite take one writer at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal


class _JobSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: _JobSignals, with_progress: bool):
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._signals = signals
        self._with_progress = with_progress

    def run(self) -> None:
        try:
            if self._with_progress:
                result = self._fn(lambda done, total: self._signals.progress.emit(done, total))
            else:
                result = self._fn()
        except BaseException as exc:  # delivered to the UI, never lost in a worker thread
            self._signals.failed.emit(exc)
        else:
            self._signals.succeeded.emit(result)


class OperationRunner(QObject):
    """Owns the read pool and the write lane; one per main window."""

    operation_failed = Signal(object)  # exceptions without their own handler

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(2)
        self.write_lane = QThreadPool(self)
        self.write_lane.setMaxThreadCount(1)
        self._live: set[_JobSignals] = set()

    def _submit(self, pool: QThreadPool, fn, on_success, on_failure, on_progress) -> None:
        signals = _JobSignals()  # created here, so it lives on the UI thread
        self._live.add(signals)

        def finish() -> None:
            self._live.discard(signals)

        def succeeded(result) -> None:
            finish()
            if on_success is not None:
                on_success(result)

        def failed(exc) -> None:
            finish()
            if on_failure is not None:
                on_failure(exc)
            else:
                self.operation_failed.emit(exc)

        queued = Qt.ConnectionType.QueuedConnection
        signals.succeeded.connect(succeeded, queued)
        signals.failed.connect(failed, queued)
        if on_progress is not None:
            signals.progress.connect(on_progress, queued)
        pool.start(_Job(fn, signals, on_progress is not None))

    def query(self, fn: Callable[[], Any], on_success=None, on_failure=None) -> None:
        self._submit(self.read_pool, fn, on_success, on_failure, None)

    def write(self, fn: Callable[..., Any], on_success=None, on_failure=None, on_progress=None) -> None:
        """``fn`` takes a progress callback ``(done, total)`` when ``on_progress`` is given."""
        self._submit(self.write_lane, fn, on_success, on_failure, on_progress)

    def busy(self) -> bool:
        return bool(self._live)

    def wait_for_writes(self, msecs: int = -1) -> bool:
        return self.write_lane.waitForDone(msecs)

    def shutdown(self) -> None:
        self.read_pool.clear()
        self.write_lane.waitForDone()  # every accepted write finishes before exit
        self.read_pool.waitForDone()
