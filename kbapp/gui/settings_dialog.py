"""Preferences: UI language and the engineer's name shown in the action log."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from kbapp.gui.i18n import SETTING_ENGINEER, SETTING_LANGUAGE, engineer_name


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, parent=None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.settings = settings
        self.language = QComboBox(self)
        self.language.setObjectName("languageCombo")
        self.language.addItem(self.tr("System default"), "")
        self.language.addItem("中文", "zh_CN")
        self.language.addItem("English", "en")
        current = str(settings.value(SETTING_LANGUAGE, "") or "")
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.engineer = QLineEdit(engineer_name(settings), self)
        self.engineer.setObjectName("engineerEdit")
        self.note = QLabel(self.tr("A new language applies the next time kbapp starts."), self)
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Language:"), self.language)
        form.addRow(self.tr("Engineer name:"), self.engineer)
        form.addRow(self.note)
        form.addRow(buttons)
        self._initial_language = current

    def accept(self) -> None:
        self.settings.setValue(SETTING_LANGUAGE, self.language.currentData())
        self.settings.setValue(SETTING_ENGINEER, self.engineer.text().strip())
        self.settings.sync()
        super().accept()

    def language_changed(self) -> bool:
        return self.language.currentData() != self._initial_language
