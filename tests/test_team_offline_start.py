"""An incident started while the server is down (kbapp.offline): it is "pending" on the desk
that started it, work goes on under its desk-made id, and on the next sync the server gives
it its number, once; two desks offline at once never get the same number."""

from __future__ import annotations

import json

import pytest
from kbhelpers import cli_env, run_cli

from kbapp.facade import KnowledgeBase
from kbapp.offline import Outbox, pending_incidents

UNREACHABLE = "postgresql+psycopg://kbapp@127.0.0.1:1/nowhere"


@pytest.fixture
def desk_b(tmp_path, pg_url):
    kb = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    kb.actor_override = "desk-b"
    yield kb
    kb.close()


def _cli(home, url, *args, actor="desk-a"):
    return run_cli("--db", url, "--actor", actor, *args, home=home, env=cli_env())


def _start_offline(home, title, actor="desk-a"):
    started = _cli(home, UNREACHABLE, "incident", "start", "--title", title, "--level", "II", "--json", actor=actor)
    assert started.returncode == 0, started.stderr
    assert "offline" in started.stderr
    data = json.loads(started.stdout)
    assert data["incident"]["number"] is None
    return data["incident"]["uid"]


def test_an_incident_started_offline_is_pending_then_numbered_once_with_its_log(tmp_path, pg_url, desk_b):
    home = tmp_path / "a"
    uid = _start_offline(home, "机房断网")
    for n in range(2):
        noted = _cli(home, UNREACHABLE, "incident", "note", uid, f"离线记录 {n}")
        assert noted.returncode == 0, noted.stderr
    moved = _cli(home, UNREACHABLE, "incident", "status", uid, "mitigated", "--note", "切到备用线路")
    assert moved.returncode == 0, moved.stderr

    shown = _cli(home, UNREACHABLE, "incident", "show", uid)
    assert shown.returncode == 0, shown.stderr
    assert "pending" in shown.stdout and "机房断网" in shown.stdout and "离线记录 1" not in shown.stdout  # note text
    listed = _cli(home, UNREACHABLE, "incident", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(i["uid"], i["number"]) for i in json.loads(listed.stdout)] == [(uid, None)]

    synced = _cli(home, pg_url, "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    sent = json.loads(synced.stdout)["sent"]
    assert sent["sent"] == 4 and sent["conflicts"] == []
    number = sent["numbered"][uid]
    incident = desk_b.incidents.get(number)
    assert (incident.title, incident.uid, incident.status, incident.created_by) == ("机房断网", uid, "mitigated",
                                                                                  "desk-a")
    timeline = desk_b.incidents.timeline(number)
    assert [a.details for a in timeline if a.kind == "note"] == ["离线记录 0", "离线记录 1"]
    assert all(a.received_at is not None for a in timeline)  # the server's clock beside the desk's
    assert pending_incidents(home) == [] and Outbox(home).count() == 0

    again = _cli(home, pg_url, "sync", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["sent"]["sent"] == 0
    assert len(desk_b.incidents.list()) == 1
    # The uid still names it, online, on any desk.
    shown = _cli(tmp_path / "c", pg_url, "incident", "show", uid, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["incident"]["id"] == number


def test_two_desks_starting_incidents_offline_get_different_numbers(tmp_path, pg_url, desk_b):
    online = desk_b.incidents.start("在线登记", "III")
    uid_a = _start_offline(tmp_path / "a", "A 的故障", actor="desk-a")
    uid_c = _start_offline(tmp_path / "c", "C 的故障", actor="desk-c")
    numbers = []
    for home, uid in ((tmp_path / "c", uid_c), (tmp_path / "a", uid_a)):
        synced = _cli(home, pg_url, "sync", "--json")
        assert synced.returncode == 0, synced.stderr
        numbers.append(json.loads(synced.stdout)["sent"]["numbered"][uid])
    assert len({online.id, *numbers}) == 3
    titles = {i.id: i.title for i in desk_b.incidents.list()}
    assert titles == {online.id: "在线登记", numbers[0]: "C 的故障", numbers[1]: "A 的故障"}


def test_a_replayed_start_makes_no_second_incident(tmp_path, pg_url, desk_b, monkeypatch):
    from kbapp.offline import send

    home = tmp_path / "a"
    uid = _start_offline(home, "只应有一个")
    a = KnowledgeBase.open(home=home, db_url=pg_url)
    try:
        monkeypatch.setattr(Outbox, "remove", lambda self, uid: None)  # killed before each delete
        first = send(a)
        monkeypatch.undo()
        replay = send(a)
    finally:
        a.close()
    assert (first.sent, replay.sent, replay.duplicates) == (1, 0, 1)
    assert replay.numbered == first.numbered == {uid: first.numbered[uid]}
    assert [i.title for i in desk_b.incidents.list()] == ["只应有一个"]


def test_a_start_that_is_not_valid_is_refused_on_the_desk_before_it_is_queued(tmp_path):
    started = _cli(tmp_path / "a", UNREACHABLE, "incident", "start", "--title", "坏级别", "--level", "V")
    assert started.returncode == 1 and "level" in started.stderr
    assert Outbox(tmp_path / "a").count() == 0
