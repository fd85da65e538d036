"""Who is acting: asked on the first start of a data home, changed in Preferences.

The name goes on every action kbapp logs (kbapp.identity); it is kept in the data home,
so the command line logs the same name.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from kbapp.gui.validation import recheck_on_edit, show_problem
from kbapp.identity import ROLE_SUGGESTIONS, Engineer

ERROR_STYLE = "color:#b71c1c;"


def role_combo(parent, role: str = "") -> QComboBox:
    """An editable list of the usual roles; any other may be typed."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.addItem("")
    combo.addItems(ROLE_SUGGESTIONS)
    combo.setCurrentText(role)
    return combo


class EngineerDialog(QDialog):
    """Name (required) and role of the engineer at this desk."""

    def __init__(self, engineer: Engineer | None = None, parent=None, *, first_start: bool = False,
                 suggested_name: str = ""):
        super().__init__(parent)
        self.setObjectName("engineerDialog")
        self.setWindowTitle(self.tr("Who is working here?"))
        self.name = QLineEdit(engineer.name if engineer else suggested_name, self)
        self.name.setObjectName("engineerName")
        self.name.setPlaceholderText(self.tr("Your name, e.g. 王工"))
        self.role = role_combo(self, engineer.role if engineer else "")
        self.role.setObjectName("engineerRole")
        intro = QLabel(self.tr("kbapp writes your name on everything you do here: incident steps and notes, "
                               "drills (as the trainer), inspections, reports and lessons. It is kept in this "
                               "data home; the command line uses it too."), self)
        intro.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("engineerError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        if first_start:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Later"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.error)
        form.addRow(buttons)
        recheck_on_edit(self.error, [self.name], self.problem)
        self.name.setFocus()

    def problem(self) -> str:
        return "" if self.name.text().strip() else self.tr("Enter your name: it goes on every action you log.")

    def values(self) -> tuple[str, str]:
        return self.name.text().strip(), self.role.currentText().strip()

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            show_problem(self.error, problem)
            self.name.setFocus()
            return
        super().accept()
