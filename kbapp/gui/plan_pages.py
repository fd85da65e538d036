"""The service plan's duties in the window: the change requests tab, the visits and
inspections tab, and the notice of follow-up visits and inspections due or overdue.

The notice is a banner above the tabs (and a status-bar message) filled each time the
visits page loads: on start, after every change made there, and every quarter of an
hour, so an occurrence that falls overdue at midnight shows as such without a restart.
Installed into a MainWindow by :func:`install_plan_pages`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from kbapp.gui.changes_page import ChangesPage
from kbapp.gui.plan_models import count_standing
from kbapp.gui.visits_page import VisitsPage

REFRESH_MS = 15 * 60 * 1000


class DueBanner(QFrame):
    """One line: how many follow-up visits and inspections are overdue or due, and a way there."""

    show_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dueBanner")
        self.setStyleSheet("#dueBanner { background: #fff3e0; border: 1px solid #ffb74d; }")
        self.label = QLabel(self)
        self.label.setObjectName("dueBannerText")
        self.label.setWordWrap(True)
        self.button = QPushButton(self.tr("Show"), self)
        self.button.setObjectName("dueBannerShow")
        self.button.clicked.connect(self.show_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def summary(self, visits, inspections) -> str:
        """The notice for the due visits and inspections given; '' when nothing is due."""
        parts = []
        v_over, v_due = count_standing(visits)
        i_over, i_due = count_standing(inspections)
        missed = sum(1 for d in inspections for b in d.missed_backups if b.state == "missed")
        for count, text in ((v_over, self.tr("%1 follow-up visit(s) overdue")),
                            (v_due, self.tr("%1 follow-up visit(s) due")),
                            (i_over, self.tr("%1 inspection(s) overdue")), (i_due, self.tr("%1 inspection(s) due")),
                            (missed, self.tr("%1 missed backup(s)"))):
            if count:
                parts.append(text.replace("%1", str(count)))
        return "; ".join(parts)

    def show_due(self, visits, inspections) -> str:
        text = self.summary(visits, inspections)
        self.label.setText(text)
        self.setVisible(bool(text))
        return text


class PlanPages(QObject):
    """A QObject so that its strings have their own translation context ("PlanPages")."""

    def __init__(self, window):
        super().__init__(window)
        self.window = w = window
        w.changes = ChangesPage(w.kb, w.runner, w.chinese, w)
        w.changes.actor = w.kb.actor_name
        w.changes.message.connect(lambda text: w.statusBar().showMessage(text, 10000))
        # The server's plans, or this desk's copy of them while the server does not answer.
        w.visits = VisitsPage(w.kb.desk_reads, w.runner, w.chinese, w)
        w.visits.actor = w.kb.actor_name
        w.visits.message.connect(lambda text: w.statusBar().showMessage(text, 10000))
        w.visits.loaded.connect(self._show_due)
        w.visits.record_made.connect(lambda record_id: w.records.reload(select_id=record_id))
        w.visits.change_made.connect(lambda change_id: w.changes.reload(select_id=change_id))
        w.pages.addTab(w.changes, self.tr("Change requests"))
        w.pages.addTab(w.visits, self.tr("Visits && inspections"))
        self.show_changes_action = w._action(self.tr("Show &Change Requests"), self.show_changes, ("Ctrl+5",),
                                             "showChangesAction")
        self.show_visits_action = w._action(self.tr("Show &Visits and Inspections"), self.show_visits, ("Ctrl+6",),
                                            "showVisitsAction")
        w.incident_menu.addSeparator()
        w.incident_menu.addActions([self.show_changes_action, self.show_visits_action])
        self.banner = DueBanner(w)
        self.banner.show_requested.connect(self.show_visits)
        w.shell_layout.insertWidget(0, self.banner)
        w.due_banner = self.banner
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.due_text = ""

    def store_ready(self) -> None:
        """The database is open: load both pages (the notice follows) and keep it current."""
        self.window.changes.reload()
        self.refresh()
        self.timer.start()

    def refresh(self) -> None:
        self.window.visits.reload()

    def _show_due(self) -> None:
        visits = [d for d in self.window.visits.due_model.rows]
        inspections = [d for d in self.window.visits.inspections_model.rows]
        text = self.banner.show_due(visits, inspections)
        if text and text != self.due_text:
            self.window.statusBar().showMessage(text, 15000)
        self.due_text = text

    def show_changes(self) -> None:
        self.window.pages.setCurrentWidget(self.window.changes)

    def show_visits(self) -> None:
        self.window.pages.setCurrentWidget(self.window.visits)


def install_plan_pages(window) -> PlanPages:
    pages = PlanPages(window)
    window.plan_pages = pages
    return pages
