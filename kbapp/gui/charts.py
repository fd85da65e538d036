"""Bar charts for the Metrics tab, drawn with pyqtgraph.

pyqtgraph (MIT) draws through QPainter, so the charts use the window's own fonts (the
CJK font included) and print to PDF like any widget; it needs numpy and nothing else.
QtCharts is deprecated since Qt 6.10 and ships only in the 168 MB Add-ons wheel;
matplotlib is heavier still and needs its own CJK font set-up. pyqtgraph is imported
on first use (about a second), when the Metrics tab is first shown, never at start-up.

A click on a bar calls ``on_bar(category_index, series_index)``; :meth:`BarChart.bar_at`
is the same mapping from data coordinates, for tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: tuple[float | None, ...]  # one per category; None draws nothing


class BarChart:
    """Grouped vertical bars (``horizontal=False``) or one series of horizontal bars."""

    GROUP_WIDTH = 0.8

    def __init__(self, title: str, parent: QWidget | None = None, *, y_label: str = "", horizontal: bool = False,
                 y_range: tuple[float, float] | None = None):
        import pyqtgraph as pg

        self._pg = pg
        self.horizontal = horizontal
        self.y_range = y_range
        self.widget = pg.PlotWidget(parent, background="w")
        self.widget.setObjectName("chart")
        self.widget.setMinimumSize(150, 180)
        self.plot = self.widget.getPlotItem()
        self.plot.setTitle(title, color="#222")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getViewBox().setMouseEnabled(False, False)
        self.plot.showGrid(x=horizontal, y=not horizontal, alpha=0.2)
        if y_label:
            self.plot.setLabel("bottom" if horizontal else "left", y_label)
        self.legend = None
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.on_bar: Callable[[int, int], None] | None = None
        self.widget.scene().sigMouseClicked.connect(self._clicked)

    def set_data(self, categories: list[str], series: list[Series]) -> None:
        self.plot.clear()
        if self.legend is not None:
            self.legend.scene().removeItem(self.legend)
            self.legend = None
        self.categories, self.series = list(categories), list(series)
        if len(series) > 1:
            self.legend = self.plot.addLegend(offset=(-10, 10))
        width = self.GROUP_WIDTH / max(1, len(series))
        for s_index, s in enumerate(series):
            positions, heights = [], []
            for c_index, value in enumerate(s.values):
                if value is not None:
                    positions.append(self._centre(c_index, s_index))
                    heights.append(value)
            brush = self._pg.mkBrush(s.colour)
            if self.horizontal:
                item = self._pg.BarGraphItem(x0=0, y=positions, height=width * 0.9, width=heights, brush=brush,
                                             name=s.name)
            else:
                item = self._pg.BarGraphItem(x=positions, height=heights, width=width * 0.9, brush=brush,
                                             name=s.name)
            self.plot.addItem(item)
        ticks = [[(i, label) for i, label in enumerate(categories)]]
        axis = self.plot.getAxis("left" if self.horizontal else "bottom")
        axis.setTicks(ticks)
        span = (-0.6, max(0, len(categories) - 1) + 0.6)
        if self.horizontal:
            self.plot.setYRange(*span, padding=0)
            top = max([v for s in series for v in s.values if v is not None] or [1])
            self.plot.setXRange(0, top * 1.1, padding=0)
        else:
            self.plot.setXRange(*span, padding=0)
            if self.y_range is not None:
                self.plot.setYRange(*self.y_range, padding=0)
            else:
                top = max([v for s in series for v in s.values if v is not None] or [1])
                self.plot.setYRange(0, top * 1.15, padding=0)

    def _centre(self, category: int, series: int) -> float:
        width = self.GROUP_WIDTH / max(1, len(self.series))
        return category - self.GROUP_WIDTH / 2 + width * (series + 0.5)

    def bar_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(category, series) of the group slot under data point (x, y); None between groups.
        The whole slot counts, up to the top of the chart: a bar of 0 % can be clicked too."""
        along, across = (y, x) if self.horizontal else (x, y)
        if across < 0 or not self.categories or not self.series:
            return None
        category = round(along)
        offset = along - (category - self.GROUP_WIDTH / 2)
        if not (0 <= category < len(self.categories)) or not (0 <= offset < self.GROUP_WIDTH):
            return None
        series = min(len(self.series) - 1, int(offset / (self.GROUP_WIDTH / len(self.series))))
        return category, series

    def _clicked(self, event) -> None:
        pos = event.scenePos()
        box = self.plot.getViewBox()
        if not box.sceneBoundingRect().contains(pos):
            return
        point = box.mapSceneToView(pos)
        hit = self.bar_at(point.x(), point.y())
        if hit is not None and self.on_bar is not None:
            self.on_bar(*hit)
