"""What the core hands the PDF writer (kbapp.gui.pdf.print_pdf): sections of simple HTML.

Qt-free, so that the core builds a training pack without Qt; the writer, which needs
QtGui (never QtWidgets), lives in kbapp/gui/pdf.py with the layout rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfSection:
    """One block of a document that the PDF writer places as a unit."""

    html: str  # a fragment of simple HTML (kbapp.gui.pdf's docstring says what Qt supports)
    keep_together: bool = True  # start on a new page rather than split, if it fits on one page
    page_break_before: bool = False  # always start on a new page (no blank page if already at top)
    toc_title: str | None = None  # listed in the table of contents with its first page
    toc_level: int = 1  # 1 = top level; deeper levels are indented
