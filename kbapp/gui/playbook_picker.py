"""Choosing a playbook by hand: a searchable list of every playbook in the library.

For when the suggestions are wrong. Type part of a title (Chinese or English) or an id;
the completer lists the playbooks containing it; ↓/↑ and Enter (or a click, or the
button) choose one. The list is read off the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QPushButton, QWidget

from kbapp.model import KIND_PLAYBOOK


class PlaybookPicker(QWidget):
    picked = Signal(str, str)  # the playbook's id and title
    no_match = Signal(str)  # the text typed names no playbook

    def __init__(self, kb, runner, parent=None):
        super().__init__(parent)
        self.kb = kb
        self.combo = QComboBox(self)
        self.combo.setObjectName("playbookPicker")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMaxVisibleItems(12)
        self.combo.lineEdit().setPlaceholderText(self.tr("Loading the playbooks…"))
        completer = self.combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.activated.connect(self._activated)
        self.combo.lineEdit().installEventFilter(self)
        # Enter while the completer's list is open reaches the box past the event filter.
        self.combo.lineEdit().returnPressed.connect(self.pick_current)
        self.button = QPushButton(self.tr("Use this playbook"), self)
        self.button.setObjectName("pickPlaybookButton")
        self.button.setEnabled(False)
        self.button.clicked.connect(self.pick_current)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.combo)
        self.loaded = False
        self._picking: str | None = None  # one key press reaches us by several paths: one pick
        runner.query(self._read, self._fill, self._failed)

    def _read(self) -> list[tuple[str, str]]:
        docs = [d for d in self.kb.documents() if d.kind == KIND_PLAYBOOK]
        return sorted(((d.id, d.display_title) for d in docs), key=lambda item: (item[1].lower(), item[0]))

    def _fill(self, playbooks: list[tuple[str, str]]) -> None:
        self.combo.blockSignals(True)
        for doc_id, title in playbooks:
            self.combo.addItem(f"{title} ({doc_id})", doc_id)
        self._clear()
        self.combo.blockSignals(False)
        self.combo.lineEdit().setPlaceholderText(self.tr("Type a playbook's title or id, then Enter"))
        self.button.setEnabled(bool(playbooks))
        self.loaded = True

    def _failed(self, exc) -> None:
        self.combo.lineEdit().setPlaceholderText(self.tr("The playbooks cannot be read: %1").replace("%1", str(exc)))

    def _clear(self) -> None:
        self.combo.setCurrentIndex(-1)
        self.combo.clearEditText()

    def match(self) -> int:
        """The row the typed text names: the exact entry or id, else the first containing it."""
        text = self.combo.currentText().strip()
        if not text:
            return -1
        for flags in (Qt.MatchFlag.MatchFixedString, Qt.MatchFlag.MatchContains):
            row = self.combo.findText(text, flags)
            if row >= 0:
                return row
        return self.combo.findData(text)

    def pick_current(self) -> bool:
        text = self.combo.currentText().strip()
        if self._pick(self.match()):
            return True
        if text and self.loaded:
            self.no_match.emit(text)
        return False

    def _activated(self, row: int) -> None:
        self._pick(row)

    def _pick(self, row: int) -> bool:
        if row < 0 or row >= self.combo.count():
            return False
        doc_id = self.combo.itemData(row)
        if doc_id == self._picking:
            return True
        title = self.combo.itemText(row).removesuffix(f" ({doc_id})")
        self._picking = doc_id
        # Cleared once the key press is over: clearing now re-filters the completer under it.
        QTimer.singleShot(0, self._picked)
        self.picked.emit(doc_id, title)
        return True

    def _picked(self) -> None:
        self._clear()
        self._picking = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the box chooses what was typed instead of closing the dialog; with the box
        # empty it still reaches the dialog's OK button.
        if (watched is self.combo.lineEdit() and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.combo.currentText().strip()):
            self.combo.completer().popup().hide()
            self.pick_current()
            return True
        return super().eventFilter(watched, event)
