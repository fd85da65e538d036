"""Notice writes made elsewhere (another process, another window, a team sync) cheaply.

:class:`ChangeMarker` keeps one dedicated connection. On SQLite each :meth:`poll` asks
``PRAGMA data_version``, which changes only when another connection has committed: one
statement, no table read, so it can run every half second. Only when it moved (and on
PostgreSQL, which has no such marker, every time: two primary-key maxima) does it read
what is new: the actions added since the last poll (their incidents) and the change
log's entries (reports, lessons, problem records, incidents solved or reopened,
playbook versions, shared documents). The answer is an :class:`~kbapp.opchanges.OpChanges`,
the same as a write of the window's own returns, so screens refresh the same way.

The window's own writes also move the marker; it names their actions
(:meth:`forget_own`), and those are left out. A move that nothing new explains (a change
request, a visit, a customer edited elsewhere) comes back as ``external``: the screens of
those kinds reload.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy import text

from kbapp.opchanges import NOTHING, OpChanges
from kbapp.threads import off_ui_thread

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kbapp.store.db import Store

# What the change log's kinds (kbapp.store.changelog) mean for the screens.
_LOG_TABLES = {"report": "reports", "lesson": "lessons", "record": "problem_records",
               "playbook": "playbook_versions", "incident": "incidents"}
_OWN_KEPT = 10_000  # own action ids remembered, at most (they are dropped once passed)


class ChangeMarker:
    """What others committed since the last poll; thread-safe, one poll at a time."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._own_lock = threading.Lock()
        self._conn: Connection | None = None
        self._version: int | None = None
        self._last_action: int | None = None
        self._last_log: int | None = None
        self._own: set[int] = set()
        self._closed = False
        store.on_close(self.close)  # its connection goes before the store's engine does

    def forget_own(self, action_ids: frozenset[int] | set[int]) -> None:
        """These actions were written here: a poll that finds them does not report them."""
        if not action_ids:
            return
        with self._own_lock:
            self._own |= set(action_ids)
            if len(self._own) > _OWN_KEPT:
                self._own = set(sorted(self._own)[-_OWN_KEPT:])

    def poll(self) -> OpChanges:
        """What changed since the last poll (the first one only takes its bearings)."""
        off_ui_thread("ChangeMarker.poll")
        with self._lock:
            if self._closed:
                return NOTHING
            if self._conn is None:
                self._conn = self.store.engine.connect()
            conn = self._conn
            try:
                changes = self._poll(conn)
                conn.rollback()  # hold no read snapshot between polls
                return changes
            except BaseException:
                self._drop()  # a broken connection: the next poll opens another
                raise

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # closes the driver's connection, whatever state it is in
                conn.close()
            except Exception:  # noqa: BLE001  it is gone either way
                pass

    def _poll(self, conn: Connection) -> OpChanges:
        first = self._last_action is None
        if self.store.is_sqlite:
            version = int(conn.exec_driver_sql("PRAGMA data_version").scalar_one())
            moved, self._version = version != self._version, version
            if not moved and not first:
                return NOTHING
        last_action = int(conn.execute(text("SELECT coalesce(max(id), 0) FROM actions")).scalar_one())
        last_log = int(conn.execute(text("SELECT coalesce(max(id), 0) FROM change_log")).scalar_one())
        if first:
            self._last_action, self._last_log = last_action, last_log
            return NOTHING
        assert self._last_action is not None and self._last_log is not None
        if last_action == self._last_action and last_log == self._last_log and not self.store.is_sqlite:
            return NOTHING
        actions = conn.execute(text("SELECT id, incident_id FROM actions WHERE id > :after AND id <= :upto"),
                               {"after": self._last_action, "upto": last_action}).all()
        entries = conn.execute(text("SELECT kind, ref FROM change_log WHERE id > :after AND id <= :upto"),
                               {"after": self._last_log, "upto": last_log}).all()
        self._last_action, self._last_log = last_action, last_log
        with self._own_lock:
            foreign = [(a, i) for a, i in actions if a not in self._own]
            self._own = {a for a in self._own if a > last_action}
        tables: set[str] = set()
        incidents = {int(i) for _a, i in foreign}
        library = False
        if foreign:
            tables |= {"actions", "incidents"}
        for kind, ref in entries:
            if kind == "incident" and str(ref).isdigit():
                incidents.add(int(ref))
            if kind in ("playbook", "document"):
                library = True
            if kind in _LOG_TABLES:
                tables.add(_LOG_TABLES[kind])
        changes = OpChanges(frozenset(tables), frozenset(incidents), frozenset(a for a, _i in foreign), library=library)
        if changes or actions or entries:
            return changes
        # The marker moved and nothing in the action log or the change log says why.
        return OpChanges(external=True)

    def close(self) -> None:
        """Close the connection; polls after this find nothing."""
        with self._lock:
            self._closed = True
            self._drop()
