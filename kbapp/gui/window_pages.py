"""The window's pages besides the search, built after it: the first search result first.

A MainWindow shows the search page at once; the incidents, problem records, drills and
inspections, change requests, visits and metrics pages, the Incident menu, the deadline
watch and their actions are imported and built by :meth:`DeferredPages.build` — when the
database is open (``MainWindow._store_ready``), or earlier on first use: a page's tab
clicked, the Incident or Library menu opened, a window attribute of a page read
(``window.incidents``), or a key pressed that none of the search page's actions has
(Ctrl+N, Ctrl+3 …: the pages are built and the key's action triggered). Their modules are
imported on the background lane as soon as the first result is shown, so building them
on the UI thread then costs only the widgets. So the first search result of a start waits
for none of it: neither their modules (SQLAlchemy among them) nor their widgets.
"""

from __future__ import annotations

from importlib import import_module

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

# The tabs the pages take, in their order, each with its (translation context, title).
PAGE_TABS = (("MainWindow", "Incidents"), ("Writeups", "Problem records"),
             ("TrainingController", "Drills && Inspections"), ("PlanPages", "Change requests"),
             ("PlanPages", "Visits && inspections"), ("MetricsPage", "Metrics"))
PAGE_MODULES = ("kbapp.gui.incidents_page", "kbapp.gui.incident_actions", "kbapp.gui.writeups", "kbapp.gui.training",
                "kbapp.gui.plan_pages", "kbapp.gui.metrics_page")
# The MainWindow attributes the build makes: reading one builds the pages first.
BUILT_ATTRIBUTES = frozenset({
    "incidents", "incident_actions", "writeups", "records", "training", "plan_pages", "changes", "visits",
    "due_banner", "metrics", "watch", "deadline_banner", "decision_actions",
    "new_incident_action", "incident_from_playbook_action", "show_incidents_action", "step_done_action",
    "step_skip_action", "step_fail_action", "log_note_action", "ack_action", "escalate_action", "plan_action",
    "resolve_action", "level_action", "notified_action", "export_timeline_action", "chain_action",
    "copy_command_action", "timeline_search_action",
})
_WATCHED = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress)
_COMMAND_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier


def import_pages() -> None:
    """Import the pages' modules (off the UI thread: no widget is made)."""
    for name in PAGE_MODULES:
        import_module(name)


class DeferredPages(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.built = False
        self.placeholders: list[QWidget] = []
        for context, title in PAGE_TABS:  # the tabs are there from the start; their pages come on first show
            placeholder = QWidget(window.pages)
            placeholder.setObjectName("pagePlaceholder")
            window.pages.addTab(placeholder, QCoreApplication.translate(context, title))
            self.placeholders.append(placeholder)
        window.pages.currentChanged.connect(self._tab_chosen)
        window.incident_menu.aboutToShow.connect(self.build)
        window.library_menu.aboutToShow.connect(self.build)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # until built: the keys of the pages' actions, a click on the menu bar

    def warm_up(self) -> None:
        """Import the pages' modules on the background lane (once the first result is shown)."""
        if not self.built:
            self.window.runner.background(import_pages)

    def _tab_chosen(self, index: int) -> None:
        if not self.built and self.window.pages.widget(index) in self.placeholders:
            self.build()
            self.window.pages.setCurrentIndex(index)  # the page that took the placeholder's place

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()  # (every event of the application passes here until the build: cheap first)
        if kind not in _WATCHED or self.built or not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if kind == QEvent.Type.MouseButtonPress and watched is self.window.menuBar():
            self.build()  # every menu complete before one opens
        elif kind == QEvent.Type.KeyPress and _is_command_key(event):
            # No action of the search page has this key: one of the pages' may have.
            keys = QKeySequence(event.keyCombination())
            self.build()
            action = self._action_for(keys)
            if action is not None:
                action.trigger()
                return True
        return False

    def _action_for(self, keys: QKeySequence):
        for action in self.window.actions():
            if action.isEnabled() and action.shortcutContext() != Qt.ShortcutContext.WidgetShortcut and any(
                    key.matches(keys) == QKeySequence.SequenceMatch.ExactMatch for key in action.shortcuts()):
                return action
        return None

    def build(self) -> None:
        """Import and build the pages, their menus and actions, once (on the UI thread)."""
        if self.built:
            return
        self.built = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        w = self.window
        current = w.pages.currentIndex()
        for placeholder in self.placeholders:
            w.pages.removeTab(w.pages.indexOf(placeholder))
            placeholder.deleteLater()
        self.placeholders = []
        from kbapp.gui.incident_actions import IncidentActions
        from kbapp.gui.incidents_page import IncidentsPage
        from kbapp.gui.metrics_page import install_metrics
        from kbapp.gui.plan_pages import install_plan_pages
        from kbapp.gui.read_only import disable_write_actions
        from kbapp.gui.training import install_training
        from kbapp.gui.writeups import install_writeups

        incidents = w.incidents = IncidentsPage(w.kb, w.runner, w.settings, w.chinese, w)
        incidents.message.connect(lambda text: w.statusBar().showMessage(text, 10000))
        incidents.incident_started.connect(lambda _id: w.show_incidents())
        w.pages.addTab(incidents, QCoreApplication.translate("MainWindow", "Incidents"))  # (lupdate reads this one)
        w.incident_actions = IncidentActions(w)
        w.incident_actions.fill_menu(w.incident_menu)
        w.writeups = install_writeups(w)
        install_training(w)
        install_plan_pages(w)  # change requests, visits and inspections, and what is due
        install_metrics(w)
        w.incident_actions.install_watch(w.shell_layout)
        if w.kb.home.read_only:
            disable_write_actions(w)
        w.pages.setCurrentIndex(current)


def _is_command_key(event) -> bool:
    key = event.key()
    return bool(event.modifiers() & _COMMAND_MODIFIERS) or Qt.Key.Key_F1 <= key <= Qt.Key.Key_F35
