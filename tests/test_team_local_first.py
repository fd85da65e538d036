"""A team desk keeps a copy of every incident it has seen (kbapp.replica): with the server
stopped it lists and opens them, starts new ones and logs any action on them (ack, plan,
level, note, step …) on the copy first; when the server is back the outbox drains and the
copy becomes the server's incidents again — union, nothing doubled, a second sync does
nothing. Against the real PostgreSQL server (tests/pgserver.py)."""

from __future__ import annotations

import gc
import json

import pytest
from kbhelpers import cli_env, run_cli

from kbapp.facade import KnowledgeBase
from kbapp.offline import Outbox, send
from kbapp.store.ids import LOCAL_BASE

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # dead connections


def _cli(home, url, *args, actor="desk-a"):
    return run_cli("--db", url, "--actor", actor, *args, home=home, env=cli_env())


def _ok(result):
    assert result.returncode == 0, result.stderr
    return result


def _timeline_shape(actions):
    return [(a.id, a.kind, a.actor, a.details, a.at) for a in actions]


def test_a_desk_whose_server_stops_works_on_its_copy_then_converges(tmp_path, pg_server, pg_url):
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    b.actor_override = "desk-b"
    seen = b.incidents.start("核心交换机故障", "II")
    b.incidents.note(seen.id, "B 在线时的记录")
    other = b.incidents.start("打印机卡纸", "IV")
    b.close()
    home = tmp_path / "a"
    first = json.loads(_ok(_cli(home, pg_url, "sync", "--json")).stdout)
    assert first["incidents_copied"] == 2

    pg_server.stop()
    try:
        listed = _ok(_cli(home, pg_url, "incident", "list", "--json"))
        assert "offline" in listed.stderr
        assert sorted(i["id"] for i in json.loads(listed.stdout)) == sorted([seen.id, other.id])
        for args in (("ack", str(seen.id)), ("plan", str(seen.id), "--text", "切换到备用链路"),
                     ("level", str(seen.id), "I", "--reason", "影响全部业务"),
                     ("note", str(seen.id), "离线记录")):
            queued = _ok(_cli(home, pg_url, "incident", *args))
            assert "offline" in queued.stderr
        shown = json.loads(_ok(_cli(home, pg_url, "incident", "show", str(seen.id), "--json")).stdout)
        incident = shown["incident"]
        # Status and milestones come from the actions, on the copy as on the server.
        assert (incident["status"], incident["level"]) == ("responding", "I")
        assert incident["responded_at"] is not None and incident["plan_at"] is not None
        assert [a["details"] for a in shown["timeline"] if a["kind"] == "note"] == ["B 在线时的记录", "离线记录"]
        # Not possible on what the desk knows: refused here, nothing queued.
        waiting = Outbox(home).count()
        refused = _cli(home, pg_url, "incident", "level", str(seen.id), "I", "--reason", "再次")
        assert refused.returncode == 1 and "already level I" in refused.stderr
        assert Outbox(home).count() == waiting

        started = json.loads(_ok(_cli(home, pg_url, "incident", "start", "--title", "离线时新来的故障",
                                      "--level", "III", "--json")).stdout)
        uid = started["incident"]["uid"]
        _ok(_cli(home, pg_url, "incident", "ack", uid))
        listed = json.loads(_ok(_cli(home, pg_url, "incident", "list", "--json")).stdout)
        pending = [i for i in listed if i["pending"]]
        assert [(i["uid"], i["number"], i["status"]) for i in pending] == [(uid, None, "responding")]
        assert len(listed) == 3
        assert Outbox(home).count() == 6
    finally:
        gc.collect()
        pg_server.start()

    # B works the same incident while A is still away.
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    b.actor_override = "desk-b"
    try:
        b.incidents.note(seen.id, "B 回来后的记录")
        synced = json.loads(_ok(_cli(home, pg_url, "sync", "--json")).stdout)
        sent = synced["sent"]
        assert (sent["sent"], sent["duplicates"], sent["conflicts"], sent["waiting"]) == (6, 0, [], 0)
        number = sent["numbered"][uid]
        server = b.incidents.get(seen.id)
        assert (server.status, server.level) == ("responding", "I") and server.plan_at is not None
        notes = [a.details for a in b.incidents.timeline(seen.id) if a.kind == "note"]
        assert notes == ["B 在线时的记录", "B 回来后的记录", "离线记录"]  # the server's order: as they arrived
        assert b.incidents.get(number).status == "responding"
        assert len(b.incidents.list()) == 3

        a = KnowledgeBase.open(home=home, db_url=pg_url)
        try:
            copy = a.replica.incidents
            for incident_id in (seen.id, other.id, number):  # the copy is the server's, ids and all
                assert _timeline_shape(copy.timeline(incident_id)) == _timeline_shape(b.incidents.timeline(incident_id))
                assert copy.get(incident_id) == b.incidents.get(incident_id)
            assert all(i.id < LOCAL_BASE for i in copy.list())
            assert a.replica.refresh() == 0  # nothing new: nothing copied again
        finally:
            a.close()
        again = json.loads(_ok(_cli(home, pg_url, "sync", "--json")).stdout)
        assert again["sent"]["sent"] == 0 and again["incidents_copied"] == 0
        assert len([a for a in b.incidents.timeline(seen.id) if a.kind == "note"]) == 3
    finally:
        b.close()


def test_every_kind_of_action_queues_offline_and_reaches_the_server_once(tmp_path, pg_server, pg_url):
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    b.actor_override = "desk-b"
    incident = b.incidents.start("数据库主备切换失败", "II", reporter="张三", responsible="王工")
    b.close()
    a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    a.actor_override = "desk-a"
    try:
        from kbapp.incidents.escalation import EscalationChain, Person, save_chain

        save_chain(a.home.root / "escalation.json", EscalationChain((
            Person("王工", "值班工程师", "138 0000 0001", "李经理"), Person("李经理", "技术主管", "138 0000 0002", "赵总"),
            Person("赵总", "服务总监", "010-8888 8888"))))
        a.replica.refresh()
        pg_server.stop()
        try:
            desk = a.desk_incidents
            desk.acknowledge(incident.id, note="收到")
            escalated = desk.escalate_now(incident.id, note="升级")
            assert escalated.person.name == "李经理"
            desk.record_plan(incident.id, "先切回主库")
            desk.change_level(incident.id, "I", reason="核心业务中断")
            desk.record_plan(incident.id, "应急：启用灾备", emergency=True)
            desk.set_responsible(incident.id, "李四", reason="值班交接")
            desk.set_channel(incident.id, "remote", reason="远程处理")
            desk.set_status(incident.id, "mitigated", note="已缓解")
            state = desk.state(incident.id)
            assert desk.offline
            assert (state.incident.status, state.incident.level, state.incident.responsible) == (
                "mitigated", "I", "李四")
            assert any(x.kind == "escalation" and x.id >= LOCAL_BASE for x in state.actions)
            assert state.incident.emergency_plan_at is not None
            offline_kinds = [x.kind for x in state.actions if x.id >= LOCAL_BASE]
            assert len(offline_kinds) >= 8
        finally:
            gc.collect()
            pg_server.start()
        first = send(a)
        assert (first.sent, first.duplicates, first.waiting, first.conflicts) == (8, 0, 0, [])
        assert send(a).sent == 0
        a.replica.refresh()
        b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
        try:
            server = b.incidents.state(incident.id)
            assert [x.kind for x in server.actions[1:]] == offline_kinds  # after B's "created"
            assert len({x.id for x in server.actions}) == len(server.actions)
            assert (server.incident.status, server.incident.level, server.incident.responsible,
                    server.incident.channel) == ("mitigated", "I", "李四", "remote")
            copy = a.replica.incidents.state(incident.id)
            assert _timeline_shape(copy.actions) == _timeline_shape(server.actions)
            assert copy.incident == server.incident
        finally:
            b.close()
    finally:
        a.close()
