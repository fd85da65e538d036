"""Past incidents are knowledge too: solved incidents are searchable as kind "incident",
redacted, kept in step with the incident (a late note, a reopen), drills left out."""

from __future__ import annotations

import json
import shutil

import pytest
from kbhelpers import open_kb, playbook_text, run_cli
from whoosh import index as windex

from kbapp.incidents import knowledge
from kbapp.incidents import lifecycle as lc
from kbapp.parser import parse_file

LIBRARY = {"pb.md": playbook_text("pb", "网关配置丢失", "Gateway config loss", category="config-loss")}
# A note as engineers write them: the fix, and the credentials they used on the way.
PASSWORD, TOKEN, URL_SECRET = "S3cretPw99", "ghp1x2y3z4TokenValue", "Passw0rdAtHost"
SECRET_NOTE = (f"zookeeperquirk 残留锁文件已删除；mysql -h 10.0.0.5 -uroot -p{PASSWORD} 校验通过，"
               f"api_token={TOKEN}，跳板 ssh://admin:{URL_SECRET}@10.1.2.3:22")
SECRETS = (PASSWORD, TOKEN, URL_SECRET)


@pytest.fixture
def kb(tmp_path):
    base = open_kb(tmp_path, LIBRARY)
    base.sync_index()
    yield base
    base.close()


def solved(kb, note: str = SECRET_NOTE, title: str = "网关 zkgateway 启动失败", mode: str = "incident") -> int:
    svc = kb.incidents
    inc = svc.start(title, "II", description="网关进程反复退出", category="config-loss", playbook_ids=["pb"],
                    actor="李工", mode=mode)
    svc.step(inc.id, 1, "done", note="确认 /etc/gw 下配置缺失", actor="李工")
    svc.note(inc.id, note, actor="李工")
    svc.resolve(inc.id, "清理锁文件并从备份恢复配置", actor="李工")
    return inc.id


def incident_hits(kb, query: str) -> list[str]:
    return [h.id for h in kb.search(query, kind="incident").hits]


def index_text(kb) -> str:
    """Everything the index holds, as text: stored fields and every indexed term."""
    ix = windex.open_dir(str(kb.index.dir))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            stored = [json.dumps(f, ensure_ascii=False, default=str) for f in reader.all_stored_fields()]
            terms = [t.decode("utf-8", "replace") if isinstance(t, bytes) else str(t) for _f, t in reader.all_terms()]
    finally:
        ix.close()
    return "\n".join(stored + terms)


def test_a_solved_incident_is_found_by_a_word_of_its_notes_and_no_secret_reaches_file_or_index(kb):
    incident_id = solved(kb)
    assert incident_hits(kb, "zookeeperquirk") == [f"incident-{incident_id}"]
    hit = kb.search("zookeeperquirk", kind="incident").hits[0]
    assert hit.kind == "incident" and hit.category == "config-loss" and list(hit.levels) == ["II"]

    path = kb.home.incidents / f"incident-{incident_id}.md"
    text = path.read_text(encoding="utf-8")
    assert "zookeeperquirk" in text and "-p[REDACTED]" in text and "ssh://admin:[REDACTED]@10.1.2.3" in text
    everything = index_text(kb)
    assert "zookeeperquirk" in everything  # the check below can see what the index holds
    for secret in SECRETS:
        assert secret not in text
        assert secret.lower() not in everything.lower()
        assert incident_hits(kb, secret) == []
    # The written document is a valid library document with its front matter.
    doc, problems = parse_file(path)
    assert not problems and doc.id == f"incident-{incident_id}" and doc.kind == "incident"


def test_title_description_step_notes_and_resolution_are_searchable(kb):
    incident_id = solved(kb, note="普通备注")
    expected = [f"incident-{incident_id}"]
    assert incident_hits(kb, "zkgateway") == expected  # the title
    assert incident_hits(kb, "反复退出") == expected  # the description
    assert incident_hits(kb, "/etc/gw") == expected or incident_hits(kb, "配置缺失") == expected  # a step note
    assert incident_hits(kb, "锁文件") == expected  # the resolution (summary)


def test_an_open_incident_is_not_knowledge_yet(kb):
    svc = kb.incidents
    inc = svc.start("网关 zkgateway 启动失败", "II", playbook_ids=["pb"], actor="李工")
    svc.note(inc.id, "zookeeperquirk 排查中", actor="李工")
    assert incident_hits(kb, "zookeeperquirk") == []
    assert not (kb.home.incidents / f"incident-{inc.id}.md").exists()


def test_a_drill_is_never_found(kb):
    drill_id = solved(kb, mode="drill")
    assert incident_hits(kb, "zookeeperquirk") == []
    assert [h.id for h in kb.search("zookeeperquirk").hits] == []
    assert not (kb.home.incidents / f"incident-{drill_id}.md").exists()


def test_an_incident_closed_without_being_solved_is_not_a_lesson(kb):
    svc = kb.incidents
    inc = svc.start("网关 zkgateway 启动失败", "II", actor="李工")
    svc.note(inc.id, "zookeeperquirk 同一故障", actor="李工")
    svc.set_status(inc.id, lc.CLOSED, note="同 #1", close_reason="duplicate", actor="李工")
    assert incident_hits(kb, "zookeeperquirk") == []


def test_a_reopened_incident_disappears_and_comes_back_when_solved_again(kb):
    incident_id = solved(kb)
    path = kb.home.incidents / f"incident-{incident_id}.md"
    kb.incidents.set_status(incident_id, lc.RESPONDING, note="故障复现", actor="李工")
    assert incident_hits(kb, "zookeeperquirk") == []
    assert not path.exists() and kb.get(f"incident-{incident_id}") is None
    kb.sync_index()  # the next sync does not bring it back
    assert incident_hits(kb, "zookeeperquirk") == []

    kb.incidents.resolve(incident_id, "更换磁盘后恢复 diskswapfix", actor="李工")
    assert incident_hits(kb, "diskswapfix") == [f"incident-{incident_id}"]
    assert "故障复现" in path.read_text(encoding="utf-8")  # the reopening note is part of the story


def test_a_note_or_correction_after_resolution_is_found(kb):
    incident_id = solved(kb, note="普通备注")
    assert incident_hits(kb, "latelessonword") == []
    action = kb.incidents.note(incident_id, "复盘：latelessonword 需要加监控", actor="王经理")
    assert incident_hits(kb, "latelessonword") == [f"incident-{incident_id}"]
    kb.incidents.correct(action.id, "更正：correctedword 才是根因", actor="王经理")
    assert incident_hits(kb, "correctedword") == [f"incident-{incident_id}"]


def test_report_submitted_and_closed_incidents_stay_searchable(kb):
    incident_id = solved(kb)
    fields = {"fault_type": "配置丢失", "cause": "锁文件残留", "loss": "中断 20 分钟", "place": "远程",
              "reporter": "王经理"}
    kb.reports.submit(incident_id, fields, actor="李工")
    kb.incidents.set_status(incident_id, lc.CLOSED, actor="李工")
    assert kb.incidents.get(incident_id).status == lc.CLOSED
    assert incident_hits(kb, "zookeeperquirk") == [f"incident-{incident_id}"]


def test_with_no_index_yet_the_file_is_written_and_the_first_search_finds_it(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        incident_id = solved(kb)
        assert (kb.home.incidents / f"incident-{incident_id}.md").exists()
        assert kb.index.needs_rebuild()  # resolving did not build the whole index
        kb.sync_index()
        assert incident_hits(kb, "zookeeperquirk") == [f"incident-{incident_id}"]
    finally:
        kb.close()


def test_incidents_solved_before_this_existed_are_backfilled_once(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.incidents.after_commit = None  # as before: nothing written on resolve
        first, second = solved(kb), solved(kb, note="second one quirkywombat")
        kb.incidents.set_status(second, lc.RESPONDING, note="复现", actor="李工")
    finally:
        kb.close()
    shutil.rmtree(tmp_path / "home" / "library" / "incidents")  # a home from before this change
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        assert incident_hits(kb, "zookeeperquirk") == [f"incident-{first}"]
        assert incident_hits(kb, "quirkywombat") == []  # reopened: not a lesson
        assert sorted(p.name for p in kb.home.incidents.iterdir()) == [f"incident-{first}.md"]
    finally:
        kb.close()


def test_a_fresh_home_backfills_nothing_and_creates_no_database(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.documents()
        assert kb.home.incidents.is_dir() and not kb.home.database.exists()
    finally:
        kb.close()


def test_a_failed_write_of_the_document_never_fails_the_incident(kb, monkeypatch, caplog):
    def full_disk(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(knowledge, "atomic_write_text", full_disk)
    incident_id = solved(kb)
    assert kb.incidents.get(incident_id).status == lc.RESOLVED
    assert "index rebuild" in caplog.text and PASSWORD not in caplog.text
    monkeypatch.undo()
    kb.sync_index(force=True)  # what 'kbapp index rebuild' does
    assert incident_hits(kb, "zookeeperquirk") == [f"incident-{incident_id}"]


def test_index_rebuild_on_the_command_line_writes_and_keeps_them(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        incident_id = solved(kb)
        path = kb.home.incidents / f"incident-{incident_id}.md"
    finally:
        kb.close()
    path.unlink()  # lost, or never written: the rebuild writes it again
    home = tmp_path / "home"  # the command line runs on the shipped library; the incident needs none
    rebuilt = run_cli("index", "rebuild", home=home)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert path.exists()
    found = run_cli("search", "zookeeperquirk", "--kind", "incident", "--json", home=home)
    assert found.returncode == 0, found.stderr
    assert [h["id"] for h in json.loads(found.stdout)] == [f"incident-{incident_id}"]
