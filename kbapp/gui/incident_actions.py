"""The Incident menu and its keys, the deadline watcher and its banner, for a MainWindow.

The step keys act on the run view on screen, whichever page shows it: the incidents
tab, or the drills & inspections tab (kbapp.gui.training), so Ctrl+Enter marks a
drill's step done as it does an incident's.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence

from kbapp.gui.deadline_watch import DeadlineBanner, DeadlineWatch


class IncidentActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = w = window
        page = w.incidents
        act = w._action
        w.new_incident_action = act(self.tr("&New Incident…"), lambda: page.new_incident(),
                                    (QKeySequence.StandardKey.New, "Ctrl+N"), "newIncidentAction")
        w.incident_from_playbook_action = act(
            self.tr("New Incident with This &Playbook…"), lambda: page.new_incident(w.reader.document_id),
            ("Ctrl+Shift+N",), "incidentFromPlaybookAction")
        w.show_incidents_action = act(self.tr("Show &Incidents"), w.show_incidents, ("Ctrl+3",), "showIncidentsAction")
        w.step_done_action = act(self.tr("Step &Done"), lambda: self.record_step("done"),
                                 ("Ctrl+Return", "Ctrl+Enter"), "stepDoneAction")
        w.step_skip_action = act(self.tr("Step &Skipped"), lambda: self.record_step("skipped"), ("Ctrl+Alt+S",),
                                 "stepSkipAction")
        w.step_fail_action = act(self.tr("Step &Failed"), lambda: self.record_step("failed"), ("Ctrl+Alt+F",),
                                 "stepFailAction")
        w.log_note_action = act(self.tr("&Log a Note"), self.focus_note, ("Ctrl+L",), "logNoteAction")
        w.ack_action = act(self.tr("&Acknowledge (响应)"), page.acknowledge, ("Ctrl+Shift+A",), "acknowledgeAction")
        w.escalate_action = act(self.tr("Escalate &Now"), page.escalate_now, ("Ctrl+Shift+E",), "escalateAction")
        w.plan_action = act(self.tr("Record &Plan…"), page.record_plan, (), "planAction")
        w.resolve_action = act(self.tr("&Resolve…"), page.resolve, (), "resolveAction")
        w.level_action = act(self.tr("Change &Level…"), page.change_level, (), "levelAction")
        w.notified_action = act(self.tr("Correct Notification &Time…"), page.correct_notified_at, (),
                                "notifiedAtAction")
        w.export_timeline_action = act(self.tr("&Export Timeline…"), page.export_timeline, ("Ctrl+E",),
                                       "exportTimelineAction")
        w.chain_action = act(self.tr("Escalation &Chain…"), page.edit_chain, (), "chainAction")
        w.copy_command_action = act(self.tr("&Copy the Step's Command"), self.copy_command, ("Ctrl+Shift+C",),
                                    "copyCommandAction")
        w.timeline_search_action = act(self.tr("Search the &Timeline"), self.focus_timeline_search,
                                       ("Ctrl+Shift+T",), "timelineSearchAction")
        # Alt+1 … Alt+9: the decisions of the step on screen, in the order the playbook lists them.
        w.decision_actions = [act(self.tr("Decision %1").replace("%1", str(n)), lambda _c=False, n=n: self.decide(n),
                                  (f"Alt+{n}",), f"decisionAction{n}") for n in range(1, 10)]

    def fill_menu(self, menu) -> None:
        w = self.window
        menu.addActions([w.new_incident_action, w.incident_from_playbook_action, w.show_incidents_action])
        menu.addSeparator()
        menu.addActions([w.ack_action, w.step_done_action, w.step_skip_action, w.step_fail_action,
                         w.copy_command_action, w.log_note_action, w.timeline_search_action, w.plan_action])
        decisions = menu.addMenu(self.tr("&Decisions"))
        decisions.addActions(w.decision_actions)
        menu.addMenu(w.incidents.status_menu(menu))
        menu.addActions([w.resolve_action, w.level_action, w.notified_action, w.export_timeline_action])
        menu.addSeparator()
        menu.addActions([w.escalate_action, w.chain_action])

    # -- the run view on screen --------------------------------------------------------------------
    def current_page(self):
        """The incidents page or the drills & inspections page, when one of them is on screen."""
        w = self.window
        current = w.pages.currentWidget()
        training = getattr(getattr(w, "training", None), "page", None)
        return current if current is w.incidents or (training is not None and current is training) else None

    def record_step(self, result: str) -> None:
        page = self.current_page()
        panel = page.view.current_panel() if page is not None else None
        if panel is not None:
            panel.record(result)

    def _panel(self):
        page = self.current_page()
        return page.view.current_panel() if page is not None else None

    def copy_command(self) -> None:
        panel = self._panel()
        if panel is not None and not panel.copy_command(0):
            self.window.statusBar().showMessage(self.tr("This step has no command to copy."), 4000)

    def decide(self, n: int) -> None:
        panel = self._panel()
        if panel is not None and not panel.decide(n):
            self.window.statusBar().showMessage(self.tr("This step has no decision %1.").replace("%1", str(n)), 4000)

    def focus_timeline_search(self) -> None:
        page = self.current_page()
        if page is not None:
            page.view.focus_timeline_search()

    def focus_note(self) -> None:
        page = self.current_page()
        if page is None:
            self.window.show_incidents()
            page = self.window.incidents
        page.view.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- the watcher -----------------------------------------------------------------------------------
    def install_watch(self, banner_layout) -> None:
        """Watch every open incident from now on; the banner goes at the top of ``banner_layout``."""
        w = self.window
        self.watch = DeadlineWatch(w.kb, w.runner, lambda: w.incidents.clock(), w.chinese, self)
        self.banner = DeadlineBanner(w.chinese, w)
        banner_layout.insertWidget(0, self.banner)
        self.watch.passed.connect(self._pass_done)
        self.watch.alert.connect(lambda title, text: w.statusBar().showMessage(f"{title} — {text}", 15000))
        self.watch.failed.connect(lambda text: w.statusBar().showMessage(text, 10000))
        self.banner.open_incident.connect(self.open_incident)
        w.incidents.escalated.connect(lambda _done: self.watch.run_now())  # send it now, not in a minute
        w.watch = self.watch
        w.deadline_banner = self.banner

    def _pass_done(self, result) -> None:
        self.banner.show_pass(result)  # (an escalation's incident reloads with the pass's OpChanges)
        for warning in result.warnings:
            self.window.statusBar().showMessage(warning, 15000)

    def open_incident(self, incident_id: int) -> None:
        self.window.show_incidents()
        self.window.incidents.reload_list(select_id=incident_id)
