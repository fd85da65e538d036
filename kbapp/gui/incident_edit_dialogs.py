"""Small dialogs that change a running incident, each a logged action with its reason:
the fault level, a plan (the handling plan or, at level I, the emergency plan), and a
correction of the time the customer called."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
)

from kbapp.gui.incident_view import level_choices

ERROR_STYLE = "color:#b71c1c;"


def to_qdatetime(value: dt.datetime) -> QDateTime:
    """A timezone-aware datetime as the local QDateTime a QDateTimeEdit shows (to the minute)."""
    local = value.astimezone().replace(second=0, microsecond=0)
    return QDateTime.fromSecsSinceEpoch(int(local.timestamp()))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    return dt.datetime.fromtimestamp(value.toSecsSinceEpoch(), tz=dt.UTC)


def notified_edit(parent, now: dt.datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(to_qdatetime(now), parent)
    edit.setObjectName("notifiedAtEdit")
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    edit.setMaximumDateTime(to_qdatetime(now + dt.timedelta(minutes=5)))
    return edit


class _ReasonDialog(QDialog):
    def _finish(self, form: QFormLayout) -> None:
        self.error = QLabel(self)
        self.error.setObjectName("dialogError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.error)
        form.addRow(self.buttons)

    def _fail(self, message: str, widget) -> None:
        self.error.setText(message)
        widget.setFocus()


class LevelDialog(_ReasonDialog):
    """A new fault level and why (the service requires the reason; it goes in the log)."""

    def __init__(self, current: str, chinese: bool, parent=None):
        super().__init__(parent)
        self.setObjectName("levelDialog")
        self.setWindowTitle(self.tr("Change fault level"))
        self.current = current
        self.level = QComboBox(self)
        self.level.setObjectName("levelChoice")
        for label, value in level_choices(chinese):
            self.level.addItem(label, value)
        self.level.setCurrentIndex(max(self.level.findData(current), 0))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("levelReason")
        self.reason.setPlaceholderText(self.tr("Why? e.g. the customer's whole business has stopped"))
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("A missed deadline stays missed; only the deadlines still open are re-planned."),
                           self))
        form.addRow(self.tr("New fault level:"), self.level)
        form.addRow(self.tr("Reason:"), self.reason)
        self._finish(form)
        self.reason.setFocus()

    def values(self) -> tuple[str, str]:
        return self.level.currentData(), self.reason.text().strip()

    def accept(self) -> None:
        level, reason = self.values()
        if level == self.current:
            return self._fail(self.tr("Choose a level other than the current one."), self.level)
        if not reason:
            return self._fail(self.tr("Say why the level changes: it goes in the log."), self.reason)
        super().accept()


class PlanDialog(_ReasonDialog):
    """The handling plan (故障处理方案), or for a level I incident the emergency plan (应急方案)."""

    def __init__(self, level: str, parent=None):
        super().__init__(parent)
        self.setObjectName("planDialog")
        self.setWindowTitle(self.tr("Record a plan"))
        self.resize(560, 360)
        self.handling = QRadioButton(self.tr("Handling plan (故障处理方案)"), self)
        self.handling.setObjectName("handlingPlanChoice")
        self.emergency = QRadioButton(self.tr("Emergency plan (应急方案), level I: due 16 h after the call"), self)
        self.emergency.setObjectName("emergencyPlanChoice")
        self.emergency.setEnabled(level == "I")
        if level != "I":
            self.emergency.setToolTip(self.tr("Only a level I incident has an emergency plan"))
        group = QButtonGroup(self)
        group.addButton(self.handling)
        group.addButton(self.emergency)
        self.handling.setChecked(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("planText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("What will be done, by whom, and when"))
        form = QFormLayout(self)
        form.addRow(self.handling)
        form.addRow(self.emergency)
        form.addRow(self.tr("Plan:"), self.text)
        self._finish(form)
        self.text.setFocus()

    def values(self) -> tuple[str, bool]:
        return self.text.toPlainText().strip(), self.emergency.isChecked()

    def accept(self) -> None:
        if not self.values()[0]:
            return self._fail(self.tr("Write the plan first."), self.text)
        super().accept()


class NotifiedAtDialog(_ReasonDialog):
    """The customer called at another time than was logged: every deadline counts from it."""

    def __init__(self, notified_at: dt.datetime, now: dt.datetime, parent=None):
        super().__init__(parent)
        self.setObjectName("notifiedAtDialog")
        self.setWindowTitle(self.tr("Correct the notification time"))
        self.notified = notified_edit(self, now)
        self.notified.setDateTime(to_qdatetime(notified_at))
        self.original = self.notified.dateTime()
        self.reason = QLineEdit(self)
        self.reason.setObjectName("notifiedReason")
        self.reason.setPlaceholderText(self.tr("Why? e.g. the customer called at 02:40, logged at 02:55"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Every deadline counts from the time the customer notified us."), self))
        form = QFormLayout()
        layout.addLayout(form)
        form.addRow(self.tr("Customer called at:"), self.notified)
        form.addRow(self.tr("Reason:"), self.reason)
        self._finish(form)

    def values(self) -> tuple[dt.datetime, str]:
        return from_qdatetime(self.notified.dateTime()), self.reason.text().strip()

    def accept(self) -> None:
        if self.notified.dateTime() == self.original:
            return self._fail(self.tr("Change the time first."), self.notified)
        if not self.values()[1]:
            return self._fail(self.tr("Say why the time is corrected: it goes in the log."), self.reason)
        super().accept()
