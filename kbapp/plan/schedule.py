"""Recurring duties (follow-up visits, inspections): when the next one is due, and whether
it is due or overdue at ``now``. Pure functions, an injected clock, a given time zone.

A plan has a frequency and an anchor (the first due date). Occurrence *k* is the anchor
plus *k* periods, counted from the anchor each time, so a monthly plan anchored on the
31st falls on the last day of shorter months and comes back to the 31st. The next one
due is the first occurrence after the last done one (after the day it was done, if it
was done late: missed occurrences are not owed twice).

An occurrence due on day *D* is due until the end of *D* in the team's time zone (that
instant, midnight starting D+1, is ``due_at``); one second later it is overdue. It is
"due" from ``horizon`` days before *D* (1: tomorrow's inspection is listed as due
today).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta

from kbapp.incidents.errors import IncidentError

DAILY, WEEKLY, MONTHLY, QUARTERLY = "daily", "weekly", "monthly", "quarterly"
FREQUENCIES = (DAILY, WEEKLY, MONTHLY, QUARTERLY)
FREQUENCY_LABELS = {DAILY: ("每日", "Daily"), WEEKLY: ("每周", "Weekly"), MONTHLY: ("每月", "Monthly"),
                    QUARTERLY: ("每季度", "Quarterly")}
_ALIASES = {"每日": DAILY, "每天": DAILY, "day": DAILY, "每周": WEEKLY, "week": WEEKLY, "每月": MONTHLY,
            "month": MONTHLY, "每季度": QUARTERLY, "quarter": QUARTERLY}
_STEP = {DAILY: relativedelta(days=1), WEEKLY: relativedelta(weeks=1), MONTHLY: relativedelta(months=1),
         QUARTERLY: relativedelta(months=3)}

OVERDUE, DUE, SCHEDULED = "overdue", "due", "scheduled"
STATE_LABELS = {OVERDUE: ("已逾期", "Overdue"), DUE: ("到期", "Due"), SCHEDULED: ("未到期", "Scheduled")}
DEFAULT_HORIZON = 1


def check_frequency(value: object, allowed: tuple[str, ...] = FREQUENCIES) -> str:
    text = str(value or "").strip()
    found = _ALIASES.get(text, _ALIASES.get(text.lower(), text.lower()))
    if found not in allowed:
        raise IncidentError(f"frequency: {value!r} is not one of {', '.join(allowed)}", field="frequency")
    return found


def check_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise IncidentError(f"{name}: a date is expected, not a time", field=name)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise IncidentError(f"{name}: {value!r} is not a date (YYYY-MM-DD)", field=name) from None


def occurrence(anchor: dt.date, frequency: str, k: int) -> dt.date:
    return anchor + _STEP[frequency] * k


def next_due(anchor: dt.date, frequency: str, last_due: dt.date | None = None,
             last_done: dt.date | None = None) -> dt.date:
    """The first occurrence after the last one done (and after the day it was done)."""
    if last_due is None and last_done is None:
        return anchor
    after = max(d for d in (last_due, last_done) if d is not None)
    if after < anchor:
        return anchor
    # Jump close first (a daily plan after years), then step: occurrences only grow.
    k = max((after - anchor).days // 31 - 1, 0) if frequency != DAILY else (after - anchor).days
    if frequency == WEEKLY:
        k = (after - anchor).days // 7
    while occurrence(anchor, frequency, k) <= after:
        k += 1
    return occurrence(anchor, frequency, k)


def due_at(day: dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    """The instant the duty of ``day`` becomes overdue's threshold: the end of ``day``."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0))
    return end.replace(tzinfo=tz) if tz is not None else end.astimezone()


def local_date(now: dt.datetime, tz: dt.tzinfo | None) -> dt.date:
    return (now.astimezone(tz) if tz is not None else now.astimezone()).date()


@dataclass(frozen=True)
class Standing:
    due_date: dt.date
    state: str  # overdue, due, scheduled
    overdue_days: int = 0  # whole days past the due date


def standing(due_date: dt.date, now: dt.datetime, tz: dt.tzinfo | None,
             horizon: int = DEFAULT_HORIZON) -> Standing:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if now > due_at(due_date, tz):
        return Standing(due_date, OVERDUE, (local_date(now, tz) - due_date).days)
    if due_date <= local_date(now, tz) + dt.timedelta(days=horizon):
        return Standing(due_date, DUE)
    return Standing(due_date, SCHEDULED)


def due_line(visits: Iterable[Any], inspections: Iterable[Any]) -> str:
    """One bilingual line for the command line: how many follow-up visits and inspections
    (anything with ``.standing``) are overdue and due, and where to see them; '' when none."""
    parts = []
    for items, zh, en in ((visits, "次回访", "follow-up visit(s)"), (inspections, "次巡检", "inspection(s)")):
        states = [item.standing.state for item in items]
        for state, zh_state in ((OVERDUE, "已逾期"), (DUE, "到期")):
            if states.count(state):
                n = states.count(state)
                parts.append(f"{n} {zh}{zh_state} {n} {en} {state}")
    if not parts:
        return ""
    return "到期提醒 due: " + "; ".join(parts) + " (kbapp visit due, kbapp inspect due)"
