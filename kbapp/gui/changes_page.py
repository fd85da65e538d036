"""The change requests tab (程序功能调整, ch. 3.2.1): the requests on the left, the selected
one on the right with what it needs before work starts.

New, approve, refuse, start, done and show, as ``kbapp change`` does. Approve and refuse
are offered while a request awaits its approval; start while it has not started: a
request still missing its approval shows why under its title, and starting it anyway is
refused by the core with that reason. Every database call runs on the window's
OperationRunner, never on the UI thread.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QWidget,
)

from kbapp.gui.incident_models import local_time, pick, row_number
from kbapp.gui.plan_models import ChangesModel, ObjectRole, SortRole
from kbapp.gui.records_page import make_error_label, make_table, ok_cancel_buttons, stack_layout
from kbapp.gui.validation import CheckedDialog, recheck_on_edit
from kbapp.plan import changes as ch


class NewChangeDialog(CheckedDialog):
    """A new change request: its kind, title, estimate (a new requirement), maintenance kind."""

    def __init__(self, chinese: bool, parent=None):
        super().__init__(parent)
        self.setObjectName("newChangeDialog")
        self.setWindowTitle(self.tr("New change request"))
        self.chinese = chinese
        self.kind = QComboBox(self)
        for kind in ch.KINDS:
            self.kind.addItem(pick(ch.KIND_LABELS[kind], chinese), kind)
        self.title = QLineEdit(self)
        self.days = QSpinBox(self)
        self.days.setRange(0, ch.MAX_DAYS)
        self.days.setSpecialValueText(self.tr("not estimated"))
        self.days.setSuffix(self.tr(" working day(s)"))
        self.maintenance = QComboBox(self)
        self.maintenance.addItem(self.tr("as its kind suggests"), "")
        for kind in ch.MAINTENANCE:
            self.maintenance.addItem(pick(ch.MAINTENANCE_LABELS[kind], chinese), kind)
        self.customer = QLineEdit(self)
        self.raised_by = QLineEdit(self)
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.needs = QLabel(self)
        self.needs.setObjectName("changeNeeds")
        self.needs.setWordWrap(True)
        self.error = make_error_label(self, "newChangeError")
        form = QFormLayout(self)
        for text, widget in ((self.tr("Kind:"), self.kind), (self.tr("Title:"), self.title),
                             (self.tr("Estimate:"), self.days), (self.tr("Maintenance:"), self.maintenance),
                             (self.tr("Customer:"), self.customer), (self.tr("Raised by:"), self.raised_by),
                             (self.tr("What is asked:"), self.description)):
            form.addRow(text, widget)
        form.addRow(self.needs)
        form.addRow(self.error)
        form.addRow(ok_cancel_buttons(self))
        self.kind.currentIndexChanged.connect(self._show_needs)
        self.days.valueChanged.connect(self._show_needs)
        recheck_on_edit(self.error, [self.title, self.days, self.kind], self.problem, hide=False)
        self._show_needs()

    def _show_needs(self) -> None:
        kind, days = self.kind.currentData(), self.days.value() or None
        self.days.setEnabled(kind == ch.REQUIREMENT or days is not None)
        if kind == ch.REQUIREMENT and days is None:
            self.needs.setText(self.tr("A new requirement needs its estimate in working days: up to 10 the "
                                       "department head approves it, more the company leadership."))
            return
        needs = ch.approval_needed(kind, days)
        if needs == ch.NONE:
            self.needs.setText(self.tr("A defect is fixed on the spot once logged: no approval."))
        else:
            self.needs.setText(self.tr("Work starts after the approval of the %1.")
                               .replace("%1", pick(ch.APPROVER_LABELS[needs], self.chinese)))

    def problem(self) -> str:
        if not self.title.text().strip():
            return self.tr("The title is required.")
        if self.kind.currentData() == ch.REQUIREMENT and not self.days.value():
            return self.tr("Estimate the new requirement in working days.")
        return ""

    def values(self) -> dict:
        return {"kind": self.kind.currentData(), "title": self.title.text().strip(),
                "days": self.days.value() or None, "maintenance": self.maintenance.currentData() or "",
                "customer": self.customer.text().strip(), "raised_by": self.raised_by.text().strip(),
                "description": self.description.toPlainText().strip()}


class DecideDialog(CheckedDialog):
    """Approve or refuse: who decides, as department head or company leadership, and a note."""

    def __init__(self, change: ch.ChangeRequest, approve: bool, chinese: bool, by: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("decideChangeDialog")
        self.approve = approve
        title = self.tr("Approve change #%1") if approve else self.tr("Refuse change #%1")
        self.setWindowTitle(title.replace("%1", str(change.id)))
        self.by = QLineEdit(by, self)
        self.as_role = QComboBox(self)
        for role in ch.APPROVERS:
            self.as_role.addItem(pick(ch.APPROVER_LABELS[role], chinese), role)
        self.as_role.setCurrentIndex(max(self.as_role.findData(change.needs), 0))
        self.note = QLineEdit(self)
        self.error = make_error_label(self, "decideChangeError")
        form = QFormLayout(self)
        form.addRow(QLabel(html.escape(change.title), self))
        form.addRow(self.tr("Decided by:"), self.by)
        form.addRow(self.tr("As:"), self.as_role)
        form.addRow(self.tr("Note:"), self.note)
        form.addRow(self.error)
        form.addRow(ok_cancel_buttons(self))
        recheck_on_edit(self.error, [self.by], self.problem, hide=False)

    def problem(self) -> str:
        return "" if self.by.text().strip() else self.tr("Name who decides.")

    def values(self) -> dict:
        return {"by": self.by.text().strip(), "as_role": self.as_role.currentData(), "note": self.note.text().strip()}


class DoneDialog(CheckedDialog):
    """Work finished: what changed in the system (the change record)."""

    def __init__(self, change: ch.ChangeRequest, parent=None):
        super().__init__(parent)
        self.setObjectName("doneChangeDialog")
        self.setWindowTitle(self.tr("Change #%1 done").replace("%1", str(change.id)))
        self.result_text = QPlainTextEdit(self)
        self.result_text.setTabChangesFocus(True)
        self.error = make_error_label(self, "doneChangeError")
        form = QFormLayout(self)
        form.addRow(self.tr("What changed in the system:"), self.result_text)
        form.addRow(self.error)
        form.addRow(ok_cancel_buttons(self))
        recheck_on_edit(self.error, [self.result_text], self.problem, hide=False)

    def problem(self) -> str:
        return "" if self.result_text.toPlainText().strip() else self.tr("Say what changed in the system.")


class ChangesPage(QWidget):
    message = Signal(str)  # a failure worth showing in the status bar
    changed = Signal(int)  # a request was created or moved (committed)
    shown = Signal(int)  # a request's details are on screen

    def __init__(self, kb, runner, chinese: bool, parent=None):
        super().__init__(parent)
        self.kb, self.runner, self.chinese = kb, runner, chinese
        self.actor: Callable[[], str | None] = lambda: None  # the window sets the engineer's name
        self._select_next: int | None = None  # the row a write of ours made, selected after the reload
        runner.changed.connect(self.apply_changes)
        self.current: ch.ChangeRequest | None = None
        self._wanted: int | None = None
        self.model = ChangesModel(chinese, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = make_table(self, "changesTable", self.proxy, 3)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._selected(current))
        self.filter = QLineEdit(self)
        self.filter.setObjectName("changesFilter")
        self.filter.setPlaceholderText(self.tr("Filter change requests"))
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.new_action = QAction(self.tr("New change request…"), self)
        self.new_action.triggered.connect(lambda: self.new_change())
        self.approve_action = QAction(self.tr("Approve…"), self)
        self.approve_action.triggered.connect(lambda: self.open_decide(True))
        self.refuse_action = QAction(self.tr("Refuse…"), self)
        self.refuse_action.triggered.connect(lambda: self.open_decide(False))
        self.start_action = QAction(self.tr("Start work"), self)
        self.start_action.triggered.connect(lambda: self.start_change())
        self.done_action = QAction(self.tr("Done…"), self)
        self.done_action.triggered.connect(lambda: self.open_done())
        top, moves = QHBoxLayout(), QHBoxLayout()
        top.addWidget(self._button(self.new_action, "newChange"))
        top.addWidget(self.filter, 1)
        for action, name in ((self.approve_action, "approveChange"), (self.refuse_action, "refuseChange"),
                             (self.start_action, "startChange"), (self.done_action, "doneChange")):
            moves.addWidget(self._button(action, name))
        moves.addStretch(1)
        self.header = QLabel(self)
        self.header.setObjectName("changeHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.blocker = make_error_label(self, "changeBlocker")  # why work cannot start yet
        self.blocker.hide()
        self.error_label = make_error_label(self, "changeError")
        self.error_label.hide()
        self.details = QTextBrowser(self)
        self.details.setObjectName("changeDetails")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(stack_layout(QWidget(self), top, self.table))
        splitter.addWidget(stack_layout(QWidget(self), self.header, self.blocker, moves, self.error_label,
                                  (self.details, 1)))
        splitter.setSizes([520, 680])
        stack_layout(self, splitter).layout().setContentsMargins(0, 0, 0, 0)
        self._enable(None)

    def _button(self, action: QAction, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setDefaultAction(action)
        return button

    # -- the list ---------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        if select_id is not None:
            self._wanted = select_id
        self.runner.query(lambda: self.kb.desk_change_requests.list(), self._show_list, self._failed)

    def _show_list(self, changes: list[ch.ChangeRequest]) -> None:
        wanted = self._wanted or (self.current.id if self.current else None)
        self._wanted = None
        self.model.set_rows(changes)
        self.table.resizeColumnsToContents()
        row = self.model.row_of(wanted)
        if row < 0 and changes:
            row = 0
        if row < 0:
            self.details.setHtml("<p>" + self.tr("No change requests yet. A defect, an unclear function of the "
                                                 "technical agreement or a new requirement starts with “New "
                                                 "change request”.") + "</p>")
            return
        self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
        self.show_change(self.model.rows[row])

    def _selected(self, proxy_index) -> None:
        change = self.proxy.data(proxy_index, ObjectRole) if proxy_index.isValid() else None
        if change is not None and (self.current is None or change != self.current):
            self.show_change(change)

    def show_change(self, change: ch.ChangeRequest) -> None:
        self.current = change
        self.error_label.hide()
        kind = pick(ch.KIND_LABELS[change.kind], self.chinese)
        state = pick(ch.STATE_LABELS[change.state], self.chinese)
        self.header.setText(f'<span style="font-size:16px;font-weight:bold;">{row_number(change)} '
                            f'{html.escape(change.title)}</span>&nbsp; {html.escape(kind)} · {html.escape(state)}')
        reason = self.blocker_text(change)
        self.blocker.setText(reason)
        self.blocker.setVisible(bool(reason))
        self._enable(change)
        self.runner.query(lambda: self.kb.desk_change_requests.history(change.id),
                          lambda events, c=change: self._show_details(c, events), self._failed)

    def blocker_text(self, change: ch.ChangeRequest) -> str:
        """Why work may not start, in the UI's language; '' when it may (or has)."""
        if change.state in (ch.IN_PROGRESS, ch.DONE):
            return ""
        if change.state == ch.REFUSED:
            return self.tr("Refused by %1: work may not start.").replace("%1", change.decided_by)
        if not change.approved:
            return self.tr("Work cannot start yet: it needs the approval of the %1.").replace(
                "%1", pick(ch.APPROVER_LABELS[change.needs], self.chinese))
        return ""

    def _enable(self, change: ch.ChangeRequest | None) -> None:
        pending = change is not None and change.state == ch.PENDING
        self.approve_action.setEnabled(pending)
        self.refuse_action.setEnabled(pending)
        self.start_action.setEnabled(change is not None and change.state not in (ch.IN_PROGRESS, ch.DONE,
                                                                                  ch.REFUSED))
        self.done_action.setEnabled(change is not None and change.state == ch.IN_PROGRESS)

    def _show_details(self, change: ch.ChangeRequest, events: list[ch.ChangeEvent]) -> None:
        if self.current is None or self.current.id != change.id:
            return
        c = change
        finish = c.planned_finish()
        rows = [(self.tr("Maintenance"), pick(ch.MAINTENANCE_LABELS[c.maintenance], self.chinese)),
                (self.tr("Estimate"), self.tr("%1 working day(s)").replace("%1", str(c.days)) if c.days else ""),
                (self.tr("Approval by"), pick(ch.APPROVER_LABELS[c.needs], self.chinese)),
                (self.tr("Customer"), c.customer), (self.tr("Raised by"), c.raised_by),
                (self.tr("Problem record"), f"#{c.record_id}" if c.record_id else ""),
                (self.tr("Logged"), f"{local_time(c.created_at, with_date=True)} · {c.created_by}"),
                (self.tr("Decided"), " · ".join(x for x in (c.decided_by, pick(ch.APPROVER_LABELS.get(
                    c.decided_as, ("", "")), self.chinese), local_time(c.decided_at, with_date=True),
                    c.decision_note) if x)),
                (self.tr("Started"), " · ".join(x for x in (local_time(c.started_at, with_date=True), c.started_by)
                                                if x)),
                (self.tr("Planned finish"), finish.isoformat() if finish else ""),
                (self.tr("Done"), local_time(c.done_at, with_date=True)),
                (self.tr("What changed"), c.result), (self.tr("What is asked"), c.description)]
        cells = "".join(f'<tr><th align="left" valign="top">{html.escape(k)}</th>'
                        f'<td>{html.escape(str(v)).replace(chr(10), "<br>")}</td></tr>' for k, v in rows if v)
        history = "".join(f"<li>{html.escape(local_time(e.at, with_date=True))} · {html.escape(e.actor)}: "
                          f"{html.escape(pick(ch.STATE_LABELS.get(e.to_state, (e.to_state, e.to_state)), self.chinese))}"
                          f"{' — ' + html.escape(e.note) if e.note else ''}</li>" for e in events)
        heading = html.escape(self.tr("History"))
        self.details.setHtml(f'<table cellpadding="3">{cells}</table><h3>{heading}</h3><ul>{history}</ul>')
        self.shown.emit(change.id)

    # -- changes ----------------------------------------------------------------------------------
    def new_change(self) -> NewChangeDialog:
        dialog = NewChangeDialog(self.chinese, self)
        dialog.accepted.connect(lambda: self.create_change(**dialog.values()))
        dialog.open()
        return dialog

    def create_change(self, **values) -> None:
        actor = self.actor()
        kind, title = values.pop("kind"), values.pop("title")
        self.runner.write(lambda: self.kb.desk_change_requests.new(kind, title, actor=actor, **values),
                          self._written, self._failed)

    def open_decide(self, approve: bool) -> DecideDialog | None:
        change = self.current
        if change is None or change.state != ch.PENDING:
            return None
        dialog = DecideDialog(change, approve, self.chinese, by=self.actor() or "", parent=self)
        dialog.accepted.connect(lambda: self.decide(change.id, approve, **dialog.values()))
        dialog.open()
        return dialog

    def decide(self, change_id: int, approve: bool, by: str, as_role: str, note: str = "") -> None:
        actor = self.actor()
        kb = self.kb

        def work():  # the service is reached on the write lane, never on the UI thread
            service = kb.desk_change_requests
            return (service.approve if approve else service.refuse)(change_id, by, as_role, note, actor=actor)

        self.runner.write(work, self._written, self._failed)

    def start_change(self, change_id: int | None = None) -> None:
        change_id = change_id or (self.current.id if self.current else None)
        if change_id is None:
            return
        actor = self.actor()
        self.runner.write(lambda: self.kb.desk_change_requests.start(change_id, actor=actor), self._written, self._failed)

    def open_done(self) -> DoneDialog | None:
        change = self.current
        if change is None or change.state != ch.IN_PROGRESS:
            return None
        dialog = DoneDialog(change, self)
        dialog.accepted.connect(lambda: self.finish(change.id, dialog.result_text.toPlainText().strip()))
        dialog.open()
        return dialog

    def finish(self, change_id: int, result: str) -> None:
        actor = self.actor()
        self.runner.write(lambda: self.kb.desk_change_requests.done(change_id, result, actor=actor),
                          self._written, self._failed)

    def _written(self, change: ch.ChangeRequest) -> None:
        self._select_next = change.id  # the list reloads with the write's OpChanges
        self.changed.emit(change.id)

    def apply_changes(self, changes) -> None:
        """Reload the requests (one read) when ``changes`` (OpChanges) touched them, here or elsewhere."""
        if changes.change_requests:
            select_id, self._select_next = self._select_next, None
            self.reload(select_id=select_id)

    def _failed(self, exc: BaseException) -> None:
        self.error_label.setText(str(exc))
        self.error_label.show()
        self.message.emit(str(exc))
