"""The window notices writes made elsewhere: another process, another window, a team sync.

A thread of its own polls a :class:`kbapp.store.change_marker.ChangeMarker` twice a
second (one ``PRAGMA data_version`` when nothing changed) and hands what others
committed to :meth:`OperationRunner.announce`, the signal every screen already follows
for the window's own writes: the incident list and its counts, the timeline of the
incident on screen and the other pages reload what they show, within a second. Nothing
the engineer is typing is touched (a reload replaces rows, never an editor). Not the
read pool: a long search must not delay it; not the background lane: it waits on the
network.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Qt, Signal

from kbapp.opchanges import OpChanges

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5


class ChangeWatch(QObject):
    """Start with :meth:`start` once the store is open; :meth:`stop` before the window goes."""

    seen = Signal(object)  # OpChanges made elsewhere, on the UI thread

    def __init__(self, kb, runner, parent: QObject | None = None, *, interval: float = POLL_SECONDS):
        super().__init__(parent)
        self.kb, self.runner, self.interval = kb, runner, interval
        self.marker = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.seen.connect(runner.announce, Qt.ConnectionType.QueuedConnection)
        runner.committed_here.append(self._own)  # called on the lane's thread, before the announcement

    def _own(self, changes: OpChanges) -> None:
        marker = self.marker
        if marker is not None:
            marker.forget_own(changes.action_ids)

    def start(self) -> None:
        """Start polling (the store must be open: call from its ready callback)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="kbapp-change-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from kbapp.store.change_marker import ChangeMarker

        self.marker = marker = ChangeMarker(self.kb.store)  # the store is open: this is cheap
        failures = 0
        while not self._stop.is_set():
            try:
                changes = marker.poll()
                failures = 0
            except Exception as exc:  # a locked or vanished database: try again, say so once
                failures += 1
                if failures == 1:
                    log.warning("cannot look for changes made elsewhere: %s", exc)
                changes = OpChanges()
            if changes:
                self.seen.emit(changes)
            self._stop.wait(self.interval)
        marker.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
