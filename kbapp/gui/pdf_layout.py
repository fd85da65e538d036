"""Page planning for :func:`kbapp.gui.pdf.write_pdf`: which page each section goes on, and
where a section that runs across pages is cut.

Pure arithmetic on what pdf.py measured in each laid-out QTextDocument (device dots from
the top of the section), so the rules can be read and tested on their own:

* a page is cut between lines of text and between table rows, never through one; a row
  that does not fit goes to the next page whole, unless it is taller than a page;
* a heading is never the last thing on a page: the cut moves above it, so it starts the
  next page with the text it heads (also for several headings in a row);
* ``page-break-before/after: always`` (CSS) starts a new page there;
* a table's header rows are drawn again at the top of each page the table continues on;
* a section that may not be split (``keep_together``) goes to the next page when it does
  not fit on this one; one taller than a page only when less than a third of this page is
  left, so its heading does not dangle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EPS = 0.5  # device dots: keeps a line that touches a cut out of the other page
MAX_HEADER_SHARE = 1 / 3  # header rows taller than this share of a page are not repeated

Span = tuple[float, float]  # (top, bottom)


@dataclass
class TableMarks:
    top: float  # top of the first row
    bottom: float  # bottom of the last row
    header: Span | None = None  # the header rows (<thead>), repeated on continuation pages


@dataclass
class Marks:
    """Where a section may and may not be cut."""

    lines: list[Span] = field(default_factory=list)  # text lines and whole table rows, sorted
    headings: list[Span] = field(default_factory=list)  # heading blocks (h1–h6)
    breaks: list[float] = field(default_factory=list)  # forced page breaks, sorted
    tables: list[TableMarks] = field(default_factory=list)


@dataclass
class Item:
    height: float
    keep_together: bool
    break_before: bool
    marks: Marks


@dataclass
class Slice:
    page: int
    y: float  # where on the page the part is drawn
    item: int
    top: float  # the part of the section drawn: [top, bottom)
    bottom: float
    header: Span | None = None  # table header rows drawn just above ``y``


def _avoid_lines(lines: list[Span], floor: float, cut: float) -> float:
    """Move ``cut`` up until no line crosses it; lines starting at or above ``floor`` may be cut."""
    moved = True
    while moved:
        moved = False
        for top, bottom in lines:
            if top >= cut:
                break
            if bottom > cut + EPS and top > floor and top < cut:
                cut = top
                moved = True
    return cut


def _heading_above(marks: Marks, start: float, cut: float) -> float | None:
    """The top of the heading that would end the page at ``cut``, or None."""
    above = [s for s in marks.lines if s[1] <= cut + EPS and s[0] >= start - EPS]
    if not above:
        return None
    last_top, last_bottom = max(above, key=lambda s: s[1])
    for top, bottom in marks.headings:
        if top - EPS <= last_top and last_bottom <= bottom + EPS and top > start + EPS:
            return top
    return None


def cut_between(marks: Marks, start: float, limit: float, at_page_top: bool) -> float:
    """The lowest y <= ``limit`` to end this page's part of a section that begins at ``start``.

    At the top of a page a line (or row) beginning at ``start`` may itself be cut when
    nothing else is possible; elsewhere the result is ``start`` when even the first line
    does not fit, meaning: go to the next page.
    """
    floor = start + EPS if at_page_top else start - 1.0
    forced = next((b for b in marks.breaks if start + EPS < b <= limit + EPS), None)
    if forced is not None:
        return forced
    cut = _avoid_lines(marks.lines, floor, limit)
    while True:
        heading = _heading_above(marks, start, cut)
        if heading is None or heading >= cut:
            return cut
        cut = _avoid_lines(marks.lines, floor, heading)


def _header_for(marks: Marks, start: float, page_height: float) -> Span | None:
    """The header rows to repeat when a page begins at ``start`` inside a table's body."""
    for table in marks.tables:
        header = table.header
        if header is None or not (header[1] - EPS <= start < table.bottom - EPS):
            continue
        if header[1] - header[0] <= page_height * MAX_HEADER_SHARE:
            return header
    return None


def plan(items: list[Item], page_height: float, gap: float) -> tuple[list[Slice], list[int]]:
    """Place every item on pages; returns the slices and each item's first page (0-based)."""
    slices: list[Slice] = []
    first_pages: list[int] = []
    page, y = 0, 0.0
    for index, item in enumerate(items):
        height, marks = item.height, item.marks
        if item.break_before and y > 0:
            page, y = page + 1, 0.0
        remaining = page_height - y
        # Kept together and not fitting: a fresh page when it fits on one; when it is taller
        # than any page, only if less than a third of this page is left (its heading must not dangle).
        if (height > remaining + EPS and y > 0 and item.keep_together
                and (height <= page_height or remaining < page_height / 3)):
            page, y = page + 1, 0.0
        start, first, header = 0.0, None, None
        at_top = y == 0
        while True:
            remaining = page_height - y
            rest_breaks = any(start + EPS < b < height - EPS for b in marks.breaks)
            if height - start <= remaining + EPS and not rest_breaks:
                slices.append(Slice(page, y, index, start, height, header))
                first = page if first is None else first
                y += height - start + gap
                break
            cut = cut_between(marks, start, start + remaining, at_top)
            if cut <= start + EPS:
                if not at_top:
                    page, y, at_top = page + 1, 0.0, True
                    header = _header_for(marks, start, page_height)
                    y = header[1] - header[0] if header else 0.0
                    continue
                cut = start + remaining  # a single line taller than a page: cut it
            slices.append(Slice(page, y, index, start, cut, header))
            first = page if first is None else first
            start = cut
            page, at_top = page + 1, True
            header = _header_for(marks, start, page_height)
            y = header[1] - header[0] if header else 0.0
        first_pages.append(first)
    return slices, first_pages
