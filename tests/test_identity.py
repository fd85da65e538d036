"""Who is acting (kbapp.identity): the engineer kept per data home, on every action, the
trainer and the trainee named apart in drills, and the same name on the command line."""

from __future__ import annotations

import json

import pytest
from kbhelpers import cli_env, open_kb, run_cli

from kbapp.identity import ENGINEER_FILE, load_engineer, save_engineer
from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import default_actor


@pytest.fixture
def kb(tmp_path):
    base = open_kb(tmp_path)
    yield base
    base.close()


def test_the_engineer_is_kept_in_each_data_home(tmp_path):
    desk, training = tmp_path / "desk", tmp_path / "training"
    desk.mkdir()
    training.mkdir()
    assert load_engineer(desk) is None
    save_engineer(desk, " 王工 ", "值班工程师 On-duty engineer")
    save_engineer(training, "张老师", "培训师 Trainer")
    assert load_engineer(desk).label == "王工 (值班工程师 On-duty engineer)"
    assert load_engineer(training).name == "张老师"
    assert json.loads((desk / ENGINEER_FILE).read_text(encoding="utf-8")) == {
        "name": "王工", "role": "值班工程师 On-duty engineer"}
    with pytest.raises(IncidentError, match="name: must not be empty"):
        save_engineer(desk, "  ")
    with pytest.raises(IncidentError, match="single line"):
        save_engineer(desk, "王工\n李工")
    assert load_engineer(desk).name == "王工"  # a refused name changes nothing
    (desk / ENGINEER_FILE).write_text("{not json", encoding="utf-8")
    assert load_engineer(desk) is None  # unusable: asked again, never a crash


def test_before_anyone_is_named_the_login_name_is_used(kb):
    assert kb.engineer is None and kb.actor_name() == default_actor()
    incident = kb.incidents.start("配置丢失", "II")
    assert incident.created_by == default_actor()


def test_every_action_is_logged_as_the_engineer(kb, tmp_path):
    kb.set_engineer("王工", "值班工程师 On-duty engineer")
    incident = kb.incidents.start("配置丢失", "II", playbook_ids=["config-loss"], category="config-loss")
    kb.incidents.acknowledge(incident.id)
    kb.incidents.step(incident.id, 1, "done", note="配置文件为空")
    kb.incidents.copy_command(incident.id, 2, 0)
    kb.incidents.note(incident.id, "已联系客户")
    kb.incidents.record_plan(incident.id, "从备份恢复")
    kb.incidents.resolve(incident.id, "已恢复")
    kb.reports.submit(incident.id, {**kb.reports.draft(incident.id).fields, "fault_type": "配置丢失",
                                    "cause": "升级覆盖", "loss": "中断 40 分钟", "place": "远程",
                                    "reporter": "客户张工"})
    lesson = kb.lessons.add("config-loss", "先检查 crontab", step=3, incident_id=incident.id)
    record = kb.records.new(kind="consultation", title="如何导出报表")
    actors = {a.kind: a.actor for a in kb.incidents.timeline(incident.id)}
    assert set(actors.values()) == {"王工"}, actors
    assert {itypes.CREATED, itypes.STEP, itypes.NOTE, itypes.PLAN} <= set(actors)
    assert lesson.created_by == "王工"
    assert {t.actor for t in kb.records.history(record.id)} == {"王工"}
    # Someone named by the caller still wins (the reporter of a call, a trainee ...).
    assert kb.incidents.note(incident.id, "交接", actor="李工").actor == "李工"
    # A second knowledge base on the same home (the next start, the command line) knows it.
    again = open_kb(tmp_path)
    try:
        assert again.engineer.name == "王工" and again.actor_name() == "王工"
    finally:
        again.close()


def test_drills_name_the_trainer_and_the_trainee_apart(kb):
    kb.set_engineer("张老师", "培训师 Trainer")
    drills = kb.training.drills
    drill = drills.start("data-loss", "drill-data-loss", "小王")
    assert drill.created_by == "张老师"  # the trainer, by default this desk's engineer
    drills.step(drill.id, 1, "done")
    drills.step(drill.id, 2, "done", actor="小李")  # someone else at the keyboard, named
    drills.finish(drill.id)
    steps = [a.actor for a in kb.incidents.timeline(drill.id, kinds=(itypes.STEP,))]
    assert steps == ["小王", "小李"]
    resolved = [a for a in kb.incidents.timeline(drill.id) if a.kind == itypes.STATUS and a.payload["to"] == "resolved"]
    assert [a.actor for a in resolved] == ["张老师"]  # the trainer ends it
    got = drills.get(drill.id)
    assert (got.trainer, got.trainee) == ("张老师", "小王")
    report = drills.report_markdown(drill.id)
    assert "**培训师 Trainer**: 张老师" in report and "**学员 Trainee**: 小王" in report
    other = drills.start("config-loss", "drill-config-loss", "小赵", trainer="李老师")
    assert drills.get(other.id).trainer == "李老师" and other.created_by == "李老师"


def test_inspections_are_the_engineers_unless_an_inspector_is_named(kb):
    kb.set_engineer("李工")
    inspection = kb.training.inspections.start()
    assert inspection.responsible == "李工" and inspection.created_by == "李工"
    assert kb.training.inspections.record(inspection.id, 1, "pass").actor == "李工"
    named = kb.training.inspections.start(inspector="赵工")
    assert named.responsible == "赵工" and named.created_by == "李工"


def test_the_command_line_uses_the_data_homes_engineer_unless_told_otherwise(tmp_path):
    home = tmp_path / "home"
    result = run_cli("engineer", "set", "王工", "--role", "值班工程师 On-duty engineer", home=home)
    assert result.returncode == 0, result.stderr
    shown = json.loads(run_cli("engineer", "--json", home=home).stdout)
    assert shown["actor"] == "王工" and shown["engineer"]["role"] == "值班工程师 On-duty engineer"
    incident_id = run_cli("incident", "start", "--title", "配置丢失", "--level", "II", home=home).stdout.strip()
    assert run_cli("incident", "note", incident_id, "第一条", home=home).returncode == 0
    assert run_cli("--actor", "赵工", "incident", "note", incident_id, "第二条", home=home).returncode == 0
    env = cli_env(KBAPP_ACTOR="李工")
    assert run_cli("incident", "note", incident_id, "第三条", home=home, env=env).returncode == 0
    shown = json.loads(run_cli("incident", "show", incident_id, "--json", home=home).stdout)
    actors = [a["actor"] for a in shown["timeline"]]
    assert actors[0] == "王工" and actors[-3:] == ["王工", "赵工", "李工"], actors
    assert json.loads(run_cli("engineer", "--json", home=home, env=env).stdout)["source"] == "$KBAPP_ACTOR"
    # A drill: the trainer starts and finishes it, the trainee's steps are the trainee's.
    drill_id = run_cli("drill", "start", "data-loss", "--scenario", "drill-data-loss", "--trainee", "小王",
                       home=home).stdout.strip()
    assert run_cli("drill", "step", drill_id, "1", "done", home=home).returncode == 0
    shown = json.loads(run_cli("incident", "show", drill_id, "--json", home=home).stdout)
    assert shown["incident"]["created_by"] == "王工"
    assert [a["actor"] for a in shown["timeline"] if a["kind"] == "step"] == ["小王"]
    bad = run_cli("engineer", "set", " ", home=home)
    assert bad.returncode == 1 and bad.stderr.strip() == "kbapp: name: must not be empty"
