"""An incident's deadlines, replayed from its append-only action log.

The log is the only truth: replaying it (in id order) gives the same due times, the
same ``met_at`` and the same missed deadlines on every desk and every run, whatever
the incident's summary columns say. Metrics (how many responses were late) and team
mode (logs merged across desks) rely on exactly this function.

The rules are those of :mod:`kbapp.incidents.deadlines`; what each action means here:

- ``created``: level, category and (since 0.2) the notification time in its payload;
- ``notified_at``: a correction of the notification time. A correction is a fact
  about the past, so the last one counts from the start, for every deadline;
- ``ack``, ``note``, ``plan``, ``emergency_plan``, ``step``, ``command_copied`` and a
  status move to responding/mitigated/resolved: an engineer responded;
- ``plan`` / ``emergency_plan``: the handling plan / emergency plan was given;
- status → resolved: the fault is solved (meets response, plan, emergency plan and
  resolution; starts the 24 h report); resolved → responding: it came back, so the
  resolution is open again and no report is due until it is solved again;
- status → report_submitted: the report is in; status → closed: the clocks stop;
- ``level``: re-plans what is still open (see the module above).

Team mode merges logs: an action an offline desk made reaches the log after others, with
the time it was made. So a response, plan or emergency plan is met at the earliest time
any action shows it, whatever the order they were logged in (kbapp.offline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kbapp.incidents import deadlines as dl

if TYPE_CHECKING:
    from kbapp.incidents.types import Action

# Kinds of action that show an engineer working on the incident (the response).
RESPONDING_KINDS = frozenset({"ack", "note", "plan", "emergency_plan", "step", "command_copied"})
_RESPONDING_STATUSES = frozenset({"responding", "mitigated", "resolved"})
_LEVEL_KEYS = (dl.PLAN, dl.RESOLUTION, dl.EMERGENCY_PLAN)
_EARLIEST_COUNTS = frozenset({dl.RESPONSE, dl.PLAN, dl.EMERGENCY_PLAN})


@dataclass(frozen=True)
class DeadlineRecord:
    """One deadline as the log defines it, independent of the clock."""

    key: str
    level: str
    starts_at: dt.datetime
    due_at: dt.datetime
    met_at: dt.datetime | None = None
    met_by: int | None = None  # the action that met it
    stopped_at: dt.datetime | None = None  # closed while missed: lateness counts to here
    replanned_at: dt.datetime | None = None  # a level change moved it

    def open_at(self, t: dt.datetime) -> bool:
        return self.met_at is None and t <= self.due_at


class DeadlinePlanner:
    """Applies the log's events in order; ``records()`` is the result."""

    def __init__(self, notified_at: dt.datetime, level: str, category: str = ""):
        dl.plan_window(level)  # a bad level fails here, before anything is planned
        self.notified_at, self.level, self.category = notified_at, level, category
        self.resolved_at: dt.datetime | None = None
        self.closed = False
        self._slots: dict[str, DeadlineRecord] = {}
        self._emergency_waived = False  # level I solved within 12 h: no emergency plan is due
        for key in (dl.RESPONSE, dl.PLAN, dl.RESOLUTION):
            self._slots[key] = self._planned(key, level)
        if level == "I":
            self._slots[dl.EMERGENCY_PLAN] = self._planned(dl.EMERGENCY_PLAN, level)

    def _planned(self, key: str, level: str) -> DeadlineRecord:
        starts, due = dl.window_for(key, level, self.notified_at, self.category)
        return DeadlineRecord(key, level, starts, due)

    def _meet(self, key: str, at: dt.datetime, action_id: int | None) -> None:
        slot = self._slots.get(key)
        if slot is None or self.closed:
            return
        # A response or plan an offline desk made earlier than the one logged first (its
        # actions reach the log later, with the time they were made): the earliest counts.
        earlier = key in _EARLIEST_COUNTS and slot.met_at is not None and at < slot.met_at
        if slot.met_at is None or earlier:
            self._slots[key] = replace(slot, met_at=at, met_by=action_id)

    # -- events ---------------------------------------------------------------------------
    def respond(self, at: dt.datetime, action_id: int | None = None) -> None:
        self._meet(dl.RESPONSE, at, action_id)

    def plan(self, at: dt.datetime, action_id: int | None = None) -> None:
        self._meet(dl.PLAN, at, action_id)

    def emergency_plan(self, at: dt.datetime, action_id: int | None = None) -> None:
        self._meet(dl.EMERGENCY_PLAN, at, action_id)

    def resolve(self, at: dt.datetime, action_id: int | None = None) -> None:
        if self.closed:
            return
        self.resolved_at = at
        emergency = self._slots.get(dl.EMERGENCY_PLAN)
        if emergency is not None and emergency.met_at is None and at <= emergency.starts_at:
            del self._slots[dl.EMERGENCY_PLAN]  # solved within 12 h: no emergency plan was due
            self._emergency_waived = True
        for key in (dl.RESPONSE, dl.PLAN, dl.EMERGENCY_PLAN, dl.RESOLUTION):
            self._meet(key, at, action_id)
        self._slots[dl.REPORT] = DeadlineRecord(dl.REPORT, self.level, at, at + dl.REPORT_WINDOW)

    def reopen(self, at: dt.datetime) -> None:
        if self.closed or self.resolved_at is None:
            return
        self.resolved_at = None
        report = self._slots.get(dl.REPORT)
        if report is not None and report.met_at is None:
            del self._slots[dl.REPORT]
        resolution = self._slots[dl.RESOLUTION]
        self._slots[dl.RESOLUTION] = replace(resolution, met_at=None, met_by=None)
        if self.level == "I" and self._emergency_waived:
            self._emergency_waived = False
            self._slots[dl.EMERGENCY_PLAN] = self._replanned(dl.EMERGENCY_PLAN, self.level, at, None)

    def report(self, at: dt.datetime, action_id: int | None = None) -> None:
        self._meet(dl.REPORT, at, action_id)

    def close(self, at: dt.datetime) -> None:
        if self.closed:
            return
        for key, slot in list(self._slots.items()):
            if slot.met_at is not None:
                continue
            if at <= slot.due_at:
                del self._slots[key]  # still running: moot now
            else:
                self._slots[key] = replace(slot, stopped_at=at)
        self.closed = True

    def change_level(self, at: dt.datetime, level: str) -> None:
        dl.plan_window(level)
        if self.closed or level == self.level:
            self.level = level
            return
        self.level = level
        for key in _LEVEL_KEYS:
            old = self._slots.get(key)
            applies = key != dl.EMERGENCY_PLAN or (level == "I" and self.resolved_at is None
                                                   and not self._emergency_waived)
            if old is not None and not old.open_at(at):
                continue  # met stays met, missed stays missed
            if not applies:
                self._slots.pop(key, None)
                continue
            self._slots[key] = self._replanned(key, level, at, old)

    def _replanned(self, key: str, level: str, at: dt.datetime, old: DeadlineRecord | None) -> DeadlineRecord:
        starts, due = dl.window_for(key, level, self.notified_at, self.category)
        if due < at:
            # The new level's time has passed already: its window runs from the change,
            # never ending later than the old deadline did.
            span = due - starts
            starts, due = at, at + span
            if old is not None:
                due = min(due, old.due_at)
        return DeadlineRecord(key, level, starts, due, replanned_at=at)

    def records(self) -> list[DeadlineRecord]:
        return sorted(self._slots.values(), key=lambda r: (r.due_at, r.key))


def replay(actions: Iterable, *, notified_at: dt.datetime, level: str, category: str = "") -> list[DeadlineRecord]:
    """The deadline records of one incident from its actions (``Action`` records or rows).

    ``notified_at``, ``level`` and ``category`` are used where the creation action does
    not carry them (logs written before they were recorded there).
    """
    actions = sorted(actions, key=lambda a: a.id)
    for action in actions:
        payload = action.payload or {}
        if action.kind == "created":
            level = payload.get("level") or level
            category = payload.get("category", category) or ""
            if payload.get("notified_at"):
                notified_at = dt.datetime.fromisoformat(payload["notified_at"])
        elif action.kind == "notified_at" and payload.get("to"):
            notified_at = dt.datetime.fromisoformat(payload["to"])
    planner = DeadlinePlanner(dl.aware(notified_at, "notified_at"), level, category)
    for action in actions:
        _apply(planner, action)
    return planner.records()


def _apply(planner: DeadlinePlanner, action: Action) -> None:
    kind, at, payload = action.kind, action.at, action.payload or {}
    if kind in RESPONDING_KINDS:
        planner.respond(at, action.id)
    if kind == "plan":
        planner.plan(at, action.id)
    elif kind == "emergency_plan":
        planner.emergency_plan(at, action.id)
    elif kind == "level" and payload.get("to"):
        planner.change_level(at, payload["to"])
    elif kind == "status":
        old, new = payload.get("from"), payload.get("to")
        if new in _RESPONDING_STATUSES:
            planner.respond(at, action.id)
        if new == "resolved":
            planner.resolve(at, action.id)
        elif new == "responding" and old == "resolved":
            planner.reopen(at)
        elif new == "report_submitted":
            planner.report(at, action.id)
        elif new == "closed":
            planner.close(at)


def deadlines_at(records: Iterable[DeadlineRecord], now: dt.datetime) -> list[dl.Deadline]:
    """Each record's state at ``now``, in due order."""
    out = [dl.evaluate(r.key, r.starts_at, r.due_at, r.met_at, now, level=r.level, stopped_at=r.stopped_at,
                       met_by=r.met_by) for r in records]
    return sorted(out, key=lambda d: (d.due_at, d.key))
