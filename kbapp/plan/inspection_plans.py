"""Scheduled inspections (巡检计划, plan ch. 3.2.2 and 8): a plan per customer and system
(daily, weekly, monthly) with the checklist to use; the inspections due and overdue; the
backups of ch. 8 (daily incremental, periodic full) with the last good one recorded.

An inspection started from a plan is an ordinary inspection (kbapp.training.inspections)
with a run row naming the plan and the occurrence it is for; the occurrence is done when
that inspection is finished. A backup is missed when the last good incremental is older
than yesterday, or the last good full backup older than the plan's full-backup period;
one never recorded is flagged too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbapp.incidents.base import LoggedService
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import check_id, check_line, check_text
from kbapp.plan import schedule as sch
from kbapp.store.models import IncidentRow
from kbapp.store.plan_models import BackupCheckRow, InspectionPlanRow, InspectionRunRow

if TYPE_CHECKING:
    from collections.abc import Callable

    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.types import Incident
    from kbapp.store.db import Store

FREQUENCIES = (sch.DAILY, sch.WEEKLY, sch.MONTHLY)
INCREMENTAL, FULL = "incremental", "full"
BACKUP_KINDS = (INCREMENTAL, FULL)
BACKUP_LABELS = {INCREMENTAL: ("增量备份", "Incremental backup"), FULL: ("全备份", "Full backup")}
_BACKUP_ALIASES = {"增量": INCREMENTAL, "增量备份": INCREMENTAL, "全备": FULL, "全备份": FULL, "全量": FULL}
OK, MISSED, UNKNOWN = "ok", "missed", "unknown"
IN_PROGRESS = "in_progress"


class InspectionPlanError(IncidentError):
    """Bad input for an inspection plan or a backup check; names the field."""


T = TypeVar("T")


def _checked(fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    try:
        return fn(*args, **kw)
    except InspectionPlanError:
        raise
    except IncidentError as exc:
        raise InspectionPlanError(str(exc), field=exc.field) from None


@dataclass(frozen=True)
class InspectionPlan:
    id: int
    customer: str
    system: str
    frequency: str
    anchor: dt.date
    checklist: str
    inspector: str
    full_backup_days: int
    active: bool

    @property
    def name(self) -> str:
        return f"{self.customer} {self.system}".strip()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "customer": self.customer, "system": self.system, "frequency": self.frequency,
                "anchor": self.anchor.isoformat(), "checklist": self.checklist, "inspector": self.inspector,
                "full_backup_days": self.full_backup_days, "active": self.active}


@dataclass(frozen=True)
class BackupStatus:
    kind: str
    last_good: dt.date | None
    state: str  # ok, missed, unknown
    checked_at: dt.datetime | None = None
    checked_by: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "last_good": self.last_good.isoformat() if self.last_good else None,
                "state": self.state, "checked_at": self.checked_at.isoformat() if self.checked_at else None,
                "checked_by": self.checked_by}


@dataclass(frozen=True)
class DueInspection:
    plan: InspectionPlan
    standing: sch.Standing
    open_inspection: int | None  # an inspection of this plan started and not finished
    backups: tuple[BackupStatus, ...]

    @property
    def state(self) -> str:
        return self.standing.state

    @property
    def missed_backups(self) -> list[BackupStatus]:
        return [b for b in self.backups if b.state != OK]

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan.to_json(), "customer": self.plan.customer, "system": self.plan.system,
                "due_date": self.standing.due_date.isoformat(), "state": self.standing.state,
                "overdue_days": self.standing.overdue_days, "open_inspection": self.open_inspection,
                "backups": [b.to_json() for b in self.backups],
                "missed_backups": [b.kind for b in self.missed_backups]}


def _plan(row: InspectionPlanRow) -> InspectionPlan:
    return InspectionPlan(row.id, row.customer, row.system, row.frequency, row.anchor, row.checklist, row.inspector,
                          row.full_backup_days, bool(row.active))


def backup_state(kind: str, last_good: dt.date | None, today: dt.date, full_days: int) -> str:
    if last_good is None:
        return UNKNOWN
    allowed = 1 if kind == INCREMENTAL else full_days
    return OK if last_good >= today - dt.timedelta(days=allowed) else MISSED


class InspectionPlanService(LoggedService):
    """``kb.inspection_plans``. ``tz``: the team's time zone for due dates (None: this machine's)."""

    def __init__(self, store: Store, kb: KnowledgeBase, *, clock: Callable[[], dt.datetime] | None = None,
                 actor: str | None = None, tz: dt.tzinfo | None = None) -> None:
        super().__init__(store, kb, clock=clock, actor=actor)
        self.tz = tz

    def _actor(self, actor: str | None) -> str:
        return _checked(super()._actor, actor)

    def today(self) -> dt.date:
        return sch.local_date(self.now(), self.tz)

    @staticmethod
    def _row(s: Session, plan_id: int) -> InspectionPlanRow:
        row = s.get(InspectionPlanRow, plan_id)
        if row is None:
            raise InspectionPlanError(f"plan_id: no inspection plan #{plan_id}", field="plan_id")
        return row

    def new_plan(self, customer: str, system: str = "", frequency: str = sch.DAILY, first_due: Any = None, *,
                 checklist: str = "routine-inspection", inspector: str = "", full_backup_days: Any = 7,
                 actor: str | None = None) -> InspectionPlan:
        customer = _checked(check_line, customer, "customer", required=True, max_chars=200)
        system = _checked(check_line, system, "system", max_chars=200)
        inspector = _checked(check_line, inspector, "inspector", max_chars=100)
        frequency = _checked(sch.check_frequency, frequency, FREQUENCIES)
        anchor = _checked(sch.check_date, first_due, "first_due") if first_due not in (None, "") else self.today()
        try:
            full_days = int(str(full_backup_days).strip())
        except ValueError:
            raise InspectionPlanError(f"full_backup_days: {full_backup_days!r} is not a whole number of days",
                                      field="full_backup_days") from None
        if not 1 <= full_days <= 366:
            raise InspectionPlanError("full_backup_days: must be from 1 to 366", field="full_backup_days")
        doc = self.kb.get(checklist)
        if doc is None or doc.kind != "checklist":
            what = "no such document" if doc is None else f"a {doc.kind}, not a checklist"
            raise InspectionPlanError(f"checklist: {checklist!r} is {what}", field="checklist")
        actor, now = self._actor(actor), self.now()

        def work(s: Session) -> InspectionPlan:
            row = InspectionPlanRow(customer=customer, system=system, frequency=frequency, anchor=anchor,
                                    checklist=doc.id, inspector=inspector, full_backup_days=full_days, active=True,
                                    created_by=actor, created_at=now)
            s.add(row)
            s.flush()
            return _plan(row)

        return self.store.write(work)

    def plans(self, customer: str | None = None, active_only: bool = True) -> list[InspectionPlan]:
        query = select(InspectionPlanRow).order_by(InspectionPlanRow.id)
        if customer:
            query = query.where(InspectionPlanRow.customer == customer)
        if active_only:
            query = query.where(InspectionPlanRow.active.is_(True))
        return self.store.read(lambda s: [_plan(r) for r in s.scalars(query)])

    def get_plan(self, plan_id: Any) -> InspectionPlan:
        plan_id = _checked(check_id, plan_id, "plan_id")
        return self.store.read(lambda s: _plan(self._row(s, plan_id)))

    def stop_plan(self, plan_id: Any) -> InspectionPlan:
        plan_id = _checked(check_id, plan_id, "plan_id")

        def work(s: Session) -> InspectionPlan:
            row = self._row(s, plan_id)
            row.active = False
            return _plan(row)

        return self.store.write(work)

    # -- when ----------------------------------------------------------------------------------
    def _runs(self, s: Session, plan_id: int) -> list[Any]:
        return list(s.execute(
            select(InspectionRunRow.inspection_id, InspectionRunRow.due_date, IncidentRow.resolved_at)
            .join(IncidentRow, IncidentRow.id == InspectionRunRow.inspection_id)
            .where(InspectionRunRow.plan_id == plan_id).order_by(InspectionRunRow.id)))

    def _next(self, s: Session, row: InspectionPlanRow) -> tuple[dt.date, int | None]:
        runs = self._runs(s, row.id)
        finished = [r for r in runs if r.resolved_at is not None]
        open_run = next((r.inspection_id for r in reversed(runs) if r.resolved_at is None), None)
        if not finished:
            return row.anchor, open_run
        last = max(finished, key=lambda r: (r.due_date, r.resolved_at))
        return sch.next_due(row.anchor, row.frequency, last.due_date, sch.local_date(last.resolved_at, self.tz)), \
            open_run

    def _backups(self, s: Session, row: InspectionPlanRow, today: dt.date) -> tuple[BackupStatus, ...]:
        out = []
        for kind in BACKUP_KINDS:
            check = s.scalars(select(BackupCheckRow).where(BackupCheckRow.plan_id == row.id,
                                                           BackupCheckRow.kind == kind)
                              .order_by(BackupCheckRow.checked_at.desc(), BackupCheckRow.id.desc()).limit(1)).first()
            last = check.last_good if check else None
            out.append(BackupStatus(kind, last, backup_state(kind, last, today, row.full_backup_days),
                                    check.checked_at if check else None, check.checked_by if check else ""))
        return tuple(out)

    def due(self, horizon: int = sch.DEFAULT_HORIZON, customer: str | None = None,
            include_scheduled: bool = False) -> list[DueInspection]:
        """Inspections overdue or due within ``horizon`` days (1: tomorrow's too), with the
        state of each plan's backups; most overdue first."""
        now = self.now()
        today = sch.local_date(now, self.tz)

        def work(s: Session) -> list[DueInspection]:
            query = select(InspectionPlanRow).where(InspectionPlanRow.active.is_(True)).order_by(InspectionPlanRow.id)
            if customer:
                query = query.where(InspectionPlanRow.customer == customer)
            out = []
            for row in s.scalars(query):
                day, open_run = self._next(s, row)
                standing = sch.standing(day, now, self.tz, horizon)
                item = DueInspection(_plan(row), standing, open_run, self._backups(s, row, today))
                if include_scheduled or standing.state != sch.SCHEDULED or item.missed_backups:
                    out.append(item)
            return sorted(out, key=lambda d: (d.standing.due_date, d.plan.id))

        return self.store.read(work)

    def next_due(self, plan_id: Any) -> dt.date:
        plan_id = _checked(check_id, plan_id, "plan_id")
        return self.store.read(lambda s: self._next(s, self._row(s, plan_id))[0])

    # -- doing -------------------------------------------------------------------------------------
    def start(self, plan_id: Any, inspector: str = "", actor: str | None = None) -> Incident:
        """Start the plan's inspection for the occurrence due now; the open one if there is one."""
        plan_id = _checked(check_id, plan_id, "plan_id")
        plan, (due_date, open_run) = self.store.read(
            lambda s: (_plan(self._row(s, plan_id)), self._next(s, self._row(s, plan_id))))
        inspections = self.kb.training.inspections
        if open_run is not None:
            return inspections.get(open_run)
        title = f"{plan.name} {due_date.isoformat()}"
        incident = inspections.start(plan.checklist, inspector=inspector or plan.inspector, title=title, actor=actor,
                                     customer=plan.customer, system=plan.system)
        now = self.now()
        self.store.write(lambda s: s.add(InspectionRunRow(plan_id=plan.id, inspection_id=incident.id,
                                                          due_date=due_date, started_at=now)))
        return incident

    def record_backup(self, plan_id: Any, kind: str, last_good: Any, *, inspection_id: Any = None, note: str = "",
                      actor: str | None = None) -> BackupStatus:
        """The last good backup of ``kind`` seen now; returns its state (missed when too old)."""
        plan_id = _checked(check_id, plan_id, "plan_id")
        text = str(kind or "").strip()
        kind = _BACKUP_ALIASES.get(text, text.lower())
        if kind not in BACKUP_KINDS:
            raise InspectionPlanError(f"kind: {text!r} is not one of {', '.join(BACKUP_KINDS)}", field="kind")
        day = _checked(sch.check_date, last_good, "last_good")
        inspection_id = _checked(check_id, inspection_id, "inspection_id") if inspection_id not in (None, "") else None
        note = _checked(check_text, note, "note")
        actor, now = self._actor(actor), self.now()
        today = sch.local_date(now, self.tz)
        if day > today:
            raise InspectionPlanError(f"last_good: {day} is after today ({today})", field="last_good")

        def work(s: Session) -> BackupStatus:
            row = self._row(s, plan_id)
            if inspection_id is not None and s.get(IncidentRow, inspection_id) is None:
                raise InspectionPlanError(f"inspection_id: no inspection #{inspection_id}", field="inspection_id")
            s.add(BackupCheckRow(plan_id=row.id, inspection_id=inspection_id, kind=kind, last_good=day,
                                 checked_at=now, checked_by=actor, note=note))
            s.flush()
            return next(b for b in self._backups(s, row, today) if b.kind == kind)

        return self.store.write(work)

    def backups(self, plan_id: Any) -> tuple[BackupStatus, ...]:
        plan_id = _checked(check_id, plan_id, "plan_id")
        today = self.today()
        return self.store.read(lambda s: self._backups(s, self._row(s, plan_id), today))
