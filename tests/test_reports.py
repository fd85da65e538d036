"""Fault reports, lessons and reviewed playbook changes, on the shipped library."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from kbhelpers import open_kb

from kbapp.incidents import lifecycle as lc
from kbapp.parser import parse_file
from kbapp.reports.errors import ReportError
from kbapp.reports.fields import check_fields, parse_time

SECRET = "Hunter2-Secret"
FILLED = {"fault_type": "配置丢失", "cause": "运维误删 /etc/app/app.conf", "loss": "业务中断 40 分钟",
          "place": "客户机房 3F"}


@pytest.fixture
def kb(tmp_path):
    kb = open_kb(tmp_path)
    kb.sync_index()
    kb.reports.tz = dt.UTC
    yield kb
    kb.close()


def resolved_incident(kb, note: str = f"已重置，密码：{SECRET}") -> int:
    svc = kb.incidents
    inc = svc.start("客户应用配置丢失", "II", description="应用配置文件丢失，服务无法启动 ERR-CONF-404",
                    category="config-loss", playbook_ids=["config-loss"], reporter="王经理", actor="李工")
    svc.step(inc.id, 1, "done", note="确认 /etc/app 下配置缺失", actor="李工")
    svc.step(inc.id, 2, "skipped", actor="李工")
    svc.step(inc.id, 3, "done", note=note, actor="李工")
    svc.resolve(inc.id, "从 /backup 恢复配置并重启", actor="李工")
    return inc.id


def test_draft_is_prefilled_from_the_incident_and_its_log(kb):
    incident_id = resolved_incident(kb)
    draft = kb.reports.draft(incident_id)
    incident = kb.incidents.get(incident_id)
    assert draft.fields["level"] == "II"
    assert draft.fields["reporter"] == "王经理"
    assert draft.fields["method"] == "从 /backup 恢复配置并重启"
    assert "ERR-CONF-404" in draft.fields["description"]
    assert parse_time(draft.fields["resolved_at"]) == incident.resolved_at.replace(microsecond=0)
    assert any("第 2 步" in line and "skipped" in line for line in draft.steps)
    assert [row[2] for row in draft.timeline][:2] == ["创建 Created", "关联预案 Playbook attached"]
    assert draft.fields["cause"] == "" and draft.fields["loss"] == ""


def test_missing_fields_are_named_one_by_one_and_nothing_is_written(kb):
    incident_id = resolved_incident(kb)
    with pytest.raises(ReportError) as caught:
        kb.reports.submit(incident_id, {"cause": "  ", "occurred_at": "yesterday"})
    fields = [p.field for p in caught.value.problems]
    assert fields == ["fault_type", "occurred_at", "place", "cause", "loss"]
    assert "故障原因 Cause is required" in str(caught.value)
    assert kb.reports.list_reports() == []
    assert not kb.home.reports.exists() or not any(kb.home.reports.iterdir())
    assert kb.incidents.get(incident_id).status == lc.RESOLVED


def test_field_checks():
    good = {"fault_type": "x", "level": "ii", "occurred_at": "2026-03-01 10:00 +08:00",
            "notified_at": "2026-03-01T10:05:00+08:00", "responded_at": "2026-03-01 02:20:00 Z",
            "resolved_at": "2026-03-01 12:00 +08:00", "place": "p", "reporter": "r", "description": "d",
            "cause": "c", "method": "m", "loss": "l"}
    assert check_fields(good) == []
    bad = check_fields({**good, "level": "V", "resolved_at": "2026-03-01 09:00 +08:00", "place": "a\nb"})
    assert [p.field for p in bad] == ["level", "place", "resolved_at"]


def test_unresolved_incident_has_no_report(kb):
    inc = kb.incidents.start("磁盘满", "III", actor="李工")
    with pytest.raises(ReportError, match="not resolved"):
        kb.reports.submit(inc.id, FILLED)


def test_report_round_trips_through_database_markdown_and_search(kb):
    incident_id = resolved_incident(kb)
    report = kb.reports.submit(incident_id, FILLED, actor="李工")
    # database
    again = kb.reports.get(report.id)
    assert again.fields["cause"] == FILLED["cause"] and again.incident_id == incident_id
    assert kb.reports.for_incident(incident_id).id == report.id
    # Markdown with front matter, in the home's library, parsed as a report
    path = Path(report.path)
    assert path.parent == kb.home.reports
    doc, problems = parse_file(path)
    assert problems == [] and doc.kind == "report" and doc.id == f"report-{incident_id}"
    assert doc.meta["incident"] == incident_id and doc.levels == ["II"]
    # searchable at once, also through a fresh process's view of the index
    assert [h.id for h in kb.search("配置丢失", kind="report").hits] == [doc.id]
    assert doc.id in [h.id for h in kb.search("ERR-CONF-404").hits]
    # the incident moved on and its 24-hour report deadline is met
    incident = kb.incidents.get(incident_id)
    assert incident.status == lc.REPORT_SUBMITTED and incident.report_submitted_at is not None
    assert {d.key: d.state for d in kb.incidents.deadlines(incident)}["report"] == "met"
    # secrets stay out of the library copy
    assert SECRET not in path.read_text(encoding="utf-8")


def test_resubmitting_updates_the_same_report(kb):
    incident_id = resolved_incident(kb)
    first = kb.reports.submit(incident_id, FILLED)
    second = kb.reports.submit(incident_id, {"loss": "业务中断 45 分钟"})
    assert second.id == first.id and second.fields["loss"] == "业务中断 45 分钟"
    assert second.fields["cause"] == FILLED["cause"]
    assert "45 分钟" in Path(second.path).read_text(encoding="utf-8")
    assert [a.kind for a in kb.incidents.timeline(incident_id)][-1] == "report"


def test_export_redacts_by_default(kb):
    incident_id = resolved_incident(kb)
    report = kb.reports.submit(incident_id, {**FILLED, "method": f"mysql -uroot -p{SECRET} 恢复"})
    for fmt in ("md", "html"):
        text = kb.reports.export_text(report.id, fmt)
        assert SECRET not in text and "REDACTED" in text
        assert "配置丢失" in text
    assert SECRET in kb.reports.export_text(report.id, "md", redact=False)
    html = kb.reports.export_text(report.id, "html")
    assert "<script" not in html and "<table>" in html


def test_failed_write_keeps_the_previous_report(kb, monkeypatch):
    incident_id = resolved_incident(kb)
    report = kb.reports.submit(incident_id, FILLED)
    before = Path(report.path).read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the report's new file cannot be written
    with pytest.raises(OSError):
        kb.reports.submit(incident_id, {"loss": "changed"})
    monkeypatch.undo()
    assert Path(report.path).read_bytes() == before
    assert kb.reports.get(report.id).fields["loss"] == FILLED["loss"]
    assert [p.name for p in kb.home.reports.iterdir()] == [Path(report.path).name]  # no temp file left


def test_lesson_shows_under_its_step_and_in_search_at_once(kb):
    incident_id = resolved_incident(kb)
    lesson = kb.lessons.add("config-loss", "第 3 步缺少检查 crontab 是否覆盖配置 QZXLESSON", step=3,
                            incident_id=incident_id, actor="李工")
    assert [h.id for h in kb.search("QZXLESSON").hits] == [lesson.doc_id]
    assert kb.search("crontab 覆盖", kind="lesson").hits[0].id == lesson.doc_id
    html = kb.render_with_history("config-loss", lang="zh")
    step3, step4 = html.index('name="step-3"'), html.index('name="step-4"')
    assert step3 < html.index("QZXLESSON") < step4
    # how often steps were skipped or failed in past incidents
    assert kb.lessons.step_stats("config-loss") == {2: {"skipped": 1, "failed": 0}}
    step2, step3 = html.index('name="step-2"'), html.index('name="step-3"')
    assert "跳过 1 次" in html[step2:step3]
    assert kb.incidents.timeline(incident_id)[-1].kind == "lesson"


def test_lesson_input_is_checked(kb):
    with pytest.raises(ReportError, match="no step 42"):
        kb.lessons.add("config-loss", "x", step=42)
    with pytest.raises(ReportError, match="no playbook"):
        kb.lessons.add("no-such-playbook", "x")
    with pytest.raises(ReportError, match="empty"):
        kb.lessons.add("config-loss", "   ")
    assert kb.lessons.list() == []


def _edited(text: str) -> str:
    new = text.replace("3. 查找丢失原因", "3. 查找丢失原因（先检查 crontab）", 1)
    assert new != text
    return new


def test_playbook_change_applies_only_after_approval_and_keeps_the_old_version(kb):
    shipped = Path(kb.get("config-loss").path)
    shipped_text = shipped.read_text(encoding="utf-8")
    old_version = kb.get("config-loss").version
    change = kb.changes.propose("config-loss", _edited(shipped_text), reason="lesson 1", actor="李工")
    assert "+3. 查找丢失原因（先检查 crontab）" in change.diff()
    assert "-3. 查找丢失原因" in change.diff()
    # nothing applied yet
    assert kb.get("config-loss").version == old_version
    assert "先检查 crontab" not in kb.render_html("config-loss")

    approved = kb.changes.approve(change.id, actor="张主管")
    doc = kb.get("config-loss")
    assert approved.status == "approved" and approved.decided_by == "张主管"
    assert doc.version == old_version + 1 == approved.new_version
    assert doc.reviewed == dt.date.today() and doc.meta["approved_by"] == "张主管"
    assert Path(doc.path).is_relative_to(kb.home.library) and not doc.shipped
    assert "先检查 crontab" in doc.step(3).title
    assert shipped.read_text(encoding="utf-8") == shipped_text  # the shipped file is never written
    assert "config-loss" in [h.id for h in kb.search("先检查 crontab").hits]
    versions = kb.changes.versions("config-loss")
    assert [v.version for v in versions] == [old_version, old_version + 1]
    assert versions[0].text == shipped_text and versions[0].replaced_by == "张主管"
    with pytest.raises(ReportError, match="already approved"):
        kb.changes.approve(change.id)
    # the library read afresh keeps the home copy
    kb.reload_library()
    assert kb.get("config-loss").version == old_version + 1


def test_stale_or_broken_proposals_are_refused(kb):
    text = Path(kb.get("config-loss").path).read_text(encoding="utf-8")
    first = kb.changes.propose("config-loss", _edited(text))
    second = kb.changes.propose("config-loss", text.replace("## 验证 Verification", "## 验证 Verification\n\n- 多一行"))
    kb.changes.approve(first.id)
    with pytest.raises(ReportError, match="changed after"):
        kb.changes.approve(second.id)
    with pytest.raises(ReportError, match="id must stay"):
        kb.changes.propose("config-loss", re.sub(r"^id: .*$", "id: other-id", text, count=1, flags=re.M))
    with pytest.raises(ReportError, match="line"):
        kb.changes.propose("config-loss", text.replace("## 应急步骤 Emergency steps", "## 其他"))
    rejected = kb.changes.reject(second.id, actor="张主管", note="过时")
    assert rejected.status == "rejected"


def test_similar_past_incidents_and_reports(kb):
    incident_id = resolved_incident(kb)
    report = kb.reports.submit(incident_id, FILLED)
    kb.incidents.start("打印机卡纸", "IV", description="前台打印机卡纸", actor="李工")
    incidents, docs = kb.similar("应用配置文件又丢失了，服务无法启动")
    assert incidents[0].id == incident_id
    assert docs[0].id == report.doc_id
    assert all(i.title != "打印机卡纸" for i in incidents)


def test_report_has_a_deadline_compliance_section_with_the_same_words(kb):
    svc = kb.incidents
    now = dt.datetime.now(dt.UTC)
    inc = svc.start("响应迟了的故障", "II", notified_at=now - dt.timedelta(minutes=41), category="config-loss")
    svc.acknowledge(inc.id)
    svc.resolve(inc.id, "恢复配置")
    report = kb.reports.submit(inc.id, {**FILLED, "reporter": "王经理"})
    text = kb.reports.export_text(report.id, "md")
    section = text.split("## 时限执行情况 Deadline compliance", 1)[1].split("##", 1)[0]
    assert "响应 Response" in section and "missed by 11 min (met 11 min late)" in section
    assert "故障处理报告 Fault report" in section and "met on time" in section
