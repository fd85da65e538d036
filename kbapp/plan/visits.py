"""Follow-up visits (定期回访, plan ch. 1.3): a schedule per customer, each visit's record,
the visits due and overdue, and an issue raised turned into a problem record or a
change request in one step.

A visit records who made it, when and how (phone, on site, remote, e-mail, chat), the
customer's satisfaction and remarks, and the issues raised. A visit made for a plan
fulfils the occurrence that was due then; the plan's next visit follows the schedule
(kbapp.plan.schedule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbapp.incidents.base import LoggedService
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import check_id, check_line, check_text
from kbapp.plan import schedule as sch
from kbapp.store.plan_models import VisitIssueRow, VisitPlanRow, VisitRow

if TYPE_CHECKING:
    from collections.abc import Callable

    from kbapp.facade import KnowledgeBase
    from kbapp.plan.changes import ChangeRequest
    from kbapp.records.workflow import ProblemRecord
    from kbapp.store.db import Store


class VisitError(IncidentError):
    """Bad input for a visit or its plan; names the field."""


METHODS = ("phone", "onsite", "remote", "email", "chat")
METHOD_LABELS = {"phone": ("电话", "Phone"), "onsite": ("现场", "On site"), "remote": ("远程", "Remote"),
                 "email": ("邮件", "E-mail"), "chat": ("在线", "Chat")}
_METHOD_ALIASES = {"电话": "phone", "现场": "onsite", "on-site": "onsite", "远程": "remote", "邮件": "email",
                   "e-mail": "email", "在线": "chat"}
SATISFACTION = ("very-satisfied", "satisfied", "fair", "dissatisfied")
SATISFACTION_LABELS = {"very-satisfied": ("非常满意", "Very satisfied"), "satisfied": ("满意", "Satisfied"),
                       "fair": ("基本满意", "Fair"), "dissatisfied": ("不满意", "Dissatisfied")}
_SATISFACTION_ALIASES = {"非常满意": "very-satisfied", "满意": "satisfied", "基本满意": "fair",
                         "一般": "fair", "不满意": "dissatisfied"}


def _pick(value: Any, name: str, allowed: tuple[str, ...], aliases: dict[str, str]) -> str:
    text = str(value or "").strip()
    found = aliases.get(text, aliases.get(text.lower(), text.lower()))
    if found not in allowed:
        raise VisitError(f"{name}: {value!r} is not one of {', '.join(allowed)}", field=name)
    return found


T = TypeVar("T")


def _checked(fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    try:
        return fn(*args, **kw)
    except VisitError:
        raise
    except IncidentError as exc:
        raise VisitError(str(exc), field=exc.field) from None


@dataclass(frozen=True)
class VisitPlan:
    id: int
    customer: str
    system: str
    frequency: str
    anchor: dt.date
    contact: str
    active: bool
    created_by: str
    created_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "customer": self.customer, "system": self.system, "frequency": self.frequency,
                "anchor": self.anchor.isoformat(), "contact": self.contact, "active": self.active,
                "created_by": self.created_by, "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class VisitIssue:
    id: int
    visit_id: int
    text: str
    record_id: int | None = None
    change_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "visit_id": self.visit_id, "text": self.text, "record_id": self.record_id,
                "change_id": self.change_id}


@dataclass(frozen=True)
class Visit:
    id: int
    plan_id: int | None
    customer: str
    due_date: dt.date | None
    at: dt.datetime
    visitor: str
    method: str
    satisfaction: str
    remarks: str
    created_by: str
    issues: tuple[VisitIssue, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "plan_id": self.plan_id, "customer": self.customer,
                "due_date": self.due_date.isoformat() if self.due_date else None, "at": self.at.isoformat(),
                "visitor": self.visitor, "method": self.method, "satisfaction": self.satisfaction,
                "remarks": self.remarks, "created_by": self.created_by, "issues": [i.to_json() for i in self.issues]}


@dataclass(frozen=True)
class DueVisit:
    plan: VisitPlan
    standing: sch.Standing
    last_visit: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan.to_json(), "customer": self.plan.customer,
                "due_date": self.standing.due_date.isoformat(), "state": self.standing.state,
                "overdue_days": self.standing.overdue_days,
                "last_visit": self.last_visit.isoformat() if self.last_visit else None}


def _plan(row: VisitPlanRow) -> VisitPlan:
    return VisitPlan(row.id, row.customer, row.system, row.frequency, row.anchor, row.contact, bool(row.active),
                     row.created_by, row.created_at)


def _issue(row: VisitIssueRow) -> VisitIssue:
    return VisitIssue(row.id, row.visit_id, row.text, row.record_id, row.change_id)


def _visit(s: Session, row: VisitRow) -> Visit:
    issues = tuple(_issue(i) for i in s.scalars(
        select(VisitIssueRow).where(VisitIssueRow.visit_id == row.id).order_by(VisitIssueRow.id)))
    return Visit(row.id, row.plan_id, row.customer, row.due_date, row.at, row.visitor, row.method,
                 row.satisfaction, row.remarks, row.created_by, issues)


class VisitService(LoggedService):
    """``kb.visits``. ``tz``: the team's time zone for due dates (None: this machine's)."""

    def __init__(self, store: Store, kb: KnowledgeBase, *, clock: Callable[[], dt.datetime] | None = None,
                 actor: str | None = None, tz: dt.tzinfo | None = None) -> None:
        super().__init__(store, kb, clock=clock, actor=actor)
        self.tz = tz

    def _actor(self, actor: str | None) -> str:
        return _checked(super()._actor, actor)

    def today(self) -> dt.date:
        return sch.local_date(self.now(), self.tz)

    # -- plans -------------------------------------------------------------------------------
    def new_plan(self, customer: str, frequency: str = sch.MONTHLY, first_due: Any = None, *, system: str = "",
                 contact: str = "", actor: str | None = None) -> VisitPlan:
        customer = _checked(check_line, customer, "customer", required=True, max_chars=200)
        system = _checked(check_line, system, "system", max_chars=200)
        contact = _checked(check_line, contact, "contact", max_chars=200)
        frequency = _checked(sch.check_frequency, frequency)
        anchor = _checked(sch.check_date, first_due, "first_due") if first_due not in (None, "") else self.today()
        actor, now = self._actor(actor), self.now()

        def work(s: Session) -> VisitPlan:
            row = VisitPlanRow(customer=customer, system=system, frequency=frequency, anchor=anchor, contact=contact,
                               active=True, created_by=actor, created_at=now)
            s.add(row)
            s.flush()
            return _plan(row)

        return self.store.write(work)

    def plans(self, customer: str | None = None, active_only: bool = True) -> list[VisitPlan]:
        query = select(VisitPlanRow).order_by(VisitPlanRow.id)
        if customer:
            query = query.where(VisitPlanRow.customer == customer)
        if active_only:
            query = query.where(VisitPlanRow.active.is_(True))
        return self.store.read(lambda s: [_plan(r) for r in s.scalars(query)])

    def stop_plan(self, plan_id: Any) -> VisitPlan:
        plan_id = _checked(check_id, plan_id, "plan_id")

        def work(s: Session) -> VisitPlan:
            row = self._plan_row(s, plan_id)
            row.active = False
            return _plan(row)

        return self.store.write(work)

    @staticmethod
    def _plan_row(s: Session, plan_id: int) -> VisitPlanRow:
        row = s.get(VisitPlanRow, plan_id)
        if row is None:
            raise VisitError(f"plan_id: no follow-up plan #{plan_id}", field="plan_id")
        return row

    def _next_due(self, s: Session, row: VisitPlanRow) -> tuple[dt.date, dt.datetime | None]:
        last = s.scalars(select(VisitRow).where(VisitRow.plan_id == row.id)
                         .order_by(VisitRow.at.desc(), VisitRow.id.desc()).limit(1)).first()
        if last is None:
            return row.anchor, None
        return sch.next_due(row.anchor, row.frequency, last.due_date, sch.local_date(last.at, self.tz)), last.at

    def next_due(self, plan_id: Any) -> dt.date:
        plan_id = _checked(check_id, plan_id, "plan_id")
        return self.store.read(lambda s: self._next_due(s, self._plan_row(s, plan_id))[0])

    def due(self, horizon: int = sch.DEFAULT_HORIZON, customer: str | None = None,
            include_scheduled: bool = False) -> list[DueVisit]:
        """Active plans whose next visit is overdue or due within ``horizon`` days, most
        overdue first."""
        now = self.now()

        def work(s: Session) -> list[DueVisit]:
            query = select(VisitPlanRow).where(VisitPlanRow.active.is_(True)).order_by(VisitPlanRow.id)
            if customer:
                query = query.where(VisitPlanRow.customer == customer)
            out = []
            for row in s.scalars(query):
                day, last = self._next_due(s, row)
                standing = sch.standing(day, now, self.tz, horizon)
                if include_scheduled or standing.state != sch.SCHEDULED:
                    out.append(DueVisit(_plan(row), standing, last))
            return sorted(out, key=lambda d: (d.standing.due_date, d.plan.id))

        return self.store.read(work)

    # -- visits ----------------------------------------------------------------------------------
    def record(self, plan_id: Any = None, *, customer: str = "", visitor: str = "", method: str = "phone",
               satisfaction: str = "satisfied", remarks: str = "", issues: list[str] | tuple[str, ...] = (),
               at: dt.datetime | None = None, actor: str | None = None) -> Visit:
        """A visit made (for a plan, or to a customer outside any plan)."""
        plan_id = _checked(check_id, plan_id, "plan_id") if plan_id not in (None, "") else None
        customer = _checked(check_line, customer, "customer", max_chars=200)
        if plan_id is None and not customer:
            raise VisitError("customer: name the customer, or the follow-up plan (--plan)", field="customer")
        method = _pick(method, "method", METHODS, _METHOD_ALIASES)
        satisfaction = _pick(satisfaction, "satisfaction", SATISFACTION, _SATISFACTION_ALIASES)
        remarks = _checked(check_text, remarks, "remarks")
        texts = [_checked(check_text, t, "issue") for t in issues]
        texts = [t for t in texts if t.strip()]
        actor, now = self._actor(actor), self.now()
        visitor = _checked(check_line, visitor, "visitor", max_chars=100) or actor
        if at is not None and at.tzinfo is None:
            raise VisitError("at: the visit's time needs its time zone", field="at")
        when = at.astimezone(dt.UTC) if at is not None else now
        if when > now + dt.timedelta(minutes=5):
            raise VisitError("at: the visit's time is in the future", field="at")

        def work(s: Session) -> Visit:
            due_date, who = None, customer
            if plan_id is not None:
                plan = self._plan_row(s, plan_id)
                due_date, _ = self._next_due(s, plan)
                who = customer or plan.customer
            row = VisitRow(plan_id=plan_id, customer=who, due_date=due_date, at=when, visitor=visitor, method=method,
                           satisfaction=satisfaction, remarks=remarks, created_by=actor, created_at=now)
            s.add(row)
            s.flush()
            for text in texts:
                s.add(VisitIssueRow(visit_id=row.id, text=text))
            s.flush()
            return _visit(s, row)

        return self.store.write(work)

    def get(self, visit_id: Any) -> Visit:
        visit_id = _checked(check_id, visit_id, "visit_id")

        def work(s: Session) -> Visit:
            row = s.get(VisitRow, visit_id)
            if row is None:
                raise VisitError(f"visit_id: no visit #{visit_id}", field="visit_id")
            return _visit(s, row)

        return self.store.read(work)

    def list_visits(self, customer: str | None = None, plan_id: int | None = None) -> list[Visit]:
        query = select(VisitRow).order_by(VisitRow.at.desc(), VisitRow.id.desc())
        if customer:
            query = query.where(VisitRow.customer == customer)
        if plan_id is not None:
            query = query.where(VisitRow.plan_id == plan_id)
        return self.store.read(lambda s: [_visit(s, r) for r in s.scalars(query)])

    list = list_visits  # noqa: A003

    def add_issue(self, visit_id: Any, text: str) -> VisitIssue:
        visit_id = _checked(check_id, visit_id, "visit_id")
        text = _checked(check_text, text, "issue", required=True)

        def work(s: Session) -> VisitIssue:
            if s.get(VisitRow, visit_id) is None:
                raise VisitError(f"visit_id: no visit #{visit_id}", field="visit_id")
            row = VisitIssueRow(visit_id=visit_id, text=text)
            s.add(row)
            s.flush()
            return _issue(row)

        return self.store.write(work)

    def issue(self, issue_id: Any) -> VisitIssue:
        issue_id = _checked(check_id, issue_id, "issue_id")

        def work(s: Session) -> VisitIssue:
            row = s.get(VisitIssueRow, issue_id)
            if row is None:
                raise VisitError(f"issue_id: no visit issue #{issue_id}", field="issue_id")
            return _issue(row)

        return self.store.read(work)

    # -- one step from an issue to a problem record or a change request -------------------------
    def to_record(self, issue_id: Any, kind: str = "defect", actor: str | None = None) -> ProblemRecord:
        """The issue becomes a problem record (提出人 the customer's contact, 地点 the customer);
        asked again, the same record."""
        issue = self.issue(issue_id)
        if issue.record_id is not None:
            return self.kb.records.get(issue.record_id)
        if issue.change_id is not None:
            raise VisitError(f"issue_id: issue #{issue.id} became change request #{issue.change_id} already",
                             field="issue_id")
        visit = self.get(issue.visit_id)
        contact = self._contact(visit)
        title = issue.text.strip().splitlines()[0][:200]
        description = (f"{issue.text.strip()}\n\n回访 Follow-up visit #{visit.id} "
                       f"({visit.customer}, {visit.at.astimezone(self.tz).strftime('%Y-%m-%d')}, {visit.visitor})")
        plan_id = visit.plan_id
        system = self.store.read(lambda s: self._plan_row(s, plan_id).system) if plan_id is not None else ""
        record = self.kb.records.new(kind, title, description=description, reporter=contact or visit.customer,
                                     place=visit.customer, actor=actor, raised_at=visit.at,
                                     customer=visit.customer, system=system or None)
        self.store.write(lambda s: self._link(s, issue.id, record_id=record.id))
        return record

    def to_change(self, issue_id: Any, kind: str = "requirement", days: Any = None,
                  actor: str | None = None) -> ChangeRequest:
        """The issue becomes a change request, in the same transaction as the link."""
        issue = self.issue(issue_id)
        if issue.change_id is not None:
            return self.kb.change_requests.get(issue.change_id)
        if issue.record_id is not None:
            raise VisitError(f"issue_id: issue #{issue.id} became problem record #{issue.record_id} already",
                             field="issue_id")
        visit = self.get(issue.visit_id)
        title = issue.text.strip().splitlines()[0][:200]
        changes = self.kb.change_requests

        def work(s: Session) -> ChangeRequest:
            change = changes.new(kind, title, days=days, description=issue.text, customer=visit.customer,
                                 raised_by=self._contact(visit), actor=actor, in_session=s)
            self._link(s, issue.id, change_id=change.id)
            return change

        return self.store.write(work)

    def _contact(self, visit: Visit) -> str:
        plan_id = visit.plan_id
        if plan_id is None:
            return ""
        return self.store.read(lambda s: self._plan_row(s, plan_id).contact)

    @staticmethod
    def _link(s: Session, issue_id: int, **ids: int) -> None:
        row = s.get(VisitIssueRow, issue_id)
        for name, value in ids.items():
            setattr(row, name, value)
