"""Drills, scenario cards, inspections and their reports (kbapp.training), core and CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kbhelpers import REPO_ROOT, open_kb, playbook_text, run_cli

from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import check_result
from kbapp.training.scenario import check_scenario, load_scenario

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SCENARIOS = REPO_ROOT / "playbooks" / "scenarios"


class Clock:
    def __init__(self, now: dt.datetime = T0):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += dt.timedelta(minutes=minutes)


@pytest.fixture
def kb(tmp_path):
    """The shipped library (with its scenario cards) on a fresh home, on a test clock."""
    base = open_kb(tmp_path)
    base.incidents.clock = Clock()
    base.incidents.default_actor = "张老师"
    yield base
    base.close()


def card(**parts: str) -> str:
    """A valid scenario card for the test playbook ``pb``; any section can be replaced."""
    front = parts.get("front", "id: drill-pb\nkind: scenario\ntitle: 演练\ntitle_en: Drill\nplaybook: pb\nlevel: II")
    sections = {
        "situation": "## 情景 Situation\n客户来电：服务停了。\n",
        "facts": "## 注入信息 Injected facts\n- 第 1 步：服务已停止。\n- step 3: 重启成功。\n",
        "path": "## 预期路径 Expected path\n1 → 3 → 4\n",
        "targets": "## 目标时间 Target times\n- 第 1 步：5 分钟\n- step 3: 2.5 min\n- 4: 10\n",
    }
    sections.update({k: v for k, v in parts.items() if k != "front"})
    return f"---\n{front}\n---\n# 演练 Drill\n\n" + "\n".join(v for v in sections.values() if v)


PB_STEPS = textwrap.dedent("""\
    1. 检查服务
       如果 服务已停止 → 第 3 步
    2. 查看日志
    3. 重启服务
       如果 重启失败 → 第 2 步
    4. 验证
    """)


def fixture_get(doc_id: str):
    from kbapp.parser import parse_text

    if doc_id != "pb":
        return None
    doc, _ = parse_text(playbook_text("pb", steps=PB_STEPS), Path("pb.md"))
    return doc


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "card.md"
    path.write_text(text, encoding="utf-8")
    _, problems = check_scenario(path, fixture_get)
    return [f"{p.line}: {p.message}" for p in problems]


# -- scenario cards ----------------------------------------------------------------------

def test_a_valid_card_parses(tmp_path):
    path = tmp_path / "card.md"
    path.write_text(card(), encoding="utf-8")
    scenario = load_scenario(path, fixture_get)
    assert scenario.playbook_id == "pb" and scenario.level == "II"
    assert scenario.path == (1, 3, 4)
    assert scenario.targets == {1: 5.0, 3: 2.5, 4: 10.0}
    assert [(f.step, f.text) for f in scenario.facts] == [(1, "服务已停止。"), (3, "重启成功。")]
    assert scenario.situation == "客户来电：服务停了。"
    assert scenario.successor(1) == 3 and scenario.successor(4) is None
    assert type(scenario).from_json(json.loads(json.dumps(scenario.to_json()))) == scenario


@pytest.mark.parametrize("parts, expected", [
    ({"path": "## 预期路径 Expected path\n1 → x → 4\n"}, "19: expected path: 'x' is not a step number"),
    ({"path": "## 预期路径 Expected path\n1 → 3 → 9\n"}, "19: expected path: playbook 'pb' has no step 9"),
    ({"path": "## 预期路径 Expected path\n1 → 3 → 1\n"}, "19: expected path goes from step 3 back to step 1"),
    ({"path": "## 预期路径 Expected path\n1 → 3 → 3\n"}, "19: expected path: step 3 appears twice"),
    ({"targets": "## 目标时间 Target times\n- 第 1 步：五分钟\n"}, "22: target time not understood"),
    ({"targets": "## 目标时间 Target times\n- 第 8 步：5 分钟\n"}, "22: target time for step 8"),
    ({"facts": "## 注入信息 Injected facts\n服务已停止。\n"}, "15: injected fact not understood"),
    ({"facts": "## 注入信息 Injected facts\n- 第 7 步：服务已停止。\n"}, "15: injected fact for step 7"),
    ({"targets": ""}, "9: missing section '## 目标时间 Target times'"),
    ({"front": "id: drill-pb\nkind: scenario\ntitle: 演练\nplaybook: nope"}, "5: playbook: no playbook 'nope'"),
    ({"front": "id: drill-pb\nkind: scenario\ntitle: 演练"}, "1: front matter: required field 'playbook'"),
    ({"front": "id: drill-pb\nkind: scenario\ntitle: 演练\nplaybook: pb\nlevel: V"}, "6: level: unknown fault level"),
    ({"front": "id: drill-pb\nkind: playbook\ntitle: 演练\nplaybook: pb"}, "3: kind: a scenario card needs"),
])
def test_card_problems_name_the_line(tmp_path, parts, expected):
    found = problems_of(tmp_path, card(**parts))
    assert any(line.startswith(expected) for line in found), found


def test_load_scenario_lists_every_problem_with_file_and_line(tmp_path):
    path = tmp_path / "card.md"
    path.write_text(card(path="## 预期路径 Expected path\n1 → 9\n", targets="## 目标时间 Target times\n- 1: soon\n"),
                    encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_scenario(path, fixture_get)
    message = str(caught.value)
    assert f"{path}:19: expected path" in message and f"{path}:22: target time not understood" in message


def test_shipped_cards_cover_the_three_strategies_with_no_problems(kb):
    assert kb.problems() == []  # the library, scenario cards included, still lints clean
    cards = sorted(SCENARIOS.glob("*.md"))
    scenarios = []
    for path in cards:
        scenario, problems = check_scenario(path, kb.get)
        assert problems == [], [str(p) for p in problems]
        scenarios.append(scenario)
    assert {s.playbook_id for s in scenarios} >= {"operation-error", "config-loss", "data-loss"}
    for scenario in scenarios:
        assert scenario.title_en and scenario.situation and scenario.facts and scenario.targets
        assert set(scenario.targets) <= set(scenario.path)
    assert [d.id for d in kb.training.drills.scenarios("data-loss")] == ["drill-data-loss"]


# -- drills --------------------------------------------------------------------------------

# operation-error: data was lost, so step 3's decision leads to step 5; the trainee takes
# the other one (→ 4), skips 4, then does the rest. (minutes on the step, step, result, goto)
WRONG_TURN_SCRIPT = [(4, 1, "done", None), (12, 2, "done", None), (5, 3, "done", 4), (1, 4, "skipped", None),
                     (8, 5, "done", None), (20, 6, "done", None), (10, 7, "done", None), (5, 8, "done", None),
                     (20, 9, "done", None)]


def run_script(kb, drill_id: int, script) -> None:
    for minutes, step, result, goto in script:
        kb.incidents.clock.advance(minutes)
        kb.training.drills.step(drill_id, step, result, goto=goto, actor="小王")


def test_a_scripted_drill_with_a_wrong_turn_gets_its_exact_score(kb):
    drills = kb.training.drills
    drill = drills.start("operation-error", "drill-operation-error", "小王")
    assert drill.mode == "drill" and drill.title.startswith("演练 DRILL") and drill.level == "I"
    assert [f.step for f in drills.get(drill.id).revealed()] == [1]
    run_script(kb, drill.id, WRONG_TURN_SCRIPT)
    score = drills.finish(drill.id)
    # Order: all 8 expected steps in order (40). Decisions: one wrong turn at step 3 (30 − 10).
    # Time: 6 of 8 timed steps within target — step 2 (12 > 10) and 9 (20 > 15) are over (30 × 6/8 = 22.5 → 23).
    assert (score.order_points, score.decision_points, score.time_points, score.total) == (40, 20, 23, 83)
    assert [(w.step, w.taken, w.expected) for w in score.wrong_turns] == [(3, 4, 5)]
    assert score.wrong_turns[0].condition == "操作未造成既成结果且数据未丢失"
    assert score.actual_path == (1, 2, 3, 5, 6, 7, 8, 9) and score.missed == () and score.extra == ()
    assert [s.step for s in score.steps if s.on_time is False] == [2, 9]
    assert {s.step: s.seconds for s in score.steps}[5] == 8 * 60  # from step 4's result to step 5's
    finished = drills.get(drill.id)
    assert finished.finished and "83/100" in finished.incident.summary
    assert [f.step for f in finished.revealed()] == [1, 3, 5, 6, 7]
    with pytest.raises(IncidentError, match="already finished"):
        drills.finish(drill.id)


def test_a_plain_done_where_the_path_needs_a_decision_is_a_wrong_turn(kb):
    # config-loss: after restoring from backup (step 4) the path follows the decision to 6.
    drills = kb.training.drills
    drill = drills.start("config-loss", SCENARIOS / "drill-config-loss.md", "小李")
    run_script(kb, drill.id, [(1, 1, "done", None), (1, 2, "done", None), (1, 3, "done", None),
                              (1, 4, "done", None), (1, 5, "done", None), (1, 6, "done", None),
                              (1, 7, "done", None), (1, 8, "done", None)])
    score = drills.score(drill.id)
    assert [(w.step, w.taken, w.expected, w.condition) for w in score.wrong_turns] == [(4, 5, 6, "")]
    assert score.extra == (5,) and score.in_order == 7
    # The off-path step 5 costs order points too: 7 of 7 expected steps in order, out of 8 run (40 × 7/8).
    assert (score.order_points, score.decision_points, score.time_points) == (35, 20, 30)
    assert "预期路径以外 1 步 1 step(s) off the path" in drills.report_markdown(drill.id)


# data-loss: 1 → 2 → 3 → 4 → 6 → 7 → 8; step 4 decides "文件已全部恢复 → 第 6 步".
DATA_LOSS_PATH = [(1, 1, "done", None), (1, 2, "done", None), (1, 3, "done", None)]


def test_a_plain_done_that_goes_on_to_the_right_step_is_no_wrong_turn(kb):
    # At step 4 the trainee marks it done without the decision, then works on step 6 (not
    # step 5, where the runner would go): the trainee went to step 6, the right one.
    drills = kb.training.drills
    drill = drills.start("data-loss", "drill-data-loss", "小王")
    run_script(kb, drill.id, DATA_LOSS_PATH + [(1, 4, "done", None), (1, 6, "done", None), (1, 7, "done", None),
                                               (1, 8, "done", None)])
    score = drills.score(drill.id)
    assert score.wrong_turns == () and score.extra == ()
    assert (score.order_points, score.decision_points) == (40, 30)


def test_a_decision_followed_right_after_a_plain_done_is_a_correction(kb):
    drills = kb.training.drills
    drill = drills.start("data-loss", "drill-data-loss", "小王")
    run_script(kb, drill.id, DATA_LOSS_PATH + [(1, 4, "done", None), (0.5, 4, "done", 6), (1, 6, "done", None),
                                               (1, 7, "done", None), (1, 8, "done", None)])
    assert drills.score(drill.id).wrong_turns == ()


def test_where_a_plain_done_led_is_the_next_step_worked_on(kb):
    # Step 4 done without the decision; step 5 skipped, then step 7: the trainee went to 7.
    drills = kb.training.drills
    drill = drills.start("data-loss", "drill-data-loss", "小王")
    run_script(kb, drill.id, DATA_LOSS_PATH + [(1, 4, "done", None), (0.2, 5, "skipped", None),
                                               (1, 7, "done", None), (1, 8, "done", None)])
    score = drills.score(drill.id)
    assert [(w.step, w.taken, w.expected) for w in score.wrong_turns] == [(4, 7, 6)]
    report = drills.report_markdown(drill.id)
    assert "第 4 步 step 4（未按决策转向 no decision taken）: 走向 went to 第 7 步 step 7" in report
    assert "went to 第 5 步" not in report


def test_one_mistake_is_one_wrong_turn(kb):
    # The wrong decision at step 4 (→ 7), taken twice, then put right (→ 6), the rest off and
    # back on the path: one wrong turn, at step 4, however often it is repeated.
    drills = kb.training.drills
    drill = drills.start("data-loss", "drill-data-loss", "小王")
    run_script(kb, drill.id, DATA_LOSS_PATH + [(1, 4, "done", 7), (1, 7, "failed", None), (1, 4, "done", 7),
                                               (1, 7, "failed", None), (1, 4, "done", 6), (1, 6, "done", None),
                                               (1, 7, "done", None), (1, 8, "done", None)])
    score = drills.score(drill.id)
    assert [(w.step, w.taken, w.expected) for w in score.wrong_turns] == [(4, 7, 6)]
    assert score.decision_points == 20


def test_every_off_path_step_costs_order_points(kb):
    drills = kb.training.drills
    drill = drills.start("data-loss", "drill-data-loss", "小王")
    # Step 3 sends the trainee to 5 (database data, a wrong turn), 5 is done, then back on the path.
    run_script(kb, drill.id, DATA_LOSS_PATH[:2] + [(1, 3, "done", 5), (1, 5, "done", None), (1, 4, "done", 6),
                                                   (1, 6, "done", None), (1, 7, "done", None), (1, 8, "done", None)])
    score = drills.score(drill.id)
    assert score.extra == (5,) and score.in_order == 7
    assert score.order_points == 35  # 40 × 7 / (7 expected + 1 off the path), not 40
    assert [(w.step, w.taken, w.expected) for w in score.wrong_turns] == [(3, 5, 4)]


def test_an_empty_drill_scores_nothing(kb):
    drill = kb.training.drills.start("data-loss", "drill-data-loss", "小赵")
    assert kb.training.drills.score(drill.id).total == 0


def test_a_scenario_for_another_playbook_or_no_trainee_is_refused(kb):
    with pytest.raises(IncidentError, match="is a drill of 'operation-error'"):
        kb.training.drills.start("data-loss", "drill-operation-error", "小王")
    with pytest.raises(IncidentError, match="trainee"):
        kb.training.drills.start("operation-error", "drill-operation-error", " ")
    assert kb.incidents.list_incidents(mode=None) == []


def test_drills_and_inspections_never_count_as_incidents(kb):
    real = kb.incidents.start("真实故障", "II", playbook_ids=["config-loss"])
    drill = kb.training.drills.start("operation-error", "drill-operation-error", "小王")
    inspection = kb.training.inspections.start(inspector="李工")
    kb.incidents.clock.advance(60 * 30)  # long past every response deadline
    assert [i.id for i in kb.incidents.list_incidents()] == [real.id]
    assert [i.id for i in kb.incidents.list(open_only=True)] == [real.id]
    assert [i.id for i in kb.incidents.list_incidents(mode="drill")] == [drill.id]
    assert {i.id for i in kb.incidents.list_incidents(mode=None)} == {real.id, drill.id, inspection.id}
    for other in (drill, inspection):
        assert kb.incidents.deadlines(other.id) == []
    assert kb.incidents.deadlines(real.id)
    from kbapp.incidents.escalation import EscalationChain, Person

    kb.incidents.save_chain(EscalationChain((Person("王工", reports_to="李经理"), Person("李经理"))))
    escalated = kb.watcher(kb.incidents.clock).run_once().escalated
    assert {e.incident_id for e in escalated} == {real.id}  # nobody is escalated to over a drill
    assert kb.incidents.get(drill.id).to_json()["mode"] == "drill"
    with pytest.raises(IncidentError, match="not a drill"):
        kb.training.drills.get(real.id)


def test_the_drill_report_has_the_score_and_is_redacted(kb):
    drills = kb.training.drills
    drill = drills.start("operation-error", "drill-operation-error", "小王")
    run_script(kb, drill.id, WRONG_TURN_SCRIPT[:3])
    kb.incidents.note(drill.id, "登录用 mysql -uroot -pS3cretPw 查看")
    drills.finish(drill.id)
    report = drills.report_markdown(drill.id)
    assert report.startswith(f"# 演练报告 Drill report #{drill.id}: 演练：生产库误删订单表")
    assert "非真实故障 not a real incident" in report and "**学员 Trainee**: 小王" in report
    assert "## 得分 Score: " in report and "决策失误 1 次" in report
    assert "走向 went to 第 4 步 step 4，预期 expected 第 5 步 step 5" in report
    assert "## 讲评要点 Debrief notes" in report and "ORA-00942" in report
    assert "S3cretPw" not in report and "REDACTED" in report
    assert "S3cretPw" in drills.report_markdown(drill.id, redact=False)


# -- inspections ---------------------------------------------------------------------------

def test_items_take_pass_fail_na_with_a_value_only_in_an_inspection(kb):
    assert check_result("n/a", "inspection") == "na" and check_result("不通过", "inspection") == "fail"
    with pytest.raises(IncidentError, match="not one of pass, fail, na"):
        check_result("done", "inspection")
    with pytest.raises(IncidentError, match="not one of done, skipped, failed"):
        check_result("pass")
    inspections = kb.training.inspections
    inspection = inspections.start(inspector="李工")
    assert inspection.mode == "inspection" and inspection.playbook_ids == ("routine-inspection",)
    action = inspections.record(inspection.id, 3, "pass", value="72%", note="/data 使用率")
    assert action.payload == {"result": "pass", "step_title": "运行状态检查：资源使用", "value": "72%"}
    assert kb.incidents.playbook_runs(inspection.id)[0].current == 4  # like a step done out of turn
    inspections.record(inspection.id, 1, "na")
    assert kb.incidents.playbook_runs(inspection.id)[0].current == 2
    inspections.record(inspection.id, 2, "fail")
    assert kb.incidents.playbook_runs(inspection.id)[0].current == 4  # a failed item is through, not repeated
    with pytest.raises(IncidentError, match="result"):
        inspections.record(inspection.id, 4, "done")
    real = kb.incidents.start("真实故障", "III", playbook_ids=["config-loss"])
    with pytest.raises(IncidentError, match="pass"):
        kb.incidents.step(real.id, 1, "pass")
    with pytest.raises(IncidentError, match="not an inspection"):
        inspections.record(real.id, 1, "pass")


def test_a_failed_item_opens_an_incident_that_carries_it(kb):
    inspections = kb.training.inspections
    inspection = inspections.start(inspector="李工")
    inspections.record(inspection.id, 8, "fail", value="0 个全备 full backups", note="昨天的增量备份不存在")
    inspections.record(inspection.id, 7, "pass")
    with pytest.raises(IncidentError, match="only a failed item"):
        inspections.open_incident(inspection.id, 7)
    incident = inspections.open_incident(inspection.id, 8)
    assert incident.mode == "incident" and incident.title == "巡检发现 Inspection finding: 备份检查：每日增量与定期全备"
    assert f"巡检 #{inspection.id} 第 8 项" in incident.description
    assert "测量值 Measured: 0 个全备 full backups" in incident.description
    assert "备注 Note: 昨天的增量备份不存在" in incident.description
    assert incident.category == "backup" and incident.playbook_ids == ("backup-failure",)
    assert incident.level == "III" and incident.responsible == "李工"
    created = kb.incidents.timeline(incident.id, kinds=("created",))[0]
    assert created.payload["context"] == {
        "inspection_id": inspection.id, "item": 8, "item_title": "备份检查：每日增量与定期全备", "result": "fail",
        "value": "0 个全备 full backups", "note": "昨天的增量备份不存在", "checklist": "routine-inspection"}
    follow = kb.incidents.timeline(inspection.id, kinds=(itypes.FOLLOW_UP,))
    assert [(a.step, a.payload["incident_id"]) for a in follow] == [(8, incident.id)]
    assert inspections.open_incident(inspection.id, 8) == kb.incidents.get(incident.id)  # not twice
    assert [i.id for i in kb.incidents.list_incidents()] == [incident.id]
    assert {i.number: i.follow_up for i in inspections.items(inspection.id)}[8] == incident.id


def test_a_crash_between_incident_and_follow_up_never_opens_a_second_incident(kb, monkeypatch):
    inspections = kb.training.inspections
    inspection = inspections.start(inspector="李工")
    inspections.record(inspection.id, 8, "fail", note="备份缺失")

    def crash(*_args, **_kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(inspections, "_log_follow_up", crash)
    with pytest.raises(RuntimeError):
        inspections.open_incident(inspection.id, 8)
    monkeypatch.undo()
    [orphan] = kb.incidents.list_incidents()
    assert inspections.open_incident(inspection.id, 8).id == orphan.id
    assert [i.id for i in kb.incidents.list_incidents()] == [orphan.id]
    assert {i.number: i.follow_up for i in inspections.items(inspection.id)}[8] == orphan.id


def test_the_inspection_report_and_finishing(kb):
    inspections = kb.training.inspections
    inspection = inspections.start(inspector="李工")
    for item in range(1, 9):
        inspections.record(inspection.id, item, "pass" if item != 3 else "fail",
                           value="91%" if item == 3 else "", note="password=hunter22 已改" if item == 3 else "")
    with pytest.raises(IncidentError, match="items: 9 have no result yet"):
        inspections.finish(inspection.id)
    inspections.record(inspection.id, 9, "na")
    incident = inspections.open_incident(inspection.id, 3)
    inspections.finish(inspection.id, summary="整体正常")
    report = inspections.report_markdown(inspection.id)
    assert report.startswith("# 巡检结果及系统运行报告 Inspection result and system operation report")
    assert "通过 7 pass · 不通过 1 fail · 不适用 1 n/a" in report
    assert "| 3 | 运行状态检查：资源使用 | 不通过 fail | 91% |" in report
    assert "| 运行状态 Running state | 2, 3, 4 | 异常 issues: 3 |" in report
    assert "| 数据完整性 Data integrity | 1 | 正常 normal |" in report
    assert f"→ 故障 incident #{incident.id} (待响应 Open)" in report
    assert "hunter22" not in report and "REDACTED" in report
    assert kb.incidents.get(inspection.id).status == "resolved"
    with pytest.raises(IncidentError, match="already finished"):
        inspections.finish(inspection.id)


# -- the command line ----------------------------------------------------------------------

def cli_json(home: Path, *args: str):
    result = run_cli(*args, "--json", home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_drill_round_trip(tmp_path):
    home = tmp_path / "home"
    started = run_cli("drill", "start", "operation-error", "--scenario", str(SCENARIOS / "drill-operation-error.md"),
                      "--trainee", "小王", home=home)
    assert started.returncode == 0, started.stderr
    drill_id = started.stdout.strip()
    step = cli_json(home, "drill", "step", drill_id, "1", "done")
    assert step["runner"]["current"] == 2 and step["new_facts"] == []
    cli_json(home, "drill", "step", drill_id, "2", "done")
    step = cli_json(home, "drill", "step", drill_id, "3", "done", "--decision", "5")
    assert step["runner"]["current"] == 5 and [f["step"] for f in step["new_facts"]] == [5]
    text = run_cli("drill", "step", drill_id, "5", "done", home=home)
    assert text.returncode == 0 and "下一步 next: 第 6 步" in text.stdout and "新情况 New fact (第 6 步" in text.stdout
    assert cli_json(home, "incident", "list") == []  # a drill is not an incident
    assert [d["id"] for d in cli_json(home, "drill", "list", "--open")] == [int(drill_id)]
    finished = cli_json(home, "drill", "finish", drill_id)["score"]
    assert finished["decision_points"] == 30 and finished["missed"] == [6, 7, 8, 9]
    report = run_cli("drill", "report", drill_id, "--format", "md", home=home)
    assert report.returncode == 0 and report.stdout.startswith(f"# 演练报告 Drill report #{drill_id}")
    out = tmp_path / "r.md"
    saved = cli_json(home, "drill", "report", drill_id, "--format", "md", "--out", str(out))
    assert Path(saved["path"]) == out.absolute() and out.read_text(encoding="utf-8") == report.stdout


def test_cli_inspection_round_trip(tmp_path):
    home = tmp_path / "home"
    inspection_id = str(cli_json(home, "inspect", "start", "--inspector", "李工")["inspection"]["id"])
    for item in range(1, 10):
        result = "fail" if item == 6 else "pass"
        args = ["inspect", "item", inspection_id, str(item), result]
        if item == 6:
            args += ["--value", "证书 20 天后到期", "--note", "portal.crt"]
        assert run_cli(*args, home=home).returncode == 0
    opened = cli_json(home, "inspect", "open-incident", inspection_id, "6")["incident"]
    assert opened["mode"] == "incident" and "证书 20 天后到期" in opened["description"]
    assert [i["id"] for i in cli_json(home, "incident", "list")] == [opened["id"]]
    shown = cli_json(home, "inspect", "show", inspection_id)
    assert [i["follow_up"] for i in shown["items"] if i["result"] == "fail"] == [opened["id"]]
    assert cli_json(home, "inspect", "finish", inspection_id)["action"]["payload"]["to"] == "resolved"
    report = run_cli("inspect", "report", inspection_id, "--format", "md", home=home)
    assert report.returncode == 0 and "巡检结果及系统运行报告" in report.stdout
    assert f"#{opened['id']}" in report.stdout


def test_cli_errors_are_one_line_with_file_and_line(tmp_path):
    home = tmp_path / "home"
    bad = tmp_path / "bad.md"
    bad.write_text(card(front="id: drill-x\nkind: scenario\ntitle: x\nplaybook: config-loss",
                        path="## 预期路径 Expected path\n1 → 99\n"), encoding="utf-8")
    result = run_cli("drill", "start", "config-loss", "--scenario", str(bad), "--trainee", "小王", home=home)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{bad}:17: expected path: playbook 'config-loss' has no step 99" in result.stderr
    checked = run_cli("drill", "check", str(bad), str(SCENARIOS / "drill-data-loss.md"), home=home)
    assert checked.returncode == 1 and f"{bad}:17:" in checked.stdout and "drill-data-loss.md: ok" in checked.stdout
    for args in (("drill", "show", "999"), ("inspect", "item", "999", "1", "pass")):
        result = run_cli(*args, home=home)
        assert result.returncode == 1 and result.stderr.startswith("kbapp: ") and "#999" in result.stderr


def test_the_training_core_and_its_cli_do_not_load_qt():
    code = ("import sys, kbapp.training.drills, kbapp.training.inspections, kbapp.training.packs, kbapp.cli.drill_cmds;"
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    assert out.stdout.strip() == "[]"
