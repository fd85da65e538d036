"""The window in team mode: what the other desks wrote arrives in the background.

When the data home's database is a shared server (kbapp.sync), :class:`TeamPoller`
pulls the change log every few seconds (``team/poll_seconds`` in the home's settings,
default 5) on the runner's write lane — the pull writes library files and the index,
never on the UI thread — and shows the desk's state in the status bar: online, syncing,
or offline with the reason, how many changes made on this desk wait to be sent, and a
desk clock more than a minute off the server's. After a pull that brought documents,
the window's search is refreshed. The exchange runs on the write lane, so the incident
list and the open incident reload from its OpChanges (runner.changed), and the count of
actions waiting follows every write that touched incidents. Nothing happens with a local
SQLite database.

A desk whose server does not answer when the window starts (its very first start
included, with an empty copy) works on its copy all the same: :meth:`start_offline`
starts the polls, and what needs the server (the deadline watch, the plans) starts with
the first pull that reaches it. Going offline and coming back are said once each on
stderr, not at every poll.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from kbapp.sync import SKEW_LIMIT_S

DEFAULT_POLL_S = 5.0
SHORTEST_POLL_S = 1.0
COPY_STEP = 2000  # incidents copied per exchange at most (kbapp.replica.Replica.refresh's limit)


class TeamPoller(QObject):
    synced = Signal(object)  # kbapp.sync.SyncResult, on the UI thread, after each pull
    state_changed = Signal(str)  # "online", "syncing", "offline"
    merged = Signal(object)  # kbapp.offline.SendResult: this desk's offline work reached the server

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window, self.kb, self.runner = window, window.kb, window.runner
        self.label = QLabel(window)
        self.label.setObjectName("teamLabel")
        self.label.hide()  # in the status bar in team mode only
        self.state = ""
        self.last_error = ""
        self.waiting = 0  # actions made offline on this desk not sent yet
        self.skew_s: float | None = None  # this desk's clock minus the server's (kbapp.sync)
        self.sent = None  # the last kbapp.offline.SendResult
        self._running = False
        self._started = False
        self._said_offline = False  # said on stderr since the server last answered
        self._when_online = None  # what the window starts once the server answers (start_offline)
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
        if not self.enabled or self._started:
            return
        self._started = True
        self.window.statusBar().addPermanentWidget(self.label)
        self.label.show()
        self.runner.changed.connect(self.apply_changes)
        self.pull_now()
        self.timer.start()

    def start_offline(self, exc: BaseException, when_online) -> None:
        """The server did not answer when the window opened the database: poll all the same
        (the desk works on its copy meanwhile) and call ``when_online`` after the first pull
        that reaches it."""
        self._when_online = when_online
        self.last_error = str(exc)
        self._set_state("offline")
        self.start()

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
        self.sent = sent
        self.waiting = sent.waiting if sent is not None else Outbox(self.kb.home.root).count()
        result = self.kb.team.pull()
        self.skew_s = result.skew_s
        # The incidents this desk has seen, for when the server is gone; a large first copy
        # in steps, so that the window's writes wait for one step at most.
        self.kb.replica.refresh(limit=COPY_STEP)
        return result

    def apply_changes(self, changes) -> None:
        """After any write that touched incidents (runner.changed, kbapp.opchanges): how many
        actions wait now. A write made on the desk's copy means the server did not answer."""
        if not (changes.incidents or changes.reports or changes.lessons or changes.records
                or changes.change_requests) or self._running:
            return  # an exchange says it all when it ends
        from kbapp.offline import Outbox

        self.runner.query(lambda: Outbox(self.kb.home.root).count(), self._counted)

    def _counted(self, waiting: int) -> None:
        offline = bool(getattr(self.kb.desk_incidents, "offline", False))
        if waiting == self.waiting and not (offline and self.state != "offline"):
            return
        self.waiting = waiting
        if offline:
            self.last_error = self.last_error or self.tr("the server did not answer")
            self._set_state("offline")
        else:
            self._set_state(self.state or "online")

    def _pulled(self, result) -> None:
        self._running = False
        self.last_error = ""
        if self._said_offline:
            self._said_offline = False
            print("kbapp: online again: the server answered; what waited was sent", file=sys.stderr)
        self._set_state("online")
        when_online, self._when_online = self._when_online, None
        if when_online is not None:
            when_online()
        if self.kb.replica.behind:  # the next step of a first copy now, behind the writes queued meanwhile
            QTimer.singleShot(0, self.pull_now)
        sent = self.sent
        if sent is not None and (sent.sent or sent.conflicts):
            self.merged.emit(sent)
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
        if state != "offline" and self.skew_s is not None and abs(self.skew_s) > SKEW_LIMIT_S:
            minutes = max(1, round(abs(self.skew_s) / 60))
            text += " · " + (self.tr("this desk's clock is %n min ahead of the server's", "", minutes)
                             if self.skew_s > 0 else
                             self.tr("this desk's clock is %n min behind the server's", "", minutes))
        self.label.setText(text)
        self.label.setToolTip(self.last_error)
        if state == "offline" and not self._said_offline:
            self._said_offline = True  # once, until the server answers again
            print(f"kbapp: offline ({self.last_error or 'the server did not answer'}); working on this desk's copy, "
                  "sent when the server answers", file=sys.stderr)
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
