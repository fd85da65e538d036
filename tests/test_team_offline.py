"""A desk that loses its server keeps logging (kbapp.offline): the actions wait in its
outbox with the time they were made, and reach the server once, in order, when it is back;
a move another desk made first wins and the offline one is kept as a flagged note."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from kbhelpers import cli_env, run_cli

from kbapp.facade import KnowledgeBase
from kbapp.offline import CONFLICT_NOTE, Outbox, send

UNREACHABLE = "postgresql+psycopg://kbapp@127.0.0.1:1/nowhere"


@pytest.fixture
def desk_b(tmp_path, pg_url):
    kb = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    kb.actor_override = "desk-b"
    yield kb
    kb.close()


def _cli(home, url, *args):
    return run_cli("--db", url, "--actor", "desk-a", *args, home=home, env=cli_env())


def test_notes_logged_offline_reach_the_server_once_with_the_time_they_were_made(tmp_path, pg_url, desk_b):
    home_a = tmp_path / "a"
    incident = desk_b.incidents.start("专线中断", "II")
    before = dt.datetime.now(dt.UTC)
    for n in range(3):
        queued = _cli(home_a, UNREACHABLE, "incident", "note", str(incident.id), f"离线记录 {n}", "--json")
        assert queued.returncode == 0, queued.stderr
        assert "offline" in queued.stderr and json.loads(queued.stdout)["waiting"] == n + 1
    made = [item.made_at for item in Outbox(home_a).items()]
    assert all(before <= t for t in made)

    synced = _cli(home_a, pg_url, "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["sent"] == {"sent": 3, "duplicates": 0, "conflicts": [], "waiting": 0,
                                                 "numbered": {}}
    notes = [a for a in desk_b.incidents.timeline(incident.id) if a.kind == "note"]
    assert [a.details for a in notes] == ["离线记录 0", "离线记录 1", "离线记录 2"]
    assert [a.at for a in notes] == made  # the time on the desk when the engineer wrote it
    assert {a.actor for a in notes} == {"desk-a"}
    again = _cli(home_a, pg_url, "sync", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["sent"]["sent"] == 0
    assert len([a for a in desk_b.incidents.timeline(incident.id) if a.kind == "note"]) == 3


def test_a_replay_after_a_crash_between_commit_and_outbox_delete_stores_nothing_twice(tmp_path, pg_url,
                                                                                     desk_b, monkeypatch):
    incident = desk_b.incidents.start("专线中断", "II")
    a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    try:
        Outbox(a.home.root).add("note", {"id": incident.id, "text": "只应出现一次", "actor": "desk-a"})
        Outbox(a.home.root).add("status", {"id": incident.id, "status": "mitigated", "actor": "desk-a"})
        monkeypatch.setattr(Outbox, "remove", lambda self, uid: None)  # killed before each delete
        assert send(a).sent == 2
        monkeypatch.undo()
        replay = send(a)
        assert (replay.sent, replay.duplicates) == (0, 2)
        assert Outbox(a.home.root).count() == 0
    finally:
        a.close()
    timeline = desk_b.incidents.timeline(incident.id)
    assert [x.details for x in timeline if x.kind == "note"] == ["只应出现一次"]
    assert [x.payload["to"] for x in timeline if x.kind == "status"] == ["responding", "mitigated"]


def test_a_move_made_offline_that_another_desk_made_first_is_kept_as_a_flagged_note(tmp_path, pg_url, desk_b):
    home_a = tmp_path / "a"
    incident = desk_b.incidents.start("专线中断", "II")
    desk_b.incidents.acknowledge(incident.id)
    queued = _cli(home_a, UNREACHABLE, "incident", "status", str(incident.id), "mitigated", "--note", "A 已缓解")
    assert queued.returncode == 0, queued.stderr
    desk_b.incidents.set_status(incident.id, "mitigated", note="B 已缓解")  # B was online and first

    synced = _cli(home_a, pg_url, "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    conflicts = json.loads(synced.stdout)["sent"]["conflicts"]
    assert len(conflicts) == 1 and "mitigated" in conflicts[0]
    timeline = desk_b.incidents.timeline(incident.id)
    assert [x.payload["to"] for x in timeline if x.kind == "status"] == ["responding", "mitigated"]
    flagged = [x for x in timeline if x.payload.get("conflict")]
    assert len(flagged) == 1 and flagged[0].details.startswith(CONFLICT_NOTE) and flagged[0].actor == "desk-a"
    assert flagged[0].payload["offline"]["args"]["note"] == "A 已缓解"  # what A did is not lost


def test_the_server_stopped_and_started_again(tmp_path, pg_server, pg_url, desk_b):
    home_a = tmp_path / "a"
    incident = desk_b.incidents.start("专线中断", "II")
    desk_b.close()
    pg_server.stop()
    try:
        queued = _cli(home_a, pg_url, "incident", "note", str(incident.id), "服务器停了也能记")
        assert queued.returncode == 0, queued.stderr
        waiting = _cli(home_a, pg_url, "sync")
        assert waiting.returncode == 2 and "waiting" in waiting.stderr
    finally:
        pg_server.start()
    synced = _cli(home_a, pg_url, "sync")
    assert synced.returncode == 0, synced.stderr
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    try:
        assert [x.details for x in b.incidents.timeline(incident.id) if x.kind == "note"] == ["服务器停了也能记"]
    finally:
        b.close()
