"""A team desk writes every incident action to its own copy and outbox first, then sends it
at once while the server answers (kbapp.local_first, kbapp.offline.push): a crash or a lost
network right after the engineer saw it done loses nothing; a move another desk made first
is refused at once and the copy corrected; an action made offline can be corrected before
the server has it. Against the real PostgreSQL server (tests/pgserver.py)."""

from __future__ import annotations

import gc
import json
import threading

import pytest
from kbhelpers import cli_env, run_cli

from kbapp.facade import KnowledgeBase
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.merge import unsettled
from kbapp.offline import Outbox, send
from kbapp.store.ids import LOCAL_BASE

UNREACHABLE = "postgresql+psycopg://kbapp@127.0.0.1:1/nowhere"
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # dead connections


def _desk(tmp_path, name, url) -> KnowledgeBase:
    kb = KnowledgeBase.open(home=tmp_path / name, db_url=url)
    kb.actor_override = f"desk-{name}"
    return kb


@pytest.fixture
def desks(tmp_path, pg_url):
    a, b = _desk(tmp_path, "a", pg_url), _desk(tmp_path, "b", pg_url)
    yield a, b
    a.close()
    b.close()


def _notes(svc, incident_id):
    return [x.details for x in svc.timeline(incident_id) if x.kind == "note"]


def test_an_online_action_is_on_the_copy_and_in_the_outbox_before_it_is_sent(desks, monkeypatch):
    a, b = desks
    incident = b.incidents.start("核心交换机故障", "II")
    a.replica.refresh()
    sent = a.desk_incidents.note(incident.id, "在线记录")
    assert sent.id < LOCAL_BASE and _notes(b.incidents, incident.id) == ["在线记录"]  # sent at once
    assert Outbox(a.home.root).count() == 0

    # The desk dies right after the action was kept on it, before anything reached the server.
    def crash(kb, item):
        raise KeyboardInterrupt

    monkeypatch.setattr("kbapp.offline.push", crash)
    with pytest.raises(KeyboardInterrupt):
        a.desk_incidents.note(incident.id, "刚写下就断电")
    monkeypatch.undo()
    assert Outbox(a.home.root).count() == 1
    assert _notes(a.replica.incidents, incident.id) == ["在线记录", "刚写下就断电"]  # on this desk already
    assert _notes(b.incidents, incident.id) == ["在线记录"]

    first = send(a)  # the next sync (or the next write) sends it, once
    assert (first.sent, first.duplicates, first.conflicts) == (1, 0, [])
    assert send(a).sent == 0
    assert _notes(b.incidents, incident.id) == ["在线记录", "刚写下就断电"]


def test_a_network_lost_during_the_send_keeps_the_action_queued_on_the_copy(tmp_path, pg_server, pg_url):
    b = _desk(tmp_path, "b", pg_url)
    incident = b.incidents.start("专线中断", "III")
    b.close()
    a = _desk(tmp_path, "a", pg_url)
    try:
        desk = a.desk_incidents
        desk.acknowledge(incident.id)  # online: the server has it, the desk knows the server
        assert not desk.offline
        pg_server.stop()
        try:
            kept = desk.note(incident.id, "断网时的记录")  # the server goes away between write and send
            assert kept.id >= LOCAL_BASE and desk.offline and len(desk.queued) == 1
            assert Outbox(a.home.root).count() == 1
            assert _notes(desk, incident.id) == ["断网时的记录"]  # read from the copy
        finally:
            gc.collect()
            pg_server.start()
        result = send(a)
        assert (result.sent, result.conflicts, result.waiting) == (1, [], 0)
        a.replica.refresh()
        b = _desk(tmp_path, "b", pg_url)
        try:
            assert _notes(b.incidents, incident.id) == ["断网时的记录"]
            assert [x.kind for x in b.incidents.timeline(incident.id)] == [
                x.kind for x in a.replica.incidents.timeline(incident.id)]
        finally:
            b.close()
    finally:
        a.close()


def _race(*calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the race's loser is the point
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_desks_racing_one_move_one_wins_and_the_other_is_told_at_once(desks):
    a, b = desks
    incident = a.incidents.start("数据库宕机", "II")
    a.incidents.acknowledge(incident.id)
    a.replica.refresh()
    b.replica.refresh()
    results = _race(lambda: a.desk_incidents.set_status(incident.id, "mitigated", note="A 缓解"),
                    lambda: b.desk_incidents.set_status(incident.id, "mitigated", note="B 缓解"))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], IncidentError) and "mitigated" in str(errors[0]), results
    loser = (a, b)[results.index(errors[0])]
    winner_note = "B 缓解" if loser is a else "A 缓解"

    timeline = a.incidents.timeline(incident.id)
    moves = [(x.payload["to"], x.details) for x in timeline if x.kind == "status"]
    assert moves == [("responding", ""), ("mitigated", winner_note)]  # one legal transition on the server
    assert unsettled(timeline) == []  # refused at once: nothing for a person to settle
    assert Outbox(loser.home.root).count() == 0 and loser.desk_incidents.queued == []
    copy = loser.replica.incidents  # the loser's copy shows the server's move, not its own
    assert copy.get(incident.id).status == "mitigated"
    assert [(x.payload["to"], x.details) for x in copy.timeline(incident.id) if x.kind == "status"] == moves
    assert all(x.id < LOCAL_BASE for x in copy.timeline(incident.id))


def test_a_copy_behind_the_server_does_not_refuse_a_move_the_server_allows(desks):
    a, b = desks
    incident = b.incidents.start("打印服务异常", "III")
    b.incidents.resolve(incident.id, "重启服务")
    a.replica.refresh()  # A's copy: resolved
    b.incidents.set_status(incident.id, "responding", note="又坏了")  # reopened on the server
    moved = a.desk_incidents.set_status(incident.id, "mitigated", note="A 缓解")
    assert moved.payload["to"] == "mitigated" and moved.id < LOCAL_BASE
    assert b.incidents.get(incident.id).status == "mitigated"
    with pytest.raises(IncidentError, match="already mitigated"):  # what neither allows is still refused
        a.desk_incidents.set_status(incident.id, "mitigated")
    assert Outbox(a.home.root).count() == 0


def test_an_action_made_offline_is_corrected_before_the_server_has_it(tmp_path, pg_server, pg_url):
    b = _desk(tmp_path, "b", pg_url)
    incident = b.incidents.start("邮件服务器故障", "III")
    b.close()
    a = _desk(tmp_path, "a", pg_url)
    try:
        a.replica.refresh()
        desk = a.desk_incidents
        online = desk.note(incident.id, "在线写错的记录")
        fixed = desk.correct(online.id, "在线更正")  # an action the server has: corrected at once
        assert fixed.corrects_id == online.id and fixed.id < LOCAL_BASE
        pg_server.stop()
        try:
            desk.offline = True
            wrong = desk.note(incident.id, "重启了 DB01")
            assert wrong.id >= LOCAL_BASE
            correction = desk.correct(wrong.id, "重启的是 DB02")  # queued behind the note it corrects
            assert correction.corrects_id == wrong.id
            again = desk.correct(correction.id, "确认是 DB02")  # a correction of the correction, too
            assert again.corrects_id == correction.id
            with pytest.raises(IncidentError, match="no action"):
                desk.correct(LOCAL_BASE + 999, "没有这条")
            assert Outbox(a.home.root).count() == 3
        finally:
            gc.collect()
            pg_server.start()
        result = send(a)
        assert (result.sent, result.conflicts) == (3, [])
        b = _desk(tmp_path, "b", pg_url)
        try:
            log = b.incidents.timeline(incident.id)
            note = next(x for x in log if x.details == "重启了 DB01")
            first = next(x for x in log if x.details == "重启的是 DB02")
            second = next(x for x in log if x.details == "确认是 DB02")
            assert (first.corrects_id, second.corrects_id) == (note.id, first.id)
            assert note.id < LOCAL_BASE and first.kind == second.kind == "correction"
        finally:
            b.close()
        assert send(a).sent == 0
    finally:
        a.close()


def test_the_command_line_writes_local_first_and_sends_at_once(tmp_path, pg_url, desks):
    _a, b = desks
    incident = b.incidents.start("网站访问慢", "IV")
    home = tmp_path / "c"
    noted = run_cli("--db", pg_url, "--actor", "desk-c", "incident", "note", str(incident.id), "命令行记录",
                    home=home, env=cli_env())
    assert noted.returncode == 0, noted.stderr
    assert "offline" not in noted.stderr
    number = int(noted.stdout.strip().lstrip("#"))
    assert number < LOCAL_BASE and Outbox(home).count() == 0
    assert [(x.id, x.details) for x in b.incidents.timeline(incident.id) if x.kind == "note"] == [(number, "命令行记录")]
    c = KnowledgeBase.open(home=home, db_url=pg_url)
    try:  # made on the copy first: the desk has the incident to work on when the server goes
        assert _notes(c.replica.incidents, incident.id) == ["命令行记录"]
    finally:
        c.close()


def test_incident_correct_on_the_command_line_offline_and_online(tmp_path, pg_url, desks):
    _a, b = desks
    incident = b.incidents.start("VPN 无法连接", "III")
    home = tmp_path / "c"

    def cli(url, *args):
        result = run_cli("--db", url, "--actor", "desk-c", "incident", *args, home=home, env=cli_env())
        assert result.returncode == 0, result.stderr
        return result

    noted = cli(pg_url, "note", str(incident.id), "在线记录")
    online_id = int(noted.stdout.strip().lstrip("#"))
    fixed = cli(pg_url, "correct", str(online_id), "--text", "在线更正")
    assert "correct" in fixed.stdout and "offline" not in fixed.stderr and Outbox(home).count() == 0

    cli(UNREACHABLE, "note", str(incident.id), "离线写错")  # the server is out of reach
    shown = json.loads(cli(UNREACHABLE, "show", str(incident.id), "--json").stdout)
    offline_id = next(a["id"] for a in shown["timeline"] if a["details"] == "离线写错")
    assert offline_id >= LOCAL_BASE
    corrected = cli(UNREACHABLE, "correct", str(offline_id), "--text", "离线更正")
    assert "offline" in corrected.stderr and "queued" in corrected.stderr
    assert Outbox(home).count() == 2

    synced = run_cli("--db", pg_url, "sync", "--json", home=home, env=cli_env())
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["sent"]["sent"] == 2
    log = {a.details: a for a in b.incidents.timeline(incident.id)}
    assert log["在线更正"].corrects_id == online_id
    assert log["离线更正"].corrects_id == log["离线写错"].id < LOCAL_BASE
