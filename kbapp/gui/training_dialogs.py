"""Dialogs of the Training menu: start a drill or an inspection, choose playbooks for a
training pack, pick a drill or inspection for its report, and the drill's score.

Lists are read through the window's OperationRunner (never on the UI thread); each
dialog emits ``ready`` once its lists are filled, so tests and users never act on an
empty form.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from kbapp.gui.customer_fields import CustomerFields
from kbapp.gui.validation import recheck_on_edit, show_problem
from kbapp.model import KIND_CHECKLIST, KIND_PLAYBOOK

ERROR_STYLE = "color:#b71c1c;"


class _Dialog(QDialog):
    ready = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.loaded = False
        self.error = QLabel(self)
        self.error.setObjectName("trainingDialogError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _loaded(self) -> None:
        self.loaded = True
        self.ready.emit()

    def fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def problem(self) -> str:
        """What stops the form from being accepted now ("" when nothing); cheap."""
        return ""

    def watch(self, *widgets) -> None:
        """Check the form again as these are edited: a message goes once it is fixed."""
        recheck_on_edit(self.error, widgets, self.problem)

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            show_problem(self.error, problem)
        else:
            super().accept()


class StartDrillDialog(_Dialog):
    """Playbook, scenario card (from the library, or a file) and the trainee's name."""

    def __init__(self, kb, runner, parent=None, trainee: str = "", trainer: str = ""):
        super().__init__(parent)
        self.setObjectName("startDrillDialog")
        self.setWindowTitle(self.tr("Start drill"))
        self.resize(560, 240)
        self.kb, self.runner = kb, runner
        self.playbook = QComboBox(self)
        self.playbook.setObjectName("drillPlaybook")
        self.scenario = QComboBox(self)
        self.scenario.setObjectName("drillScenario")
        self.browse = QPushButton(self.tr("Browse…"), self)
        self.browse.clicked.connect(self._browse)
        self.trainee = QLineEdit(trainee, self)
        self.trainee.setObjectName("drillTrainee")
        self.trainee.setPlaceholderText(self.tr("Who is being trained"))
        self.trainer = QLineEdit(trainer, self)  # named apart from the trainee, who works the steps
        self.trainer.setObjectName("drillTrainer")
        self.trainer.setPlaceholderText(self.tr("Who runs the drill"))
        self._cards: dict[str, list[tuple[str, str]]] = {}  # playbook -> [(label, card id or path)]
        row = QHBoxLayout()
        row.addWidget(self.scenario, 1)
        row.addWidget(self.browse)
        form = QFormLayout(self)
        form.addRow(self.tr("Playbook:"), self.playbook)
        form.addRow(self.tr("Scenario card:"), row)
        form.addRow(self.tr("Trainee:"), self.trainee)
        form.addRow(self.tr("Trainer:"), self.trainer)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.playbook.currentIndexChanged.connect(self._fill_scenarios)
        self.watch(self.playbook, self.scenario, self.trainee)

        def read():
            docs = [d for d in kb.documents() if d.kind == KIND_PLAYBOOK]
            cards = [(str(c.meta.get("playbook") or ""), c.display_title, c.id) for c in kb.training.drills.scenarios()]
            return sorted(((d.id, d.display_title) for d in docs), key=lambda x: x[0]), cards

        runner.query(read, self._show, lambda exc: self.fail(str(exc)))

    def _show(self, data) -> None:
        playbooks, cards = data
        for playbook, label, card in cards:
            self._cards.setdefault(playbook, []).append((label, card))
        self.playbook.blockSignals(True)
        # Playbooks with a scenario card first: they are the ones a drill can start from at once.
        for pid, title in sorted(playbooks, key=lambda p: (p[0] not in self._cards, p[0])):
            self.playbook.addItem(f"{title} ({pid})", pid)
        self.playbook.blockSignals(False)
        self._fill_scenarios()
        self._loaded()

    def _fill_scenarios(self) -> None:
        self.scenario.clear()
        for label, card in self._cards.get(self.playbook.currentData() or "", []):
            self.scenario.addItem(label, card)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Scenario card"), "", "Markdown (*.md)")
        if path:
            self.add_scenario_file(path)

    def add_scenario_file(self, path: str) -> None:
        self.scenario.addItem(Path(path).name, path)
        self.scenario.setCurrentIndex(self.scenario.count() - 1)

    def select_playbook(self, playbook_id: str) -> None:
        index = self.playbook.findData(playbook_id)
        if index >= 0:
            self.playbook.setCurrentIndex(index)

    def values(self) -> dict:
        return {"playbook_id": self.playbook.currentData(), "scenario": self.scenario.currentData(),
                "trainee": self.trainee.text().strip(), "trainer": self.trainer.text().strip()}

    def problem(self) -> str:
        values = self.values()
        if not values["playbook_id"] or not values["scenario"]:
            return self.tr("Choose a playbook and a scenario card for it.")
        if not values["trainee"]:
            return self.tr("Enter the trainee's name.")
        return ""


class StartInspectionDialog(_Dialog):
    def __init__(self, kb, runner, parent=None, inspector: str = ""):
        super().__init__(parent)
        self.setObjectName("startInspectionDialog")
        self.setWindowTitle(self.tr("Start inspection"))
        self.checklist = QComboBox(self)
        self.checklist.setObjectName("inspectionChecklist")
        self.inspector = QLineEdit(inspector, self)
        self.inspector.setObjectName("inspectionInspector")
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("Optional, e.g. the site"))
        self.customer_fields = CustomerFields(kb, runner, self)
        form = QFormLayout(self)
        form.addRow(self.tr("Checklist:"), self.checklist)
        form.addRow(self.tr("Inspector:"), self.inspector)
        form.addRow(self.tr("Customer:"), self.customer_fields.customer)
        form.addRow(self.tr("System:"), self.customer_fields.system)
        form.addRow(self.tr("Title:"), self.title)
        form.addRow(self.error)
        form.addRow(self.buttons)
        runner.query(lambda: [(d.id, d.display_title) for d in kb.training.inspections.checklists()], self._show,
                     lambda exc: self.fail(str(exc)))

    def _show(self, checklists) -> None:
        for cid, title in checklists:
            self.checklist.addItem(f"{title} ({cid})", cid)
        self._loaded()

    def values(self) -> dict:
        return {"checklist_id": self.checklist.currentData(), "inspector": self.inspector.text().strip(),
                "title": self.title.text().strip(), **self.customer_fields.values()}

    def problem(self) -> str:
        return "" if self.checklist.currentData() else self.tr("There is no inspection checklist in the library.")


class PackDialog(_Dialog):
    """Tick the playbooks for the pack; order is the list's order."""

    def __init__(self, kb, runner, parent=None):
        super().__init__(parent)
        self.setObjectName("packDialog")
        self.setWindowTitle(self.tr("Export training pack"))
        self.resize(560, 520)
        self.list = QListWidget(self)
        self.list.setObjectName("packPlaybooks")
        self.lessons = QCheckBox(self.tr("Include lessons learnt"), self)
        self.lessons.setObjectName("packLessons")
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("培训资料 Training pack"))
        self.trainer = QLineEdit(kb.engineer.name if kb.engineer is not None else "", self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Playbooks in the pack:"), self))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.lessons)
        form = QFormLayout()
        form.addRow(self.tr("Cover title:"), self.title)
        form.addRow(self.tr("Trainer:"), self.trainer)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.watch(self.list)
        runner.query(lambda: sorted((d.id, d.display_title) for d in kb.documents()
                                    if d.kind in (KIND_PLAYBOOK, KIND_CHECKLIST)),
                     self._show, lambda exc: self.fail(str(exc)))

    def _show(self, playbooks) -> None:
        for pid, title in playbooks:
            item = QListWidgetItem(f"{title} ({pid})", self.list)
            item.setData(Qt.ItemDataRole.UserRole, pid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self._loaded()

    def set_checked(self, playbook_ids: list[str]) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            wanted = item.data(Qt.ItemDataRole.UserRole) in playbook_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def chosen(self) -> list[str]:
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())
                if self.list.item(r).checkState() == Qt.CheckState.Checked]

    def problem(self) -> str:
        return "" if self.chosen() else self.tr("Tick at least one playbook.")


class PickDialog(_Dialog):
    """Choose a drill or an inspection (newest first) and the report format."""

    def __init__(self, runner, fetch, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("pickTrainingDialog")
        self.setWindowTitle(title)
        self.resize(520, 420)
        self.list = QListWidget(self)
        self.list.setObjectName("trainingRuns")
        self.format = QComboBox(self)
        self.format.addItem(self.tr("PDF"), "pdf")
        self.format.addItem(self.tr("Markdown"), "md")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        form = QFormLayout()
        form.addRow(self.tr("Format:"), self.format)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        runner.query(fetch, self._show, lambda exc: self.fail(str(exc)))

    def _show(self, incidents) -> None:
        for incident in incidents:
            item = QListWidgetItem(f"#{incident.id} {incident.title} — {incident.responsible or incident.created_by}",
                                   self.list)
            item.setData(Qt.ItemDataRole.UserRole, incident.id)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._loaded()

    def chosen(self) -> tuple[int | None, str]:
        item = self.list.currentItem()
        return (item.data(Qt.ItemDataRole.UserRole) if item else None), self.format.currentData()

    def problem(self) -> str:
        return "" if self.chosen()[0] is not None else self.tr("Nothing to report on yet.")


class ScoreDialog(QDialog):
    """What the trainee sees at the end: the score and where it came from."""

    save_report = Signal()

    def __init__(self, drill_id: int, trainee: str, score, parent=None):
        super().__init__(parent)
        self.setObjectName("drillScoreDialog")
        self.setWindowTitle(self.tr("Drill #%1 — score").replace("%1", str(drill_id)))
        self.resize(560, 460)
        self.score = score
        self.total_label = QLabel(f"{score.total} / 100", self)
        self.total_label.setObjectName("drillScoreTotal")
        self.total_label.setStyleSheet("font-size:28px;font-weight:bold;")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        details = QTextBrowser(self)
        details.setObjectName("drillScoreDetails")
        details.setHtml(self.details_html(trainee))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        report = buttons.addButton(self.tr("Save Report…"), QDialogButtonBox.ButtonRole.ActionRole)
        report.clicked.connect(self.save_report)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("演练 DRILL — score"), self))
        layout.addWidget(self.total_label)
        layout.addWidget(details, 1)
        layout.addWidget(buttons)

    def details_html(self, trainee: str) -> str:
        """The breakdown: points per part, each wrong turn, each step over its target."""
        score = self.score
        e = html.escape
        rows = [
            (self.tr("Order"), f"{score.order_points} / 40",
             self.tr("%1 of %2 expected steps in order").replace("%1", str(score.in_order))
             .replace("%2", str(len(score.expected_path)))
             + (self.tr("; %1 step(s) off the path").replace("%1", str(len(score.extra))) if score.extra else "")),
            (self.tr("Decisions"), f"{score.decision_points} / 30",
             self.tr("%1 wrong turn(s)").replace("%1", str(len(score.wrong_turns)))),
            (self.tr("Time"), f"{score.time_points} / 30",
             self.tr("%1 of %2 timed steps within target").replace("%1", str(score.on_time)).replace("%2", str(score.timed))),
        ]
        trainee_label = self.tr("Trainee:")
        out = [f"<p><b>{e(trainee_label)}</b> {e(trainee)}</p><table border='1' cellpadding='4' cellspacing='0'>"]
        out += [f"<tr><td>{e(a)}</td><td>{e(b)}</td><td>{e(c)}</td></tr>" for a, b, c in rows]
        out.append("</table>")
        for w in score.wrong_turns:
            out.append("<p>✗ " + e(self.tr("Step %1: went to step %2, the expected path goes to step %3")
                                    .replace("%1", str(w.step)).replace("%2", str(w.taken or "—"))
                                    .replace("%3", str(w.expected or "—"))) + "</p>")
        over = [s for s in score.steps if s.on_time is False]
        for s in over:
            out.append("<p>⏱ " + e(self.tr("Step %1 took %2 min; target %3 min").replace("%1", str(s.step))
                                    .replace("%2", f"{s.seconds / 60:.1f}").replace("%3", f"{s.target_minutes:g}"))
                       + "</p>")
        if score.missed:
            out.append("<p>" + e(self.tr("Missed steps: %1").replace("%1", ", ".join(map(str, score.missed)))) + "</p>")
        return "".join(out)
