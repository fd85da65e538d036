"""The window in team mode: what the other desks wrote arrives in the background.

When the data home's database is a shared server (kbapp.sync), :class:`TeamPoller`
pulls the change log every few seconds (``team/poll_seconds`` in the home's settings,
default 5) on the runner's write lane — the pull writes library files and the index,
never on the UI thread — and shows the desk's state in the status bar: online, syncing,
or offline with the reason. After a pull that brought documents, the window's search is
refreshed and the incident list reloaded. Nothing happens with a local SQLite database.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

DEFAULT_POLL_S = 5.0
SHORTEST_POLL_S = 1.0


class TeamPoller(QObject):
    synced = Signal(object)  # kbapp.sync.SyncResult, on the UI thread, after each pull
    state_changed = Signal(str)  # "online", "syncing", "offline"

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window, self.kb, self.runner = window, window.kb, window.runner
        self.label = QLabel(window)
        self.label.setObjectName("teamLabel")
        self.label.hide()  # in the status bar in team mode only
        self.state = ""
        self.last_error = ""
        self.waiting = 0  # actions made offline on this desk not sent yet
        self._running = False
        self.timer = QTimer(self)
        try:
            seconds = float(window.settings.value("team/poll_seconds", DEFAULT_POLL_S))
        except (TypeError, ValueError):
            seconds = DEFAULT_POLL_S
        self.timer.setInterval(int(max(SHORTEST_POLL_S, seconds) * 1000))
        self.timer.timeout.connect(self.pull_now)

    @property
    def enabled(self) -> bool:
        return bool(self.kb.shares_database)

    def start(self) -> None:
        if not self.enabled:
            return
        self.window.statusBar().addPermanentWidget(self.label)
        self.label.show()
        self.pull_now()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def pull_now(self) -> None:
        if self._running or not self.enabled:
            return  # one pull at a time; the timer asks again
        self._running = True
        self._set_state("syncing")
        self.runner.write(self._exchange, self._pulled, self._failed)

    def _exchange(self):
        """On the write lane: what this desk queued offline first (kbapp.offline), then the
        other desks' writes; offline, how many actions still wait."""
        from kbapp.offline import Outbox, send
        from kbapp.store.db import StoreError

        try:
            sent = send(self.kb)
        except StoreError:
            sent = None
        self.waiting = sent.waiting if sent is not None else Outbox(self.kb.home.root).count()
        return self.kb.team.pull()

    def _pulled(self, result) -> None:
        self._running = False
        self.last_error = ""
        self._set_state("online")
        if result.written or result.removed:
            self.window.search.refresh()
            self.window.statusBar().showMessage(
                self.tr("%n document(s) from the other desks", "", len(result.written)), 8000)
        self.synced.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self.last_error = str(exc)
        self._set_state("offline")

    def _set_state(self, state: str) -> None:
        if state == "online":
            text = self.tr("Team: online")
        elif state == "syncing":
            text = self.tr("Team: syncing…")
        else:
            text = self.tr("Team: offline, showing this desk's copy")
            if self.waiting:
                text += " · " + self.tr("%n action(s) waiting to be sent", "", self.waiting)
        self.label.setText(text)
        self.label.setToolTip(self.last_error)
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
