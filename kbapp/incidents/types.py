"""Plain, immutable records the incident service hands out, and the step-runner replay.

These are detached from any database session, so a GUI thread can keep and read
them freely. The runner state is not stored anywhere: it is replayed from the
action log each time, which is why a restart or a crash resumes exactly where the
log ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kbapp.incidents import lifecycle as lc
from kbapp.incidents.deadlines import Milestones
from kbapp.model import Decision, Document

if TYPE_CHECKING:
    from kbapp.store.models import IncidentRow

# Kinds of action in the log.
CREATED = "created"
STATUS = "status"
STEP = "step"
NOTE = "note"
COMMAND_COPIED = "command_copied"
PLAYBOOK_ATTACHED = "playbook_attached"
LEVEL = "level"
ESCALATION = "escalation"
PLAN = "plan"
EMERGENCY_PLAN = "emergency_plan"
CORRECTION = "correction"
FOLLOW_UP = "follow_up"  # an inspection item opened an incident; payload["incident_id"] names it
ACK = "ack"  # an engineer acknowledged (响应) the incident
NOTIFIED = "notified_at"  # the notification time was corrected; payload from/to (ISO 8601)
RESPONSIBLE = "responsible"
REPORTER = "reporter"
CHANNEL = "channel"
NOTIFICATION = "notification"  # the outcome of sending a notification (kbapp.notify)

# Incident modes: drills and inspections share the runner and the log, never the metrics.
MODE_INCIDENT = "incident"
MODE_DRILL = "drill"
MODE_INSPECTION = "inspection"
MODES = (MODE_INCIDENT, MODE_DRILL, MODE_INSPECTION)

ACTION_LABELS: dict[str, tuple[str, str]] = {
    CREATED: ("创建", "Created"),
    STATUS: ("状态", "Status"),
    STEP: ("步骤", "Step"),
    NOTE: ("备注", "Note"),
    COMMAND_COPIED: ("复制命令", "Command copied"),
    PLAYBOOK_ATTACHED: ("关联预案", "Playbook attached"),
    LEVEL: ("故障级别", "Level changed"),
    ESCALATION: ("升级", "Escalation"),
    PLAN: ("故障处理方案", "Handling plan"),
    EMERGENCY_PLAN: ("应急方案", "Emergency plan"),
    CORRECTION: ("更正", "Correction"),
    FOLLOW_UP: ("转故障处理", "Follow-up incident"),
    ACK: ("确认响应", "Acknowledged"),
    NOTIFIED: ("通知时间", "Notification time"),
    RESPONSIBLE: ("负责人", "Responsible"),
    REPORTER: ("报告人", "Reporter"),
    CHANNEL: ("服务方式", "Channel"),
    NOTIFICATION: ("通知", "Notification"),
    # Written by the report and lesson services (kbapp.reports): the same words in every timeline.
    "report": ("故障处理报告", "Fault report"),
    "lesson": ("经验教训", "Lesson"),
}

DONE = "done"
SKIPPED = "skipped"
FAILED = "failed"
STEP_RESULTS = (DONE, SKIPPED, FAILED)
# An inspection item's result: the check was made either way, so the runner moves on.
PASS = "pass"
FAIL = "fail"
NA = "na"
INSPECTION_RESULTS = (PASS, FAIL, NA)
RESULT_LABELS = {DONE: ("完成", "done"), SKIPPED: ("跳过", "skipped"), FAILED: ("失败", "failed"),
                 PASS: ("通过", "pass"), FAIL: ("不通过", "fail"), NA: ("不适用", "n/a")}
_THROUGH = (DONE, SKIPPED, PASS, FAIL, NA)  # results after which the runner leaves the step

CHANNELS = ("phone", "remote", "onsite", "consultation")
CHANNEL_LABELS = {
    "phone": ("电话", "Phone"),
    "remote": ("远程", "Remote"),
    "onsite": ("现场", "On-site"),
    "consultation": ("咨询", "Consultation"),
}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class Incident:
    id: int
    title: str
    description: str
    level: str
    category: str
    channel: str
    reporter: str
    responsible: str
    status: str
    summary: str
    created_by: str
    created_at: dt.datetime
    notified_at: dt.datetime
    updated_at: dt.datetime
    responded_at: dt.datetime | None = None
    plan_at: dt.datetime | None = None
    emergency_plan_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    report_submitted_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    playbook_ids: tuple[str, ...] = ()
    mode: str = MODE_INCIDENT  # incident, drill or inspection
    customer: str = ""  # 客户单位
    system: str = ""  # 业务系统
    uid: str | None = None  # the desk-made id of an incident started offline (kbapp.offline)

    def milestones(self) -> Milestones:
        return Milestones(
            level=self.level, notified_at=self.notified_at, responded_at=self.responded_at,
            plan_at=self.plan_at, emergency_plan_at=self.emergency_plan_at, resolved_at=self.resolved_at,
            report_submitted_at=self.report_submitted_at, closed_at=self.closed_at, category=self.category,
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            data[name] = _iso(value) if isinstance(value, dt.datetime) else value
        data["playbook_ids"] = list(self.playbook_ids)
        data["pending"] = self.pending
        data["number"] = None if self.pending else self.id
        return data

    @property
    def pending(self) -> bool:
        """Started offline on this desk's copy (kbapp.replica): no number from the server yet."""
        from kbapp.store.ids import LOCAL_BASE

        return self.id >= LOCAL_BASE


@dataclass(frozen=True)
class Action:
    id: int
    incident_id: int
    at: dt.datetime
    actor: str
    kind: str
    step: int | None
    playbook_id: str | None
    details: str
    payload: dict[str, Any]
    corrects_id: int | None = None
    corrected_by: tuple[int, ...] = ()  # later corrections pointing at this action
    received_at: dt.datetime | None = None  # the shared server's clock when it stored the action
    db_login: str | None = None  # the database login that stored it (on a server)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "incident_id": self.incident_id, "at": _iso(self.at),
            "received_at": _iso(self.received_at), "actor": self.actor, "db_login": self.db_login,
            "kind": self.kind, "step": self.step, "playbook_id": self.playbook_id, "details": self.details,
            "payload": self.payload, "corrects_id": self.corrects_id, "corrected_by": list(self.corrected_by),
            "summary": describe_action(self),
        }


@dataclass(frozen=True)
class StepState:
    number: int
    title: str
    result: str | None = None  # the latest result; None = not done yet
    note: str = ""  # the note given with the latest result
    result_at: dt.datetime | None = None
    opened_at: dt.datetime | None = None  # when it last became the current step
    commands: tuple[str, ...] = ()
    expected: str = ""
    decisions: tuple[Decision, ...] = ()
    text: str = ""  # the step's instructions (Markdown, commands included, title and decisions not)
    reached_from: int | None = None  # the step whose decision led here (the branch taken)
    reached_by: str = ""  # that decision's condition
    bypassed: bool = False  # a decision jumped over it and it was not done since

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number, "title": self.title, "result": self.result, "note": self.note,
            "result_at": _iso(self.result_at), "opened_at": _iso(self.opened_at),
            "commands": list(self.commands), "expected": self.expected,
            "decisions": [{"condition": d.condition, "target": d.target} for d in self.decisions],
            "reached_from": self.reached_from, "reached_by": self.reached_by, "bypassed": self.bypassed,
        }


@dataclass(frozen=True)
class PlaybookRun:
    playbook_id: str
    title: str
    steps: tuple[StepState, ...] = ()
    current: int | None = None  # the next step to do; None when every step is through
    missing: bool = False  # the playbook is no longer in the library; steps come from the log
    title_en: str = ""

    @property
    def finished(self) -> bool:
        return bool(self.steps) and self.current is None

    def step(self, number: int) -> StepState | None:
        return next((s for s in self.steps if s.number == number), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "playbook_id": self.playbook_id, "title": self.title, "title_en": self.title_en,
            "current": self.current, "finished": self.finished, "missing": self.missing,
            "steps": [s.to_json() for s in self.steps],
        }


@dataclass
class _Progress:
    result: str | None = None
    note: str = ""
    result_at: dt.datetime | None = None
    opened_at: dt.datetime | None = None
    title: str = ""
    extra: dict = field(default_factory=dict)


def replay_playbook_run(playbook_id: str, doc: Document | None, step_actions: list[Action],
                  attached_at: dt.datetime | None) -> PlaybookRun:
    """Where an engineer is in one playbook, from its step actions in log order.

    After a step is marked, the current step becomes the decision's target when one
    was chosen (``goto``); the same step again when it failed; otherwise the first
    later step not yet through (done, skipped, or an inspection item's pass/fail/n.a.).
    A decision's target records where it came from (the branch taken); the steps it
    jumped over are ``bypassed`` until they get a result of their own.
    """
    mine = [a for a in step_actions if a.kind == STEP and a.playbook_id == playbook_id and a.step is not None]
    if doc is not None:
        numbers = sorted(s.number for s in doc.steps)
    else:
        numbers = sorted({a.step for a in mine if a.step is not None})
    progress = {n: _Progress() for n in numbers}
    current = numbers[0] if numbers else None
    if current is not None:
        progress[current].opened_at = attached_at

    for action in mine:
        assert action.step is not None  # the step actions of ``mine`` all name their step
        state = progress.setdefault(action.step, _Progress())
        state.result = action.payload.get("result")
        state.note = action.details
        state.result_at = action.at
        state.title = action.payload.get("step_title", state.title)
        goto = action.payload.get("goto")
        if goto is not None:
            following = goto
            target = progress.setdefault(goto, _Progress())
            target.extra["from"] = (action.step, action.payload.get("decision", ""))
            for n in numbers:
                if action.step < n < goto:
                    progress[n].extra["jumped"] = True
        elif state.result == FAILED:
            following = action.step
        else:
            following = next(
                (n for n in numbers if n > action.step and progress[n].result not in _THROUGH), None
            )
        if following != current:
            current = following
            if current is not None:
                progress.setdefault(current, _Progress()).opened_at = action.at

    steps = []
    doc_steps = {s.number: s for s in doc.steps} if doc is not None else {}
    for number in sorted(progress):
        state = progress[number]
        src = doc_steps.get(number)
        reached_from, reached_by = state.extra.get("from", (None, ""))
        steps.append(StepState(
            number=number, title=src.title if src else state.title, result=state.result, note=state.note,
            result_at=state.result_at, opened_at=state.opened_at,
            commands=tuple(src.commands) if src else (), expected=src.expected if src else "",
            decisions=tuple(src.decisions) if src else (), text=src.text if src else "",
            reached_from=reached_from, reached_by=reached_by or "",
            bypassed=bool(state.extra.get("jumped")) and state.result is None and number != current,
        ))
    title = doc.title if doc is not None else playbook_id
    return PlaybookRun(playbook_id, title, tuple(steps), current, doc is None, doc.title_en if doc else "")


def describe_action(action: Action, *, with_details: bool = True) -> str:
    """A human summary of an action, for the timeline and exports (details appended unless told not to)."""
    p = action.payload
    kind = action.kind
    if kind == CREATED:
        text = f"{p.get('title', '')} (故障级别 level {p.get('level', '')})"
    elif kind == STATUS:
        # Statuses by their names (已解决 Resolved), never their ids (report_submitted).
        text = f"{lc.label(p.get('from', '?'))} → {lc.label(p.get('to', '?'))}"
        if p.get("close_reason"):
            zh, en = lc.CLOSE_REASONS.get(p["close_reason"], (p["close_reason"], ""))
            text += f" ({zh} {en})".replace(" )", ")")
    elif kind == STEP:
        zh, en = RESULT_LABELS.get(p.get("result", ""), (p.get("result", ""), p.get("result", "")))
        text = f"{action.playbook_id} 第 {action.step} 步 step {action.step} {p.get('step_title', '')}: {zh} {en}"
        if p.get("value"):
            text += f" = {p['value']}"
        if p.get("goto") is not None:
            text += f" → 第 {p['goto']} 步 step {p['goto']}"
            if p.get("decision"):
                text += f" ({p['decision']})"
    elif kind == COMMAND_COPIED:
        text = f"{action.playbook_id} 第 {action.step} 步: {p.get('command', '')}"
    elif kind == PLAYBOOK_ATTACHED:
        text = f"{action.playbook_id} {p.get('title', '')}".rstrip()
    elif kind == ESCALATION and "step" in p:
        phone = f" ({p['phone']})" if p.get("phone") else ""
        why = f" [{p['deadline']}{': ' + p['state'] if p.get('state') else ''}]" if p.get("deadline") else ""
        how = "手动 manual" if p.get("manual") else ("提醒 reminder" if p.get("step") == 0 else f"第 {p['step']} 级 level {p['step']}")
        if p.get("reason") == "serious":
            how = "重大问题汇报 serious problem reported"
        text = f"{how} → {p.get('to', '?')}{phone}{why}"
    elif kind == ESCALATION:
        answer = "yes 是" if p.get("answer") == "yes" else "no 否"
        who = f" → {p['to']}" if p.get("to") else ""
        phone = f" ({p['phone']})" if p.get("phone") else ""
        why = f" [{p['deadline']}]" if p.get("deadline") else ""
        text = f"{answer}{who}{phone}{why}"
    elif kind in (LEVEL, RESPONSIBLE, REPORTER, CHANNEL):
        text = f"{p.get('from') or '—'} → {p.get('to') or '—'}"
    elif kind == NOTIFIED:
        text = f"{p.get('from', '?')} → {p.get('to', '?')}"
    elif kind == NOTIFICATION:
        outcome = {"sent": "已发送 sent", "failed": "失败 failed", "retrying": "失败，将重试 failed, retrying"}.get(
            p.get("outcome", ""), p.get("outcome", ""))
        text = f"{p.get('channel', '')} {p.get('target', '')} → {p.get('person', '')}: {outcome}"
        if p.get("error"):
            text += f" ({p['error']})"
    elif kind == CORRECTION:
        text = f"更正 corrects #{action.corrects_id}"
    elif kind == FOLLOW_UP:
        text = f"第 {action.step} 项 item {action.step} → #{p.get('incident_id', '?')}"
    else:
        text = ""
    if with_details and action.details and kind != CREATED:
        text = f"{text}: {action.details}" if text else action.details
    return text


def incident_from_row(row: IncidentRow) -> Incident:
    """A detached Incident from an ORM row (kbapp.store.models.IncidentRow)."""
    return Incident(
        id=row.id, title=row.title, description=row.description, level=row.level, category=row.category,
        channel=row.channel, reporter=row.reporter, responsible=row.responsible, status=row.status,
        summary=row.summary, created_by=row.created_by, created_at=row.created_at, notified_at=row.notified_at,
        updated_at=row.updated_at, responded_at=row.responded_at, plan_at=row.plan_at,
        emergency_plan_at=row.emergency_plan_at, resolved_at=row.resolved_at,
        report_submitted_at=row.report_submitted_at, closed_at=row.closed_at,
        playbook_ids=tuple(p.playbook_id for p in sorted(row.playbooks, key=lambda p: p.position)),
        mode=row.mode or MODE_INCIDENT, customer=row.customer or "", system=row.system or "",
        uid=getattr(row, "uid", None),
    )


def action_from_row(row: Any) -> Action:
    """A detached Action from an ORM row or a Core row of the actions table."""
    return Action(id=row.id, incident_id=row.incident_id, at=row.at, actor=row.actor, kind=row.kind,
                  step=row.step, playbook_id=row.playbook_id, details=row.details or "",
                  payload=dict(row.payload or {}), corrects_id=row.corrects_id,
                  received_at=getattr(row, "received_at", None), db_login=getattr(row, "db_login", None))
