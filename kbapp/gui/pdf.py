"""PDF output with Qt's own writer (QPdfWriter + QTextDocument): no browser engine.

Fault reports, drill reports, training packs and inspection reports are printed and
filed, so they must look the same on every machine, carry real (searchable, copyable)
text in Chinese and English, and never leave a half-written file behind.

One API for the rest of kbapp, the command line and the window alike:
:func:`print_pdf` (a fault report's HTML, a drill or inspection report's Markdown, or a
training pack's sections). It needs QtGui only, never QtWidgets: ``kbapp report export
--format pdf`` makes an offscreen QGuiApplication and no window class is imported.

Underneath, two layouts:

* :func:`write_pdf` lays out a list of :class:`PdfSection` itself. Each section is one
  QTextDocument as wide as the page; it goes on the current page if it fits, else (with
  ``keep_together``) on the next one, so a step's heading never ends up on one page and
  its body on the next. A section taller than a page flows across pages, cut between
  lines of text and between table rows, never right under a heading, with a table's
  header rows repeated on each page it continues on (kbapp.gui.pdf_layout has the rules);
  a keep_together one starts on a new page when less than a third of the current page
  is left. Optional table of contents with page numbers; footer "title — page N / M".
* :func:`html_to_pdf` prints one flowing HTML document (a fault, drill or inspection
  report) by the same rules, as one section that may be split.

Both render into memory first and then call :func:`kbapp.fsutil.atomic_write_bytes`.

Qt rich text is a subset of HTML 4 and CSS 2 (https://doc.qt.io/qt-6/richtext-html-subset.html):
block tags h1–h6, p, div, pre, ul/ol/li, blockquote, table/tr/td/th (colspan, rowspan,
width, bgcolor, align, valign), hr, br, b/i/u/s, code/tt/kbd, span, font, sub/sup, img.
CSS: color, background-color, font-family/-size/-weight/-style, text-decoration,
text-align, text-indent, margin-*, padding (cells), border/border-* on tables and cells,
border-collapse, white-space (pre, pre-wrap, nowrap), vertical-align, line-height,
page-break-before/after: always. Type, class, id and descendant selectors
work. No flex, floats beyond images, positioning, ``display``, web fonts or ``<input>``:
draw check boxes with the characters ☐ ☑ ☒ (U+2610–2612); Qt picks a font that has them
(DejaVu Sans on Linux, Segoe UI Symbol on Windows) when the CJK font does not.
Lengths: margins, padding and borders in px (1px = 1/96 inch) or em, never pt (Qt ignores
pt there); font sizes in pt (px font sizes are converted to pt at 0.75pt per px).
"""

from __future__ import annotations

import functools
import html as html_lib
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from kbapp.fsutil import atomic_write_bytes
from kbapp.gui import pdf_layout
from kbapp.printing import PdfSection

__all__ = ["PdfSection", "print_pdf", "write_pdf", "html_to_pdf", "ensure_gui_app"]

__all__ = ["PdfSection", "write_pdf", "html_to_pdf", "ensure_gui_app", "cjk_font_family",
           "mono_font_family", "default_css"]

RESOLUTION = 600  # dots per inch of the PDF's coordinate system; text stays vector text
MARGINS_MM = QMarginsF(18, 16, 18, 10)  # left, top, right, bottom (the footer sits above bottom)
FOOTER_MM = 9.0  # band at the bottom of the printable area reserved for the footer
SECTION_GAP_PT = 6.0  # vertical space between two sections
BODY_PT = 10.5
FOOTER_PT = 8.0
_EPS = pdf_layout.EPS  # device dots: keeps a line that touches a cut out of the other page

_CJK_PREFERRED = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC",
    "Hiragino Sans GB", "SimHei", "SimSun", "Droid Sans Fallback",
)
_MONO_PREFERRED = (
    "Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", "Sarasa Mono SC", "DejaVu Sans Mono",
    "Noto Sans Mono", "Consolas", "Menlo", "Liberation Mono", "Courier New",
)
_own_app: QGuiApplication | None = None


def ensure_gui_app() -> QGuiApplication:
    """Return the running QGuiApplication, or create one so the CLI can print without a GUI.

    Fonts need a QGuiApplication. When we create it ourselves on Linux we use the
    "offscreen" platform: a command-line export must not depend on a display, nor abort
    because an X11 library is missing. Windows and macOS keep their native platform, which
    is where their system font database (and so the Chinese fonts) lives. An explicit
    QT_QPA_PLATFORM is respected.
    """
    global _own_app
    app = QCoreApplication.instance()
    if app is not None:
        if isinstance(app, QGuiApplication):
            return app
        raise RuntimeError("a non-GUI QCoreApplication is running; PDF output needs a QGuiApplication")
    argv = [sys.argv[0] if sys.argv and sys.argv[0] else "kbapp"]
    if not os.environ.get("QT_QPA_PLATFORM") and sys.platform not in ("win32", "darwin"):
        argv += ["-platform", "offscreen"]
    _own_app = QGuiApplication(argv)
    return _own_app


@functools.cache
def cjk_font_family() -> str:
    """A font family with Simplified Chinese glyphs, so Chinese prints as text, not boxes."""
    ensure_gui_app()
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    for family in _CJK_PREFERRED:
        if family in chinese:
            return family
    return chinese[0] if chinese else QGuiApplication.font().family()


@functools.cache
def mono_font_family() -> str:
    """A fixed-pitch family for commands; Chinese in code falls back to the CJK font."""
    ensure_gui_app()
    families = set(QFontDatabase.families())
    for family in _MONO_PREFERRED:
        if family in families:
            return family
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()


def default_css() -> str:
    """Print style: 10.5 pt body, compact headings, grey code blocks, ruled tables."""
    sans, mono = cjk_font_family(), mono_font_family()
    return f"""
body {{ font-family: '{sans}'; font-size: {BODY_PT}pt; color: #000000; }}
h1 {{ font-size: 17pt; font-weight: bold; margin-top: 0px; margin-bottom: 10px; }}
h2 {{ font-size: 14pt; font-weight: bold; margin-top: 14px; margin-bottom: 7px; }}
h3 {{ font-size: 12pt; font-weight: bold; margin-top: 10px; margin-bottom: 5px; }}
h4 {{ font-size: 10.5pt; font-weight: bold; margin-top: 8px; margin-bottom: 4px; }}
p {{ margin-top: 0px; margin-bottom: 6px; }}
li {{ margin-bottom: 2px; }}
pre {{ font-family: '{mono}'; font-size: 9pt; background-color: #f0f0f0; white-space: pre-wrap;
      margin-top: 4px; margin-bottom: 8px; }}
code, tt, kbd {{ font-family: '{mono}'; font-size: 9.5pt; background-color: #f0f0f0; }}
table {{ border-collapse: collapse; margin-top: 4px; margin-bottom: 8px; }}
th, td {{ border: 1px solid #808080; padding: 4px; vertical-align: top; }}
th {{ background-color: #e6e6e6; font-weight: bold; }}
table.toc td {{ border: none; padding: 2px; }}
.muted {{ color: #666666; }}
.small {{ font-size: 9pt; }}
"""


# --- shared machinery ----------------------------------------------------------------


class _Target:
    """A QPdfWriter on an in-memory buffer, with the page geometry in device dots."""

    def __init__(self, title: str, footer: bool) -> None:
        self.data = QByteArray()
        self.buffer = QBuffer(self.data)
        self.buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.writer = QPdfWriter(self.buffer)
        self.writer.setResolution(RESOLUTION)
        self.writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        self.writer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
        self.writer.setTitle(title)
        self.writer.setCreator("kbapp")
        self.width = float(self.writer.width())
        self.footer_height = FOOTER_MM / 25.4 * RESOLUTION if footer else 0.0
        self.height = float(self.writer.height()) - self.footer_height
        self.gap = SECTION_GAP_PT / 72.0 * RESOLUTION

    def document(self, fragment: str, css: str) -> QTextDocument:
        """A QTextDocument laid out for this writer (pt sizes map to real points)."""
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.writer)
        doc.setDocumentMargin(0)
        font = QFont(cjk_font_family())
        font.setPointSizeF(BODY_PT)
        doc.setDefaultFont(font)
        doc.setDefaultStyleSheet(_px_fonts_to_pt(default_css() + css))
        fragment = _px_fonts_to_pt(fragment)
        doc.setHtml(fragment if "<body" in fragment.lower() else f"<html><body>{fragment}</body></html>")
        doc.setTextWidth(self.width)
        return doc

    def draw_footer(self, painter: QPainter, text: str) -> None:
        font = QFont(cjk_font_family())
        font.setPointSizeF(FOOTER_PT)
        painter.save()
        painter.setFont(font)
        painter.setPen(QColor("#707070"))
        band = QRectF(0, self.height, self.width, self.footer_height)
        painter.drawText(band, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), text)
        painter.restore()

    def finish(self, path: Path) -> None:
        """Close the buffer and replace ``path`` in one step."""
        self.buffer.close()
        atomic_write_bytes(Path(path), bytes(self.data))


_PX_FONT = re.compile(r"(font(?:-size)?\s*:\s*(?:[a-z-]+\s+)*?)(\d+(?:\.\d+)?)px", re.IGNORECASE)


def _px_fonts_to_pt(text: str) -> str:
    """``font-size: 12px`` → ``9pt``: Qt takes font pixels as printer dots (1/600 inch here),
    which would make the screen styles of kbapp.render microscopic on paper."""
    return _PX_FONT.sub(lambda m: f"{m.group(1)}{float(m.group(2)) * 0.75:g}pt", text)


def _footer_text(fmt: str, title: str, page: int, pages: int) -> str:
    return fmt.format(title=title, page=page, pages=pages)


def _start_painter(target: _Target) -> QPainter:
    painter = QPainter()
    if not painter.begin(target.writer):
        raise OSError("Qt could not start the PDF writer")
    return painter


# --- write_pdf: our own page layout --------------------------------------------------


@dataclass
class _Item:
    doc: QTextDocument
    layout: pdf_layout.Item


def _marks(doc: QTextDocument) -> pdf_layout.Marks:
    """Where ``doc`` may be cut (kbapp.gui.pdf_layout): every line of text and every table
    row as a whole, the headings, the forced page breaks and the tables' header rows."""
    layout = doc.documentLayout()
    layout.documentSize()  # Qt lays out lazily: finish it, or later blocks have no lines yet
    marks = pdf_layout.Marks()
    rows: dict[tuple[int, int], tuple[float, float]] = {}
    tables: dict[int, tuple[int, list[int]]] = {}  # first position: header row count, rows seen
    block = doc.begin()
    while block.isValid():
        text_layout = block.layout()
        if block.isVisible() and text_layout is not None and text_layout.lineCount():
            rect = layout.blockBoundingRect(block)
            origin = rect.top()  # lines are relative to it
            lines = [text_layout.lineAt(i).rect() for i in range(text_layout.lineCount())]
            block_spans = [(origin + r.top(), origin + r.bottom()) for r in lines]
            marks.lines.extend(block_spans)
            fmt = block.blockFormat()
            if fmt.headingLevel() > 0:
                marks.headings.append((block_spans[0][0], block_spans[-1][1]))
            policy = fmt.pageBreakPolicy()
            if policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                marks.breaks.append(origin)
            if policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysAfter:
                marks.breaks.append(rect.bottom())
            cursor = QTextCursor(block)
            table = cursor.currentTable()
            if table is not None:
                row = table.cellAt(cursor).row()
                key = (table.firstPosition(), row)
                top, bottom = rows.get(key, (block_spans[0][0], block_spans[-1][1]))
                rows[key] = (min(top, block_spans[0][0]), max(bottom, block_spans[-1][1]))
                tables.setdefault(table.firstPosition(), (table.format().headerRowCount(), []))[1].append(row)
        block = block.next()
    marks.lines.extend(rows.values())
    marks.lines.sort()
    marks.breaks = sorted(b for b in marks.breaks if b > _EPS)
    for first, (header_rows, seen) in tables.items():
        spans = [rows[(first, r)] for r in sorted(set(seen))]
        head = [rows[(first, r)] for r in sorted(set(seen)) if r < header_rows]
        header = (min(t for t, _ in head), max(b for _, b in head)) if head else None
        marks.tables.append(pdf_layout.TableMarks(min(t for t, _ in spans), max(b for _, b in spans), header))
    return marks


def _toc_html(heading: str, entries: list[tuple[str, int, int]]) -> str:
    rows = []
    for title, level, page in entries:
        indent = 2 + (max(level, 1) - 1) * 20
        weight = "font-weight: bold; " if level <= 1 else ""
        rows.append(
            f'<tr><td style="{weight}padding-left: {indent}px">{html_lib.escape(title)}</td>'
            f'<td align="right" width="12%">{page}</td></tr>'
        )
    return f'<h1>{html_lib.escape(heading)}</h1><table class="toc" width="100%">{"".join(rows)}</table>'


def write_pdf(
    path: Path,
    sections: Sequence[PdfSection],
    *,
    title: str,
    css: str = "",
    toc: bool = False,
    toc_heading: str = "Contents",
    footer: bool = True,
    footer_format: str = "{title} — page {page} / {pages}",
) -> int:
    """Write ``sections`` to ``path`` as an A4 PDF; returns the number of pages.

    ``css`` is added after :func:`default_css`, so it can override it. With ``toc`` the
    contents (every section with a ``toc_title``, with the page it starts on) follow the
    first section, which is taken to be the cover, on pages of their own. ``footer_format``
    may use {title}, {page} and {pages} (e.g. "{title} — 第 {page} / {pages} 页").
    """
    ensure_gui_app()
    target = _Target(title, footer)

    def item(section: PdfSection, break_before: bool = False) -> _Item:
        doc = target.document(section.html, css)
        return _Item(doc, pdf_layout.Item(doc.size().height(), section.keep_together,
                                          section.page_break_before or break_before, _marks(doc)))

    body = [item(section) for section in sections]
    entries = [(i, s.toc_title, s.toc_level) for i, s in enumerate(sections) if s.toc_title]
    if toc and body:
        if len(body) > 1:
            body[1].layout.break_before = True  # the contents end their own page
        pages: dict[int, int] = {i: 0 for i, _, _ in entries}
        for _ in range(4):  # the contents' own length moves the pages: repeat until stable
            toc_section = PdfSection(_toc_html(toc_heading, [(t, lv, pages[i]) for i, t, lv in entries]),
                                     keep_together=False)
            items = [body[0], item(toc_section, True), *body[1:]]
            slices, firsts = pdf_layout.plan([i.layout for i in items], target.height, target.gap)
            numbered = {i: (firsts[0] if i == 0 else firsts[i + 1]) + 1 for i, _, _ in entries}
            if numbered == pages:
                break
            pages = numbered
    else:
        items = body
        slices, _ = pdf_layout.plan([i.layout for i in items], target.height, target.gap)

    page_count = max((s.page for s in slices), default=0) + 1
    painter = _start_painter(target)
    try:
        for page in range(page_count):
            if page:
                target.writer.newPage()
            for piece in (s for s in slices if s.page == page):
                doc = items[piece.item].doc
                full = doc.size().height()
                if piece.header is not None:  # the table's header rows again, above its rows
                    head_top, head_bottom = piece.header
                    painter.save()
                    painter.translate(0, piece.y - head_bottom)
                    doc.drawContents(painter, QRectF(-target.width, head_top - _EPS, 3 * target.width,
                                                     head_bottom - head_top + 2 * _EPS))
                    painter.restore()
                top = piece.top + _EPS if piece.top > 0 else -target.height
                bottom = piece.bottom - _EPS if piece.bottom < full else full + target.height
                painter.save()
                painter.translate(0, piece.y - piece.top)
                doc.drawContents(painter, QRectF(-target.width, top, 3 * target.width, bottom - top))
                painter.restore()
            if footer:
                target.draw_footer(painter, _footer_text(footer_format, title, page + 1, page_count))
    finally:
        painter.end()
    target.finish(path)
    return page_count


# --- html_to_pdf: Qt paginates -------------------------------------------------------


def html_to_pdf(
    path: Path,
    html: str,
    *,
    title: str,
    css: str = "",
    footer: bool = True,
    footer_format: str = "{title} — page {page} / {pages}",
) -> int:
    """Write one flowing HTML document to ``path`` as an A4 PDF; returns the number of pages.

    Laid out like one :func:`write_pdf` section that may be split: cut between lines and
    table rows (a row is never split across pages, nor left alone on a page when it fits
    on one), a heading never left at the foot of a page, table header rows repeated on
    continuation pages, and ``page-break-before/after: always`` honoured.
    """
    return write_pdf(path, [PdfSection(html, keep_together=False)], title=title, css=css, footer=footer,
                     footer_format=footer_format)


def print_pdf(path: Path, *, title: str, html: str | None = None, markdown: str | None = None,
              sections: Sequence[PdfSection] | None = None) -> int:
    """Write one kbapp document to ``path`` as an A4 PDF; returns its pages. Exactly one of:

    * ``html``: a fault handling report (kbapp.reports ``export_text(..., "html")``);
    * ``markdown``: a drill or inspection report, styled as the reports are;
    * ``sections``: a training pack (kbapp.training.packs), with its contents and footer.
    """
    if sum(x is not None for x in (html, markdown, sections)) != 1:
        raise TypeError("print_pdf takes exactly one of html, markdown or sections")
    ensure_gui_app()
    if sections is not None:
        from kbapp.training.packs import PACK_CSS, PDF_FOOTER, TOC_HEADING

        return write_pdf(Path(path), list(sections), title=title, css=PACK_CSS, toc=True, toc_heading=TOC_HEADING,
                         footer_format=PDF_FOOTER)
    if markdown is not None:
        from kbapp.training.common import REPORT_CSS, markdown_to_html

        return html_to_pdf(Path(path), markdown_to_html(markdown, title), title=title, css=REPORT_CSS)
    assert html is not None
    return html_to_pdf(Path(path), html, title=title)
