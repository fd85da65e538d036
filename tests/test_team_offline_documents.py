"""A team desk writes its documents local first (kbapp.desk_writes): with the server stopped,
a post-incident report, a lesson, a problem record with its moves and the supervisor's
sign-off, and change requests are made on the desk's copy, listed and found by the desk's
own search at once, and queued; when the server is back one sync gives them their numbers,
the other desk finds them, and a second sync sends nothing. A move the server refuses on
replay is kept, flagged in the record's history. Against the real PostgreSQL server
(tests/pgserver.py)."""

from __future__ import annotations

import gc
import json

import pytest
from kbhelpers import cli_env, run_cli

from kbapp.facade import KnowledgeBase
from kbapp.offline import Outbox
from kbapp.store.ids import LOCAL_BASE

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # dead connections

FILLED = ("--type", "配置丢失", "--cause", "运维误删配置 OFFLINEREPORTZ", "--loss", "业务中断 40 分钟",
          "--place", "客户机房 3F")


def _cli(home, url, *args, actor="desk-a"):
    return run_cli("--db", url, "--actor", actor, *args, home=home, env=cli_env())


def _ok(result):
    assert result.returncode == 0, result.stderr
    return result


def _json(result):
    return json.loads(_ok(result).stdout)


def _hits(home, url, query, kind, actor="desk-a"):
    return [h["id"] for h in _json(_cli(home, url, "search", query, "--kind", kind, "--json", actor=actor))]


def _counts(kb):
    from sqlalchemy import func, select

    from kbapp.store.models import LessonRow, ReportRow
    from kbapp.store.plan_models import ChangeEventRow, ChangeRequestRow
    from kbapp.store.records_models import ProblemRecordRow, RecordTransitionRow

    models = (ReportRow, LessonRow, ProblemRecordRow, RecordTransitionRow, ChangeRequestRow, ChangeEventRow)
    return kb.store.read(lambda s: [s.scalar(select(func.count()).select_from(m)) for m in models])


def test_documents_written_offline_reach_the_server_once_with_numbers(tmp_path, pg_server, pg_url):
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    b.actor_override = "desk-b"
    incident = b.incidents.start("客户应用配置丢失", "II", description="配置文件丢失", category="config-loss",
                                 playbook_ids=["config-loss"], reporter="王经理")
    b.incidents.resolve(incident.id, "从备份恢复配置并重启")
    record = b.records.new("defect", "报表导出乱码", reporter="客户李")
    b.records.move(record.id, "analysed", classification="technical")
    change = b.change_requests.new("unclear", "报表口径不明确")
    b.close()
    home = tmp_path / "a"
    _ok(_cli(home, pg_url, "sync"))

    pg_server.stop()
    try:
        made = _ok(_cli(home, pg_url, "report", "new", str(incident.id), *FILLED))
        assert "offline" in made.stderr and "pending" in made.stdout
        lesson = _json(_cli(home, pg_url, "lesson", "add", "--playbook", "config-loss", "--step", "1",
                            "--text", "先备份配置 OFFLINELESSONZ", "--json"))
        assert lesson["pending"] and lesson["id"] >= LOCAL_BASE
        new = _json(_cli(home, pg_url, "record", "new", "--kind", "defect", "--title", "离线登记的缺陷 OFFLINERECZ",
                         "--json"))
        uid = new["record"]["uid"]
        assert new["record"]["pending"] and uid
        _ok(_cli(home, pg_url, "record", "move", uid, "analysed", "--class", "technical"))
        _ok(_cli(home, pg_url, "record", "move", uid, "proposed", "--fix", "改用 UTF-8 导出"))
        # The sign-off's role rule holds offline: refused on the copy, nothing queued.
        waiting = Outbox(home).count()
        refused = _cli(home, pg_url, "record", "move", uid, "signed_off", "--supervisor", "小张", "--role", "工程师")
        assert refused.returncode == 1 and "may not sign off" in refused.stderr
        assert Outbox(home).count() == waiting
        _ok(_cli(home, pg_url, "record", "move", uid, "signed_off", "--supervisor", "李主管", "--role", "主管"))
        _ok(_cli(home, pg_url, "record", "move", str(record.id), "proposed", "--fix", "离线提出的处理建议"))
        logged = _json(_cli(home, pg_url, "change", "new", "--kind", "defect", "--title", "离线变更 OFFLINECHGZ",
                            "--json"))
        assert logged["pending"]
        _ok(_cli(home, pg_url, "change", "approve", str(change.id), "--by", "部门王", "--as", "department-head"))

        # Shown at once in the desk's lists, found by its own search.
        records = _json(_cli(home, pg_url, "record", "list", "--json"))
        assert [(r["pending"], r["state"]) for r in records if r["uid"] == uid] == [(True, "signed_off")]
        assert next(r for r in records if r["id"] == record.id)["state"] == "proposed"
        assert [c["state"] for c in _json(_cli(home, pg_url, "change", "list", "--json"))
                if c["id"] == change.id] == ["approved"]
        assert len(_json(_cli(home, pg_url, "report", "list", "--json"))) == 1
        assert _hits(home, pg_url, "OFFLINELESSONZ", "lesson") == [lesson["doc_id"]]
        assert len(_hits(home, pg_url, "OFFLINERECZ", "record")) == 1
        assert _hits(home, pg_url, "OFFLINEREPORTZ", "report") == [f"report-{incident.id}"]
        assert Outbox(home).count() == 9
    finally:
        gc.collect()
        pg_server.start()

    # B moves the record first: A's offline move of it is refused on replay, kept and flagged.
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    b.actor_override = "desk-b"
    try:
        b.records.move(record.id, "proposed", fix="B 的处理建议")
        synced = _json(_cli(home, pg_url, "sync", "--json"))
        sent = synced["sent"]
        assert (sent["sent"], sent["duplicates"], sent["waiting"]) == (8, 0, 0)
        assert len(sent["conflicts"]) == 1 and "problem record move" in sent["conflicts"][0]
        history = b.records.history(record.id)
        assert history[-1].fields.get("conflict") and "离线提出的处理建议" in json.dumps(history[-1].fields,
                                                                                 ensure_ascii=False)
        assert b.records.get(record.id).fix == "B 的处理建议"  # B's move stands

        # Numbered on the server, the moves in order, the sign-off by whom A said.
        server = next(r for r in b.records.list() if r.uid == uid)
        assert server.id < LOCAL_BASE and server.state == "signed_off"
        assert (server.supervisor, server.supervisor_role, server.proposed_by) == ("李主管", "主管", "desk-a")
        assert [t.to_state for t in b.records.history(server.id)] == ["submitted", "analysed", "proposed",
                                                                      "signed_off"]
        assert b.change_requests.get(change.id).state == "approved"
        assert any(c.title.startswith("离线变更") and c.id < LOCAL_BASE for c in b.change_requests.list())
        assert b.reports.for_incident(incident.id) is not None
        numbered_lesson = next(x for x in b.lessons.list() if x.uid == lesson["uid"])
        before = _counts(b)

        # Found by search on desk B, under the server's numbers.
        assert _hits(tmp_path / "b", pg_url, "OFFLINELESSONZ", "lesson", actor="desk-b") == [
            f"lesson-{numbered_lesson.id}"]
        assert _hits(tmp_path / "b", pg_url, "OFFLINERECZ", "record", actor="desk-b") == [f"record-{server.id}"]
        assert _hits(tmp_path / "b", pg_url, "OFFLINEREPORTZ", "report", actor="desk-b") == [
            f"report-{incident.id}"]

        # A second sync sends nothing, doubles nothing; desk A's pending files are gone.
        again = _json(_cli(home, pg_url, "sync", "--json"))
        assert again["sent"]["sent"] == 0 and again["sent"]["conflicts"] == []
        assert _counts(b) == before
        assert _hits(home, pg_url, "OFFLINERECZ", "record") == [f"record-{server.id}"]
        assert _hits(home, pg_url, "OFFLINELESSONZ", "lesson") == [f"lesson-{numbered_lesson.id}"]
        leftovers = [p.name for folder in ("records", "lessons", "reports")
                     for p in (home / "library" / folder).glob("*.md") if str(LOCAL_BASE)[:4] in p.name]
        assert leftovers == []
        listed = _json(_cli(home, pg_url, "record", "list", "--json"))
        assert not any(r["pending"] for r in listed) and len(listed) == 2
        from kbapp.desk_writes import refresh_documents

        a = KnowledgeBase.open(home=home, db_url=pg_url)
        try:  # the copy is the server's rows: nothing differs, nothing is copied again
            assert refresh_documents(a.store, a.replica.store) == 0
            assert a.replica.incidents.kb.records.history(server.id) == b.records.history(server.id)
        finally:
            a.close()
    finally:
        b.close()


def test_a_replay_after_the_server_stored_them_stores_nothing_twice(tmp_path, pg_server, pg_url, monkeypatch):
    from kbapp.offline import send

    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    b.actor_override = "desk-b"
    incident = b.incidents.start("专线中断", "II", category="config-loss", playbook_ids=["config-loss"],
                                 reporter="王经理")
    b.incidents.resolve(incident.id, "切换备用专线")
    change = b.change_requests.new("unclear", "口径不明确")
    a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    a.actor_override = "desk-a"
    try:
        a.replica.refresh()
        pg_server.stop()
        try:
            a.desk_reports.submit(incident.id, {"fault_type": "线路", "cause": "光缆被挖断", "loss": "无",
                                                "place": "机房"})
            a.desk_lessons.add("config-loss", "先确认备用线路", step=1, incident_id=incident.id)
            a.desk_lessons.add("config-loss", "整本预案的经验")
            record = a.desk_records.new("defect", "离线缺陷")
            assert record.pending
            a.desk_records.move(record.id, "analysed", classification="business")
            new_change = a.desk_change_requests.new("unclear", "离线的模糊功能")
            a.desk_change_requests.approve(new_change.id, "部门王", "department-head")
            a.desk_change_requests.approve(change.id, "部门王", "department-head")
            assert Outbox(a.home.root).count() == 8
        finally:
            gc.collect()
            pg_server.start()
        # The desk dies after each of the server's commits, before its outbox forgets the item.
        monkeypatch.setattr(Outbox, "remove", lambda self, uid: None)
        first = send(a)
        assert (first.sent, first.duplicates, first.conflicts) == (8, 0, [])
        stored = _counts(b)
        timeline = len(b.incidents.timeline(incident.id))
        monkeypatch.undo()
        again = send(a)
        assert (again.sent, again.duplicates, again.conflicts) == (0, 8, [])
        assert _counts(b) == stored and len(b.incidents.timeline(incident.id)) == timeline
        assert Outbox(a.home.root).count() == 0
        made = next(c for c in b.change_requests.list() if c.title == "离线的模糊功能")
        assert made.state == "approved" and [e.action for e in b.change_requests.history(made.id)] == [
            "logged", "submitted", "approved"]
        assert b.incidents.get(incident.id).status == "report_submitted"
    finally:
        a.close()
        b.close()


LESSONS = 150


@pytest.mark.slow
def test_a_sync_killed_while_sending_documents_doubles_nothing(tmp_path, pg_url):
    import subprocess
    import sys
    import time

    from kbhelpers import REPO_ROOT

    home = tmp_path / "a"
    home.mkdir()
    outbox = Outbox(home)
    for n in range(LESSONS):
        outbox.put(outbox.make("write", {"service": "lessons", "method": "add", "kwargs": {
            "playbook_id": "config-loss", "text": f"离线经验 {n}", "step": 1, "actor": "desk-a"}}))
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    try:
        cmd = [sys.executable, "-m", "kbapp", "--home", str(home), "--db", pg_url, "sync"]
        proc = subprocess.Popen(cmd, env=cli_env(), cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline and proc.poll() is None and len(b.lessons.list()) < 20:
                time.sleep(0.05)
        finally:
            proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs
            proc.wait(timeout=30)
        at_kill = len(b.lessons.list())
        assert 20 <= at_kill < LESSONS, "the sync finished before it was killed; the test proves nothing"
        again = _json(run_cli("--db", pg_url, "sync", "--json", home=home, env=cli_env()))
        assert again["sent"]["waiting"] == 0 and again["sent"]["conflicts"] == []
        texts = [x.text for x in b.lessons.list()]
        assert sorted(texts) == sorted(f"离线经验 {n}" for n in range(LESSONS))  # all, once
        third = _json(run_cli("--db", pg_url, "sync", "--json", home=home, env=cli_env()))
        assert third["sent"]["sent"] == 0 and len(b.lessons.list()) == LESSONS and Outbox(home).count() == 0
    finally:
        b.close()


def test_online_a_document_is_queued_before_the_server_has_it_and_a_refusal_is_said_at_once(tmp_path, pg_url,
                                                                                          monkeypatch):
    """Local first while the server answers too: the write is on the copy and in the outbox
    before it is sent (a desk killed before the server answered loses nothing); sent at
    once, it comes back under the server's number with no pending file left; a move the
    server refuses (the other desk moved first, this desk's copy did not know) is refused
    at once, nothing left queued, and the copy shows the other desk's move."""
    import kbapp.offline as offline
    from kbapp.errors import KbError
    from kbapp.store.db import StoreUnreachable

    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    b.actor_override = "desk-b"
    a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    a.actor_override = "desk-a"
    try:
        record = a.desk_records.new("defect", "在线登记 ONLINERECZ", reporter="客户李")
        assert record.id < LOCAL_BASE and Outbox(a.home.root).count() == 0
        assert b.records.get(record.id).title == "在线登记 ONLINERECZ"
        names = [p.name for p in (a.home.root / "library" / "records").glob("*.md")]
        assert names == [f"record-{record.id:04d}-在线登记-ONLINERECZ.md"]  # the server's number only

        seen: list[int] = []

        def killed(kb, item):  # the desk dies as it sends: what was queued stays
            seen.append(Outbox(kb.home.root).count())
            raise StoreUnreachable("the network went away")

        monkeypatch.setattr(offline, "push", killed)
        kept = a.desk_records.new("defect", "发送时断网 KEPTRECZ")
        assert seen == [1] and kept.id >= LOCAL_BASE and Outbox(a.home.root).count() == 1
        monkeypatch.undo()
        a.desk_incidents.back_online()
        assert offline.send(a).sent == 1
        assert [r.title for r in b.records.list() if "KEPTRECZ" in r.title] == ["发送时断网 KEPTRECZ"]

        a.replica.refresh()
        b.records.move(record.id, "analysed", classification="technical")  # B first; A's copy does not know
        with pytest.raises(KbError, match="analysed"):
            a.desk_records.move(record.id, "analysed", classification="business")
        assert Outbox(a.home.root).count() == 0
        assert a.replica.incidents.kb.records.get(record.id).classification == "technical"
        assert b.records.get(record.id).classification == "technical"
    finally:
        a.close()
        b.close()
