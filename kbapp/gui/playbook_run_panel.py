"""One attached playbook in the run view: the step list beside the current step, whole.

Left, every step with its full title (wrapped), its state icon and line, and the branch
taken (kbapp.gui.run_models.StepListModel). Right, the selected step
(kbapp.gui.step_view.StepView): instructions, commands with Copy buttons, expected
result, the decisions as buttons. Under both, the step's note (a row of its own, so it
is never clipped) and the result buttons.

In an inspection (巡检) the same panel runs the checklist: the buttons become pass /
fail / n.a. with a field for the measured value (see :meth:`PlaybookRunPanel.set_inspection`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kbapp.gui.run_header import FlowLayout
from kbapp.gui.run_models import StepListModel
from kbapp.gui.step_view import StepView
from kbapp.gui.wrap_delegate import WrapDelegate
from kbapp.incidents import types as itypes

STEP_SPLITTER_KEY = "run/steps_splitter"


class PlaybookRunPanel(QWidget):
    # playbook id, step, result, note, goto (int or None), emergency plan (bool)
    step_result = Signal(str, int, str, str, object, bool)
    command_copied = Signal(str, int, int, str)  # playbook id, step, command index, command
    item_result = Signal(str, int, str, str, str)  # inspection: playbook id, item, pass/fail/na, note, value

    def __init__(self, clock, chinese: bool, parent=None, settings=None):
        super().__init__(parent)
        self.settings = settings
        self.model = StepListModel(clock, chinese, self)
        self.steps_view = QListView(self)
        self.steps_view.setObjectName("stepsList")
        self.steps_view.setModel(self.model)
        self.steps_view.setItemDelegate(WrapDelegate(self.steps_view, self))
        self.steps_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.steps_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.steps_view.setUniformItemSizes(False)
        self.steps_view.setWordWrap(True)
        self.steps_view.selectionModel().currentRowChanged.connect(lambda current, _prev: self._show_step(current.row()))
        self.detail = StepView(chinese, self)
        self.detail.copy_requested.connect(self.copy_command)
        self.detail.decision_requested.connect(self.decide_target)
        self.step_note = QLineEdit(self)
        self.step_note.setObjectName("stepNote")
        self.step_note.setPlaceholderText(self.tr("Note for this step (optional); Enter marks it done"))
        self.step_note.returnPressed.connect(lambda: self.record(itypes.DONE))
        self.done_button = QPushButton(self.tr("Done (Ctrl+Enter)"), self)
        self.skip_button = QPushButton(self.tr("Skip (Ctrl+Alt+S)"), self)
        self.fail_button = QPushButton(self.tr("Failed (Ctrl+Alt+F)"), self)
        self.done_button.setObjectName("doneButton")
        self.skip_button.setObjectName("skipButton")
        self.fail_button.setObjectName("failButton")
        self.done_button.clicked.connect(lambda: self.record(itypes.DONE))
        self.skip_button.clicked.connect(lambda: self.record(itypes.SKIPPED))
        self.fail_button.clicked.connect(lambda: self.record(itypes.FAILED))
        # A level I incident: the step that proposes the emergency plan (应急方案) records it.
        self.emergency_check = QCheckBox(self.tr("This step is the emergency plan (应急方案)"), self)
        self.emergency_check.setObjectName("emergencyPlanCheck")
        self.emergency_check.hide()
        # Inspection items: pass / fail / not applicable, with what was measured.
        self.inspection = False
        self.value_edit = QLineEdit(self)
        self.value_edit.setObjectName("itemValue")
        self.value_edit.setPlaceholderText(self.tr("Measured value (optional)"))
        self.value_edit.setMinimumWidth(120)
        self.pass_button = QPushButton(self.tr("Pass"), self)
        self.item_fail_button = QPushButton(self.tr("Fail"), self)
        self.na_button = QPushButton(self.tr("N/A"), self)
        self.pass_button.setObjectName("passButton")
        self.item_fail_button.setObjectName("itemFailButton")
        self.na_button.setObjectName("naButton")
        self.pass_button.clicked.connect(lambda: self.record_item(itypes.PASS))
        self.item_fail_button.clicked.connect(lambda: self.record_item(itypes.FAIL))
        self.na_button.clicked.connect(lambda: self.record_item(itypes.NA))
        self._item_buttons = (self.value_edit, self.pass_button, self.item_fail_button, self.na_button)
        buttons = FlowLayout()  # wraps on a narrow window rather than widening it
        for button in (self.emergency_check, *self._item_buttons, self.done_button, self.skip_button,
                       self.fail_button):
            buttons.addWidget(button)
        for widget in self._item_buttons:
            widget.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("stepsSplitter")
        self.splitter.addWidget(self.steps_view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)
        self._restore_splitter()
        self.splitter.splitterMoved.connect(lambda *_: self.save_layout())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.step_note)
        layout.addLayout(buttons)

    def _restore_splitter(self) -> None:
        state = self.settings.value(STEP_SPLITTER_KEY) if self.settings is not None else None
        if state is None or not self.splitter.restoreState(state):
            self.splitter.setSizes([260, 640])

    def save_layout(self) -> None:
        if self.settings is not None:
            self.settings.setValue(STEP_SPLITTER_KEY, self.splitter.saveState())

    @property
    def playbook_id(self) -> str | None:
        return self.model.state.playbook_id if self.model.state else None

    def set_state(self, state: itypes.PlaybookRun) -> None:
        selected = self.selected_step()
        self.model.set_state(state)
        # Follow the runner to its current step; keep the user's choice otherwise.
        row = self.model.row_of(state.current)
        if row < 0:
            row = self.model.row_of(selected.number if selected else None)
        if row >= 0:
            self.select_row(row)
        else:
            self.detail.show_message(self.tr("All steps are through."))
        for button in (self.done_button, self.skip_button, self.fail_button, *self._item_buttons):
            button.setEnabled(bool(state.steps))
        self.setProperty("finished", state.finished)

    def select_row(self, row: int) -> None:
        self.steps_view.setCurrentIndex(self.model.index(row))
        self._show_step(row)

    def select_step(self, number: int) -> None:
        row = self.model.row_of(number)
        if row >= 0:
            self.select_row(row)

    def selected_step(self) -> itypes.StepState | None:
        return self.model.step_at(self.steps_view.currentIndex().row())

    def set_inspection(self, on: bool) -> None:
        """Show the item buttons (pass, fail, n.a., value) instead of done / skip / failed."""
        self.inspection = on
        for button in (self.done_button, self.skip_button, self.fail_button):
            button.setVisible(not on)
        for widget in self._item_buttons:
            widget.setVisible(on)

    def set_emergency_plan_offered(self, on: bool) -> None:
        self.emergency_check.setVisible(on and not self.inspection)
        if not on:
            self.emergency_check.setChecked(False)

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
            self.record_item({itypes.DONE: itypes.PASS, itypes.SKIPPED: itypes.NA, itypes.FAILED: itypes.FAIL}.get(result, result))
            return
        step = self.selected_step()
        if step is None or self.playbook_id is None:
            return
        note = self.step_note.text().strip()
        emergency = result == itypes.DONE and self.emergency_check.isVisible() and self.emergency_check.isChecked()
        self.step_note.clear()
        self.emergency_check.setChecked(False)
        self.step_result.emit(self.playbook_id, step.number, result, note, goto, emergency)

    # -- the step on screen ----------------------------------------------------------------------
    def _show_step(self, row: int) -> None:
        step = self.model.step_at(row)
        if step is None:
            return
        titles = {s.number: s.title for s in self.model.state.steps}
        self.detail.show_step(step, titles, current=step.number == self.model.state.current)

    def copy_command(self, index: int = 0) -> bool:
        step = self.selected_step()
        if step is None or not 0 <= index < len(step.commands):
            return False
        self.command_copied.emit(self.playbook_id, step.number, index, step.commands[index])
        return True

    def decide(self, n: int) -> bool:
        """The n-th decision of the step on screen (Alt+n): done, and on to where it leads."""
        step = self.selected_step()
        if step is None or not 1 <= n <= len(step.decisions):
            return False
        self.decide_target(step.decisions[n - 1].target)
        return True

    def decide_target(self, target: int) -> None:
        if self.inspection:
            self.record_item(itypes.NA)  # an item's "if … → next item" means it does not apply here
        else:
            self.record(itypes.DONE, goto=target)

    def _on_anchor(self, url) -> None:
        """``kbapp:copy/N`` and ``kbapp:goto/N`` links, as the reader and older callers use them."""
        parts = url.path().split("/")
        if url.scheme() != "kbapp" or len(parts) != 2 or not parts[1].isdigit():
            return
        if parts[0] == "copy":
            self.copy_command(int(parts[1]))
        elif parts[0] == "goto":
            self.decide_target(int(parts[1]))
