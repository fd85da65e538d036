"""Service metrics on a constructed history whose every figure is worked out by hand here
(an injected clock; deadlines exactly at their due time and one second late)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from kbhelpers import open_kb, playbook_text

from kbapp.cli.main import main
from kbapp.reports.metrics import percentile

T0 = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
S, M, H, D = dt.timedelta(seconds=1), dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
NOW = T0 + 4 * D


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def history(request, tmp_path: Path):
    """The constructed history on SQLite and on a real PostgreSQL server (team mode)."""
    library = {"pb.md": playbook_text("pb", levels="[I, II, III, IV]")}
    if request.param == "sqlite":
        kb = open_kb(tmp_path, library)
    else:
        from kbhelpers import write_library

        from kbapp.facade import KnowledgeBase

        url = request.getfixturevalue("pg_url")
        kb = KnowledgeBase.open(home=tmp_path / "home", db_url=url,
                                shipped_dir=write_library(tmp_path / "shipped", library))
    svc = kb.incidents
    clock = svc.clock = Clock(T0)

    def at(when: dt.datetime) -> None:
        clock.now = when

    ids = {}
    # A, level II: responded exactly at 30 min, plan 1 s after its 24 h, solved in 2 days,
    # report exactly 24 h after.
    a = ids["A"] = svc.start("A 数据库慢", "II", notified_at=T0, customer="甲医院", playbook_ids=["pb"]).id
    at(T0 + 30 * M)
    svc.acknowledge(a)
    at(T0 + 1 * H)
    svc.step(a, 1, "skipped")
    at(T0 + 24 * H + S)
    svc.record_plan(a, "扩容")
    at(T0 + 2 * D)
    svc.resolve(a, "扩容后恢复")
    at(T0 + 3 * D)
    svc.set_status(a, "report_submitted")
    # B, level II: responded 1 min late, solved in 5 h (meets the plan), report never in.
    at(T0)
    b = ids["B"] = svc.start("B 应用报错", "II", notified_at=T0, customer="甲医院", playbook_ids=["pb"]).id
    at(T0 + 31 * M)
    svc.step(b, 1, "skipped")
    svc.step(b, 2, "failed")
    at(T0 + 5 * H)
    svc.resolve(b, "重启后恢复")
    # C, level I: responded in 10 min, solved at 3 h (the 2 h plan met late), came back,
    # solved again at 4 h.
    at(T0)
    c = ids["C"] = svc.start("C 核心系统宕机", "I", notified_at=T0, customer="乙银行").id
    at(T0 + 10 * M)
    svc.acknowledge(c)
    at(T0 + 3 * H)
    svc.resolve(c, "切换备机")
    at(T0 + 3 * H + 30 * M)
    svc.set_status(c, "responding", note="又出现")
    at(T0 + 4 * H)
    svc.resolve(c, "修复主机")
    # A drill and a duplicate never count.
    at(T0)
    svc.start("演练", "II", notified_at=T0, customer="甲医院", mode="drill")
    dup = svc.start("重复报障", "III", notified_at=T0, customer="甲医院").id
    at(T0 + 5 * M)
    svc.set_status(dup, "closed", note="同 A", close_reason="duplicate")
    # F, level IV: nobody responded; its 5-day plan is still running at NOW.
    at(T0 + 1 * D)
    ids["F"] = svc.start("F 咨询打印", "IV", notified_at=T0 + 1 * D, customer="甲医院").id
    at(NOW)
    yield kb, ids
    kb.close()


def test_each_level_s_rates_and_times_are_those_worked_out_by_hand(history):
    kb, ids = history
    m = kb.metrics(now=NOW)
    two = m["levels"]["II"]
    assert two["incidents"] == 2  # the drill is not one
    assert two["response_on_time_rate"] == 0.5  # A exactly at 30 min: on time; B 31 min: late
    assert two["plan_on_time_rate"] == 0.5  # A 24 h + 1 s: late; B solved at 5 h: on time
    assert two["resolution_on_time_rate"] == 1.0
    assert two["report_on_time_rate"] == 0.5  # A exactly 24 h after; B's never came and is past due
    assert two["mtta_median_s"] == 30 * 60  # [30 min, 31 min]: nearest rank
    assert two["mttr_median_s"] == 5 * 3600  # [5 h, 2 d]
    assert two["resolved_within_1d_rate"] == 0.5 and two["resolved_within_3d_rate"] == 1.0
    one = m["levels"]["I"]
    assert (one["incidents"], one["response_on_time_rate"], one["plan_on_time_rate"]) == (1, 1.0, 0.0)
    assert one["emergency_plan_on_time_rate"] is None  # solved within 12 h: none was due
    assert one["reopen_rate"] == 1.0 and one["mttr_median_s"] == 4 * 3600  # the last resolution counts
    assert m["levels"]["III"]["incidents"] == 0  # the duplicate is left out
    assert m["levels"]["III"]["response_on_time_rate"] is None  # nothing counted: not 0, not 1
    four = m["levels"]["IV"]
    assert (four["response_on_time_rate"], four["plan_on_time_rate"]) == (0.0, None)  # plan still running
    assert sorted(m["overall"]["missed"]["response"]) == sorted([ids["B"], ids["F"]])


def test_one_customer_and_one_month(history):
    kb, ids = history
    bank = kb.metrics(now=NOW, customer="乙银行")
    assert bank["overall"]["incidents"] == 1 and bank["levels"]["II"]["incidents"] == 0
    everyone = kb.metrics(now=NOW)
    assert {k: v["incidents"] for k, v in everyone["by_customer"].items()} == {"甲医院": 3, "乙银行": 1}
    assert list(everyone["by_month"]) == ["2026-11"]
    december = kb.metrics(dt.datetime(2026, 12, 1, tzinfo=dt.UTC), None, now=NOW)
    assert december["overall"]["incidents"] == 0


def test_the_most_used_playbook_and_its_skipped_and_failed_steps(history):
    kb, _ = history
    (pb,) = kb.metrics(now=NOW)["playbooks"]
    assert (pb["id"], pb["incidents"]) == ("pb", 2)
    assert [(s["step"], s["count"]) for s in pb["skipped"]] == [(1, 2)]
    assert [(s["step"], s["count"], s["title"]) for s in pb["failed"]] == [(2, 1, "重启服务")]


def test_a_level_change_counts_as_the_plan_says(tmp_path):
    kb = open_kb(tmp_path, {})
    try:
        svc = kb.incidents
        svc.clock = Clock(T0)
        inc = svc.start("升级", "III", notified_at=T0).id
        svc.clock.now = T0 + 3 * H
        svc.change_level(inc, "I", reason="全院停摆")  # the 2 h plan of level I has passed: 2 h from now
        svc.clock.now = T0 + 5 * H
        svc.record_plan(inc, "切换")  # 5 h: within the re-planned window (3 h + 2 h)
        m = kb.metrics(now=T0 + 6 * H)
        assert m["levels"]["I"]["incidents"] == 1 and m["levels"]["III"]["incidents"] == 0
        assert m["levels"]["I"]["plan_on_time_rate"] == 1.0
    finally:
        kb.close()


def test_percentiles_are_nearest_rank():
    assert percentile([], 50) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([float(v) for v in range(1, 11)], 90) == 9.0
    assert percentile([float(v) for v in range(1, 11)], 50) == 5.0


def test_kbapp_metrics_json_has_the_levels_the_issue_names(history, capsys):
    kb, _ = history
    home = str(kb.home.root)
    where = ["--home", home] + ([] if kb.db_url.startswith("sqlite") else ["--db", kb.db_url])
    kb.close()
    assert main([*where, "metrics", "--json", "--month", "2026-11"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["levels"]) == {"I", "II", "III", "IV"}
    for key in ("incidents", "response_on_time_rate", "plan_on_time_rate", "resolution_on_time_rate",
                "report_on_time_rate", "mtta_median_s", "mttr_median_s"):
        assert key in data["levels"]["II"]
    assert data["levels"]["II"]["incidents"] == 2
    assert main([*where, "metrics"]) == 0
    table = capsys.readouterr().out
    assert "30分钟响应" in table and "missed response" in table
    assert main([*where, "metrics", "--month", "2026-13"]) == 1
    assert "--month" in capsys.readouterr().err


def test_the_missed_bar_lists_its_incidents_and_why(history):
    kb, ids = history
    missed = kb.missed_deadlines("response", level="II", month="2026-11", now=NOW)
    assert [(m.incident_id, m.why) for m in missed] == [(ids["B"], "超时 1 min 完成 met 1 min late (待响应 Open → 处理中 Responding)")]
    (four,) = kb.missed_deadlines("response", level="IV", now=NOW)
    assert four.incident_id == ids["F"] and four.met_at is None and four.why.startswith("未完成，已超时 ")
    assert kb.missed_deadlines("response", customer="乙银行", now=NOW) == []
    with pytest.raises(ValueError, match="deadline"):
        kb.missed_deadlines("lunch", now=NOW)


def test_a_level_change_s_reason_is_why_a_replanned_deadline_was_missed(tmp_path):
    kb = open_kb(tmp_path, {})
    try:
        svc = kb.incidents
        svc.clock = Clock(T0)
        inc = svc.start("升级", "III", notified_at=T0).id
        svc.clock.now = T0 + 3 * H
        svc.change_level(inc, "I", reason="全院停摆")
        svc.clock.now = T0 + 6 * H  # the re-planned 2 h plan (due at 5 h) is past, never met
        (m,) = kb.missed_deadlines("plan", now=svc.clock.now)
        assert m.why == "未完成，已超时 60 min not met, 60 min overdue; 级别改为 I level changed to I: 全院停摆"
    finally:
        kb.close()


def test_later_actions_are_folded_in_and_earlier_incidents_are_not_derived_again(history, monkeypatch):
    from kbapp.reports import metrics

    kb, ids = history
    first = kb.metrics(now=NOW)
    assert first["levels"]["IV"]["response_on_time_rate"] == 0.0
    derived: list[int] = []
    real = metrics.facts_from
    monkeypatch.setattr(metrics, "facts_from", lambda row, actions: derived.append(row.id) or real(row, actions))
    assert kb.metrics(now=NOW) == first and derived == []  # nothing new in the log: nothing replayed
    kb.incidents.record_plan(ids["F"], "远程指导")  # at NOW: F's 5-day plan met on time
    after = kb.metrics(now=NOW)
    assert derived == [ids["F"]]
    assert after["levels"]["IV"]["plan_on_time_rate"] == 1.0
    assert after["levels"]["IV"]["response_on_time_rate"] == 0.0  # the response stays missed for ever


def test_a_new_derivation_rebuilds_every_incident_s_facts(history, monkeypatch):
    from kbapp.reports import metrics

    kb, _ = history
    before = kb.metrics(now=NOW)
    derived: list[int] = []
    real = metrics.facts_from
    monkeypatch.setattr(metrics, "facts_from", lambda row, actions: derived.append(row.id) or real(row, actions))
    monkeypatch.setattr(metrics, "FACTS_VERSION", metrics.FACTS_VERSION + 1)
    assert kb.metrics(now=NOW) == before
    assert len(derived) == 6  # A, B, C, the drill, the duplicate and F


def test_an_incident_counts_for_the_customer_and_system_it_names(tmp_path):
    kb = open_kb(tmp_path, {})
    try:
        svc = kb.incidents
        svc.clock = Clock(T0)
        svc.start("OA 登录慢", "III", notified_at=T0, customer="丙电厂", system="OA")
        assert [(c.name, c.systems) for c in kb.customers.list()] == [("丙电厂", ("OA",))]  # added on the fly
        assert kb.metrics(now=NOW)["by_customer"]["丙电厂"]["incidents"] == 1
    finally:
        kb.close()


def test_the_times_to_respond_and_resolve_fall_in_their_bins(history):
    kb, _ = history
    d = kb.metrics_distribution()
    # responses: C 10 min, A 30 min, B 31 min; F none. Resolutions: B 5 h, C 4 h (the last), A 2 d.
    assert dict(d["respond"]) == {"≤10m": 1, "10–20m": 0, "20–30m": 1, "30–60m": 1, "1–2h": 0, ">2h": 0}
    assert dict(d["resolve"]) == {"≤4h": 1, "4–24h": 1, "1–3d": 1, "3–5d": 0, ">5d": 0}
    assert sum(n for _, n in kb.metrics_distribution(customer="乙银行")["respond"]) == 1


def test_the_monthly_service_report_holds_the_figures_the_misses_and_the_suggestions(history, tmp_path, capsys):
    import shutil
    import subprocess
    import sys

    from kbhelpers import cli_env

    kb, ids = history
    report = kb.service_report("甲医院", "2026-11", now=NOW, tz=dt.UTC)
    assert [line.id for line in report.incidents] == [ids["A"], ids["B"], ids["F"]]  # no drill, no duplicate
    assert {(m.incident_id, m.key) for m in report.missed} >= {(ids["B"], "response"), (ids["A"], "plan")}
    assert report.recurring == [("预案 playbook pb", [ids["A"], ids["B"]])]
    text = report.markdown()
    assert "| II | 2 | 50% | 50% | 100% | 50% |" in text  # level II as worked out by hand above
    assert "预案 pb 第 2 步「重启服务」失败 1 次" in text  # pre-filled from the most failed step
    home = str(kb.home.root)
    where = ["--home", home] + ([] if kb.db_url.startswith("sqlite") else ["--db", kb.db_url])
    kb.close()
    (tmp_path / "s.md").write_text("- 增加夜间值班 password=hunter2\n", encoding="utf-8")
    out = tmp_path / "r.md"
    assert main([*where, "service-report", "--customer", "甲医院", "--month", "2026-11", "-o", str(out),
                 "--suggestions", str(tmp_path / "s.md")]) == 0
    written = out.read_text(encoding="utf-8")
    assert "增加夜间值班" in written and "hunter2" not in written  # the engineer's text, redacted
    assert main([*where, "service-report", "--customer", "甲医院", "--month", "2026-13"]) == 1
    assert "month" in capsys.readouterr().err
    if shutil.which("pdftotext"):
        # A real process: printing makes a QGuiApplication, which must not outlive this test.
        pdf = tmp_path / "r.pdf"
        subprocess.run([sys.executable, "-m", "kbapp", *where, "service-report", "--customer", "甲医院",
                        "--month", "2026-11", "-o", str(pdf)], env=cli_env(QT_QPA_PLATFORM="offscreen"), check=True,
                       capture_output=True)
        body = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "系统运行状况分析报告" in body and "B 应用报错" in body and "50%" in body


def test_a_long_derivation_goes_step_by_step_and_misses_nothing_logged_between_steps(history):
    from kbapp.reports import metrics

    kb, ids = history
    steps = []
    kb.store.write(lambda s: metrics.refresh(s))  # the facts as one pass gives them
    expected = kb.metrics(now=NOW)
    kb.store.write(lambda s: metrics._set_state(s, "facts_version", -1))  # a new derivation: all again
    steps.append(kb.store.write(lambda s: metrics.refresh(s, budget=2)))
    kb.incidents.record_plan(ids["F"], "远程指导")  # logged between two steps, after the pass's target
    while steps[-1]:
        steps.append(kb.store.write(lambda s: metrics.refresh(s, budget=2)))
    assert steps == [True, True, True, False]  # 6 incidents, 2 a step, then the last (empty) step
    assert kb.store.write(lambda s: metrics.refresh(s, budget=2)) is False  # the next pass takes F's plan
    after = kb.metrics(now=NOW)
    assert after["levels"]["IV"]["plan_on_time_rate"] == 1.0
    assert after["levels"]["II"] == expected["levels"]["II"]
