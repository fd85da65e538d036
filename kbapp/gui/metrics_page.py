"""The Metrics tab (服务指标): whether the plan's promises were kept, per customer and month.

A manager picks a customer and a span of months and sees, per fault level, the share of
responses, plans, resolutions and reports on time with MTTA/MTTR; a chart of one
promise's compliance per level and month, incidents by category, and the spread of the
times to respond and resolve. Clicking a bar lists the incidents behind it that missed
the promise, with why; a double click opens one in the incident runner. "Monthly
report…" writes the customer's service report (kbapp.gui.service_report_dialog).

Every call to the core runs off the UI thread on the runner's background lane: the
figures first bring the metrics' facts up to date with the log, committing step by step,
so a long first derivation never holds up the engineer's writes. The latest request wins.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kbapp.gui.charts import BarChart, Series
from kbapp.gui.incident_models import LEVEL_COLOURS, pick
from kbapp.gui.metrics_models import LevelFiguresModel, MissedModel, SortRole
from kbapp.incidents import deadlines as dl
from kbapp.model import CATEGORIES, LEVELS
from kbapp.reports.metrics_text import month_start, next_month

PROMISES = (dl.RESPONSE, dl.PLAN, dl.RESOLUTION, dl.REPORT, dl.EMERGENCY_PLAN)
RATE_OF = {dl.RESPONSE: "response_on_time_rate", dl.PLAN: "plan_on_time_rate",
           dl.EMERGENCY_PLAN: "emergency_plan_on_time_rate", dl.RESOLUTION: "resolution_on_time_rate",
           dl.REPORT: "report_on_time_rate"}


def months_between(first: dt.date, last: dt.date) -> list[str]:
    out, day = [], first.replace(day=1)
    while day <= last and len(out) < 120:
        out.append(day.strftime("%Y-%m"))
        day = next_month(day)
    return out


class MetricsPage(QWidget):
    incident_requested = Signal(int)
    message = Signal(str)
    loaded = Signal()  # the figures on screen are the latest asked for
    missed_loaded = Signal()

    def __init__(self, kb, runner, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("metricsPage")
        self.kb, self.runner, self.chinese = kb, runner, chinese
        self.figures: dict | None = None
        self._request = 0
        self._missed_request = 0
        self.charts_built = False
        self.customer = QComboBox(self)
        self.customer.setObjectName("metricsCustomer")
        self.customer.setMinimumContentsLength(10)
        self.customer.addItem(self.tr("All customers"), None)
        today = dt.date.today()
        self.first_month = self._month_edit("metricsFrom", QDate(today.year - 1, today.month, 1).addMonths(1))
        self.last_month = self._month_edit("metricsTo", QDate(today.year, today.month, 1))
        self.promise = QComboBox(self)
        self.promise.setObjectName("metricsPromise")
        for key in PROMISES:
            self.promise.addItem(pick(dl.LABELS[key], chinese), key)
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.setObjectName("metricsRefresh")
        self.report_button = QPushButton(self.tr("Monthly &report…"), self)
        self.report_button.setObjectName("monthlyReportButton")
        self.report_button.setToolTip(self.tr("The customer's monthly service report (系统运行状况分析报告) as PDF or Markdown"))
        # Two rows, so that the tab fits a narrow window (its minimum width is the window's).
        bar, actions = QHBoxLayout(), QHBoxLayout()
        for row, label, widget in ((bar, self.tr("Customer:"), self.customer), (bar, self.tr("From:"), self.first_month),
                                   (bar, self.tr("To:"), self.last_month), (actions, self.tr("Promise:"), self.promise)):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget)
        bar.addStretch(1)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.report_button)
        self.summary_model = LevelFiguresModel(self)
        self.summary = QTableView(self)
        self.summary.setObjectName("metricsSummary")
        self.summary.setModel(self.summary_model)
        self.summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.summary.setMaximumHeight(190)
        self.status = QLabel(self.tr("Open this tab to compute the figures."), self)
        self.status.setObjectName("metricsStatus")
        self.status.setWordWrap(True)
        self.charts = QSplitter(Qt.Orientation.Horizontal, self)
        self.charts.setObjectName("metricsCharts")
        self.missed_label = QLabel(self.tr("Click a bar to list the incidents that missed the promise."), self)
        self.missed_label.setObjectName("missedLabel")
        self.missed_label.setWordWrap(True)
        self.missed_model = MissedModel(chinese, self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.missed_model)
        proxy.setSortRole(SortRole)
        self.missed_proxy = proxy
        self.missed = QTableView(self)
        self.missed.setObjectName("missedTable")
        self.missed.setModel(proxy)
        self.missed.setSortingEnabled(True)
        self.missed.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.missed.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.missed.horizontalHeader().setStretchLastSection(True)
        self.missed.doubleClicked.connect(self._open_missed)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.missed_label)
        lower_layout.addWidget(self.missed, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.charts)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.refresh_button.clicked.connect(self.reload)
        self.customer.activated.connect(lambda _i: self.reload())
        self.first_month.dateChanged.connect(lambda _d: self.reload())
        self.last_month.dateChanged.connect(lambda _d: self.reload())
        self.promise.activated.connect(lambda _i: self._draw())
        self.compliance = self.categories = self.times = None
        self.times_kind = None

    def _month_edit(self, name: str, date: QDate) -> QDateEdit:
        edit = QDateEdit(date, self)
        edit.setObjectName(name)
        edit.setDisplayFormat("yyyy-MM")
        edit.setCalendarPopup(True)
        return edit

    # -- what is asked --------------------------------------------------------------------------
    def chosen_customer(self) -> str | None:
        return self.customer.currentData()

    def period(self) -> tuple[dt.datetime, dt.datetime]:
        first, last = self.first_month.date().toPython(), self.last_month.date().toPython()
        if last < first:
            first, last = last, first
        return month_start(first), month_start(next_month(last))

    def months(self) -> list[str]:
        start, end = self.period()
        return months_between(start.date(), (end - dt.timedelta(days=1)).date())

    def promise_key(self) -> str:
        return self.promise.currentData() or dl.RESPONSE

    # -- loading ----------------------------------------------------------------------------------
    def build_charts(self) -> None:
        """Create the charts (imports pyqtgraph): on the tab's first showing."""
        if self.charts_built:
            return
        self.charts_built = True
        self.compliance = BarChart(self.tr("On time per level and month"), self.charts, y_label="%",
                                   y_range=(0, 105))
        self.categories = BarChart(self.tr("Incidents by category"), self.charts, horizontal=True)
        holder = QWidget(self.charts)  # the spread of times, with its choice above it
        self.times_kind = QComboBox(holder)
        self.times_kind.setObjectName("metricsTimesKind")
        self.times_kind.addItem(self.tr("Time to respond"), "respond")
        self.times_kind.addItem(self.tr("Time to resolve"), "resolve")
        self.times_kind.activated.connect(lambda _i: self._draw())
        self.times = BarChart(self.tr("Incidents per time taken"), holder)
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.times_kind)
        holder_layout.addWidget(self.times.widget, 1)
        self.charts.addWidget(self.compliance.widget)
        self.charts.addWidget(self.categories.widget)
        self.charts.addWidget(holder)
        self.charts.setStretchFactor(0, 3)
        self.charts.setSizes([600, 300, 300])  # the compliance chart widest; none squeezed out
        self.compliance.on_bar = self._compliance_clicked
        self.categories.on_bar = self._category_clicked

    def activate(self) -> None:
        self.build_charts()
        if self.figures is None:
            self.reload()

    def reload(self) -> None:
        self._request += 1
        token = self._request
        start, end = self.period()
        customer = self.chosen_customer()
        kb = self.kb
        self.status.setText(self.tr("Computing…"))

        def work():
            return (kb.metrics(start, end, customer=customer, missed=False), kb.metrics_distribution(start, end, customer=customer),
                    [c.name for c in kb.customers.list()])

        # The background lane: a first derivation of the facts (minutes at 100,000 incidents)
        # must not hold up the engineer's notes on the write lane; it commits step by step.
        self.runner.background(work, lambda result: self._loaded(token, result),
                          lambda exc: self._failed(token, exc))

    def _failed(self, token: int, exc) -> None:
        if token == self._request:
            self.status.setText(self.tr("The figures could not be computed: %1").replace("%1", str(exc)))

    def _loaded(self, token: int, result) -> None:
        if token != self._request:
            return  # a newer request is on its way
        figures, distribution, customers = result
        self.figures, self.distribution = figures, distribution
        chosen = self.chosen_customer()
        self.customer.blockSignals(True)
        self.customer.clear()
        self.customer.addItem(self.tr("All customers"), None)
        for name in customers:
            self.customer.addItem(name, name)
        if chosen is not None:
            index = self.customer.findData(chosen)
            if index < 0:
                self.customer.addItem(chosen, chosen)
                index = self.customer.count() - 1
            self.customer.setCurrentIndex(index)
        self.customer.blockSignals(False)
        self.summary_model.set_figures(figures)
        who = chosen or self.tr("all customers")
        start, end = self.period()
        self.status.setText(self.tr("%1 incidents of %2, %3 to %4")
                            .replace("%1", str(figures["overall"]["incidents"])).replace("%2", who)
                            .replace("%3", start.strftime("%Y-%m"))
                            .replace("%4", (end - dt.timedelta(days=1)).strftime("%Y-%m")))
        self._draw()
        self.loaded.emit()

    def _draw(self) -> None:
        if self.figures is None or not self.charts_built:
            return
        rate = RATE_OF[self.promise_key()]
        per_level = self.figures.get("by_level_month", {})
        months = self.months()
        series = []
        for level in LEVELS:
            values = tuple(None if (r := per_level.get(level, {}).get(m, {}).get(rate)) is None else r * 100
                           for m in months)
            series.append(Series(self.tr("Level %1").replace("%1", level), LEVEL_COLOURS[level], values))
        # "2026-01", then "02", "03"…: twelve full labels would run into each other.
        labels = [m if i == 0 or m.endswith("-01") else m[5:] for i, m in enumerate(months)]
        self.compliance.set_data(labels, series)
        categories = sorted(self.figures.get("by_category", {}).items(), key=lambda kv: -kv[1]["incidents"])
        self.category_keys = [key for key, _ in categories]
        labels = [pick(CATEGORIES.get(key, (key, key)), self.chinese) for key in self.category_keys]
        self.categories.set_data(labels, [Series(self.tr("Incidents"), "#1565c0",
                                                 tuple(float(b["incidents"]) for _, b in categories))])
        kind = self.times_kind.currentData() or "respond"
        bins = self.distribution.get(kind, [])
        self.times.set_data([label for label, _ in bins],
                            [Series(self.times_kind.currentText(), "#6a1b9a", tuple(float(n) for _, n in bins))])

    # -- the incidents behind a bar ------------------------------------------------------------
    def _compliance_clicked(self, month_index: int, level_index: int) -> None:
        months = self.months()
        if 0 <= month_index < len(months) and 0 <= level_index < len(LEVELS):
            self.show_missed(level=LEVELS[level_index], month=months[month_index])

    def _category_clicked(self, category_index: int, _series: int) -> None:
        if 0 <= category_index < len(self.category_keys):
            self.show_missed(category=self.category_keys[category_index])

    def show_missed(self, *, level: str | None = None, month: str | None = None, category: str | None = None) -> None:
        self._missed_request += 1
        token = self._missed_request
        key, (start, end), customer = self.promise_key(), self.period(), self.chosen_customer()
        kb = self.kb
        parts = [pick(dl.LABELS[key], self.chinese)]
        if level:
            parts.append(self.tr("Level %1").replace("%1", level))
        if month:
            parts.append(month)
        if category:
            parts.append(pick(CATEGORIES.get(category, (category, category)), self.chinese))
        title = " · ".join(parts)
        self.missed_label.setText(self.tr("Loading %1…").replace("%1", title))

        def work():
            return kb.missed_deadlines(key, start, end, customer=customer, level=level, month=month, category=category)

        def done(missed) -> None:
            if token != self._missed_request:
                return
            self.missed_model.set_missed(missed)
            self.missed.resizeColumnsToContents()
            self.missed_label.setText(self.tr("Missed: %1 — %2 incidents (double-click to open one)")
                                      .replace("%1", title).replace("%2", str(len(missed))))
            self.missed_loaded.emit()

        self.runner.background(work, done, lambda exc: self.missed_label.setText(str(exc)))

    def _open_missed(self, index) -> None:
        incident_id = self.missed_model.incident_id(self.missed_proxy.mapToSource(index).row())
        if incident_id is not None:
            self.incident_requested.emit(incident_id)


def install_metrics(window) -> MetricsPage:
    """Add the Metrics tab to a MainWindow (call once, at the end of its __init__)."""
    from kbapp.gui.service_report_dialog import ServiceReportDialog

    page = MetricsPage(window.kb.desk_reads, window.runner, window.chinese, window)  # offline: the desk's copy
    page.message.connect(lambda text: window.statusBar().showMessage(text, 10000))
    page.incident_requested.connect(window.incident_actions.open_incident)
    window.pages.addTab(page, QCoreApplication.translate("MetricsPage", "Metrics"))
    window.pages.currentChanged.connect(lambda _i: page.activate() if window.pages.currentWidget() is page else None)

    def report() -> None:
        dialog = ServiceReportDialog(window.kb.desk_reads, window.runner, page.chosen_customer(), window.chinese, window)
        dialog.written.connect(lambda path: window.statusBar().showMessage(
            QCoreApplication.translate("MetricsPage", "Monthly report written: %1").replace("%1", path), 15000))
        window.service_report_dialog = dialog
        dialog.open()

    page.report_button.clicked.connect(report)
    show = window._action(QCoreApplication.translate("MetricsPage", "Show &Metrics"),
                          lambda: window.pages.setCurrentWidget(page), ("Ctrl+7",), "showMetricsAction")
    monthly = window._action(QCoreApplication.translate("MetricsPage", "Monthly Service &Report…"), report, (),
                             "monthlyReportAction")
    window.incident_menu.addSeparator()
    window.incident_menu.addActions([show, monthly])
    page.show_action, page.monthly_action = show, monthly
    window.metrics = page
    return page
