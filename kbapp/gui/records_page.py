"""The problem records tab (问题记录): the records on the left, the selected one on the right.

Only the legal next moves are offered, each asking for exactly the fields that move
needs (kbapp.records.workflow decides both), so the service's refusal is a last
resort rather than the way the user learns the rules. Every database call runs on
the window's OperationRunner, never on the UI thread.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kbapp.gui.customer_fields import CustomerFields
from kbapp.gui.incident_models import local_time, pick, row_number
from kbapp.gui.validation import recheck_on_edit, show_problem
from kbapp.records import workflow as wf

Index = QModelIndex | QPersistentModelIndex
RecordRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
_ERROR_STYLE = "color:#b71c1c;"


class RowsModel(QAbstractTableModel):
    """A flat table over a list of frozen records, replaced as a whole on each reload."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_object(self, index: Index):
        ok = index.isValid() and 0 <= index.row() < len(self.rows) and 0 <= index.column() < len(self.HEADERS)
        return self.rows[index.row()] if ok else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self.HEADERS):
            return QCoreApplication.translate(type(self).__name__, self.HEADERS[section])
        return None


class RecordsModel(RowsModel):
    """The records as rows: id, kind, state, title, reporter, last change."""

    HEADERS = (QT_TRANSLATE_NOOP("RecordsModel", "ID"), QT_TRANSLATE_NOOP("RecordsModel", "Kind"),
               QT_TRANSLATE_NOOP("RecordsModel", "State"), QT_TRANSLATE_NOOP("RecordsModel", "Title"),
               QT_TRANSLATE_NOOP("RecordsModel", "Reporter"), QT_TRANSLATE_NOOP("RecordsModel", "Updated"),
               QT_TRANSLATE_NOOP("RecordsModel", "Assigned to"))

    def __init__(self, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese

    def set_records(self, records: list[wf.ProblemRecord]) -> None:
        self.set_rows(records)

    def record(self, row: int) -> wf.ProblemRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, record_id: int | None) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == record_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        record: wf.ProblemRecord | None = self.row_object(index)
        if record is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            staff = pick(wf.ASSIGNED_LABELS[record.assigned_role], self.chinese) if record.assigned_role else ""
            return (row_number(record) if record.pending else record.id, pick(wf.KIND_LABELS[record.kind], self.chinese),
                    pick(wf.STATE_LABELS[record.state], self.chinese), record.title, record.reporter,
                    local_time(record.updated_at, with_date=True),
                    " ".join(x for x in (staff, record.assignee) if x))[column]
        if role == SortRole:  # numbers and times sort as such, not as text
            return (record.id, record.kind, wf.STATES.index(record.state), record.title, record.reporter,
                    record.updated_at.timestamp(), f"{record.assigned_role} {record.assignee}")[column]
        if role == RecordRole:
            return record
        if role == Qt.ItemDataRole.ToolTipRole:
            return record.description or record.title
        return None


class HistoryModel(RowsModel):
    """A record's logged moves, creation first: when, who, which move (with its note)."""

    HEADERS = (QT_TRANSLATE_NOOP("HistoryModel", "Time"), QT_TRANSLATE_NOOP("HistoryModel", "Who"),
               QT_TRANSLATE_NOOP("HistoryModel", "Move"))

    def set_transitions(self, transitions: list[wf.Transition]) -> None:
        self.set_rows(transitions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        t: wf.Transition | None = self.row_object(index)
        if t is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (local_time(t.at, with_date=True), t.actor, t.describe())[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(f"{k}: {v}" for k, v in t.fields.items() if v) or None
        return None


def make_table(parent: QWidget, name: str, model, stretch: int) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def make_error_label(parent: QWidget, name: str, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setStyleSheet(_ERROR_STYLE)
    label.setWordWrap(True)
    return label


def stack_layout(parent: QWidget, *items) -> QWidget:
    """Lay widgets and layouts out top to bottom in ``parent``; an ``(item, stretch)`` pair stretches."""
    layout = QVBoxLayout(parent)
    for item in items:
        item, stretch = item if isinstance(item, tuple) else (item, 0)
        (layout.addLayout if isinstance(item, QLayout) else layout.addWidget)(item, stretch)
    return parent


def ok_cancel_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class NewRecordDialog(QDialog):
    """A new consultation or defect record, optionally from an incident."""

    def __init__(self, chinese: bool, incident_id: int | None = None, title: str = "", description: str = "",
                 parent=None, kb=None, runner=None):
        super().__init__(parent)
        self.setObjectName("newRecordDialog")
        self.setWindowTitle(self.tr("New problem record"))
        self.incident_id = incident_id
        self.kind = QComboBox(self)
        for kind in wf.KINDS:
            self.kind.addItem(pick(wf.KIND_LABELS[kind], chinese), kind)
        self.kind.setCurrentIndex(self.kind.findData(wf.DEFECT if incident_id is not None else wf.CONSULTATION))
        self.title = QLineEdit(title, self)
        self.reporter = QLineEdit(self)
        self.place = QLineEdit(self)
        self.raised_at = QLineEdit(self)  # the on-site record's time (ch. 4.3); blank: now
        self.raised_at.setObjectName("recordRaisedAt")
        self.raised_at.setPlaceholderText(self.tr("now, or HH:MM, or 2026-03-01 14:05"))
        self.description = QPlainTextEdit(description, self)
        self.description.setTabChangesFocus(True)
        # From an incident the record takes its customer and system unless others are chosen here.
        self.customer_fields = CustomerFields(kb, runner, self) if kb is not None and runner is not None else None
        self.error = make_error_label(self, "newRecordError")
        form = QFormLayout(self)
        if incident_id is not None:
            form.addRow(QLabel(self.tr("From incident #%1").replace("%1", str(incident_id)), self))
        for text, widget in ((self.tr("Kind:"), self.kind), (self.tr("Title:"), self.title),
                             (self.tr("Raised by:"), self.reporter), (self.tr("Place:"), self.place),
                             (self.tr("Raised at:"), self.raised_at), (self.tr("Description:"), self.description)):
            form.addRow(text, widget)
        if self.customer_fields is not None:
            form.addRow(self.tr("Customer:"), self.customer_fields.customer)
            form.addRow(self.tr("System:"), self.customer_fields.system)
        form.addRow(self.error)
        form.addRow(ok_cancel_buttons(self))
        recheck_on_edit(self.error, [self.title], self.problem, hide=False)

    def problem(self) -> str:
        if not self.title.text().strip() and self.incident_id is None:
            return self.tr("The title is required.")
        return ""

    def values(self) -> dict:
        return {"kind": self.kind.currentData(), "title": self.title.text().strip(),
                "reporter": self.reporter.text().strip(), "place": self.place.text().strip(),
                "description": self.description.toPlainText().strip(), "incident_id": self.incident_id,
                "raised_at": self.raised_at.text().strip() or None,
                **({k: v or None for k, v in self.customer_fields.values().items()} if self.customer_fields else {})}

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            show_problem(self.error, problem)
            self.title.setFocus()
            return
        super().accept()


class MoveDialog(QDialog):
    """Asks for the fields one move needs, with a message under each one still missing."""

    def __init__(self, record: wf.ProblemRecord, to_state: str, chinese: bool, parent=None,
                 defaults: dict[str, str] | None = None):
        super().__init__(parent)
        self.setObjectName("moveRecordDialog")
        self.record, self.to_state = record, to_state
        state = pick(wf.STATE_LABELS[to_state], chinese)
        self.setWindowTitle(self.tr("Record #%1: move to %2").replace("%1", str(record.id)).replace("%2", state))
        self.required = wf.required_fields(record.kind, to_state)
        optional = wf.optional_fields(record.kind, to_state)
        messages = {
            "classification": self.tr("Choose the classification: technical, business or operation problem."),
            "fix": self.tr("Enter the proposed fix."),
            "supervisor": self.tr("Enter the name of the supervisor who signed off the fix."),
            "supervisor_role": self.tr("Enter the supervisor's role (a supervisor, manager or lead signs off)."),
            "solution": self.tr("Enter the solution sent back to the reporter."),
            "analysis": self.tr("Enter how the problem was analysed."),
            "cause": self.tr("Enter the cause of the problem."),
            "prevention": self.tr("Enter how it is kept from happening again."),
            "tips": self.tr("Enter the tips given to the user."),
            "change_record": self.tr("Enter what changed in the system."),
            "answer": self.tr("Enter the answer given to the reporter."),
        }
        self.messages = messages
        form = QFormLayout(self)
        if to_state == wf.SIGNED_OFF:
            who = QLabel(self.tr("Fix proposed by %1; another person, a supervisor, signs it off.")
                         .replace("%1", record.proposed_by or "—"), self)
            who.setWordWrap(True)
            form.addRow(who)
        self.inputs: dict[str, QComboBox | QLineEdit | QPlainTextEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for name in self.required + optional:
            if name == "classification":
                widget: QComboBox | QLineEdit | QPlainTextEdit = QComboBox(self)
                widget.addItem("—", "")
                for cls in wf.CLASSIFICATIONS:
                    widget.addItem(pick(wf.CLASSIFICATION_LABELS[cls], chinese), cls)
            elif name in wf.SINGLE_LINE:
                widget = QLineEdit(self)
            else:
                widget = QPlainTextEdit(self)
                widget.setTabChangesFocus(True)
            widget.setObjectName(f"recordField_{name}")
            self.inputs[name] = widget
            if name in optional:
                form.addRow(pick(wf.FIELD_LABELS[name], chinese) + ":", widget)
                continue
            error = make_error_label(self, f"recordError_{name}", messages.get(name, name))
            error.hide()
            self.errors[name] = error
            recheck_on_edit(error, [widget], lambda name=name: messages.get(name, name) if name in self.missing() else "")
            form.addRow(pick(wf.FIELD_LABELS[name], chinese) + ":", widget)
            form.addRow("", error)
        if record.kind == wf.DEFECT and to_state == wf.ANALYSED:
            hint = QLabel(self.tr("An operation problem is explained to the reporter; "
                                  "the record then becomes a consultation."), self)
            hint.setWordWrap(True)
            form.addRow(hint)
        self.note = QLineEdit(self)
        form.addRow(pick(wf.FIELD_LABELS[wf.NOTE], chinese) + ":", self.note)
        form.addRow(ok_cancel_buttons(self))
        for name, value in (defaults or {}).items():
            if name in self.inputs and value:
                self.set_value(name, value)

    def set_value(self, name: str, value: str) -> None:
        widget = self.inputs[name]
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(widget.findData(value), 0))
        elif isinstance(widget, QLineEdit):
            widget.setText(value)
        else:
            widget.setPlainText(value)

    def values(self) -> dict[str, str]:
        out = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                out[name] = widget.currentData() or ""
            else:
                out[name] = (widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()).strip()
        out = {k: v for k, v in out.items() if v or k in self.required}
        if self.note.text().strip():
            out[wf.NOTE] = self.note.text().strip()
        return out

    def missing(self) -> list[str]:
        return wf.missing_fields(self.record.kind, self.to_state, self.values())

    def accept(self) -> None:
        missing = self.missing()
        for name, label in self.errors.items():
            if name in missing:
                show_problem(label, self.messages.get(name, name))
            else:
                label.hide()
        if missing:
            self.inputs[missing[0]].setFocus()
            return
        super().accept()


class RecordsPage(QWidget):
    message = Signal(str)  # a failure worth showing in the status bar
    changed = Signal(int)  # a record was created or moved (committed)
    shown = Signal(int)  # a record's details and history are on screen

    def __init__(self, kb, runner, chinese: bool, parent=None):
        super().__init__(parent)
        self.kb, self.runner, self.chinese = kb, runner, chinese
        self.actor: Callable[[], str | None] = lambda: None  # the window sets the engineer's name
        self._select_next: int | None = None  # the row a write of ours made, selected after the reload
        runner.changed.connect(self.apply_changes)
        self.engineer: Callable[[], object | None] = lambda: None  # and the engineer (name, role)
        self.current: wf.ProblemRecord | None = None
        self._wanted: int | None = None
        self._filling = False
        self.model = RecordsModel(chinese, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = make_table(self, "recordsTable", self.proxy, 3)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._selected(current))
        self.filter = QLineEdit(self)
        self.filter.setObjectName("recordsFilter")
        self.filter.setPlaceholderText(self.tr("Filter records"))
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.new_action = QAction(self.tr("New record…"), self)
        self.new_action.triggered.connect(lambda: self.new_record())
        new_button = QToolButton(self)
        new_button.setDefaultAction(self.new_action)
        self.move_actions: dict[str, QAction] = {}
        self.moves = QHBoxLayout()
        self.header = QLabel(self)
        self.header.setObjectName("recordHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.fields_view = QTextBrowser(self)
        self.fields_view.setObjectName("recordFields")
        self.error_label = make_error_label(self, "recordError")
        self.error_label.hide()
        self.history_model = HistoryModel(self)
        self.history = make_table(self, "recordHistory", self.history_model, 2)
        top = QHBoxLayout()
        top.addWidget(new_button)
        top.addWidget(self.filter, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(stack_layout(QWidget(self), top, self.table))
        splitter.addWidget(stack_layout(QWidget(self), self.header, self.moves, self.error_label, (self.fields_view, 2),
                                  QLabel(self.tr("History"), self), (self.history, 1)))
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([480, 720])
        stack_layout(self, splitter).layout().setContentsMargins(0, 0, 0, 0)

    # -- the list ---------------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        if select_id is not None:
            self._wanted = select_id
        self.runner.query(lambda: self.kb.desk_records.list(), self._show_list, self._failed)

    def _show_list(self, records: list[wf.ProblemRecord]) -> None:
        wanted = self._wanted or (self.current.id if self.current else None)
        self._wanted = None
        self.model.set_records(records)
        row = self.model.row_of(wanted)
        if row < 0 and records:
            row = 0
        if not records:
            self.fields_view.setHtml("<p>" + self.tr("No problem records yet. A consultation (咨询类) or a defect "
                                                     "(系统缺陷类) starts with “New record”, or from an incident "
                                                     "(Incident menu).") + "</p>")
        if row >= 0:
            self._filling = True  # the selection follows the list; load once, below
            try:
                self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
            finally:
                self._filling = False
            self.load(self.model.rows[row].id)

    def _selected(self, proxy_index: QModelIndex) -> None:
        record = self.proxy.data(proxy_index, RecordRole) if proxy_index.isValid() else None
        if record is not None and not self._filling and (self.current is None or record.id != self.current.id):
            self.load(record.id)

    def load(self, record_id: int) -> None:
        def read():
            service = self.kb.desk_records
            return service.get(record_id), service.history(record_id)

        self.runner.query(read, self._show_record, self._failed)

    # -- the selected record ------------------------------------------------------------------------------
    def _show_record(self, loaded: tuple[wf.ProblemRecord, list[wf.Transition]]) -> None:
        record, history = loaded
        self.current = record
        self.error_label.hide()
        kind = pick(wf.KIND_LABELS[record.kind], self.chinese)
        state = pick(wf.STATE_LABELS[record.state], self.chinese)
        self.header.setText(f'<span style="font-size:16px;font-weight:bold;">{row_number(record)} '
                            f'{html.escape(record.title)}</span>&nbsp; {html.escape(kind)} · {html.escape(state)}')
        self.fields_view.setHtml(self._fields_html(record))
        self.history_model.set_transitions(history)
        self._show_moves(record)
        self.shown.emit(record.id)

    def _fields_html(self, record: wf.ProblemRecord) -> str:
        rows = [(self.tr("Raised at"), local_time(record.raised, with_date=True)),
                (self.tr("Raised by"), record.reporter), (self.tr("Place"), record.place),
                (self.tr("Customer"), record.customer or ""), (self.tr("System"), record.system or ""),
                (self.tr("Created"), f"{local_time(record.created_at, with_date=True)} · {record.created_by}"),
                (self.tr("Incident"), f"#{record.incident_id}" if record.incident_id else ""),
                (self.tr("Description"), record.description)]
        if record.converted_from:
            rows.append((self.tr("Converted"), self.tr("From a defect record: an operation problem")))
        if record.classification:
            rows.append((pick(wf.FIELD_LABELS["classification"], self.chinese),
                         pick(wf.CLASSIFICATION_LABELS[record.classification], self.chinese)))
        if record.assigned_role:
            rows.append((self.tr("Assigned to"), " ".join(x for x in (
                pick(wf.ASSIGNED_LABELS[record.assigned_role], self.chinese), record.assignee) if x)))
        rows.append((self.tr("Fix proposed by"), record.proposed_by))
        for name in ("fix", "supervisor", "answer", "cause", "prevention", "tips", "solution", "analysis",
                     "change_record"):
            value = getattr(record, name)
            if name == "supervisor" and value:
                value = " · ".join(x for x in (value, record.supervisor_role, local_time(
                    record.signed_off_at, with_date=True) if record.signed_off_at else "") if x)
            rows.append((pick(wf.FIELD_LABELS[name], self.chinese), value))
        cells = "".join(f'<tr><th align="left" valign="top">{html.escape(k)}</th>'
                        f'<td>{html.escape(v).replace(chr(10), "<br>")}</td></tr>' for k, v in rows if v)
        return f'<table cellpadding="3">{cells}</table>'

    def _show_moves(self, record: wf.ProblemRecord) -> None:
        while self.moves.count():
            item = self.moves.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for action in self.move_actions.values():
            action.deleteLater()
        self.move_actions = {}
        for state in record.next_states:
            label = pick(wf.STATE_LABELS[state], self.chinese)
            action = QAction(self.tr("Move to %1…").replace("%1", label), self)
            action.triggered.connect(lambda _checked=False, s=state: self.open_move(s))
            self.move_actions[state] = action
            button = QToolButton(self)
            button.setObjectName(f"moveTo_{state}")
            button.setDefaultAction(action)
            self.moves.addWidget(button)
        if record.finished:
            self.moves.addWidget(QLabel(self.tr("Finished: no further steps."), self))
        self.moves.addStretch(1)

    # -- changes ----------------------------------------------------------------------------------------
    def new_record(self, incident_id: int | None = None, title: str = "", description: str = "") -> NewRecordDialog:
        """Open the new-record dialog (also from the incidents page, with the incident's id)."""
        dialog = NewRecordDialog(self.chinese, incident_id, title, description, self, kb=self.kb, runner=self.runner)
        dialog.accepted.connect(lambda: self.create_record(**dialog.values()))
        dialog.open()
        return dialog

    def create_record(self, **values) -> None:
        actor = self.actor()
        self.runner.write(lambda: self.kb.desk_records.new(actor=actor, **values), self._written, self._failed)

    def open_move(self, to_state: str) -> MoveDialog | None:
        record = self.current
        if record is None or to_state not in record.next_states:
            return None
        defaults = {}
        engineer = self.engineer()
        if to_state == wf.SIGNED_OFF and engineer is not None:  # the engineer at the desk signs, by default
            defaults = {"supervisor": engineer.name, "supervisor_role": engineer.role}
        dialog = MoveDialog(record, to_state, self.chinese, self, defaults=defaults)
        dialog.accepted.connect(lambda: self.move_record(record.id, to_state, dialog.values()))
        dialog.open()
        return dialog

    def move_record(self, record_id: int, to_state: str, fields: dict[str, str]) -> None:
        actor = self.actor()
        self.runner.write(lambda: self.kb.desk_records.move(record_id, to_state, actor=actor, **fields),
                          self._written, self._failed)

    def _written(self, record: wf.ProblemRecord) -> None:
        self._select_next = record.id  # the list reloads with the write's OpChanges
        self.changed.emit(record.id)

    def apply_changes(self, changes) -> None:
        """Reload the records (one read) when ``changes`` (OpChanges) touched them, here or elsewhere."""
        if changes.records:
            select_id, self._select_next = self._select_next, None
            self.reload(select_id=select_id)

    def _failed(self, exc: BaseException) -> None:
        self.error_label.setText(str(exc))
        self.error_label.show()
        self.message.emit(str(exc))
