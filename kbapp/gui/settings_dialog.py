"""Preferences: UI language (this data home's settings) and who is acting (its engineer)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from kbapp.gui.engineer_dialog import role_combo
from kbapp.gui.i18n import SETTING_LANGUAGE
from kbapp.gui.validation import recheck_on_edit, show_problem


class SettingsDialog(QDialog):
    """``engineer``: the data home's (kbapp.identity.Engineer or None); the caller saves
    :meth:`engineer_values` off the UI thread when :meth:`engineer_changed`."""

    def __init__(self, settings: QSettings, parent=None, engineer=None):
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
        self._initial_engineer = (engineer.name, engineer.role) if engineer is not None else ("", "")
        self.engineer = QLineEdit(self._initial_engineer[0], self)
        self.engineer.setObjectName("engineerEdit")
        self.engineer.setPlaceholderText(self.tr("Your name, e.g. 王工"))
        self.role = role_combo(self, self._initial_engineer[1])
        self.role.setObjectName("engineerRoleCombo")
        self.note = QLabel(self.tr("A new language applies the next time kbapp starts. Your name goes on every "
                                   "action you log; it is kept in this data home."), self)
        self.note.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setStyleSheet("color:#b71c1c;")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Language:"), self.language)
        form.addRow(self.tr("Engineer name:"), self.engineer)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.note)
        form.addRow(self.error)
        form.addRow(buttons)
        recheck_on_edit(self.error, [self.engineer], self.problem)
        self._initial_language = current

    def problem(self) -> str:
        if self._initial_engineer[0] and not self.engineer.text().strip():
            return self.tr("Enter your name: it goes on every action you log.")
        return ""

    def engineer_values(self) -> tuple[str, str]:
        return self.engineer.text().strip(), self.role.currentText().strip()

    def engineer_changed(self) -> bool:
        name, role = self.engineer_values()
        return bool(name) and (name, role) != self._initial_engineer

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            show_problem(self.error, problem)
            return
        self.settings.setValue(SETTING_LANGUAGE, self.language.currentData())
        self.settings.sync()
        super().accept()

    def language_changed(self) -> bool:
        return self.language.currentData() != self._initial_language
