"""Item models for the incident runner: open incidents and the timeline (the step list and
the timeline's filter are in kbapp.gui.run_models)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from kbapp.incidents import types as itypes
from kbapp.incidents.lifecycle import STATUS_LABELS

LEVEL_COLOURS = {"I": "#c62828", "II": "#ef6c00", "III": "#b28704", "IV": "#616161"}
RESULT_COLOURS = {itypes.DONE: "#2e7d32", itypes.SKIPPED: "#757575", itypes.FAILED: "#c62828",
                  itypes.PASS: "#2e7d32", itypes.FAIL: "#c62828", itypes.NA: "#757575"}
Index = QModelIndex | QPersistentModelIndex
HeadRole = Qt.ItemDataRole.UserRole + 10  # an entry's first line, bold (kbapp.gui.wrap_delegate)
BodyRole = Qt.ItemDataRole.UserRole + 11  # the rest, wrapped


def local_time(value: dt.datetime | None, with_date: bool = False) -> str:
    if value is None:
        return ""
    local = value.astimezone()
    return local.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def format_duration(delta: dt.timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    sign = "-" if delta.total_seconds() < 0 else ""
    if days:
        return f"{sign}{days}d {hours:02d}:{minutes:02d}"
    return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}"


def pick(labels: tuple[str, str], chinese: bool) -> str:
    return labels[0] if chinese else labels[1]


def incident_number(incident: itypes.Incident) -> str:
    """"#42", or for an incident started offline on this desk (kbapp.replica) that it has no
    number yet."""
    if incident.pending:
        return QCoreApplication.translate("IncidentListModel", "#pending")
    return f"#{incident.id}"


def row_number(row: Any) -> str:
    """The same for a problem record or a change request written offline (kbapp.desk_writes)."""
    return incident_number(row)


class IncidentListModel(QAbstractListModel):
    IncidentRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese
        self._incidents: list[itypes.Incident] = []

    def set_incidents(self, incidents: list[itypes.Incident]) -> None:
        self.beginResetModel()
        self._incidents = list(incidents)
        self.endResetModel()

    def incident(self, row: int) -> itypes.Incident | None:
        return self._incidents[row] if 0 <= row < len(self._incidents) else None

    def row_of(self, incident_id: int) -> int:
        return next((i for i, inc in enumerate(self._incidents) if inc.id == incident_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._incidents)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._incidents):
            return None
        incident = self._incidents[index.row()]
        status = pick(STATUS_LABELS.get(incident.status, (incident.status, incident.status)), self.chinese)
        number = incident_number(incident)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{number} [{incident.level}] {incident.title}\n{status}"
        if role == HeadRole:
            return f"{number} [{incident.level}] {incident.title}"
        if role == BodyRole:
            return status
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(LEVEL_COLOURS.get(incident.level, "#000000")))
        if role == Qt.ItemDataRole.ToolTipRole:
            return incident.description or incident.title
        if role == self.IncidentRole:
            return incident
        return None


class TimelineModel(QAbstractTableModel):
    """The action log, newest last. New actions are appended rows, never a reset."""

    HEADERS = (QT_TRANSLATE_NOOP("TimelineModel", "Time"), QT_TRANSLATE_NOOP("TimelineModel", "Actor"),
               QT_TRANSLATE_NOOP("TimelineModel", "Action"), QT_TRANSLATE_NOOP("TimelineModel", "Details"))

    def __init__(self, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese
        self.actions: list[itypes.Action] = []

    def set_actions(self, actions: list[itypes.Action]) -> None:
        old_ids = [a.id for a in self.actions]
        if old_ids and [a.id for a in actions[: len(old_ids)]] == old_ids and len(actions) > len(old_ids):
            self.beginInsertRows(QModelIndex(), len(old_ids), len(actions) - 1)
            self.actions = list(actions)
            self.endInsertRows()
            if any(a.corrected_by for a in actions[: len(old_ids)]):
                self.dataChanged.emit(self.index(0, 0), self.index(len(old_ids) - 1, len(self.HEADERS) - 1))
        elif [a.id for a in actions] != old_ids:
            self.beginResetModel()
            self.actions = list(actions)
            self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.actions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return QCoreApplication.translate("TimelineModel", self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.actions):
            return None
        action = self.actions[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return local_time(action.at)
            if column == 1:
                return action.actor
            if column == 2:
                return pick(itypes.ACTION_LABELS.get(action.kind, (action.kind, action.kind)), self.chinese)
            if column == 3:
                return itypes.describe_action(action)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"#{action.id} {local_time(action.at, with_date=True)}"
        if role == Qt.ItemDataRole.FontRole and action.corrected_by:
            font = QFont()
            font.setStrikeOut(True)  # corrected later; the correction follows in the log
            return font
        return None
