"""Everything a desk writes is shared: two data homes (desks A and B) on one PostgreSQL
server; what A writes, B copies into its own library and index from the change cursor
(kbapp.sync) and finds by search; a second sync does nothing; an interrupted one is
replayed without doubling anything."""

from __future__ import annotations

import json
import threading

import pytest
from kbhelpers import cli_env, playbook_text, run_cli, write_library

from kbapp.facade import KnowledgeBase
from kbapp.reports.errors import ReportError
from kbapp.sync import SyncError

FILLED = {"fault_type": "配置丢失", "cause": "运维误删 /etc/app/app.conf", "loss": "业务中断 40 分钟",
          "place": "客户机房 3F"}


def _desk(tmp_path, name: str, url: str, shipped) -> KnowledgeBase:
    kb = KnowledgeBase.open(home=tmp_path / name, db_url=url, shipped_dir=shipped)
    kb.actor_override = f"desk-{name}"
    return kb


@pytest.fixture
def shipped(tmp_path):
    return write_library(tmp_path / "shipped", {"svc.md": playbook_text("svc-down", "服务宕机", "Service down")})


@pytest.fixture
def desks(tmp_path, pg_url, shipped):
    a, b = _desk(tmp_path, "a", pg_url, shipped), _desk(tmp_path, "b", pg_url, shipped)
    b.sync_index()  # B has its own index before A writes anything
    yield a, b
    a.close()
    b.close()


def _solved(kb, title: str = "客户应用配置丢失 XQZ-771") -> int:
    inc = kb.incidents.start(title, "II", description="应用配置文件丢失 ERR-CONF-404", category="config-loss",
                             playbook_ids=["svc-down"], reporter="王经理")
    kb.incidents.step(inc.id, 1, "done", note="确认配置缺失")
    kb.incidents.resolve(inc.id, "从备份恢复配置并重启")
    return inc.id


def _ids(kb, query: str, kind: str) -> list[str]:
    return [h.id for h in kb.search(query, kind=kind).hits]


def test_a_report_written_on_desk_a_is_found_by_search_on_desk_b_after_sync(tmp_path, pg_url, desks):
    a, b = desks
    incident_id = _solved(a)
    a.reports.submit(incident_id, FILLED)
    assert "report-1" in _ids(a, "XQZ-771", "report")
    # B's command line syncs before it reads: the report is found there, from B's own index.
    found = run_cli("--db", pg_url, "search", "XQZ-771", "--kind", "report", "--json", home=tmp_path / "b",
                    env=cli_env())
    assert found.returncode == 0, found.stderr
    assert [h["id"] for h in json.loads(found.stdout)][:1] == ["report-1"]
    assert "offline" not in found.stderr
    assert list((tmp_path / "b" / "library" / "reports").glob("report-1-*.md"))
    # Nothing left to copy: a second sync does nothing.
    again = run_cli("--db", pg_url, "sync", "--json", home=tmp_path / "b", env=cli_env())
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["pulled"]["changes"] == 0


def test_lessons_records_approved_playbooks_imports_and_solved_incidents_reach_desk_b(tmp_path, desks, shipped):
    a, b = desks
    incident_id = _solved(a)
    a.lessons.add("svc-down", "先检查 crontab 是否覆盖了配置 LSN-5521", step=1, incident_id=incident_id)
    a.records.new("defect", title="报表导出乱码 REC-8830", description="导出 PDF 时中文乱码")
    new_text = (shipped / "svc.md").read_text(encoding="utf-8").replace("重启服务", "重启服务 PBK-4410")
    a.changes.approve(a.changes.propose("svc-down", new_text, reason="步骤更清楚").id)
    outside = write_library(tmp_path / "runbooks", {"vpn.md": playbook_text("vpn-down", "VPN 断开 IMP-2290")})
    assert a.import_paths([outside]).imported

    result = b.team.pull()
    assert result.changes >= 5 and not result.removed
    assert "lesson-1" in _ids(b, "LSN-5521", "lesson")
    assert _ids(b, "REC-8830", "record")
    assert "vpn-down" in _ids(b, "IMP-2290", "playbook")
    assert b.get("svc-down").version == 2 and "PBK-4410" in b.render_html("svc-down")
    assert f"incident-{incident_id}" in _ids(b, "XQZ-771", "incident")
    assert b.lessons.for_playbook("svc-down")[1]  # the lesson under its step on desk B too

    assert b.team.pull().changes == 0  # nothing new: nothing done
    own = a.team.pull()  # desk A's own writes come back exactly as it wrote them
    assert own.changes >= 5 and own.written == [], own.written


def test_a_reopened_incident_leaves_desk_b_index_after_sync(desks):
    a, b = desks
    incident_id = _solved(a)
    b.team.pull()
    assert f"incident-{incident_id}" in _ids(b, "XQZ-771", "incident")
    a.incidents.set_status(incident_id, "responding", note="又出现了")
    result = b.team.pull()
    assert [p.name for p in result.removed] == [f"incident-{incident_id}.md"]
    assert f"incident-{incident_id}" not in _ids(b, "XQZ-771", "incident")


def test_a_sync_interrupted_before_its_cursor_moved_is_replayed_without_doubles(desks, monkeypatch):
    a, b = desks
    a.reports.submit(_solved(a), FILLED)
    real_save = type(b.team)._save_cursor

    def crash(self, cursor):
        raise KeyboardInterrupt  # killed after the files and the index, before the cursor
    monkeypatch.setattr(type(b.team), "_save_cursor", crash)
    with pytest.raises(KeyboardInterrupt):
        b.team.pull()
    monkeypatch.setattr(type(b.team), "_save_cursor", real_save)
    assert b.team.cursor() == 0
    again = b.team.pull()
    assert again.changes > 0 and again.written == []  # the files were there: nothing written twice
    assert _ids(b, "XQZ-771", "report") == ["report-1"]
    assert len(list((b.home.reports).glob("report-1-*.md"))) == 1


def test_two_desks_approving_the_same_playbook_version_at_once_make_it_once(desks, shipped):
    a, b = desks
    base = (shipped / "svc.md").read_text(encoding="utf-8")
    first = a.changes.propose("svc-down", base.replace("重启服务", "重启服务（甲）"))
    second = b.changes.propose("svc-down", base.replace("重启服务", "重启服务（乙）"))
    barrier, outcome = threading.Barrier(2), {}

    def approve(kb, change_id):
        barrier.wait()
        try:
            outcome[change_id] = kb.changes.approve(change_id)
        except ReportError as exc:
            outcome[change_id] = exc

    threads = [threading.Thread(target=approve, args=(kb, c.id)) for kb, c in ((a, first), (b, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    refused = [v for v in outcome.values() if isinstance(v, ReportError)]
    assert len(refused) == 1 and "approved meanwhile" in str(refused[0])
    statuses = sorted(a.changes.get(c.id).status for c in (first, second))
    assert statuses == ["approved", "proposed"]


def test_an_unreachable_server_is_said_once_and_the_local_copy_still_answers(tmp_path, desks):
    a, _b = desks
    a.sync_index()
    url = "postgresql+psycopg://kbapp@127.0.0.1:1/nowhere"
    result = run_cli("--db", url, "search", "配置丢失", "--json", home=tmp_path / "a", env=cli_env())
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("offline") == 1 and "local copy" in result.stderr
    assert "config-loss" in [h["id"] for h in json.loads(result.stdout)]
    assert run_cli("--db", url, "sync", home=tmp_path / "a", env=cli_env()).returncode == 2
    off = KnowledgeBase.open(home=tmp_path / "a", db_url=url)
    try:
        with pytest.raises(SyncError):
            off.team.pull()
    finally:
        off.close()
