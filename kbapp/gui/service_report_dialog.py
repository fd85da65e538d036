"""The monthly service report dialog (系统运行状况分析报告): customer, month, suggestions, export.

The report is put together on the write lane (kbapp.reports.service_report); the
improvement suggestions arrive pre-filled with the recurring faults, the most failed
steps and the missed promises, for the engineer to edit before the PDF or Markdown is
written (also on the write lane; the file is renamed into place once complete).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from kbapp.fsutil import atomic_write_text, safe_filename


def write_service_report(report, suggestions: str, path: Path) -> Path:
    """``report`` (kbapp.reports.service_report.ServiceReport) to ``path``: PDF by suffix, else Markdown."""
    markdown = report.markdown(suggestions)
    if path.suffix.lower() == ".pdf":
        from kbapp.gui.pdf import print_pdf

        print_pdf(path, markdown=markdown, title=report.title)
    else:
        atomic_write_text(path, markdown)
    return path


class ServiceReportDialog(QDialog):
    loaded = Signal()
    written = Signal(str)

    def __init__(self, kb, runner, customer: str | None = None, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("serviceReportDialog")
        self.setWindowTitle(self.tr("Monthly service report"))
        self.kb, self.runner, self.chinese = kb, runner, chinese
        self.report = None
        self._request = 0
        self.customer = QComboBox(self)
        self.customer.setObjectName("reportCustomer")
        self.customer.setEditable(True)
        if customer:
            self.customer.addItem(customer)
        today = dt.date.today().replace(day=1)
        last_month = (today - dt.timedelta(days=1)).replace(day=1)
        self.month = QDateEdit(QDate(last_month.year, last_month.month, 1), self)
        self.month.setObjectName("reportMonth")
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        self.suggestions = QPlainTextEdit(self)
        self.suggestions.setObjectName("reportSuggestions")
        self.suggestions.setPlaceholderText(self.tr("Improvement suggestions for the customer (Markdown)"))
        self.state = QLabel(self)
        self.state.setObjectName("reportState")
        self.state.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Customer:"), self.customer)
        form.addRow(self.tr("&Month:"), self.month)
        form.addRow(self.tr("&Suggestions:"), self.suggestions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.pdf_button = QPushButton(self.tr("Export &PDF…"), self)
        self.pdf_button.setObjectName("exportReportPdf")
        self.md_button = QPushButton(self.tr("Export &Markdown…"), self)
        self.md_button.setObjectName("exportReportMarkdown")
        for button in (self.pdf_button, self.md_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            button.setEnabled(False)
        buttons.rejected.connect(self.reject)
        self.pdf_button.clicked.connect(lambda: self._export(".pdf"))
        self.md_button.clicked.connect(lambda: self._export(".md"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addWidget(buttons)
        self.resize(640, 460)
        self.customer.currentTextChanged.connect(lambda _t: self.load())
        self.month.dateChanged.connect(lambda _d: self.load())
        self._load_customers()
        self.load()

    def _load_customers(self) -> None:
        kb = self.kb

        def fill(names: list[str]) -> None:
            current = self.customer.currentText()
            self.customer.blockSignals(True)
            for name in names:
                if self.customer.findText(name) < 0:
                    self.customer.addItem(name)
            self.customer.setCurrentText(current or (names[0] if names else ""))
            self.customer.blockSignals(False)
            if not current and names:
                self.load()

        self.runner.query(lambda: [c.name for c in kb.customers.list()], fill)

    def month_text(self) -> str:
        return self.month.date().toString("yyyy-MM")

    def load(self) -> None:
        customer, month = self.customer.currentText().strip(), self.month_text()
        self._request += 1
        token = self._request
        self.report = None
        for button in (self.pdf_button, self.md_button):
            button.setEnabled(False)
        if not customer:
            self.state.setText(self.tr("Choose the customer the report is for."))
            return
        self.state.setText(self.tr("Gathering %1's %2…").replace("%1", customer).replace("%2", month))
        kb = self.kb

        def done(report) -> None:
            if token != self._request:
                return
            self.report = report
            self.suggestions.setPlainText(report.suggested_improvements())
            self.state.setText(self.tr("%1 incidents, %2 missed promises, %3 inspections, %4 recurring faults.")
                               .replace("%1", str(len(report.incidents))).replace("%2", str(len(report.missed)))
                               .replace("%3", str(len(report.inspections))).replace("%4", str(len(report.recurring))))
            for button in (self.pdf_button, self.md_button):
                button.setEnabled(True)
            self.loaded.emit()

        def failed(exc) -> None:
            if token == self._request:
                self.state.setText(str(exc))

        self.runner.background(lambda: kb.service_report(customer, month), done, failed)

    def _export(self, suffix: str) -> None:
        if self.report is None:
            return
        name = safe_filename(f"系统运行状况分析报告-{self.report.customer}-{self.report.month}", suffix)
        filters = "PDF (*.pdf)" if suffix == ".pdf" else "Markdown (*.md)"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save monthly report"), name, filters)
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        report, text = self.report, self.suggestions.toPlainText()
        if report is None:
            return
        self.state.setText(self.tr("Writing %1…").replace("%1", str(path)))
        self.runner.write(lambda: write_service_report(report, text, path),
                          lambda written: (self.state.setText(self.tr("Written: %1").replace("%1", str(written))),
                                           self.written.emit(str(written))),
                          lambda exc: self.state.setText(self.tr("Could not write the report: %1")
                                                         .replace("%1", str(exc))))
