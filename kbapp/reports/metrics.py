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

The replay's results are kept in ``incident_facts`` (kbapp.store.metrics_models):
:func:`refresh` re-derives only the incidents with actions newer than the last refresh,
and :func:`figures` is then a few aggregate queries, whatever the size of the log.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from kbapp.incidents import deadlines as dl
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.deadline_log import DeadlineRecord, replay
from kbapp.model import LEVELS
from kbapp.redact import redact
from kbapp.reports.metrics_text import month_start, next_month
from kbapp.store.metrics_models import FactPlaybookRow, IncidentFactsRow, MetricsStateRow, StepOutcomeRow
from kbapp.store.models import ActionRow, IncidentRow

# Bump when facts_from changes what it derives: the next refresh rebuilds every row.
FACTS_VERSION = 1
_CHUNK = 500  # incidents re-derived per round trip
MISSED_CAP = 1000  # ids listed per deadline and group

EXCLUDED_CLOSE_REASONS = frozenset({lc.DUPLICATE, lc.NOT_AN_INCIDENT})
RATE_KEYS = {
    "response_on_time_rate": dl.RESPONSE,
    "plan_on_time_rate": dl.PLAN,
    "emergency_plan_on_time_rate": dl.EMERGENCY_PLAN,
    "resolution_on_time_rate": dl.RESOLUTION,
    "report_on_time_rate": dl.REPORT,
}
F = IncidentFactsRow


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


def facts_from(row: IncidentRow, actions: list) -> IncidentFacts | None:
    """The facts of one incident from its row and its actions (id order); None when it
    does not count (a drill, an inspection, a duplicate)."""
    if (row.mode or itypes.MODE_INCIDENT) != itypes.MODE_INCIDENT:
        return None
    customer = row.customer or ""
    notified_at = row.notified_at
    resolved_at: dt.datetime | None = None
    reopened = False
    playbooks: list[str] = []
    steps: list[StepOutcome] = []
    for a in actions:
        payload = a.payload or {}
        if a.kind == itypes.CREATED:
            customer = customer or str(payload.get("customer") or "")
            if payload.get("notified_at"):
                notified_at = dt.datetime.fromisoformat(payload["notified_at"])
        elif a.kind == itypes.NOTIFIED and payload.get("to"):
            notified_at = dt.datetime.fromisoformat(payload["to"])
        elif a.kind == itypes.PLAYBOOK_ATTACHED and a.playbook_id and a.playbook_id not in playbooks:
            playbooks.append(a.playbook_id)
        elif a.kind == itypes.STEP and a.playbook_id and a.step is not None and payload.get("result"):
            steps.append(StepOutcome(a.playbook_id, a.step, str(payload.get("step_title", ""))[:200],
                                     payload["result"]))
        elif a.kind == itypes.STATUS:
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


def month_bounds(month: str, tz: dt.tzinfo | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) of ``YYYY-MM`` in ``tz`` (local when None)."""
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"month: {month!r} is not a month (YYYY-MM)") from None
    return month_start(first, tz), month_start(next_month(first), tz)


def month_of(t: dt.datetime, tz: dt.tzinfo | None) -> str:
    return t.astimezone(tz).strftime("%Y-%m")


# -- the facts table ------------------------------------------------------------------------

def _state(s: Session, key: str) -> int | None:
    return s.scalar(select(MetricsStateRow.value).where(MetricsStateRow.key == key))


def _set_state(s: Session, key: str, value: int) -> None:
    row = s.get(MetricsStateRow, key)
    if row is None:
        s.add(MetricsStateRow(key=key, value=value))
    else:
        row.value = value


def _fact_row(row: IncidentRow, f: IncidentFacts | None, tz: dt.tzinfo | None) -> dict[str, Any]:
    notified = f.notified_at if f else dl.aware(row.notified_at, "notified_at")
    out: dict[str, Any] = {"incident_id": row.id, "counted": f is not None, "level": row.level,
                           "category": (row.category or "")[:40], "customer": (f.customer if f else "")[:200],
                           "notified_at": notified, "month": month_of(notified, tz), "response_s": None,
                           "resolve_s": None, "solved_once": False, "reopened": False}
    for key in RATE_KEYS.values():
        out[f"{key}_due"] = out[f"{key}_ok"] = None
    if f is None:
        return out
    out["response_s"] = f.seconds_to(dl.RESPONSE)
    if f.resolved_at is not None:
        out["resolve_s"] = (f.resolved_at - f.notified_at).total_seconds()
    out["solved_once"] = f.resolved_at is not None or f.reopened
    out["reopened"] = f.reopened
    for record in f.deadlines:
        if record.key in RATE_KEYS.values():
            out[f"{record.key}_due"] = record.due_at.timestamp()
            out[f"{record.key}_ok"] = None if record.met_at is None else int(record.met_at <= record.due_at)
    return out


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    it = iter(ids)
    while chunk := list(islice(it, size)):
        yield chunk


def _derive(s: Session, chunk: list[int], tz: dt.tzinfo | None) -> None:
    """Replace the facts of the incidents ``chunk`` with what their logs give now."""
    rows = {r.id: r for r in s.scalars(select(IncidentRow).where(IncidentRow.id.in_(chunk)))}
    by_incident: dict[int, list] = defaultdict(list)
    query = (select(ActionRow.id, ActionRow.incident_id, ActionRow.at, ActionRow.kind, ActionRow.step,
                    ActionRow.playbook_id, ActionRow.payload)
             .where(ActionRow.incident_id.in_(chunk)).order_by(ActionRow.incident_id, ActionRow.id))
    for action in s.execute(query):
        by_incident[action.incident_id].append(action)
    for table in (StepOutcomeRow, FactPlaybookRow, IncidentFactsRow):
        s.execute(delete(table).where(table.incident_id.in_(chunk)))
    facts, playbooks, outcomes = [], [], []
    for incident_id, row in rows.items():
        f = facts_from(row, by_incident.get(incident_id, []))
        facts.append(_fact_row(row, f, tz))
        if f is None:
            continue
        where = {"incident_id": incident_id, "notified_at": f.notified_at, "customer": f.customer[:200]}
        playbooks += [{**where, "playbook_id": pid} for pid in f.playbooks]
        outcomes += [{**where, "playbook_id": step.playbook_id, "step": step.step, "title": step.title,
                      "result": step.result} for step in f.steps if step.result in (itypes.SKIPPED, itypes.FAILED)]
    for table, values in ((IncidentFactsRow, facts), (FactPlaybookRow, playbooks), (StepOutcomeRow, outcomes)):
        if values:
            s.execute(insert(table), values)


def refresh(s: Session, tz: dt.tzinfo | None = None, budget: int | None = None) -> bool:
    """Fold the actions logged since the last refresh into the facts, at most ``budget``
    incidents in this transaction; True while more remain (call again, in a new
    transaction, so that other writers get their turn between the steps of a long
    first derivation). Writes the cache: run it where writes run."""
    if _state(s, "facts_version") != FACTS_VERSION:
        for table in (StepOutcomeRow, FactPlaybookRow, IncidentFactsRow, MetricsStateRow):
            s.execute(delete(table))
        _set_state(s, "facts_version", FACTS_VERSION)
    seen = _state(s, "last_action_id") or 0
    # A pass folds in the actions up to ``target``, incident by incident from ``cursor``.
    target = _state(s, "target_action_id") or (s.scalar(select(func.max(ActionRow.id))) or 0)
    cursor = _state(s, "incident_cursor") or 0
    if target <= seen:
        return False
    query = (select(ActionRow.incident_id).where(ActionRow.id > seen, ActionRow.id <= target,
                                                 ActionRow.incident_id > cursor)
             .distinct().order_by(ActionRow.incident_id))
    ids = list(s.scalars(query if budget is None else query.limit(budget)))
    for chunk in _chunks(ids, _CHUNK):
        _derive(s, chunk, tz)
    if budget is not None and len(ids) == budget:
        _set_state(s, "target_action_id", target)
        _set_state(s, "incident_cursor", ids[-1])
        return True
    _set_state(s, "last_action_id", target)
    for key in ("target_action_id", "incident_cursor"):
        s.execute(delete(MetricsStateRow).where(MetricsStateRow.key == key))
    return False


def bring_up_to_date(write: Callable[[Callable[[Session], bool]], bool], tz: dt.tzinfo | None = None,
                     budget: int = 2000) -> None:
    """:func:`refresh` step by step, each step its own ``write`` (a Store.write): a first
    derivation of 100,000 incidents never holds the database for minutes at once."""
    while write(lambda s: refresh(s, tz, budget)):
        pass


# -- the figures ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Which counted incidents: notified in [start, end), of one customer when given."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    customer: str | None = None

    def where(self, table: Any = IncidentFactsRow) -> list[Any]:
        """The clauses on ``table`` (the facts, or a table carrying their notified_at and
        customer, whose rows are all of counted incidents)."""
        clauses: list = [F.counted.is_(True)] if table is IncidentFactsRow else []
        if self.start is not None:
            clauses.append(table.notified_at >= self.start)
        if self.end is not None:
            clauses.append(table.notified_at < self.end)
        if self.customer is not None:
            clauses.append(table.customer == self.customer)
        return clauses


def _late(key: str, now: dt.datetime) -> Any:
    """A deadline decided against the incident: met late, or unmet past its due time."""
    due, ok = getattr(F, f"{key}_due"), getattr(F, f"{key}_ok")
    return or_(ok == 0, and_(ok.is_(None), due < now.timestamp()))


def _sums(now: dt.datetime) -> list:
    day, at = dl.DAY.total_seconds(), now.timestamp()
    columns = [func.count().label("incidents")]
    for key in RATE_KEYS.values():
        due, ok = getattr(F, f"{key}_due"), getattr(F, f"{key}_ok")
        columns.append(func.sum(ok).label(f"{key}_hits"))  # 1 on time, 0 late, NULL unmet
        columns.append(func.count(ok).label(f"{key}_met"))
        columns.append(func.sum(case((and_(ok.is_(None), due < at), 1), else_=0)).label(f"{key}_overdue"))
    columns += [func.count(F.resolve_s).label("resolved"),
                func.sum(case((F.resolve_s <= day, 1), else_=0)).label("within_1d"),
                func.sum(case((F.resolve_s <= 3 * day, 1), else_=0)).label("within_3d"),
                func.sum(case((F.solved_once.is_(True), 1), else_=0)).label("solved"),
                func.sum(case((F.reopened.is_(True), 1), else_=0)).label("reopened")]
    return columns


_SUM_NAMES = tuple(c.name for c in _sums(dt.datetime.now(dt.UTC)))


class _Group:
    __slots__ = ("sums", "respond", "resolve")

    def __init__(self) -> None:
        self.sums = [0] * len(_SUM_NAMES)
        self.respond: list[float] | None = None  # the times, where percentiles are wanted
        self.resolve: list[float] | None = None

    def add(self, values: list[Any]) -> None:
        self.sums = [a + (b or 0) for a, b in zip(self.sums, values, strict=True)]

    def figures(self) -> dict[str, Any]:
        n = dict(zip(_SUM_NAMES, self.sums, strict=True))
        out: dict[str, Any] = {"incidents": n["incidents"]}
        for name, key in RATE_KEYS.items():
            out[name] = _rate(n[f"{key}_hits"], n[f"{key}_met"] + n[f"{key}_overdue"])
        if self.respond is not None and self.resolve is not None:
            self.respond.sort()
            self.resolve.sort()
            out["mtta_median_s"] = _ranked(self.respond, 50)
            out["mtta_p90_s"] = _ranked(self.respond, 90)
            out["mttr_median_s"] = _ranked(self.resolve, 50)
            out["mttr_p90_s"] = _ranked(self.resolve, 90)
        out["resolved_within_1d_rate"] = _rate(n["within_1d"], n["resolved"])
        out["resolved_within_3d_rate"] = _rate(n["within_3d"], n["resolved"])
        out["reopen_rate"] = _rate(n["reopened"], n["solved"])
        return out


def _ranked(ordered: list[float], p: float) -> float | None:
    if not ordered:
        return None
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def _timed_group() -> _Group:
    group = _Group()
    group.respond, group.resolve = [], []
    return group


def figures(s: Session, now: dt.datetime, period: Period = Period(), top: int = 5, *,
            missed: bool = True) -> dict[str, Any]:
    """The figures, as JSON-ready data: ``overall`` (with ``missed``: per deadline the ids
    of the incidents that missed it, at most MISSED_CAP) and ``levels`` (I-IV, always all
    four) with the rates, MTTA/MTTR medians and 90th percentiles; ``by_month``,
    ``by_level_month`` (level -> month), ``by_category`` and ``by_customer`` with the
    rates; and ``playbooks`` (the most used, with their most skipped and failed steps).

    Reads the facts :func:`refresh` keeps: two aggregates (by level and month, by category
    and customer), one read of the times for the percentiles, two of the playbook tables."""
    where = period.where()
    db = s.connection()  # Core rows: no ORM loading for plain columns
    sums = _sums(now)
    overall = _timed_group()
    levels = {level: _timed_group() for level in LEVELS}
    months: dict[str, _Group] = defaultdict(_Group)
    level_months: dict[str, dict[str, _Group]] = defaultdict(lambda: defaultdict(_Group))
    for level, month, *values in db.execute(select(F.level, F.month, *sums).where(*where).group_by(F.level, F.month)):
        for group in (overall, levels.setdefault(level, _timed_group()), months[month], level_months[level][month]):
            group.add(values)
    by: dict[str, dict[str, _Group]] = {"by_category": defaultdict(_Group), "by_customer": defaultdict(_Group)}
    pairs = select(F.category, F.customer, *sums).where(*where).group_by(F.category, F.customer)
    for category, customer, *values in db.execute(pairs):
        by["by_category"][category or "other"].add(values)
        by["by_customer"][customer].add(values)
    times = select(F.level, F.response_s, F.resolve_s).where(
        *where, or_(F.response_s.is_not(None), F.resolve_s.is_not(None)))
    for level, respond, resolve in db.execute(times).fetchall():  # one fetch: no per-row round trip
        for group in (overall, levels[level]):
            if respond is not None:
                group.respond.append(respond)  # type: ignore[union-attr]
            if resolve is not None:
                group.resolve.append(resolve)  # type: ignore[union-attr]
    out: dict[str, Any] = {"customer": period.customer, "overall": overall.figures(),
                           "levels": {level: g.figures() for level, g in levels.items()}}
    if missed:  # the ids, as the command line prints them; the window asks per bar instead
        out["overall"]["missed"] = _missed(db, where, now)
    out["by_month"] = {month: g.figures() for month, g in sorted(months.items())}
    out["by_level_month"] = {level: {month: g.figures() for month, g in sorted(per.items())}
                             for level, per in sorted(level_months.items())}
    for name, groups in by.items():
        out[name] = {key: g.figures() for key, g in sorted(groups.items())}
    out["playbooks"] = playbook_usage(s, period, top)
    return out


def _missed(db: Any, where: list[Any], now: dt.datetime) -> dict[str, list[int]]:
    """Per deadline the first MISSED_CAP incidents that missed it (the scan stops there)."""
    return {key: [row[0] for row in db.execute(select(F.incident_id).where(*where, _late(key, now))
                                                .order_by(F.incident_id).limit(MISSED_CAP)).fetchall()]
            for key in RATE_KEYS.values()}


def playbook_usage(s: Session, period: Period, top: int = 5) -> list[dict[str, Any]]:
    """The most used playbooks of the counted incidents, each with its most skipped and failed steps."""
    P, Out = FactPlaybookRow, StepOutcomeRow
    used = s.execute(select(P.playbook_id, func.count().label("n")).where(*period.where(P))
                     .group_by(P.playbook_id).order_by(func.count().desc(), P.playbook_id).limit(top)).all()
    if not used:
        return []
    ids = [pid for pid, _ in used]
    steps: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    query = (select(Out.playbook_id, Out.result, Out.step, func.max(Out.title), func.count().label("n"))
             .where(*period.where(Out), Out.playbook_id.in_(ids))
             .group_by(Out.playbook_id, Out.result, Out.step).order_by(func.count().desc(), Out.step))
    for pid, result, step, title, n in s.execute(query):
        if len(steps[(pid, result)]) < top:
            steps[(pid, result)].append({"step": step, "title": title or "", "count": n})
    return [{"id": pid, "incidents": n, itypes.SKIPPED: steps[(pid, itypes.SKIPPED)], itypes.FAILED: steps[(pid, itypes.FAILED)]}
            for pid, n in used]


@dataclass(frozen=True)
class MissedDeadline:
    """One incident that missed one promise, and why, as its log tells it."""

    incident_id: int
    title: str
    level: str
    customer: str
    key: str
    due_at: dt.datetime
    met_at: dt.datetime | None
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"incident_id": self.incident_id, "title": self.title, "level": self.level, "customer": self.customer,
                "deadline": self.key, "due_at": self.due_at.isoformat(),
                "met_at": self.met_at.isoformat() if self.met_at else None, "why": self.why}


def missed_ids(s: Session, now: dt.datetime, key: str, period: Period = Period(), *, level: str | None = None,
               month: str | None = None, category: str | None = None, limit: int = MISSED_CAP) -> list[int]:
    """The incidents of one bar (a level, a month, a category) that missed deadline ``key``."""
    if key not in RATE_KEYS.values():
        raise ValueError(f"deadline: {key!r} is not one of {', '.join(RATE_KEYS.values())}")
    query = select(F.incident_id).where(*period.where(), _late(key, now))
    for column, value in ((F.level, level), (F.month, month), (F.category, category)):
        if value is not None:
            query = query.where(column == value)
    return list(s.scalars(query.order_by(F.incident_id).limit(limit)))


def _lateness(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 90:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"


def explain_missed(s: Session, now: dt.datetime, key: str, ids: list[int]) -> list[MissedDeadline]:
    """Why each incident missed ``key``: late by how much and by which action, never met,
    or re-planned by a level change (with its reason), read from the incident's log."""
    out = []
    for chunk in _chunks(ids, _CHUNK):
        rows = {r.id: r for r in s.scalars(select(IncidentRow).where(IncidentRow.id.in_(chunk)))}
        logs: dict[int, list] = defaultdict(list)
        for a in s.scalars(select(ActionRow).where(ActionRow.incident_id.in_(chunk))
                           .order_by(ActionRow.incident_id, ActionRow.id)):
            logs[a.incident_id].append(a)
        for incident_id in chunk:
            row, actions = rows.get(incident_id), logs.get(incident_id, [])
            if row is None:
                continue
            record = next((d for d in replay(actions, notified_at=row.notified_at, level=row.level,
                                              category=row.category or "") if d.key == key), None)
            if record is None:
                continue
            by_id = {a.id: a for a in actions}
            if record.met_at is not None:
                by = by_id.get(record.met_by) if record.met_by else None
                how = f" ({redact(itypes.describe_action(itypes.action_from_row(by))[:120])})" if by else ""
                late = _lateness(record.met_at - record.due_at)
                why = f"超时 {late} 完成 met {late} late{how}"
            elif record.stopped_at is not None:
                late = _lateness(record.stopped_at - record.due_at)
                why = f"未完成即关闭 closed {late} after it was due, never met"
            else:
                late = _lateness(now - record.due_at)
                why = f"未完成，已超时 {late} not met, {late} overdue"
            if record.replanned_at is not None:
                change = next((a for a in reversed(actions) if a.kind == itypes.LEVEL and a.at <= record.replanned_at),
                              None)
                if change is not None:
                    to = (change.payload or {}).get("to", row.level)
                    why += f"; 级别改为 {to} level changed to {to}"
                    why += f": {redact(change.details)}" if change.details else ""
            out.append(MissedDeadline(incident_id, row.title, row.level, row.customer or "", key,
                                      record.due_at, record.met_at, why))
    return out


# Bins of the time-to-respond and time-to-resolve charts: (upper bound in seconds, label).
RESPOND_BINS = ((600, "≤10m"), (1200, "10–20m"), (1800, "20–30m"), (3600, "30–60m"), (7200, "1–2h"), (None, ">2h"))
RESOLVE_BINS = ((4 * 3600, "≤4h"), (86400, "4–24h"), (3 * 86400, "1–3d"), (5 * 86400, "3–5d"), (None, ">5d"))


def distribution(s: Session, period: Period = Period()) -> dict[str, list[tuple[str, int]]]:
    """How many counted incidents took how long to respond and to resolve, in fixed bins
    (one aggregate each); every bin is listed, empty ones with 0."""
    out = {}
    for name, column, bins in (("respond", F.response_s, RESPOND_BINS), ("resolve", F.resolve_s, RESOLVE_BINS)):
        bucket = case(*((column <= bound, index) for index, (bound, _) in enumerate(bins) if bound is not None),
                      else_=len(bins) - 1)
        counts: dict[int, int] = dict(s.execute(select(bucket, func.count()).where(*period.where(), column.is_not(None))
                                .group_by(bucket)).all())
        out[name] = [(label, int(counts.get(index, 0))) for index, (_, label) in enumerate(bins)]
    return out
