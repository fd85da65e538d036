"""Draws a list entry whole: a bold head line and a body, both wrapped to the view's width.

Chinese text breaks between any two characters, English at word boundaries, and a
long path or command with neither breaks anywhere rather than being cut. Row heights
follow the width (the view re-asks on resize: QListView.ResizeMode.Adjust).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QFont, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from kbapp.gui.run_models import BodyRole, HeadRole

PAD = 5


def _layout(text: str, font: QFont, width: float) -> tuple[QTextLayout, float]:
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    height = 0.0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 10.0))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


class WrapDelegate(QStyledItemDelegate):
    def __init__(self, view, parent=None):
        super().__init__(parent or view)
        self.view = view

    def _width(self, option) -> float:
        width = self.view.viewport().width() if self.view is not None else option.rect.width()
        return max(float(width) - 2 * PAD, 40.0)

    def _parts(self, index, option):
        head = index.data(HeadRole) or index.data(Qt.ItemDataRole.DisplayRole) or ""
        body = index.data(BodyRole) or ""
        head_font = QFont(option.font)
        head_font.setBold(True)
        return str(head), str(body), head_font, QFont(option.font)

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt's name
        head, body, head_font, body_font = self._parts(index, option)
        width = self._width(option)
        height = _layout(head, head_font, width)[1]
        if body:
            height += _layout(body, body_font, width)[1]
        return QSize(int(width), int(height + 2 * PAD))

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        head, body, head_font, body_font = self._parts(index, option)
        width = float(option.rect.width() - 2 * PAD)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        head_colour = text_colour if selected or brush is None else brush.color()
        painter.save()
        origin = QPointF(option.rect.left() + PAD, option.rect.top() + PAD)
        layout, height = _layout(head, head_font, width)
        painter.setPen(head_colour)
        layout.draw(painter, origin)
        if body:
            layout, _ = _layout(body, body_font, width)
            painter.setPen(text_colour)
            layout.draw(painter, origin + QPointF(0, height))
        painter.restore()
