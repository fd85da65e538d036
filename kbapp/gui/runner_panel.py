"""One attached playbook in the incident view: its steps as a checklist, the selected
step's detail (commands with copy links, expected result, decisions) and the buttons.

In an inspection (巡检) the same panel runs the checklist: the buttons become pass /
fail / n.a. with a field for the measured value (see :meth:`RunnerPanel.set_inspection`)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLineEdit, QPushButton, QSplitter, QTableView, QTextBrowser,
    QVBoxLayout, QWidget,
)

from kbapp.gui.incident_models import StepsModel
from kbapp.incidents import records as rec


class RunnerPanel(QWidget):
    step_result = Signal(str, int, str, str, object)  # playbook id, step, result, note, goto (int or None)
    command_copied = Signal(str, int, int, str)  # playbook id, step, command index, command
    item_result = Signal(str, int, str, str, str)  # inspection: playbook id, item, pass/fail/na, note, value

    def __init__(self, clock, chinese: bool, parent=None):
        super().__init__(parent)
        self.model = StepsModel(clock, chinese, self)
        self.table = QTableView(self)
        self.table.setObjectName("stepsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._show_step(current.row()))
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("stepDetail")
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._on_anchor)
        self.step_note = QLineEdit(self)
        self.step_note.setObjectName("stepNote")
        self.step_note.setPlaceholderText(self.tr("Note for this step (optional)"))
        self.done_button = QPushButton(self.tr("Done"), self)
        self.skip_button = QPushButton(self.tr("Skip"), self)
        self.fail_button = QPushButton(self.tr("Failed"), self)
        self.done_button.setObjectName("doneButton")
        self.skip_button.setObjectName("skipButton")
        self.fail_button.setObjectName("failButton")
        self.done_button.clicked.connect(lambda: self.record(rec.DONE))
        self.skip_button.clicked.connect(lambda: self.record(rec.SKIPPED))
        self.fail_button.clicked.connect(lambda: self.record(rec.FAILED))
        self.step_note.returnPressed.connect(lambda: self.record(rec.DONE))
        # Inspection items: pass / fail / not applicable, with what was measured.
        self.inspection = False
        self.value_edit = QLineEdit(self)
        self.value_edit.setObjectName("itemValue")
        self.value_edit.setPlaceholderText(self.tr("Measured value (optional)"))
        self.value_edit.setMinimumWidth(90)
        self.value_edit.setMaximumWidth(160)
        self.pass_button = QPushButton(self.tr("Pass"), self)
        self.item_fail_button = QPushButton(self.tr("Fail"), self)
        self.na_button = QPushButton(self.tr("N/A"), self)
        self.pass_button.setObjectName("passButton")
        self.item_fail_button.setObjectName("itemFailButton")
        self.na_button.setObjectName("naButton")
        self.pass_button.clicked.connect(lambda: self.record_item(rec.PASS))
        self.item_fail_button.clicked.connect(lambda: self.record_item(rec.FAIL))
        self.na_button.clicked.connect(lambda: self.record_item(rec.NA))
        self._item_buttons = (self.value_edit, self.pass_button, self.item_fail_button, self.na_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step_note, 1)
        for button in (self.done_button, self.skip_button, self.fail_button, *self._item_buttons):
            buttons.addWidget(button)
        for widget in self._item_buttons:
            widget.hide()
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    @property
    def playbook_id(self) -> str | None:
        return self.model.state.playbook_id if self.model.state else None

    def set_state(self, state: rec.RunnerState) -> None:
        selected = self.selected_step()
        self.model.set_state(state)
        # Follow the runner to its current step; keep the user's choice otherwise.
        row = self.model.row_of(state.current)
        if row < 0:
            row = self.model.row_of(selected.number if selected else None)
        if row >= 0:
            self.table.selectRow(row)
            self._show_step(row)
        else:
            self.detail.setHtml(self.tr("<p>All steps are through.</p>"))
        finished = state.finished
        for button in (self.done_button, self.skip_button, self.fail_button, *self._item_buttons):
            button.setEnabled(bool(state.steps))
        self.setProperty("finished", finished)

    def selected_step(self) -> rec.StepState | None:
        return self.model.step_at(self.table.currentIndex().row())

    def set_inspection(self, on: bool) -> None:
        """Show the item buttons (pass, fail, n.a., value) instead of done / skip / failed."""
        self.inspection = on
        for button in (self.done_button, self.skip_button, self.fail_button):
            button.setVisible(not on)
        for widget in self._item_buttons:
            widget.setVisible(on)

    def record_item(self, result: str) -> None:
        step = self.selected_step()
        if step is None or self.playbook_id is None:
            return
        note, value = self.step_note.text().strip(), self.value_edit.text().strip()
        self.step_note.clear()
        self.value_edit.clear()
        self.item_result.emit(self.playbook_id, step.number, result, note, value)

    def record(self, result: str, goto: int | None = None) -> None:
        if self.inspection:
            # The window's step shortcuts still work: done is a pass, skipped n.a., failed a fail.
            self.record_item({rec.DONE: rec.PASS, rec.SKIPPED: rec.NA, rec.FAILED: rec.FAIL}.get(result, result))
            return
        step = self.selected_step()
        if step is None or self.playbook_id is None:
            return
        note = self.step_note.text().strip()
        self.step_note.clear()
        self.step_result.emit(self.playbook_id, step.number, result, note, goto)

    def _show_step(self, row: int) -> None:
        step = self.model.step_at(row)
        if step is None:
            return
        parts = [f"<h3>{step.number}. {html.escape(step.title)}</h3>"]
        copy_label, expected_label, last_label = self.tr("Copy command"), self.tr("Expected:"), self.tr("Last result:")
        for index, command in enumerate(step.commands):
            parts.append(f"<pre>{html.escape(command)}</pre>")
            parts.append(f'<p><a href="kbapp:copy/{index}">{html.escape(copy_label)}</a></p>')
        if step.expected:
            parts.append(f"<p>✔ {html.escape(expected_label)} {html.escape(step.expected)}</p>")
        for decision in step.decisions:
            label = self.tr("go to step %1").replace("%1", str(decision.target))
            parts.append(f'<p>◆ {html.escape(decision.condition)} → '
                         f'<a href="kbapp:goto/{decision.target}">{html.escape(label)}</a></p>')
        if step.result:
            parts.append(f"<p><i>{html.escape(last_label)} {html.escape(step.result)}"
                         f"{' — ' + html.escape(step.note) if step.note else ''}</i></p>")
        self.detail.setHtml("\n".join(parts))

    def _on_anchor(self, url: QUrl) -> None:
        parts = url.path().split("/")
        step = self.selected_step()
        if url.scheme() != "kbapp" or step is None or len(parts) != 2 or not parts[1].isdigit():
            return
        if parts[0] == "copy" and int(parts[1]) < len(step.commands):
            index = int(parts[1])
            self.command_copied.emit(self.playbook_id, step.number, index, step.commands[index])
        elif parts[0] == "goto" and self.inspection:
            self.record_item(rec.NA)  # an item's "if … → next item" means it does not apply here
        elif parts[0] == "goto":
            self.record(rec.DONE, goto=int(parts[1]))
