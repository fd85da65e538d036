"""Service metrics: whether the plan's promises were kept, from the action log.

Every figure comes from replaying each incident's log (:mod:`kbapp.incidents.deadline_log`),
the same replay the incident view and the fault report use, so a deadline counts here
exactly as it was shown: a correction of the notification time moves every deadline, a
level change re-plans only what was still open, and a deadline missed stays missed.

What counts (DOMAIN.md): incidents only (drills and inspections never do); an incident
closed as a duplicate or as not an incident is left out. A rate is the share of the
deadlines that are decided (met, or past their due time) that were met on time; one
still running counts nowhere, and a rate with nothing decided is None, not 0 or 1.
Times (to respond, to resolve) are from the notification, as the deadlines are; medians
and 90th percentiles use the nearest-rank method.

An incident is counted in the month (of ``tz``, the team's zone) and the level it has
when the figures are computed, with the category and customer it was logged with.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbapp.incidents import deadlines as dl
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import records as rec
from kbapp.incidents.deadline_log import DeadlineRecord, replay
from kbapp.model import LEVELS
from kbapp.store.models import ActionRow, IncidentRow

if TYPE_CHECKING:
    from typing import Any

EXCLUDED_CLOSE_REASONS = frozenset({lc.DUPLICATE, lc.NOT_AN_INCIDENT})
RATE_KEYS = {
    "response_on_time_rate": dl.RESPONSE,
    "plan_on_time_rate": dl.PLAN,
    "emergency_plan_on_time_rate": dl.EMERGENCY_PLAN,
    "resolution_on_time_rate": dl.RESOLUTION,
    "report_on_time_rate": dl.REPORT,
}


@dataclass(frozen=True)
class StepOutcome:
    playbook_id: str
    step: int
    title: str
    result: str


@dataclass(frozen=True)
class IncidentFacts:
    """One incident as the metrics see it."""

    id: int
    title: str
    level: str
    category: str
    customer: str
    notified_at: dt.datetime
    deadlines: tuple[DeadlineRecord, ...]
    resolved_at: dt.datetime | None  # the last resolution, None while (again) unsolved
    reopened: bool
    playbooks: tuple[str, ...]
    steps: tuple[StepOutcome, ...]

    def deadline(self, key: str) -> DeadlineRecord | None:
        return next((d for d in self.deadlines if d.key == key), None)

    def seconds_to(self, key: str) -> float | None:
        record = self.deadline(key)
        if record is None or record.met_at is None:
            return None
        return (record.met_at - self.notified_at).total_seconds()


def outcome(record: DeadlineRecord, now: dt.datetime) -> bool | None:
    """True met on time, False late (met late, or unmet past its due time), None not decided."""
    if record.met_at is not None:
        return record.met_at <= record.due_at
    if now > record.due_at:
        return False
    return None


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0-100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _rate(hits: int, decided: int) -> float | None:
    return None if decided == 0 else hits / decided


@dataclass
class Bucket:
    """The figures of one group of incidents (a level, a month, a customer...)."""

    facts: list[IncidentFacts] = field(default_factory=list)

    def figures(self, now: dt.datetime) -> dict:
        out: dict = {"incidents": len(self.facts)}
        missed: dict[str, list[int]] = {}
        for name, key in RATE_KEYS.items():
            decided = hits = 0
            late: list[int] = []
            for f in self.facts:
                record = f.deadline(key)
                verdict = None if record is None else outcome(record, now)
                if verdict is None:
                    continue
                decided += 1
                hits += verdict
                if not verdict:
                    late.append(f.id)
            out[name] = _rate(hits, decided)
            missed[key] = late
        respond = [s for f in self.facts if (s := f.seconds_to(dl.RESPONSE)) is not None]
        resolve = [(f.resolved_at - f.notified_at).total_seconds() for f in self.facts if f.resolved_at]
        out["mtta_median_s"] = percentile(respond, 50)
        out["mtta_p90_s"] = percentile(respond, 90)
        out["mttr_median_s"] = percentile(resolve, 50)
        out["mttr_p90_s"] = percentile(resolve, 90)
        solved = [f for f in self.facts if f.resolved_at or f.reopened]  # solved at least once
        day = dl.DAY.total_seconds()
        out["resolved_within_1d_rate"] = _rate(sum(s <= day for s in resolve), len(resolve))
        out["resolved_within_3d_rate"] = _rate(sum(s <= 3 * day for s in resolve), len(resolve))
        out["reopen_rate"] = _rate(sum(f.reopened for f in solved), len(solved))
        out["missed"] = missed  # deadline key -> the ids of the incidents that missed it
        return out


def facts_from(row: IncidentRow, actions: list) -> IncidentFacts | None:
    """The facts of one incident from its row and its actions (id order); None when it
    does not count (a drill, an inspection, a duplicate)."""
    if (row.mode or rec.MODE_INCIDENT) != rec.MODE_INCIDENT:
        return None
    customer = ""
    notified_at = row.notified_at
    resolved_at: dt.datetime | None = None
    reopened = False
    playbooks: list[str] = []
    steps: list[StepOutcome] = []
    for a in actions:
        payload = a.payload or {}
        if a.kind == rec.CREATED:
            customer = str(payload.get("customer") or "")
            if payload.get("notified_at"):
                notified_at = dt.datetime.fromisoformat(payload["notified_at"])
        elif a.kind == rec.NOTIFIED and payload.get("to"):
            notified_at = dt.datetime.fromisoformat(payload["to"])
        elif a.kind == rec.PLAYBOOK_ATTACHED and a.playbook_id and a.playbook_id not in playbooks:
            playbooks.append(a.playbook_id)
        elif a.kind == rec.STEP and a.playbook_id and a.step is not None and payload.get("result"):
            steps.append(StepOutcome(a.playbook_id, a.step, str(payload.get("step_title", "")), payload["result"]))
        elif a.kind == rec.STATUS:
            new, old = payload.get("to"), payload.get("from")
            if new == lc.RESOLVED:
                resolved_at = a.at
            elif new == lc.RESPONDING and old == lc.RESOLVED:
                resolved_at, reopened = None, True
            elif new == lc.CLOSED and payload.get("close_reason") in EXCLUDED_CLOSE_REASONS:
                return None
    records = replay(actions, notified_at=row.notified_at, level=row.level, category=row.category or "")
    return IncidentFacts(id=row.id, title=row.title, level=row.level, category=row.category or "",
                         customer=customer, notified_at=dl.aware(notified_at, "notified_at"),
                         deadlines=tuple(records), resolved_at=resolved_at, reopened=reopened,
                         playbooks=tuple(playbooks), steps=tuple(steps))


def load_facts(session: Session, start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[IncidentFacts]:
    """The counted incidents notified in [start, end) with their logs: two queries, the
    actions read in (incident, id) order through their index."""
    wanted = select(IncidentRow).where(IncidentRow.mode == rec.MODE_INCIDENT)
    if start is not None:
        wanted = wanted.where(IncidentRow.notified_at >= start)
    if end is not None:
        wanted = wanted.where(IncidentRow.notified_at < end)
    rows = {row.id: row for row in session.scalars(wanted)}
    if not rows:
        return []
    ids = wanted.with_only_columns(IncidentRow.id)
    by_incident: dict[int, list] = defaultdict(list)
    query = (select(ActionRow.id, ActionRow.incident_id, ActionRow.at, ActionRow.kind, ActionRow.step,
                    ActionRow.playbook_id, ActionRow.payload)
             .where(ActionRow.incident_id.in_(ids)).order_by(ActionRow.incident_id, ActionRow.id))
    for action in session.execute(query):
        by_incident[action.incident_id].append(action)
    facts = []
    for incident_id, row in rows.items():
        f = facts_from(row, by_incident.get(incident_id, []))
        if f is not None:
            facts.append(f)
    return facts


def month_of(t: dt.datetime, tz: dt.tzinfo | None) -> str:
    return t.astimezone(tz).strftime("%Y-%m")


def compute(facts: Iterable[IncidentFacts], now: dt.datetime, *, customer: str | None = None,
            tz: dt.tzinfo | None = None, top: int = 5) -> dict:
    """The figures, as JSON-ready data: ``overall``, ``levels`` (I-IV, always all four),
    ``by_category``, ``by_customer``, ``by_month``, and ``playbooks`` (the most used,
    with their most skipped and failed steps)."""
    chosen = [f for f in facts if customer is None or f.customer == customer]
    overall = Bucket(chosen)
    levels = {level: Bucket() for level in LEVELS}
    groups: dict[str, dict[str, Bucket]] = {"by_category": defaultdict(Bucket), "by_customer": defaultdict(Bucket),
                                            "by_month": defaultdict(Bucket)}
    for f in chosen:
        levels.setdefault(f.level, Bucket()).facts.append(f)
        groups["by_category"][f.category or "other"].facts.append(f)
        groups["by_customer"][f.customer].facts.append(f)
        groups["by_month"][month_of(f.notified_at, tz)].facts.append(f)
    out: dict[str, Any] = {"customer": customer, "overall": overall.figures(now),
           "levels": {level: bucket.figures(now) for level, bucket in levels.items()}}
    for name, buckets in groups.items():
        out[name] = {key: bucket.figures(now) for key, bucket in sorted(buckets.items())}
    out["playbooks"] = playbook_usage(chosen, top)
    return out


def playbook_usage(facts: list[IncidentFacts], top: int = 5) -> list[dict]:
    used = Counter(pid for f in facts for pid in f.playbooks)
    results: dict[str, dict[str, Counter]] = defaultdict(lambda: {rec.SKIPPED: Counter(), rec.FAILED: Counter()})
    titles: dict[tuple[str, int], str] = {}
    for f in facts:
        for s in f.steps:
            if s.result in (rec.SKIPPED, rec.FAILED):
                results[s.playbook_id][s.result][s.step] += 1
                titles[(s.playbook_id, s.step)] = s.title
    out = []
    for pid, count in sorted(used.items(), key=lambda item: (-item[1], item[0]))[:top]:
        entry: dict = {"id": pid, "incidents": count}
        for result in (rec.SKIPPED, rec.FAILED):
            entry[result] = [{"step": step, "title": titles.get((pid, step), ""), "count": n}
                             for step, n in sorted(results[pid][result].items(), key=lambda i: (-i[1], i[0]))[:top]]
        out.append(entry)
    return out
