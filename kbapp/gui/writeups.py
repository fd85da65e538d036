"""Menu actions for the write-ups after an incident: report, lessons, playbook changes.

Kept out of main_window.py (which owns searching and reading) and installed into its
menus by :func:`install_writeups`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from kbapp.gui.lesson_dialogs import LessonDialog, ProposeChangeDialog, ReviewChangesDialog, VersionsDialog
from kbapp.gui.records_page import RecordsPage
from kbapp.gui.report_dialog import ReportDialog


class Writeups(QObject):
    """A QObject so that its strings have their own translation context ("Writeups")."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        w = window
        self.report_action = w._action(self.tr("Write Fault &Report…"), self.write_report, ("Ctrl+Shift+R",),
                                       "writeReportAction")
        self.lesson_action = w._action(self.tr("Add Lesso&n…"), self.add_lesson, ("Ctrl+Shift+L",), "addLessonAction")
        self.propose_action = w._action(self.tr("Propose Playbook &Change…"), self.propose_change, (),
                                        "proposeChangeAction")
        self.review_action = w._action(self.tr("Re&view Playbook Changes…"), self.review_changes, (),
                                       "reviewChangesAction")
        self.versions_action = w._action(self.tr("Playbook &Versions…"), self.show_versions, (), "versionsAction")
        w.incident_menu.addSeparator()
        w.incident_menu.addActions([self.report_action, self.lesson_action])
        w.library_menu.addSeparator()
        w.library_menu.addActions([self.lesson_action, self.propose_action, self.review_action,
                                   self.versions_action])
        # Problem records (问题记录, ch. 4.4): their own tab, and from the incident on screen.
        w.records = RecordsPage(w.kb, w.runner, w.chinese, w)
        w.records.actor = self.actor
        w.records.engineer = lambda: w.kb.engineer  # read once and kept by the facade
        w.records.message.connect(lambda text: w.statusBar().showMessage(text, 10000))
        w.pages.addTab(w.records, self.tr("Problem records"))
        self.show_records_action = w._action(self.tr("Show Problem &Records"), self.show_records, ("Ctrl+4",),
                                             "showRecordsAction")
        self.record_from_incident_action = w._action(self.tr("New Problem Record from Incident…"),
                                                      self.record_from_incident, (), "recordFromIncidentAction")
        w.incident_menu.addActions([self.record_from_incident_action, self.show_records_action])
        self.dialog = None  # the last dialog opened, for tests and to keep it alive

    def actor(self) -> str:
        return self.window.kb.actor_name()  # the data home's engineer (kbapp.identity)

    def show_records(self) -> None:
        self.window.pages.setCurrentWidget(self.window.records)

    def record_from_incident(self):
        view = self.window.incidents.view
        if view.incident is None:
            self.window.statusBar().showMessage(self.tr("Open an incident first (Ctrl+3)."), 6000)
            return None
        return self.window.records.new_record(incident_id=view.incident.id, title=view.incident.title,
                                              description=view.incident.description)

    def _on_incidents_tab(self) -> bool:
        return self.window.pages.currentWidget() is self.window.incidents

    def write_report(self, incident_id: int | None = None) -> ReportDialog | None:
        view = self.window.incidents.view
        incident_id = incident_id or view.incident_id
        if incident_id is None:
            self.window.statusBar().showMessage(self.tr("Open an incident first (Ctrl+3)."), 6000)
            return None
        dialog = ReportDialog(self.window.kb, self.window.runner, incident_id, self.actor(), self.window)
        dialog.submitted.connect(lambda _report: self._library_changed(None, incident_id))
        dialog.message.connect(lambda text: self.window.statusBar().showMessage(text, 8000))
        dialog.lesson_requested.connect(lambda inc, rep: self.add_lesson(incident_id=inc, report_id=rep))
        dialog.open()
        self.dialog = dialog
        return dialog

    def add_lesson(self, playbook_id: str | None = None, step: int | None = None, *,
                   incident_id: int | None = None, report_id: int | None = None) -> LessonDialog:
        if self._on_incidents_tab():
            view = self.window.incidents.view
            incident_id = incident_id or view.incident_id
            panel = view.current_panel()
            if panel is not None and playbook_id is None:
                playbook_id = panel.playbook_id
                selected = panel.selected_step()
                step = selected.number if selected is not None else None
        playbook_id = playbook_id or self.window.reader.document_id
        dialog = LessonDialog(self.window.kb, self.window.runner, self.actor(), playbook_id=playbook_id, step=step,
                              incident_id=incident_id, report_id=report_id, parent=self.window)
        dialog.saved.connect(lambda lesson: self._library_changed(lesson.playbook_id, incident_id))
        dialog.propose_requested.connect(lambda pid, lesson_id, text: self.propose_change(pid, lesson_id, text))
        dialog.open()
        self.dialog = dialog
        return dialog

    def propose_change(self, playbook_id: str | None = None, lesson_id: int | None = None,
                       reason: str = "") -> ProposeChangeDialog | None:
        playbook_id = playbook_id or self.window.reader.document_id
        doc = self.window.kb.get(playbook_id or "")
        if doc is None or doc.kind not in ("playbook", "checklist"):
            self.window.statusBar().showMessage(self.tr("Open a playbook in the reader first."), 6000)
            return None
        dialog = ProposeChangeDialog(self.window.kb, self.window.runner, self.actor(), doc.id, lesson_id=lesson_id,
                                     reason=reason, parent=self.window)
        dialog.proposed.connect(lambda change: self.window.statusBar().showMessage(
            self.tr("Change #%1 proposed; it applies after review (Library ▸ Review Playbook Changes).")
            .replace("%1", str(change.id)), 10000))
        dialog.open()
        self.dialog = dialog
        return dialog

    def show_versions(self, playbook_id: str | None = None) -> VersionsDialog | None:
        playbook_id = playbook_id or self.window.reader.document_id
        doc = self.window.kb.get(playbook_id or "")
        if doc is None or doc.kind not in ("playbook", "checklist"):
            self.window.statusBar().showMessage(self.tr("Open a playbook in the reader first."), 6000)
            return None
        dialog = VersionsDialog(self.window.kb, self.window.runner, doc.id, self.window)
        dialog.open()
        self.dialog = dialog
        return dialog

    def review_changes(self) -> ReviewChangesDialog:
        dialog = ReviewChangesDialog(self.window.kb, self.window.runner, self.actor(), self.window)
        dialog.decided.connect(lambda change: self._library_changed(change.playbook_id, None))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _library_changed(self, playbook_id: str | None, incident_id: int | None) -> None:
        """Show what was just written: the reader re-renders, searches re-run, the incident reloads."""
        window = self.window
        if playbook_id and window.reader.document_id == playbook_id:
            window.show_document(playbook_id)
        window.search.refresh()
        if incident_id is not None and window.incidents.view.incident_id == incident_id:
            window.incidents.view.load(incident_id)
            window.incidents.reload_list()


def install_writeups(window) -> Writeups:
    return Writeups(window)
