"""The visits and inspections tab: follow-up visits (定期回访, ch. 1.3) and scheduled
inspections (巡检计划, ch. 3.2.2, ch. 8).

Top: every follow-up schedule with its next visit, overdue and due first; record a visit
for the one selected (or for any customer). Middle: the visits made, and the issues raised
in the one selected, each turned into a problem record or a change request in one step.
Bottom: the inspection plans with their next inspection and their backups. Every database
call runs on the window's OperationRunner, never on the UI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QToolButton,
    QWidget,
)

from kbapp.gui.incident_models import pick
from kbapp.gui.plan_models import DueInspectionsModel, DueVisitsModel, ObjectRole, SortRole, VisitsModel
from kbapp.gui.records_page import make_error_label, make_table, ok_cancel_buttons, stack_layout
from kbapp.gui.validation import CheckedDialog, recheck_on_edit
from kbapp.plan import changes as ch
from kbapp.plan import inspection_plans as ip
from kbapp.plan import schedule as sch
from kbapp.plan import visits as vs

IssueRole = Qt.ItemDataRole.UserRole + 1


def _combo(parent: QWidget, keys, labels, chinese: bool) -> QComboBox:
    box = QComboBox(parent)
    for key in keys:
        box.addItem(pick(labels[key], chinese), key)
    return box


class _Form(CheckedDialog):
    """A dialog with a form, an error line under it and OK/Cancel; ``problem`` says what is missing."""

    def __init__(self, name: str, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.error = make_error_label(self, f"{name}Error")

    def finish(self, watched: list) -> None:
        self.form.addRow(self.error)
        self.form.addRow(ok_cancel_buttons(self))
        recheck_on_edit(self.error, watched, self.problem, hide=False)

    def problem(self) -> str:
        return ""


def _date_edit(parent: QWidget, day: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    day = day or dt.date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


class VisitPlanDialog(_Form):
    """A follow-up schedule for a customer: how often, the first visit, whom to call."""

    def __init__(self, chinese: bool, parent=None):
        super().__init__("visitPlanDialog", self.tr("New follow-up schedule"), parent)
        self.customer, self.system, self.contact = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.frequency = _combo(self, sch.FREQUENCIES, sch.FREQUENCY_LABELS, chinese)
        self.frequency.setCurrentIndex(self.frequency.findData(sch.MONTHLY))
        self.first = _date_edit(self)
        for text, widget in ((self.tr("Customer:"), self.customer), (self.tr("System:"), self.system),
                             (self.tr("Every:"), self.frequency), (self.tr("First visit:"), self.first),
                             (self.tr("Contact:"), self.contact)):
            self.form.addRow(text, widget)
        self.finish([self.customer])

    def problem(self) -> str:
        return "" if self.customer.text().strip() else self.tr("Name the customer.")

    def values(self) -> dict:
        return {"customer": self.customer.text().strip(), "frequency": self.frequency.currentData(),
                "first_due": self.first.date().toPython(), "system": self.system.text().strip(),
                "contact": self.contact.text().strip()}


class VisitDialog(_Form):
    """A visit made: who, how, the customer's satisfaction and remarks, the issues raised."""

    def __init__(self, chinese: bool, plan: vs.VisitPlan | None = None, visitor: str = "", parent=None):
        title = self.tr("Record a visit to %1").replace("%1", plan.customer) if plan else self.tr("Record a visit")
        super().__init__("visitDialog", title, parent)
        self.plan = plan
        self.customer = QLineEdit(plan.customer if plan else "", self)
        self.customer.setEnabled(plan is None)
        self.visitor = QLineEdit(visitor, self)
        self.method = _combo(self, vs.METHODS, vs.METHOD_LABELS, chinese)
        self.satisfaction = _combo(self, vs.SATISFACTION, vs.SATISFACTION_LABELS, chinese)
        self.satisfaction.setCurrentIndex(self.satisfaction.findData("satisfied"))
        self.remarks = QPlainTextEdit(self)
        self.remarks.setTabChangesFocus(True)
        self.issues = QPlainTextEdit(self)
        self.issues.setTabChangesFocus(True)
        self.issues.setPlaceholderText(self.tr("One issue a line"))
        for text, widget in ((self.tr("Customer:"), self.customer), (self.tr("Visitor:"), self.visitor),
                             (self.tr("How:"), self.method), (self.tr("Satisfaction:"), self.satisfaction),
                             (self.tr("Remarks:"), self.remarks), (self.tr("Issues raised:"), self.issues)):
            self.form.addRow(text, widget)
        self.finish([self.customer])

    def problem(self) -> str:
        return "" if self.plan or self.customer.text().strip() else self.tr("Name the customer.")

    def values(self) -> dict:
        return {"plan_id": self.plan.id if self.plan else None,
                "customer": "" if self.plan else self.customer.text().strip(),
                "visitor": self.visitor.text().strip(), "method": self.method.currentData(),
                "satisfaction": self.satisfaction.currentData(), "remarks": self.remarks.toPlainText().strip(),
                "issues": [line.strip() for line in self.issues.toPlainText().splitlines() if line.strip()]}


class IssueToChangeDialog(_Form):
    """An issue raised becomes a change request: its kind and, for a new requirement, the estimate."""

    def __init__(self, chinese: bool, text: str, parent=None):
        super().__init__("issueToChangeDialog", self.tr("Make a change request"), parent)
        self.form.addRow(QLabel(text, self))
        self.kind = _combo(self, ch.KINDS, ch.KIND_LABELS, chinese)
        self.kind.setCurrentIndex(self.kind.findData(ch.REQUIREMENT))
        self.days = QSpinBox(self)
        self.days.setRange(0, ch.MAX_DAYS)
        self.days.setSpecialValueText(self.tr("not estimated"))
        self.form.addRow(self.tr("Kind:"), self.kind)
        self.form.addRow(self.tr("Working days:"), self.days)
        self.finish([self.days, self.kind])

    def problem(self) -> str:
        if self.kind.currentData() == ch.REQUIREMENT and not self.days.value():
            return self.tr("Estimate the new requirement in working days.")
        return ""

    def values(self) -> dict:
        return {"kind": self.kind.currentData(), "days": self.days.value() or None}


class InspectionPlanDialog(_Form):
    """An inspection plan per customer and system: how often, the checklist, the backups."""

    def __init__(self, chinese: bool, parent=None):
        super().__init__("inspectionPlanDialog", self.tr("New inspection plan"), parent)
        self.customer, self.system, self.inspector = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.frequency = _combo(self, ip.FREQUENCIES, sch.FREQUENCY_LABELS, chinese)
        self.first = _date_edit(self)
        self.checklist = QLineEdit("routine-inspection", self)
        self.full_days = QSpinBox(self)
        self.full_days.setRange(1, 366)
        self.full_days.setValue(7)
        for text, widget in ((self.tr("Customer:"), self.customer), (self.tr("System:"), self.system),
                             (self.tr("Every:"), self.frequency), (self.tr("First inspection:"), self.first),
                             (self.tr("Checklist:"), self.checklist), (self.tr("Inspector:"), self.inspector),
                             (self.tr("Full backup at least every (days):"), self.full_days)):
            self.form.addRow(text, widget)
        self.finish([self.customer, self.checklist])

    def problem(self) -> str:
        if not self.customer.text().strip():
            return self.tr("Name the customer.")
        return "" if self.checklist.text().strip() else self.tr("Name the checklist to use.")

    def values(self) -> dict:
        return {"customer": self.customer.text().strip(), "system": self.system.text().strip(),
                "frequency": self.frequency.currentData(), "first_due": self.first.date().toPython(),
                "checklist": self.checklist.text().strip(), "inspector": self.inspector.text().strip(),
                "full_backup_days": self.full_days.value()}


def _proxy(parent, model) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    return proxy


class VisitsPage(QWidget):
    message = Signal(str)  # a failure, or what was made, for the status bar
    loaded = Signal()  # the three tables are filled
    record_made = Signal(int)  # an issue became problem record #id
    change_made = Signal(int)  # an issue became change request #id

    def __init__(self, kb, runner, chinese: bool, parent=None):
        super().__init__(parent)
        self.kb, self.runner, self.chinese = kb, runner, chinese
        self.actor: Callable[[], str | None] = lambda: None  # the window sets the engineer's name
        runner.changed.connect(self.apply_changes)
        self.due_model, self.visits_model = DueVisitsModel(chinese, self), VisitsModel(chinese, self)
        self.inspections_model = DueInspectionsModel(chinese, self)
        self.due_table = make_table(self, "dueVisitsTable", _proxy(self, self.due_model), 5)
        self.visits_table = make_table(self, "visitsTable", _proxy(self, self.visits_model), 1)
        self.inspections_table = make_table(self, "dueInspectionsTable", _proxy(self, self.inspections_model), 5)
        for table in (self.due_table, self.visits_table, self.inspections_table):
            table.setSortingEnabled(True)
        self.due_table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        self.inspections_table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        self.visits_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.visits_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_issues())
        self.issues = QListWidget(self)
        self.issues.setObjectName("visitIssues")
        self.issues.currentRowChanged.connect(lambda _row: self._enable())
        self.error_label = make_error_label(self, "visitsError")
        self.error_label.hide()
        self.plan_actions: dict[str, QAction] = {}
        rows = []
        for group in ((("newVisitPlan", self.tr("New follow-up schedule…"), self.new_plan),
                       ("recordVisit", self.tr("Record a visit…"), self.record_visit)),
                      (("issueToRecord", self.tr("Make a problem record"), self.issue_to_record),
                       ("issueToChange", self.tr("Make a change request…"), self.issue_to_change)),
                      (("newInspectionPlan", self.tr("New inspection plan…"), self.new_inspection_plan),
                       ("startInspection", self.tr("Start the inspection"), self.start_inspection))):
            row = QHBoxLayout()
            for name, text, slot in group:
                action = self.plan_actions[name] = QAction(text, self)
                action.triggered.connect(lambda _checked=False, slot=slot: slot())
                button = QToolButton(self)
                button.setObjectName(name)
                button.setDefaultAction(action)
                row.addWidget(button)
            row.addStretch(1)
            rows.append(row)
        issues_box = stack_layout(QWidget(self), QLabel(self.tr("Issues raised in the visit"), self), (self.issues, 1),
                            rows[1])
        middle = QSplitter(Qt.Orientation.Horizontal, self)
        middle.addWidget(self.visits_table)
        middle.addWidget(issues_box)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(stack_layout(QWidget(self), QLabel(self.tr("Follow-up visits (定期回访)"), self), rows[0],
                                  (self.due_table, 1)))
        splitter.addWidget(stack_layout(QWidget(self), QLabel(self.tr("Visits made"), self), (middle, 1)))
        splitter.addWidget(stack_layout(QWidget(self), QLabel(self.tr("Scheduled inspections (巡检计划)"), self), rows[2],
                                  (self.inspections_table, 1)))
        stack_layout(self, self.error_label, (splitter, 1)).layout().setContentsMargins(0, 0, 0, 0)
        self._enable()

    # -- loading ----------------------------------------------------------------------------------
    def reload(self) -> None:
        def read():
            kb = self.kb
            return (kb.visits.due(include_scheduled=True), kb.visits.list(),
                    kb.inspection_plans.due(include_scheduled=True))

        self.runner.query(read, self._show, self._failed)

    def _show(self, loaded) -> None:
        due, visits, inspections = loaded
        current = self.current_visit()
        self.due_model.set_rows(due)
        self.visits_model.set_rows(visits)
        self.inspections_model.set_rows(inspections)
        for table in (self.due_table, self.visits_table, self.inspections_table):
            table.resizeColumnsToContents()
        row = self.visits_model.row_of(current.id if current else None)
        if row < 0 and visits:
            row = 0  # the newest visit's issues are in sight
        if row >= 0:
            proxy = self.visits_table.model()
            self.visits_table.setCurrentIndex(proxy.mapFromSource(self.visits_model.index(row, 0)))
        self._show_issues()
        self.loaded.emit()

    def _current(self, table) -> object | None:
        index = table.currentIndex()
        return table.model().data(index, ObjectRole) if index.isValid() else None

    def current_due(self) -> vs.DueVisit | None:
        return self._current(self.due_table)

    def current_visit(self) -> vs.Visit | None:
        return self._current(self.visits_table)

    def current_inspection(self):
        return self._current(self.inspections_table)

    def current_issue(self) -> vs.VisitIssue | None:
        item = self.issues.currentItem()
        return item.data(IssueRole) if item is not None else None

    def _show_issues(self) -> None:
        visit = self.current_visit()
        self.issues.clear()
        for issue in visit.issues if visit else ():
            text = issue.text
            if issue.record_id:
                text += "  → " + self.tr("problem record #%1").replace("%1", str(issue.record_id))
            elif issue.change_id:
                text += "  → " + self.tr("change request #%1").replace("%1", str(issue.change_id))
            item = QListWidgetItem(text)
            item.setData(IssueRole, issue)
            self.issues.addItem(item)
        if self.issues.count():
            self.issues.setCurrentRow(0)
        self._enable()

    def _enable(self) -> None:
        issue = self.current_issue()
        free = issue is not None and issue.record_id is None and issue.change_id is None
        self.plan_actions["issueToRecord"].setEnabled(free)
        self.plan_actions["issueToChange"].setEnabled(free)

    # -- changes ----------------------------------------------------------------------------------
    def apply_changes(self, changes) -> None:
        """Reload the three tables (one read) when ``changes`` (OpChanges) touched visits or plans."""
        if changes.plans or changes.records:
            self.reload()

    def _write(self, fn, done=None) -> None:
        def finished(result):
            if done is not None:
                done(result)  # the tables reload with the write's OpChanges (apply_changes)

        self.error_label.hide()
        self.runner.write(fn, finished, self._failed)

    def new_plan(self) -> VisitPlanDialog:
        dialog = VisitPlanDialog(self.chinese, self)
        dialog.accepted.connect(lambda: self.create_plan(dialog.values()))
        dialog.open()
        return dialog

    def create_plan(self, values: dict) -> None:
        v, actor = dict(values), self.actor()
        self._write(lambda: self.kb.visits.new_plan(v.pop("customer"), v.pop("frequency"), v.pop("first_due"),
                                                    actor=actor, **v))

    def record_visit(self) -> VisitDialog:
        due = self.current_due()
        dialog = VisitDialog(self.chinese, due.plan if due else None, visitor=self.actor() or "", parent=self)
        dialog.accepted.connect(lambda: self.save_visit(dialog.values()))
        dialog.open()
        return dialog

    def save_visit(self, values: dict) -> None:
        v, actor = dict(values), self.actor()
        self._write(lambda: self.kb.visits.record(v.pop("plan_id"), actor=actor, **v))

    def issue_to_record(self) -> None:
        issue, actor = self.current_issue(), self.actor()
        if issue is None:
            return
        self._write(lambda: self.kb.visits.to_record(issue.id, actor=actor), self._record_made)

    def _record_made(self, record) -> None:
        self.message.emit(self.tr("Problem record #%1 made from the issue.").replace("%1", str(record.id)))
        self.record_made.emit(record.id)

    def issue_to_change(self) -> IssueToChangeDialog | None:
        issue = self.current_issue()
        if issue is None:
            return None
        dialog = IssueToChangeDialog(self.chinese, issue.text, self)
        dialog.accepted.connect(lambda: self.make_change(issue.id, **dialog.values()))
        dialog.open()
        return dialog

    def make_change(self, issue_id: int, kind: str, days: int | None) -> None:
        actor = self.actor()
        self._write(lambda: self.kb.visits.to_change(issue_id, kind, days, actor=actor), self._change_made)

    def _change_made(self, change) -> None:
        self.message.emit(self.tr("Change request #%1 made from the issue.").replace("%1", str(change.id)))
        self.change_made.emit(change.id)

    def new_inspection_plan(self) -> InspectionPlanDialog:
        dialog = InspectionPlanDialog(self.chinese, self)
        dialog.accepted.connect(lambda: self.create_inspection_plan(dialog.values()))
        dialog.open()
        return dialog

    def create_inspection_plan(self, values: dict) -> None:
        v, actor = dict(values), self.actor()
        self._write(lambda: self.kb.inspection_plans.new_plan(v.pop("customer"), v.pop("system"), v.pop("frequency"),
                                                              v.pop("first_due"), actor=actor, **v))

    def start_inspection(self) -> None:
        due, actor = self.current_inspection(), self.actor()
        if due is None:
            self.message.emit(self.tr("Select an inspection plan first."))
            return
        self._write(lambda: self.kb.inspection_plans.start(due.plan.id, actor=actor), self._inspection_started)

    def _inspection_started(self, inspection) -> None:
        self.message.emit(self.tr("Inspection #%1 started: it is on the Drills & Inspections tab.")
                          .replace("%1", str(inspection.id)))

    def _failed(self, exc: BaseException) -> None:
        self.error_label.setText(str(exc))
        self.error_label.show()
        self.message.emit(str(exc))
