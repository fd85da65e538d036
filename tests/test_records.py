"""Problem records (问题记录): the workflow, the service, the documents, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from kbhelpers import open_kb, playbook_text, run_cli

from kbapp.parser import parse_file
from kbapp.records import workflow as wf
from kbapp.records.service import RecordService
from kbapp.records.workflow import RecordError
from kbapp.store.db import Store
from kbapp.store.schema import Base

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

# The fields each legal move needs, keyed by (kind, to_state).
FIELDS = {
    (wf.DEFECT, wf.ANALYSED): {"classification": "technical"},
    (wf.DEFECT, wf.PROPOSED): {"fix": "扩大导出内存"},
    (wf.DEFECT, wf.SIGNED_OFF): {"supervisor": "王主管", "supervisor_role": "主管 Supervisor"},
    (wf.DEFECT, wf.RESOLVED): {"cause": "内存上限过小", "prevention": "月底前检查内存配置", "tips": "导出大报表请分月导出"},
    (wf.DEFECT, wf.REPORTED): {},
    (wf.DEFECT, wf.REPLIED): {"solution": "已调整配置", "analysis": "查看导出日志",
                              "change_record": "导出服务内存上限 2G → 4G"},
    (wf.CONSULTATION, wf.CLOSED): {"answer": "已指导用户在设置中重置密码"},
}
# Every (kind, state) a record can be in, with the moves that lead there from "submitted".
PATHS = {
    (wf.DEFECT, wf.SUBMITTED): [],
    (wf.DEFECT, wf.ANALYSED): [wf.ANALYSED],
    (wf.DEFECT, wf.PROPOSED): [wf.ANALYSED, wf.PROPOSED],
    (wf.DEFECT, wf.SIGNED_OFF): [wf.ANALYSED, wf.PROPOSED, wf.SIGNED_OFF],
    (wf.DEFECT, wf.RESOLVED): [wf.ANALYSED, wf.PROPOSED, wf.SIGNED_OFF, wf.RESOLVED],
    (wf.DEFECT, wf.REPORTED): [wf.ANALYSED, wf.PROPOSED, wf.SIGNED_OFF, wf.RESOLVED, wf.REPORTED],
    (wf.DEFECT, wf.REPLIED): [wf.ANALYSED, wf.PROPOSED, wf.SIGNED_OFF, wf.RESOLVED, wf.REPORTED, wf.REPLIED],
    (wf.CONSULTATION, wf.SUBMITTED): [],
    (wf.CONSULTATION, wf.CLOSED): [wf.CLOSED],
    (wf.CONSULTATION, wf.ANALYSED): ["operation"],  # a defect analysed as an operation problem
}


class Clock:
    def __init__(self, now=T0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **kw):
        self.now += dt.timedelta(**kw)


@pytest.fixture
def kb(tmp_path):
    base = open_kb(tmp_path, shipped={"printer.md": playbook_text("printer", "打印机故障", "Printer fault")})
    base.sync_index()
    yield base
    base.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def svc(kb, clock):
    return RecordService(kb.store, kb, clock=clock, actor="张工")


def reach(svc: RecordService, kind: str, state: str, title: str = "打印机无法打印") -> wf.ProblemRecord:
    """A new record brought to (kind, state) through legal moves only."""
    steps = PATHS[(kind, state)]
    record = svc.new(wf.DEFECT if steps == ["operation"] else kind, title, description="财务处打印机卡纸后无法打印")
    for step in steps:
        if step == "operation":
            record = svc.move(record.id, wf.ANALYSED, classification="operation")
        else:
            record = svc.move(record.id, step, **FIELDS[(record.kind, step)])
    assert (record.kind, record.state) == (kind, state)
    return record


def db_rows(kb) -> tuple:
    """Both record tables, to prove a refused move changed nothing."""
    con = sqlite3.connect(kb.home.database)
    try:
        return tuple(tuple(con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall())
                     for t in ("problem_records", "record_transitions"))
    finally:
        con.close()


# -- the pure workflow --------------------------------------------------------------------------

def test_the_tables_cover_every_state_of_every_kind():
    assert set(PATHS) == {(k, s) for k, table in wf.TRANSITIONS.items() for s in table}
    moves = {(kind, target) for kind, table in wf.TRANSITIONS.items()
             for targets in table.values() for target in targets}
    assert moves == set(FIELDS) == set(wf.REQUIRED)


@pytest.mark.parametrize("kind,state", sorted(PATHS))
def test_every_illegal_move_is_refused_by_the_workflow(kind, state):
    allowed = wf.allowed_moves(kind, state)
    for target in wf.STATES:
        if target in allowed:
            continue
        with pytest.raises(RecordError) as info:
            wf.plan_move(kind, state, target, {"answer": "x", "classification": "technical"})
        message = str(info.value)
        assert info.value.field == "state"
        assert f"is {state};" in message and f"cannot move to {target}" in message
        assert (", ".join(allowed) if allowed else "none: the record is finished") in message


@pytest.mark.parametrize("kind,to_state", sorted(FIELDS))
def test_each_required_field_is_asked_for_by_name(kind, to_state):
    source = next(s for s, targets in wf.TRANSITIONS[kind].items() if to_state in targets)
    full = FIELDS[(kind, to_state)]
    assert wf.plan_move(kind, source, to_state, full).to_state == to_state
    for name in full:
        partial = {k: v for k, v in full.items() if k != name}
        assert wf.missing_fields(kind, to_state, partial) == [name]
        with pytest.raises(RecordError) as info:
            wf.plan_move(kind, source, to_state, {**partial, name: "   "})
        assert info.value.field == name and str(info.value).startswith(f"{name}: required to move to {to_state}")


def test_fields_of_another_move_and_unknown_fields_are_refused():
    with pytest.raises(RecordError, match="cause: not used when a defect moves to analysed") as info:
        wf.plan_move(wf.DEFECT, wf.SUBMITTED, wf.ANALYSED, {"classification": "business", "cause": "x"})
    assert info.value.field == "cause"
    with pytest.raises(RecordError, match="colour: not a field"):
        wf.plan_move(wf.DEFECT, wf.SUBMITTED, wf.ANALYSED, {"classification": "business", "colour": "red"})
    with pytest.raises(RecordError, match="classification: 'hardware' is not one of"):
        wf.plan_move(wf.DEFECT, wf.SUBMITTED, wf.ANALYSED, {"classification": "hardware"})
    with pytest.raises(RecordError, match="supervisor: must be a single line"):
        wf.plan_move(wf.DEFECT, wf.PROPOSED, wf.SIGNED_OFF, {"supervisor": "王\n李", "supervisor_role": "主管"})


def test_names_and_chinese_aliases_are_accepted():
    assert wf.check_kind("咨询类") == wf.CONSULTATION and wf.check_kind("系统缺陷类") == wf.DEFECT
    assert wf.check_state("Analyzed") == wf.ANALYSED and wf.check_state("问题回复") == wf.REPLIED
    assert wf.check_classification("操作问题") == wf.OPERATION and wf.check_classification("业务") == wf.BUSINESS
    with pytest.raises(RecordError, match="kind: 'bug' is not one of consultation, defect"):
        wf.check_kind("bug")
    with pytest.raises(RecordError, match="state: 'done' is not one of"):
        wf.check_state("done")


def test_an_operation_problem_becomes_a_consultation():
    move = wf.plan_move(wf.DEFECT, wf.SUBMITTED, "analysed", {"classification": "操作", "note": "已向用户解释"})
    assert (move.to_kind, move.to_state, move.converted) == (wf.CONSULTATION, wf.ANALYSED, True)
    assert move.fields == {"classification": wf.OPERATION} and move.note == "已向用户解释"
    for cls in (wf.TECHNICAL, wf.BUSINESS):
        assert wf.plan_move(wf.DEFECT, wf.SUBMITTED, wf.ANALYSED, {"classification": cls}).to_kind == wf.DEFECT


# -- the service ---------------------------------------------------------------------------------

def test_the_defect_path_logs_who_and_when_for_every_move(svc, clock):
    record = svc.new("defect", "报表导出失败", description="月底导出报表时提示内存不足", reporter="李四", place="财务处")
    assert (record.kind, record.state, record.created_by, record.created_at) == ("defect", "submitted", "张工", T0)
    assert record.raised == T0 and record.customer is None and record.system is None
    steps = [wf.ANALYSED, wf.PROPOSED, wf.SIGNED_OFF, wf.RESOLVED, wf.REPORTED, wf.REPLIED]
    actors = ["王工", "赵工", "王主管", "赵工", None, "钱工"]
    for step, actor in zip(steps, actors, strict=True):
        clock.advance(hours=1)
        record = svc.move(record.id, step, actor=actor, **FIELDS[(wf.DEFECT, step)])
        assert record.state == step and record.updated_at == clock.now
    assert record.finished and record.next_states == ()
    assert (record.classification, record.assigned_role, record.proposed_by) == ("technical", "technical", "赵工")
    assert (record.supervisor, record.supervisor_role, record.signed_off_at) == (
        "王主管", "主管 Supervisor", T0 + dt.timedelta(hours=3))
    assert (record.cause, record.prevention, record.tips) == ("内存上限过小", "月底前检查内存配置", "导出大报表请分月导出")
    assert record.change_record == "导出服务内存上限 2G → 4G"
    history = svc.history(record.id)
    assert [(t.from_state, t.to_state) for t in history] == [
        (None, "submitted"), ("submitted", "analysed"), ("analysed", "proposed"), ("proposed", "signed_off"),
        ("signed_off", "resolved"), ("resolved", "reported"), ("reported", "replied")]
    assert [t.actor for t in history] == ["张工", "王工", "赵工", "王主管", "赵工", "张工", "钱工"]
    assert [t.at for t in history] == [T0 + dt.timedelta(hours=h) for h in range(7)]
    assert history[2].fields == {"fix": "扩大导出内存"}
    assert history[3].fields == {"supervisor": "王主管", "supervisor_role": "主管 Supervisor"}
    assert "signed off by 王主管 (主管 Supervisor)" in history[3].describe()
    assert "交技术人员 to the technical staff" in history[1].describe()
    assert svc.get(record.id) == record
    text = (svc.folder / record.file_name).read_text(encoding="utf-8")
    for part in ("预防措施 Prevention", "给用户的提示 Tips for the user", "变更记录 Change record", "2G → 4G",
                 "处理建议提出人 Fix proposed by: 赵工", "主管领导签字 Supervisor sign-off: 王主管 (主管 Supervisor)"):
        assert part in text


def _proposed(svc, proposer="赵工"):
    record = svc.new("defect", "报表导出失败")
    svc.move(record.id, "analysed", classification="technical")
    return svc.move(record.id, "proposed", fix="扩大导出内存", actor=proposer)


def test_the_sign_off_is_its_own_step_before_the_fix_is_carried_out(svc):
    record = _proposed(svc)
    assert record.next_states == (wf.SIGNED_OFF,)  # not straight to resolved
    with pytest.raises(RecordError) as info:
        svc.move(record.id, "resolved", **FIELDS[(wf.DEFECT, wf.RESOLVED)])
    assert info.value.field == "state" and "Allowed from proposed: signed_off" in str(info.value)
    record = svc.move(record.id, "signed_off", supervisor="王主管", supervisor_role="技术主管 support lead")
    assert record.state == wf.SIGNED_OFF and record.next_states == (wf.RESOLVED,)
    with pytest.raises(RecordError, match="cause: required to move to resolved"):
        svc.move(record.id, "resolved", prevention="p", tips="t")


def test_the_proposer_may_not_sign_off_the_fix(svc, kb, clock):
    record = _proposed(svc, proposer="赵工")
    before = db_rows(kb)
    with pytest.raises(RecordError) as info:
        svc.move(record.id, "signed_off", supervisor=" 赵工 ", supervisor_role="主管 Supervisor", actor="赵工")
    assert info.value.field == "supervisor"
    assert str(info.value) == ("supervisor: 赵工 proposed the fix and may not sign it off; another person, "
                               "a supervisor, signs it off (主管领导签字)")
    with pytest.raises(RecordError, match="赵工 proposed the fix"):  # the default supervisor is the actor
        svc.move(record.id, "signed_off", supervisor_role="主管", actor="赵工")
    assert db_rows(kb) == before
    clock.advance(minutes=30)
    done = svc.move(record.id, "signed_off", supervisor="王主管", supervisor_role="主管", actor="赵工")
    assert (done.supervisor, done.signed_off_at, done.proposed_by) == ("王主管", T0 + dt.timedelta(minutes=30), "赵工")


@pytest.mark.parametrize("role,allowed", [("主管 Supervisor", True), ("技术主管 support lead", True),
                                          ("部门经理", True), ("项目负责人", True), ("Team Lead", True),
                                          ("值班工程师 On-duty engineer", False), ("培训师 Trainer", False),
                                          ("巡检员 Inspector", False), ("", False)])
def test_only_a_role_that_allows_it_signs_off(svc, kb, role, allowed):
    record = _proposed(svc)
    if allowed:
        assert svc.move(record.id, "signed_off", supervisor="王工", supervisor_role=role).supervisor_role == role
        return
    before = db_rows(kb)
    with pytest.raises(RecordError) as info:
        svc.move(record.id, "signed_off", supervisor="王工", supervisor_role=role)
    assert info.value.field == "supervisor_role"
    if role:
        assert str(info.value).startswith(f"supervisor_role: 王工 ({role}) may not sign off a fix")
    else:  # nobody knows 王工's role: the role is asked for
        assert str(info.value).startswith("supervisor_role: required to move to signed_off")
    assert db_rows(kb) == before


def test_the_sign_off_takes_the_role_kbapp_knows(svc, kb):
    kb.set_engineer("李主管", "主管 Supervisor")
    record = _proposed(svc)
    signed = svc.move(record.id, "signed_off", actor="李主管")  # the engineer at the desk signs
    assert (signed.supervisor, signed.supervisor_role) == ("李主管", "主管 Supervisor")
    (kb.home.root / "escalation.json").write_text(json.dumps({"people": [
        {"name": "王工", "role": "值班工程师 on-duty engineer", "reports_to": "李经理"},
        {"name": "李经理", "role": "技术主管 support lead", "reports_to": None}]}), encoding="utf-8")
    other = _proposed(svc)
    assert svc.move(other.id, "signed_off", supervisor="李经理").supervisor_role == "技术主管 support lead"
    third = _proposed(svc)
    with pytest.raises(RecordError, match="值班工程师 on-duty engineer\\) may not sign off"):
        svc.move(third.id, "signed_off", supervisor="王工")


def test_a_problem_goes_to_the_staff_of_its_class(svc):
    tech, biz, op = (svc.new("defect", t) for t in ("数据库连接超时", "报销流程审批人不对", "不会导出"))
    tech = svc.move(tech.id, "analysed", classification="technical", assignee="孙工")
    biz = svc.move(biz.id, "analysed", classification="业务问题")
    op = svc.move(op.id, "analysed", classification="operation")
    assert (tech.assigned_role, tech.assignee) == ("technical", "孙工")
    assert (biz.assigned_role, biz.assignee) == ("business", "")
    assert (op.assigned_role, op.kind) == ("", "consultation")
    assert [r.id for r in svc.list(assigned_role="technical")] == [tech.id]
    assert [r.id for r in svc.list(assigned_role="业务")] == [biz.id]
    with pytest.raises(RecordError, match="assigned_role: records go to the technical or the business staff"):
        svc.list(assigned_role="operation")
    with pytest.raises(RecordError, match="assignee: an operation problem is explained"):
        wf.plan_move(wf.DEFECT, wf.SUBMITTED, wf.ANALYSED, {"classification": "operation", "assignee": "孙工"})


def test_the_on_site_record_keeps_time_place_customer_and_system(svc, clock):
    earlier = T0 - dt.timedelta(hours=2)
    record = svc.new("defect", "机房空调告警", reporter="信息科刘科长", place="三楼机房", raised_at=earlier,
                     customer="市人民医院", system="HIS")
    assert (record.raised_at, record.raised, record.created_at) == (earlier, earlier, T0)
    assert (record.customer, record.system) == ("市人民医院", "HIS")
    assert [r.id for r in svc.list(customer="市人民医院")] == [record.id] and svc.list(customer="别家") == []
    assert svc.history(record.id)[0].fields["raised_at"] == earlier.isoformat()
    text = (svc.folder / record.file_name).read_text(encoding="utf-8")
    assert "客户单位 Customer: 市人民医院" in text and "系统 System: HIS" in text and "登记时间 Logged" in text
    with pytest.raises(RecordError) as info:
        svc.new("defect", "x", raised_at=T0 + dt.timedelta(hours=1))
    assert info.value.field == "raised_at" and "future" in str(info.value)
    with pytest.raises(RecordError) as info:
        svc.new("defect", "x", raised_at="yesterday")
    assert info.value.field == "raised_at"


def test_a_consultation_closes_with_its_answer(svc):
    record = svc.new("咨询类", "如何重置密码", reporter="张三")
    with pytest.raises(RecordError, match="answer: required to move to closed"):
        svc.move(record.id, "closed")
    record = svc.move(record.id, "closed", answer="已指导用户在设置中重置密码", note="电话解答")
    assert record.state == "closed" and record.finished and record.answer.startswith("已指导")
    assert svc.history(record.id)[-1].note == "电话解答"


def test_an_operation_problem_is_converted_and_then_answered(svc):
    record = svc.new("defect", "报表导不出来")
    record = svc.move(record.id, "analysed", classification="operation", note="用户选错了日期范围")
    assert (record.kind, record.state, record.converted_from) == ("consultation", "analysed", "defect")
    assert record.next_states == ("closed",)
    last = svc.history(record.id)[-1]
    assert (last.from_kind, last.to_kind, last.converted) == ("defect", "consultation", True)
    record = svc.move(record.id, "closed", answer="已说明日期范围的选法")
    assert record.finished
    assert [r.id for r in svc.list(kind="consultation")] == [record.id] and svc.list(kind="defect") == []


@pytest.mark.parametrize("kind,state", sorted(PATHS))
def test_every_illegal_move_is_refused_and_changes_nothing(svc, kb, kind, state):
    record = reach(svc, kind, state)
    before, text = db_rows(kb), (kb.home.records / record.file_name).read_text(encoding="utf-8")
    for target in wf.STATES:
        if target in record.next_states:
            continue
        fields = FIELDS.get((kind, target), {"answer": "x"})
        with pytest.raises(RecordError) as info:
            svc.move(record.id, target, **fields)
        assert info.value.field == "state" and f"record is {state};" in str(info.value)
        assert f"Allowed from {state}:" in str(info.value)
    assert db_rows(kb) == before
    assert (kb.home.records / record.file_name).read_text(encoding="utf-8") == text


def test_bad_input_is_refused_before_anything_is_written(svc, kb):
    record = svc.new("defect", "x")
    before = db_rows(kb)
    cases = [(lambda: svc.new("bug", "x"), "kind"), (lambda: svc.new("defect", ""), "title"),
             (lambda: svc.new("defect", "a\nb"), "title"),
             (lambda: svc.new("defect", "x", incident_id=99), "incident_id"),
             (lambda: svc.new("defect", "x", description="长" * 30_000), "description"),
             (lambda: svc.move(99, "analysed", classification="technical"), "record_id"),
             (lambda: svc.move(record.id, "nowhere"), "state"), (lambda: svc.get("abc"), "record_id"),
             (lambda: svc.move(record.id, "analysed", classification="technical", actor="a\nb"), "actor")]
    for call, field in cases:
        with pytest.raises(RecordError) as info:
            call()
        assert info.value.field == field, str(info.value)
    assert db_rows(kb) == before


def test_created_from_an_incident_keeps_the_incident_id(kb, svc):
    incident = kb.incidents.start("邮件系统无法登录", "III", description="全员无法登录邮箱", reporter="办公室王五")
    record = svc.new("defect", incident_id=incident.id, place="三楼机房")
    assert (record.incident_id, record.title, record.reporter) == (incident.id, "邮件系统无法登录", "办公室王五")
    assert record.description == "全员无法登录邮箱"
    own = svc.new("consultation", "另一个问题", incident_id=str(incident.id))
    assert own.title == "另一个问题"
    assert [r.id for r in svc.list(incident_id=incident.id)] == [own.id, record.id]
    assert svc.history(record.id)[0].fields["incident_id"] == incident.id
    doc, problems = parse_file(kb.home.records / record.file_name)
    assert problems == [] and doc.meta["incident"] == incident.id


def test_list_filters_by_kind_and_state_newest_first(svc):
    a = svc.new("defect", "a")
    b = svc.new("consultation", "b")
    c = svc.new("defect", "c")
    svc.move(c.id, "analysed", classification="business")
    assert [r.id for r in svc.list()] == [c.id, b.id, a.id]
    assert [r.id for r in svc.list(kind="defect")] == [c.id, a.id]
    assert [r.id for r in svc.list(kind="defect", state="submitted")] == [a.id]
    assert [r.id for r in svc.list(state="已分析")] == [c.id]


# -- documents and search ---------------------------------------------------------------------------

def test_records_are_searchable_right_after_create_and_after_move(svc, kb):
    record = svc.new("defect", "打印机无法打印", description="财务处的网络打印机卡纸后一直离线", reporter="李四")
    hits = kb.search("打印机", kind="record").hits
    assert [h.id for h in hits] == [record.doc_id]
    assert [h.id for h in kb.search("网络打印机离线").hits][:1] == [record.doc_id]
    assert kb.search("硒鼓", kind="record").hits == []
    svc.move(record.id, "analysed", classification="technical")
    svc.move(record.id, "proposed", fix="更换硒鼓并重装驱动")
    assert [h.id for h in kb.search("硒鼓", kind="record").hits] == [record.doc_id]
    assert [h.id for h in kb.search("printer", kind="record").hits] == []  # only what was written is found
    assert kb.get(record.doc_id).meta["state"] == "proposed"


def test_the_document_is_a_valid_record_in_the_library(svc, kb):
    record = svc.new("defect", "VPN 断线: 频繁 #1", description="## 不是标题\n客户说每小时断一次")
    record = svc.move(record.id, "analysed", classification="business")
    path = kb.home.records / record.file_name
    assert path.parent == kb.home.library / "records" and record.file_name.startswith("record-0001-")
    doc, problems = parse_file(path)
    assert problems == []
    assert (doc.id, doc.kind, doc.title) == ("record-1", "record", "VPN 断线: 频繁 #1")
    assert doc.meta["state"] == "analysed" and doc.meta["classification"] == "business"
    assert "已提交 Submitted → 已分析 Analysed" in doc.body and "张工" in doc.body
    kb.reload_library()
    assert kb.get("record-1").meta["record_kind"] == "defect"
    assert not [p for p in kb.problems() if "records" in str(p.path)]


def test_a_failed_document_write_commits_nothing(svc, kb):
    record = svc.new("defect", "x")
    before = db_rows(kb)
    (kb.home.records / record.file_name).unlink()
    kb.home.records.rmdir()
    kb.home.records.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OSError):
        svc.move(record.id, "analysed", classification="technical")
    with pytest.raises(OSError):
        svc.new("consultation", "y")
    assert db_rows(kb) == before


def test_the_migration_creates_exactly_the_record_tables(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}", backup_dir=tmp_path / "b")
    try:
        assert {"problem_records", "record_transitions"} <= set(Base.metadata.tables)
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
    finally:
        store.close()


# -- the command line ------------------------------------------------------------------------------

def _json(home: Path, *args: str):
    result = run_cli("record", *args, "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_cli_round_trip_with_json(tmp_path):
    home = tmp_path / "home"
    made = _json(home, "new", "--kind", "defect", "--title", "财务报表导出失败", "--reporter", "李四",
                 "--place", "财务处", "--description", "导出时提示内存不足")
    record = made["record"]
    assert (record["kind"], record["state"], record["next_states"]) == ("defect", "submitted", ["analysed"])
    assert made["history"][0]["to_state"] == "submitted"
    rid = str(record["id"])

    refused = run_cli("record", "move", rid, "reported", home=home)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        "kbapp: state: the defect record is submitted; it cannot move to reported. Allowed from submitted: analysed"]
    missing = run_cli("record", "move", rid, "analysed", home=home)
    assert missing.returncode == 1 and missing.stderr.startswith("kbapp: classification: required")

    moved = _json(home, "move", rid, "analysed", "--class", "技术问题", "--note", "交技术人员")
    assert moved["record"]["classification"] == "technical" and moved["transition"]["note"] == "交技术人员"
    _json(home, "move", rid, "proposed", "--fix", "调大导出内存")  # proposed by the login name
    own = run_cli("record", "move", rid, "signed_off", "--role", "主管", home=home)
    assert own.returncode == 1 and "proposed the fix and may not sign it off" in own.stderr
    clerk = run_cli("record", "move", rid, "signed_off", "--supervisor", "小李", "--role", "值班工程师", home=home)
    assert clerk.returncode == 1 and clerk.stderr.startswith("kbapp: supervisor_role: 小李 (值班工程师) may not sign off")
    _json(home, "move", rid, "signed_off", "--supervisor", "王主管", "--role", "主管 Supervisor")
    _json(home, "move", rid, "resolved", "--cause", "配置过小", "--prevention", "上线前压测", "--tips", "分月导出")
    _json(home, "move", rid, "reported")
    done = _json(home, "move", rid, "replied", "--solution", "已调大", "--analysis", "看日志",
                 "--change-record", "导出内存 2G → 4G")
    assert done["record"]["finished"] is True and done["record"]["change_record"] == "导出内存 2G → 4G"

    shown = _json(home, "show", rid)
    assert [t["to_state"] for t in shown["history"]] == ["submitted", "analysed", "proposed", "signed_off",
                                                          "resolved", "reported", "replied"]
    assert shown["record"]["supervisor"] == "王主管" and shown["record"]["incident_id"] is None
    assert shown["record"]["supervisor_role"] == "主管 Supervisor" and shown["record"]["tips"] == "分月导出"

    _json(home, "new", "--kind", "咨询类", "--title", "如何重置密码")
    assert [r["id"] for r in _json(home, "list", "--kind", "consultation")] == [2]
    assert [r["id"] for r in _json(home, "list", "--state", "replied")] == [record["id"]]

    plain = run_cli("record", "show", rid, home=home)
    assert plain.returncode == 0 and "主管签字 supervisor" in plain.stdout and "王主管 (主管 Supervisor)" in plain.stdout
    assert "变更记录 change record" in plain.stdout and "预防措施 prevention" in plain.stdout
    onsite = _json(home, "new", "--kind", "defect", "--title", "机房空调告警", "--at", "2026-03-01T08:00+08:00",
                   "--customer", "市人民医院", "--system", "HIS", "--place", "三楼机房")["record"]
    assert (onsite["raised_at"], onsite["customer"], onsite["system"]) == (
        "2026-03-01T00:00:00+00:00", "市人民医院", "HIS")
    assert [r["id"] for r in _json(home, "list", "--customer", "市人民医院")] == [onsite["id"]]
    assert [r["id"] for r in _json(home, "list", "--staff", "technical")] == [record["id"]]
    found = run_cli("search", "导出", "--kind", "record", "--json", home=home)
    assert found.returncode == 0 and "record-1" in found.stdout


def test_cli_records_an_incident_and_reports_unknown_ones(tmp_path):
    home = tmp_path / "home"
    started = run_cli("incident", "start", "--title", "OA 系统无法访问", "--level", "II", home=home)
    assert started.returncode == 0, started.stderr
    made = _json(home, "new", "--kind", "defect", "--incident", started.stdout.strip())
    assert made["record"]["incident_id"] == int(started.stdout.strip())
    assert made["record"]["title"] == "OA 系统无法访问"
    bad = run_cli("record", "new", "--kind", "defect", "--title", "x", "--incident", "42", home=home)
    assert bad.returncode == 1 and bad.stderr.strip() == "kbapp: incident_id: no incident #42"
    gone = run_cli("record", "show", "7", home=home)
    assert gone.returncode == 1 and gone.stderr.strip() == "kbapp: record_id: no problem record #7"


def test_a_data_home_with_records_before_0009_upgrades_and_goes_on(tmp_path):
    """Records logged before migration 0009 keep their fields; the new ones start empty
    (customer, system and the raised time unknown) and the record moves on as usual."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from kbapp.store.db import _alembic_config, current_revision, head_revision

    home = tmp_path / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'kbapp.sqlite3'}"
    engine = create_engine(url)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
        conn.execute(text(
            "INSERT INTO problem_records (id, kind, state, title, description, reporter, place, classification, "
            "fix, supervisor, solution, analysis, cause, answer, converted_from, file_name, created_by, created_at, "
            "updated_at) VALUES (1, 'defect', 'analysed', '旧记录', '', '李四', '财务处', 'technical', '', '', '', '', "
            "'', '', '', '', '张工', :t, :t)"), {"t": dt.datetime(2026, 3, 1, 1, 0)})
    engine.dispose()
    kb = open_kb(tmp_path, {})
    try:
        assert current_revision(kb.store) == head_revision()
        old = kb.records.get(1)
        assert (old.title, old.reporter, old.classification, old.state) == ("旧记录", "李四", "technical", "analysed")
        assert (old.customer, old.system, old.raised_at, old.tips, old.proposed_by) == (None, None, None, "", "")
        assert old.raised == old.created_at
        moved = kb.records.move(1, "proposed", fix="重启服务", actor="赵工")
        assert moved.proposed_by == "赵工" and moved.next_states == ("signed_off",)
    finally:
        kb.close()
