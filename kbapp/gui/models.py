"""Qt item models over core data (tested without widgets, with qtmodeltester)."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from kbapp.model import CATEGORIES, Problem
from kbapp.search import SearchHit, SearchResults

HitRole = Qt.ItemDataRole.UserRole + 1
SnippetRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3

KIND_LABELS = {
    "playbook": ("预案", "Playbook"),
    "checklist": ("检查单", "Checklist"),
    "document": ("文档", "Document"),
    "report": ("故障报告", "Report"),
    "lesson": ("经验教训", "Lesson"),
    "record": ("问题记录", "Problem record"),
    "scenario": ("演练场景", "Drill scenario"),
    "incident": ("历史故障", "Past incident"),
}


def kind_label(kind: str, chinese: bool) -> str:
    zh, en = KIND_LABELS.get(kind, (kind, kind))
    return zh if chinese else en


def category_label(category: str, chinese: bool) -> str:
    zh, en = CATEGORIES.get(category, (category, category))
    return zh if chinese else en


class ResultsModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self.results: SearchResults | None = None

    def set_results(self, results: SearchResults) -> None:
        self.beginResetModel()
        self.results = results
        self._hits = list(results.hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.title} {hit.title_en}".strip()
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.id}\n{hit.path}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.title} {hit.title_en} {hit.kind} {hit.category}"
        if role == HitRole:
            return hit
        if role == SnippetRole:
            return hit.snippet
        if role == IdRole:
            return hit.id
        return None


class ProblemsModel(QAbstractTableModel):
    COLUMNS = (QT_TRANSLATE_NOOP("ProblemsModel", "File"), QT_TRANSLATE_NOOP("ProblemsModel", "Line"),
               QT_TRANSLATE_NOOP("ProblemsModel", "Severity"), QT_TRANSLATE_NOOP("ProblemsModel", "Message"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self._problems: list[Problem] = []

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        self._problems = list(problems)
        self.endResetModel()

    def problem(self, row: int) -> Problem | None:
        return self._problems[row] if 0 <= row < len(self._problems) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return QCoreApplication.translate("ProblemsModel", self.COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._problems):
            return None
        problem = self._problems[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return str(problem.path)
            if column == 1:
                return problem.line if role == Qt.ItemDataRole.DisplayRole else str(problem)
            if column == 2:
                return problem.severity
            if column == 3:
                return problem.message
        return None
