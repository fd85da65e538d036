"""``kbapp report / lesson / playbook`` run as real processes on the shipped library."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from kbhelpers import run_cli

SECRET = "pa55-Wordy-9"


def ok(home: Path, *args: str):
    result = run_cli(*args, "--json", home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def resolved(tmp_path):
    home = tmp_path / "home"
    started = ok(home, "incident", "start", "--title", "配置丢失导致登录失败", "--level", "II",
                 "--playbook", "config-loss", "--description", "用户无法登录，配置文件被覆盖")
    incident = started["incident"]["id"]
    ok(home, "incident", "step", str(incident), "1", "--done", "--note", f"DB password={SECRET}")
    ok(home, "incident", "resolve", str(incident), "--summary", "恢复配置")
    return home, incident


def test_report_new_reports_each_missing_field(resolved):
    home, incident = resolved
    result = run_cli("report", "new", str(incident), "--type", "配置丢失", home=home)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == ["kbapp: place: 地点 Place is required", "kbapp: reporter: 报告人 Reporter is required",
                     "kbapp: cause: 故障原因 Cause is required", "kbapp: loss: 故障损失 Loss caused is required"]


def test_report_lesson_and_search_round_trip(resolved, tmp_path):
    home, incident = resolved
    report = ok(home, "report", "new", str(incident), "--type", "配置丢失", "--cause", "升级脚本覆盖了配置",
                "--method", "从备份恢复", "--loss", "登录中断 1 小时", "--place", "远程", "--reporter", "王经理")
    assert report["fields"]["cause"] == "升级脚本覆盖了配置"
    lesson = ok(home, "lesson", "add", "--playbook", "config-loss", "--step", "3", "--text",
                "升级前先备份配置 UPGRADEBAK", "--incident", str(incident))
    ids = [h["id"] for h in ok(home, "search", "配置丢失")]
    assert f"report-{incident}" in ids and "config-loss" in ids
    assert [h["id"] for h in ok(home, "search", "UPGRADEBAK")] == [lesson["doc_id"]]
    md = run_cli("report", "export", str(report["id"]), "--format", "md", home=home)
    assert md.returncode == 0 and SECRET not in md.stdout and "升级脚本覆盖了配置" in md.stdout
    raw = run_cli("report", "export", str(report["id"]), "--format", "md", "--no-redact", home=home)
    assert SECRET in raw.stdout
    out = tmp_path / "r.html"
    ok(home, "report", "export", str(report["id"]), "--format", "html", "--out", str(out))
    assert "<table>" in out.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_report_pdf_keeps_chinese_and_drops_the_password(resolved, tmp_path):
    home, incident = resolved
    report = ok(home, "report", "new", str(incident), "--type", "配置丢失", "--cause", "升级脚本覆盖了配置",
                "--method", "从备份恢复", "--loss", "无", "--place", "远程", "--reporter", "王经理")
    pdf = tmp_path / "report.pdf"
    result = ok(home, "report", "export", str(report["id"]), "--format", "pdf", "--out", str(pdf))
    assert result["pages"] >= 1 and pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "升级脚本覆盖了配置" in text and "故障处理报告" in text
    assert SECRET not in text


def test_playbook_change_review_from_the_command_line(tmp_path):
    home = tmp_path / "home"
    text = run_cli("playbook", "versions", "data-loss", "--show", "2", home=home).stdout
    assert text.startswith("---\nid: data-loss")
    new = tmp_path / "new.md"
    new.write_text(text.replace("## 验证 Verification", "## 验证 Verification\n\n- 抽查三条最近的记录。"), encoding="utf-8")
    change = ok(home, "playbook", "propose", "data-loss", "--file", str(new), "--reason", "lesson")
    assert "+- 抽查三条最近的记录。" in change["diff"]
    listed = ok(home, "playbook", "changes", "data-loss")
    assert [c["status"] for c in listed] == ["proposed"]
    approved = ok(home, "playbook", "approve", str(change["id"]))
    assert approved["status"] == "approved"
    versions = ok(home, "playbook", "versions", "data-loss")
    assert len(versions) == 2 and versions[-1]["replaced_at"] is None
    again = run_cli("playbook", "approve", str(change["id"]), home=home)
    assert again.returncode == 1 and "already approved" in again.stderr
