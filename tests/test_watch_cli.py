"""The issue's "done when", as a person would do it on the command line (real processes,
a real local webhook server), and the new incident subcommands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kbhelpers import run_cli
from notifyhelpers import HookServer

CHAIN = {"version": 1, "people": [
    {"name": "王工", "role": "值班工程师", "phone": "138 0000 0001", "reports_to": "李经理"},
    {"name": "李经理", "role": "技术主管", "phone": "138 0000 0002", "reports_to": None},
]}


def ok(home: Path, *args: str) -> str:
    result = run_cli(*args, home=home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def error(home: Path, *args: str) -> str:
    result = run_cli(*args, home=home)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.startswith("kbapp: ")
    return result.stderr


def test_done_when_missed_by_ten_minutes_everywhere_and_one_escalation(tmp_path):
    home = tmp_path / "home"
    forty_ago = (dt.datetime.now().astimezone() - dt.timedelta(minutes=40)).isoformat(timespec="seconds")
    incident_id = ok(home, "incident", "start", "--title", "数据库宕机", "--level", "I", "--notified-at", forty_ago,
                     "--responsible", "王工").strip()
    assert "missed by 10 min" in ok(home, "incident", "ack", incident_id)
    ok(home, "incident", "level", incident_id, "II", "--reason", "业务部分恢复")
    shown = json.loads(ok(home, "incident", "show", incident_id, "--json"))
    response = next(d for d in shown["deadlines"] if d["key"] == "response")
    assert set(response) >= {"key", "due_at", "met_at", "state", "late"}
    assert response["late"] is True and response["state"] == "met"
    assert response["summary"].startswith("missed by 10 min")
    assert "missed by 10 min" in ok(home, "incident", "show", incident_id)
    assert "missed by 10 min" in ok(home, "incident", "export", incident_id, "--format", "md")

    (home / "escalation.json").write_text(json.dumps(CHAIN, ensure_ascii=False), encoding="utf-8")
    with HookServer() as hook:
        (home / "notify.toml").write_text(f'[[webhook]]\nurl = "{hook.url()}"\nformat = "json"\n', encoding="utf-8")
        first = ok(home, "watch", "--once")
        second = ok(home, "watch", "--once")
    assert "李经理" in first and second == ""
    # Logged before the chain existed: the watcher reports the level II incident too, once.
    assert len(hook.requests) == 2
    assert [(b["event"], b["person"]) for b in hook.bodies() if b["event"] == "serious"] == [("serious", "李经理")]
    body = next(b for b in hook.bodies() if b["event"] == "escalation")
    assert body["incident_id"] == int(incident_id) and body["person"] == "李经理" and body["deadline"] == "response"
    assert body["title"] == "数据库宕机" and body["level"] == "II"
    timeline = json.loads(ok(home, "incident", "show", incident_id, "--json"))["timeline"]
    assert [a["payload"]["outcome"] for a in timeline if a["kind"] == "notification"] == ["sent", "sent"]


def test_the_command_line_does_what_the_window_does(tmp_path):
    home = tmp_path / "home"
    iid = ok(home, "incident", "start", "--title", "配置丢失", "--level", "III", "--category", "config-loss",
             "--channel", "phone", "--reporter", "张三").strip()
    ok(home, "incident", "responsible", iid, "王工")
    ok(home, "incident", "reporter", iid, "李四", "--reason", "张三转交")
    ok(home, "incident", "channel", iid, "remote")
    ok(home, "incident", "channel", iid, "onsite")
    assert "reason" in error(home, "incident", "channel", iid, "phone")
    ok(home, "incident", "plan", iid, "--text", "按备份恢复配置")
    assert "level I" in error(home, "incident", "plan", iid, "--text", "x", "--emergency")
    assert "--reason" in run_cli("incident", "level", iid, "II", home=home).stderr  # the reason is required
    ok(home, "incident", "level", iid, "I", "--reason", "业务停止")
    ok(home, "incident", "plan", iid, "--text", "启用备用系统", "--emergency")
    ok(home, "incident", "status", iid, "mitigated")
    shown = json.loads(ok(home, "incident", "show", iid, "--json"))
    incident = shown["incident"]
    assert (incident["responsible"], incident["reporter"], incident["channel"], incident["level"],
            incident["status"]) == ("王工", "李四", "onsite", "I", "mitigated")
    deadlines = {d["key"]: d for d in shown["deadlines"]}
    assert deadlines["plan"]["state"] == deadlines["emergency_plan"]["state"] == "met"
    # ch. 5 item 5: configuration loss is solved within 24 h, stricter than level I's 3 days
    due = dt.datetime.fromisoformat(deadlines["resolution"]["due_at"])
    assert due - dt.datetime.fromisoformat(incident["notified_at"]) == dt.timedelta(hours=24)
    kinds = [a["kind"] for a in shown["timeline"]]
    assert kinds.count("channel") == 2 and "responsible" in kinds and "reporter" in kinds and "level" in kinds


def test_closing_a_duplicate_and_correcting_the_notification_time(tmp_path):
    home = tmp_path / "home"
    iid = ok(home, "incident", "start", "--title", "重复报告", "--level", "IV").strip()
    when = (dt.datetime.now().astimezone() - dt.timedelta(minutes=15)).isoformat(timespec="seconds")
    assert "reason" in error(home, "incident", "notified", iid, when, "--reason", " ")
    ok(home, "incident", "notified", iid, when, "--reason", "客户早先来电")
    assert "duplicate, withdrawn" in error(home, "incident", "status", iid, "closed", "--note", "同 #1")
    ok(home, "incident", "status", iid, "closed", "--as", "duplicate", "--note", "同 #1")
    shown = json.loads(ok(home, "incident", "show", iid, "--json"))
    assert shown["incident"]["responded_at"] is None  # closing is no response
    assert shown["deadlines"] == []  # every clock was still running: moot
    assert [a["payload"].get("close_reason") for a in shown["timeline"] if a["kind"] == "status"] == ["duplicate"]


def test_escalate_without_a_chain_says_how_to_set_it_up(tmp_path):
    home = tmp_path / "home"
    iid = ok(home, "incident", "start", "--title", "x", "--level", "II").strip()
    assert "Escalation Chain" in error(home, "incident", "escalate", iid)
    (home / "escalation.json").write_text(json.dumps(CHAIN, ensure_ascii=False), encoding="utf-8")
    out = ok(home, "incident", "escalate", iid)
    # unassigned: the first person is on duty, so the next one up is told
    assert "李经理" in out and "138 0000 0002" in out
    checked = run_cli("notify", "check", home=home)
    assert checked.returncode == 0 and "no channels" in checked.stdout
