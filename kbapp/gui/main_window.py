"""The main window: search, filter, read. Everything slow runs through OperationRunner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kbapp.errors import KbError
from kbapp.gui.change_watch import ChangeWatch
from kbapp.gui.document_loader import DocumentLoader
from kbapp.gui.errors import localized
from kbapp.gui.filter_bar import FilterBar
from kbapp.gui.i18n import SETTINGS_FILE, home_settings
from kbapp.gui.models import ProblemsModel, ResultsModel
from kbapp.gui.operations import OperationRunner
from kbapp.gui.problems import ProblemsDialog
from kbapp.gui.read_only import install_read_only, session_settings
from kbapp.gui.reader import ReaderView
from kbapp.gui.result_delegate import ResultDelegate
from kbapp.gui.search_controller import SearchController, SearchRequest
from kbapp.gui.settings_dialog import SettingsDialog
from kbapp.gui.team_sync import TeamPoller
from kbapp.gui.window_pages import BUILT_ATTRIBUTES, DeferredPages
from kbapp.logs import current_log_file
from kbapp.logs import details as failure_details
from kbapp.redact import redact

if TYPE_CHECKING:
    from kbapp.gui.lost_database import LostDatabase


class MainWindow(QMainWindow):
    index_ready = Signal()  # the library is loaded and the index is up to date
    document_shown = Signal(str)
    library_changed = Signal()  # emitted from whichever thread changed the library; queued to the UI

    def __init__(self, kb, language: str = "en", settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.kb = kb
        self.language = language
        self.chinese = language.startswith("zh")
        # Preferences and window state are the data home's (kbapp.gui.i18n.home_settings).
        if settings is None:  # a read-only home's: a copy for this session (kbapp.gui.read_only)
            settings = session_settings(kb.home.root, SETTINGS_FILE) if kb.home.read_only else home_settings(kb.home.root)
        self.settings = settings
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("kbapp — Emergency knowledge base"))
        self.runner = OperationRunner(self)
        self.lost_database: LostDatabase | None = None  # made when the database is found lost
        if self.chinese:
            self.runner.localize = localized  # the core's error messages in Chinese
        self.runner.operation_failed.connect(self._show_failure)
        self.search = SearchController(kb, self.runner, parent=self)
        self.search.results_ready.connect(self._show_results)
        self.search.search_failed.connect(lambda message: self.statusBar().showMessage(self.tr("Search failed: %1").replace("%1", message), 8000))
        self.results_model = ResultsModel(self)
        self.problems_model = ProblemsModel(self)
        self._problems_dialog: ProblemsDialog | None = None
        self._shown_request: SearchRequest | None = None
        self._build_widgets()
        self._build_actions()
        # The other pages, the Incident menu and the deadline watch: built after the first
        # search result, or on first use (kbapp.gui.window_pages).
        self.deferred_pages = DeferredPages(self)
        self.reader.lesson_requested.connect(lambda doc_id, step: self.writeups.add_lesson(doc_id, step))
        self._build_status_bar()
        install_read_only(self)  # a read-only home: one banner, the writing actions off
        self.team = TeamPoller(self, self)
        # Writes made elsewhere (the command line, another window, another desk) reach every
        # screen as the window's own do: through runner.changed (kbapp.opchanges).
        self.change_watch = ChangeWatch(kb, self.runner, self)
        # The exchange (send, pull, the desk's copy) runs on the write lane: the incident list
        # and the incident on screen reload from its OpChanges, like after any other write.
        self._restore_state()
        # The document count in the status bar follows every import, report, lesson and change.
        self.library_changed.connect(self._show_document_count)
        self._stop_listening = kb.on_library_changed(self._emit_library_changed)

    # -- construction -------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.search_box = QLineEdit(central)
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Search playbooks, reports and lessons (Ctrl+K) — e.g. 配置丢失, data loss, ORA-00600"))
        self.search_box.textChanged.connect(self._query_changed)
        self.search_box.installEventFilter(self)
        self.suggestion = QLabel(central)
        self.suggestion.setObjectName("suggestionLabel")
        self.suggestion.setTextFormat(Qt.TextFormat.RichText)
        self.suggestion.linkActivated.connect(self._accept_suggestion)
        self.suggestion.hide()
        self.filters = FilterBar(self.chinese, central)
        self.filters.changed.connect(self._query_changed)
        self.results_view = QListView(central)
        self.results_view.setObjectName("resultsView")
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(ResultDelegate(self.results_view, chinese=self.chinese))
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap snippets on resize
        self.results_view.selectionModel().currentChanged.connect(lambda current, _prev: self._preview(current.row()))
        self.results_view.activated.connect(lambda index: self.open_result(index.row()))
        self.results_view.installEventFilter(self)
        self.reader = ReaderView(central)
        self.documents = DocumentLoader(self)
        self.reader.command_copied.connect(self._command_copied)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.results_view)
        self.splitter.addWidget(self.reader)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout.addWidget(self.search_box)
        layout.addWidget(self.suggestion)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        self.pages = QTabWidget(self)
        self.pages.setObjectName("pages")
        self.pages.addTab(central, self.tr("Knowledge base"))
        shell = QWidget(self)
        self.shell_layout = QVBoxLayout(shell)
        self.shell_layout.setContentsMargins(0, 0, 0, 0)
        self.shell_layout.setSpacing(2)
        self.shell_layout.addWidget(self.pages, 1)
        self.setCentralWidget(shell)

    def _action(self, text: str, slot, shortcuts=(), name: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        keys = []
        for shortcut in shortcuts:
            keys.extend(QKeySequence.keyBindings(shortcut) if isinstance(shortcut, QKeySequence.StandardKey) else [QKeySequence(shortcut)])
        unique = []
        for key in keys:  # a standard key that is also listed by name would be registered twice
            if not key.isEmpty() and key not in unique:
                unique.append(key)
        keys = unique
        if keys:
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.focus_search_action = self._action(self.tr("&Find…"), self.focus_search,
                                                ("Ctrl+K", QKeySequence.StandardKey.Find), "focusSearchAction")
        self.clear_search_action = self._action(self.tr("&Clear Search"), self.clear_search, (), "clearSearchAction")
        self.clear_search_action.setShortcut(QKeySequence("Esc"))
        self.clear_search_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.search_box.addAction(self.clear_search_action)
        self.import_action = self._action(self.tr("&Import Markdown…"), self.import_files,
                                          (QKeySequence.StandardKey.Open,), "importAction")
        self.preferences_action = self._action(self.tr("&Preferences…"), self.show_preferences,
                                               (QKeySequence.StandardKey.Preferences, "Ctrl+,"), "preferencesAction")
        self.quit_action = self._action(self.tr("&Quit"), self.close, (QKeySequence.StandardKey.Quit, "Ctrl+Q"), "quitAction")
        self.problems_action = self._action(self.tr("Library &Problems"), self.show_problems, ("Ctrl+Shift+P",), "problemsAction")
        self.rebuild_action = self._action(self.tr("&Rebuild Index"), self.rebuild_index, (), "rebuildAction")
        self.zoom_in_action = self._action(self.tr("Zoom &In"), lambda: self.reader.zoomIn(1), (QKeySequence.StandardKey.ZoomIn,), "zoomInAction")
        self.zoom_out_action = self._action(self.tr("Zoom &Out"), lambda: self.reader.zoomOut(1),
                                            (QKeySequence.StandardKey.ZoomOut,), "zoomOutAction")
        self.focus_results_action = self._action(self.tr("Go to &Results"), self.results_view.setFocus, ("Ctrl+1",), "focusResultsAction")
        self.focus_reader_action = self._action(self.tr("Go to &Reader"), self.reader.setFocus, ("Ctrl+2",), "focusReaderAction")
        self.about_action = self._action(self.tr("&About kbapp"), self.show_about, (), "aboutAction")
        menus = self.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        file_menu.addActions([self.import_action, self.preferences_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menus.addMenu(self.tr("&Edit"))
        edit_menu.addActions([self.focus_search_action, self.clear_search_action])
        view_menu = menus.addMenu(self.tr("&View"))
        view_menu.addActions([self.focus_results_action, self.focus_reader_action, self.zoom_in_action,
                              self.zoom_out_action])
        view_menu.addSeparator()
        view_menu.addAction(self.problems_action)
        library_menu = self.library_menu = menus.addMenu(self.tr("&Library"))
        library_menu.addActions([self.rebuild_action])
        self.incident_menu = menus.addMenu(self.tr("&Incident"))  # filled with the pages (kbapp.gui.window_pages)
        help_menu = menus.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def show_incidents(self) -> None:
        self.pages.setCurrentWidget(self.incidents)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.index_label = QLabel(self.tr("Loading library…"), self)
        self.index_label.setObjectName("indexLabel")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("indexProgress")
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.problems_button = QPushButton(self)
        self.problems_button.setObjectName("problemsButton")
        self.problems_button.setFlat(True)
        self.problems_button.clicked.connect(self.show_problems)
        self.problems_button.hide()
        self.home_label = QLabel(self.tr("Data: %1").replace("%1", str(self.kb.home.root)), self)
        self.home_label.setObjectName("homeLabel")
        self.engineer_label = QLabel(self)  # who the actions are logged as
        self.engineer_label.setObjectName("engineerLabel")
        self.show_engineer(self.kb.engineer)
        bar.addWidget(self.index_label)
        bar.addWidget(self.progress)
        bar.addPermanentWidget(self.problems_button)
        bar.addPermanentWidget(self.engineer_label)
        bar.addPermanentWidget(self.home_label)

    def show_engineer(self, engineer) -> None:
        if engineer is None:
            self.engineer_label.setText(self.tr("Engineer: not named (File ▸ Preferences)"))
        else:
            self.engineer_label.setText(self.tr("Engineer: %1").replace("%1", engineer.label))

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen()
            self.resize(default_size(screen.availableGeometry().size() if screen is not None else None))
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    # -- start-up -------------------------------------------------------------------------------
    def start(self) -> None:
        """Load the library and bring the index up to date, in the background."""
        self.progress.setRange(0, 0)
        self.progress.show()
        # The first search is answered from the index on disk; the library's re-check and
        # the store (migrations) start once it is shown, so that it does not share the
        # two cores with them (or after a second, if it takes longer).
        self._background_started = False
        self.search.results_ready.connect(self._start_background)
        self.search.search_failed.connect(self._start_background)
        QTimer.singleShot(1000, self._start_background)
        self._query_changed()

    def _start_background(self, *_args) -> None:
        if self._background_started:
            return
        self._background_started = True
        self.search.results_ready.disconnect(self._start_background)
        self.search.search_failed.disconnect(self._start_background)
        self.deferred_pages.warm_up()  # their modules, on the background lane
        self.runner.write(lambda progress: self._load_and_sync(progress, force=False), self._index_synced,
                          self._index_failed, self._index_progress)
        # Open incidents resume where their action log ends (migrations run on the write lane).
        self.runner.write(lambda: self.kb.store, lambda _store: self._store_ready(), self._store_failed)

    def _store_failed(self, exc: BaseException) -> None:
        from kbapp.store.backups import DatabaseLost

        if isinstance(exc, DatabaseLost):  # asked, not replaced: restore, start empty or quit
            if self.lost_database is None:
                from kbapp.gui.lost_database import LostDatabase

                self.lost_database = LostDatabase(self, self.kb, self.runner, self._show_failure)
                self.lost_database.restarted.connect(self.start)
            self.lost_database.ask(exc)
            return
        from kbapp.store.db import StoreUnreachable

        if isinstance(exc, StoreUnreachable) and self.kb.shares_database:  # the desk works on its copy
            self.deferred_pages.build()
            self.incidents.reload_list()
            self.records.reload()
            if not self.kb.home.read_only:  # escalation goes on with the server down (kbapp.incidents.desk_watch)
                self.watch.start()
            self.plan_pages.store_ready()  # what is due, from the desk's copy of the plans
            self.team.start_offline(exc, self._store_ready)  # the rest once the server answers
            return
        self._show_failure(exc)

    def __getattr__(self, name: str):
        # A page (or its action) not built yet: built now, on first use.
        deferred = self.__dict__.get("deferred_pages")
        if name in BUILT_ATTRIBUTES and deferred is not None and not deferred.built:
            deferred.build()
            return getattr(self, name)
        raise AttributeError(f"'MainWindow' object has no attribute {name!r}")

    def _store_ready(self) -> None:
        self.deferred_pages.build()
        self.incidents.reload_list()
        if not self.kb.home.read_only:  # its passes write (notices, escalations)
            self.watch.start()  # every open incident's deadlines, from now on
        self.records.reload()
        self.plan_pages.store_ready()
        self.team.start()  # team mode: the other desks' writes, in the background
        self.change_watch.start()

    def _load_and_sync(self, progress, force: bool):
        """Runs on the write lane: parse the library, then index what changed."""
        self.kb.reload_library()
        report = self.kb.sync_index(progress=progress, force=force)
        return report, self.kb.problems(), sorted(self.kb.library.tags(), key=str.lower)

    def _index_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.index_label.setText(self.tr("Building index… %1 of %2").replace("%1", str(done)).replace("%2", str(total)))

    def _emit_library_changed(self) -> None:
        try:
            self.library_changed.emit()
        except RuntimeError:  # the window is gone; the knowledge base lives on (tests)
            pass

    def _show_document_count(self) -> None:
        if self.progress.isVisible():
            return  # the index is being built: its progress is shown, then the count
        self.index_label.setText(self.tr("Index up to date: %n document(s)", "", self.kb.document_count()))

    def _index_synced(self, outcome) -> None:
        report, problems, tags = outcome
        self.progress.hide()
        self._show_document_count()
        self.problems_model.set_problems(problems)
        self._update_problems_button(len(problems))
        self.filters.set_tags(tags)
        self.search.refresh()
        self.index_ready.emit()

    def _index_failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.index_label.setText(self.tr("Index unavailable"))
        self._store_failed(exc)

    def _update_problems_button(self, count: int) -> None:
        self.problems_button.setText(self.tr("⚠ %n library problem(s)", "", count))
        self.problems_button.setVisible(count > 0)

    # -- searching --------------------------------------------------------------------------------
    def current_request(self) -> SearchRequest:
        return SearchRequest(self.search_box.text().strip(), **self.filters.values())

    def _query_changed(self, *_args) -> None:
        self.search.request(self.current_request())

    def _show_results(self, request: SearchRequest, results) -> None:
        # A refresh of the same query (the library changed) keeps the reader where it is.
        refresh = request == self._shown_request
        self._shown_request = request
        self.results_model.set_results(results)
        if results.suggestion:
            text = self.tr("Did you mean: %1?").replace("%1", f'<a href="suggest">{_escape(results.suggestion)}</a>')
            if results.corrected:
                text = self.tr("“%1” has words the library does not know; showing results for %2.").replace("%1", _escape(results.query)).replace(
                    "%2", f'<a href="suggest">{_escape(results.suggestion)}</a>')
            self.suggestion.setText(text)
            self.suggestion.setProperty("suggested", results.suggestion)
            self.suggestion.show()
        elif request.text and not results.hits:
            self.suggestion.setText(self.tr("No results for “%1”.").replace("%1", _escape(request.text)))
            self.suggestion.show()
        else:
            self.suggestion.hide()
        if results.hits:
            row = self.documents.row_after_refresh([hit.id for hit in results.hits]) if refresh else 0
            if row is not None:
                self.results_view.setCurrentIndex(self.results_model.index(row, 0))

    def _accept_suggestion(self, _link: str) -> None:
        suggested = self.suggestion.property("suggested")
        if suggested:
            self.search_box.setText(suggested)

    def focus_search(self) -> None:
        self.pages.setCurrentIndex(0)
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def clear_search(self) -> None:
        self.search_box.clear()
        self.filters.clear()

    # -- reading ------------------------------------------------------------------------------------
    def _preview(self, row: int) -> None:
        hit = self.results_model.hit(row)
        if hit is not None:
            self.documents.show_unless_asked(hit.id)

    def open_result(self, row: int | None = None) -> None:
        if row is None:
            row = max(self.results_view.currentIndex().row(), 0)
        hit = self.results_model.hit(row)
        if hit is None:
            return
        self.results_view.selectionModel().setCurrentIndex(self.results_model.index(row, 0),
                                                           QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.documents.show_unless_asked(hit.id)
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_document(self, doc_id: str) -> None:
        self.documents.show(doc_id)

    def _command_copied(self, doc_id: str, step: int, _index: int) -> None:
        self.statusBar().showMessage(self.tr("Command of step %1 copied to the clipboard").replace("%1", str(step)), 4000)

    # -- keyboard ---------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.search_box and key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self._move_selection(key)
                return True
            if watched is self.search_box and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.search.refresh()  # do not wait for the debounce
                self.open_result()
                return True
            if watched is self.results_view and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_result()
                return True
        return super().eventFilter(watched, event)

    def _move_selection(self, key: int) -> None:
        rows = self.results_model.rowCount()
        if not rows:
            return
        row = self.results_view.currentIndex().row()
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}[Qt.Key(key)]
        row = min(max(row + step, 0), rows - 1)
        self.results_view.setCurrentIndex(self.results_model.index(row, 0))

    # -- other actions ------------------------------------------------------------------------------------
    def show_problems(self) -> None:
        if self._problems_dialog is None:
            self._problems_dialog = ProblemsDialog(self.problems_model, self)
        self._problems_dialog.show()
        self._problems_dialog.raise_()

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Import Markdown files"), "",
                                                self.tr("Markdown (*.md *.markdown *.txt);;All files (*)"))
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[str], replace: frozenset[str] = frozenset()) -> None:
        """Import on the write lane; ``replace``: the ids the user agreed may be replaced."""
        from pathlib import Path

        self.runner.write(lambda: self.kb.import_paths([Path(p) for p in paths], replace=replace),
                          lambda result: self._imported(result, paths))

    def _imported(self, result, paths: list[str] | None = None) -> None:
        summary = self.tr("Imported %1, failed %2.").replace("%1", str(len(result.imported))).replace(
            "%2", str(len(result.failed)))
        if result.skipped:
            summary += " " + self.tr("%n skipped unread (links out of the folder, pipes or devices).", "",
                                     len(result.skipped))
        if result.warnings:
            summary += " " + self.tr("%n imported with problems (Library Problems, Ctrl+Shift+P).", "",
                                     len(result.with_problems))
        lines = [summary] + [f"{source}: {reason}" for source, reason in (result.skipped + result.failed)[:20]]
        lines += [str(problem) for problem in result.warnings[:20]]
        self.statusBar().showMessage(summary, 10000)
        self.problems_model.set_problems(self.kb.problems())
        self._update_problems_button(self.problems_model.rowCount())
        self._show_document_count()
        self.search.refresh()
        if result.replaceable and paths:  # replacing a document is the user's choice, never a side effect
            self._ask_replace(result, paths, lines)
        elif result.failed or result.warnings or result.skipped:  # window-modal, not blocking
            self.import_box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Import"), "\n".join(lines),
                                          QMessageBox.StandardButton.Ok, self)
            self.import_box.open()

    def _ask_replace(self, result, paths: list[str], lines: list[str]) -> None:
        ids = frozenset(doc_id for _, doc_id, _ in result.replaceable)
        question = self.tr("%n file(s) have the id of a document the library already has. Replace those documents?",
                           "", len(result.replaceable))
        names = [self.tr("%1 would replace %2 (%3)").replace("%1", str(source)).replace("%2", doc_id).replace(
            "%3", existing) for source, doc_id, existing in result.replaceable[:20]]
        self.replace_box = QMessageBox(QMessageBox.Icon.Question, self.tr("Replace documents?"),
                                       "\n".join([question, *names, "", *lines]),
                                       QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        self.replace_box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(button) -> None:
            if self.replace_box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self.import_paths(paths, replace=ids)

        self.replace_box.buttonClicked.connect(answered)
        self.replace_box.open()

    def rebuild_index(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.index_label.setText(self.tr("Rebuilding index…"))
        self.runner.write(lambda progress: self._load_and_sync(progress, force=True), self._index_synced,
                          self._index_failed, self._index_progress)

    def show_preferences(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self, engineer=self.kb.engineer)
        self.preferences_dialog = dialog

        def accepted() -> None:
            if dialog.engineer_changed():
                name, role = dialog.engineer_values()
                self.runner.write(lambda: self.kb.set_engineer(name, role), self.show_engineer, self._show_failure)
            if dialog.language_changed():
                self.statusBar().showMessage(self.tr("The new language applies when kbapp is restarted."), 10000)

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About kbapp"), self.tr(
            "kbapp: an offline knowledge base of emergency playbooks for IT operations support.\nData home: %1").replace(
            "%1", str(self.kb.home.root)))

    def _show_failure(self, exc: BaseException) -> None:
        from kbapp.store.backups import DatabaseLost

        if isinstance(exc, DatabaseLost):  # whichever operation met it first: one question, never a warning
            self._store_failed(exc)
            return
        message = str(exc) or type(exc).__name__
        self.statusBar().showMessage(message, 10000)
        if isinstance(exc, KbError | OSError):  # something the engineer can act on: the message says what
            QMessageBox.warning(self, self.tr("kbapp"), message)
            return
        # A bug: say so, where the log is, and the traceback behind "Show Details..." (redacted).
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("kbapp"),
                          self.tr("Something went wrong: %1").replace("%1", redact(message)), parent=self)
        box.setObjectName("failureBox")
        log = current_log_file()
        if log is not None:
            box.setInformativeText(self.tr("The details are also in the log file %1.").replace("%1", str(log)))
        box.setDetailedText(failure_details(exc))
        box.open()

    def closeEvent(self, event) -> None:
        self._stop_listening()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        built = self.deferred_pages.built
        for page in (self.incidents, getattr(self.training, "page", None)) if built else ():
            if page is not None:
                page.view.save_layout()
        self.settings.sync()
        if built:
            self.watch.stop()
            self.plan_pages.timer.stop()
        self.team.stop()
        self.change_watch.stop()
        self.runner.shutdown()
        super().closeEvent(event)


def default_size(room: QSize | None) -> QSize:
    """The first start's size: 1280×800 where the screen has the room, else nearly all of
    what it has (a laptop at 1280×720 gets 1216×662)."""
    if room is None or room.isEmpty():
        return QSize(1280, 800)
    return QSize(min(1280, int(room.width() * 0.95)), min(800, int(room.height() * 0.92)))


def _escape(text: str) -> str:
    import html

    return html.escape(text)
