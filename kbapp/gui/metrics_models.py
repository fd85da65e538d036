"""Item models of the Metrics tab: the figures per fault level, and the incidents behind a bar.

Plain QAbstractTableModels over the JSON-ready figures of kbapp.reports.metrics and its
frozen MissedDeadline records, replaced as a whole on each load; tested without widgets.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from kbapp.gui.incident_models import LEVEL_COLOURS, local_time
from kbapp.incidents import deadlines as dl
from kbapp.model import LEVELS
from kbapp.reports.metrics_text import format_rate as percent
from kbapp.reports.metrics_text import format_seconds as duration

Index = QModelIndex | QPersistentModelIndex
SortRole = Qt.ItemDataRole.UserRole + 2
_LATE = QColor("#c62828")


# (key in the figures, header, formatter)
LEVEL_COLUMNS = (
    ("incidents", QT_TRANSLATE_NOOP("LevelFiguresModel", "Incidents"), str),
    ("response_on_time_rate", QT_TRANSLATE_NOOP("LevelFiguresModel", "Response ≤30 min"), percent),
    ("plan_on_time_rate", QT_TRANSLATE_NOOP("LevelFiguresModel", "Plan on time"), percent),
    ("emergency_plan_on_time_rate", QT_TRANSLATE_NOOP("LevelFiguresModel", "Emergency plan"), percent),
    ("resolution_on_time_rate", QT_TRANSLATE_NOOP("LevelFiguresModel", "Resolved on time"), percent),
    ("report_on_time_rate", QT_TRANSLATE_NOOP("LevelFiguresModel", "Report ≤24 h"), percent),
    ("mtta_median_s", QT_TRANSLATE_NOOP("LevelFiguresModel", "MTTA median"), duration),
    ("mtta_p90_s", QT_TRANSLATE_NOOP("LevelFiguresModel", "MTTA p90"), duration),
    ("mttr_median_s", QT_TRANSLATE_NOOP("LevelFiguresModel", "MTTR median"), duration),
    ("mttr_p90_s", QT_TRANSLATE_NOOP("LevelFiguresModel", "MTTR p90"), duration),
    ("reopen_rate", QT_TRANSLATE_NOOP("LevelFiguresModel", "Reopened"), percent),
)


class LevelFiguresModel(QAbstractTableModel):
    """One row per fault level (I-IV) and one for all of them; a rate below 100 % in red."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[tuple[str, dict]] = []

    def set_figures(self, figures: dict | None) -> None:
        self.beginResetModel()
        self.rows = [] if figures is None else (
            [(level, figures["levels"].get(level, {})) for level in LEVELS] + [("", figures["overall"])])
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(LEVEL_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(LEVEL_COLUMNS):
            return QCoreApplication.translate("LevelFiguresModel", LEVEL_COLUMNS[section][1])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.rows):
            level = self.rows[section][0]
            return QCoreApplication.translate("LevelFiguresModel", "Level %1").replace("%1", level) if level \
                else QCoreApplication.translate("LevelFiguresModel", "All")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        level, figures = self.rows[index.row()]
        key, _, fmt = LEVEL_COLUMNS[index.column()]
        value = figures.get(key)
        if role == Qt.ItemDataRole.DisplayRole:
            return fmt(value)
        if role == SortRole:
            return value
        if role == Qt.ItemDataRole.ForegroundRole and key.endswith("_rate") and key != "reopen_rate" \
                and value is not None and value < 1:
            return QBrush(_LATE)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class MissedModel(QAbstractTableModel):
    """The incidents that missed one promise (kbapp.reports.metrics.MissedDeadline), with why."""

    HEADERS = (QT_TRANSLATE_NOOP("MissedModel", "#"), QT_TRANSLATE_NOOP("MissedModel", "Incident"),
               QT_TRANSLATE_NOOP("MissedModel", "Level"), QT_TRANSLATE_NOOP("MissedModel", "Customer"),
               QT_TRANSLATE_NOOP("MissedModel", "Promise"), QT_TRANSLATE_NOOP("MissedModel", "Due"),
               QT_TRANSLATE_NOOP("MissedModel", "Met"), QT_TRANSLATE_NOOP("MissedModel", "Why"))

    def __init__(self, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese
        self.rows: list = []

    def set_missed(self, missed: list) -> None:
        self.beginResetModel()
        self.rows = list(missed)
        self.endResetModel()

    def incident_id(self, row: int) -> int | None:
        return self.rows[row].incident_id if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return QCoreApplication.translate("MissedModel", self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        m = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            zh, en = dl.LABELS.get(m.key, (m.key, m.key))
            values = (str(m.incident_id), m.title, m.level, m.customer or "—", zh if self.chinese else en,
                      local_time(m.due_at, with_date=True),
                      local_time(m.met_at, with_date=True) or QCoreApplication.translate("MissedModel", "never"),
                      m.why)
            return values[column]
        if role == SortRole:
            return (m.incident_id, m.title, m.level, m.customer, m.key, m.due_at.timestamp(),
                    m.met_at.timestamp() if m.met_at else float("inf"), m.why)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QBrush(QColor(LEVEL_COLOURS.get(m.level, "#000000")))
        if role == Qt.ItemDataRole.ToolTipRole and column == 7:
            return m.why
        return None
