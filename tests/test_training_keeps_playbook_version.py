"""A drill is scored, and an inspection's items are listed, from the playbook (checklist)
version it started with (issue 20: a running incident keeps its version; drills and
inspections are incidents too). A new version imported meanwhile changes neither."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from kbhelpers import open_kb, playbook_text, write_library

from kbapp.incidents.errors import IncidentError

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

PB_STEPS = textwrap.dedent("""\
    1. 检查服务
       如果 服务已停止 → 第 3 步
    2. 查看日志
    3. 重启服务
    4. 验证
    """)
CARD = ("---\nid: drill-pb\nkind: scenario\ntitle: 演练\ntitle_en: Drill\nplaybook: pb\nlevel: II\n---\n"
        "# 演练 Drill\n\n## 情景 Situation\n客户来电：服务停了。\n\n"
        "## 注入信息 Injected facts\n- 第 1 步：服务已停止。\n\n## 预期路径 Expected path\n1 → 3 → 4\n\n"
        "## 目标时间 Target times\n- 第 1 步：5 分钟\n- 3: 5\n- 4: 10\n")
CHECKLIST_STEPS = "1. 磁盘使用率\n2. 备份状态\n3. 证书有效期\n"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def kb(tmp_path):
    base = open_kb(tmp_path, shipped={
        "pb.md": playbook_text("pb", steps=PB_STEPS),
        "drill-pb.md": CARD,
        "chk.md": playbook_text("chk", kind="checklist", title="巡检", title_en="Checks", category="inspection",
                                steps=CHECKLIST_STEPS),
    })
    base.incidents.clock = Clock()
    base.incidents.default_actor = "张老师"
    yield base
    base.close()


def replace_with_one_step(kb, tmp_path, doc_id: str, **parts: str) -> None:
    source = write_library(tmp_path / f"{doc_id}-v2", {f"{doc_id}.md": playbook_text(
        doc_id, title="第二版", steps="1. 只有一步 only step v2\n", **parts)})
    result = kb.import_paths([source], replace=True)
    assert result.replaced and [s.title for s in kb.get(doc_id).steps] == ["只有一步 only step v2"]


def work(kb, drill_id: int, steps: list[int]) -> None:
    for step in steps:
        kb.incidents.clock.now += dt.timedelta(minutes=3)
        kb.training.drills.step(drill_id, step, "done", actor="小王")


def score_facts(score):
    return (score.total, score.order_points, score.decision_points, score.time_points,
            [(w.step, w.taken, w.expected, w.condition) for w in score.wrong_turns],
            [(s.step, s.title) for s in score.steps])


def test_a_drill_is_scored_on_the_playbook_version_it_started_with(kb, tmp_path):
    drills = kb.training.drills
    finished = drills.start("pb", "drill-pb", "小王")
    work(kb, finished.id, [1, 2, 3, 4])  # a plain "done" at step 1, where the path takes the decision to 3
    before = score_facts(drills.finish(finished.id))
    assert before[4] == [(1, 2, 3, "")]  # a wrong turn: v1 has the decision to 3 at step 1
    running = drills.start("pb", "drill-pb", "小王")
    work(kb, running.id, [1])

    replace_with_one_step(kb, tmp_path, "pb")

    work(kb, running.id, [2, 3, 4])  # v1's steps 2-4, still there for the drill
    assert score_facts(drills.finish(running.id)) == before
    assert score_facts(drills.score(finished.id)) == before  # a finished drill's score never moves
    assert "检查服务" in drills.report_markdown(finished.id)


def test_an_inspection_lists_the_checklist_items_it_started_with(kb, tmp_path):
    inspections = kb.training.inspections
    inspection = inspections.start("chk", inspector="李工")
    inspections.record(inspection.id, 1, "pass", value="72%")

    replace_with_one_step(kb, tmp_path, "chk", kind="checklist", category="inspection")

    items = inspections.items(inspection.id)
    assert [(i.number, i.title, i.result) for i in items] == [
        (1, "磁盘使用率", "pass"), (2, "备份状态", None), (3, "证书有效期", None)]
    with pytest.raises(IncidentError, match="2, 3 have no result yet"):
        inspections.finish(inspection.id)
    inspections.record(inspection.id, 2, "pass")
    inspections.record(inspection.id, 3, "na")
    inspections.finish(inspection.id)
    assert "证书有效期" in inspections.report_markdown(inspection.id)
    # A new round gets the new version.
    fresh = inspections.start("chk", inspector="李工")
    assert [i.title for i in inspections.items(fresh.id)] == ["只有一步 only step v2"]
