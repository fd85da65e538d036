"""Puts documents in the reader: rendered off the UI thread, the one asked for last wins.

Renders run side by side on the read pool, so one asked for earlier may finish after a
later one; only the document asked for last is shown. One whose render found nothing or
failed is not taken as shown: the next preview or refresh of the results asks again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


class DocumentLoader(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.asked: str | None = None  # the document last asked for the reader (maybe still rendering)

    def show(self, doc_id: str) -> None:
        window, lang = self.window, self.window.language
        self.asked = doc_id

        def render():
            doc = window.kb.get(doc_id)
            return (doc, window.kb.render_with_history(doc_id, lang=lang)) if doc is not None else (None, "")

        def shown(result) -> None:
            doc, html = result
            if self.asked != doc_id:  # a later one was asked for
                return
            if doc is None:  # not (yet) in the library: asked again next time
                self.asked = None
                return
            window.reader.show_document(doc, html)
            window.document_shown.emit(doc_id)

        def failed(exc: BaseException) -> None:
            shown((None, ""))
            window.runner.operation_failed.emit(exc)

        window.runner.query(render, shown, failed)

    def show_unless_asked(self, doc_id: str) -> None:
        if doc_id != self.asked:
            self.show(doc_id)

    def row_after_refresh(self, ids: list[str]) -> int | None:
        """The row to select when the same query's results come again (the library changed):
        the document being read, or None to leave the selection and the reader alone when the
        list lacks it (one opened by hand); the first row when nothing is being read."""
        if self.asked is None:
            return 0
        return ids.index(self.asked) if self.asked in ids else None
