"""Follow-up visits (定期回访) and scheduled inspections (巡检计划): falling due and overdue at
the boundary with an injected clock, an issue raised becoming a record or change in one
step, backups flagged when missed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from kbhelpers import open_kb, run_cli

from kbapp.plan import changes as ch
from kbapp.plan import inspection_plans as ip
from kbapp.plan import schedule as sch
from kbapp.plan.inspection_plans import InspectionPlanError, InspectionPlanService
from kbapp.plan.visits import VisitError, VisitService

CST = dt.timezone(dt.timedelta(hours=8))  # the team's zone: due dates are Beijing days


def at(day: str, time: str = "10:00:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=CST)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock(at("2026-11-20"))


@pytest.fixture
def kb(tmp_path, clock):
    base = open_kb(tmp_path)  # the shipped library: its routine-inspection checklist
    base.incidents.clock = clock
    base.records.clock = clock
    base.change_requests.clock = clock
    yield base
    base.close()


@pytest.fixture
def visits(kb, clock):
    return VisitService(kb.store, kb, clock=clock, actor="张工", tz=CST)


@pytest.fixture
def plans(kb, clock):
    return InspectionPlanService(kb.store, kb, clock=clock, actor="张工", tz=CST)


# -- the schedule ---------------------------------------------------------------------------------------

def test_a_monthly_schedule_counts_from_its_anchor_and_skips_what_was_missed():
    anchor = dt.date(2026, 1, 31)
    assert [sch.occurrence(anchor, sch.MONTHLY, k) for k in range(3)] == [
        dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    assert sch.next_due(anchor, sch.MONTHLY) == anchor
    assert sch.next_due(anchor, sch.MONTHLY, dt.date(2026, 1, 31), dt.date(2026, 1, 30)) == dt.date(2026, 2, 28)
    # Done a month and a half late: the next one is the first after the day it was done.
    assert sch.next_due(anchor, sch.MONTHLY, dt.date(2026, 1, 31), dt.date(2026, 3, 15)) == dt.date(2026, 3, 31)
    assert sch.next_due(dt.date(2026, 1, 1), sch.DAILY, dt.date(2026, 6, 1), dt.date(2026, 6, 1)) == dt.date(2026, 6, 2)
    assert sch.next_due(dt.date(2026, 1, 1), sch.WEEKLY, dt.date(2026, 1, 1), dt.date(2026, 1, 8)) == dt.date(2026, 1, 15)


def test_due_until_the_end_of_the_day_and_overdue_one_second_later():
    day = dt.date(2026, 12, 1)
    end = at("2026-12-02", "00:00:00")
    assert sch.standing(day, end, CST).state == sch.DUE
    late = sch.standing(day, end + dt.timedelta(seconds=1), CST)
    assert (late.state, late.overdue_days) == (sch.OVERDUE, 1)
    assert sch.standing(day, at("2026-11-30", "00:00:00"), CST).state == sch.DUE  # tomorrow's is due today
    assert sch.standing(day, at("2026-11-29", "23:59:59"), CST).state == sch.SCHEDULED
    assert sch.standing(day, at("2026-11-29", "23:59:59"), CST, horizon=2).state == sch.DUE


# -- follow-up visits -------------------------------------------------------------------------------------

def test_a_monthly_visit_is_overdue_the_day_after_it_was_due(visits, clock):
    plan = visits.new_plan("水利局", "monthly", "2026-12-01", contact="李科长")
    clock.now = at("2026-11-29", "12:00:00")
    assert visits.due() == []
    clock.now = at("2026-11-30")
    assert [(d.plan.id, d.standing.state) for d in visits.due()] == [(plan.id, sch.DUE)]
    clock.now = at("2026-12-02", "00:00:00")  # the end of the due day: still due
    assert visits.due()[0].standing.state == sch.DUE
    clock.now += dt.timedelta(seconds=1)
    overdue = visits.due()[0]
    assert (overdue.standing.state, overdue.standing.due_date) == (sch.OVERDUE, dt.date(2026, 12, 1))
    clock.now = at("2026-12-02", "15:00:00")
    visit = visits.record(plan.id, method="电话", satisfaction="不满意", remarks="报表太慢",
                          issues=["月报导出超时", ""])
    assert (visit.due_date, visit.visitor, visit.method, visit.satisfaction) == (
        dt.date(2026, 12, 1), "张工", "phone", "dissatisfied")
    assert [i.text for i in visit.issues] == ["月报导出超时"]
    assert visits.due() == [] and visits.next_due(plan.id) == dt.date(2027, 1, 1)


def test_a_complaint_becomes_a_problem_record_in_one_step(visits, kb, clock):
    plan = visits.new_plan("水利局", "monthly", "2026-11-20", contact="李科长", system="水质监测")
    visit = visits.record(plan.id, satisfaction="fair", issues=["月报导出超时，影响月底汇总"])
    record = visits.to_record(visit.issues[0].id)
    assert (record.kind, record.state, record.title) == ("defect", "submitted", "月报导出超时，影响月底汇总")
    assert (record.reporter, record.place) == ("李科长", "水利局") and f"#{visit.id}" in record.description
    assert (record.customer, record.system, record.raised_at) == ("水利局", "水质监测", visit.at)
    assert visits.get(visit.id).issues[0].record_id == record.id
    assert visits.to_record(visit.issues[0].id).id == record.id  # asked twice: the same record
    assert len(kb.records.list()) == 1
    with pytest.raises(VisitError, match="became problem record"):
        visits.to_change(visit.issues[0].id)


def test_a_request_raised_in_a_visit_becomes_a_change_request_in_one_step(visits, kb):
    visit = visits.record(customer="水利局", method="onsite", issues=["增加水质月报"])
    change = visits.to_change(visit.issues[0].id, kind="requirement", days=12)
    assert (change.kind, change.needs, change.state, change.customer) == (
        "requirement", ch.LEADERSHIP, ch.PENDING, "水利局")
    assert visits.get(visit.id).issues[0].change_id == change.id
    with pytest.raises(ch.ChangeError, match="公司领导"):
        kb.change_requests.start(change.id)


def test_bad_visit_input_names_the_field(visits):
    for call, field in ((lambda: visits.new_plan("", "monthly"), "customer"),
                        (lambda: visits.new_plan("x", "yearly"), "frequency"),
                        (lambda: visits.new_plan("x", "monthly", "2026-13-01"), "first_due"),
                        (lambda: visits.record(), "customer"),
                        (lambda: visits.record(customer="x", method="fax"), "method"),
                        (lambda: visits.record(customer="x", satisfaction="ok"), "satisfaction"),
                        (lambda: visits.record(99), "plan_id"),
                        (lambda: visits.record(customer="x", at=at("2027-01-01")), "at"),
                        (lambda: visits.to_record(5), "issue_id")):
        with pytest.raises(VisitError) as info:
            call()
        assert info.value.field == field


# -- scheduled inspections --------------------------------------------------------------------------------

def _finish(kb, inspection_id: int) -> None:
    service = kb.training.inspections
    for item in service.items(inspection_id):
        service.record(inspection_id, item.number, "pass")
    service.finish(inspection_id)


def test_tomorrows_inspection_is_listed_as_due_and_finishing_it_moves_the_plan(plans, kb, clock):
    plan = plans.new_plan("水利局", "水资源监控", "daily", "2026-11-21", inspector="王工")
    for kind in ip.BACKUP_KINDS:  # backups in order: only the schedule lists the plan
        plans.record_backup(plan.id, kind, "2026-11-20")
    due = plans.due()
    assert [(d.plan.id, d.state, d.standing.due_date) for d in due] == [(plan.id, sch.DUE, dt.date(2026, 11, 21))]
    assert plans.due(horizon=0) == []  # looking at today only: tomorrow's is not due yet
    inspection = plans.start(plan.id)
    assert plans.start(plan.id).id == inspection.id  # the open one, not a second
    assert plans.due()[0].open_inspection == inspection.id
    assert inspection.responsible == "王工" and "水利局 水资源监控 2026-11-21" in inspection.title
    clock.now = at("2026-11-21", "09:00:00")
    _finish(kb, inspection.id)
    assert plans.next_due(plan.id) == dt.date(2026, 11, 22)
    clock.now = at("2026-11-23", "00:00:01")  # the 22nd's inspection was not done
    overdue = plans.due()[0]
    assert (overdue.state, overdue.standing.due_date, overdue.open_inspection) == (
        sch.OVERDUE, dt.date(2026, 11, 22), None)
    assert [b.kind for b in overdue.missed_backups] == [ip.INCREMENTAL]  # the 20th's, two days old now


def test_backups_are_flagged_when_missed_or_never_recorded(plans, clock):
    plan = plans.new_plan("水利局", "水资源监控", "weekly", "2026-12-31", full_backup_days=7)
    assert {b.kind: b.state for b in plans.backups(plan.id)} == {ip.INCREMENTAL: ip.UNKNOWN, ip.FULL: ip.UNKNOWN}
    # Not due for weeks, but its backups were never recorded: listed for them.
    assert [d.plan.id for d in plans.due()] == [plan.id]
    today = dt.date(2026, 11, 20)
    assert plans.record_backup(plan.id, "增量备份", today - dt.timedelta(days=1)).state == ip.OK
    assert plans.record_backup(plan.id, "full", today - dt.timedelta(days=7)).state == ip.OK
    assert plans.due() == []
    assert plans.record_backup(plan.id, "incremental", today - dt.timedelta(days=2)).state == ip.MISSED
    assert plans.record_backup(plan.id, "全备份", today - dt.timedelta(days=8)).state == ip.MISSED
    listed = plans.due()
    assert [b.kind for b in listed[0].missed_backups] == [ip.INCREMENTAL, ip.FULL]
    assert listed[0].backups[0].last_good == today - dt.timedelta(days=2)
    with pytest.raises(InspectionPlanError) as future:
        plans.record_backup(plan.id, "full", today + dt.timedelta(days=1))
    assert future.value.field == "last_good"


def test_an_inspection_plan_needs_a_checklist_and_a_known_frequency(plans):
    for call, field in ((lambda: plans.new_plan("x", frequency="quarterly"), "frequency"),
                        (lambda: plans.new_plan("x", checklist="data-loss"), "checklist"),
                        (lambda: plans.new_plan("x", checklist="nope"), "checklist"),
                        (lambda: plans.new_plan("x", full_backup_days=0), "full_backup_days"),
                        (lambda: plans.start(7), "plan_id")):
        with pytest.raises(InspectionPlanError) as info:
            call()
        assert info.value.field == field


# -- the command line ---------------------------------------------------------------------------------------

def test_cli_visits_and_inspections_due(tmp_path):
    home = tmp_path / "home"
    today = dt.date.today()

    def cli(*args):
        result = run_cli(*args, home=home)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        return result.stdout

    yesterday = (today - dt.timedelta(days=2)).isoformat()
    pid = cli("visit", "plan", "--customer", "水利局", "--every", "monthly", "--first", yesterday).strip()
    due = json.loads(cli("visit", "due", "--json"))
    assert [(d["plan"]["id"], d["state"]) for d in due] == [(int(pid), "overdue")]
    assert cli("incident", "list").splitlines() == [  # the line on start of the day's list
        "到期提醒 due: 1 次回访已逾期 1 follow-up visit(s) overdue (kbapp visit due, kbapp inspect due)"]
    done = json.loads(cli("visit", "done", pid, "--method", "现场", "--satisfaction", "满意",
                          "--issue", "希望增加短信提醒", "--json"))
    raised = json.loads(cli("visit", "raise", str(done["issues"][0]["id"]), "--as", "record", "--json"))
    assert raised["record"]["title"] == "希望增加短信提醒"
    assert json.loads(cli("visit", "due", "--json")) == []

    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    cli("inspect", "plan", "--customer", "水利局", "--system", "监控平台", "--first", tomorrow)
    listed = json.loads(cli("inspect", "due", "--json"))
    assert [(d["customer"], d["due_date"], d["state"]) for d in listed] == [("水利局", tomorrow, "due")]
    assert "1 次巡检到期 1 inspection(s) due" in cli("incident", "list")
    assert listed[0]["missed_backups"] == ["incremental", "full"]
    cli("inspect", "backup", "1", "--incremental", today.isoformat(), "--full", today.isoformat())
    assert json.loads(cli("inspect", "due", "--json"))[0]["missed_backups"] == []
    bad = run_cli("inspect", "plan", "--customer", "x", "--every", "hourly", home=home)
    assert bad.returncode == 1 and "frequency" in bad.stderr


def test_the_due_line_counts_at_the_boundary(visits, plans, clock):
    visits.new_plan("水利局", "monthly", "2026-12-01")
    plans.new_plan("水利局", "监控平台", "daily", "2026-12-01")
    clock.now = at("2026-11-29", "23:59:59")
    assert sch.due_line(visits.due(), plans.due()) == ""
    clock.now = at("2026-11-30", "00:00:00")  # the day before
    assert sch.due_line(visits.due(), plans.due()) == (
        "到期提醒 due: 1 次回访到期 1 follow-up visit(s) due; 1 次巡检到期 1 inspection(s) due "
        "(kbapp visit due, kbapp inspect due)")
    clock.now = at("2026-12-02", "00:00:00")  # the end of the due day: still due
    assert "1 follow-up visit(s) due" in sch.due_line(visits.due(), [])
    clock.now = at("2026-12-02", "00:00:01")  # the day after its due day ended
    assert sch.due_line(visits.due(), plans.due()).startswith(
        "到期提醒 due: 1 次回访已逾期 1 follow-up visit(s) overdue; 1 次巡检已逾期 1 inspection(s) overdue")
