"""The window's refusal of a lost database (kbapp.store.backups.DatabaseLost): on start, a
dialog names the file and offers "Restore latest backup", "Start empty" (the explicit
choice) and "Quit". The restore or the new database is made on the write lane, never on
the UI thread; the window then starts again with the database back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from kbapp.gui.operations import OperationRunner
from kbapp.store.backups import DatabaseLost


class LostDatabase(QObject):
    """Asks once per loss what to do; ``restarted`` when the database is back."""

    restarted = Signal()
    asked = Signal(object)  # the dialog, for tests and the window's screenshots

    def __init__(self, window: QWidget, kb, runner: OperationRunner, show_failure: Callable[[BaseException], None]):
        super().__init__(window)
        self.window, self.kb, self.runner, self._show_failure = window, kb, runner, show_failure
        self.box: QMessageBox | None = None

    def ask(self, exc: DatabaseLost) -> None:
        if self.box is not None:
            return  # already asking (the index lane met the same loss)
        box = self.box = QMessageBox(QMessageBox.Icon.Critical, self.tr("kbapp — database missing"),
                                     self._text(exc), parent=self.window)
        box.setObjectName("lostDatabaseBox")
        box.setInformativeText(self.tr("kbapp does not start an empty database in its place without asking: "
                                       "the incidents, reports and lessons it held would seem gone."))
        box.setDetailedText(str(exc))
        restore = box.addButton(self.tr("Restore latest backup"), QMessageBox.ButtonRole.AcceptRole)
        restore.setObjectName("restoreLatest")
        restore.setEnabled(exc.latest is not None)
        empty = box.addButton(self.tr("Start empty"), QMessageBox.ButtonRole.DestructiveRole)
        empty.setObjectName("startEmpty")
        quit_button = box.addButton(self.tr("Quit"), QMessageBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quit")
        box.setDefaultButton(restore if exc.latest is not None else quit_button)
        box.setEscapeButton(quit_button)

        def chosen(button) -> None:
            self.box = None
            if button is restore:
                self.runner.write(lambda: self.kb.restore(None), self._restored, self._failed)
            elif button is empty:
                self.runner.write(self.kb.start_empty, lambda _none: self.restarted.emit(), self._failed)
            else:
                self.window.close()  # the last window: the application ends with it

        box.buttonClicked.connect(chosen)
        box.open()
        self.asked.emit(box)

    def _text(self, exc: DatabaseLost) -> str:
        text = self.tr("The database %1 is missing or empty, but this data home held one.").replace(
            "%1", str(exc.database))
        if exc.latest is not None:
            made = exc.latest.made_at.astimezone().strftime("%Y-%m-%d %H:%M")
            return text + "\n\n" + self.tr("Latest backup: %1 (%2).").replace("%1", str(exc.latest.path)).replace(
                "%2", made)
        return text + "\n\n" + self.tr("No backup was found in the backups folder.")

    def _restored(self, result) -> None:
        self.restarted.emit()
        if not result.orphaned:
            return
        # Files written after the backup, kept: found by a search, in no list. Said, not hidden.
        box = self.orphans_box = QMessageBox(QMessageBox.Icon.Information, self.tr("kbapp — restored"), self.tr(
            "%1 library file(s) written after the backup were kept, but the restored database does not have "
            "what they belong to: a search still finds them, no list shows them. Move them out of the library "
            "if they should not be found.").replace("%1", str(len(result.orphaned))), parent=self.window)
        box.setObjectName("restoredOrphansBox")
        box.setDetailedText("\n".join(str(orphan) for orphan in result.orphaned))
        box.open()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseLost):
            self.ask(exc)
        else:
            self._show_failure(exc)
