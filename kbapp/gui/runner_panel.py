"""One attached playbook in the incident view: its steps as a checklist, the selected
step's detail (commands with copy links, expected result, decisions) and the buttons."""

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
        buttons = QHBoxLayout()
        buttons.addWidget(self.step_note, 1)
        for button in (self.done_button, self.skip_button, self.fail_button):
            buttons.addWidget(button)
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
        for button in (self.done_button, self.skip_button, self.fail_button):
            button.setEnabled(bool(state.steps))
        self.setProperty("finished", finished)

    def selected_step(self) -> rec.StepState | None:
        return self.model.step_at(self.table.currentIndex().row())

    def record(self, result: str, goto: int | None = None) -> None:
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
        for index, command in enumerate(step.commands):
            parts.append(f"<pre>{html.escape(command)}</pre>")
            parts.append(f'<p><a href="kbapp:copy/{index}">{html.escape(self.tr("Copy command"))}</a></p>')
        if step.expected:
            parts.append(f"<p>✔ {html.escape(self.tr('Expected:'))} {html.escape(step.expected)}</p>")
        for decision in step.decisions:
            label = self.tr("go to step %1").replace("%1", str(decision.target))
            parts.append(f'<p>◆ {html.escape(decision.condition)} → '
                         f'<a href="kbapp:goto/{decision.target}">{html.escape(label)}</a></p>')
        if step.result:
            parts.append(f"<p><i>{html.escape(self.tr('Last result:'))} {html.escape(step.result)}"
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
        elif parts[0] == "goto":
            self.record(rec.DONE, goto=int(parts[1]))
