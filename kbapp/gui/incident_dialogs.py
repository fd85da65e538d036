"""Dialogs of the incident runner: a new incident, and the team's escalation chain."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kbapp.gui.customer_fields import CustomerFields
from kbapp.gui.incident_edit_dialogs import from_qdatetime, notified_edit
from kbapp.gui.incident_models import pick
from kbapp.gui.incident_view import level_choices
from kbapp.gui.models import category_label
from kbapp.gui.playbook_picker import PlaybookPicker
from kbapp.gui.search_controller import SearchController, SearchRequest
from kbapp.gui.validation import recheck_on_edit, show_problem
from kbapp.incidents import types as itypes
from kbapp.incidents.lifecycle import STATUS_LABELS
from kbapp.model import CATEGORIES


class NewIncidentDialog(QDialog):
    """Log a call: the description suggests playbooks as it is typed (searched off the UI thread)."""

    def __init__(self, kb, runner, chinese: bool, playbook_id: str | None = None, parent=None,
                 now: dt.datetime | None = None):
        super().__init__(parent)
        self.setObjectName("newIncidentDialog")
        self.setWindowTitle(self.tr("New incident"))
        self.resize(640, 560)
        self.kb = kb
        self.chinese = chinese
        self.title = QLineEdit(self)
        self.title.setObjectName("incidentTitleEdit")
        self.level = QComboBox(self)
        self.level.setObjectName("incidentLevel")
        for label, value in level_choices(chinese):
            self.level.addItem(label, value)
        self.level.setCurrentIndex(1)
        self.category = QComboBox(self)
        self.category.addItem("—", "")
        for key in CATEGORIES:
            self.category.addItem(category_label(key, chinese), key)
        self.channel = QComboBox(self)
        for key in itypes.CHANNELS:
            self.channel.addItem(pick(itypes.CHANNEL_LABELS[key], chinese), key)
        self.reporter = QLineEdit(self)
        self.responsible = QLineEdit(self)
        # 客户单位 and 业务系统 from the team's list; a new name typed here joins the list.
        self.customer_fields = CustomerFields(kb, runner, self)
        self.customer, self.system = self.customer_fields.customer, self.customer_fields.system
        # The customer may have called before the incident is logged (at 02:40, logged at
        # 02:55): the deadlines count from the call. Left as it is, it means "now".
        self.notified = notified_edit(self, now or dt.datetime.now(dt.UTC))
        self.notified.setToolTip(self.tr("When the customer notified us; the 30-minute response counts from it"))
        self._notified_initial = self.notified.dateTime()
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("incidentDescription")
        self.description.setTabChangesFocus(True)
        self.suggestions = QListWidget(self)
        self.suggestions.setObjectName("playbookSuggestions")
        self.suggestions.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # What the incident starts with: the engineer's choices (checked, or picked by hand)
        # first; while there are none, the best suggestion is checked for them.
        self._chosen: list[str] = [playbook_id] if playbook_id else []
        self._declined: set[str] = set()
        self._hits: list = []
        self._titles: dict[str, str] = {}
        self._rendering = False
        if playbook_id:  # its title from the library, read on the read pool
            runner.query(lambda: kb.get(playbook_id), self._show_title)
        self._render_suggestions()
        self.suggestions.itemChanged.connect(self._suggestion_toggled)
        # When the suggestion is wrong: any playbook of the library, typed or picked by hand.
        self.picker = PlaybookPicker(kb, runner, self)
        self.picker.picked.connect(self.pick_playbook)
        self.search = SearchController(kb, runner, interval_ms=250, parent=self)
        self.search.results_ready.connect(self._show_suggestions)
        # Finding the past: similar incidents and reports, more-like-this on the description.
        self.similar = QListWidget(self)
        self.similar.setObjectName("similarPast")
        self.similar.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.similar.setMaximumHeight(120)
        self.similar_search = SearchController(kb, runner, interval_ms=400, parent=self,
                                               fetch=lambda r: kb.similar(r.text, limit=5))
        self.similar_search.results_ready.connect(self._show_similar)
        self.title.textChanged.connect(self._describe_changed)
        self.description.textChanged.connect(self._describe_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel(self)
        self.error.setStyleSheet("color:#b71c1c;")
        form = QFormLayout(self)
        form.addRow(self.tr("Title:"), self.title)
        form.addRow(self.tr("Fault level:"), self.level)
        form.addRow(self.tr("Category:"), self.category)
        form.addRow(self.tr("Came in by:"), self.channel)
        form.addRow(self.tr("Customer called at:"), self.notified)
        form.addRow(self.tr("Customer:"), self.customer)
        form.addRow(self.tr("System:"), self.system)
        form.addRow(self.tr("Reported by:"), self.reporter)
        form.addRow(self.tr("Responsible:"), self.responsible)
        form.addRow(self.tr("Description:"), self.description)
        form.addRow(self.tr("Suggested playbooks:"), self.suggestions)
        form.addRow(self.tr("Or c&hoose a playbook:"), self.picker)
        form.addRow(self.tr("Similar past incidents and reports:"), self.similar)
        form.addRow(self.error)
        form.addRow(buttons)
        self.picker.no_match.connect(
            lambda text: self.error.setText(self.tr("No playbook matches “%1”.").replace("%1", text)))
        recheck_on_edit(self.error, [self.title], lambda: "" if self.title.text().strip() else
                        self.tr("The title is required."), hide=False)

    def _describe_changed(self) -> None:
        text = f"{self.title.text()} {self.description.toPlainText()}".strip()
        if text:
            self.search.request(SearchRequest(text, kind="playbook", limit=6))
            self.similar_search.request(SearchRequest(text, limit=5))

    def _add_suggestion(self, doc_id: str, title: str, checked: bool) -> None:
        item = QListWidgetItem(title, self.suggestions)
        item.setData(Qt.ItemDataRole.UserRole, doc_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _show_suggestions(self, _request, results) -> None:
        self._hits = list(results.hits)
        for hit in self._hits:
            self._titles.setdefault(hit.id, f"{hit.title} {hit.title_en}".strip())
        self._render_suggestions()

    def _render_suggestions(self) -> None:
        self._rendering = True
        try:
            self.suggestions.clear()
            for doc_id in self._chosen:
                self._add_suggestion(doc_id, self._titles.get(doc_id, doc_id), True)
            # The best match is checked for the engineer, who can uncheck it or choose another.
            auto = None if self._chosen else next((h.id for h in self._hits if h.id not in self._declined), None)
            for hit in self._hits:
                if hit.id not in self._chosen:
                    self._add_suggestion(hit.id, self._titles[hit.id], hit.id == auto)
        finally:
            self._rendering = False

    def _show_title(self, doc) -> None:
        if doc is not None:
            self._titles[doc.id] = doc.display_title
            self._render_suggestions()

    def _suggestion_toggled(self, item: QListWidgetItem) -> None:
        if self._rendering:
            return
        doc_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._declined.discard(doc_id)
        else:
            self._declined.add(doc_id)
        # What is checked now is chosen, a suggestion checked for the engineer and left so too.
        checked = self.playbook_ids()
        self._chosen = [d for d in self._chosen if d in checked] + [d for d in checked if d not in self._chosen]

    def pick_playbook(self, doc_id: str, title: str) -> None:
        """The engineer's own choice: first in the list, checked, and what the incident
        starts with; a suggestion checked only for them is unchecked."""
        self._titles[doc_id] = title
        self._declined.discard(doc_id)
        if doc_id in self._chosen:
            self._chosen.remove(doc_id)
        self._chosen.insert(0, doc_id)
        self._render_suggestions()

    def _show_similar(self, _request, found) -> None:
        incidents, docs = found
        self.similar.clear()
        for past in incidents:
            status = pick(STATUS_LABELS.get(past.status, (past.status, past.status)), self.chinese)
            QListWidgetItem(f"#{past.id}  {past.title}  ({past.level}, {status})", self.similar)
        for hit in docs:
            QListWidgetItem(f"📄 {hit.title}", self.similar)
        if not incidents and not docs:
            QListWidgetItem(self.tr("Nothing similar in the past."), self.similar)

    def playbook_ids(self) -> list[str]:
        ids = []
        for row in range(self.suggestions.count()):
            item = self.suggestions.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(Qt.ItemDataRole.UserRole))
        return ids

    def values(self) -> dict:
        return {
            **self.customer_fields.values(),
            "title": self.title.text().strip(), "level": self.level.currentData(),
            "category": self.category.currentData(), "channel": self.channel.currentData(),
            "reporter": self.reporter.text().strip(), "responsible": self.responsible.text().strip(),
            "description": self.description.toPlainText().strip(), "playbook_ids": self.playbook_ids(),
            "notified_at": self.notified_at(),
        }

    def notified_at(self) -> dt.datetime | None:
        """The time entered, or None (= when the incident is logged) if it was left alone."""
        if self.notified.dateTime() == self._notified_initial:
            return None
        return from_qdatetime(self.notified.dateTime())

    def accept(self) -> None:
        if not self.title.text().strip():
            show_problem(self.error, self.tr("The title is required."))
            self.title.setFocus()
            return
        super().accept()


class EscalationChainDialog(QDialog):
    """Who answers to whom, with phone numbers: the team's own data, in the data home."""

    COLUMNS = 4

    def __init__(self, chain, parent=None):
        super().__init__(parent)
        self.setObjectName("escalationChainDialog")
        self.setWindowTitle(self.tr("Escalation chain"))
        self.resize(640, 360)
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Role"), self.tr("Phone"), self.tr("Reports to")])
        self.table.horizontalHeader().setStretchLastSection(True)
        for person in chain.people:
            self._add_row(person.name, person.role, person.phone, person.reports_to or "")
        add = QPushButton(self.tr("Add person"), self)
        add.clicked.connect(lambda: self._add_row("", "", "", ""))
        remove = QPushButton(self.tr("Remove selected"), self)
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("A missed deadline is escalated to the responsible person's superior, level by level."), self))
        layout.addWidget(self.table)
        layout.addWidget(add)
        layout.addWidget(remove)
        layout.addWidget(buttons)

    def _add_row(self, *values: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, value in enumerate(values):
            self.table.setItem(row, column, QTableWidgetItem(value))

    def people(self):
        from kbapp.incidents.escalation import Person

        people = []
        for row in range(self.table.rowCount()):
            cells = [(self.table.item(row, c).text().strip() if self.table.item(row, c) else "") for c in range(self.COLUMNS)]
            if any(cells):
                people.append(Person(name=cells[0], role=cells[1], phone=cells[2], reports_to=cells[3] or None))
        return people

    def chain(self):
        """The edited chain, or None after telling the user what is wrong with it."""
        from kbapp.incidents.errors import IncidentError
        from kbapp.incidents.escalation import EscalationChain

        try:
            return EscalationChain(tuple(self.people()))
        except IncidentError as exc:
            QMessageBox.warning(self, self.tr("Escalation chain"), str(exc))
            return None

    def accept(self) -> None:
        if self.chain() is not None:
            super().accept()
