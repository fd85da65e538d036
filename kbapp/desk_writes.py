"""A team desk's written documents, local first: post-incident reports, lessons, problem
records (new, every move, the supervisor's sign-off) and change requests (new, approve,
refuse, start, done), online and offline.

The incidents' way (kbapp.local_first, kbapp.replica, kbapp.offline), for the documents:

* **made on the desk's copy first.** The copy (``replica.sqlite3``) holds the server's
  reports, lessons, records and change requests too (:func:`refresh_documents`, after every
  pull); the same services run on it (:func:`copy_services`), so a move is checked by the
  same rules against what the desk knows — the sign-off included (a role that may sign off,
  never the proposer) — and refused at once, nothing queued. The Markdown of a report, a
  lesson or a record goes into the desk's library and index as it does online, so the
  desk's own search finds it at once. Rows made here have ids from LOCAL_BASE up: *pending*,
  no number yet; the desk made their uid (UUIDv7, :func:`kbapp.incidents.base.op_uid`).
* **kept in the outbox** (op ``write``: the service, the method, its arguments; a row made
  offline is named by its uid) before anything else, so a write the engineer saw done is
  never lost; while the server answers it is sent at once (kbapp.offline.push) and the copy
  refreshed, and what the server made (its number) is returned; a write the server refuses
  then (another desk moved first) is taken out and the refusal raised, as for incidents.
  Offline it waits for the next ``kbapp sync`` or the window's exchange
  (:func:`send_one`). The server gives the short number. Each row the operation writes has
  the uid derived from the operation's (migration 0021), so a replay after a crash finds
  it and stores nothing twice.
* **a move the server refuses on replay** (another desk moved the record first) is kept,
  flagged: a ``conflict`` entry in the record's or the change request's history (the
  report's incident's log for a report), naming what was done offline, when, and why it was
  refused, for a person to settle — visible on every desk, never silently dropped.

Once the outbox has drained, a refresh takes this desk's layer away (and the library files
of rows made here, now under their numbers) and the copy is the server's rows alone.
"""

from __future__ import annotations

import inspect
import logging
import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, func, select

from kbapp.store.ids import LOCAL_BASE, derived
from kbapp.store.models import IncidentRow, LessonRow, ReportRow
from kbapp.store.plan_models import ChangeEventRow, ChangeRequestRow
from kbapp.store.records_models import ProblemRecordRow, RecordTransitionRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase
    from kbapp.offline import Queued, SendResult
    from kbapp.store.db import Store

log = logging.getLogger(__name__)

# The services a desk writes documents with, and which of their methods write.
WRITES: dict[str, frozenset[str]] = {
    "reports": frozenset({"submit"}),
    "lessons": frozenset({"add"}),
    "records": frozenset({"new", "move"}),
    "change_requests": frozenset({"new", "approve", "refuse", "start", "done"}),
}
# Arguments naming a row; one made offline is named by its uid in the outbox.
_REFS: dict[str, Any] = {"incident_id": IncidentRow, "record_id": ProblemRecordRow, "change_id": ChangeRequestRow}
_UID_TABLES = (LessonRow, ProblemRecordRow, RecordTransitionRow, ChangeRequestRow, ChangeEventRow)
_FLAG_N = 1000  # the conflict flag's uid: derived(op uid, 1000), so a replay flags once
CONFLICT = "离线操作冲突 offline conflict"
_LOCAL_FILE = re.compile(r"^(?:record|lesson|report)-0*(\d+)-")


def _register_local_ids() -> None:
    from kbapp.replica import _local_id

    for model in (ReportRow, LessonRow, ProblemRecordRow, RecordTransitionRow, ChangeRequestRow, ChangeEventRow):
        if not event.contains(model, "before_insert", _local_id):
            event.listen(model, "before_insert", _local_id)


def copy_services(view: Any, store: Store) -> None:
    """The document services on a desk's copy (kbapp.replica.CopyView): the copy's rows, the
    desk's library and index."""
    from kbapp.plan.changes import ChangeRequestService
    from kbapp.records.service import RecordService
    from kbapp.reports.lessons import LessonService
    from kbapp.reports.service import ReportService

    _register_local_ids()
    view.reports = ReportService(store, view)
    view.lessons = LessonService(store, view)
    view.records = RecordService(store, view)
    view.change_requests = ChangeRequestService(store, view)


def _service_class(name: str) -> type:
    from kbapp.plan.changes import ChangeRequestService
    from kbapp.records.service import RecordService
    from kbapp.reports.lessons import LessonService
    from kbapp.reports.service import ReportService

    return {"reports": ReportService, "lessons": LessonService, "records": RecordService,
            "change_requests": ChangeRequestService}[name]


def _copy_view(kb: KnowledgeBase) -> Any:
    return kb.replica.incidents.kb  # the CopyView the copy's incident service was made with


def is_pending(value: Any) -> bool:
    """An id (or its text, as the command line gives it) of a row made on this desk's copy."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and value >= LOCAL_BASE


# -- the local-first services -----------------------------------------------------------------
class LocalFirstWrites:
    """``kb.desk_records`` and the rest in team mode: every write made on the desk's copy and
    queued first, then sent while the server answers (:meth:`_write`); reads from the server
    while it answers, else from the copy. Shares the incidents' offline state
    (kb.desk_incidents), so a command says once that it is offline and a window offline
    does not wait on the network for each read."""

    def __init__(self, kb: KnowledgeBase, name: str) -> None:
        if name not in WRITES:
            raise ValueError(name)
        self.kb, self.name = kb, name

    @property
    def _desk(self) -> Any:
        return self.kb.desk_incidents

    def _server(self) -> Any:
        from kbapp.store.db import StoreUnreachable

        desk = self._desk
        if desk.offline:
            return None
        try:
            return getattr(self.kb, self.name)
        except StoreUnreachable as exc:
            desk.went_offline(exc)
            return None

    @property
    def copy(self) -> Any:
        return getattr(_copy_view(self.kb), self.name)

    def __getattr__(self, attr: str) -> Any:
        from kbapp.store.db import StoreUnreachable

        if attr.startswith("_"):
            raise AttributeError(attr)
        kind = _service_class(self.name)  # (not the copy's object: online, the copy is not opened)
        if not callable(getattr(kind, attr, None)):
            server = self._server()
            return getattr(server if server is not None else self.copy, attr)

        def call(*args: Any, **kwargs: Any) -> Any:
            server = None if _names_pending(args, kwargs) else self._server()
            if attr in WRITES[self.name]:
                return self._write(attr, args, kwargs, online=server is not None)
            if server is not None:
                try:
                    return getattr(server, attr)(*args, **kwargs)
                except StoreUnreachable as exc:
                    self._desk.went_offline(exc)
            return getattr(self.copy, attr)(*args, **kwargs)

        return call

    def _write(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], online: bool) -> Any:
        """On the copy and in the outbox (:meth:`_queue`), then, while the server answers, sent
        at once: what the server made is returned. A copy that refuses while the server
        answers may be behind it: refreshed, and asked again."""
        from kbapp.errors import KbError
        from kbapp.offline import Outbox, push
        from kbapp.store.db import StoreError, StoreUnreachable

        desk = self._desk
        try:
            item, made = self._queue(method, args, kwargs)
        except StoreError:
            raise
        except KbError:
            if not online or not desk._refresh_copy():
                raise
            item, made = self._queue(method, args, kwargs)
        if online:
            try:
                done = push(self.kb, item)
            except StoreUnreachable as exc:
                desk.went_offline(exc)
            except StoreError:
                raise  # the server is broken, not refusing: the write stays queued
            except KbError:
                Outbox(self.kb.home.root).remove(item.uid)  # refused now, said now
                desk._refresh_copy()  # the other desk's move on the copy, this one taken out
                raise
            else:
                # The copy becomes the server's rows again, and the file this desk wrote
                # under a pending number leaves the library (the server's numbered one stays).
                desk._refresh_copy()
                return made if done is None else done  # None: another sync of this home sent it
        desk.queued.append(item)
        return made

    def _queue(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Queued, Any]:
        from kbapp.offline import Outbox, encode

        copy = self.copy
        kwargs = _bound(getattr(copy, method), args, kwargs)
        if kwargs.get("actor") is None:
            kwargs["actor"] = self.kb.actor_name()
        if self.name == "records" and method == "move":
            _freeze_sign_off(copy, kwargs)
        if self.name == "lessons" and is_pending(kwargs.get("report_id")):
            from kbapp.reports.errors import ReportError

            raise ReportError("report_id: that report was written offline; add the lesson once the server has it",
                              field="report_id")
        for key in _REFS:
            if is_pending(kwargs.get(key)):
                kwargs[key] = _uid_of(self.kb, key, int(kwargs[key]))
        outbox = Outbox(self.kb.home.root)
        item = outbox.make("write", {"service": self.name, "method": method, "kwargs": encode(kwargs)})
        made = self.kb.replica.apply(item)  # refused here (nothing queued) when the copy says it is not possible
        outbox.put(item)
        return item, made


def _bound(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    signature = inspect.signature(method)
    bound = signature.bind(*args, **kwargs).arguments
    out: dict[str, Any] = {}
    for name, value in bound.items():
        if signature.parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
            out.update(value)
        else:
            out[name] = value
    return out


def _freeze_sign_off(records: Any, kwargs: dict[str, Any]) -> None:
    """The sign-off's supervisor and role as this desk knows them now, kept with the move, so
    the server checks the same person and role the copy checked."""
    from kbapp.records import workflow as wf

    try:
        if wf.check_state(kwargs.get("to_state")) != wf.SIGNED_OFF:
            return
    except wf.RecordError:
        return  # the copy says so
    if not str(kwargs.get("supervisor") or "").strip():
        kwargs["supervisor"] = kwargs["actor"]
    if not str(kwargs.get("supervisor_role") or "").strip():
        kwargs["supervisor_role"] = records.role_of(str(kwargs["supervisor"]).strip())


def _names_pending(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """A call about a row made offline (an id from LOCAL_BASE up): only the copy knows it."""
    values = [*args[:1], *(kwargs.get(k) for k in _REFS)]
    return any(is_pending(getattr(v, "id", v)) for v in values)


def _uid_of(kb: KnowledgeBase, key: str, row_id: int) -> str:
    model = _REFS[key]
    uid = kb.replica.store.read(lambda s: s.scalar(select(model.uid).where(model.id == row_id)))
    if not uid:
        from kbapp.errors import NotFoundError

        raise NotFoundError(f"{key}: no #{row_id} on this desk", field=key)
    return str(uid)


# -- replaying (on the copy, or on the server) ------------------------------------------------------
def already_stored(s: Session, uid: str) -> bool:
    """A row of this operation is in the database already (a replay)."""
    from kbapp.store.models import ActionRow

    return any(s.scalar(select(model.id).where(model.uid == uid)) is not None
               for model in (ActionRow, *_UID_TABLES))


def _resolve(target: Any, key: str, value: Any) -> Any:
    """A row named by its uid in the outbox: its id on ``target`` (the server, or the copy)."""
    from kbapp.incidents.service import looks_like_uid

    if not (isinstance(value, str) and looks_like_uid(value)):
        return value
    if key == "incident_id":
        return target.incidents.number_of(value)
    model = _REFS[key]
    found = target.store.read(lambda s: s.scalar(select(model.id).where(model.uid == value)))
    if found is None:
        from kbapp.errors import NotFoundError

        raise NotFoundError(f"{key}: the row made offline as {value} is not there (was it refused?)", field=key)
    return int(found)


def perform(target: Any, item: Queued) -> Any:
    """Replay the ``write`` operation ``item`` on ``target`` (the knowledge base, or a copy's
    view of it). Raises AlreadyApplied when its rows are there already."""
    from kbapp.incidents.service import AlreadyApplied
    from kbapp.offline import _decode

    a = item.args
    service, method = a["service"], a["method"]
    if method not in WRITES.get(service, ()):
        raise ValueError(f"cannot replay {service}.{method}")
    svc = getattr(target, service)
    if svc.store.read(lambda s: already_stored(s, item.uid)):
        raise AlreadyApplied(item.uid)
    kwargs = _decode(a.get("kwargs") or {})
    for key in _REFS:
        if key in kwargs:
            kwargs[key] = _resolve(target, key, kwargs[key])
    return getattr(svc, method)(**kwargs)


def send_one(kb: KnowledgeBase, item: Queued, result: SendResult) -> None:
    """One queued document write onto the server: stored, recognised as stored, or refused
    and flagged (a move) or said (a new one) — never dropped without a word."""
    from kbapp.errors import KbError
    from kbapp.incidents.service import AlreadyApplied
    from kbapp.offline import describe
    from kbapp.store.db import StoreError

    try:
        perform(kb, item)
        result.sent += 1
    except AlreadyApplied:
        result.duplicates += 1
    except StoreError:
        raise  # unreachable (the send stops, the rest waits) or broken: not the server's refusal
    except KbError as exc:
        text = f"{CONFLICT}: {describe(item)} was refused: {exc}; please settle it"
        result.conflicts.append(text)
        log.warning("%s", text)
        try:
            _flag(kb, item, text)
        except AlreadyApplied:
            pass
        except StoreError:
            raise
        except KbError as again:  # nothing left to flag on (the row is gone): said, and in the log
            log.warning("offline %s not flagged: %s", item.uid, again)


def _flag(kb: KnowledgeBase, item: Queued, text: str) -> None:
    from kbapp.incidents.service import REPLAY_UID
    from kbapp.offline import _decode

    a = item.args
    kwargs = _decode(a.get("kwargs") or {})
    flag_uid = derived(item.uid, _FLAG_N)
    payload = {"conflict": True, "offline": {"uid": item.uid, "made_at": item.made_at.isoformat(), **a}}
    if a["service"] == "records" and a["method"] == "move":
        _flag_record(kb, _resolve(kb, "record_id", kwargs["record_id"]), text, payload, flag_uid, kwargs)
    elif a["service"] == "change_requests" and "change_id" in kwargs:
        _flag_change(kb, _resolve(kb, "change_id", kwargs["change_id"]), text, payload, flag_uid, kwargs)
    elif kwargs.get("incident_id") is not None and a["service"] in ("reports", "lessons"):
        from kbapp.incidents import types as itypes

        svc = kb.incidents
        incident_id = _resolve(kb, "incident_id", kwargs["incident_id"])
        token = REPLAY_UID.set([flag_uid, 0])
        try:
            svc._write(incident_id, lambda s, row, now: svc._append(
                s, row, itypes.NOTE, actor=svc._actor(kwargs.get("actor")), at=now, details=text, payload=payload))
        finally:
            REPLAY_UID.reset(token)


def _flag_record(kb: KnowledgeBase, record_id: int, text: str, payload: dict[str, Any], uid: str,
                 kwargs: dict[str, Any]) -> None:
    records = kb.records

    def work(s: Session) -> Any:
        if already_stored(s, uid):
            return None
        row = records._row(s, record_id, lock=True)
        s.add(RecordTransitionRow(record_id=row.id, at=records.now(), actor=records._actor(kwargs.get("actor")),
                                  from_kind=row.kind, from_state=row.state, to_kind=row.kind, to_state=row.state,
                                  fields=payload, note=text, uid=uid))
        s.flush()
        return records._save_document(s, row)

    record = kb.store.write(work)
    if record is not None:
        records._index(record)


def _flag_change(kb: KnowledgeBase, change_id: int, text: str, payload: dict[str, Any], uid: str,
                 kwargs: dict[str, Any]) -> None:
    changes = kb.change_requests

    def work(s: Session) -> None:
        if already_stored(s, uid):
            return
        row = changes._row(s, change_id)
        s.add(ChangeEventRow(change_id=row.id, at=changes.now(), actor=changes._actor(kwargs.get("actor")),
                             action="conflict", from_state=row.state, to_state=row.state, fields=payload,
                             note=text, uid=uid))

    kb.store.write(work)


def describe_write(item: Queued) -> str:
    a = item.args
    what = {"reports": "report", "lessons": "lesson", "records": "problem record",
            "change_requests": "change request"}.get(str(a.get("service")), a.get("service"))
    return f"{what} {a.get('method')} (made offline at {item.made_at.isoformat(timespec='seconds')}, {item.uid})"


# -- refreshing the copy from the server ---------------------------------------------------------------
# Each copied table, the table of its moves (append-only) and that table's column naming it,
# and what tells that a row changed.
_COPIED: tuple[tuple[Any, Any, str, tuple[str, ...]], ...] = (
    (ReportRow, None, "", ("submitted_at", "title", "path")),
    (LessonRow, None, "", ("created_at", "doc_id")),
    (ProblemRecordRow, RecordTransitionRow, "record_id", ("updated_at", "state", "kind", "file_name")),
    (ChangeRequestRow, ChangeEventRow, "change_id", ("updated_at", "state")),
)


def _signatures(s: Session, model: Any, child: Any, fk: str, names: tuple[str, ...], local: bool = False) -> dict:
    table = model.__table__
    shape: dict[int, tuple[int, int]] = {}
    if child is not None:
        ctable = child.__table__
        shape = {int(i): (int(n), int(top)) for i, n, top in s.execute(
            select(ctable.c[fk], func.count(ctable.c.id), func.max(ctable.c.id))
            .where(ctable.c.id < LOCAL_BASE).group_by(ctable.c[fk]))}
    rows = s.execute(select(table.c.id, *(table.c[n] for n in names)).where(table.c.id < LOCAL_BASE))
    return {int(r[0]): (*r[1:], shape.get(int(r[0]), (0, 0))) for r in rows}


def _rows(s: Session, table: Any, column: Any, ids: list[int]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for start in range(0, len(ids), 500)
            for r in s.execute(select(table).where(column.in_(ids[start:start + 500])).order_by(table.c.id))]


def _read_stale(s: Session, *, table: Any, child: Any, fk: str, ids: list[int]) -> tuple[list, list]:
    return (_rows(s, table, table.c.id, ids),
            _rows(s, child.__table__, child.__table__.c[fk], ids) if child is not None else [])


def refresh_documents(server: Store, copy: Store) -> int:
    """Take this desk's layer of documents away and bring the copy's reports, lessons, records
    and change requests up to the server's (only the rows that differ are copied again);
    returns how many rows were copied. The outbox is applied again afterwards (kbapp.replica)."""
    theirs = server.read(lambda s: [_signatures(s, *spec) for spec in _COPIED])
    copied = [0]

    def work(s: Session) -> None:
        for (model, child, fk, names), their in zip(_COPIED, theirs, strict=True):
            table = model.__table__
            s.execute(table.delete().where(table.c.id >= LOCAL_BASE))
            if child is not None:
                s.execute(child.__table__.delete().where(child.__table__.c.id >= LOCAL_BASE))
            ours = _signatures(s, model, child, fk, names)
            stale = sorted({i for i, sig in their.items() if ours.get(i) != sig})
            gone = sorted(set(ours) - set(their))
            drop = stale + gone
            for start in range(0, len(drop), 500):
                chunk = drop[start:start + 500]
                if child is not None:
                    s.execute(child.__table__.delete().where(child.__table__.c[fk].in_(chunk)))
                s.execute(table.delete().where(table.c.id.in_(chunk)))
            if not stale:
                continue
            rows = server.read(partial(_read_stale, table=table, child=child, fk=fk, ids=stale))
            for tbl, batch in ((table, rows[0]), (child.__table__ if child is not None else None, rows[1])):
                if tbl is not None and batch:
                    names_ = {c.name for c in tbl.columns}
                    s.execute(tbl.insert(), [{k: v for k, v in r.items() if k in names_} for r in batch])
            copied[0] += len(stale)

    copy.write(work)
    return copied[0]


def forget_local_files(kb: KnowledgeBase, copy: Store) -> list[Path]:
    """The library files of documents made on this desk (a pending id in their name) that
    the copy no longer has (sent: the server's numbered file replaced them), taken out of
    the library and the index."""
    def claimed(s: Session) -> set[str]:
        names = {Path(p).name for p in s.scalars(select(ReportRow.path)) if p}
        names |= {Path(p).name for p in s.scalars(select(LessonRow.path)) if p}
        names |= {n for n in s.scalars(select(ProblemRecordRow.file_name)) if n}
        return names

    kept = copy.read(claimed)
    removed: list[Path] = []
    for folder in (kb.home.reports, kb.home.lessons, kb.home.records):
        if not Path(folder).is_dir():
            continue
        for path in Path(folder).glob("*.md"):
            found = _LOCAL_FILE.match(path.name)
            if found and int(found.group(1)) >= LOCAL_BASE and path.name not in kept:
                path.unlink(missing_ok=True)
                removed.append(path)
    if removed:
        from kbapp.sync import DeskSync

        DeskSync(kb)._reindex([], removed)
    return removed
