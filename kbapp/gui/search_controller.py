"""Search as you type: one debounce timer, one search in flight, the latest input wins.

A new request while a search runs stops it (kbapp.search.cancel): the running search gives
up at its next checkpoint, and the latest request starts as soon as it has.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from kbapp.search import SearchResults
from kbapp.search.cancel import SearchCancelled, stoppable


@dataclass(frozen=True)
class SearchRequest:
    text: str
    kind: str | None = None
    category: str | None = None
    level: str | None = None
    tag: str | None = None
    limit: int = 50


class SearchController(QObject):
    results_ready = Signal(object, object)  # SearchRequest, SearchResults
    search_failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, kb, runner, interval_ms: int = 60, parent: QObject | None = None, fetch=None):
        super().__init__(parent)
        self._kb = kb
        # What a request runs, off the UI thread; the default is the library search.
        self._fetch = fetch or (lambda r: kb.search(r.text, limit=r.limit, kind=r.kind, category=r.category,
                                                    level=r.level, tag=r.tag))
        self._runner = runner
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._fire)
        self._latest: SearchRequest | None = None
        self._in_flight: SearchRequest | None = None
        self._stop_in_flight: threading.Event | None = None  # set: the running search gives up
        # A refresh asked while a search runs: that search may have read the index before
        # the change, so its results are not shown and the latest request runs again.
        self._refresh_pending = False

    @property
    def latest(self) -> SearchRequest | None:
        return self._latest

    def request(self, request: SearchRequest) -> None:
        self._latest = request
        if self._stop_in_flight is not None and request != self._in_flight:
            self._stop_in_flight.set()  # nobody waits for its results any more
        self._timer.start()  # restarts: typing keeps pushing the search back

    def refresh(self) -> None:
        """Run the latest request again now (after the index changed)."""
        if self._latest is not None:
            self._timer.stop()
            if self._in_flight is not None:
                self._refresh_pending = True  # run again as soon as the running search ends
            self._fire()

    def _fire(self) -> None:
        if self._in_flight is not None or self._latest is None:
            return  # when the running search ends, it starts the latest one
        request = self._in_flight = self._latest
        stop = self._stop_in_flight = threading.Event()
        self.busy_changed.emit(True)

        def fetch() -> SearchResults:  # (off the UI thread)
            with stoppable(stop.is_set):
                return self._fetch(request)

        self._runner.query(
            fetch,
            lambda results: self._finished(request, results),
            lambda exc: self._failed(request, exc),
        )

    def _finished(self, request: SearchRequest, results: SearchResults) -> None:
        self._in_flight = self._stop_in_flight = None
        if self._refresh_pending:
            self._refresh_pending = False
            self._fire()  # the index changed while it ran: these results may be outdated
        elif request == self._latest:
            self.busy_changed.emit(False)
            self.results_ready.emit(request, results)
        elif not self._timer.isActive():
            self._fire()  # stale: drop it and search for what the user typed since

    def _failed(self, request: SearchRequest, exc: BaseException) -> None:
        self._in_flight = self._stop_in_flight = None
        if isinstance(exc, SearchCancelled):  # stopped for a newer request: that one runs now
            self._refresh_pending = False
            if not self._timer.isActive():
                self._fire()
            return
        if self._refresh_pending:
            self._refresh_pending = False
            self._fire()
        elif request == self._latest:
            self.busy_changed.emit(False)
            self.search_failed.emit(str(exc))
        elif not self._timer.isActive():
            self._fire()
