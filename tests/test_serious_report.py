"""Serious problems reported at once (ch. 4.2, 4.3, 8): a Level I or II incident tells the
person in charge when it is logged or raised to I/II, over the escalation channels, once."""

from __future__ import annotations

import datetime as dt

from kbhelpers import open_kb
from notifyhelpers import HookServer

from kbapp.incidents import types as itypes
from kbapp.incidents.escalation import EscalationChain, Person

T0 = dt.datetime(2026, 3, 2, 2, 40, tzinfo=dt.UTC)
CHAIN = EscalationChain((
    Person("王工", "值班工程师", "138 0000 0001", "李经理"),
    Person("李经理", "技术主管", "138 0000 0002", "赵总", email="li@example.com"),
    Person("赵总", "服务总监", "138 0000 0003"),
))


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def make_kb(tmp_path, clock, hook=None, chain=CHAIN):
    kb = open_kb(tmp_path, {})
    kb.incidents.clock = kb.notifications.clock = clock
    if chain is not None:
        kb.incidents.save_chain(chain)
    if hook is not None:
        (kb.home.root / "notify.toml").write_text(f'[[webhook]]\nurl = "{hook.url()}"\nformat = "json"\n',
                                                  encoding="utf-8")
    return kb


def reports(kb, incident_id):
    return [a for a in kb.incidents.timeline(incident_id, kinds=(itypes.ESCALATION,))
            if a.payload.get("reason") == "serious"]


def test_a_level_i_incident_tells_the_person_in_charge_when_it_is_logged(tmp_path):
    clock = Clock(T0)
    with HookServer() as hook:
        kb = make_kb(tmp_path, clock, hook)
        try:
            inc = kb.incidents.start("数据库宕机", "I", description="口令是 Abc12345", responsible="王工")
            logged = reports(kb, inc.id)
            assert [(a.at, a.actor, a.payload["to"], a.payload["phone"]) for a in logged] == [
                (T0, "kbapp", "李经理", "138 0000 0002")]
            assert kb.notifications.pending_count() == 1  # queued with the incident, in one transaction
            assert "重大问题汇报" in itypes.describe_action(logged[0])
            sent = kb.watcher(clock).run_once()
            assert [(d.outcome, d.person) for d in sent.deliveries] == [("sent", "李经理")]
            assert kb.watcher(clock).run_once().deliveries == []  # once
            assert len(reports(kb, inc.id)) == 1
        finally:
            kb.close()
    body = hook.bodies()[0]
    assert (body["event"], body["incident_id"], body["level"], body["person"]) == ("serious", inc.id, "I", "李经理")
    assert "Abc12345" not in str(body) and "数据库宕机" in body["subject"] + body["text"]


def test_levels_iii_and_iv_drills_and_inspections_are_not_reported(tmp_path):
    clock = Clock(T0)
    kb = make_kb(tmp_path, clock)
    try:
        for level in ("III", "IV"):
            assert reports(kb, kb.incidents.start("打印机", level, responsible="王工").id) == []
        drill = kb.incidents.start("演练", "I", responsible="王工", mode=itypes.MODE_DRILL)
        assert reports(kb, drill.id) == []
        assert kb.watcher(clock).run_once().escalated == [] and reports(kb, drill.id) == []
    finally:
        kb.close()


def test_raised_to_level_ii_it_is_reported_and_only_once(tmp_path):
    clock = Clock(T0)
    kb = make_kb(tmp_path, clock)
    try:
        inc = kb.incidents.start("报表慢", "III", responsible="赵总")  # the top of the chain: told themself
        assert reports(kb, inc.id) == []
        clock.now = T0 + dt.timedelta(minutes=5)
        kb.incidents.change_level(inc.id, "II", "部分业务无法办理")
        first = reports(kb, inc.id)
        assert [(a.at, a.payload["to"], a.payload["level"]) for a in first] == [(clock.now, "赵总", "II")]
        kb.incidents.change_level(inc.id, "III", "已缓解")
        kb.incidents.change_level(inc.id, "I", "业务停止")
        assert len(reports(kb, inc.id)) == 1
    finally:
        kb.close()


def test_logged_before_the_chain_existed_the_watcher_reports_it_once(tmp_path):
    clock = Clock(T0)
    kb = make_kb(tmp_path, clock, chain=None)
    try:
        inc = kb.incidents.start("数据丢失", "II", responsible="新人")  # not in any chain yet
        assert reports(kb, inc.id) == []
        kb.incidents.save_chain(CHAIN)
        clock.now = T0 + dt.timedelta(minutes=1)
        kb.watcher(clock).run_once()
        kb.watcher(clock).run_once()
        # 新人 is not in the chain: the on-duty 王工's superior is in charge.
        assert [(a.at, a.payload["to"]) for a in reports(kb, inc.id)] == [(clock.now, "李经理")]
    finally:
        kb.close()
