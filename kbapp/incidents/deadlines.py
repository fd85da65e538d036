"""The deadlines of DOMAIN.md: the rules, and one deadline's state at ``now``.

Nothing here reads a clock: every function takes ``now`` so tests (and the GUI's
countdowns) inject it. All datetimes must be timezone-aware. Which deadlines an
incident has, and when each was met, is replayed from its action log by
:mod:`kbapp.incidents.deadline_log`; this module holds the rules that replay applies.

How DOMAIN.md is read:

- **Response (响应)**: 30 minutes from notification (ch. 5/6 "respond within 30
  minutes"). Met by the first thing an engineer does on the incident: acknowledge,
  a note, a plan, a step (or a status move to responding / resolved). Closing an
  unworked incident as a duplicate or withdrawn stops the clock without meeting it.
- **Handling plan (故障处理方案)**: from notification, level I 2 h, II 24 h,
  III 48 h, IV 5 days (ch. 4.1). Met when a plan is recorded, or when the fault is
  resolved (a solved fault needs no separate plan).
- **Emergency plan (应急方案)**, level I only: "if not solved within 12 hours, an
  emergency plan must be proposed within 16 hours", both counted from notification.
  It applies unless the fault was resolved within the first 12 h; its window runs from
  the 12 h mark to the 16 h mark. Resolving before 16 h also satisfies it.
- **Resolution (解决)**: ch. 5 promises "ordinary problems solved within 1 day, major
  problems within 3 days"; major = levels I and II, ordinary = III and IV, counted
  from notification. Ch. 5 item 5 adds: "if a fault occurs while the system runs
  (such as a software fault or configuration loss), the user's problem is solved and
  normal operation restored within 24 hours". Incidents of the categories software
  fault (软件故障) and configuration loss (配置丢失) therefore get the stricter of
  24 h and their level's window. (For III/IV the 1-day promise falls before the
  48 h / 5 day plan deadline; the chapters do not reconcile them and neither do we.)
- **Fault report (故障处理报告)**: due 24 h after the fault is resolved (ch. 4.1).
- **A level change** at time t re-plans only the deadlines still open at t (not met,
  due time not passed) for the new level, counted from notification. One already
  missed stays missed, one met stays met. When the new level's due time has already
  passed at t, nobody could have known: the new level's window runs from t instead,
  never ending later than the old deadline did.
- **Closing** stops the clock: deadlines still running are dropped as moot; one
  already missed stays missed, by how late it was at closing.
- **Escalation** (ch. 5.1.5 / 6.4, "escalated automatically, level by level, to the
  responsible person's superior, until it is solved"): see :func:`escalation_steps`.

States: ``ok``; ``close`` (amber) when at most ``CLOSE_FRACTION`` of the window or
``CLOSE_MINIMUM`` is left, whichever is more; ``passed`` (red) after the due time and
not met; ``met`` once the milestone is reached. ``late`` is true when it was met after
its due time or is still unmet after it; exactly at the due time is on time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kbapp.model import LEVELS

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
ZERO = dt.timedelta(0)

RESPONSE_WINDOW = 30 * MINUTE
PLAN_WINDOWS: dict[str, dt.timedelta] = {"I": 2 * HOUR, "II": 24 * HOUR, "III": 48 * HOUR, "IV": 5 * DAY}
EMERGENCY_PLAN_TRIGGER = 12 * HOUR
EMERGENCY_PLAN_DUE = 16 * HOUR
MAJOR_LEVELS = frozenset({"I", "II"})
RESOLUTION_MAJOR = 3 * DAY
RESOLUTION_ORDINARY = 1 * DAY
# Ch. 5 item 5: software faults and configuration loss are solved within 24 hours.
RUNNING_FAULT_CATEGORIES = frozenset({"software", "config-loss"})
RUNNING_FAULT_RESOLUTION = 24 * HOUR
REPORT_WINDOW = 24 * HOUR
ESCALATION_INTERVAL = 30 * MINUTE

CLOSE_FRACTION = 0.2
CLOSE_MINIMUM = 10 * MINUTE

OK = "ok"
CLOSE = "close"
PASSED = "passed"
MET = "met"
STATES = (OK, CLOSE, PASSED, MET)

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
    """When each milestone was reached (None = not yet), for incidents without a log."""

    level: str
    notified_at: dt.datetime
    responded_at: dt.datetime | None = None
    plan_at: dt.datetime | None = None
    emergency_plan_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    report_submitted_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    category: str = ""


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
    level: str = ""  # the fault level it was (last) planned under
    stopped_at: dt.datetime | None = None  # the incident was closed: its clock stopped here
    met_by: int | None = None  # the action that met it

    @property
    def late_by(self) -> dt.timedelta:
        """How late it was met, or how far past due it is; zero when on time."""
        return max(-self.remaining, ZERO)

    @property
    def late(self) -> bool:
        return self.remaining < ZERO

    @property
    def window(self) -> dt.timedelta:
        return self.due_at - self.starts_at

    @property
    def label(self) -> str:
        return f"{self.label_zh} {self.label_en}"

    def to_json(self) -> dict:
        return {"key": self.key, "label_zh": self.label_zh, "label_en": self.label_en,
                "level": self.level, "starts_at": self.starts_at.isoformat(), "due_at": self.due_at.isoformat(),
                "met_at": self.met_at.isoformat() if self.met_at else None, "state": self.state,
                "late": self.late, "late_by_seconds": int(self.late_by.total_seconds()),
                "remaining_seconds": int(self.remaining.total_seconds()),
                "stopped_at": self.stopped_at.isoformat() if self.stopped_at else None,
                "met_by_action": self.met_by, "summary": describe(self)[1], "summary_zh": describe(self)[0]}


def aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value


def plan_window(level: str) -> dt.timedelta:
    try:
        return PLAN_WINDOWS[level]
    except KeyError:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}") from None


def resolution_window(level: str, category: str = "") -> dt.timedelta:
    plan_window(level)  # validates the level
    window = RESOLUTION_MAJOR if level in MAJOR_LEVELS else RESOLUTION_ORDINARY
    if category in RUNNING_FAULT_CATEGORIES:
        window = min(window, RUNNING_FAULT_RESOLUTION)
    return window


def window_for(key: str, level: str, notified_at: dt.datetime, category: str = "") -> tuple[dt.datetime, dt.datetime]:
    """(start, due) of a level-dependent deadline as planned from notification."""
    if key == RESPONSE:
        return notified_at, notified_at + RESPONSE_WINDOW
    if key == PLAN:
        return notified_at, notified_at + plan_window(level)
    if key == RESOLUTION:
        return notified_at, notified_at + resolution_window(level, category)
    if key == EMERGENCY_PLAN:
        return notified_at + EMERGENCY_PLAN_TRIGGER, notified_at + EMERGENCY_PLAN_DUE
    raise ValueError(f"{key!r} is not planned from notification")


def amber_threshold(starts_at: dt.datetime, due_at: dt.datetime) -> dt.timedelta:
    return max((due_at - starts_at) * CLOSE_FRACTION, CLOSE_MINIMUM)


def is_close(starts_at: dt.datetime, due_at: dt.datetime, now: dt.datetime) -> bool:
    left = due_at - now
    return ZERO <= left <= amber_threshold(starts_at, due_at)


def evaluate(key: str, starts_at: dt.datetime, due_at: dt.datetime, met_at: dt.datetime | None,
             now: dt.datetime, *, level: str = "", stopped_at: dt.datetime | None = None,
             met_by: int | None = None) -> Deadline:
    """One deadline's state at ``now`` (or at ``stopped_at``, when its clock stopped)."""
    aware(now, "now")
    clock = min(now, stopped_at) if stopped_at is not None else now
    if met_at is not None:
        state, remaining = MET, due_at - met_at
    elif clock > due_at:
        state, remaining = PASSED, due_at - clock
    elif is_close(starts_at, due_at, clock):
        state, remaining = CLOSE, due_at - clock
    else:
        state, remaining = OK, due_at - clock
    zh, en = LABELS[key]
    return Deadline(key, zh, en, starts_at, due_at, state, remaining, met_at, level, stopped_at, met_by)


def compute_deadlines(m: Milestones, now: dt.datetime) -> list[Deadline]:
    """Every deadline of an incident given only its milestones (no level changes), in due order."""
    from kbapp.incidents.deadline_log import DeadlinePlanner, deadlines_at

    planner = DeadlinePlanner(aware(m.notified_at, "notified_at"), m.level, m.category)
    aware(now, "now")
    events = [(m.responded_at, planner.respond), (m.plan_at, planner.plan),
              (m.emergency_plan_at, planner.emergency_plan), (m.resolved_at, planner.resolve),
              (m.report_submitted_at, planner.report), (m.closed_at, planner.close)]
    for at, apply in sorted(((t, f) for t, f in events if t is not None), key=lambda e: e[0]):
        apply(at)
    return deadlines_at(planner.records(), now)


def escalation_steps(due_at: dt.datetime, now: dt.datetime, solved_at: dt.datetime | None = None,
                     *, interval: dt.timedelta = ESCALATION_INTERVAL, chain_length: int | None = None) -> int:
    """How many levels up the chain a missed deadline has reached by ``now``.

    0 up to and at the due time; 1 (the responsible person's superior) from one second
    past it; one more each ``interval`` after that, until the fault is solved
    (``solved_at``), as ch. 5.1.5 says: "until the user's problem is solved". Meeting
    the deadline late does not stop it. ``chain_length`` caps it: nobody is above the top.
    """
    aware(due_at, "due_at")
    aware(now, "now")
    until = now if solved_at is None else min(now, solved_at)
    if until <= due_at:
        return 0
    steps = 1 + (until - due_at - dt.timedelta(microseconds=1)) // interval
    if chain_length is not None:
        steps = min(steps, max(chain_length, 0))
    return steps


def worst_state(deadlines: list[Deadline]) -> str:
    """The state to colour an incident by: passed > close > ok > met."""
    states = {d.state for d in deadlines}
    for state in (PASSED, CLOSE, OK, MET):
        if state in states:
            return state
    return MET


# -- words ------------------------------------------------------------------------------------

def format_span(delta: dt.timedelta) -> tuple[str, str]:
    """A lateness or time left, rounded down: ("10 分钟", "10 min"), ("2 小时 05 分钟", "2 h 05 min")."""
    seconds = int(abs(delta).total_seconds())
    if seconds < 60:
        return f"{seconds} 秒", f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} 分钟", f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} 小时 {minutes:02d} 分钟", f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} 天 {hours} 小时", f"{days} d {hours} h"


def describe(d: Deadline) -> tuple[str, str]:
    """The deadline in words, (Chinese, English): "missed by 10 min", "met 10 min late"…"""
    zh, en = format_span(d.late_by if d.late else d.remaining)
    if d.state == MET and d.late:
        return f"超时 {zh}（迟 {zh}完成）", f"missed by {en} (met {en} late)"
    if d.state == MET:
        return "按时完成", "met on time"
    if d.state == PASSED:
        if d.stopped_at is not None:
            return f"超时 {zh}（已关闭，未完成）", f"missed by {en} (closed, never met)"
        return f"超时 {zh}", f"missed by {en}"
    return f"剩余 {zh}", f"{en} left"
