"""The deadlines of DOMAIN.md as pure functions of an incident's milestones and ``now``.

Nothing here reads a clock: every function takes ``now`` so tests (and the GUI's
countdowns) inject it. All datetimes must be timezone-aware.

How DOMAIN.md is read:

- **Response (响应)**: 30 minutes from notification (ch. 5/6 "respond within 30
  minutes"). Met when an engineer first responds (the incident leaves "open").
- **Handling plan (故障处理方案)**: from notification, level I 2 h, II 24 h,
  III 48 h, IV 5 days (ch. 4.1). Met when a plan is recorded, or when the fault is
  resolved (a solved fault needs no separate plan).
- **Emergency plan (应急方案)**, level I only: "if not solved within 12 hours, an
  emergency plan must be proposed within 16 hours" — both counted from
  notification. It applies unless the fault was resolved within the first 12 h;
  its window runs from the 12 h mark to the 16 h mark, so it turns amber near the
  end of those 4 hours. Resolving before 16 h also satisfies it.
- **Resolution (解决)**: ch. 5 promises "ordinary problems solved within 1 day,
  major problems within 3 days". Major = levels I and II (urgent, serious),
  ordinary = III and IV. These are counted from notification. Note that the
  chapters do not fit neatly: for III/IV the 1-day resolution promise falls before
  the 48 h / 5 day plan deadline. The app shows both and does not reconcile them.
- **Fault report (故障处理报告)**: due 24 h after the fault is resolved (ch. 4.1);
  it only exists once the incident is resolved. Met when the report is submitted.
- **Escalation** (ch. 5.1.5 / 6.4): a request not answered within the response
  deadline goes to the responsible person's superior; each further
  ``ESCALATION_INTERVAL`` without an answer goes one level higher. We read "until
  it is solved" as "until someone answers it": once responded, escalation stops
  and the other deadlines take over (passing one asks the user whether to escalate).
- A closed incident's clock stops: deadlines still running at closing time are
  dropped as moot; ones already passed stay passed.

States: ``ok``; ``close`` (amber) when at most ``CLOSE_FRACTION`` of the window or
``CLOSE_MINIMUM`` is left, whichever is more; ``passed`` (red) after the due time;
``met`` once the milestone is reached (``late`` says whether it was after due).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kbapp.model import LEVELS

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

RESPONSE_WINDOW = 30 * MINUTE
PLAN_WINDOWS: dict[str, dt.timedelta] = {"I": 2 * HOUR, "II": 24 * HOUR, "III": 48 * HOUR, "IV": 5 * DAY}
EMERGENCY_PLAN_TRIGGER = 12 * HOUR
EMERGENCY_PLAN_DUE = 16 * HOUR
MAJOR_LEVELS = frozenset({"I", "II"})
RESOLUTION_MAJOR = 3 * DAY
RESOLUTION_ORDINARY = 1 * DAY
REPORT_WINDOW = 24 * HOUR
ESCALATION_INTERVAL = 30 * MINUTE

CLOSE_FRACTION = 0.2
CLOSE_MINIMUM = 10 * MINUTE

OK = "ok"
CLOSE = "close"
PASSED = "passed"
MET = "met"

RESPONSE = "response"
PLAN = "plan"
EMERGENCY_PLAN = "emergency_plan"
RESOLUTION = "resolution"
REPORT = "report"

LABELS: dict[str, tuple[str, str]] = {
    RESPONSE: ("响应", "Response"),
    PLAN: ("故障处理方案", "Handling plan"),
    EMERGENCY_PLAN: ("应急方案", "Emergency plan"),
    RESOLUTION: ("问题解决", "Resolution"),
    REPORT: ("故障处理报告", "Fault report"),
}


@dataclass(frozen=True)
class Milestones:
    """What the deadlines are measured against; None = not reached yet."""

    level: str
    notified_at: dt.datetime
    responded_at: dt.datetime | None = None
    plan_at: dt.datetime | None = None
    emergency_plan_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    report_submitted_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


@dataclass(frozen=True)
class Deadline:
    key: str
    label_zh: str
    label_en: str
    starts_at: dt.datetime  # the start of the window (for the amber threshold)
    due_at: dt.datetime
    state: str  # ok / close / passed / met
    # Time left (negative once passed); for a met deadline, the margin it was met by.
    remaining: dt.timedelta
    met_at: dt.datetime | None = None

    @property
    def late(self) -> bool:
        return self.met_at is not None and self.met_at > self.due_at

    @property
    def window(self) -> dt.timedelta:
        return self.due_at - self.starts_at

    @property
    def label(self) -> str:
        return f"{self.label_zh} {self.label_en}"


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value


def _earliest(*times: dt.datetime | None) -> dt.datetime | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None


def plan_window(level: str) -> dt.timedelta:
    try:
        return PLAN_WINDOWS[level]
    except KeyError:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}") from None


def resolution_window(level: str) -> dt.timedelta:
    plan_window(level)  # validates the level
    return RESOLUTION_MAJOR if level in MAJOR_LEVELS else RESOLUTION_ORDINARY


def is_close(starts_at: dt.datetime, due_at: dt.datetime, now: dt.datetime) -> bool:
    left = due_at - now
    threshold = max((due_at - starts_at) * CLOSE_FRACTION, CLOSE_MINIMUM)
    return dt.timedelta(0) <= left <= threshold


def evaluate(key: str, starts_at: dt.datetime, due_at: dt.datetime, met_at: dt.datetime | None,
             now: dt.datetime) -> Deadline:
    """One deadline's state at ``now``."""
    _aware(now, "now")
    if met_at is not None:
        state, remaining = MET, due_at - met_at
    elif now > due_at:
        state, remaining = PASSED, due_at - now
    elif is_close(starts_at, due_at, now):
        state, remaining = CLOSE, due_at - now
    else:
        state, remaining = OK, due_at - now
    zh, en = LABELS[key]
    return Deadline(key, zh, en, starts_at, due_at, state, remaining, met_at)


def compute_deadlines(m: Milestones, now: dt.datetime) -> list[Deadline]:
    """Every deadline that applies to the incident, in due order."""
    notified = _aware(m.notified_at, "notified_at")
    _aware(now, "now")
    resolved = m.resolved_at
    if m.closed_at is not None:
        now = min(now, m.closed_at)  # the clock stops at closing

    items = [
        evaluate(RESPONSE, notified, notified + RESPONSE_WINDOW, _earliest(m.responded_at, resolved), now),
        evaluate(PLAN, notified, notified + plan_window(m.level), _earliest(m.plan_at, resolved), now),
        evaluate(RESOLUTION, notified, notified + resolution_window(m.level), resolved, now),
    ]
    if m.level == "I":
        trigger = notified + EMERGENCY_PLAN_TRIGGER
        solved_in_time = resolved is not None and resolved <= trigger
        if not solved_in_time:
            met = _earliest(m.emergency_plan_at, resolved)
            items.append(evaluate(EMERGENCY_PLAN, trigger, notified + EMERGENCY_PLAN_DUE, met, now))
    if resolved is not None:
        items.append(evaluate(REPORT, resolved, resolved + REPORT_WINDOW, m.report_submitted_at, now))

    if m.closed_at is not None:
        items = [d for d in items if d.state in (MET, PASSED)]
    return sorted(items, key=lambda d: (d.due_at, d.key))


def escalation_steps(notified_at: dt.datetime, now: dt.datetime, responded_at: dt.datetime | None = None,
                     *, interval: dt.timedelta = ESCALATION_INTERVAL, chain_length: int | None = None) -> int:
    """How many levels up the chain a missed response should have reached by ``now``.

    0 while the response deadline has not passed (or it was met in time); 1 (the
    responsible person's superior) once it passes; one more each ``interval``
    after that until someone responds. ``chain_length`` caps it: nobody is above
    the top of the chain.
    """
    _aware(notified_at, "notified_at")
    _aware(now, "now")
    due = notified_at + RESPONSE_WINDOW
    until = now if responded_at is None else min(now, responded_at)
    if until <= due:
        return 0
    steps = 1 + (until - due) // interval
    if chain_length is not None:
        steps = min(steps, max(chain_length, 0))
    return steps


def worst_state(deadlines: list[Deadline]) -> str:
    """The state to colour an incident by: passed > close > ok > met."""
    order = (PASSED, CLOSE, OK, MET)
    states = {d.state for d in deadlines}
    for state in order:
        if state in states:
            return state
    return MET
