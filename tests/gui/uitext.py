"""What a user can read in a window or dialog, and which of it is English left untranslated.

Used by the translation tests: every widget's text (labels, buttons, tabs, menus and their
actions, group boxes, placeholders, tool tips, combo box items, view headers and the
cells of the views' models) is collected from the widget tree, HTML stripped. In the
Chinese UI an English word may appear only

* as a proper name, a product, format or command (ALLOWED), or
* as the English gloss of a bilingual term, right after its Chinese (故障种类 Fault type,
  演练 DRILL): a text with Chinese in it may carry English words of the glosses kbapp's
  own tables use (GLOSS_WORDS);

a snake_case identifier (report_submitted) is never allowed.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

ALLOWED = {
    # the product, formats, keys and tools that keep their names in Chinese
    "kbapp", "english", "markdown", "pdf", "html", "csv", "json", "ctrl", "shift", "alt", "enter", "esc", "tab", "del",
    "pgup", "pgdn", "f1", "ok", "id", "ip", "url", "sql", "ssh", "kib", "utc", "cmd", "ora", "mtta", "mttr",
    # units and level numerals
    "min", "ms", "kb", "mb", "gb", "ii", "iii", "iv", "vs",
}
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’_-]*")
_TAG = re.compile(r"<[^>]+>")
_STYLE = re.compile(r"<style.*?</style>", re.DOTALL | re.IGNORECASE)


def gloss_words() -> set[str]:
    """The English words of kbapp's own bilingual terms (the second half of each pair)."""
    from kbapp.gui.models import KIND_LABELS
    from kbapp.incidents import types as itypes
    from kbapp.incidents.lifecycle import CLOSE_REASONS, STATUS_LABELS
    from kbapp.model import CATEGORIES
    from kbapp.records import workflow as wf
    from kbapp.reports.fields import REPORT_FIELDS

    pairs = [*CATEGORIES.values(), *STATUS_LABELS.values(), *CLOSE_REASONS.values(), *itypes.ACTION_LABELS.values(),
             *itypes.RESULT_LABELS.values(), *itypes.CHANNEL_LABELS.values(), *KIND_LABELS.values(),
             *wf.KIND_LABELS.values(), *wf.STATE_LABELS.values(), *wf.CLASSIFICATION_LABELS.values(),
             *wf.FIELD_LABELS.values(), *((f.zh, f.en) for f in REPORT_FIELDS)]
    from kbapp.identity import ROLE_SUGGESTIONS
    from kbapp.incidents.deadlines import LABELS as DEADLINE_LABELS

    pairs += [tuple(role.split(" ", 1)) for role in ROLE_SUGGESTIONS]
    pairs += list(DEADLINE_LABELS.values())
    words = {w.lower() for _, en in pairs for w in _WORD.findall(en)}
    # the glosses of the banners and printed headings (演练 DRILL, 巡检 INSPECTION, 培训资料 Training pack)
    # the glosses of banners, headings and deadline chips (演练 DRILL, 剩余 … left, 按时完成 met on time)
    return words | {"drill", "mode", "inspection", "training", "pack", "score", "step", "steps", "level", "done",
                    "emergency", "knowledge", "base", "left", "met", "on", "time", "late", "missed", "by", "due"}


def library_words(kb) -> set[str]:
    """The library's own names (ids, English titles, tags) and command words: content that
    a window shows as it is, in either language, not text of kbapp's to translate."""
    words: set[str] = set()
    for doc in kb.documents():
        body = doc.body if doc.kind == "scenario" else ""  # a drill's situation and facts, shown as written
        for text in (doc.id, doc.title, doc.title_en, *doc.tags, *(c for s in doc.steps for c in s.commands), body):
            words |= {w.lower().strip("'’-") for w in _WORD.findall(text or "")}
    return words


def plain(text: str) -> str:
    text = _STYLE.sub(" ", text or "")
    return html.unescape(_TAG.sub(" ", text)).replace("&", "")


_PATH = re.compile(r"(?:[A-Za-z]:\\|/)[^\s，。；]*")


def english_words(text: str, glosses: set[str], content: set[str] = frozenset()) -> list[str]:
    """The words of ``text`` a Chinese user would read as untranslated English; ``content``:
    words of the library's own names, shown as they are (see :func:`library_words`)."""
    text = _PATH.sub(" ", plain(text))  # file paths are names
    has_chinese = bool(_CJK.search(text))
    bad = []
    for word in _WORD.findall(text):
        lower = word.lower().strip("'’-")
        if "_" in word and lower not in content:
            bad.append(word)  # an identifier of kbapp's own: never for a user's eyes
            continue
        if len(lower) < 2 or lower in ALLOWED or any(c.isdigit() for c in lower) or lower in content:
            continue  # a name, a code (ORA-00600, http-502) or the library's own words
        if has_chinese and lower in glosses:
            continue
        bad.append(word)
    return bad


def _model_texts(model: QAbstractItemModel, rows: int = 30) -> list[str]:
    texts = []
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model: one column, and no columnCount to call
        columns = 1
    for section in range(columns):
        header = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if header:
            texts.append(str(header))
    for row in range(min(model.rowCount(QModelIndex()), rows)):
        for column in range(max(columns, 1)):
            value = model.data(model.index(row, column, QModelIndex()), Qt.ItemDataRole.DisplayRole)
            if isinstance(value, str) and value:
                texts.append(value)
    return texts


def widget_texts(root: QWidget, skip: tuple[QWidget, ...] = ()) -> list[tuple[str, str]]:
    """(where, text) for everything readable in ``root`` and its children; ``skip``:
    widgets whose content is the library's or the user's (a document in the reader)."""
    found: list[tuple[str, str]] = []

    def add(widget: QWidget, text: str) -> None:
        if text and text.strip():
            found.append((f"{type(widget).__name__}:{widget.objectName() or '?'}", text))

    widgets = [root, *root.findChildren(QWidget)]
    skipped = {id(w) for s in skip for w in [s, *s.findChildren(QWidget)]}
    for widget in widgets:
        if id(widget) in skipped:
            continue
        if widget.isWindow():
            add(widget, widget.windowTitle())
        add(widget, widget.toolTip())
        if isinstance(widget, QLabel | QAbstractButton):
            add(widget, widget.text())
        elif isinstance(widget, QGroupBox):
            add(widget, widget.title())
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            add(widget, widget.placeholderText())
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget, widget.itemText(i))
        elif isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                add(widget, widget.tabText(i))
        elif isinstance(widget, QMenu):
            add(widget, widget.title())
            for action in widget.actions():
                add(widget, action.text())
        if isinstance(widget, QTextBrowser):
            add(widget, widget.toPlainText())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            for text in _model_texts(widget.model()):
                add(widget, text)
    return found


def untranslated(root: QWidget, skip: tuple[QWidget, ...] = (), glosses: set[str] | None = None,
                 content: set[str] = frozenset()) -> list[str]:
    glosses = gloss_words() if glosses is None else glosses
    return [f"{where}: {text!r} -> {bad}" for where, text in widget_texts(root, skip)
            if (bad := english_words(text, glosses, content))]
