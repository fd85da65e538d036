"""Table models of the service plan's duties: change requests (程序功能调整, ch. 3.2.1),
follow-up visits (定期回访, ch. 1.3) and scheduled inspections (巡检计划, ch. 3.2.2).

Each is a flat table over the core's frozen objects, replaced as a whole on reload, with
a sort role (numbers, dates and states sort as such) and the object itself under
``ObjectRole``. No database work here: the pages load the rows off the UI thread.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor

from kbapp.gui.incident_models import local_time, pick, row_number
from kbapp.gui.records_page import RecordRole as ObjectRole
from kbapp.gui.records_page import RowsModel, SortRole
from kbapp.plan import changes as ch
from kbapp.plan import schedule as sch
from kbapp.plan import visits as vs

__all__ = ["ChangesModel", "DueInspectionsModel", "DueVisitsModel", "ObjectRole", "SortRole", "VisitsModel",
           "count_standing", "standing_text"]

_OVERDUE = QBrush(QColor("#b71c1c"))
_DUE = QBrush(QColor("#e65100"))
_STATE_ORDER = {sch.OVERDUE: 0, sch.DUE: 1, sch.SCHEDULED: 2}


# Marked for lupdate: the texts _tr translates in the "PlanModels" context.
_TEXTS = (QT_TRANSLATE_NOOP("PlanModels", "Overdue by %1 day(s)"), QT_TRANSLATE_NOOP("PlanModels", "OK"),
          QT_TRANSLATE_NOOP("PlanModels", "Missed: %1"), QT_TRANSLATE_NOOP("PlanModels", "incremental"),
          QT_TRANSLATE_NOOP("PlanModels", "full"))


def _tr(text: str) -> str:
    return QCoreApplication.translate("PlanModels", text)


def standing_text(standing: sch.Standing, chinese: bool) -> str:
    """"Overdue by 2 day(s)", "Due", "Scheduled" in the UI's language."""
    if standing.state == sch.OVERDUE:
        return _tr("Overdue by %1 day(s)").replace("%1", str(max(standing.overdue_days, 1)))
    return pick(sch.STATE_LABELS[standing.state], chinese)


def count_standing(items) -> tuple[int, int]:
    """(overdue, due) among due visits or inspections (anything with ``.standing``)."""
    states = [item.standing.state for item in items]
    return states.count(sch.OVERDUE), states.count(sch.DUE)


def _standing_brush(state: str):
    return _OVERDUE if state == sch.OVERDUE else _DUE if state == sch.DUE else None


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


class ChangesModel(RowsModel):
    """Change requests: id, kind, state, title, approval needed, estimate, customer, updated."""

    HEADERS = (QT_TRANSLATE_NOOP("ChangesModel", "ID"), QT_TRANSLATE_NOOP("ChangesModel", "Kind"),
               QT_TRANSLATE_NOOP("ChangesModel", "State"), QT_TRANSLATE_NOOP("ChangesModel", "Title"),
               QT_TRANSLATE_NOOP("ChangesModel", "Approval by"), QT_TRANSLATE_NOOP("ChangesModel", "Working days"),
               QT_TRANSLATE_NOOP("ChangesModel", "Customer"), QT_TRANSLATE_NOOP("ChangesModel", "Updated"))

    def __init__(self, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese

    def row_of(self, change_id: int | None) -> int:
        return next((i for i, c in enumerate(self.rows) if c.id == change_id), -1)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        c: ch.ChangeRequest | None = self.row_object(index)
        if c is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row_number(c) if c.pending else c.id, pick(ch.KIND_LABELS[c.kind], self.chinese),
                    pick(ch.STATE_LABELS[c.state], self.chinese),
                    c.title, pick(ch.APPROVER_LABELS[c.needs], self.chinese),
                    "" if c.days is None else c.days, c.customer, local_time(c.updated_at, with_date=True))[column]
        if role == SortRole:
            return (c.id, c.kind, ch.STATES.index(c.state), c.title, c.needs, -1 if c.days is None else c.days,
                    c.customer, c.updated_at.timestamp())[column]
        if role == ObjectRole:
            return c
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.description or c.title
        return None


class DueVisitsModel(RowsModel):
    """The follow-up schedules with their next visit: customer, system, how often, due, state, last visit."""

    HEADERS = (QT_TRANSLATE_NOOP("DueVisitsModel", "Customer"), QT_TRANSLATE_NOOP("DueVisitsModel", "System"),
               QT_TRANSLATE_NOOP("DueVisitsModel", "Every"), QT_TRANSLATE_NOOP("DueVisitsModel", "Next visit"),
               QT_TRANSLATE_NOOP("DueVisitsModel", "State"), QT_TRANSLATE_NOOP("DueVisitsModel", "Last visit"))

    def __init__(self, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        d: vs.DueVisit | None = self.row_object(index)
        if d is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (d.plan.customer, d.plan.system, pick(sch.FREQUENCY_LABELS[d.plan.frequency], self.chinese),
                    _date(d.standing.due_date), standing_text(d.standing, self.chinese),
                    local_time(d.last_visit, with_date=True))[column]
        if role == SortRole:
            return (d.plan.customer, d.plan.system, sch.FREQUENCIES.index(d.plan.frequency),
                    d.standing.due_date.toordinal(), _STATE_ORDER[d.standing.state],
                    d.last_visit.timestamp() if d.last_visit else 0.0)[column]
        if role == ObjectRole:
            return d
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            return _standing_brush(d.standing.state)
        if role == Qt.ItemDataRole.ToolTipRole and d.plan.contact:
            return d.plan.contact
        return None


class VisitsModel(RowsModel):
    """Visits made, newest first: when, customer, who, how, satisfaction, issues raised."""

    HEADERS = (QT_TRANSLATE_NOOP("VisitsModel", "Visited"), QT_TRANSLATE_NOOP("VisitsModel", "Customer"),
               QT_TRANSLATE_NOOP("VisitsModel", "Visitor"), QT_TRANSLATE_NOOP("VisitsModel", "How"),
               QT_TRANSLATE_NOOP("VisitsModel", "Satisfaction"), QT_TRANSLATE_NOOP("VisitsModel", "Issues"))

    def __init__(self, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese

    def row_of(self, visit_id: int | None) -> int:
        return next((i for i, v in enumerate(self.rows) if v.id == visit_id), -1)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        v: vs.Visit | None = self.row_object(index)
        if v is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (local_time(v.at, with_date=True), v.customer, v.visitor,
                    pick(vs.METHOD_LABELS[v.method], self.chinese),
                    pick(vs.SATISFACTION_LABELS[v.satisfaction], self.chinese), len(v.issues))[column]
        if role == SortRole:
            return (v.at.timestamp(), v.customer, v.visitor, v.method, vs.SATISFACTION.index(v.satisfaction),
                    len(v.issues))[column]
        if role == ObjectRole:
            return v
        if role == Qt.ItemDataRole.ToolTipRole:
            return v.remarks or None
        return None


class DueInspectionsModel(RowsModel):
    """Inspection plans with their next inspection: customer, system, how often, due, state, backups."""

    HEADERS = (QT_TRANSLATE_NOOP("DueInspectionsModel", "Customer"),
               QT_TRANSLATE_NOOP("DueInspectionsModel", "System"),
               QT_TRANSLATE_NOOP("DueInspectionsModel", "Every"),
               QT_TRANSLATE_NOOP("DueInspectionsModel", "Next inspection"),
               QT_TRANSLATE_NOOP("DueInspectionsModel", "State"),
               QT_TRANSLATE_NOOP("DueInspectionsModel", "Backups"))

    def __init__(self, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese

    def _backups(self, d) -> str:
        missed = d.missed_backups
        if not d.backups:
            return ""
        if not missed:
            return _tr("OK")
        return _tr("Missed: %1").replace("%1", ", ".join(
            _tr("incremental") if b.kind == "incremental" else _tr("full") for b in missed))

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        d = self.row_object(index)
        if d is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (d.plan.customer, d.plan.system, pick(sch.FREQUENCY_LABELS[d.plan.frequency], self.chinese),
                    _date(d.standing.due_date), standing_text(d.standing, self.chinese), self._backups(d))[column]
        if role == SortRole:
            return (d.plan.customer, d.plan.system, sch.FREQUENCIES.index(d.plan.frequency),
                    d.standing.due_date.toordinal(), _STATE_ORDER[d.standing.state], len(d.missed_backups))[column]
        if role == ObjectRole:
            return d
        if role == Qt.ItemDataRole.ForegroundRole and (column == 4 or (column == 5 and d.missed_backups)):
            return _standing_brush(d.standing.state) if column == 4 else _OVERDUE
        if role == Qt.ItemDataRole.ToolTipRole:
            return d.plan.checklist
        return None
