"""The Metrics tab: a manager picks a customer, reads response compliance per level, clicks
the bar that missed to see which incidents missed and why, and exports the customer's
monthly service report as a PDF with Chinese text."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from kbapp.gui.metrics_models import LevelFiguresModel, MissedModel, SortRole
from kbapp.reports.metrics import MissedDeadline

H, M = dt.timedelta(hours=1), dt.timedelta(minutes=1)


def _figures(rate_ii: float | None) -> dict:
    level = {"incidents": 0, "response_on_time_rate": None, "mtta_median_s": None}
    return {"levels": {"I": dict(level), "II": {**level, "incidents": 2, "response_on_time_rate": rate_ii,
                                                  "mtta_median_s": 1860.0},
                       "III": dict(level), "IV": dict(level)},
            "overall": {**level, "incidents": 2, "response_on_time_rate": rate_ii}}


def test_the_level_table_shows_each_level_and_all_with_misses_in_red(qapp):
    model = LevelFiguresModel()
    model.set_figures(_figures(0.5))
    assert model.rowCount() == 5
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in range(5)] == [
        "Level I", "Level II", "Level III", "Level IV", "All"]
    response = model.index(1, 1)
    assert model.data(response) == "50%" and model.data(response, SortRole) == 0.5
    assert model.data(response, Qt.ItemDataRole.ForegroundRole) is not None  # below 100 %: red
    assert model.data(model.index(0, 1)) == "—"  # nothing decided: no figure, not 0 %
    assert model.data(model.index(1, 6)) == "31 min"
    model.set_figures(_figures(1.0))
    assert model.data(model.index(1, 1), Qt.ItemDataRole.ForegroundRole) is None


def test_the_missed_list_says_why_and_sorts_by_time(qapp):
    due = dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)
    model = MissedModel(chinese=True)
    model.set_missed([MissedDeadline(7, "应用报错", "II", "甲医院", "response", due, None, "未完成，已超时 5 min not met, 5 min overdue")])
    assert model.data(model.index(0, 4)) == "响应"
    assert model.data(model.index(0, 6)) == "never"  # translated in the Chinese UI
    assert model.data(model.index(0, 7)) == "未完成，已超时 5 min not met, 5 min overdue"
    assert model.data(model.index(0, 6), SortRole) == float("inf") and model.incident_id(0) == 7


def last_month_noon() -> dt.datetime:
    first = dt.datetime.now().astimezone().replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    return (first - dt.timedelta(days=10)).replace(day=10)


def _history(kb):
    """Last month, for 甲医院: A (level II) answered in 10 min, B (level II) 50 min late; 乙银行 one on time."""
    svc = kb.incidents
    real, now = svc.clock, last_month_noon()
    svc.clock = lambda: now
    try:
        a = svc.start("A 数据库慢", "II", notified_at=now - 10 * M, customer="甲医院", system="HIS")
        svc.acknowledge(a.id)
        b = svc.start("B 应用报错", "II", notified_at=now - 80 * M, customer="甲医院", system="HIS")
        svc.acknowledge(b.id)
        c = svc.start("C 转账慢", "III", notified_at=now - 5 * M, customer="乙银行")
        svc.acknowledge(c.id)
    finally:
        svc.clock = real
    return a, b, c


def _click(chart, x: float, y: float) -> None:
    box = chart.plot.getViewBox()
    scene = box.mapViewToScene(QPointF(x, y))
    view = chart.widget
    point = view.mapFromScene(scene)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_a_manager_reads_compliance_clicks_the_missed_bar_and_exports_the_report(qtbot, make_window, kb, tmp_path):
    _a, b, _c = _history(kb)
    window = make_window()
    page = window.metrics
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        window.pages.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.customer.findData("甲医院") >= 0)
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        page.customer.setCurrentIndex(page.customer.findData("甲医院"))
        page.customer.activated.emit(page.customer.currentIndex())
    level_ii = page.summary_model.index(1, 1)
    assert page.summary_model.data(level_ii) == "50%"  # one of 甲医院's two level II responses was late
    assert page.figures["overall"]["incidents"] == 2  # 乙银行's incident is not theirs
    month = page.months().index(last_month_noon().strftime("%Y-%m"))
    chart = page.compliance
    x = chart._centre(month, 1)  # level II's bar of this month
    assert chart.bar_at(x, 10) == (month, 1)
    with qtbot.waitSignal(page.missed_loaded, timeout=30_000):
        _click(chart, x, 25)  # a real click on the bar, half of it is there
    assert [page.missed_model.incident_id(r) for r in range(page.missed_model.rowCount())] == [b.id]
    assert page.missed_model.data(page.missed_model.index(0, 7)).startswith("超时 50 min 完成 met 50 min late")
    assert "1" in page.missed_label.text()

    page.report_button.click()
    dialog = window.service_report_dialog
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.customer == "甲医院", timeout=30_000)
    assert "超时" in dialog.suggestions.toPlainText()  # pre-filled from the missed response
    dialog.suggestions.setPlainText("- 增加夜间值班人员 more staff at night")
    out = tmp_path / "report.pdf"
    with qtbot.waitSignal(dialog.written, timeout=60_000):
        dialog.export_to(out)
    assert out.stat().st_size > 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "系统运行状况分析报告" in text and "甲医院" in text and "增加夜间值班人员" in text
        assert "B 应用报错" in text and "50%" in text


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_click_between_groups_is_no_bar(qapp, horizontal):
    from kbapp.gui.charts import BarChart, Series

    chart = BarChart("t", horizontal=horizontal)
    chart.set_data(["a", "b"], [Series("x", "#000", (1.0, 2.0)), Series("y", "#111", (3.0, None))])
    along = (lambda v: (1, v)) if horizontal else (lambda v: (v, 1))
    assert chart.bar_at(*along(0.5)) is None  # the gap between the groups
    assert chart.bar_at(*along(-0.3)) == (0, 0)
    assert chart.bar_at(*along(1.3)) == (1, 1)
