"""Change requests of the trial operation (程序功能调整, plan ch. 3.2.1): who must approve
what before work starts, at the 10/11 working-day boundary; the working-day calendar."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from kbhelpers import open_kb, run_cli

from kbapp.plan import changes as ch
from kbapp.plan import workdays
from kbapp.plan.changes import ChangeError, ChangeRequestService
from kbapp.store.db import Store
from kbapp.store.schema import Base

T0 = dt.datetime(2026, 9, 28, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now=T0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def kb(tmp_path):
    base = open_kb(tmp_path, shipped={})
    yield base
    base.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def svc(kb, clock):
    return ChangeRequestService(kb.store, kb, clock=clock, actor="张工")


# -- the calendar ----------------------------------------------------------------------------------

def test_working_days_follow_the_chinese_holidays_and_make_up_workdays():
    assert not workdays.is_working_day(dt.date(2026, 10, 5))   # National Day holiday, a Monday
    assert workdays.is_working_day(dt.date(2026, 10, 10))      # a Saturday worked instead (调休上班)
    assert not workdays.is_working_day(dt.date(2026, 10, 11))  # an ordinary Sunday
    # 28-30 Sep, then 8, 9 and Saturday 10 Oct: six working days across the Golden Week.
    assert workdays.working_days_between(dt.date(2026, 9, 28), dt.date(2026, 10, 11)) == 6
    assert workdays.add_working_days(dt.date(2026, 9, 28), 6) == dt.date(2026, 10, 10)
    assert workdays.add_working_days(dt.date(2026, 9, 28), 7) == dt.date(2026, 10, 12)


# -- who approves what --------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "days", "needs"), [
    ("defect", None, ch.NONE), ("unclear", None, ch.DEPARTMENT_HEAD), ("requirement", 1, ch.DEPARTMENT_HEAD),
    ("requirement", 10, ch.DEPARTMENT_HEAD), ("requirement", 11, ch.LEADERSHIP), ("requirement", 12, ch.LEADERSHIP)])
def test_the_approval_each_class_and_size_needs(kind, days, needs):
    assert ch.approval_needed(kind, days) == needs


def test_a_defect_is_fixed_on_the_spot_without_approval(svc, clock):
    change = svc.new("defect", "报表合计错误")
    assert change.state == ch.LOGGED and change.needs == ch.NONE and change.submission == ""
    assert svc.start(change.id).state == ch.IN_PROGRESS
    done = svc.done(change.id, "修正合计公式")
    assert done.state == ch.DONE and done.result == "修正合计公式" and done.maintenance == "corrective"
    with pytest.raises(ChangeError, match="fixed on the spot"):
        svc.approve(change.id, "王部长", "department-head")


def test_ten_working_days_need_the_department_head(svc, clock):
    change = svc.new("requirement", "新增导出格式", days=10)
    assert change.state == ch.PENDING and "部门领导" in change.submission and "10 个工作日" in change.submission
    with pytest.raises(ChangeError, match="needs the approval of the 部门领导") as refused:
        svc.start(change.id)
    assert refused.value.field == "approval"
    clock.now += dt.timedelta(hours=2)
    approved = svc.approve(change.id, "王部长", "部门领导", note="同意")
    assert (approved.decided_by, approved.decided_as, approved.decided_at) == ("王部长", ch.DEPARTMENT_HEAD, clock.now)
    started = svc.start(change.id)
    assert started.state == ch.IN_PROGRESS and started.started_by == "张工"
    # Monday 28 Sep 11:00 UTC is the 28th in any zone from UTC-11 to UTC+12: 28-30 Sep, 8-10 Oct, 12-15 Oct: the 10th working day is 15 Oct.
    assert started.planned_finish() == dt.date(2026, 10, 15)


def test_eleven_working_days_need_the_company_leadership(svc):
    change = svc.new("requirement", "新增统计模块", days=11)
    with pytest.raises(ChangeError, match="only the 公司领导 Company leadership can approve it") as low:
        svc.approve(change.id, "王部长", "department-head")
    assert low.value.field == "as"
    assert svc.get(change.id).state == ch.PENDING  # the refused approval changed nothing
    with pytest.raises(ChangeError, match="公司领导"):
        svc.start(change.id)
    svc.approve(change.id, "李总", "leadership")
    assert svc.start(change.id).state == ch.IN_PROGRESS


def test_an_unclear_function_waits_for_the_department_head_and_a_refusal_is_final(svc):
    change = svc.new("unclear", "“支持多种报表”含义不明", description="客户要求按月汇总")
    assert change.needs == ch.DEPARTMENT_HEAD and "客户要求按月汇总" in change.submission
    refused = svc.refuse(change.id, "王部长", "department-head", note="超出协议范围")
    assert refused.state == ch.REFUSED and refused.decision_note == "超出协议范围"
    with pytest.raises(ChangeError, match="was refused by 王部长"):
        svc.start(change.id)
    with pytest.raises(ChangeError, match="not awaiting approval"):
        svc.approve(change.id, "李总", "leadership")
    assert [e.action for e in svc.history(change.id)] == ["logged", "submitted", "refused"]


def test_bad_input_is_refused_naming_the_field(svc):
    for call, field in ((lambda: svc.new("feature", "x"), "kind"), (lambda: svc.new("requirement", "x"), "days"),
                        (lambda: svc.new("requirement", "x", days="two"), "days"),
                        (lambda: svc.new("requirement", "x", days=0), "days"),
                        (lambda: svc.new("defect", ""), "title"),
                        (lambda: svc.new("defect", "x", maintenance="quick"), "maintenance"),
                        (lambda: svc.new("defect", "x", record_id=99), "record_id"),
                        (lambda: svc.approve(99, "a", "leadership"), "change_id"),
                        (lambda: svc.done(99, "x"), "change_id")):
        with pytest.raises(ChangeError) as info:
            call()
        assert info.value.field == field
    assert svc.list() == []


def test_the_migration_creates_exactly_the_change_tables(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}", backup_dir=tmp_path / "b")
    try:
        assert {"change_requests", "change_events"} <= set(Base.metadata.tables)
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
    finally:
        store.close()


# -- the command line -----------------------------------------------------------------------------------

def test_cli_a_twelve_day_requirement_cannot_start_until_the_leadership_approves(tmp_path):
    home = tmp_path / "home"
    made = run_cli("change", "new", "--kind", "requirement", "--title", "新增月报", "--days", "12", "--json",
                   home=home)
    assert made.returncode == 0, made.stderr
    cid = str(json.loads(made.stdout)["id"])
    blocked = run_cli("change", "start", cid, home=home)
    assert blocked.returncode == 1 and "Traceback" not in blocked.stderr
    assert "needs the approval of the 公司领导 Company leadership" in blocked.stderr
    low = run_cli("change", "approve", cid, "--by", "王部长", "--as", "department-head", home=home)
    assert low.returncode == 1 and "only the 公司领导" in low.stderr
    assert run_cli("change", "start", cid, home=home).returncode == 1
    ok = run_cli("change", "approve", cid, "--by", "李总", "--as", "leadership", home=home)
    assert ok.returncode == 0, ok.stderr
    started = run_cli("change", "start", cid, "--json", home=home)
    assert started.returncode == 0 and json.loads(started.stdout)["state"] == "in_progress"
    shown = json.loads(run_cli("change", "show", cid, "--json", home=home).stdout)
    assert shown["decided_by"] == "李总" and [e["action"] for e in shown["history"]] == [
        "logged", "submitted", "approved", "started"]
    plain = run_cli("change", "new", "--kind", "defect", "--title", "按钮错位", home=home)
    assert plain.returncode == 0 and plain.stdout.strip() == "2"
    sub = run_cli("change", "submission", cid, "-o", str(tmp_path / "s.md"), home=home)
    assert sub.returncode == 0 and "新增月报" in (tmp_path / "s.md").read_text(encoding="utf-8")
