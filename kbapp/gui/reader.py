"""The reading pane: a sanitised playbook in a QTextBrowser that can reach nothing."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTextBrowser


class ReaderView(QTextBrowser):
    command_copied = Signal(str, int, int)  # document id, step number, command index
    lesson_requested = Signal(str, int)  # document id, step number

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("reader")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.document_id: str | None = None
        self._document = None

    def show_document(self, doc, html: str) -> None:
        self.document_id = doc.id if doc else None
        self._document = doc
        self.setHtml(html)

    def clear_document(self) -> None:
        self.document_id = None
        self._document = None
        self.clear()

    def loadResource(self, kind: int, url: QUrl):
        # No images, style sheets or anything else from outside the rendered page.
        return None

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == "kbapp" and url.path().startswith("copy/"):
            self.copy_command(*url.path().split("/")[1:3])
        elif url.scheme() == "kbapp" and url.path().startswith("lesson/") and self._document is not None:
            step = url.path().split("/")[1]
            if step.isdigit():
                self.lesson_requested.emit(self._document.id, int(step))
        elif url.hasFragment() and not url.scheme():
            self.scrollToAnchor(url.fragment())

    def copy_command(self, step_number, command_index) -> None:
        if self._document is None:
            return
        try:
            step = self._document.step(int(step_number))
            command = step.commands[int(command_index)]
        except (AttributeError, IndexError, ValueError, TypeError):
            return
        QGuiApplication.clipboard().setText(command)
        self.command_copied.emit(self._document.id, step.number, int(command_index))
