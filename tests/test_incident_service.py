"""IncidentService against a real SQLite store and a fake knowledge base."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import event

from kbapp.home import DataHome
from kbapp.incidents import lifecycle as lc
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.escalation import EscalationChain, EscalationError, Person, load_chain
from kbapp.incidents.export import to_csv, to_html, to_markdown
from kbapp.incidents.service import IncidentService
from kbapp.model import Decision, Document, Step
from kbapp.search.types import SearchHit, SearchResults
from kbapp.store.db import Store

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _doc(pid: str, title: str, title_en: str, steps: list[Step], category: str = "") -> Document:
    return Document(id=pid, kind="playbook", title=title, path=Path(f"{pid}.md"), body="", title_en=title_en,
                    category=category, levels=["II", "III"], steps=steps)


CONFIG_LOSS = _doc("config-loss", "配置丢失", "Configuration loss", [
    Step(1, "确认丢失范围", 10, commands=["ls -l /etc/app", "wc -c /etc/app/app.conf"]),
    Step(2, "先保存当前状态", 14),
    Step(3, "查找丢失原因", 18, decisions=[Decision("配置文件存在且内容完整", 6, 20)]),
    Step(4, "从配置备份恢复", 22, decisions=[Decision("已从备份完整恢复", 6, 25)]),
    Step(5, "重新配置", 27),
    Step(6, "校验配置并重启服务", 30),
    Step(7, "提交故障处理报告", 34),
], category="config-loss")
DATA_LOSS = _doc("data-loss", "数据丢失", "Data loss", [Step(1, "停止写入", 5), Step(2, "从备份恢复", 8)])


class FakeKB:
    """Just what IncidentService uses: home, get, search."""

    def __init__(self, root: Path):
        self.home = DataHome(root)
        self.docs = {d.id: d for d in (CONFIG_LOSS, DATA_LOSS)}

    def get(self, pid):
        return self.docs.get(pid)

    def search(self, text, limit=20, kind=None, **_):
        hits = [SearchHit(d.id, "playbook", d.title, d.title_en, d.category, ("II",), (), 1.0, "", "")
                for d in self.docs.values() if d.title in text or d.title_en.lower() in text.lower()]
        return SearchResults(text, hits[:limit], len(hits))


class Clock:
    def __init__(self, now=T0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **kw):
        self.now += dt.timedelta(**kw)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'kbapp.sqlite3'}", backup_dir=tmp_path / "backups")
    yield s
    s.close()


@pytest.fixture
def svc(store, tmp_path, clock):
    return IncidentService(store, FakeKB(tmp_path), clock=clock, actor="王工")


def snapshot(path: Path) -> tuple:
    """Everything in the database, to prove a failed call changed nothing."""
    con = sqlite3.connect(path)
    try:
        return tuple(tuple(con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall())
                     for t in ("incidents", "incident_playbooks", "actions"))
    finally:
        con.close()


# -- starting -------------------------------------------------------------------------

def test_start_records_the_incident_and_its_creation(svc, clock):
    inc = svc.start("服务启动失败", "2", description="配置文件不见了", category="配置丢失", channel="remote",
                    reporter="客户张三", responsible="王工", playbook_ids=["config-loss"])
    assert (inc.level, inc.category, inc.channel, inc.status) == ("II", "config-loss", "remote", lc.OPEN)
    assert inc.notified_at == inc.created_at == T0
    assert inc.playbook_ids == ("config-loss",)
    kinds = [a.kind for a in svc.timeline(inc.id)]
    assert kinds == ["created", "playbook_attached"]
    assert svc.get(inc.id) == inc


def test_actor_defaults_to_the_login_name(store, tmp_path, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "li.si")
    svc = IncidentService(store, FakeKB(tmp_path))
    inc = svc.start("t", "IV")
    assert inc.created_by == "li.si" and svc.timeline(inc.id)[0].actor == "li.si"


def test_suggest_playbooks_searches_the_description(svc):
    hits = svc.suggest_playbooks("客户报告配置丢失，服务起不来")
    assert [h.id for h in hits] == ["config-loss"]
    assert svc.suggest_playbooks("   ") == []


BAD_STARTS = [
    (dict(title="", level="II"), "title"),
    (dict(title="   ", level="II"), "title"),
    (dict(title="a\nb", level="II"), "title"),
    (dict(title="x", level="V"), "level"),
    (dict(title="x", level="0"), "level"),
    (dict(title="x", level="II", description="长" * 30_000), "description"),  # 90 KB of UTF-8
    (dict(title="x", level="II", category="nonsense"), "category"),
    (dict(title="x", level="II", channel="carrier pigeon"), "channel"),
    (dict(title="x", level="II", playbook_ids=["config-loss", "no-such-playbook"]), "playbook_id"),
    (dict(title="x", level="II", notified_at=T0.replace(tzinfo=None)), "notified_at"),
    (dict(title="x", level="II", notified_at=T0 + dt.timedelta(hours=1)), "notified_at"),
]


@pytest.mark.parametrize(("kwargs", "field"), BAD_STARTS)
def test_bad_start_names_the_field_and_writes_nothing(svc, tmp_path, kwargs, field):
    before = snapshot(tmp_path / "kbapp.sqlite3")
    with pytest.raises(IncidentError) as info:
        svc.start(**kwargs)
    assert info.value.field == field
    assert field.split("_")[0] in str(info.value)
    assert snapshot(tmp_path / "kbapp.sqlite3") == before


# -- the step runner ------------------------------------------------------------------

def test_steps_follow_order_decisions_and_failures(svc, clock):
    inc = svc.start("配置丢失", "II", playbook_ids=["config-loss"])
    (run,) = svc.playbook_runs(inc.id)
    assert run.current == 1 and run.step(1).opened_at == T0

    clock.advance(minutes=5)
    svc.step(inc.id, 1, "done", note="/etc/app 为空")
    assert svc.get(inc.id).status == lc.RESPONDING  # working a step is responding
    assert svc.get(inc.id).responded_at == T0 + dt.timedelta(minutes=5)
    svc.step(inc.id, 2, "skipped")
    clock.advance(minutes=5)
    decision = svc.step(inc.id, 3, "done", goto=6, note="文件在，内容完整")
    assert decision.payload["decision"] == "配置文件存在且内容完整"
    (run,) = svc.playbook_runs(inc.id)
    assert run.current == 6
    assert run.step(6).opened_at == clock.now
    assert [s.result for s in run.steps] == ["done", "skipped", "done", None, None, None, None]

    svc.step(inc.id, 6, "failed", note="仍启动失败")
    assert svc.playbook_runs(inc.id)[0].current == 6  # a failed step stays current
    svc.step(inc.id, 6, "done")
    (run,) = svc.playbook_runs(inc.id)
    assert run.current == 7 and run.step(6).result == "done" and run.step(6).note == ""
    svc.step(inc.id, 7, "done")
    assert svc.playbook_runs(inc.id)[0].finished


def test_bad_steps_name_the_field_and_write_nothing(svc, tmp_path):
    inc = svc.start("x", "III", playbook_ids=["config-loss"])
    other = svc.start("y", "III")
    db = tmp_path / "kbapp.sqlite3"
    before = snapshot(db)
    bad = [
        (lambda: svc.step(999, 1, "done"), "incident_id"),
        (lambda: svc.step("abc", 1, "done"), "incident_id"),
        (lambda: svc.step(inc.id, 99, "done"), "step"),
        (lambda: svc.step(inc.id, 0, "done"), "step"),
        (lambda: svc.step(inc.id, 1, "maybe"), "result"),
        (lambda: svc.step(inc.id, 3, "done", goto=42), "goto"),
        (lambda: svc.step(inc.id, 1, "done", note="x" * (1024 * 1024)), "note"),
        (lambda: svc.step(inc.id, 1, "done", note="a\x00b"), "note"),
        (lambda: svc.step(inc.id, 1, "done", playbook_id="data-loss"), "playbook_id"),  # not attached
        (lambda: svc.step(other.id, 1, "done"), "playbook_id"),  # nothing attached
        (lambda: svc.note(inc.id, "x" * (64 * 1024 + 1)), "note"),
        (lambda: svc.note(inc.id, "  "), "note"),
        (lambda: svc.copy_command(inc.id, 1, index=5), "index"),
        (lambda: svc.change_level(inc.id, "V", reason="r"), "level"),
        (lambda: svc.change_level(inc.id, "III", reason="r"), "level"),  # already III
        (lambda: svc.set_status(inc.id, "report_submitted"), "status"),
        (lambda: svc.set_status(inc.id, "flying"), "status"),
        (lambda: svc.resolve(inc.id, ""), "summary"),
        (lambda: svc.correct(12345, "oops"), "action_id"),
        (lambda: svc.change_level(inc.id, "I", reason=" "), "reason"),  # a level change needs a reason
        (lambda: svc.attach_playbook(inc.id, "config-loss"), "playbook_id"),  # already attached
    ]
    for call, field in bad:
        with pytest.raises(IncidentError) as info:
            call()
        assert info.value.field == field, (field, str(info.value))
        assert snapshot(db) == before, field


def test_a_megabyte_note_is_refused_with_a_clear_message(svc):
    inc = svc.start("x", "IV")
    with pytest.raises(IncidentError, match=r"note: 1,048,576 bytes is over the limit of 64 KiB"):
        svc.note(inc.id, "x" * (1024 * 1024))


def test_several_playbooks_need_a_playbook_id(svc):
    inc = svc.start("x", "II", playbook_ids=["config-loss"])
    svc.attach_playbook(inc.id, "data-loss")
    with pytest.raises(IncidentError, match="several playbooks"):
        svc.step(inc.id, 1, "done")
    svc.step(inc.id, 1, "done", playbook_id="data-loss")
    runs = {r.playbook_id: r for r in svc.playbook_runs(inc.id)}
    assert runs["data-loss"].current == 2 and runs["config-loss"].current == 1


def test_copy_command_is_logged(svc):
    inc = svc.start("x", "II", playbook_ids=["config-loss"])
    action = svc.copy_command(inc.id, 1, index=1)
    assert action.kind == "command_copied" and action.payload["command"] == "wc -c /etc/app/app.conf"
    assert svc.timeline(inc.id)[-1] == action


def test_resume_after_reopening_the_store(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'kbapp.sqlite3'}"
    first = Store.open(url, backup_dir=tmp_path / "backups")
    svc = IncidentService(first, FakeKB(tmp_path), clock=clock)
    inc = svc.start("x", "II", playbook_ids=["config-loss"])
    svc.step(inc.id, 1, "done")
    svc.step(inc.id, 4, "done", goto=6)
    expected = svc.playbook_runs(inc.id)
    first.close()
    again = Store.open(url, backup_dir=tmp_path / "backups")
    try:
        svc2 = IncidentService(again, FakeKB(tmp_path), clock=clock)
        assert svc2.playbook_runs(inc.id) == expected
        assert [i.id for i in svc2.list(open_only=True)] == [inc.id]
    finally:
        again.close()


# -- lifecycle, level, escalation, corrections ----------------------------------------

def test_lifecycle_sets_milestones_and_deadlines(svc, clock):
    inc = svc.start("x", "I", playbook_ids=["config-loss"])
    clock.advance(minutes=10)
    svc.set_status(inc.id, "responding")
    svc.record_plan(inc.id, "先切换到备机")
    clock.advance(hours=1)
    svc.set_status(inc.id, "mitigated", note="备机已接管")
    clock.advance(hours=1)
    svc.resolve(inc.id, "主机电源更换")
    got = svc.get(inc.id)
    assert got.status == lc.RESOLVED and got.summary == "主机电源更换"
    assert got.responded_at == T0 + dt.timedelta(minutes=10)
    states = {d.key: d.state for d in svc.deadlines(got)}
    assert states == {"response": "met", "plan": "met", "resolution": "met", "report": "ok"}
    clock.advance(hours=25)
    assert {d.key: d.state for d in svc.deadlines(inc.id)}["report"] == "passed"
    svc.set_status(inc.id, "report_submitted")
    svc.set_status(inc.id, "closed")
    assert svc.list(open_only=True) == []
    with pytest.raises(IncidentError, match="closed"):
        svc.set_status(inc.id, "responding")
    with pytest.raises(IncidentError, match="status: incident #1 is closed"):
        svc.step(inc.id, 1, "done")


def test_reopening_clears_resolution_and_closing_unworked_needs_a_reason(svc):
    inc = svc.start("x", "III")
    svc.resolve(inc.id, "answered on the phone")
    svc.set_status(inc.id, "responding", note="came back")
    assert svc.get(inc.id).resolved_at is None
    dup = svc.start("duplicate", "IV")
    with pytest.raises(IncidentError, match="duplicate, withdrawn"):
        svc.set_status(dup.id, "closed", note="duplicate of #1")
    with pytest.raises(IncidentError, match="why"):
        svc.set_status(dup.id, "closed", close_reason="duplicate")
    svc.set_status(dup.id, "closed", note="duplicate of #1", close_reason="duplicate")
    assert svc.get(dup.id).closed_at is not None


def test_change_level_changes_the_deadlines(svc):
    inc = svc.start("x", "III")
    action = svc.change_level(inc.id, "I", reason="业务已中断")
    assert action.payload == {"from": "III", "to": "I"}
    plan = {d.key: d for d in svc.deadlines(inc.id)}["plan"]
    assert plan.due_at == T0 + dt.timedelta(hours=2)


def test_escalation_chain_round_trips_with_email(svc, tmp_path):
    chain = EscalationChain((
        Person("王工", "值班工程师", "138 0000 0001", "李经理"),
        Person("李经理", "技术主管", "+86 138-0000-0002", "赵总", email="li@example.com"),
        Person("赵总", "服务总监", "010-8888 8888 转 123"),
    ))
    svc.save_chain(chain)
    assert load_chain(tmp_path / "escalation.json") == chain
    assert [p.name for p in chain.escalation_path("王工")[0]] == ["王工", "李经理", "赵总"]


@pytest.mark.parametrize(("people", "message"), [
    ([Person("a", reports_to="nobody")], "not in the chain"),
    ([Person("a", reports_to="b"), Person("b", reports_to="a")], "loop"),
    ([Person("a"), Person("a")], "twice"),
    ([Person("a", phone="call me")], "phone"),
    ([Person("")], "name"),
    ([Person("a", email="not-an-address")], "e-mail"),
])
def test_invalid_chains_are_refused(people, message):
    with pytest.raises(EscalationError, match=message):
        EscalationChain(tuple(people))


def test_broken_chain_file_gives_the_line(tmp_path):
    path = tmp_path / "escalation.json"
    path.write_text('{"people": [\n  {"name": "a",}\n]}', encoding="utf-8")
    with pytest.raises(EscalationError, match=r"line 2"):
        load_chain(path)


def test_corrections_append_and_never_update(svc, store):
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, params, ctx, many: statements.append(sql.upper()))
    inc = svc.start("x", "II", playbook_ids=["config-loss"])
    wrong = svc.step(inc.id, 1, "done", note="wrong server")
    fix = svc.correct(wrong.id, "it was db02, not db01")
    fix2 = svc.correct(wrong.id, "and the time was 09:10")
    assert (fix.corrects_id, fix.kind, fix.step, fix.playbook_id) == (wrong.id, "correction", 1, "config-loss")
    timeline = svc.timeline(inc.id)
    original = next(a for a in timeline if a.id == wrong.id)
    assert original.details == "wrong server" and original.corrected_by == (fix.id, fix2.id)
    assert not [s for s in statements if "UPDATE ACTIONS" in s or "DELETE FROM ACTIONS" in s]


def test_timeline_is_in_log_order_even_if_the_clock_jumps_back(svc, clock):
    inc = svc.start("x", "IV")
    ids = [svc.note(inc.id, "first").id]
    clock.advance(hours=-2)  # the PC's clock was corrected
    ids.append(svc.note(inc.id, "second").id)
    timeline = svc.timeline(inc.id)
    assert [a.details for a in timeline[-2:]] == ["first", "second"]
    assert [a.id for a in timeline] == sorted(a.id for a in timeline)
    assert all(a.at.tzinfo is not None and a.at.utcoffset() == dt.timedelta(0) for a in timeline)


def test_an_action_is_committed_when_the_method_returns(svc, tmp_path):
    inc = svc.start("x", "IV")
    action = svc.note(inc.id, "durable?")
    con = sqlite3.connect(tmp_path / "kbapp.sqlite3")  # another connection sees it at once
    try:
        row = con.execute("SELECT details, at FROM actions WHERE id = ?", (action.id,)).fetchone()
    finally:
        con.close()
    assert row == ("durable?", "2026-03-02 09:00:00.000000")  # naive UTC on disk


def test_worker_threads_can_log_at_once(svc):
    inc = svc.start("x", "IV")
    errors = []

    def work(n):
        try:
            for i in range(20):
                svc.note(inc.id, f"{n}-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len([a for a in svc.timeline(inc.id) if a.kind == "note"]) == 80


# -- export ---------------------------------------------------------------------------

def _hostile(svc):
    inc = svc.start("<script>alert(1)</script> | 标题", "II", description="a|b\n<img src=x onerror=1>",
                    playbook_ids=["config-loss"])
    svc.step(inc.id, 1, "done", note="**bold** <b>x</b> & `code` | pipe\nline 2")
    svc.note(inc.id, "=HYPERLINK(\"http://evil\")")
    return svc.get(inc.id), svc.timeline(inc.id), svc.deadlines(inc.id)


def test_html_export_escapes_everything(svc):
    html_text = to_html(*_hostile(svc), tz=dt.timezone(dt.timedelta(hours=8)))
    assert "<script>" not in html_text and "<img" not in html_text and "<b>x</b>" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "2026-03-02 17:00:00 +08:00" in html_text  # local time with its offset
    assert html_text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html_text


def test_markdown_export_escapes_markup_and_keeps_the_table(svc):
    md = to_markdown(*_hostile(svc), tz=dt.timezone(dt.timedelta(hours=8)))
    assert "<script>" not in md and "<b>x</b>" not in md and "&lt;b&gt;x&lt;/b&gt;" in md
    assert r"\*\*bold\*\*" in md and r"\| pipe" in md
    rows = md.split("## 时间线 Timeline")[1].strip().splitlines()
    assert len(rows) == 2 + len(svc.timeline(1))
    assert all(len(re.split(r"(?<!\\)\|", row)) == 7 for row in rows)  # 5 cells, escaped pipes stay inside


def test_csv_export_round_trips_and_defuses_formulas(svc):
    incident, actions, _ = _hostile(svc)
    text = to_csv(incident, actions)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["action_id"]) for r in rows] == [a.id for a in actions]
    step = next(r for r in rows if r["kind"] == "step")
    assert step["details"] == "**bold** <b>x</b> & `code` | pipe\nline 2"
    note = next(r for r in rows if r["kind"] == "note")
    assert note["details"].startswith("'=HYPERLINK")
