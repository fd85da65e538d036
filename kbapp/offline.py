"""A desk's offline outbox: incident actions made while the shared server was unreachable,
kept in the data home (``outbox.sqlite3``) until the server has them.

Each queued operation (a note, a step result, a status move, a resolution) gets a
client-made UUIDv7 and the time the engineer made it. ``send()`` replays them in order
through the incident service as if they were made then: the first action of each
operation carries the operation's uid (kbapp.store.ids), so a replay of an operation the
server already has (the desk was killed between the server's commit and the outbox's
delete) is recognised under the incident's row lock and skipped. Actions are only ever
added, so the merge is a union and replaying it is safe.

When the move made offline is no longer legal (another desk resolved the incident
meanwhile), it is not lost: a note flagged ``conflict`` records what was done offline,
when and why it was refused, for a person to settle; the other desk's move stands.

A new incident can be started offline too (op ``start``): its id is then the operation's
UUIDv7, the number people say aloud is "pending" (:func:`pending_incidents`) until the
server numbers it on the first send, and later operations naming that uid reach the
numbered incident. The number comes from the server alone, so two desks never give one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kbapp.store.ids import uuid7

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.service import IncidentService
    from kbapp.incidents.types import Action
    from kbapp.store.models import IncidentRow

log = logging.getLogger(__name__)
T = TypeVar("T")

OUTBOX_FILE = "outbox.sqlite3"
OPS = ("start", "note", "step", "status", "resolve", "call", "write")
# Op "write": a report, lesson, problem record or change request written offline (kbapp.desk_writes).
# Op "call": any other write of the incident service (or settle / escalate) by its method
# name and its arguments, replayed as that call (kbapp.local_first makes them).
CALLS = frozenset({"start", "attach_playbook", "step", "copy_command", "note", "record_plan", "set_status",
                   "resolve", "change_level", "acknowledge", "correct_notified_at", "set_responsible",
                   "set_reporter", "set_channel", "correct", "settle", "escalate_now", "escalate_due",
                   "record_delivery", "link_follow_up"})
CONFLICT_NOTE = "离线操作冲突 offline conflict"


@dataclass(frozen=True)
class Queued:
    uid: str
    op: str
    args: dict[str, Any]
    made_at: dt.datetime


@dataclass
class SendResult:
    sent: int = 0
    duplicates: int = 0  # already on the server (a replay)
    conflicts: list[str] = field(default_factory=list)  # what was refused, as said in the flagged note
    waiting: int = 0  # still in the outbox (the server stopped answering again)
    numbered: dict[str, int] = field(default_factory=dict)  # incident started offline (uid) → its number

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "duplicates": self.duplicates, "conflicts": self.conflicts,
                "waiting": self.waiting, "numbered": self.numbered}


@dataclass(frozen=True)
class PendingIncident:
    """An incident started on this desk while offline: no number until the server gives one."""
    uid: str
    title: str
    level: str
    made_at: dt.datetime
    actor: str
    queued: tuple[Queued, ...]  # its start and what was logged on it since, in order

    def to_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "number": None, "pending": True, "title": self.title, "level": self.level,
                "made_at": self.made_at.isoformat(), "actor": self.actor,
                "queued": [{"uid": q.uid, "op": q.op, "made_at": q.made_at.isoformat(), "what": describe(q)}
                           for q in self.queued]}


class Outbox:
    def __init__(self, home_root: Path):
        self.path = Path(home_root) / OUTBOX_FILE

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT UNIQUE "
                     "NOT NULL, op TEXT NOT NULL, args TEXT NOT NULL, made_at TEXT NOT NULL)")
        return conn

    def add(self, op: str, args: dict[str, Any], made_at: dt.datetime | None = None) -> Queued:
        return self.put(self.make(op, args, made_at))

    def make(self, op: str, args: dict[str, Any], made_at: dt.datetime | None = None) -> Queued:
        """The operation as it will be queued (not queued yet)."""
        if op not in OPS:
            raise ValueError(f"cannot queue {op!r} offline")
        if made_at is None:
            from kbapp.sync import desk_now

            made_at = desk_now()  # this desk's clock, when the engineer made it
        made_at = made_at.astimezone(dt.UTC)
        uid = uuid7(int(made_at.timestamp() * 1000))
        if op == "start":
            args = {**args, "uid": uid}  # the incident's id until the server numbers it
        return Queued(uid, op, dict(args), made_at)

    def put(self, item: Queued) -> Queued:
        conn = self._connect()
        try:
            conn.execute("INSERT INTO outbox (uid, op, args, made_at) VALUES (?, ?, ?, ?)",
                         (item.uid, item.op, json.dumps(item.args, ensure_ascii=False),
                          item.made_at.isoformat()))
        finally:
            conn.close()
        return item

    def items(self) -> list[Queued]:
        if not self.path.exists():
            return []
        conn = self._connect()
        try:
            rows = conn.execute("SELECT uid, op, args, made_at FROM outbox ORDER BY seq").fetchall()
        finally:
            conn.close()
        return [Queued(uid, op, json.loads(args), dt.datetime.fromisoformat(made)) for uid, op, args, made in rows]

    def count(self) -> int:
        return len(self.items())

    def remove(self, uid: str) -> None:
        conn = self._connect()
        try:
            conn.execute("DELETE FROM outbox WHERE uid = ?", (uid,))
        finally:
            conn.close()


def run_or_queue(kb: KnowledgeBase, op: str, args: dict[str, Any], fn: Callable[[], T]) -> T | Queued:
    """``fn()`` (the same operation, on the server); in team mode with the server unreachable,
    the operation made on this desk's copy and queued in its outbox instead (:func:`queue`)."""
    from kbapp.store.db import StoreUnreachable

    try:
        return fn()
    except StoreUnreachable:
        if not kb.shares_database:
            raise
        return queue(kb, op, args)[0]


def server_ref(kb: KnowledgeBase, ref: Any) -> Any:
    """How the server will know the incident ``ref`` of this desk's copy: its number, or for
    one started here and not numbered yet, its desk-made uid."""
    from kbapp.incidents.service import looks_like_uid
    from kbapp.replica import is_local_id

    if looks_like_uid(ref):
        return str(ref).strip().lower()
    try:
        number = int(ref)
    except (TypeError, ValueError):
        return ref
    if is_local_id(number):
        uid = kb.replica.incidents.get(number).uid
        return uid or ref
    return ref


def queue(kb: KnowledgeBase, op: str, args: dict[str, Any], known: bool | None = None) -> tuple[Queued, Any]:
    """Local first: the operation made on this desk's copy of the incidents (kbapp.replica),
    then kept in the outbox until the server has it. Refused (IncidentError, nothing queued)
    when the copy has the incident and the operation is not possible on it; an incident the
    copy never saw is queued as it is, for the server to decide. Returns the queued item and
    what the copy made (an Action, an incident id, or None)."""
    from kbapp.incidents.errors import IncidentError

    args = {**args, "actor": args.get("actor") or kb.actor_name()}
    if "id" in args:
        args["id"] = server_ref(kb, args["id"])
    outbox = Outbox(kb.home.root)
    item = outbox.make(op, args)
    replica = kb.replica
    if known is not None:  # the caller looked (kbapp.local_first)
        pass
    elif "id" in args:
        try:
            replica.incidents.get(replica.incidents.number_of(args["id"]))
            known = True
        except IncidentError:
            known = False
    elif op != "call" or args.get("method") != "correct":
        known = True
    else:  # the action corrected, by its uid
        uid = (args.get("kwargs") or {}).get("action_uid")
        try:
            known = bool(uid) and action_by_uid(replica.incidents, str(uid)) > 0
        except IncidentError:
            known = False
    made = replica.apply(item) if known else None
    outbox.put(item)
    return item, made


def pending_incidents(home_root: Path) -> list[PendingIncident]:
    """The incidents started offline on this desk that the server has not numbered yet."""
    items = Outbox(home_root).items()
    found: dict[str, PendingIncident] = {}
    for item in items:
        if _starts(item):
            a = item.args if item.op == "start" else item.args.get("kwargs") or {}
            found[item.uid] = PendingIncident(item.uid, str(a.get("title", "")), str(a.get("level", "")),
                                              item.made_at, str(a.get("actor") or ""), (item,))
        else:
            ref = str(item.args.get("id", "")).strip().lower()
            if ref in found:
                p = found[ref]
                found[ref] = PendingIncident(p.uid, p.title, p.level, p.made_at, p.actor, (*p.queued, item))
    return list(found.values())


def pending_incident(home_root: Path, ref: str) -> PendingIncident | None:
    ref = str(ref).strip().lower()
    return next((p for p in pending_incidents(home_root) if p.uid == ref), None)


def _start_args(a: dict[str, Any]) -> dict[str, Any]:
    keys = ("title", "level", "description", "category", "channel", "reporter", "responsible", "customer", "system")
    args: dict[str, Any] = {k: a[k] for k in keys if k in a}
    args["playbook_ids"] = list(a.get("playbooks") or [])
    if a.get("notified_at"):
        args["notified_at"] = dt.datetime.fromisoformat(a["notified_at"])
    return args


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$time"}:
            return dt.datetime.fromisoformat(value["$time"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def encode(value: Any) -> Any:
    """Arguments as the outbox keeps them (JSON; a time as {"$time": iso})."""
    if isinstance(value, dt.datetime):
        return {"$time": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(v) for v in value]
    return value


def call_operation(svc: IncidentService, item: Queued, kb: KnowledgeBase) -> Any:
    """Replay ``item`` through ``svc`` (the server's incident service, or this desk's copy's)."""
    if item.op == "write":
        from kbapp.desk_writes import perform

        return perform(svc.kb, item)
    if item.op != "call":
        return _call(svc, item)
    a = item.args
    method, kwargs = a["method"], _decode(a.get("kwargs") or {})
    if method not in CALLS:
        raise ValueError(f"cannot replay {method!r}")
    if method == "start":
        return svc.start(**kwargs, uid=item.uid).id
    if method == "correct":
        uid = kwargs.pop("action_uid", None)
        if uid:  # the action by its uid: made offline, it has no id on the server until it is sent
            kwargs["action_id"] = action_by_uid(svc, uid)
        return svc.correct(**kwargs)
    kwargs["incident_id"] = svc.number_of(a["id"])
    if method == "settle":
        from kbapp.incidents.merge import settle

        return settle(svc, **kwargs)
    if method in ("escalate_now", "escalate_due"):
        from kbapp.incidents.watcher import Watcher

        watcher = Watcher(svc.kb)  # (on a desk's copy, svc.kb is its CopyView)
        return watcher.escalate_now(**kwargs) if method == "escalate_now" else watcher.replay_due(**kwargs)
    if method == "record_delivery":
        from kbapp.incidents.desk_watch import record_delivery

        kwargs.pop("actor", None)
        return record_delivery(svc, **kwargs)
    return getattr(svc, method)(**kwargs)


def action_by_uid(svc: IncidentService, uid: str) -> int:
    """The id, in ``svc``'s database, of the action stored under ``uid`` (IncidentError if none)."""
    from sqlalchemy import select

    from kbapp.incidents.errors import IncidentError
    from kbapp.store.models import ActionRow

    found = svc.store.read(lambda s: s.scalar(select(ActionRow.id).where(ActionRow.uid == uid)))
    if found is None:
        raise IncidentError(f"action_id: no action {uid} here yet", field="action_id")
    return int(found)


def action_uid(svc: IncidentService, action_id: int) -> str | None:
    """The uid the action ``action_id`` of ``svc``'s database is stored under (None if none)."""
    from kbapp.store.models import ActionRow

    def read(s: Session) -> str | None:
        row = s.get(ActionRow, action_id)
        return row.uid if row is not None else None

    return svc.store.read(read)


def _call(svc: IncidentService, item: Queued) -> Action | int:
    a = item.args
    actor = a.get("actor") or None  # who made it, when it was queued
    if item.op == "start":
        return svc.start(**_start_args(a), actor=actor, uid=a["uid"]).id
    a = {**a, "id": svc.number_of(a["id"])}  # a number, or an incident started offline: its number now
    if item.op == "note":
        return svc.note(a["id"], a["text"], actor=actor)
    if item.op == "step":
        return svc.step(a["id"], a["step"], a["result"], note=a.get("note", ""), playbook_id=a.get("playbook"),
                        goto=a.get("goto"), emergency_plan=bool(a.get("emergency_plan")), actor=actor)
    if item.op == "status":
        return svc.set_status(a["id"], a["status"], note=a.get("note", ""), close_reason=a.get("close_reason", ""),
                              actor=actor)
    return svc.resolve(a["id"], a["summary"], actor=actor)


def describe(item: Queued) -> str:
    a = item.args
    if item.op == "write":
        from kbapp.desk_writes import describe_write

        return describe_write(item)
    if item.op == "call":
        return f"{a.get('method')} (made offline at {item.made_at.isoformat(timespec='seconds')}, {item.uid})"
    what = {"start": f"started {a.get('title', '')!r}", "note": "note",
            "step": f"step {a.get('step')} {a.get('result')}",
            "status": f"status → {a.get('status')}", "resolve": "resolved"}[item.op]
    return f"{what} (made offline at {item.made_at.isoformat(timespec='seconds')}, {item.uid})"


def send(kb: KnowledgeBase) -> SendResult:
    """Replay the outbox onto the server, oldest first; stops (leaving the rest queued) when
    the server stops answering. One send at a time per data home (a file lock)."""
    from filelock import FileLock

    with FileLock(str(Path(kb.home.root) / ".outbox.lock")):
        return _send(kb)


def push(kb: KnowledgeBase, item: Queued) -> Any:
    """Local first, with the server answering: ``item`` is already on this desk's copy and in
    its outbox (:func:`queue`); what was queued before it is sent as :func:`send` does, then
    ``item`` itself. Returns what the server made of it (an Action, an incident's number …).

    A move the server refuses now (another desk made it first) is refused at once: the
    IncidentError is raised and the item taken out of the outbox, so the engineer who just
    made it is told, not a flagged note for someone to settle later. Raises StoreUnreachable
    when the server stops answering; the item (and what was before it) stays queued and the
    next sync sends it."""
    from filelock import FileLock

    with FileLock(str(Path(kb.home.root) / ".outbox.lock")):
        outbox = Outbox(kb.home.root)
        items = outbox.items()
        uids = [i.uid for i in items]
        if item.uid not in uids:  # another sync of this home sent it meanwhile
            return _already_sent(kb, item)
        result = SendResult()
        _replay(kb, outbox, items[:uids.index(item.uid)], result)
        if result.waiting:
            from kbapp.store.db import StoreUnreachable

            raise StoreUnreachable("the server stopped answering")
        return _push_one(kb, outbox, item)


def _push_one(kb: KnowledgeBase, outbox: Outbox, item: Queued) -> Any:
    from kbapp.incidents.base import REPLAY_AT
    from kbapp.incidents.errors import IncidentError
    from kbapp.incidents.service import REPLAY_UID, AlreadyApplied

    uid_token, at_token = REPLAY_UID.set([item.uid, 0]), REPLAY_AT.set(item.made_at)
    try:
        try:
            done = call_operation(kb.incidents, item, kb)
        except AlreadyApplied:
            done = _already_sent(kb, item)
        except IncidentError:
            outbox.remove(item.uid)  # refused now, said now: nothing left to send or to flag
            raise
    finally:
        REPLAY_UID.reset(uid_token)
        REPLAY_AT.reset(at_token)
    outbox.remove(item.uid)
    return done


def _already_sent(kb: KnowledgeBase, item: Queued) -> Any:
    """What the server holds of an operation it has already (found by the operation's uid)."""
    from sqlalchemy import select

    from kbapp.incidents import types as itypes
    from kbapp.store.models import ActionRow

    svc = kb.incidents
    if _starts(item):
        return svc.number_of(item.uid)

    def read(s: Session) -> Action | None:
        row = s.scalars(select(ActionRow).where(ActionRow.uid == item.uid)).first()
        return itypes.action_from_row(row) if row is not None else None

    return svc.store.read(read)


def _send(kb: KnowledgeBase) -> SendResult:
    outbox = Outbox(kb.home.root)
    result = SendResult()
    _replay(kb, outbox, outbox.items(), result)  # each replay derives status and milestones (merge.derive)
    return result


def _moves(item: Queued) -> bool:
    return item.op in ("status", "resolve") or (item.op == "call" and item.args.get("method") in
                                                ("set_status", "resolve"))


class _StaleMove:
    """REPLAY_GUARD of an offline status move: the other desk's later move it did not see (read
    under the row lock, before the move), and if there is one, the conflict flag appended in
    the move's own transaction — both moves kept, a person decides which stands."""

    def __init__(self, item: Queued) -> None:
        self.item = item
        self.flagged: str | None = None

    def before(self, s: Session, row: IncidentRow) -> Any:
        from kbapp.incidents import merge

        return merge.stale_move(s, row.id, self.item.made_at)

    def after(self, svc: IncidentService, s: Session, row: IncidentRow, stale: Any) -> None:
        if stale is None:
            return
        text = (f"{CONFLICT_NOTE}: {describe(self.item)} was applied after {stale.actor}'s later move "
                f"to {(stale.payload or {}).get('to')} ({stale.at.isoformat(timespec='seconds')}); please settle it")
        flag_move(svc, s, row, self.item, text, after=stale.id)
        self.flagged = text


def flag_move(svc: IncidentService, s: Session, row: IncidentRow, item: Queued, text: str, **payload: Any) -> Action:
    """The conflict note on ``row`` for the offline operation ``item`` (in the caller's transaction)."""
    from kbapp.incidents import types as itypes

    return svc._append(s, row, itypes.NOTE, actor=svc._actor(item.args.get("actor")), at=svc.now(), details=text,
                       payload={"conflict": True, "offline": {"op": item.op, "args": item.args}, **payload})


def _flag(svc: IncidentService, item: Queued, text: str) -> None:
    svc._write(svc.number_of(item.args["id"]), lambda s, row, _now: flag_move(svc, s, row, item, text))


def _replay(kb: KnowledgeBase, outbox: Outbox, items: list[Queued], result: SendResult) -> None:
    from kbapp.incidents.base import REPLAY_AT
    from kbapp.incidents.errors import IncidentError
    from kbapp.incidents.service import REPLAY_GUARD, REPLAY_UID, AlreadyApplied
    from kbapp.store.db import StoreUnreachable

    for index, item in enumerate(items):
        uid_token, at_token = REPLAY_UID.set([item.uid, 0]), REPLAY_AT.set(item.made_at)
        try:
            if item.op == "write":  # a document written offline (kbapp.desk_writes)
                from kbapp.desk_writes import send_one

                send_one(kb, item, result)
                outbox.remove(item.uid)
                continue
            svc = kb.incidents
            try:
                guard = _StaleMove(item) if _moves(item) else None
                guard_token = REPLAY_GUARD.set(guard)
                try:
                    done = call_operation(svc, item, kb)
                finally:
                    REPLAY_GUARD.reset(guard_token)
                result.sent += 1
                if _starts(item) and isinstance(done, int):
                    result.numbered[item.uid] = done
                if guard is not None and guard.flagged:  # both moves kept, flagged in the move's transaction
                    result.conflicts.append(guard.flagged)
            except AlreadyApplied:
                result.duplicates += 1
                if _starts(item):
                    result.numbered[item.uid] = svc.number_of(item.uid)
            except IncidentError as exc:
                # Kept, flagged for a person: the move made offline and why it was refused now.
                text = f"{CONFLICT_NOTE}: {describe(item)} was refused: {exc}; please settle it"
                if _starts(item) or "id" not in item.args:  # nothing to flag it on: said, and kept in the log file
                    log.warning("%s", text)
                    result.conflicts.append(text)
                    outbox.remove(item.uid)
                    continue
                try:
                    svc.number_of(item.args["id"])
                except IncidentError:
                    result.conflicts.append(text)
                    outbox.remove(item.uid)
                    continue

                try:
                    _flag(svc, item, text)
                    result.conflicts.append(text)
                except AlreadyApplied:
                    result.duplicates += 1
                except IncidentError:  # no such incident any more: nothing to flag on
                    result.conflicts.append(text)
        except StoreUnreachable:
            result.waiting = len(items) - index
            return
        finally:
            REPLAY_UID.reset(uid_token)
            REPLAY_AT.reset(at_token)
        outbox.remove(item.uid)  # after the server's commit: a crash before this replays, harmlessly


def _starts(item: Queued) -> bool:
    return item.op == "start" or (item.op == "call" and item.args.get("method") == "start")
