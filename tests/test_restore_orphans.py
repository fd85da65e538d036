"""After ``kbapp restore`` the library files newer than the backup are kept; those that
belong to a report, lesson, record or incident the restored database lacks are named, so
that a search finding them while ``report list`` does not is never a silent disagreement."""

from __future__ import annotations

import json
from pathlib import Path

from kbhelpers import run_cli


def ok(home: Path, *args: str):
    result = run_cli(*args, home=home)
    assert result.returncode == 0, result.stderr
    return result


def resolved_with_report(home: Path, n: int, cause: str) -> None:
    ok(home, "incident", "start", "--title", f"配置丢失 {n}", "--level", "III", "--playbook", "config-loss")
    ok(home, "incident", "resolve", str(n), "--summary", "恢复配置")
    ok(home, "report", "new", str(n), "--type", "配置丢失", "--cause", cause, "--method", "从备份恢复",
       "--loss", "无", "--place", "远程", "--reporter", "王经理")


def test_restore_names_the_kept_files_the_restored_database_lacks(tmp_path):
    home = tmp_path
    resolved_with_report(home, 1, "BEFOREBACKUP 升级脚本")
    ok(home, "backup")
    resolved_with_report(home, 2, "AFTERBACKUP 误删配置")
    ok(home, "lesson", "add", "--playbook", "config-loss", "--step", "1", "--text", "LATELESSON 先备份",
       "--incident", "2")
    ok(home, "record", "new", "--kind", "consultation", "--title", "咨询 LATERECORD")

    restored = run_cli("restore", "--force", "--json", home=home)
    assert restored.returncode == 0, restored.stderr
    data = json.loads(restored.stdout)
    orphaned = {o["id"]: o for o in data["orphaned"]}
    assert set(orphaned) == {"report-2", "incident-2", "lesson-1", "record-1"}
    assert orphaned["report-2"]["missing"] == "the report of incident #2 is not in the restored database"
    assert orphaned["report-2"]["path"].startswith("reports/")
    assert data["kept_newer"] >= 4

    # The disagreement it names: a search still finds report 2, report list does not have it.
    reports = json.loads(ok(home, "report", "list", "--json").stdout)
    assert [r["doc_id"] for r in reports] == ["report-1"]
    found = [h["id"] for h in json.loads(ok(home, "search", "AFTERBACKUP", "--json").stdout)]
    assert "report-2" in found


def test_the_text_output_lists_each_one_with_its_path(tmp_path):
    home = tmp_path
    resolved_with_report(home, 1, "BEFOREBACKUP")
    ok(home, "backup")
    resolved_with_report(home, 2, "AFTERBACKUP")
    text = ok(home, "restore", "--force").stdout
    lines = text.splitlines()
    named = [line.strip() for line in lines if line.startswith("  library/")]
    assert len(named) == 2 and any("report-2: the report of incident #2" in line for line in named)
    assert any(line.startswith("library/incidents/") or "incident-2: incident #2" in line for line in named)
    assert "are still found by a search but are in no list" in text
    assert "report-1" not in text  # what the backup holds is not named


def test_a_restore_with_nothing_newer_names_nothing(tmp_path):
    home = tmp_path
    resolved_with_report(home, 1, "ONLY")
    ok(home, "backup")
    data = json.loads(ok(home, "restore", "--force", "--json").stdout)
    assert data["orphaned"] == []
    assert "belong to what the restored database" not in ok(home, "restore", "--force").stdout
