"""Lessons and reviewed playbook changes: add a lesson, propose a change, review changes."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
)

from kbapp.gui.validation import recheck_on_edit, show_problem

ERROR_STYLE = "color:#b71c1c;"


def diff_html(diff: str) -> str:
    """A unified diff as coloured, escaped HTML for a QTextBrowser."""
    rows = []
    for line in diff.splitlines():
        style = ""
        if line.startswith("+") and not line.startswith("+++"):
            style = "background:#e6ffec;color:#1a5e20;"
        elif line.startswith("-") and not line.startswith("---"):
            style = "background:#ffebe9;color:#8c1d18;"
        elif line.startswith("@@"):
            style = "color:#6a4fc4;"
        rows.append(f'<div style="{style}">{html.escape(line) or "&nbsp;"}</div>')
    return f'<div style="font-family:monospace;white-space:pre-wrap;">{"".join(rows)}</div>'


def _mono() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class LessonDialog(QDialog):
    """Write a lesson for a playbook step; optionally go on to propose a playbook change."""

    saved = Signal(object)  # the Lesson
    propose_requested = Signal(str, int, str)  # playbook id, lesson id, lesson text

    def __init__(self, kb, runner, actor: str, *, playbook_id: str | None = None, step: int | None = None,
                 incident_id: int | None = None, report_id: int | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("lessonDialog")
        self.setWindowTitle(self.tr("Add a lesson"))
        self.resize(560, 380)
        self.kb, self.runner, self.actor = kb, runner, actor
        self.incident_id, self.report_id = incident_id, report_id
        self.playbook = QComboBox(self)
        self.playbook.setObjectName("lessonPlaybook")
        docs = sorted((d for d in kb.documents() if d.kind in ("playbook", "checklist")), key=lambda d: d.id)
        for doc in docs:
            self.playbook.addItem(doc.display_title, doc.id)
        self.step = QComboBox(self)
        self.step.setObjectName("lessonStep")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("lessonText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("What should the next engineer know? e.g. step 4 was missing a check"))
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.playbook.currentIndexChanged.connect(self._fill_steps)
        if playbook_id and (index := self.playbook.findData(playbook_id)) >= 0:
            self.playbook.setCurrentIndex(index)
        self._fill_steps()
        if step is not None and (index := self.step.findData(step)) >= 0:
            self.step.setCurrentIndex(index)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("&Save lesson"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveLessonButton")
        self.propose_button = buttons.addButton(self.tr("Save and &propose a playbook change…"),
                                                QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(lambda: self.save(propose=False))
        self.propose_button.clicked.connect(lambda: self.save(propose=True))
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Playbook:"), self.playbook)
        form.addRow(self.tr("Step:"), self.step)
        form.addRow(self.tr("Lesson:"), self.text)
        if incident_id:
            form.addRow(QLabel(self.tr("From incident #%1").replace("%1", str(incident_id)), self))
        form.addRow(self.error)
        form.addRow(buttons)
        recheck_on_edit(self.error, [self.playbook, self.step, self.text], hide=False)  # the save checks again
        self.text.setFocus()

    def _fill_steps(self) -> None:
        self.step.clear()
        self.step.addItem(self.tr("The whole playbook"), None)
        doc = self.kb.get(self.playbook.currentData() or "")
        for step in doc.steps if doc else []:
            self.step.addItem(f"{step.number}. {step.title}", step.number)

    def save(self, propose: bool = False) -> None:
        playbook_id, step, text = self.playbook.currentData(), self.step.currentData(), self.text.toPlainText()
        incident_id, report_id, actor = self.incident_id, self.report_id, self.actor
        self.save_button.setEnabled(False)
        self.runner.write(
            lambda: self.kb.desk_lessons.add(playbook_id, text, step=step, incident_id=incident_id, report_id=report_id,
                                        actor=actor),
            lambda lesson: self._saved(lesson, propose), self._failed)

    def _saved(self, lesson, propose: bool) -> None:
        self.saved.emit(lesson)
        if propose:
            self.propose_requested.emit(lesson.playbook_id, lesson.id, lesson.text)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        show_problem(self.error, str(exc))


class ProposeChangeDialog(QDialog):
    """Edit a playbook's Markdown and propose it; the diff shows what would change."""

    proposed = Signal(object)  # the Change

    def __init__(self, kb, runner, actor: str, playbook_id: str, *, lesson_id: int | None = None,
                 reason: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("proposeChangeDialog")
        self.setWindowTitle(self.tr("Propose a change to %1").replace("%1", playbook_id))
        self.resize(900, 680)
        self.kb, self.runner, self.actor, self.playbook_id, self.lesson_id = kb, runner, actor, playbook_id, lesson_id
        self.base_text = ""
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("changeEditor")
        self.editor.setFont(_mono())
        self.diff = QTextBrowser(self)
        self.diff.setObjectName("changeDiff")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.editor, self.tr("Markdown"))
        self.tabs.addTab(self.diff, self.tr("Diff"))
        self.tabs.currentChanged.connect(lambda index: self.update_diff() if index == 1 else None)
        self.reason = QLineEdit(reason, self)
        self.reason.setObjectName("changeReason")
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.propose_button = buttons.addButton(self.tr("&Propose for review"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.propose_button.setObjectName("proposeButton")
        self.propose_button.setEnabled(False)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.propose_button.clicked.connect(self.propose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Reason:"), self))
        row.addWidget(self.reason)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        recheck_on_edit(self.error, [self.editor, self.reason], hide=False)  # the proposal checks again
        runner.query(lambda: kb.changes.current_text(playbook_id), self._loaded, self._failed)

    def _loaded(self, text: str) -> None:
        self.base_text = text
        self.editor.setPlainText(text)
        self.propose_button.setEnabled(True)

    def update_diff(self) -> None:
        from kbapp.reports.changes import unified_diff

        diff = unified_diff(self.base_text, self.editor.toPlainText(), self.playbook_id)
        nothing = self.tr("No changes yet.")
        self.diff.setHtml(diff_html(diff) if diff else f"<p>{html.escape(nothing)}</p>")

    def propose(self) -> None:
        text, reason, lesson_id, actor, pid = (self.editor.toPlainText(), self.reason.text(), self.lesson_id,
                                               self.actor, self.playbook_id)
        self.propose_button.setEnabled(False)
        self.runner.write(lambda: self.kb.changes.propose(pid, text, reason=reason, lesson_id=lesson_id, actor=actor),
                          self._proposed, self._failed)

    def _proposed(self, change) -> None:
        self.proposed.emit(change)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.propose_button.setEnabled(bool(self.base_text))
        show_problem(self.error, str(exc))


class ReviewChangesDialog(QDialog):
    """Proposed playbook changes, each as a diff, to approve or reject."""

    decided = Signal(object)  # the Change after the decision

    def __init__(self, kb, runner, actor: str, parent=None):
        super().__init__(parent)
        self.setObjectName("reviewChangesDialog")
        self.setWindowTitle(self.tr("Review playbook changes"))
        self.resize(980, 640)
        self.kb, self.runner, self.actor = kb, runner, actor
        self.changes: list = []
        self.list = QListWidget(self)
        self.list.setObjectName("changeList")
        self.diff = QTextBrowser(self)
        self.diff.setObjectName("reviewDiff")
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.info)
        right.addWidget(self.diff)
        right.setStretchFactor(1, 5)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        self.approve_button = QPushButton(self.tr("&Approve and apply"), self)
        self.approve_button.setObjectName("approveButton")
        self.reject_button = QPushButton(self.tr("&Reject…"), self)
        close = QPushButton(self.tr("Close"), self)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject_change)
        close.clicked.connect(self.accept)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(self.approve_button)
        row.addWidget(self.reject_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addLayout(row)
        self.list.currentRowChanged.connect(self._show)
        self.reload()

    def reload(self) -> None:
        self.runner.query(lambda: self.kb.changes.list(status="proposed"), self._fill,
                          lambda exc: self.error.setText(str(exc)))

    def _fill(self, changes) -> None:
        self.changes = list(changes)
        self.list.clear()
        for change in self.changes:
            item = QListWidgetItem(f"#{change.id} {change.playbook_id} — {change.reason or change.proposed_by}")
            self.list.addItem(item)
        has = bool(self.changes)
        self.approve_button.setEnabled(has)
        self.reject_button.setEnabled(has)
        if has:
            self.list.setCurrentRow(0)
        else:
            self.info.setText(self.tr("No changes are waiting for review."))
            self.diff.clear()

    def current(self):
        row = self.list.currentRow()
        return self.changes[row] if 0 <= row < len(self.changes) else None

    def _show(self, _row: int) -> None:
        change = self.current()
        if change is None:
            return
        self.info.setText(self.tr("Proposed by %1 at %2, on version %3. Reason: %4")
                          .replace("%1", change.proposed_by).replace("%2", f"{change.proposed_at:%Y-%m-%d %H:%M}")
                          .replace("%3", str(change.base_version)).replace("%4", change.reason or "—"))
        self.diff.setHtml(diff_html(change.diff()))

    def approve(self) -> None:
        change = self.current()
        if change is not None:
            actor = self.actor
            self.runner.write(lambda: self.kb.changes.approve(change.id, actor=actor), self._decided,
                              lambda exc: self.error.setText(str(exc)))

    def reject_change(self) -> None:
        change = self.current()
        if change is None:
            return
        note, ok = QInputDialog.getText(self, self.tr("Reject change"), self.tr("Why is it rejected?"))
        if ok:
            actor = self.actor
            self.runner.write(lambda: self.kb.changes.reject(change.id, actor=actor, note=note), self._decided,
                              lambda exc: self.error.setText(str(exc)))

    def _decided(self, change) -> None:
        self.error.clear()
        self.decided.emit(change)
        self.reload()


class VersionsDialog(QDialog):
    """Every version of a playbook, oldest first: earlier ones stay readable after a change."""

    def __init__(self, kb, runner, playbook_id: str, parent=None):
        super().__init__(parent)
        self.setObjectName("versionsDialog")
        self.setWindowTitle(self.tr("Versions of %1").replace("%1", playbook_id))
        self.resize(900, 620)
        self.versions: list = []
        self.list = QListWidget(self)
        self.list.setObjectName("versionList")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("versionText")
        self.text.setReadOnly(True)
        self.text.setFont(_mono())
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 4)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        runner.query(lambda: kb.changes.versions(playbook_id), self._fill, lambda exc: self.error.setText(str(exc)))

    def _fill(self, versions) -> None:
        self.versions = list(versions)
        for version in self.versions:
            if version.replaced_at is None:
                label = self.tr("v%1 (current)").replace("%1", str(version.version))
            else:
                label = (self.tr("v%1, replaced %2 (approved by %3)").replace("%1", str(version.version))
                         .replace("%2", f"{version.replaced_at:%Y-%m-%d}").replace("%3", version.replaced_by or "—"))
            self.list.addItem(label)
        self.list.setCurrentRow(len(self.versions) - 1)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.versions):
            self.text.setPlainText(self.versions[row].text)
