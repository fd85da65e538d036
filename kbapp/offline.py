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
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbapp.store.ids import uuid7

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.service import IncidentService
    from kbapp.incidents.types import Action
    from kbapp.store.models import IncidentRow

OUTBOX_FILE = "outbox.sqlite3"
OPS = ("note", "step", "status", "resolve")
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

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "duplicates": self.duplicates, "conflicts": self.conflicts,
                "waiting": self.waiting}


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
        if op not in OPS:
            raise ValueError(f"cannot queue {op!r} offline")
        made_at = (made_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        item = Queued(uuid7(), op, dict(args), made_at)
        conn = self._connect()
        try:
            conn.execute("INSERT INTO outbox (uid, op, args, made_at) VALUES (?, ?, ?, ?)",
                         (item.uid, op, json.dumps(args, ensure_ascii=False), made_at.isoformat()))
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


def _call(svc: IncidentService, item: Queued) -> Action:
    a = item.args
    actor = a.get("actor") or None  # who made it, when it was queued
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
    what = {"note": "note", "step": f"step {a.get('step')} {a.get('result')}",
            "status": f"status → {a.get('status')}", "resolve": "resolved"}[item.op]
    return f"{what} (made offline at {item.made_at.isoformat(timespec='seconds')}, {item.uid})"


def send(kb: KnowledgeBase) -> SendResult:
    """Replay the outbox onto the server, oldest first; stops (leaving the rest queued) when
    the server stops answering."""
    from kbapp.incidents import types as itypes
    from kbapp.incidents.base import REPLAY_AT
    from kbapp.incidents.errors import IncidentError
    from kbapp.incidents.service import REPLAY_UID, AlreadyApplied
    from kbapp.store.db import StoreUnreachable

    outbox = Outbox(kb.home.root)
    result = SendResult()
    items = outbox.items()
    for index, item in enumerate(items):
        uid_token, at_token = REPLAY_UID.set([item.uid, 0]), REPLAY_AT.set(item.made_at)
        try:
            svc = kb.incidents
            try:
                _call(svc, item)
                result.sent += 1
            except AlreadyApplied:
                result.duplicates += 1
            except IncidentError as exc:
                # Kept, flagged for a person: the move made offline and why it was refused now.
                text = f"{CONFLICT_NOTE}: {describe(item)} was refused: {exc}; please settle it"
                incident_id = int(item.args["id"])

                def flag(s: Session, row: IncidentRow, now: dt.datetime, text: str = text, item: Queued = item,
                         svc: IncidentService = svc) -> Action:
                    return svc._append(s, row, itypes.NOTE, actor=svc._actor(item.args.get("actor")), at=now,
                                       details=text,
                                       payload={"conflict": True, "offline": {"op": item.op, "args": item.args}})
                try:
                    svc._write(incident_id, flag)
                    result.conflicts.append(text)
                except AlreadyApplied:
                    result.duplicates += 1
                except IncidentError:  # no such incident any more: nothing to flag on
                    result.conflicts.append(text)
        except StoreUnreachable:
            result.waiting = len(items) - index
            return result
        finally:
            REPLAY_UID.reset(uid_token)
            REPLAY_AT.reset(at_token)
        outbox.remove(item.uid)  # after the server's commit: a crash before this replays, harmlessly
    return result
