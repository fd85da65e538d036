"""Status and milestones come from the actions in one order on every side (kbapp.incidents.merge.derive):
the server's sequence, and on a desk's copy the server's actions then the desk's queued
ones, the order the server will give them. So what a desk shows before it syncs is what
the server shows after, and after a sync every desk shows the same; conflicting moves stay
both kept and flagged. Against the real PostgreSQL server (tests/pgserver.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from kbapp.facade import KnowledgeBase
from kbapp.incidents.merge import milestones, unsettled
from kbapp.offline import send

T0 = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
FIELDS = ("status", "responded_at", "plan_at", "resolved_at")


def _desk(tmp_path, name, url) -> KnowledgeBase:
    kb = KnowledgeBase.open(home=tmp_path / name, db_url=url)
    kb.actor_override = f"desk-{name}"
    return kb


@pytest.fixture
def desks(tmp_path, pg_url):
    kbs = [_desk(tmp_path, n, pg_url) for n in "abc"]
    yield kbs
    for kb in kbs:
        kb.close()


def _at(minutes):
    return T0 + dt.timedelta(minutes=minutes)


def _shown(incident):
    return tuple(getattr(incident, f) for f in FIELDS)


def _offline_at(monkeypatch, kb, minutes):
    """This desk cut off from the server, its clock at T0 + minutes."""
    monkeypatch.setattr("kbapp.sync.desk_now", lambda: _at(minutes))
    kb.desk_incidents.offline = True
    return kb.desk_incidents


def test_a_desks_copy_shows_before_the_sync_the_milestones_the_server_shows_after(desks, monkeypatch):
    a, b, _c = desks
    b.incidents.clock = lambda: T0
    incident = b.incidents.start("核心交换机故障", "II")
    b.incidents.clock = lambda: _at(40)
    b.incidents.note(incident.id, "B 40 分钟才开始处理")  # online, late
    b.incidents.clock = lambda: _at(50)
    b.incidents.record_plan(incident.id, "B 的方案")
    a.replica.refresh()

    desk = _offline_at(monkeypatch, a, 10)
    desk.note(incident.id, "A 10 分钟时已在查")  # made offline, before B's
    monkeypatch.setattr("kbapp.sync.desk_now", lambda: _at(20))
    desk.record_plan(incident.id, "A 的方案")
    before = a.replica.incidents.get(incident.id)
    assert (before.responded_at, before.plan_at) == (_at(10), _at(20))  # the earliest, on the copy already

    assert send(a).conflicts == []
    a.replica.refresh()
    server, copy = b.incidents.get(incident.id), a.replica.incidents.get(incident.id)
    assert _shown(server) == _shown(before) == _shown(copy)
    response = next(d for d in b.incidents.deadlines(server, now=_at(60)) if d.key == "response")
    assert response.met_at == _at(10) and not response.late


def test_after_both_desks_sync_conflicting_moves_every_desk_shows_the_same(desks, monkeypatch):
    a, b, c = desks
    b.incidents.clock = lambda: T0
    incident = b.incidents.start("存储阵列告警", "II")
    b.incidents.acknowledge(incident.id)
    a.replica.refresh()
    c.replica.refresh()

    # Both offline: A resolves at 10 min; C mitigates at 5 min, then resolves at 15 min.
    _offline_at(monkeypatch, a, 10).resolve(incident.id, "A: 更换硬盘")
    desk_c = _offline_at(monkeypatch, c, 5)
    desk_c.set_status(incident.id, "mitigated", note="C: 切到备阵列")
    monkeypatch.setattr("kbapp.sync.desk_now", lambda: _at(15))
    desk_c.resolve(incident.id, "C: 控制器复位")
    assert a.replica.incidents.get(incident.id).status == c.replica.incidents.get(incident.id).status == "resolved"

    first = send(c)  # C reaches the server first: its moves stand
    assert first.conflicts == []
    # A's copy, brought up to the server before A's own send: the server's moves, then A's
    # queued resolve on top, which cannot follow C's — what the server will also say.
    a.replica.refresh()
    projected = a.replica.incidents.get(incident.id)
    assert projected.status == "resolved" and projected.summary == "C: 控制器复位"

    second = send(a)
    assert len(second.conflicts) == 1 and "refused" in second.conflicts[0]
    a.replica.refresh()
    c.replica.refresh()
    server = b.incidents.get(incident.id)
    log = b.incidents.timeline(incident.id)
    derived = milestones(log)
    assert (server.status, server.responded_at, server.resolved_at) == (
        derived["status"], derived["responded_at"], derived["resolved_at"])
    assert server.summary == "C: 控制器复位"
    for desk in (a, c):  # every desk shows the server's status and milestones
        assert desk.replica.incidents.get(incident.id) == server
        assert [x.id for x in desk.replica.incidents.timeline(incident.id)] == [x.id for x in log]
    flags = unsettled(log)  # A's resolve is not lost: kept, flagged for a person
    assert [f.actor for f in flags] == ["desk-a"] and flags[0].payload["offline"]["args"]["kwargs"]["summary"] == \
        "A: 更换硬盘"
