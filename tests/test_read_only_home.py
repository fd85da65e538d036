"""A data home that cannot be written opens for reading (kbapp.home ``read_only``): search,
show, list and exports to a folder outside it work, every write is refused naming the
home, and nothing at all is written into it.

The tests run as root in CI, where ``chmod -w`` does not stop a write: the home is made
read-only by the write probe failing as it does there (EACCES, EROFS), and every test
compares the whole home, file by file (names, sizes, contents' times), before and after,
so a write that root's permissions would let through still fails the test.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
from pathlib import Path

import pytest
from kbhelpers import home_snapshot, run_cli

import kbapp.home

SECRET = "pa55-Wordy-9"


def ok(home: Path, *args: str, json_out: bool = True):
    result = run_cli(*args, *(["--json"] if json_out else []), home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if json_out else result




@pytest.fixture
def written_home(tmp_path):
    """A home with a resolved incident, its report, a lesson and an imported document,
    closed cleanly (no -wal file left)."""
    home = tmp_path / "home"
    started = ok(home, "incident", "start", "--title", "配置丢失导致登录失败", "--level", "II",
                 "--playbook", "config-loss", "--description", "用户无法登录")
    incident = started["incident"]["id"]
    ok(home, "incident", "step", str(incident), "1", "--done", "--note", f"DB password={SECRET}")
    ok(home, "incident", "resolve", str(incident), "--summary", "恢复配置")
    ok(home, "report", "new", str(incident), "--type", "配置丢失", "--cause", "升级脚本覆盖了配置 OVERWRITTEN",
       "--method", "从备份恢复", "--loss", "登录中断", "--place", "远程", "--reporter", "王经理")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "vpn.md").write_text("---\nid: vpn-howto\ntitle: VPN 连接\nkind: reference\n---\n# VPN\n\nZEBRAVPN 配置说明\n",
                                 encoding="utf-8")
    assert run_cli("import", str(docs), home=home).returncode == 0
    assert not (home / "kbapp.sqlite3-wal").exists()
    return home, incident


@pytest.fixture
def read_only(monkeypatch):
    """Make the write probe of the homes given fail as a read-only folder's does."""
    homes: list[Path] = []
    real_probe = kbapp.home.probe_write

    def probe(root: Path) -> None:
        if any(Path(root).absolute() == h.absolute() for h in homes):
            raise PermissionError(errno.EACCES, "Permission denied", str(root))
        real_probe(root)

    monkeypatch.setattr(kbapp.home, "probe_write", probe)
    return homes.append


def test_a_read_only_home_searches_shows_lists_and_exports_and_writes_nothing(written_home, read_only, tmp_path):
    home, incident = written_home
    read_only(home)
    before = home_snapshot(home)
    out = tmp_path / "out"
    out.mkdir()

    found = run_cli("search", "ZEBRAVPN", "--json", home=home)
    assert found.returncode == 0, found.stderr
    assert [h["id"] for h in json.loads(found.stdout)] == ["vpn-howto"]
    # One line says it is read-only, naming the home; nothing else on stderr.
    assert found.stderr.splitlines() == [f"kbapp: {kbapp.home.DataHome(home, True).read_only_notice()}"]
    assert str(home) in found.stderr and "read-only" in found.stderr
    assert f"report-{incident}" in [h["id"] for h in ok(home, "search", "OVERWRITTEN")]

    shown = run_cli("show", "vpn-howto", home=home)
    assert shown.returncode == 0 and "ZEBRAVPN" in shown.stdout
    assert [row["id"] for row in ok(home, "incident", "list")] == [incident]
    assert "恢复配置" in run_cli("incident", "show", str(incident), home=home).stdout
    reports = ok(home, "report", "list")
    assert [r["incident_id"] for r in reports] == [incident]
    assert "升级脚本覆盖了配置" in ok(home, "report", "show", str(reports[0]["id"]))["fields"]["cause"]

    timeline = out / "timeline.md"
    assert run_cli("incident", "export", str(incident), "--format", "md", "--out", str(timeline),
                   home=home).returncode == 0
    assert "配置丢失导致登录失败" in timeline.read_text(encoding="utf-8")
    assert SECRET not in timeline.read_text(encoding="utf-8")
    report_html = out / "report.html"
    assert run_cli("report", "export", str(reports[0]["id"]), "--format", "html", "--out", str(report_html),
                   home=home).returncode == 0
    assert "升级脚本覆盖了配置" in report_html.read_text(encoding="utf-8")

    assert home_snapshot(home) == before  # not a file, folder, log line, -shm or index segment


@pytest.mark.parametrize("command", [
    ("incident", "start", "--title", "新故障", "--level", "III"),
    ("incident", "note", "1", "看一下"),
    ("import", "DOCS"),
    ("engineer", "set", "张三"),
    ("backup",),
    ("restore",),
    ("lesson", "add", "--playbook", "config-loss", "--step", "1", "--text", "先备份"),
])
def test_every_write_is_refused_naming_the_home(written_home, read_only, tmp_path, command):
    home, _ = written_home
    read_only(home)
    before = home_snapshot(home)
    args = [str(tmp_path / "docs") if part == "DOCS" else part for part in command]
    result = run_cli(*args, home=home)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert lines[0] == f"kbapp: {kbapp.home.DataHome(home, True).read_only_notice()}"
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert lines[1].startswith(f"kbapp: the data home {home} is read-only: ") and "not saved" in lines[1]
    assert home_snapshot(home) == before
    assert [row["id"] for row in ok(home, "incident", "list")] == [1]  # and nothing half-written


def test_a_backup_into_a_folder_outside_the_home_works(written_home, read_only, tmp_path):
    home, _ = written_home
    read_only(home)
    before = home_snapshot(home)
    result = run_cli("backup", "--to", str(tmp_path / "copies"), "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert home_snapshot(home) == before
    fresh = tmp_path / "fresh"
    run_cli("restore", "--list", home=fresh)
    restored = run_cli("restore", str(next((tmp_path / "copies").iterdir())), home=fresh)
    assert restored.returncode == 0, restored.stderr
    assert [row["id"] for row in ok(fresh, "incident", "list")] == [1]


def test_a_stale_index_is_brought_up_to_date_outside_the_home(written_home, read_only):
    home, _ = written_home
    # A document the index has not seen yet: the read-only search finds it all the same.
    (home / "library" / "imported" / "late.md").write_text(
        "---\nid: late-doc\ntitle: 迟到的文档\nkind: reference\n---\n# 迟到\n\nLATECOMER 内容\n", encoding="utf-8")
    read_only(home)
    before = home_snapshot(home)
    assert [h["id"] for h in ok(home, "search", "LATECOMER")] == ["late-doc"]
    assert home_snapshot(home) == before


def test_a_database_of_an_older_kbapp_is_read_from_a_migrated_copy(written_home, read_only):
    import sqlite3

    home, incident = written_home
    db = sqlite3.connect(home / "kbapp.sqlite3")
    [(revision,)] = db.execute("SELECT version_num FROM alembic_version").fetchall()
    db.execute("UPDATE alembic_version SET version_num = '0016'")  # what 0019 adds is a nullable column
    for event in ("update", "delete"):  # 0022's
        db.execute(f"DROP TRIGGER playbook_versions_no_{event}")
    db.execute("ALTER TABLE incident_playbooks DROP COLUMN text")
    for table, column in (("playbook_versions", "db_login"), ("record_transitions", "db_login"),
                          ("change_events", "db_login"), ("playbook_changes", "decided_db_login")):  # 0020's
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    for table in ("lessons", "problem_records", "record_transitions", "change_requests", "change_events"):  # 0021's
        db.execute(f"DROP INDEX ix_{table}_uid")
        db.execute(f"ALTER TABLE {table} DROP COLUMN uid")
    db.commit()
    db.close()
    assert revision == "0022"
    read_only(home)
    before = home_snapshot(home)
    assert [row["id"] for row in ok(home, "incident", "list")] == [incident]
    assert home_snapshot(home) == before


def test_a_home_that_does_not_exist_and_cannot_be_made_is_still_refused(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(kbapp.home.HomeError) as caught:
        kbapp.home.resolve_home(tmp_path / "nowhere")
    assert not isinstance(caught.value, kbapp.home.ReadOnlyHome) and "cannot be used" in str(caught.value)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="chmod does not stop root (or Windows)")
def test_a_chmod_read_only_home_opens_for_reading(written_home):
    home, _ = written_home
    modes = {}
    for folder, dirs, files in os.walk(home):
        for name in [*dirs, *files, "."]:
            path = Path(folder, name)
            modes[path] = path.stat().st_mode
            path.chmod(stat.S_IMODE(modes[path]) & ~0o222)
    try:
        result = run_cli("search", "ZEBRAVPN", "--json", home=home)
        assert result.returncode == 0 and "read-only" in result.stderr
        assert run_cli("incident", "note", "1", "x", home=home).returncode == 2
    finally:
        for path, mode in sorted(modes.items(), key=lambda item: len(item[0].parts)):
            path.chmod(stat.S_IMODE(mode))


def test_the_metrics_of_a_read_only_home_are_derived_outside_it(written_home, read_only):
    home, _ = written_home
    read_only(home)
    before = home_snapshot(home)
    result = run_cli("metrics", "--json", home=home)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert "the change was not saved" not in result.stderr and figures
    assert home_snapshot(home) == before
