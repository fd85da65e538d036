"""``kbapp incident ...`` through kbapp.cli.main.main(argv), each test with its own data home."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from kbhelpers import run_cli

REPO = Path(__file__).resolve().parent.parent


def kbapp(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``kbapp --home HOME incident ARGS...``, in-process (kbhelpers.run_cli)."""
    return run_cli("incident", *args, home=home, stdin=stdin)


def ok_json(home: Path, *args: str, stdin: str | None = None):
    result = kbapp(home, *args, "--json", stdin=stdin)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_clear_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kbapp: "), result.stderr
    for word in words:
        assert word in lines[0]


def test_start_note_show_list_resolve(tmp_path):
    started = kbapp(tmp_path, "start", "--title", "数据库连接失败", "--level", "II", "--description", "应用报连接超时")
    assert started.returncode == 0, started.stderr
    incident_id = int(started.stdout.strip())

    note = ok_json(tmp_path, "note", str(incident_id), "已确认监听端口正常")
    assert note["action"]["kind"] == "note" and note["action"]["details"] == "已确认监听端口正常"

    shown = ok_json(tmp_path, "show", str(incident_id))
    assert shown["incident"]["title"] == "数据库连接失败" and shown["incident"]["status"] == "responding"
    assert [a["kind"] for a in shown["timeline"]] == ["created", "status", "note"]  # the note was the response
    assert {d["key"] for d in shown["deadlines"]} == {"response", "plan", "resolution"}

    listed = ok_json(tmp_path, "list", "--open")
    assert [i["id"] for i in listed] == [incident_id] and listed[0]["deadline_state"] in ("ok", "close")

    resolved = ok_json(tmp_path, "resolve", str(incident_id), "--summary", "重启监听后恢复")
    assert resolved["incident"]["status"] == "resolved"
    assert "report" in {d["key"] for d in resolved["deadlines"]}

    text = kbapp(tmp_path, "show", str(incident_id))
    assert text.returncode == 0 and "重启监听后恢复" in text.stdout and "时间线 Timeline" in text.stdout


def test_start_json_and_human_list(tmp_path):
    data = ok_json(tmp_path, "start", "--title", "磁盘满", "--level", "iv")
    assert data["incident"]["level"] == "IV" and data["incident"]["id"] == 1
    listed = kbapp(tmp_path, "list")
    assert listed.returncode == 0 and "磁盘满" in listed.stdout


def test_bad_input_is_one_clear_line_and_changes_nothing(tmp_path):
    assert kbapp(tmp_path, "start", "--title", "x", "--level", "II").returncode == 0
    assert_clear_error(kbapp(tmp_path, "start", "--title", "x", "--level", "V"), "level", "'V'")
    assert_clear_error(kbapp(tmp_path, "start", "--title", "  ", "--level", "II"), "title")
    assert_clear_error(kbapp(tmp_path, "note", "42", "hello"), "incident_id", "#42")
    assert_clear_error(kbapp(tmp_path, "note", "abc", "hello"), "incident_id")
    assert_clear_error(kbapp(tmp_path, "note", "1", "-", stdin="x" * (1024 * 1024)), "note", "64 KiB")
    assert_clear_error(kbapp(tmp_path, "step", "1", "1", "--done"), "playbook")
    assert_clear_error(kbapp(tmp_path, "resolve", "1", "--summary", ""), "summary")
    shown = ok_json(tmp_path, "show", "1")
    assert [a["kind"] for a in shown["timeline"]] == ["created"]
    assert [i["id"] for i in ok_json(tmp_path, "list")] == [1]


def test_export_formats(tmp_path):
    assert kbapp(tmp_path, "start", "--title", "<script>x</script>", "--level", "III").returncode == 0
    assert kbapp(tmp_path, "note", "1", "=1+1 | <b>bold</b>").returncode == 0

    html_file = tmp_path / "out" / "incident.html"
    written = ok_json(tmp_path, "export", "1", "--format", "html", "--out", str(html_file))
    assert written["path"] == str(html_file) and written["bytes"] == html_file.stat().st_size
    html_text = html_file.read_text(encoding="utf-8")
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text and "&lt;b&gt;bold" in html_text

    md = kbapp(tmp_path, "export", "1", "--format", "md")
    assert md.returncode == 0 and md.stdout.startswith("# 故障记录 Incident #1") and "\\|" in md.stdout

    csv_file = tmp_path / "incident.csv"
    assert kbapp(tmp_path, "export", "1", "--format", "csv", "--out", str(csv_file)).returncode == 0
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["kind"] for r in rows] == ["created", "status", "note"] and rows[2]["details"] == "'=1+1 | <b>bold</b>"

    bad = kbapp(tmp_path, "export", "1", "--format", "pdf")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr  # argparse's own message


def test_playbook_steps_and_decisions(tmp_path):
    pytest.importorskip("kbapp.library")
    started = ok_json(tmp_path, "start", "--title", "配置丢失", "--level", "II", "--playbook", "config-loss",
                      "--description", "服务启动失败，找不到配置文件")
    incident_id = str(started["incident"]["id"])
    assert started["incident"]["playbook_ids"] == ["config-loss"]

    first = ok_json(tmp_path, "step", incident_id, "1", "--done", "--note", "/etc/bizapp 为空")
    assert first["runner"]["current"] == 2
    jumped = ok_json(tmp_path, "step", incident_id, "3", "--done", "--goto", "6")
    assert jumped["action"]["payload"]["goto"] == 6 and jumped["runner"]["current"] == 6
    failed = kbapp(tmp_path, "step", incident_id, "6", "--fail", "--note", "仍无法启动")
    assert failed.returncode == 0 and "下一步 next: 第 6 步" in failed.stdout

    assert_clear_error(kbapp(tmp_path, "step", incident_id, "99", "--skip"), "step", "99")
    assert_clear_error(kbapp(tmp_path, "start", "--title", "x", "--level", "II", "--playbook", "no-such"),
                       "playbook_id", "no-such")

    shown = ok_json(tmp_path, "show", incident_id)
    (runner,) = shown["runner"]
    assert runner["current"] == 6
    assert [s["result"] for s in runner["steps"]][:6] == ["done", None, "done", None, None, "failed"]
    assert shown["incident"]["status"] == "responding"
