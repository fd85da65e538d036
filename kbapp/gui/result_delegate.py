"""Draws one search result: title, kind and category badges, levels, two-line snippet."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QRectF, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from kbapp.gui.models import HitRole, category_label, kind_label

LEVEL_COLOURS = {"I": "#c62828", "II": "#ef6c00", "III": "#f9a825", "IV": "#757575"}


def result_html(hit, chinese: bool, selected: bool) -> str:
    text_colour = "#ffffff" if selected else "#1b1b1b"
    muted = "#e0e0e0" if selected else "#555555"
    badges = [f'<span style="background:#e3ecf8;color:#1f4e8c;">&nbsp;{html.escape(kind_label(hit.kind, chinese))}&nbsp;</span>']
    if hit.category:
        badges.append(f'<span style="background:#eef5e9;color:#2e6b1f;">&nbsp;{html.escape(category_label(hit.category, chinese))}&nbsp;</span>')
    for level in hit.levels:
        badges.append(f'<span style="color:{LEVEL_COLOURS.get(level, "#555")};font-weight:bold;">{html.escape(level)}</span>')
    title = html.escape(hit.title)
    if hit.title_en and hit.title_en != hit.title:
        title += f' <span style="color:{muted};">{html.escape(hit.title_en)}</span>'
    snippet = hit.snippet.replace('<b class="match">', '<b style="background:#fff59d;color:#000;">')
    return (f'<div style="color:{text_colour};"><b>{title}</b> &nbsp;{" ".join(badges)}</div>'
            f'<div style="color:{muted};">{snippet}</div>')


class ResultDelegate(QStyledItemDelegate):
    MAX_CACHED_SIZES = 2000

    def __init__(self, parent=None, chinese: bool = True):
        super().__init__(parent)
        self.chinese = chinese
        # Laying out a result's HTML costs ~0.2 ms; a list reset asks every row for its
        # size, on the UI thread, while the user types. Sizes depend only on this key.
        self._sizes: dict[tuple, QSize] = {}

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        hit = index.data(HitRole)
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        doc.setHtml(result_html(hit, self.chinese, selected) if hit else "")
        doc.setTextWidth(max(option.rect.width(), 200))
        return doc

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        text_free = QStyleOptionViewItem(option)
        text_free.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_free, painter, option.widget)
        doc = self._document(option, index)
        painter.save()
        painter.translate(option.rect.topLeft())
        clip = QRectF(0, 0, option.rect.width(), option.rect.height())
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = clip
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.Text))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        # As tall as the content, but never more than a title and three snippet lines.
        width = option.widget.viewport().width() if option.widget is not None else 400
        hit = index.data(HitRole)
        key = (hit.id, hit.title, hit.title_en, hit.snippet, width, option.font.key()) if hit else None
        cached = self._sizes.get(key) if key else None
        if cached is not None:
            return QSize(cached)
        option.rect.setWidth(width)
        height = self._document(option, index).size().height()
        cap = option.fontMetrics.lineSpacing() * 4 + 16
        size = QSize(width, int(min(height, cap)) + 2)
        if key:
            if len(self._sizes) >= self.MAX_CACHED_SIZES:
                self._sizes.clear()
            self._sizes[key] = QSize(size)
        return size
