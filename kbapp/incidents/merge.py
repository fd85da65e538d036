"""What merging a desk's offline work leaves on an incident (kbapp.offline).

- Conflicts: a move made offline that the server refused (another desk moved first), or
  one that applied but was made before another desk's later move, is kept and flagged:
  a note with ``payload["conflict"]``. Until a person settles it (:func:`settle`, a note
  with ``payload["settles"]`` naming the flags) the incident shows it needs settling
  (:func:`unsettled`: ``kbapp incident show``, the window's incident view).
- Status and milestones derived from the actions (:func:`derive`, in the transaction of
  every replayed operation, on the server and on a desk's copy): the first response, plan
  and emergency plan are the earliest times any action shows them, and the status is the
  last move in log order — the server's sequence; on a copy, the server's actions then
  this desk's queued ones, the order the server will give them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kbapp.incidents import deadline_log
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import check_id, check_text
from kbapp.store.models import ActionRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.incidents.service import IncidentService
    from kbapp.store.models import IncidentRow

_RESPONDING_STATUSES = ("responding", "mitigated", "resolved")


def unsettled(actions: Iterable[itypes.Action]) -> list[itypes.Action]:
    """The conflict flags no later note has settled, in log order."""
    actions = list(actions)
    settled: set[int] = set()
    for a in actions:
        settled.update(int(i) for i in (a.payload or {}).get("settles", []) if isinstance(i, int))
    return [a for a in actions if (a.payload or {}).get("conflict") and a.id not in settled]


def settle(svc: IncidentService, incident_id: int, note: str, actor: str | None = None) -> itypes.Action:
    """A person looked at the flagged conflicts and says what stands: a note settling them all."""
    incident_id, actor = check_id(incident_id), svc._actor(actor)
    note = check_text(note, "note", required=True)

    def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
        actions = [itypes.action_from_row(r) for r in s.scalars(
            select(ActionRow).where(ActionRow.incident_id == row.id).order_by(ActionRow.id))]
        flags = unsettled(actions)
        if not flags:
            raise IncidentError(f"incident_id: incident #{row.id} has no conflict to settle", field="incident_id")
        return svc._append(s, row, itypes.NOTE, actor=actor, at=now, details=note,
                           payload={"settles": [a.id for a in flags]})

    return svc._write(incident_id, work)


def stale_move(s: Session, incident_id: int, made_at: dt.datetime) -> ActionRow | None:
    """The server's latest status move on the incident when it was made after ``made_at``
    (an offline move replayed now would undo a move it never saw)."""
    moves = s.scalars(select(ActionRow).where(ActionRow.incident_id == incident_id, ActionRow.kind == itypes.STATUS)
                      .order_by(ActionRow.id.desc()).limit(5))
    latest = next((m for m in moves if not (m.payload or {}).get("auto")), None)  # not a note's own response
    return latest if latest is not None and latest.at > made_at else None


def milestones(actions: Iterable[Any]) -> dict[str, Any]:
    """The incident's status and milestones as its actions show them, taken in log order (the
    id: on the server its sequence, under the incident's row lock; on a desk's copy the
    server's actions, then this desk's queued ones in the order the server will get them):
    the first response, plan and emergency plan are the earliest ``at`` any action shows
    (an offline response made before an online one counts from when it was made); the
    status, and when it was resolved / its report submitted / closed, follow the moves."""
    out: dict[str, Any] = {"responded_at": None, "plan_at": None, "emergency_plan_at": None, "status": None,
                           "moved": False, "resolved_at": None, "summary": None, "report_submitted_at": None,
                           "closed_at": None}

    def earliest(key: str, at: dt.datetime) -> None:
        if out[key] is None or at < out[key]:
            out[key] = at

    for a in sorted(actions, key=lambda a: a.id):
        payload = a.payload or {}
        if a.kind in deadline_log.RESPONDING_KINDS:
            earliest("responded_at", a.at)
        if a.kind == itypes.PLAN:
            earliest("plan_at", a.at)
        elif a.kind == itypes.EMERGENCY_PLAN:
            earliest("emergency_plan_at", a.at)
        elif a.kind == itypes.STATUS and payload.get("to"):
            to = payload["to"]
            if to in _RESPONDING_STATUSES:
                earliest("responded_at", a.at)
            out["status"], out["moved"] = to, True
            if to == lc.RESOLVED:
                out["resolved_at"], out["summary"] = a.at, a.details
            elif to == lc.RESPONDING and payload.get("from") == lc.RESOLVED:
                out["resolved_at"] = None  # reopened: the fault came back
            elif to == lc.REPORT_SUBMITTED:
                out["report_submitted_at"] = a.at
            elif to == lc.CLOSED:
                out["closed_at"] = a.at
    return out


def derive(s: Session, row: IncidentRow) -> bool:
    """The incident's summary columns set from its actions (:func:`milestones`), in the
    transaction that added to them: a replayed operation (kbapp.offline), on the server and
    on a desk's copy alike, so both show what the same actions in the same order say, and
    no crash can leave a merged action without its milestones. True when something changed."""
    s.flush()
    found = milestones(s.scalars(select(ActionRow).where(ActionRow.incident_id == row.id)))
    changed = False

    def put(key: str, value: Any) -> None:
        nonlocal changed
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True

    for key in ("responded_at", "plan_at", "emergency_plan_at", "report_submitted_at", "closed_at"):
        if found[key] is not None:
            put(key, found[key])
    if found["moved"]:
        put("status", found["status"])
        put("resolved_at", found["resolved_at"])
        if found["summary"] is not None:
            put("summary", found["summary"])
    return changed


def recompute(svc: IncidentService, incident_id: int) -> bool:
    """:func:`derive` in a transaction of its own; True when something changed."""
    return bool(svc._write(incident_id, lambda s, row, _now: derive(s, row)))
