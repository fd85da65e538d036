"""The fault handling report (故障处理报告) form: pre-filled from the log, checked per field."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kbapp.gui.validation import clear_problem, recheck_on_edit, show_problem
from kbapp.redact import redact as redact_text
from kbapp.reports.errors import ReportError
from kbapp.reports.fields import REPORT_FIELDS, check_fields

ERROR_STYLE = "color:#b71c1c;"


def export_report(kb, report_id: int, path: Path, redact: bool) -> Path:
    """Write a report to ``path`` as Markdown, HTML or PDF (by suffix). Runs off the UI thread."""
    from kbapp.fsutil import atomic_write_text

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from kbapp.gui.pdf import print_pdf

        report = kb.desk_reports.get(report_id)
        print_pdf(path, html=kb.desk_reports.export_text(report_id, "html", redact=redact),
                  title=redact_text(report.title) if redact else report.title)
    else:
        fmt = "html" if suffix in (".html", ".htm") else "md"
        atomic_write_text(path, kb.desk_reports.export_text(report_id, fmt, redact=redact))
    return path


class ReportDialog(QDialog):
    submitted = Signal(object)  # the saved Report
    message = Signal(str)
    lesson_requested = Signal(int, int)  # incident id, report id

    def __init__(self, kb, runner, incident_id: int, actor: str, parent=None):
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(self.tr("Fault handling report — incident #%1").replace("%1", str(incident_id)))
        self.resize(760, 720)
        self.kb, self.runner, self.incident_id, self.actor = kb, runner, incident_id, actor
        self.report_id: int | None = None
        self.loaded = False
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form_host = QWidget(self)
        form = QFormLayout(form_host)
        for spec in REPORT_FIELDS:
            editor = QPlainTextEdit(form_host) if spec.multiline else QLineEdit(form_host)
            if isinstance(editor, QPlainTextEdit):
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(72)
            editor.setObjectName(f"reportField_{spec.key}")
            error = QLabel(form_host)
            error.setObjectName(f"reportError_{spec.key}")
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            column = QVBoxLayout()
            column.setSpacing(1)
            column.addWidget(editor)
            column.addWidget(error)
            star = " *" if spec.required else ""
            form.addRow(spec.label + star, column)  # the plan's own bilingual terms
            self.editors[spec.key], self.errors[spec.key] = editor, error
            # A message under a field goes as soon as the field is right (checked as it is typed).
            recheck_on_edit(error, [editor], lambda key=spec.key: self.field_problem(key))
        self.steps = QPlainTextEdit(form_host)
        self.steps.setObjectName("reportSteps")
        self.steps.setReadOnly(True)
        self.steps.setFixedHeight(110)
        form.addRow(self.tr("Steps taken (from the log)"), self.steps)
        self.timeline = QPlainTextEdit(form_host)
        self.timeline.setReadOnly(True)
        self.timeline.setFixedHeight(130)
        form.addRow(self.tr("Timeline (from the log)"), self.timeline)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        self.status = QLabel(self.tr("Loading the incident's log…"), self)
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.redact = QCheckBox(self.tr("Redact passwords, tokens and keys in exports"), self)
        self.redact.setChecked(True)
        buttons = QDialogButtonBox(self)
        self.submit_button = buttons.addButton(self.tr("&Submit report"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit_button.setObjectName("submitReportButton")
        self.export_button = QPushButton(self.tr("&Export…"), self)
        self.export_button.setEnabled(False)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.lesson_button = QPushButton(self.tr("Add &Lesson…"), self)
        self.lesson_button.setEnabled(False)
        self.lesson_button.clicked.connect(lambda: self.lesson_requested.emit(self.incident_id, self.report_id))
        buttons.addButton(self.lesson_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.submit_button.clicked.connect(self.submit)
        self.export_button.clicked.connect(self.choose_export)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.status)
        layout.addWidget(self.redact)
        layout.addWidget(buttons)
        self.submit_button.setEnabled(False)
        runner.query(lambda: kb.desk_reports.draft(incident_id), self._fill, self._load_failed)

    # -- loading ------------------------------------------------------------------------------------
    def _fill(self, draft) -> None:
        for key, value in draft.fields.items():
            editor = self.editors[key]
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            else:
                editor.setText(value)
        self.steps.setPlainText("\n".join(draft.steps) or self.tr("No steps were recorded."))
        self.timeline.setPlainText("\n".join("  ".join(row) for row in draft.timeline))
        self.report_id = draft.report_id
        self.export_button.setEnabled(self.report_id is not None)
        self.lesson_button.setEnabled(self.report_id is not None)
        self.submit_button.setEnabled(True)
        self.loaded = True
        self.status.setText(self.tr("Filled in from the incident and its log; complete the fields marked *."))
        first_empty = next((k for k, e in self.editors.items() if not self._text(e)), None)
        if first_empty:
            self.editors[first_empty].setFocus()

    def _load_failed(self, exc: BaseException) -> None:
        self.status.setText(str(exc))
        self.status.setStyleSheet(ERROR_STYLE)

    @staticmethod
    def _text(editor) -> str:
        return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()

    def values(self) -> dict[str, str]:
        return {key: self._text(editor) for key, editor in self.editors.items()}

    def field_problem(self, key: str) -> str:
        """What is wrong with one field now ("" when nothing), by the core's own checks."""
        return next((p.message for p in check_fields(self.values()) if p.field == key), "")

    # -- submitting ---------------------------------------------------------------------------------
    def submit(self) -> None:
        if not self.loaded:
            return
        for label in self.errors.values():
            clear_problem(label)
        values, actor, incident_id = self.values(), self.actor, self.incident_id
        self.submit_button.setEnabled(False)
        self.status.setText(self.tr("Saving…"))
        self.runner.write(lambda: self.kb.desk_reports.submit(incident_id, values, actor=actor), self._saved,
                          self._save_failed)

    def _saved(self, report) -> None:
        self.report_id = report.id
        self.submit_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.lesson_button.setEnabled(True)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Report saved as %1; it is now searchable.").replace("%1", report.path))
        self.submitted.emit(report)

    def _save_failed(self, exc: BaseException) -> None:
        self.submit_button.setEnabled(True)
        self.status.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, ReportError) and exc.problems:
            first = None
            for problem in exc.problems:
                label = self.errors.get(problem.field)
                if label is None:
                    continue
                show_problem(label, problem.message)
                first = first or problem.field
            self.status.setText(self.tr("%1 field(s) need attention.").replace("%1", str(len(exc.problems)))
                                + "\n" + "\n".join(str(p) for p in exc.problems if p.field not in self.errors))
            if first:
                self.editors[first].setFocus()
        else:
            self.status.setText(self.tr("The report was not saved: %1").replace("%1", str(exc)))

    # -- exporting ----------------------------------------------------------------------------------
    def choose_export(self) -> None:
        if self.report_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export report"), f"report-{self.incident_id}.pdf",
                                              "PDF (*.pdf);;Markdown (*.md);;HTML (*.html)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        report_id, redact = self.report_id, self.redact.isChecked()
        self.runner.write(lambda: export_report(self.kb, report_id, path, redact),
                          lambda p: self._exported(p), lambda exc: self._load_failed(exc))

    def _exported(self, path: Path) -> None:
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Exported to %1").replace("%1", str(path)))
        self.message.emit(self.status.text())
