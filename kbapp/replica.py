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
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sqlalchemy import JSON, event, func, select
from sqlalchemy.orm import Mapper

from kbapp.copy_view import CopyView
from kbapp.store.base import UTCDateTime
from kbapp.store.ids import LOCAL_BASE
from kbapp.store.metrics_models import MetricsStateRow
from kbapp.store.models import ActionRow, IncidentPlaybookRow, IncidentRow

__all__ = ["LOCAL_BASE", "CopyView", "Replica", "is_local_id"]

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
CURSOR_FILE = "replica-cursor.json"  # the change cursor of the copy's last refresh (kbapp.replica)

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
        self.behind = False  # the last refresh stopped at its limit: more to copy

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
    def refresh(self, server: Store | None = None, *, full: bool = False, limit: int | None = None,
                tables: bool = False) -> int:
        """Bring the copy up to the server's incidents; returns how many were copied again.
        Raises StoreUnreachable (or StoreError) when the server does not answer.

        ``limit``: copy at most that many incidents, the newest first (the window's first
        copy of a large server, in steps that leave its write lane free between them);
        :attr:`behind` says whether more are left, and the next refresh goes on.

        ``tables``: compare the server's other tables now (kbapp.replica_tables), not at most
        once a minute (``kbapp sync``).

        On PostgreSQL a refresh reads only what changed since the last one (a change cursor,
        :func:`_changed_since`); the first refresh, a server that is not PostgreSQL, an
        incident gone from the server, or ``full`` compare every incident (:func:`_signatures`)."""
        from filelock import FileLock

        server = server or self.kb.store
        with FileLock(str(Path(self.kb.home.root) / ".replica.lock")):
            cursor = None if full else self._cursor(server)
            if cursor is None:
                mark, theirs = server.read(lambda s: (_snapshot_mark(s), _signatures(s)))
                changed, total = None, len(theirs)
            else:
                def changes(s: Session) -> tuple[int | None, dict[int, tuple], int]:
                    mark = _snapshot_mark(s)
                    return mark, _signatures(s, _changed_since(s, cursor)), _server_count(s)

                mark, theirs, total = server.read(changes)
                changed = set(theirs)
            copied: list[int] = []
            complete: list[bool] = [True]
            self.behind = False

            def work(s: Session) -> None:
                touched_here = set(s.scalars(select(ActionRow.incident_id).where(ActionRow.id >= LOCAL_BASE)
                                             .distinct()))
                _drop(s, select(IncidentRow.id).where(IncidentRow.id >= LOCAL_BASE))
                if touched_here:
                    s.execute(_table(ActionRow).delete().where(ActionRow.id >= LOCAL_BASE))
                gone: set[int] = set()
                if changed is None:
                    ours = _signatures(s)
                    stale = {i for i, sig in theirs.items() if ours.get(i) != sig} | (touched_here & set(theirs))
                    gone = set(ours) - set(theirs)
                    if gone:
                        _drop(s, select(IncidentRow.id).where(IncidentRow.id.in_(gone)))
                else:  # what changed since the cursor, and what this desk's layer had changed here
                    ours = _signatures(s, sorted(changed))
                    stale = {i for i, sig in theirs.items() if ours.get(i) != sig} | \
                        {i for i in touched_here if i < LOCAL_BASE}
                if limit is not None and len(stale) > limit:  # the rest on the next refresh
                    stale = set(sorted(stale, reverse=True)[:limit])
                    complete[0], self.behind = False, True
                if stale:
                    rows = server.read(lambda ss: _read_incidents(ss, sorted(stale)))
                    _drop(s, select(IncidentRow.id).where(IncidentRow.id.in_(stale)))
                    _insert(s, rows)
                    copied[:] = rows.incident_ids()
                if changed is not None and _server_count(s) != total:
                    complete[0] = False  # an incident gone from the server: one full compare finds it
                if stale or touched_here or gone:
                    # The metrics' facts on the copy follow the log by action id; incidents copied
                    # again (or this desk's layer taken away) put them out of step: derived anew.
                    s.execute(_table(MetricsStateRow).delete())

            self.store.write(work)
            from kbapp.desk_writes import forget_local_files, refresh_documents

            refresh_documents(server, self.store)  # the written documents too (kbapp.desk_writes)
            from kbapp.replica_tables import refresh_tables

            refresh_tables(server, self.store, Path(self.kb.home.root), _server_id(server), force=tables)
            self._save_cursor(server, mark if complete[0] else None)
            self._apply_outbox()
            forget_local_files(self.kb, self.store)
        if not complete[0] and not self.behind:
            return len(copied) + self.refresh(server, full=True)  # (the tables were just compared)
        desk = vars(self.kb).get("_desk_incidents")  # the server answered: reads go to it again
        if desk is not None:
            desk.back_online()
        return len(copied)

    # -- the change cursor -----------------------------------------------------------------------
    @property
    def cursor_path(self) -> Path:
        return Path(self.kb.home.root) / CURSOR_FILE

    def _cursor(self, server: Store) -> int | None:
        import json

        if server.engine.dialect.name != "postgresql" or not self.cursor_path.exists():
            return None
        try:
            found = json.loads(self.cursor_path.read_text(encoding="utf-8"))
            return int(found["mark"]) if found.get("server") == _server_id(server) else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _save_cursor(self, server: Store, mark: int | None) -> None:
        import json

        from kbapp.fsutil import atomic_write_bytes

        if mark is None:
            self.cursor_path.unlink(missing_ok=True)
            return
        atomic_write_bytes(self.cursor_path, json.dumps({"server": _server_id(server), "mark": mark}).encode())


def _server_id(server: Store) -> str:
    from kbapp.sync import server_key

    return server_key(str(server.engine.url))


def _snapshot_mark(s: Session) -> int | None:
    """On PostgreSQL, the oldest transaction still running now (txid_snapshot_xmin): every
    transaction before it has ended, so its rows are seen by what this read reads next, and
    the next refresh need look only at rows written by it or later."""
    from sqlalchemy import text

    if s.get_bind().dialect.name != "postgresql":
        return None
    return int(s.scalar(text("SELECT txid_snapshot_xmin(txid_current_snapshot())")))


def _changed_since(s: Session, mark: int) -> list[int]:
    """The incidents whose row a transaction from ``mark`` on wrote (PostgreSQL's ``xmin``
    of the row: every action appended updates its incident's row, kbapp.incidents.service).
    ``xmin`` is 32 bits: compared modulo 2³², so a row older than ~2 billion transactions
    may be taken for a new one and copied once more — never the other way round."""
    from sqlalchemy import text

    rows = s.execute(text("SELECT id FROM incidents WHERE id < :base AND "
                          "((xmin::text::bigint - :low + 4294967296) % 4294967296) < 2147483648"),
                     {"base": LOCAL_BASE, "low": mark % 4294967296})
    return [int(r[0]) for r in rows]


def _server_count(s: Session) -> int:
    return int(s.scalar(select(func.count(IncidentRow.id)).where(IncidentRow.id < LOCAL_BASE)) or 0)


def _signatures(s: Session, ids: list[int] | None = None) -> dict[int, tuple]:
    """Each server incident's row and the shape of its log: what tells that it changed
    (every incident, or those of ``ids``)."""
    table = _table(IncidentRow)
    names = _columns(table)
    out: dict[int, tuple] = {}
    chunks = [None] if ids is None else [ids[n:n + 500] for n in range(0, len(ids), 500)]
    for chunk in chunks:
        logs_q = (select(ActionRow.incident_id, func.count(ActionRow.id), func.max(ActionRow.id))
                  .where(ActionRow.id < LOCAL_BASE).group_by(ActionRow.incident_id))
        rows_q = select(table).where(table.c.id < LOCAL_BASE)
        if chunk is not None:
            logs_q, rows_q = logs_q.where(ActionRow.incident_id.in_(chunk)), rows_q.where(table.c.id.in_(chunk))
        logs = {int(i): (int(n), int(top)) for i, n, top in s.execute(logs_q)}
        out.update({int(r.id): (*[getattr(r, n) for n in names], logs.get(int(r.id), (0, 0)))
                    for r in s.execute(rows_q)})
    return out


_COPIED = (IncidentRow, IncidentPlaybookRow, ActionRow)
_BATCH = 5000  # ids per query


class Copied(NamedTuple):
    """What :func:`_read_incidents` read: per table, its column names and rows (tuples);
    ``raw`` when they are the PostgreSQL driver's values."""

    raw: bool
    tables: dict[str, tuple[list[str], list[tuple]]]

    def incident_ids(self) -> list[int]:
        names, rows = self.tables.get("incidents", ([], []))
        at = names.index("id") if names else 0
        return sorted({int(r[at]) for r in rows})


def _read_incidents(s: Session, ids: list[int]) -> Copied:
    """The rows of incidents ``ids`` on the server, table by table: the column names and the
    rows as tuples. On PostgreSQL the server makes each value as the copy stores it
    (:func:`_as_stored`): no conversion per value in Python, so copying 10,000 incidents is a
    few bulk reads and one executemany per table."""
    raw = s.get_bind().dialect.name == "postgresql"
    out: dict[str, tuple[list[str], list[tuple]]] = {}
    for model in _COPIED:
        table = _table(model)
        names = _columns(table)
        key = "id" if model is IncidentRow else "incident_id"
        order = "position" if model is IncidentPlaybookRow else "id"
        rows: list[tuple] = []
        found: Any
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start:start + _BATCH]
            if raw:
                columns = ", ".join(_as_stored(c) for c in table.columns)
                found = s.connection().exec_driver_sql(
                    f'SELECT {columns} FROM {table.name} WHERE "{key}" = ANY(%(ids)s) ORDER BY "{order}"',
                    {"ids": chunk})
            else:
                found = s.execute(select(table).where(table.c[key].in_(chunk)).order_by(table.c[order]))
            rows.extend(tuple(r) for r in found.fetchall())
        out[table.name] = (names, rows)
    return Copied(raw, out)


def _as_stored(column: Any) -> str:
    """A column as the copy (SQLite through SQLAlchemy) stores it, made by PostgreSQL: a time
    (UTCDateTime: naive UTC, ``timestamp without time zone``) as its text with microseconds,
    a JSON value as its text."""
    if isinstance(column.type, UTCDateTime):
        return f"""to_char("{column.name}", 'YYYY-MM-DD HH24:MI:SS.US')"""
    return f'"{column.name}"::text' if isinstance(column.type, JSON) else f'"{column.name}"'


def _insert(s: Session, rows: Copied) -> None:
    """The rows :func:`_read_incidents` read, inserted into the copy in one executemany per
    table; raw rows from PostgreSQL are already what SQLAlchemy stores on SQLite
    (:func:`_as_stored`)."""
    for model in _COPIED:
        table = _table(model)
        names, batch = rows.tables.get(table.name, ([], []))
        if not batch:
            continue
        if not rows.raw:
            s.execute(table.insert(), [dict(zip(names, r, strict=True)) for r in batch])
            continue
        columns = ", ".join(f'"{n}"' for n in names)
        s.connection().exec_driver_sql(
            f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join('?' for _ in names)})", batch)


def _drop(s: Session, ids: Any) -> None:
    """The incidents ``ids`` (a select) and every row of this copy that hangs off them."""
    from kbapp.store.base import Base

    wanted = [int(i) for i in s.scalars(ids)]
    if not wanted:
        return
    for table in reversed(Base.metadata.sorted_tables):
        # The notifications on a copy are this desk's own, to send (kbapp.incidents.desk_watch): kept.
        if table.name not in ("incidents", "notifications") and "incident_id" in table.c:
            s.execute(table.delete().where(table.c.incident_id.in_(wanted)))
    s.execute(_table(IncidentRow).delete().where(IncidentRow.id.in_(wanted)))
