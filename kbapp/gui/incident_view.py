"""The run view of one incident: the header (kbapp.gui.run_header) with live deadline
countdowns, the playbooks' step runs (kbapp.gui.playbook_run_panel), the timeline
(kbapp.gui.timeline_panel), and the note field, always in sight at the bottom. Reads
and writes go through the OperationRunner. The splitters' positions are kept in the
settings, so the layout is the same after a restart."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QSplitter, QTabWidget, QVBoxLayout, QWidget

from kbapp.gui.incident_models import TimelineModel, pick
from kbapp.gui.playbook_run_panel import PlaybookRunPanel
from kbapp.gui.run_header import LEVEL_NAMES, RunHeader
from kbapp.gui.timeline_panel import TimelinePanel
from kbapp.incidents import deadlines as dl
from kbapp.incidents import types as itypes
from kbapp.incidents.deadline_log import deadlines_at
from kbapp.incidents.errors import IncidentError
from kbapp.model import LEVELS


class IncidentView(QWidget):
    loaded = Signal(int)  # the incident's state is on screen (after a load or a write)
    changed = Signal(int)  # a write to the incident was committed
    failed = Signal(str)
    queued_offline = Signal(object)  # kbapp.offline.Queued: the server was unreachable, the write waits

    def __init__(self, kb, runner, clock, actor, chinese: bool, parent=None, settings=None,
                 state_key: str = "incidents"):
        super().__init__(parent)
        self.kb, self.runner, self.clock, self.actor, self.chinese = kb, runner, clock, actor, chinese
        self.settings, self.splitter_key = settings, f"{state_key}/run_splitter"
        self.incident: itypes.Incident | None = None
        self.chain = None
        self.records = []  # the deadlines as replayed from the log; tick() evaluates them
        self.deadlines: list[dl.Deadline] = []
        # Drills and inspections run here too; the banner says so on every screen of them.
        self.mode_banner = QLabel(self)
        self.mode_banner.setObjectName("modeBanner")
        self.mode_banner.setWordWrap(True)
        self.mode_banner.hide()
        self.header = RunHeader(chinese, self)
        self.header.acknowledge_requested.connect(self.acknowledge)
        self.escalation_label = self.header.escalation
        self.chip_labels = self.header.chip_labels
        # Conflicting moves desks made offline (kbapp.incidents.merge), until a person settles them.
        self.settle_banner = QLabel(self)
        self.settle_banner.setObjectName("settleBanner")
        self.settle_banner.setWordWrap(True)
        self.settle_banner.setStyleSheet("background:#fff3e0;color:#e65100;padding:4px;")
        self.settle_banner.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("incidentError")
        self.error_label.setStyleSheet("color:#b71c1c;")
        self.error_label.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("playbookTabs")
        self.timeline_model = TimelineModel(chinese, self)
        self.timeline_panel = TimelinePanel(self.timeline_model, chinese, self)
        self.timeline = self.timeline_panel.view
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("incidentNote")
        self.note_edit.setPlaceholderText(self.tr("Type a note and press Enter to log it (Ctrl+L)"))
        self.note_edit.returnPressed.connect(self.log_note)
        self.body = body = QSplitter(Qt.Orientation.Horizontal, self)
        body.setObjectName("incidentSplitter")
        body.addWidget(self.tabs)
        body.addWidget(self.timeline_panel)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 1)
        body.setChildrenCollapsible(False)
        state = settings.value(self.splitter_key) if settings is not None else None
        if state is None or not body.restoreState(state):
            body.setSizes([760, 320])
        body.splitterMoved.connect(lambda *_: self.save_layout())
        layout = QVBoxLayout(self)
        layout.addWidget(self.mode_banner)
        layout.addWidget(self.header)
        layout.addWidget(self.settle_banner)
        layout.addWidget(self.error_label)
        layout.addWidget(body, 1)
        layout.addWidget(self.note_edit)
        self.error_label.hide()
        # Every committed write, here, elsewhere in the window or in another process
        # (kbapp.gui.change_watch), reloads this incident if it touched it; nothing else does.
        runner.changed.connect(self.apply_changes)

    def apply_changes(self, changes) -> None:
        """Reload the incident on screen, in one read, if ``changes`` (OpChanges) touched it.
        What the engineer is typing (the note, a step's note) is left as it is."""
        if self.incident_id is not None and changes.incident(self.incident_id):
            self.load(self.incident_id)

    # -- loading --------------------------------------------------------------------------------
    @property
    def incident_id(self) -> int | None:
        return self.incident.id if self.incident else None

    def load(self, incident_id: int) -> None:
        """Read the incident off the UI thread; only the newest load is shown (reads run
        two at a time and may finish out of order: an older one must not undo a newer)."""
        kb = self.kb
        self._load_seq = seq = getattr(self, "_load_seq", 0) + 1

        shown = self.incident
        uid = shown.uid if shown is not None and shown.id == incident_id and shown.pending else None

        def read():
            service = kb.desk_incidents  # on the read pool, never the UI thread; offline: the desk's copy
            try:
                state = service.state(incident_id)  # one read transaction: the parts never mix two states
            except IncidentError:
                if uid is None:
                    raise
                state = service.state(service.number_of(uid))  # started offline, numbered since
            return state.incident, state.runs, state.actions, service.chain(), state.deadline_records

        def show(state) -> None:
            if seq == self._load_seq:
                self._show(state)

        self.runner.query(read, show, lambda exc: self.failed.emit(str(exc)))

    def _show(self, state) -> None:
        incident, runs, actions, chain, records = state
        switching = self.incident is None or self.incident.id != incident.id
        self.incident, self.chain, self.records = incident, chain, records
        self._last_escalation = next((a for a in reversed(actions) if a.kind == itypes.ESCALATION
                                      and a.payload.get("to")), None)
        self.header.set_incident(incident)
        self._show_mode(incident.mode)
        self._show_playbook_runs(runs, switching)
        if switching:
            self.timeline_model.beginResetModel()
            self.timeline_model.actions = []
            self.timeline_model.endResetModel()
        self.timeline_model.set_actions(actions)
        self._show_conflicts(actions)
        self.tick()
        self.loaded.emit(incident.id)

    def _show_conflicts(self, actions) -> None:
        from kbapp.incidents.merge import unsettled

        flags = unsettled(actions)
        if flags:
            text = self.tr("⚠ Needs settling: %n conflicting move(s) made offline; decide what stands and "
                           "settle it (kbapp incident settle)", "", len(flags))
            self.settle_banner.setText(text + "\n" + "\n".join(f"#{a.id} {a.actor}: {a.details}" for a in flags))
        self.settle_banner.setVisible(bool(flags))

    def _show_mode(self, mode: str) -> None:
        if mode == itypes.MODE_DRILL:
            text, style = self.tr("演练 DRILL — not a real incident"), "background:#ff8f00;color:#000000;"
        elif mode == itypes.MODE_INSPECTION:
            text = self.tr("巡检 INSPECTION — routine check, not an incident")
            style = "background:#1565c0;color:#ffffff;"
        else:
            self.mode_banner.hide()
            return
        self.mode_banner.setText(text)
        self.mode_banner.setStyleSheet(f"{style} font-size:16px; font-weight:bold; padding:6px;")
        self.mode_banner.show()

    def _show_playbook_runs(self, runs: list[itypes.PlaybookRun], rebuild: bool) -> None:
        panels = [self.tabs.widget(i) for i in range(self.tabs.count())]
        if rebuild or [p.playbook_id for p in panels] != [r.playbook_id for r in runs]:
            while self.tabs.count():
                widget = self.tabs.widget(0)
                self.tabs.removeTab(0)
                widget.deleteLater()
            panels = []
            for state in runs:
                panel = PlaybookRunPanel(self.clock, self.chinese, self, settings=self.settings)
                panel.step_result.connect(self._record_step)
                panel.command_copied.connect(self._copy_command)
                panel.item_result.connect(self._record_item)
                self.tabs.addTab(panel, f"{state.title} {state.title_en}".strip())
                panels.append(panel)
        incident = self.incident
        for panel, state in zip(panels, runs, strict=True):
            panel.set_inspection(incident is not None and incident.mode == itypes.MODE_INSPECTION)
            panel.set_emergency_plan_offered(incident is not None and incident.mode == itypes.MODE_INCIDENT
                                             and incident.level == "I" and incident.emergency_plan_at is None)
            panel.set_state(state)

    def current_panel(self) -> PlaybookRunPanel | None:
        return self.tabs.currentWidget()

    def save_layout(self) -> None:
        if self.settings is not None:
            self.settings.setValue(self.splitter_key, self.body.saveState())
            panel = self.current_panel()
            if panel is not None:
                panel.save_layout()

    def focus_timeline_search(self) -> None:
        self.timeline_panel.focus_search()

    # -- writing ------------------------------------------------------------------------------------
    def _write(self, fn, offline: tuple[str, dict] | None = None) -> None:
        """``fn`` on the write lane; ``offline`` (an outbox operation and its arguments): with
        the team's server unreachable it is queued on this desk instead (kbapp.offline)."""
        incident_id = self.incident_id
        self.error_label.hide()
        if self.kb.shares_database:  # local first: offline, made on this desk's copy and queued
            call = fn

            def fn():
                incidents = self.kb.desk_incidents
                before = len(incidents.queued)
                result = call()
                return incidents.queued[-1] if len(incidents.queued) > before else result

        def done(result) -> None:
            from kbapp.offline import Queued

            if isinstance(result, Queued):
                self.queued_offline.emit(result)
                self.error_label.setText(self.tr("Offline: kept on this desk; it is sent when the server answers"))
                self.error_label.show()
                return
            self.changed.emit(incident_id)  # the reload follows with the write's OpChanges

        def failed(exc) -> None:
            self.error_label.setText(str(exc))
            self.error_label.show()
            self.failed.emit(str(exc))

        self.runner.write(fn, done, failed)

    def _record_step(self, playbook_id: str, number: int, result: str, note: str, goto,
                     emergency: bool = False) -> None:
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.step(incident_id, number, result, note=note, playbook_id=playbook_id,
                                                   goto=goto, actor=actor, emergency_plan=emergency),
                    ("step", {"step": number, "result": result, "note": note, "playbook": playbook_id,
                              "goto": goto, "emergency_plan": emergency, "actor": actor}))

    def _record_item(self, playbook_id: str, number: int, result: str, note: str, value: str) -> None:
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.step(incident_id, number, result, note=note, playbook_id=playbook_id,
                                                   value=value, actor=actor))

    def _copy_command(self, playbook_id: str, number: int, index: int, command: str) -> None:
        QGuiApplication.clipboard().setText(command)
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.copy_command(incident_id, number, index, playbook_id=playbook_id,
                                                           actor=actor))

    def log_note(self) -> None:
        text = self.note_edit.text().strip()
        if not text or self.incident is None:
            return
        incident_id, actor = self.incident_id, self.actor()
        self.note_edit.clear()
        self._write(lambda: self.kb.desk_incidents.note(incident_id, text, actor=actor),
                    ("note", {"text": text, "actor": actor}))

    def set_status(self, status: str, note: str = "") -> None:
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.set_status(incident_id, status, note=note, actor=actor),
                    ("status", {"status": status, "note": note, "actor": actor}))

    def resolve(self, summary: str) -> None:
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.resolve(incident_id, summary, actor=actor),
                    ("resolve", {"summary": summary, "actor": actor}))

    def change_level(self, level: str, reason: str = "") -> None:
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.change_level(incident_id, level, reason=reason, actor=actor))

    def record_plan(self, text: str, emergency: bool = False) -> None:
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.record_plan(incident_id, text, emergency=emergency, actor=actor))

    def acknowledge(self, note: str = "") -> None:
        """响应: the engineer has it. The first one meets the response deadline."""
        if self.incident is None or self.incident.mode != itypes.MODE_INCIDENT:
            return
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.acknowledge(incident_id, note=note, actor=actor))

    def correct_notified_at(self, when, reason: str) -> None:
        incident_id, actor = self.incident_id, self.actor()
        self._write(lambda: self.kb.desk_incidents.correct_notified_at(incident_id, when, reason, actor=actor))

    # -- deadlines ------------------------------------------------------------------------------------
    def tick(self) -> None:
        """Once a second: countdowns and step timers (escalation itself is the watcher's)."""
        if self.incident is None:
            return
        panel = self.current_panel()
        if panel is not None:
            panel.model.tick()
        if self.incident.mode != itypes.MODE_INCIDENT:
            # Drills and inspections have no deadlines and nobody is escalated to.
            self.deadlines = []
            self._update_chips()
            self.header.set_escalation("")
            return
        self.deadlines = deadlines_at(self.records, self.clock())
        self._update_chips()
        self._update_escalation()

    def _update_chips(self) -> None:
        self.header.set_deadlines(self.deadlines)

    def deadline_state(self, key: str) -> str | None:
        label = self.chip_labels.get(key)
        return label.property("state") if label is not None else None

    def _update_escalation(self) -> None:
        last = getattr(self, "_last_escalation", None)
        if last is None:
            self.header.set_escalation("")
            return
        p = last.payload
        self.header.set_escalation(self.tr("Escalated to %1 (%2, %3)").replace("%1", p.get("to", "")).replace(
            "%2", p.get("role") or "—").replace("%3", p.get("phone") or "—"))


def level_choices(chinese: bool) -> list[tuple[str, str]]:
    return [(f"{lv} {pick(LEVEL_NAMES[lv], chinese)}", lv) for lv in LEVELS]
