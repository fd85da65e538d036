"""The incident's timeline, each entry whole (wrapped), filterable by kind and searchable."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QLineEdit, QListView, QVBoxLayout, QWidget

from kbapp.gui.incident_models import TimelineModel, pick
from kbapp.gui.run_models import ALL, GROUP_LABELS, KIND_GROUPS, TimelineFilter
from kbapp.gui.wrap_delegate import WrapDelegate


class TimelinePanel(QWidget):
    def __init__(self, model: TimelineModel, chinese: bool, parent=None):
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.model = model
        self.proxy = TimelineFilter(model, chinese, self)
        self.kind = QComboBox(self)
        self.kind.setObjectName("timelineKind")
        for group in (ALL, *KIND_GROUPS):
            self.kind.addItem(pick(GROUP_LABELS[group], chinese), group)
        self.kind.currentIndexChanged.connect(lambda _i: self.proxy.set_group(self.kind.currentData()))
        self.search = QLineEdit(self)
        self.search.setObjectName("timelineSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search the timeline (Ctrl+Shift+T)"))
        self.search.textChanged.connect(self.proxy.set_text)
        self.view = QListView(self)
        self.view.setObjectName("timelineView")
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(WrapDelegate(self.view, self))
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap on resize
        self.view.setUniformItemSizes(False)
        self.view.setWordWrap(True)
        # After the new rows are laid out (their wrapped heights known): the newest in sight.
        self.proxy.rowsInserted.connect(lambda *_: QTimer.singleShot(0, self.view.scrollToBottom))
        self.proxy.modelReset.connect(lambda: QTimer.singleShot(0, self.view.scrollToBottom))
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.kind)
        bar.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
