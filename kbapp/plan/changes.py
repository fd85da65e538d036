"""Change requests during trial operation (程序功能调整, plan ch. 3.2.1).

Three kinds, and the approval each needs before work starts:

- ``defect`` (缺陷处理): logged (故障登录备案), then fixed on the spot: no approval;
- ``unclear`` (技术协议上定义的模糊功能): logged, submitted in writing to the department
  head (部门领导), who approves or refuses it;
- ``requirement`` (新增需求): estimated in working days; up to two weeks (10 working
  days) the department head approves it, more than that the company leadership
  (公司领导). The leadership may also approve a small one; a department head cannot
  approve a large one.

Each is one of the four kinds of maintenance (ch. 3.1). The written submission
(书面报批单) is made from the request when it is logged, kept in the database and
printed or saved as Markdown. Every move is logged with who and when; ``start``
refuses, naming what is missing, while the approval the request needs is not there.
"""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbapp.incidents.base import LoggedService, op_uid
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import MAX_TITLE_CHARS, check_id, check_line, check_text
from kbapp.inert_markdown import inert_markdown
from kbapp.plan import workdays
from kbapp.store.plan_models import ChangeEventRow, ChangeRequestRow
from kbapp.store.records_models import ProblemRecordRow


class ChangeError(IncidentError):
    """Bad input or a move the plan does not allow; names the field."""


DEFECT, UNCLEAR, REQUIREMENT = "defect", "unclear", "requirement"
KINDS = (DEFECT, UNCLEAR, REQUIREMENT)
KIND_LABELS = {DEFECT: ("缺陷处理", "Defect"), UNCLEAR: ("模糊功能", "Unclear function"),
               REQUIREMENT: ("新增需求", "New requirement")}
_KIND_ALIASES = {"缺陷": DEFECT, "缺陷处理": DEFECT, "模糊功能": UNCLEAR, "unclear-function": UNCLEAR,
                 "需求": REQUIREMENT, "新增需求": REQUIREMENT, "new-requirement": REQUIREMENT}

MAINTENANCE = ("corrective", "adaptive", "perfective", "preventive")
MAINTENANCE_LABELS = {"corrective": ("改正性维护", "Corrective"), "adaptive": ("适应性维护", "Adaptive"),
                      "perfective": ("完善性维护", "Perfective"), "preventive": ("预防性维护", "Preventive")}
_MAINTENANCE_ALIASES = {"改正性": "corrective", "改正性维护": "corrective", "纠错性": "corrective",
                        "适应性": "adaptive", "适应性维护": "adaptive", "完善性": "perfective",
                        "完善性维护": "perfective", "预防性": "preventive", "预防性维护": "preventive"}
DEFAULT_MAINTENANCE = {DEFECT: "corrective", UNCLEAR: "perfective", REQUIREMENT: "perfective"}

NONE, DEPARTMENT_HEAD, LEADERSHIP = "none", "department-head", "leadership"
APPROVERS = (DEPARTMENT_HEAD, LEADERSHIP)
APPROVER_LABELS = {NONE: ("无需审批", "No approval"), DEPARTMENT_HEAD: ("部门领导", "Department head"),
                   LEADERSHIP: ("公司领导", "Company leadership")}
_APPROVER_ALIASES = {"部门领导": DEPARTMENT_HEAD, "department_head": DEPARTMENT_HEAD, "head": DEPARTMENT_HEAD,
                     "公司领导": LEADERSHIP, "company-leadership": LEADERSHIP, "leaders": LEADERSHIP}
_RANK = {NONE: 0, DEPARTMENT_HEAD: 1, LEADERSHIP: 2}

LOGGED, PENDING, APPROVED, REFUSED, IN_PROGRESS, DONE = (
    "logged", "pending", "approved", "refused", "in_progress", "done")
STATES = (LOGGED, PENDING, APPROVED, REFUSED, IN_PROGRESS, DONE)
STATE_LABELS = {LOGGED: ("已登记备案", "Logged"), PENDING: ("待审批", "Awaiting approval"),
                APPROVED: ("已批准", "Approved"), REFUSED: ("未批准", "Refused"),
                IN_PROGRESS: ("实施中", "In progress"), DONE: ("已完成", "Done")}
MAX_DAYS = 2000


def label(labels: dict[str, tuple[str, str]], key: str, chinese: bool | None = None) -> str:
    zh, en = labels.get(key, (key, key))
    return f"{zh} {en}" if chinese is None else (zh if chinese else en)


def _pick(value: Any, name: str, allowed: tuple[str, ...], aliases: dict[str, str]) -> str:
    text = str(value or "").strip()
    found = aliases.get(text, aliases.get(text.lower(), text.lower()))
    if found not in allowed:
        raise ChangeError(f"{name}: {value!r} is not one of {', '.join(allowed)}", field=name)
    return found


def check_kind(value: Any) -> str:
    return _pick(value, "kind", KINDS, _KIND_ALIASES)


def check_maintenance(value: Any) -> str:
    return _pick(value, "maintenance", MAINTENANCE, _MAINTENANCE_ALIASES)


def check_approver(value: Any) -> str:
    return _pick(value, "as", APPROVERS, _APPROVER_ALIASES)


def approval_needed(kind: str, days: int | None) -> str:
    """Who must approve before work starts: none, department-head or leadership."""
    if kind == DEFECT:
        return NONE
    if kind == UNCLEAR:
        return DEPARTMENT_HEAD
    if days is None:
        raise ChangeError("days: a new requirement needs its estimate in working days (--days N)", field="days")
    return DEPARTMENT_HEAD if days <= workdays.TWO_WEEKS else LEADERSHIP


def check_days(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ChangeError(f"days: {value!r} is not a whole number of working days", field="days") from None
    if not 1 <= days <= MAX_DAYS:
        raise ChangeError(f"days: must be from 1 to {MAX_DAYS} working days, got {days}", field="days")
    return days


@dataclass(frozen=True)
class ChangeEvent:
    id: int
    at: dt.datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str
    fields: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor, "action": self.action,
                "from_state": self.from_state, "to_state": self.to_state, "fields": dict(self.fields),
                "note": self.note}


@dataclass(frozen=True)
class ChangeRequest:
    id: int
    kind: str
    state: str
    title: str
    description: str
    maintenance: str
    days: int | None
    needs: str
    customer: str
    raised_by: str
    record_id: int | None
    submission: str
    decided_by: str
    decided_as: str
    decided_at: dt.datetime | None
    decision_note: str
    started_by: str
    started_at: dt.datetime | None
    done_at: dt.datetime | None
    result: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    uid: str | None = None  # made by the desk (UUIDv7); the id is the server's number once it has it

    @property
    def pending(self) -> bool:
        """Logged on this desk while the server was unreachable: no number yet."""
        from kbapp.store.ids import LOCAL_BASE

        return self.id >= LOCAL_BASE

    @property
    def approved(self) -> bool:
        return self.needs == NONE or (self.decided_at is not None and self.state != REFUSED
                                      and _RANK.get(self.decided_as, 0) >= _RANK[self.needs])

    def blocker(self) -> str:
        """Why work cannot start now; '' when it can."""
        if self.state in (IN_PROGRESS, DONE):
            return f"state: change #{self.id} has started already ({self.state})"
        if self.state == REFUSED:
            return (f"approval: change #{self.id} was refused by {self.decided_by} "
                    f"({label(APPROVER_LABELS, self.decided_as)}); work may not start")
        if not self.approved:
            size = f" of {self.days} working days" if self.days is not None else ""
            return (f"approval: change #{self.id} ({label(KIND_LABELS, self.kind)}{size}) needs the approval of "
                    f"the {label(APPROVER_LABELS, self.needs)} before work starts; "
                    f"approve it with: kbapp change approve {self.id} --by NAME --as {self.needs}")
        return ""

    def planned_finish(self) -> dt.date | None:
        if self.started_at is None or self.days is None:
            return None
        return workdays.add_working_days(self.started_at.astimezone().date(), self.days)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            data[name] = value.isoformat() if isinstance(value, dt.datetime) else value
        finish = self.planned_finish()
        data.update(pending=self.pending, approved=self.approved, can_start=not self.blocker(), blocker=self.blocker() or None,
                    planned_finish=finish.isoformat() if finish else None)
        return data


def _from_row(row: ChangeRequestRow) -> ChangeRequest:
    return ChangeRequest(**{name: getattr(row, name) for name in ChangeRequest.__dataclass_fields__})


def submission_markdown(row: ChangeRequestRow) -> str:
    """The written submission (书面报批单) the department head or the leadership signs."""
    lines = [f"# 程序功能调整报批单 Change request #{row.id}", "", f"## {row.title}", ""]
    facts = [("类型 Kind", label(KIND_LABELS, row.kind)),
             ("维护类别 Maintenance", label(MAINTENANCE_LABELS, row.maintenance)),
             ("预计工作量 Estimate", f"{row.days} 个工作日 working days" if row.days is not None else ""),
             ("审批 Approval by", label(APPROVER_LABELS, row.needs)),
             ("客户单位 Customer", row.customer), ("提出人 Raised by", row.raised_by),
             ("关联问题记录 Problem record", f"#{row.record_id}" if row.record_id else ""),
             ("登记人 Logged by", row.created_by),
             ("登记时间 Logged at", row.created_at.astimezone().strftime("%Y-%m-%d %H:%M"))]
    lines += [f"- **{name}**: {value}" for name, value in facts if value]
    if row.description.strip():
        lines += ["", "## 修改要求 What is asked", "", row.description.strip()]
    lines += ["", "## 审批意见 Decision", "", "审批人 Approver: ________    日期 Date: ________", ""]
    return inert_markdown("\n".join(lines))


class ChangeRequestService(LoggedService):
    """``kb.change_requests``: new, approve, refuse, start, done, get, list, history."""

    def _actor(self, actor: str | None) -> str:
        try:
            return super()._actor(actor)
        except IncidentError as exc:
            raise ChangeError(str(exc), field=exc.field) from None

    @staticmethod
    def _row(s: Session, change_id: int) -> ChangeRequestRow:
        row = s.get(ChangeRequestRow, change_id)
        if row is None:
            raise ChangeError(f"change_id: no change request #{change_id}", field="change_id")
        return row

    @staticmethod
    def _log(s: Session, row: ChangeRequestRow, action: str, actor: str, at: dt.datetime, from_state: str | None,
             fields: dict[str, Any] | None = None, note: str = "", uid: int = 0) -> None:
        s.add(ChangeEventRow(change_id=row.id, at=at, actor=actor, action=action, from_state=from_state,
                             to_state=row.state, fields=fields or {}, note=note, uid=op_uid(uid)))
        row.updated_at = at
        s.flush()

    def new(self, kind: str, title: str, *, days: Any = None, description: str = "", maintenance: str = "",
            customer: str = "", raised_by: str = "", record_id: Any = None, actor: str | None = None,
            in_session: Session | None = None) -> ChangeRequest:
        """Log a change request; one that needs approval is submitted in writing at once."""
        kind = check_kind(kind)
        try:
            title = check_line(title, "title", required=True, max_chars=MAX_TITLE_CHARS)
            description = check_text(description, "description")
            customer = check_line(customer, "customer", max_chars=200)
            raised_by = check_line(raised_by, "raised_by", max_chars=200)
            record_id = check_id(record_id, "record_id") if record_id not in (None, "") else None
        except IncidentError as exc:
            raise ChangeError(str(exc), field=exc.field) from None
        days = check_days(days)
        maintenance = check_maintenance(maintenance) if maintenance else DEFAULT_MAINTENANCE[kind]
        needs = approval_needed(kind, days)
        actor, now = self._actor(actor), self.now()

        def work(s: Session) -> ChangeRequest:
            if record_id is not None and s.get(ProblemRecordRow, record_id) is None:
                raise ChangeError(f"record_id: no problem record #{record_id}", field="record_id")
            row = ChangeRequestRow(kind=kind, state=LOGGED, title=title, description=description,
                                   maintenance=maintenance, days=days, needs=needs, customer=customer,
                                   raised_by=raised_by, record_id=record_id, submission="", decided_by="",
                                   decided_as="", decision_note="", started_by="", result="", created_by=actor,
                                   created_at=now, updated_at=now, uid=op_uid())
            s.add(row)
            s.flush()
            self._log(s, row, "logged", actor, now, None,
                      {"kind": kind, "days": days, "maintenance": maintenance, "needs": needs}, uid=1)
            if needs != NONE:
                row.submission, row.state = submission_markdown(row), PENDING
                self._log(s, row, "submitted", actor, now, LOGGED, {"to": needs}, uid=2)
            return _from_row(row)

        return work(in_session) if in_session is not None else self.store.write(work)

    def approve(self, change_id: Any, by: str, as_role: str, note: str = "",
                actor: str | None = None) -> ChangeRequest:
        return self._decide(change_id, by, as_role, note, actor, approve=True)

    def refuse(self, change_id: Any, by: str, as_role: str, note: str = "",
               actor: str | None = None) -> ChangeRequest:
        return self._decide(change_id, by, as_role, note, actor, approve=False)

    def _decide(self, change_id: Any, by: str, as_role: str, note: str, actor: str | None, *,
                approve: bool) -> ChangeRequest:
        try:
            change_id = check_id(change_id, "change_id")
            by = check_line(by, "by", required=True, max_chars=100)
            note = check_text(note, "note")
        except IncidentError as exc:
            raise ChangeError(str(exc), field=exc.field) from None
        role = check_approver(as_role)
        actor = self._actor(actor)

        def work(s: Session) -> ChangeRequest:
            row = self._row(s, change_id)
            if row.needs == NONE:
                raise ChangeError(f"state: change #{row.id} is a defect: it is fixed on the spot without approval",
                                  field="state")
            if row.state != PENDING:
                raise ChangeError(f"state: change #{row.id} is {row.state}, not awaiting approval", field="state")
            if approve and _RANK[role] < _RANK[row.needs]:
                raise ChangeError(
                    f"as: change #{row.id} is a new requirement of {row.days} working days (more than "
                    f"{workdays.TWO_WEEKS}): only the {label(APPROVER_LABELS, row.needs)} can approve it, "
                    f"not the {label(APPROVER_LABELS, role)}", field="as")
            now, before = self.now(), row.state
            row.state = APPROVED if approve else REFUSED
            row.decided_by, row.decided_as, row.decided_at, row.decision_note = by, role, now, note
            self._log(s, row, "approved" if approve else "refused", actor, now, before, {"by": by, "as": role},
                      note)
            return _from_row(row)

        return self.store.write(work)

    def start(self, change_id: Any, actor: str | None = None) -> ChangeRequest:
        """Work starts; refused (ChangeError naming the approval) while an approval is missing."""
        try:
            change_id = check_id(change_id, "change_id")
        except IncidentError as exc:
            raise ChangeError(str(exc), field=exc.field) from None
        actor = self._actor(actor)

        def work(s: Session) -> ChangeRequest:
            row = self._row(s, change_id)
            blocker = _from_row(row).blocker()
            if blocker:
                raise ChangeError(blocker, field=blocker.split(":", 1)[0])
            now, before = self.now(), row.state
            row.state, row.started_by, row.started_at = IN_PROGRESS, actor, now
            self._log(s, row, "started", actor, now, before)
            return _from_row(row)

        return self.store.write(work)

    def done(self, change_id: Any, result: str, actor: str | None = None) -> ChangeRequest:
        """Work finished; ``result`` says what was changed in the system (the change record)."""
        try:
            change_id = check_id(change_id, "change_id")
            result = check_text(result, "result", required=True)
        except IncidentError as exc:
            raise ChangeError(str(exc), field=exc.field) from None
        actor = self._actor(actor)

        def work(s: Session) -> ChangeRequest:
            row = self._row(s, change_id)
            if row.state != IN_PROGRESS:
                raise ChangeError(f"state: change #{row.id} is {row.state}; only a started change can be done "
                                  f"(kbapp change start {row.id})", field="state")
            now = self.now()
            row.state, row.done_at, row.result = DONE, now, result
            self._log(s, row, "done", actor, now, IN_PROGRESS, {"result": result})
            return _from_row(row)

        return self.store.write(work)

    def get(self, change_id: Any) -> ChangeRequest:
        try:
            change_id = check_id(change_id, "change_id")
        except IncidentError as exc:
            raise ChangeError(str(exc), field=exc.field) from None
        return self.store.read(lambda s: _from_row(self._row(s, change_id)))

    def list_changes(self, state: str | None = None, kind: str | None = None,
                     record_id: int | None = None) -> list[ChangeRequest]:
        query = select(ChangeRequestRow).order_by(ChangeRequestRow.id.desc())
        if state:
            if state not in STATES:
                raise ChangeError(f"state: {state!r} is not one of {', '.join(STATES)}", field="state")
            query = query.where(ChangeRequestRow.state == state)
        if kind:
            query = query.where(ChangeRequestRow.kind == check_kind(kind))
        if record_id is not None:
            query = query.where(ChangeRequestRow.record_id == record_id)
        return self.store.read(lambda s: [_from_row(r) for r in s.scalars(query)])

    list = list_changes  # noqa: A003

    def history(self, change_id: Any) -> builtins.list[ChangeEvent]:
        change = self.get(change_id)
        query = select(ChangeEventRow).where(ChangeEventRow.change_id == change.id).order_by(ChangeEventRow.id)
        return self.store.read(lambda s: [
            ChangeEvent(r.id, r.at, r.actor, r.action, r.from_state, r.to_state, dict(r.fields or {}), r.note)
            for r in s.scalars(query)])
