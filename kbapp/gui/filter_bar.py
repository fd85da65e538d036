"""Filters that combine with the query: kind, category, fault level, tag."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from kbapp.gui.models import KIND_LABELS, category_label
from kbapp.model import CATEGORIES, LEVELS


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, chinese: bool, parent=None):
        super().__init__(parent)
        self.kind = self._combo("kindFilter", self.tr("All kinds"),
                                [((zh if chinese else en), kind) for kind, (zh, en) in KIND_LABELS.items()])
        self.category = self._combo("categoryFilter", self.tr("All categories"),
                                    [(category_label(c, chinese), c) for c in CATEGORIES])
        self.level = self._combo("levelFilter", self.tr("All levels"),
                                 [(self.tr("Level %1").replace("%1", lv), lv) for lv in LEVELS])
        self.tag = self._combo("tagFilter", self.tr("All tags"), [])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("Filter:"), self)
        layout.addWidget(label)
        for combo in (self.kind, self.category, self.level, self.tag):
            layout.addWidget(combo)
        layout.addStretch(1)

    def _combo(self, name: str, all_label: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItem(all_label, None)
        for label, value in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        return combo

    def set_tags(self, tags: list[str]) -> None:
        current = self.tag.currentData()
        self.tag.blockSignals(True)
        while self.tag.count() > 1:
            self.tag.removeItem(1)
        for tag in tags:
            self.tag.addItem(tag, tag.lower())
        index = self.tag.findData(current)
        self.tag.setCurrentIndex(index if index >= 0 else 0)
        self.tag.blockSignals(False)

    def values(self) -> dict:
        return {"kind": self.kind.currentData(), "category": self.category.currentData(),
                "level": self.level.currentData(), "tag": self.tag.currentData()}

    def clear(self) -> None:
        for combo in (self.kind, self.category, self.level, self.tag):
            combo.setCurrentIndex(0)
