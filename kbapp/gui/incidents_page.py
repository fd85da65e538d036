"""The incidents tab: open incidents on the left, the selected one on the right."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kbapp.gui.incident_dialogs import EscalationChainDialog, NewIncidentDialog
from kbapp.gui.incident_edit_dialogs import LevelDialog, NotifiedAtDialog, PlanDialog
from kbapp.gui.incident_models import IncidentListModel, pick
from kbapp.gui.incident_view import IncidentView
from kbapp.gui.wrap_delegate import WrapDelegate
from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.lifecycle import RESOLVED, STATUS_LABELS, TRANSITIONS


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class IncidentsPage(QWidget):
    incident_started = Signal(int)
    message = Signal(str)
    escalated = Signal(object)  # kbapp.incidents.watcher.Escalated, by "Escalate now"
    LAST_SHOWN_KEY = "incidents/last"  # QSettings: the incident to show again after a restart

    def __init__(self, kb, runner, settings: QSettings, chinese: bool, parent=None):
        super().__init__(parent)
        self.kb, self.runner, self.settings, self.chinese = kb, runner, settings, chinese
        self.clock = utc_now  # replaced by tests to move time forward
        self.list_model = IncidentListModel(chinese, self)
        self.list_view = QListView(self)
        self.list_view.setObjectName("incidentList")
        self.list_view.setModel(self.list_model)
        self.list_view.setItemDelegate(WrapDelegate(self.list_view, self))  # long titles wrap, whole
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.list_view.setUniformItemSizes(False)
        self.list_view.selectionModel().currentChanged.connect(lambda current, _prev: self._select(current.row()))
        self.view = IncidentView(kb, runner, lambda: self.clock(), self.kb.actor_name, chinese, self,
                                 settings=settings, state_key=self.LAST_SHOWN_KEY.split("/")[0])
        runner.changed.connect(self.apply_changes)  # the list and its counts follow every write
        self.view.failed.connect(self.message)
        self.view.header.escalate_requested.connect(self.escalate_now)
        self.dialog = None  # the dialog last opened from this page (tests reach it here)
        self.warning_box: QMessageBox | None = None
        self.empty = QLabel(self.tr("No open incidents. Press Ctrl+N to log one."), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("incidentsPageSplitter")
        splitter.addWidget(self.list_view)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 4)
        self._splitter_key = f"{self.LAST_SHOWN_KEY.split('/')[0]}/page_splitter"
        state = settings.value(self._splitter_key)
        if state is None or not splitter.restoreState(state):
            splitter.setSizes([190, 1000])
        splitter.splitterMoved.connect(lambda *_: settings.setValue(self._splitter_key, splitter.saveState()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.view.tick)
        self.ticker.start()
        self._select_after_reload: int | None = None
        self._list_request = 0  # the latest list read asked for (_query_list)
        self._refreshing = self._quiet = False

    # -- the list -------------------------------------------------------------------------------------
    def apply_changes(self, changes) -> None:
        """Reload the list (one read) when ``changes`` (OpChanges) touched incidents; the
        incident on screen reloads itself (IncidentView.apply_changes)."""
        if changes.incidents:
            self.reload_list(refresh=True)

    def reload_list(self, select_id: int | None = None, *, refresh: bool = False) -> None:
        if select_id is not None:
            self._select_after_reload = select_id
        self._refreshing = refresh and self._select_after_reload is None
        self._query_list(lambda: self.kb.desk_incidents.list_incidents(open_only=True))

    def _query_list(self, read) -> None:
        """The list read off the UI thread; only the latest read asked for is shown. The read
        pool may finish two out of order, and an older list would take the incident just
        asked for (``select_id``) away, as not there yet."""
        self._list_request += 1
        request = self._list_request

        def shown(incidents) -> None:
            if request == self._list_request:
                self._show_list(incidents)

        self.runner.query(read, shown, lambda exc: self.message.emit(str(exc)))

    def _show_list(self, incidents) -> None:
        wanted = self._select_after_reload or self.view.incident_id or self._last_selected()
        # A refresh leaves the incident on screen to reload itself (IncidentView.apply_changes).
        self._quiet, self._refreshing = self._refreshing, False
        self._select_after_reload = None
        try:
            self.list_model.set_incidents(incidents)
            row = self.list_model.row_of(wanted) if wanted else -1
            if row < 0 and incidents:
                row = 0
            if row >= 0:
                self.list_view.setCurrentIndex(self.list_model.index(row, 0))
                self._select(row)
            else:
                self.stack.setCurrentWidget(self.empty)
        finally:
            self._quiet = False

    def _last_selected(self) -> int | None:
        value = self.settings.value(self.LAST_SHOWN_KEY)
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def _select(self, row: int) -> None:
        incident = self.list_model.incident(row)
        if incident is None:
            return
        self.stack.setCurrentWidget(self.view)
        self.settings.setValue(self.LAST_SHOWN_KEY, incident.id)
        if self._quiet and incident.id == self.view.incident_id:
            return
        if incident.id != self.view.incident_id or self.view.incident is None or incident != self.view.incident:
            self.view.load(incident.id)

    # -- actions -----------------------------------------------------------------------------------------
    def new_incident(self, playbook_id: str | None = None) -> NewIncidentDialog:
        dialog = NewIncidentDialog(self.kb, self.runner, self.chinese, playbook_id, self, now=self.clock())
        dialog.accepted.connect(lambda: self.start_incident(**dialog.values()))
        dialog.open()
        return dialog

    def start_incident(self, **values) -> None:
        actor = self.kb.actor_name()

        def started(incident) -> None:
            self._select_after_reload = incident.id  # the list reloads with the write's OpChanges
            self.incident_started.emit(incident.id)

        self.runner.write(lambda: self.kb.desk_incidents.start(actor=actor, **values), started,
                          lambda exc: self.message.emit(str(exc)))

    def status_menu(self, parent) -> QMenu:
        menu = QMenu(self.tr("Set status"), parent)
        menu.aboutToShow.connect(lambda: self._fill_status_menu(menu))
        return menu

    def _fill_status_menu(self, menu: QMenu) -> None:
        menu.clear()
        incident = self.view.incident
        if incident is None:
            return
        for status in sorted(TRANSITIONS.get(incident.status, ())):
            label = pick(STATUS_LABELS[status], self.chinese)
            menu.addAction(label, lambda s=status: self.resolve() if s == RESOLVED else self.view.set_status(s))

    def resolve(self) -> None:
        if self.view.incident is None:
            return
        summary, ok = QInputDialog.getMultiLineText(self, self.tr("Resolve incident"),
                                                    self.tr("How was it solved? (summary)"))
        if ok and summary.strip():
            self.view.resolve(summary.strip())

    def _open(self, dialog, accepted) -> None:
        dialog.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()
        return dialog

    def change_level(self) -> LevelDialog | None:
        """The new level and why: both go in the log; missed deadlines stay missed."""
        if self.view.incident is None:
            return None
        dialog = LevelDialog(self.view.incident.level, self.chinese, self)
        return self._open(dialog, lambda: self.view.change_level(*dialog.values()))

    def record_plan(self) -> PlanDialog | None:
        """The handling plan (故障处理方案), or at level I the emergency plan (应急方案)."""
        if self.view.incident is None:
            return None
        dialog = PlanDialog(self.view.incident.level, self)
        return self._open(dialog, lambda: self.view.record_plan(*dialog.values()))

    def correct_notified_at(self) -> NotifiedAtDialog | None:
        incident = self.view.incident
        if incident is None:
            return None
        dialog = NotifiedAtDialog(incident.notified_at, self.clock(), self)
        return self._open(dialog, lambda: self.view.correct_notified_at(*dialog.values()))

    def acknowledge(self) -> None:
        self.view.acknowledge()

    # -- escalation -------------------------------------------------------------------------------------
    def escalate_now(self) -> None:
        """The next person up the chain, named with their phone; logged and notified."""
        incident = self.view.incident
        if incident is None or incident.mode != itypes.MODE_INCIDENT:
            return
        actor, clock, kb = self.kb.actor_name(), self.clock, self.kb
        escalate = kb.desk_incidents.escalate_now if kb.shares_database else \
            kb.watcher(clock=lambda: clock()).escalate_now  # a team desk: queued when offline
        self.runner.write(lambda: escalate(incident.id, actor=actor),
                          self._escalated,
                          self._escalation_failed)

    def _escalated(self, done) -> None:
        person = done.person
        text = self.tr("Escalated to %1 (%2): call %3 now.").replace("%1", person.name).replace(
            "%2", person.role or "—").replace("%3", person.phone or self.tr("them (no phone in the chain)"))
        if done.warning:
            text += "\n" + done.warning
        self.view.header.set_escalation(text)
        self.message.emit(text)
        self.escalated.emit(done)  # the incident reloads with the write's OpChanges

    def _escalation_failed(self, exc) -> None:
        if isinstance(exc, IncidentError) and exc.field == "escalation_chain":
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Nobody to escalate to"), self.tr(
                "The escalation chain is empty, so nobody can be told.\n\n"
                "Set it up in Incident ▸ Escalation Chain…: add each person of the team with their phone "
                "(and e-mail), and whom they report to; the first person is the one on duty. Or write "
                "escalation.json in the data home (see the README)."), QMessageBox.StandardButton.Close, self)
            setup = box.addButton(self.tr("Set Up the Escalation Chain…"), QMessageBox.ButtonRole.AcceptRole)
            setup.clicked.connect(self.edit_chain)
        else:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Escalate now"), str(exc),
                              QMessageBox.StandardButton.Close, self)
        box.setObjectName("escalationWarning")
        self.warning_box = box
        box.open()

    def export_timeline(self) -> None:
        incident = self.view.incident
        if incident is None:
            return
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export timeline"), f"incident-{incident.id}.md",
                                                   "Markdown (*.md);;CSV (*.csv);;HTML (*.html)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        from kbapp.fsutil import atomic_write_text
        from kbapp.incidents.export import export_timeline

        fmt = {".csv": "csv", ".html": "html", ".htm": "html"}.get(path.suffix.lower(), "md")
        incident, actions, deadlines = self.view.incident, list(self.view.timeline_model.actions), self.view.deadlines
        self.runner.write(lambda: atomic_write_text(path, export_timeline(fmt, incident, actions, deadlines)),
                          lambda _r: self.message.emit(self.tr("Timeline exported to %1").replace("%1", str(path))),
                          lambda exc: self.message.emit(str(exc)))

    def edit_chain(self) -> None:
        def show(chain) -> None:
            dialog = EscalationChainDialog(chain, self)
            if dialog.exec():
                edited = dialog.chain()
                self.runner.write(lambda: self.kb.incidents.save_chain(edited),
                                  lambda _r: self.view.load(self.view.incident_id) if self.view.incident_id else None,
                                  lambda exc: QMessageBox.warning(self, self.tr("Escalation chain"), str(exc)))

        kb = self.kb  # the chain is read on the read pool: the service is not even reached here
        self.runner.query(lambda: kb.incidents.chain(), show, lambda exc: self.message.emit(str(exc)))
