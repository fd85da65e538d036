"""The Training menu and the "Drills & inspections" tab of the main window.

Drills and inspections run in the incident runner (IncidentView / PlaybookRunPanel) on a
page of their own: the incidents tab lists real incidents only, and a drill must never
be mistaken for one. The page is an IncidentsPage listing open drills and inspections,
with a drill panel (situation, facts revealed so far, Finish → score) or an inspection
bar (open an incident for a failed item, finish, report) above the runner. While a
drill is on screen the window title and the status bar say so.

``install_training(window)`` wires it all into a MainWindow without editing it. PDF
output (packs, reports) runs on the write lane, off the UI thread.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QWidget,
)

from kbapp.fsutil import atomic_write_text, safe_filename
from kbapp.gui.incidents_page import IncidentsPage
from kbapp.gui.training_dialogs import PackDialog, PickDialog, ScoreDialog, StartDrillDialog, StartInspectionDialog
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.render import sanitize_markdown

TRAINING_MODES = (itypes.MODE_DRILL, itypes.MODE_INSPECTION)
_LABEL_STYLE = "font-weight:bold;padding:1px 6px;"


def save_report(kb, kind: str, run_id: int, path: Path) -> Path:
    """Write a drill or inspection report to ``path``: PDF by suffix, else Markdown. Off the UI thread."""
    service = kb.training.drills if kind == itypes.MODE_DRILL else kb.training.inspections
    markdown = service.report_markdown(run_id)
    if Path(path).suffix.lower() == ".pdf":
        title = ("演练报告 Drill report" if kind == itypes.MODE_DRILL else "巡检结果及系统运行报告") + f" #{run_id}"
        from kbapp.gui.pdf import print_pdf

        print_pdf(path, markdown=markdown, title=title)
    else:
        atomic_write_text(Path(path), markdown)
    return Path(path)


# -- the page ----------------------------------------------------------------------------------

class TrainingPage(IncidentsPage):
    """Open drills and inspections on the left, the runner on the right."""

    drill_finished = Signal(int, object)  # drill id, Score
    inspection_finished = Signal(int)
    incident_opened = Signal(int)  # a failed inspection item became this incident
    shown = Signal(object)  # the incident now on screen (or None)
    LAST_SHOWN_KEY = "training/last"

    def __init__(self, kb, runner, settings, chinese: bool, parent=None):
        super().__init__(kb, runner, settings, chinese, parent)
        self.setObjectName("trainingPage")
        self.list_view.setObjectName("trainingList")
        self.empty.setText(self.tr("No drill or inspection running. Start one from the Training menu."))
        self.drill = None  # kbapp.training.drills.Drill on screen
        self.items: list = []  # the inspection's items (kbapp.training.inspections.ItemResult) on screen
        self.score_dialog: ScoreDialog | None = None
        self._build_drill_box()
        self._build_inspection_bar()
        self.view.loaded.connect(self._loaded)
        self.view.actor = self.actor_on_screen  # in a drill the trainee works the steps
        body = self.view.findChild(QSplitter, "incidentSplitter")
        if body is not None and settings.value(self.view.splitter_key) is None:
            body.setSizes([620, 380])  # the runner, with its item buttons, needs the room

    def _build_drill_box(self) -> None:
        self.drill_box = QWidget(self.view)
        self.drill_box.setObjectName("drillBox")
        self.situation = QTextBrowser(self.drill_box)
        self.situation.setObjectName("drillSituation")
        self.situation.setMaximumHeight(170)
        self.finish_drill_button = QPushButton(self.tr("Finish Drill and Score"), self.drill_box)
        self.finish_drill_button.setObjectName("finishDrillButton")
        self.finish_drill_button.clicked.connect(self.finish_drill)
        layout = QHBoxLayout(self.drill_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.situation, 1)
        layout.addWidget(self.finish_drill_button)
        self.drill_box.hide()
        self.view.layout().insertWidget(2, self.drill_box)  # under the banner and the title

    def _build_inspection_bar(self) -> None:
        self.inspection_bar = QWidget(self.view)
        self.inspection_bar.setObjectName("inspectionBar")
        self.open_incident_button = QPushButton(self.tr("Open Incident for Failed Item"), self.inspection_bar)
        self.open_incident_button.setObjectName("openIncidentButton")
        self.open_incident_button.clicked.connect(self.open_incident_for_selected)
        self.finish_inspection_button = QPushButton(self.tr("Finish Inspection"), self.inspection_bar)
        self.finish_inspection_button.setObjectName("finishInspectionButton")
        self.finish_inspection_button.clicked.connect(self.finish_inspection)
        self.inspection_summary = QLabel(self.inspection_bar)
        layout = QHBoxLayout(self.inspection_bar)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.inspection_summary, 1)
        layout.addWidget(self.open_incident_button)
        layout.addWidget(self.finish_inspection_button)
        self.inspection_bar.hide()
        self.view.layout().insertWidget(2, self.inspection_bar)

    # -- IncidentsPage, for drills and inspections -------------------------------------------------
    def reload_list(self, select_id: int | None = None, *, refresh: bool = False) -> None:
        if select_id is not None:
            self._select_after_reload = select_id
        self._refreshing = refresh and self._select_after_reload is None

        def read():
            runs = self.kb.incidents.list_incidents(open_only=True, mode=TRAINING_MODES)
            return [r for r in runs if lc.is_working(r.status)]  # a finished one has its report

        self._query_list(read)

    def _show_list(self, incidents) -> None:
        super()._show_list(incidents)
        if not incidents:
            self.shown.emit(None)

    # -- what is on screen -------------------------------------------------------------------------
    def _loaded(self, incident_id: int) -> None:
        incident = self.view.incident
        self.shown.emit(incident)
        self.drill_box.setVisible(incident is not None and incident.mode == itypes.MODE_DRILL)
        self.inspection_bar.setVisible(incident is not None and incident.mode == itypes.MODE_INSPECTION)
        if incident is None:
            return
        if incident.mode == itypes.MODE_DRILL:
            self.runner.query(lambda: self.kb.training.drills.get(incident_id), self._show_drill,
                              lambda exc: self.message.emit(str(exc)))
        elif incident.mode == itypes.MODE_INSPECTION:
            self.runner.query(lambda: self.kb.training.inspections.items(incident_id), self._show_items,
                              lambda exc: self.message.emit(str(exc)))

    def _show_drill(self, drill) -> None:
        if self.view.incident_id != drill.id:
            return
        self.drill = drill
        trainee_label, facts_label, situation_label = self.tr("Trainee:"), self.tr("Facts so far"), self.tr("Situation")
        parts = [f"<p><b>{html.escape(trainee_label)}</b> {html.escape(drill.trainee)}</p>"]
        facts = drill.revealed()
        if facts:
            # The newest fact first: it is what the trainee has to act on now.
            parts.append(f"<h4>{html.escape(facts_label)}</h4>")
            label = self.tr("Step %1")
            parts += [sanitize_markdown(f"▶ **{label.replace('%1', str(f.step))}**: {f.text}") for f in reversed(facts)]
        parts += [f"<h4>{html.escape(situation_label)}</h4>", sanitize_markdown(drill.scenario.situation)]
        self.situation.setHtml("\n".join(parts))
        self.finish_drill_button.setEnabled(lc.is_working(drill.incident.status))

    def actor_on_screen(self) -> str:
        """Who a step, note or copied command on screen is logged as: the trainee in a drill,
        else this desk's engineer (the inspector in an inspection)."""
        drill, incident = self.drill, self.view.incident
        if drill is not None and incident is not None and incident.id == drill.id and drill.trainee:
            return drill.trainee
        return self.kb.actor_name()

    def revealed_steps(self) -> list[int]:
        return [f.step for f in self.drill.revealed()] if self.drill is not None else []

    def _show_items(self, items) -> None:
        counts = {r: sum(1 for i in items if i.result == r) for r in itypes.INSPECTION_RESULTS}
        todo = sum(1 for i in items if i.result is None)
        self.items = items
        self.inspection_summary.setText(
            self.tr("Pass %1 · Fail %2 · N/A %3 · To do %4").replace("%1", str(counts[itypes.PASS]))
            .replace("%2", str(counts[itypes.FAIL])).replace("%3", str(counts[itypes.NA])).replace("%4", str(todo)))

    # -- actions ---------------------------------------------------------------------------------
    def start_drill(self, playbook_id: str, scenario: str, trainee: str, trainer: str = "") -> None:
        """``scenario``: a scenario card's id in the library or a file path. The trainer
        (default: this desk's engineer) starts and finishes it; the steps are the trainee's."""
        trainer = trainer.strip() or self.kb.actor_name()
        self.runner.write(lambda: self.kb.training.drills.start(playbook_id, scenario, trainee, trainer=trainer),
                          lambda incident: self.reload_list(select_id=incident.id),
                          lambda exc: self.message.emit(str(exc)))

    def start_inspection(self, checklist_id: str, inspector: str, title: str = "", customer: str = "",
                         system: str = "") -> None:
        actor = self.kb.actor_name()
        self.runner.write(lambda: self.kb.training.inspections.start(checklist_id, inspector=inspector or actor,
                                                                     title=title, actor=actor, customer=customer,
                                                                     system=system),
                          lambda incident: self.reload_list(select_id=incident.id),
                          lambda exc: self.message.emit(str(exc)))

    def finish_drill(self) -> None:
        incident = self.view.incident
        if incident is None or incident.mode != itypes.MODE_DRILL:
            return
        trainee = self.drill.trainee if self.drill else ""
        actor = (self.drill.trainer if self.drill else "") or self.kb.actor_name()

        def done(score) -> None:
            self.show_score(incident.id, trainee, score)
            self.drill_finished.emit(incident.id, score)
            self.reload_list()

        self.runner.write(lambda: self.kb.training.drills.finish(incident.id, actor=actor), done,
                          lambda exc: self.message.emit(str(exc)))

    def show_score(self, drill_id: int, trainee: str, score) -> ScoreDialog:
        dialog = ScoreDialog(drill_id, trainee, score, self)
        dialog.save_report.connect(lambda: self.ask_save_report(itypes.MODE_DRILL, drill_id, f"drill-{drill_id}-{trainee}"))
        self.score_dialog = dialog
        dialog.open()
        return dialog

    def finish_inspection(self) -> None:
        incident = self.view.incident
        if incident is None or incident.mode != itypes.MODE_INSPECTION:
            return
        actor = self.kb.actor_name()

        def done(_action) -> None:
            self.message.emit(self.tr("Inspection #%1 finished; its report is in Training ▸ Inspection Report…")
                              .replace("%1", str(incident.id)))
            self.inspection_finished.emit(incident.id)
            self.reload_list()

        self.runner.write(lambda: self.kb.training.inspections.finish(incident.id, actor=actor), done,
                          lambda exc: self.message.emit(str(exc)))

    def open_incident_for_selected(self) -> None:
        panel = self.view.current_panel()
        incident = self.view.incident
        step = panel.selected_step() if panel is not None else None
        if incident is None or incident.mode != itypes.MODE_INSPECTION or step is None:
            return
        self.open_incident(incident.id, step.number)

    def open_incident(self, inspection_id: int, item: int) -> None:
        actor = self.kb.actor_name()

        def done(new) -> None:
            self.message.emit(self.tr("Incident #%1 opened for item %2").replace("%1", str(new.id))
                              .replace("%2", str(item)))
            self.view.load(inspection_id)  # the follow-up action is in its log now
            self.incident_opened.emit(new.id)

        self.runner.write(lambda: self.kb.training.inspections.open_incident(inspection_id, item, actor=actor),
                          done, lambda exc: self.message.emit(str(exc)))

    def ask_save_report(self, kind: str, run_id: int, name: str, suffix: str = ".pdf") -> None:
        filters = "PDF (*.pdf);;Markdown (*.md)" if suffix == ".pdf" else "Markdown (*.md);;PDF (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save report"), safe_filename(name, suffix), filters)
        if path:
            self.save_report_to(kind, run_id, Path(path))

    def save_report_to(self, kind: str, run_id: int, path: Path) -> None:
        self.runner.write(lambda: save_report(self.kb, kind, run_id, path),
                          lambda saved: self.message.emit(self.tr("Report saved to %1").replace("%1", str(saved))),
                          lambda exc: self.message.emit(str(exc)))


# -- the menu ------------------------------------------------------------------------------------

class TrainingController(QObject):
    """Owns the Training menu's actions and keeps the window's title and status bar honest."""

    pack_written = Signal(str, int)  # path, pages

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.base_title = window.windowTitle()
        self.page = TrainingPage(window.kb, window.runner, window.settings, window.chinese, window)
        self.page.message.connect(lambda text: window.statusBar().showMessage(text, 10000))
        self.page.incident_opened.connect(self._show_incident)
        self.page.shown.connect(lambda _incident: self._update_mode())
        window.pages.addTab(self.page, self.tr("Drills && Inspections"))
        window.pages.currentChanged.connect(lambda _index: self._page_changed())
        self._listed = False
        self.mode_label = QLabel(window)
        self.mode_label.setObjectName("trainingModeLabel")
        self.mode_label.hide()
        window.statusBar().addPermanentWidget(self.mode_label)
        self.dialog = None
        menu = window.menuBar().addMenu(self.tr("&Training"))
        menu.setObjectName("trainingMenu")
        self.menu = menu
        self.start_drill_action = self._action(menu, self.tr("Start &Drill…"), self.start_drill_dialog, "startDrillAction")
        self.start_inspection_action = self._action(menu, self.tr("Start &Inspection…"), self.start_inspection_dialog,
                                                    "startInspectionAction")
        self.show_action = self._action(menu, self.tr("Show Drills && Inspections"), self.show_page, "showTrainingAction")
        menu.addSeparator()
        self.pack_action = self._action(menu, self.tr("Export Training &Pack…"), self.pack_dialog, "exportPackAction")
        menu.addSeparator()
        self.drill_report_action = self._action(menu, self.tr("Drill &Report…"),
                                                lambda: self.report_dialog(itypes.MODE_DRILL), "drillReportAction")
        self.inspection_report_action = self._action(menu, self.tr("Inspection R&eport…"),
                                                     lambda: self.report_dialog(itypes.MODE_INSPECTION),
                                                     "inspectionReportAction")

    def _action(self, menu, text: str, slot, name: str) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def show_page(self) -> None:
        self.window.pages.setCurrentWidget(self.page)

    def _page_changed(self) -> None:
        if self.window.pages.currentWidget() is self.page and not self._listed:
            # First visit: list what was left running, once the store is open (on the write
            # lane, where the window opens and migrates it).
            self._listed = True
            kb = self.window.kb
            self.window.runner.write(lambda: kb.store, lambda _store: self.page.reload_list(),
                                     lambda exc: self.window.statusBar().showMessage(str(exc), 10000))
        self._update_mode()

    def _update_mode(self) -> None:
        incident = self.page.view.incident if self.page.stack.currentWidget() is self.page.view else None
        on_page = self.window.pages.currentWidget() is self.page
        mode = incident.mode if incident is not None and on_page else None
        if mode == itypes.MODE_DRILL:
            self.window.setWindowTitle(f"{self.base_title} — {self.tr('演练 DRILL')}")
            self.mode_label.setText(self.tr("演练模式 DRILL MODE"))
            self.mode_label.setStyleSheet(f"background:#ff8f00;color:#000000;{_LABEL_STYLE}")
            self.mode_label.show()
        elif mode == itypes.MODE_INSPECTION:
            self.window.setWindowTitle(f"{self.base_title} — {self.tr('巡检 INSPECTION')}")
            self.mode_label.setText(self.tr("巡检 INSPECTION"))
            self.mode_label.setStyleSheet(f"background:#1565c0;color:#ffffff;{_LABEL_STYLE}")
            self.mode_label.show()
        else:
            self.window.setWindowTitle(self.base_title)
            self.mode_label.hide()

    def _show_incident(self, incident_id: int) -> None:
        self.window.incidents.reload_list(select_id=incident_id)
        self.window.show_incidents()

    # -- dialogs ---------------------------------------------------------------------------------
    def start_drill_dialog(self) -> StartDrillDialog:
        dialog = StartDrillDialog(self.window.kb, self.window.runner, self.window,
                                  trainer=self.window.kb.actor_name())
        dialog.accepted.connect(lambda: (self.show_page(), self.page.start_drill(**dialog.values())))
        return self._open(dialog)

    def start_inspection_dialog(self) -> StartInspectionDialog:
        dialog = StartInspectionDialog(self.window.kb, self.window.runner, self.window,
                                       inspector=self.window.kb.actor_name())
        dialog.accepted.connect(lambda: (self.show_page(), self.page.start_inspection(**dialog.values())))
        return self._open(dialog)

    def pack_dialog(self) -> PackDialog:
        dialog = PackDialog(self.window.kb, self.window.runner, self.window)

        def chosen() -> None:
            path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export training pack"), "training-pack.pdf",
                                                  "PDF (*.pdf)")
            if path:
                self.export_pack(Path(path), dialog.chosen(), dialog.lessons.isChecked(), dialog.title.text(),
                                 dialog.trainer.text())

        dialog.accepted.connect(chosen)
        return self._open(dialog)

    def export_pack(self, path: Path, playbook_ids: list[str], lessons: bool = False, title: str = "",
                    trainer: str = "") -> None:
        from kbapp.training.packs import PACK_TITLE

        kb, title = self.window.kb, title.strip() or PACK_TITLE

        def work() -> int:
            sections = kb.training.pack(playbook_ids, include_lessons=lessons, title=title, trainer=trainer.strip())
            from kbapp.gui.pdf import print_pdf

            return print_pdf(path, sections=sections, title=title)

        def done(pages: int) -> None:
            self.window.statusBar().showMessage(self.tr("Training pack saved to %1 (%2 pages)")
                                                .replace("%1", str(path)).replace("%2", str(pages)), 10000)
            self.pack_written.emit(str(path), pages)

        self.window.runner.write(work, done, lambda exc: QMessageBox.warning(self.window, self.tr("Training pack"),
                                                                             str(exc)))

    def report_dialog(self, kind: str) -> PickDialog:
        kb = self.window.kb

        def fetch():  # on the read pool
            return (kb.training.drills if kind == itypes.MODE_DRILL else kb.training.inspections).list()

        title = self.tr("Drill report") if kind == itypes.MODE_DRILL else self.tr("Inspection report")
        dialog = PickDialog(self.window.runner, fetch, title, self.window)

        def chosen() -> None:
            run_id, fmt = dialog.chosen()
            if run_id is not None:
                self.page.ask_save_report(kind, run_id, f"{kind}-{run_id}", ".pdf" if fmt == "pdf" else ".md")

        dialog.accepted.connect(chosen)
        return self._open(dialog)

    def _open(self, dialog):
        self.dialog = dialog
        dialog.open()
        return dialog


def install_training(window) -> TrainingController:
    """Add the Training menu and the drills & inspections tab to a MainWindow.

    Call once, at the end of MainWindow.__init__: ``self.training = install_training(self)``.
    """
    controller = TrainingController(window)
    window.training = controller
    return controller
