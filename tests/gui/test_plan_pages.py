"""The change requests tab, the visits and inspections tab and the notice of what is due:
their models without widgets, each page driven as a user would, nothing on the UI thread."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from kbapp.gui.changes_page import ChangesPage, DecideDialog, DoneDialog, NewChangeDialog
from kbapp.gui.operations import OperationRunner
from kbapp.gui.plan_models import (
    ChangesModel,
    DueInspectionsModel,
    DueVisitsModel,
    ObjectRole,
    VisitsModel,
    count_standing,
)
from kbapp.gui.plan_pages import DueBanner
from kbapp.gui.visits_page import IssueToChangeDialog, VisitDialog, VisitPlanDialog, VisitsPage
from kbapp.plan import changes as ch
from kbapp.plan import inspection_plans as ip
from kbapp.plan import schedule as sch
from kbapp.plan import visits as vs

CST = dt.timezone(dt.timedelta(hours=8))
TIMEOUT = 20_000


def at(day: str, time: str = "10:00:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=CST)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def _change(change_id: int, kind=ch.REQUIREMENT, state=ch.PENDING, days=12, needs=ch.LEADERSHIP, **kw):
    t = at("2026-12-01")
    values = dict(title=f"需求 {change_id}", description="", maintenance="perfective", customer="水利局",
                  raised_by="李科长", record_id=None, submission="", decided_by="", decided_as="", decided_at=None,
                  decision_note="", started_by="", started_at=None, done_at=None, result="", created_by="张工",
                  created_at=t, updated_at=t + dt.timedelta(minutes=change_id))
    values.update(kw)
    return ch.ChangeRequest(id=change_id, kind=kind, state=state, days=days, needs=needs, **values)


def _plan(plan_id=1, customer="水利局", frequency=sch.MONTHLY):
    return vs.VisitPlan(plan_id, customer, "水质监测", frequency, dt.date(2026, 11, 1), "李科长", True, "张工",
                        at("2026-11-01"))


def test_the_models_pass_the_model_tester(qtmodeltester):
    changes = ChangesModel(chinese=True)
    changes.set_rows([_change(2), _change(1, ch.DEFECT, ch.LOGGED, None, ch.NONE)])
    qtmodeltester.check(changes)
    assert changes.data(changes.index(0, 2)) == "待审批" and changes.data(changes.index(0, 4)) == "公司领导"
    assert changes.data(changes.index(1, 5)) == "" and changes.data(changes.index(1, 0), ObjectRole).id == 1

    overdue = vs.DueVisit(_plan(), sch.Standing(dt.date(2026, 12, 1), sch.OVERDUE, 2), None)
    due = vs.DueVisit(_plan(2, "财政局"), sch.Standing(dt.date(2026, 12, 4), sch.DUE), at("2026-11-04"))
    visits = DueVisitsModel(chinese=False)
    visits.set_rows([overdue, due])
    qtmodeltester.check(visits)
    assert visits.data(visits.index(0, 4)) == "Overdue by 2 day(s)" and visits.data(visits.index(1, 4)) == "Due"
    assert visits.data(visits.index(0, 2)) == "Monthly" and visits.data(visits.index(0, 3)) == "2026-12-01"

    made = VisitsModel(chinese=True)
    made.set_rows([vs.Visit(5, 1, "水利局", dt.date(2026, 12, 1), at("2026-12-02"), "张工", "onsite", "dissatisfied",
                            "报表太慢", "张工", (vs.VisitIssue(9, 5, "月报导出超时"),))])
    qtmodeltester.check(made)
    assert made.data(made.index(0, 3)) == "现场" and made.data(made.index(0, 4)) == "不满意"
    assert made.data(made.index(0, 5)) == 1

    plan = ip.InspectionPlan(3, "水利局", "数据库", sch.DAILY, dt.date(2026, 12, 1), "routine-inspection", "",
                             7, True)
    missed = ip.BackupStatus(ip.FULL, dt.date(2026, 11, 1), ip.MISSED)
    inspections = DueInspectionsModel(chinese=False)
    inspections.set_rows([ip.DueInspection(plan, sch.Standing(dt.date(2026, 12, 4), sch.DUE), None, (missed,))])
    qtmodeltester.check(inspections)
    assert inspections.data(inspections.index(0, 5)) == "Missed: full"
    assert count_standing([overdue, due]) == (1, 1)


@pytest.fixture
def runner():
    runner = OperationRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def clock(kb):
    clock = Clock(at("2026-11-20"))
    for service in (kb.visits, kb.inspection_plans, kb.change_requests):
        service.clock = clock
    kb.visits.tz = kb.inspection_plans.tz = CST
    return clock


def _spy(monkeypatch, *classes_and_names) -> list[threading.Thread]:
    threads: list[threading.Thread] = []
    for cls, names in classes_and_names:
        for name in names:
            original = getattr(cls, name)

            def spy(self, *args, _original=original, **kwargs):
                threads.append(threading.current_thread())
                return _original(self, *args, **kwargs)

            monkeypatch.setattr(cls, name, spy)
    return threads


def _open(page, cls):
    found = [d for d in page.findChildren(cls) if d.isVisible()]
    assert found, f"no {cls.__name__} open"
    return found[-1]


def test_a_large_requirement_cannot_start_until_the_leadership_approves_it(qtbot, kb, runner, clock, monkeypatch):
    threads = _spy(monkeypatch, (ch.ChangeRequestService, ("new", "approve", "start", "done", "list_changes",
                                                           "history")))
    monkeypatch.setattr(ch.ChangeRequestService, "list", ch.ChangeRequestService.list_changes)
    page = ChangesPage(kb, runner, chinese=False)
    qtbot.addWidget(page)
    page.show()
    page.actor = lambda: "张工"
    page.reload()

    dialog = page.new_change()
    assert _open(page, NewChangeDialog) is dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData(ch.REQUIREMENT))
    dialog.title.setText("增加水质月报")
    dialog.accept()
    assert dialog.isVisible() and "working days" in dialog.error.text()  # a requirement needs its estimate
    dialog.days.setValue(12)
    assert "company leadership" in dialog.needs.text().lower()
    dialog.accept()
    qtbot.waitUntil(lambda: page.current is not None and page.current.title == "增加水质月报", timeout=TIMEOUT)
    change = page.current
    assert (change.state, change.needs, change.days) == (ch.PENDING, ch.LEADERSHIP, 12)
    assert page.blocker.isVisible() and "approval of the Company leadership" in page.blocker.text()
    assert page.approve_action.isEnabled() and page.start_action.isEnabled() and not page.done_action.isEnabled()

    with qtbot.waitSignal(page.message, timeout=TIMEOUT) as refused:
        page.start_action.trigger()
    assert "needs the approval of the 公司领导 Company leadership" in refused.args[0]
    assert page.error_label.isVisible()

    decide = page.open_decide(True)
    assert _open(page, DecideDialog) is decide and decide.by.text() == "张工"
    assert decide.as_role.currentData() == ch.LEADERSHIP  # what this request needs
    decide.as_role.setCurrentIndex(decide.as_role.findData(ch.DEPARTMENT_HEAD))
    decide.by.setText("王部长")
    with qtbot.waitSignal(page.message, timeout=TIMEOUT) as refused:
        decide.accept()
    assert "only the 公司领导 Company leadership can approve it" in refused.args[0]

    page.decide(change.id, True, "赵总", ch.LEADERSHIP, "同意")
    qtbot.waitUntil(lambda: page.current.state == ch.APPROVED, timeout=TIMEOUT)
    assert not page.blocker.isVisible() and not page.approve_action.isEnabled()
    page.start_action.trigger()
    qtbot.waitUntil(lambda: page.current.state == ch.IN_PROGRESS, timeout=TIMEOUT)
    done = page.open_done()
    assert _open(page, DoneDialog) is done
    done.accept()
    assert done.isVisible() and done.error.text()
    done.result_text.setPlainText("新增水质月报模板")
    done.accept()
    qtbot.waitUntil(lambda: page.current.state == ch.DONE, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "新增水质月报模板" in page.details.toPlainText(), timeout=TIMEOUT)
    assert "赵总" in page.details.toPlainText()
    assert threads and threading.main_thread() not in threads  # nothing ran on the UI thread
    assert (kb.change_requests.get(change.id).decided_by, kb.change_requests.get(change.id).started_by) == (
        "赵总", "张工")


def test_a_monthly_visit_falls_overdue_and_its_complaint_becomes_a_record(qtbot, kb, runner, clock, monkeypatch):
    threads = _spy(monkeypatch, (vs.VisitService, ("new_plan", "due", "record", "list_visits", "to_record",
                                                   "to_change")),
                   (ip.InspectionPlanService, ("new_plan", "due")))
    monkeypatch.setattr(vs.VisitService, "list", vs.VisitService.list_visits)
    page = VisitsPage(kb, runner, chinese=False)
    qtbot.addWidget(page)
    page.show()
    page.actor = lambda: "张工"

    dialog = page.new_plan()
    assert _open(page, VisitPlanDialog) is dialog
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text()
    dialog.customer.setText("水利局")
    dialog.contact.setText("李科长")
    dialog.first.setDate(dialog.first.date().fromString("2026-12-01", "yyyy-MM-dd"))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        dialog.accept()
    assert page.due_model.rows[0].standing.state == sch.SCHEDULED
    page.create_inspection_plan({"customer": "水利局", "system": "数据库", "frequency": sch.DAILY,
                                 "first_due": dt.date(2026, 12, 1), "checklist": "routine-inspection",
                                 "inspector": "", "full_backup_days": 7})
    qtbot.waitUntil(lambda: page.inspections_model.rowCount() == 1, timeout=TIMEOUT)

    clock.now = at("2026-11-30", "23:59:59")  # the day before: due, and tomorrow's inspection too
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.reload()
    assert page.due_model.data(page.due_model.index(0, 4)) == "Due"
    assert page.inspections_model.rows[0].standing.state == sch.DUE
    clock.now = at("2026-12-02", "00:00:01")  # its due day has ended
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.reload()
    assert page.due_model.data(page.due_model.index(0, 4)) == "Overdue by 1 day(s)"

    page.due_table.setCurrentIndex(page.due_table.model().index(0, 0))
    visit = page.record_visit()
    assert _open(page, VisitDialog) is visit and visit.customer.text() == "水利局" and visit.visitor.text() == "张工"
    visit.satisfaction.setCurrentIndex(visit.satisfaction.findData("dissatisfied"))
    visit.issues.setPlainText("月报导出超时\n增加水质月报")
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        visit.accept()
    assert page.due_model.rows[0].standing.state == sch.SCHEDULED  # done: the next one is January's
    page.visits_table.setCurrentIndex(page.visits_table.model().index(0, 0))
    assert page.issues.count() == 2 and page.plan_actions["issueToRecord"].isEnabled()

    with qtbot.waitSignal(page.record_made, timeout=TIMEOUT) as made:
        page.plan_actions["issueToRecord"].trigger()
    qtbot.waitUntil(lambda: "problem record #" in page.issues.item(0).text(), timeout=TIMEOUT)
    assert not page.plan_actions["issueToRecord"].isEnabled()  # made once
    page.issues.setCurrentRow(1)
    to_change = page.issue_to_change()
    assert _open(page, IssueToChangeDialog) is to_change
    to_change.days.setValue(12)
    with qtbot.waitSignal(page.change_made, timeout=TIMEOUT) as changed:
        to_change.accept()
    assert threads and threading.main_thread() not in threads
    record = kb.records.get(made.args[0])
    assert (record.title, record.customer, record.reporter) == ("月报导出超时", "水利局", "李科长")
    assert kb.change_requests.get(changed.args[0]).needs == ch.LEADERSHIP


def test_the_due_notice_turns_overdue_the_day_after_the_due_day(qtbot, kb, clock):
    banner = DueBanner()
    qtbot.addWidget(banner)
    kb.visits.new_plan("水利局", "monthly", "2026-12-01")
    kb.inspection_plans.new_plan("水利局", "数据库", "daily", "2026-12-01")
    clock.now = at("2026-11-29")
    assert banner.show_due(kb.visits.due(), kb.inspection_plans.due()) == "" and banner.isHidden()
    clock.now = at("2026-11-30", "00:00:00")  # the day before: due (tomorrow's are listed)
    assert banner.show_due(kb.visits.due(), kb.inspection_plans.due()) == (
        "1 follow-up visit(s) due; 1 inspection(s) due")
    assert not banner.isHidden()
    clock.now = at("2026-12-02", "00:00:00")  # the due day's last instant: still due
    assert banner.summary(kb.visits.due(), kb.inspection_plans.due()) == (
        "1 follow-up visit(s) due; 1 inspection(s) due")
    clock.now = at("2026-12-02", "00:00:01")  # the day after the due day: overdue
    assert banner.summary(kb.visits.due(), []) == "1 follow-up visit(s) overdue"


def test_the_window_shows_what_is_due_on_start(qtbot, make_window, kb, clock):
    kb.visits.new_plan("水利局", "monthly", "2026-12-01")
    clock.now = at("2026-12-02", "09:00:00")
    window = make_window()
    qtbot.waitUntil(lambda: window.due_banner.isVisible(), timeout=TIMEOUT)
    assert window.due_banner.label.text() == "1 follow-up visit(s) overdue"
    window.due_banner.button.click()
    assert window.pages.currentWidget() is window.visits
    window.plan_pages.show_changes_action.trigger()
    assert window.pages.currentWidget() is window.changes
