"""Conflicting moves made offline (kbapp.incidents.merge): both desks' actions are kept,
the incident is flagged for a person to settle (shown by ``incident show``), and after the
merge its milestones are what the actions say, whatever order they reached the server in."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from kbhelpers import cli_env, run_cli

from kbapp.facade import KnowledgeBase
from kbapp.incidents.merge import unsettled
from kbapp.offline import Outbox, send


@pytest.fixture
def desks(tmp_path, pg_url):
    a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    a.actor_override, b.actor_override = "desk-a", "desk-b"
    yield a, b
    a.close()
    b.close()


def _queue(kb, op, made_at, **args):
    return Outbox(kb.home.root).add(op, {"actor": kb.actor_name(), **args}, made_at=made_at)


def test_both_desks_resolved_and_one_reopened_offline_keeps_every_move_and_flags_it(desks, tmp_path, pg_url):
    a, b = desks
    incident = b.incidents.start("核心交换机宕机", "II")
    b.incidents.acknowledge(incident.id)
    t0 = dt.datetime.now(dt.UTC)
    # A, offline: resolved it, then saw it come back and reopened it.
    _queue(a, "resolve", t0 + dt.timedelta(seconds=1), id=incident.id, summary="A: 重启解决")
    _queue(a, "status", t0 + dt.timedelta(seconds=2), id=incident.id, status="responding", note="A: 又坏了")
    # B, online and later: resolved it too.
    b.incidents.clock = lambda: t0 + dt.timedelta(seconds=30)
    b.incidents.resolve(incident.id, "B: 换板卡解决")

    sent = send(a)
    assert sent.waiting == 0 and len(sent.conflicts) == 2
    timeline = b.incidents.timeline(incident.id)
    moves = [(x.actor, x.payload["to"]) for x in timeline if x.kind == "status"]
    # A's resolve was refused (already resolved): kept as a flagged note; A's reopen applies after B's resolve.
    assert moves == [("desk-b", "responding"), ("desk-b", "resolved"), ("desk-a", "responding")]
    flags = unsettled(timeline)
    assert [f.actor for f in flags] == ["desk-a", "desk-a"]
    assert flags[0].payload["offline"]["args"]["summary"] == "A: 重启解决"  # what A did is not lost
    assert "responding" in flags[1].details and "desk-b" in flags[1].details
    assert b.incidents.get(incident.id).status == "responding"  # the last move in the log

    home = tmp_path / "c"
    shown = run_cli("--db", pg_url, "incident", "show", str(incident.id), home=home, env=cli_env())
    assert shown.returncode == 0, shown.stderr
    assert "needs settling: 2" in shown.stdout
    settled = run_cli("--db", pg_url, "--actor", "主管", "incident", "settle", str(incident.id), "--note",
                      "B 的处理为准，A 复现后重新处理", home=home, env=cli_env())
    assert settled.returncode == 0, settled.stderr
    shown = run_cli("--db", pg_url, "incident", "show", str(incident.id), "--json", home=home, env=cli_env())
    assert json.loads(shown.stdout)["needs_settling"] == []
    again = run_cli("--db", pg_url, "incident", "settle", str(incident.id), "--note", "再来", home=home,
                    env=cli_env())
    assert again.returncode == 1 and "no conflict" in again.stderr
    assert send(a).sent == 0  # a second sync does nothing


def test_a_move_made_offline_after_the_servers_last_move_is_not_a_conflict(desks):
    a, b = desks
    incident = b.incidents.start("专线中断", "III")
    b.incidents.acknowledge(incident.id)
    _queue(a, "status", dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5), id=incident.id, status="mitigated")
    sent = send(a)
    assert (sent.sent, sent.conflicts) == (1, [])
    assert unsettled(b.incidents.timeline(incident.id)) == []


def test_a_response_made_offline_before_another_desks_counts_from_when_it_was_made(desks):
    a, b = desks
    t0 = dt.datetime.now(dt.UTC)
    b.incidents.clock = lambda: t0
    incident = b.incidents.start("数据库慢", "III")
    _queue(a, "note", t0 + dt.timedelta(minutes=10), id=incident.id, text="A 离线时已在查")
    b.incidents.clock = lambda: t0 + dt.timedelta(minutes=40)
    b.incidents.note(incident.id, "B 开始处理")  # reaches the server first, 40 min in: late
    assert b.incidents.get(incident.id).responded_at == t0 + dt.timedelta(minutes=40)

    send(a)
    merged = b.incidents.get(incident.id)
    assert merged.responded_at == t0 + dt.timedelta(minutes=10)
    response = next(d for d in b.incidents.deadlines(merged, now=t0 + dt.timedelta(hours=1)) if d.key == "response")
    assert response.met_at == t0 + dt.timedelta(minutes=10) and not response.late


def test_a_stale_move_and_its_conflict_flag_commit_together_or_not_at_all(desks, monkeypatch):
    a, b = desks
    incident = b.incidents.start("存储告警", "II")
    b.incidents.acknowledge(incident.id)
    t0 = dt.datetime.now(dt.UTC)
    _queue(a, "status", t0 + dt.timedelta(seconds=1), id=incident.id, status="mitigated", note="A: 离线缓解")
    b.incidents.clock = lambda: t0 + dt.timedelta(seconds=30)
    b.incidents.set_status(incident.id, "mitigated", note="B: 缓解")
    b.incidents.set_status(incident.id, "responding", note="B: 又坏了")  # A's move is now legal, and stale

    def dies(*_args, **_kwargs):
        raise KeyboardInterrupt  # the desk dies while writing the flag

    monkeypatch.setattr("kbapp.offline.flag_move", dies)
    with pytest.raises(KeyboardInterrupt):
        send(a)
    monkeypatch.undo()
    moves = [x.details for x in b.incidents.timeline(incident.id) if x.kind == "status"]
    assert "A: 离线缓解" not in moves and Outbox(a.home.root).count() == 1  # neither the move nor its flag

    sent = send(a)
    assert sent.sent == 1 and len(sent.conflicts) == 1 and "later move" in sent.conflicts[0]
    timeline = b.incidents.timeline(incident.id)
    assert [x.details for x in timeline if x.kind == "status"][-1] == "A: 离线缓解"
    assert [f.actor for f in unsettled(timeline)] == ["desk-a"]
    assert send(a).sent == 0 and len(unsettled(b.incidents.timeline(incident.id))) == 1
