"""A team desk's local copy of the incidents: every incident it has seen on the shared
server, with their actions, in an SQLite file of its own (``replica.sqlite3`` in the data
home, the same schema and migrations as any kbapp database).

Two layers, one file:

* **the server's rows**, copied with the server's ids (the numbers people say aloud).
  :meth:`Replica.refresh` compares each incident's row and its log (how many actions, the
  last id) with the server's and copies again, whole, only the incidents that differ: a
  commit that landed out of id order is found too, and a second refresh with nothing new
  changes nothing.
* **this desk's layer**: what the outbox (kbapp.offline) holds, applied on top through the
  same incident service, so status and milestones come from the same code and the same
  actions. Rows made here have ids from :data:`LOCAL_BASE` up, far above any server id:
  an incident with such an id is *pending* (started offline, no number yet). Each
  operation's actions carry the uids the server will store them under (kbapp.store.ids),
  so the layer and the server's copy are the same actions.

A refresh first takes this desk's layer away, copies what changed on the server, then
applies what is still in the outbox again: once the outbox has drained, the replica is the
server's rows alone. Qt-free; the window refreshes on its write lane, ``kbapp sync`` on
the command line.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import event, func, select
from sqlalchemy.orm import Mapper

from kbapp.store.ids import LOCAL_BASE
from kbapp.store.models import ActionRow, IncidentPlaybookRow, IncidentRow

__all__ = ["LOCAL_BASE", "Replica", "is_local_id"]

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.service import IncidentService
    from kbapp.offline import Queued
    from kbapp.store.db import Store

log = logging.getLogger(__name__)

REPLICA_FILE = "replica.sqlite3"

_LOCAL_URLS: set[str] = set()  # the desks' copies open in this process


def is_local_id(incident_id: int) -> bool:
    """An incident (or action) made on this desk that the server has not numbered yet."""
    return int(incident_id) >= LOCAL_BASE


def _local_id(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    """On a replica, a row this desk makes takes the next id from LOCAL_BASE up."""
    if target.id is not None or str(connection.engine.url) not in _LOCAL_URLS:
        return
    table = mapper.local_table
    top = connection.execute(select(func.max(table.c.id)).where(table.c.id >= LOCAL_BASE)).scalar()
    target.id = max(int(top or 0) + 1, LOCAL_BASE)


event.listen(IncidentRow, "before_insert", _local_id)
event.listen(ActionRow, "before_insert", _local_id)


def _table(model: Any) -> Table:
    return cast("Table", model.__table__)


def _columns(table: Any) -> list[str]:
    return [c.name for c in table.columns]


class Replica:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.path = Path(kb.home.root) / REPLICA_FILE
        self._store: Store | None = None
        self._incidents: IncidentService | None = None

    # -- the local database --------------------------------------------------------------
    @property
    def store(self) -> Store:
        if self._store is None:
            from sqlalchemy import event as sa_event

            from kbapp.store.db import Store

            store = Store.open(f"sqlite:///{self.path.as_posix()}")
            # A copy, rewritten from the server: no append-only triggers, no foreign keys
            # between the copied rows (they arrive incident by incident).
            with store.engine.begin() as conn:
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS actions_no_update")
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS actions_no_delete")
            sa_event.listen(store.engine, "connect",
                            lambda dbapi, _rec: dbapi.execute("PRAGMA foreign_keys = OFF"))
            store.engine.dispose()  # the connections made before take the pragma on reconnect
            _LOCAL_URLS.add(str(store.engine.url))
            self._store = store
        return self._store

    @property
    def incidents(self) -> IncidentService:
        """The incident service on this desk's copy (reads, and this desk's layer)."""
        if self._incidents is None:
            from kbapp.incidents.service import IncidentService

            view = CopyView(self.kb, self.store)
            self._incidents = view.incidents = IncidentService(self.store, view)  # type: ignore[arg-type]
        return self._incidents

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            self._incidents = None

    # -- this desk's layer ------------------------------------------------------------------
    def apply(self, item: Queued) -> Any:
        """One outbox operation applied to the copy, as the server will apply it (same
        action uids, same time). Raises IncidentError when it cannot be done here."""
        from kbapp.incidents.base import REPLAY_AT
        from kbapp.incidents.service import REPLAY_UID, AlreadyApplied
        from kbapp.offline import call_operation

        uid_token, at_token = REPLAY_UID.set([item.uid, 0]), REPLAY_AT.set(item.made_at)
        try:
            return call_operation(self.incidents, item, self.kb)
        except AlreadyApplied:
            return None  # the server's copy of it is here already
        finally:
            REPLAY_UID.reset(uid_token)
            REPLAY_AT.reset(at_token)

    def _apply_outbox(self) -> int:
        from kbapp.incidents.errors import IncidentError
        from kbapp.offline import Outbox

        applied = 0
        for item in Outbox(self.kb.home.root).items():
            try:
                self.apply(item)
                applied += 1
            except IncidentError as exc:  # the server will say; the item stays queued
                log.info("offline operation %s not applied to the local copy: %s", item.uid, exc)
        return applied

    # -- refreshing from the server ------------------------------------------------------------
    def refresh(self, server: Store | None = None) -> int:
        """Bring the copy up to the server's incidents; returns how many were copied again.
        Raises StoreUnreachable (or StoreError) when the server does not answer."""
        from filelock import FileLock

        server = server or self.kb.store
        with FileLock(str(Path(self.kb.home.root) / ".replica.lock")):
            theirs = server.read(_signatures)
            copied: list[int] = []

            def work(s: Session) -> None:
                touched_here = set(s.scalars(select(ActionRow.incident_id).where(ActionRow.id >= LOCAL_BASE)
                                             .distinct()))
                _drop(s, select(IncidentRow.id).where(IncidentRow.id >= LOCAL_BASE))
                if touched_here:
                    s.execute(_table(ActionRow).delete().where(ActionRow.id >= LOCAL_BASE))
                ours = _signatures(s)
                stale = {i for i, sig in theirs.items() if ours.get(i) != sig} | (touched_here & set(theirs))
                gone = set(ours) - set(theirs)
                if gone:
                    _drop(s, select(IncidentRow.id).where(IncidentRow.id.in_(gone)))
                if stale:
                    rows = server.read(lambda ss: _read_incidents(ss, sorted(stale)))
                    _drop(s, select(IncidentRow.id).where(IncidentRow.id.in_(stale)))
                    _insert(s, rows)
                copied[:] = sorted(stale)

            self.store.write(work)
            from kbapp.desk_writes import forget_local_files, refresh_documents

            refresh_documents(server, self.store)  # the written documents too (kbapp.desk_writes)
            self._apply_outbox()
            forget_local_files(self.kb, self.store)
        desk = vars(self.kb).get("_desk_incidents")  # the server answered: reads go to it again
        if desk is not None:
            desk.back_online()
        return len(copied)


class CopyView:
    """The knowledge base as the incident service on a desk's copy sees it: the copy's store
    and incidents, and a notification outbox on the copy that nothing sends (the server
    queues the real ones when the operation reaches it)."""

    def __init__(self, kb: KnowledgeBase, store: Store) -> None:
        from kbapp.desk_writes import copy_services
        from kbapp.notify.outbox import NotificationService

        self._kb, self.store = kb, store
        self.incidents: Any = None
        self.notifications = NotificationService(store, kb)
        copy_services(self, store)  # reports, lessons, records, change requests on the copy

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)


def _signatures(s: Session) -> dict[int, tuple]:
    """Each server incident's row and the shape of its log: what tells that it changed."""
    table = _table(IncidentRow)
    logs = {int(i): (int(n), int(top)) for i, n, top in s.execute(
        select(ActionRow.incident_id, func.count(ActionRow.id), func.max(ActionRow.id))
        .where(ActionRow.id < LOCAL_BASE).group_by(ActionRow.incident_id))}
    names = _columns(table)
    return {int(r.id): (*[getattr(r, n) for n in names], logs.get(int(r.id), (0, 0)))
            for r in s.execute(select(table).where(table.c.id < LOCAL_BASE))}


def _read_incidents(s: Session, ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for model in (IncidentRow, IncidentPlaybookRow, ActionRow):
        table = _table(model)
        column = table.c.id if model is IncidentRow else table.c.incident_id
        order = table.c.id if model is not IncidentPlaybookRow else table.c.position
        out[table.name] = [dict(r._mapping) for start in range(0, len(ids), 500)
                           for r in s.execute(select(table).where(column.in_(ids[start:start + 500]))
                                              .order_by(order))]
    return out


def _insert(s: Session, rows: dict[str, list[dict[str, Any]]]) -> None:
    for model in (IncidentRow, IncidentPlaybookRow, ActionRow):
        table = _table(model)
        names = set(_columns(table))
        batch = [{k: v for k, v in r.items() if k in names} for r in rows.get(table.name, [])]
        if batch:
            s.execute(table.insert(), batch)


def _drop(s: Session, ids: Any) -> None:
    """The incidents ``ids`` (a select) and every row of this copy that hangs off them."""
    from kbapp.store.base import Base

    wanted = [int(i) for i in s.scalars(ids)]
    if not wanted:
        return
    for table in reversed(Base.metadata.sorted_tables):
        if table.name != "incidents" and "incident_id" in table.c:
            s.execute(table.delete().where(table.c.incident_id.in_(wanted)))
    s.execute(_table(IncidentRow).delete().where(IncidentRow.id.in_(wanted)))
