"""A lost database stops kbapp with a message and a way back; ``kbapp backup``/``restore``;
the daily backup and its retention (kbapp.store.backups)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import pytest
from kbhelpers import cli_env, run_cli

from kbapp.facade import KnowledgeBase
from kbapp.home import resolve_home
from kbapp.store import backups


def kb_cli(home: Path, *args: str, env: dict[str, str] | None = None, process: bool = False):
    return run_cli(*args, home=home, env=env, process=process)


def ok(home: Path, *args: str):
    result = kb_cli(home, *args)
    assert result.returncode == 0, result.stderr
    return result


def solved_incident_home(home: Path, count: int = 1) -> None:
    for n in range(1, count + 1):
        ok(home, "incident", "start", "--title", f"磁盘满 disk full {n}", "--level", "III")
        ok(home, "incident", "note", str(n), "清理了日志 cleaned logs")
        ok(home, "incident", "resolve", str(n), "--summary", "日志轮转 log rotation")


def incident_ids(home: Path) -> list[int]:
    return sorted(row["id"] for row in json.loads(ok(home, "incident", "list", "--json").stdout))


@pytest.mark.parametrize("lose", ["truncate", "delete", "no tables"])
def test_a_lost_database_stops_with_the_file_named_and_the_restore_offered(tmp_path, lose):
    solved_incident_home(tmp_path)
    ok(tmp_path, "backup")
    db = tmp_path / "kbapp.sqlite3"
    if lose == "truncate":
        db.write_bytes(b"")
    elif lose == "delete":
        db.unlink()
    else:
        db.unlink()
        sqlite3.connect(db).close()  # a new file with no tables
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    listed = kb_cli(tmp_path, "incident", "list")
    assert listed.returncode == 2 and listed.stdout == ""
    assert str(db) in listed.stderr and "kbapp restore" in listed.stderr
    assert "library/incidents/" in listed.stderr and "Traceback" not in listed.stderr
    # Nothing was created in its place: the refusal says the same the next time.
    assert kb_cli(tmp_path, "incident", "show", "1").returncode == 2
    assert backups.database_state(db) != backups.OK
    restored = ok(tmp_path, "restore")
    assert "1 incident(s)" in restored.stdout
    assert incident_ids(tmp_path) == [1]
    assert "清理了日志" in ok(tmp_path, "incident", "show", "1").stdout


def test_the_refusal_is_a_real_exit_status_on_real_files(tmp_path):
    solved_incident_home(tmp_path)
    (tmp_path / "kbapp.sqlite3").unlink()
    result = kb_cli(tmp_path, "incident", "list", process=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and str(tmp_path / "kbapp.sqlite3") in result.stderr


def test_a_new_home_still_starts_with_an_empty_database(tmp_path):
    assert kb_cli(tmp_path, "incident", "list").returncode == 0
    assert backups.database_state(tmp_path / "kbapp.sqlite3") == backups.OK


def test_a_report_file_or_a_catalogue_entry_alone_is_enough_to_refuse(tmp_path):
    home = resolve_home(tmp_path)
    (home.reports / "report-7.md").write_text("---\nid: report-7\n---\n", encoding="utf-8")
    assert backups.prior_use(home) == ["library/reports/ holds documents"]
    with pytest.raises(backups.DatabaseLost) as refused:
        backups.refuse_lost_database(home, home.database)
    assert refused.value.exit_code == 2 and refused.value.latest is None
    assert "no backup was found" in str(refused.value)


def test_start_empty_is_an_explicit_choice_and_keeps_the_lost_file(tmp_path):
    solved_incident_home(tmp_path)
    db = tmp_path / "kbapp.sqlite3"
    db.write_bytes(b"")
    assert kb_cli(tmp_path, "incident", "list").returncode == 2
    ok(tmp_path, "restore", "--start-empty")
    assert incident_ids(tmp_path) == []
    assert list((tmp_path / "backups").glob("lost-*.sqlite3"))
    # A working database is not "lost": starting again is refused.
    assert kb_cli(tmp_path, "restore", "--start-empty").returncode == 1


def test_restore_refuses_a_working_database_without_force_and_backs_it_up_with(tmp_path):
    solved_incident_home(tmp_path)
    ok(tmp_path, "backup")
    ok(tmp_path, "incident", "start", "--title", "after the backup", "--level", "IV")
    refused = kb_cli(tmp_path, "restore")
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert incident_ids(tmp_path) == [1, 2]
    forced = json.loads(ok(tmp_path, "restore", "--force", "--json").stdout)
    assert forced["incidents"] == 1 and forced["safety_backup"]
    assert incident_ids(tmp_path) == [1]
    # The overwritten database is a backup of its own: restoring it brings incident 2 back.
    ok(tmp_path, "restore", "--force", forced["safety_backup"])
    assert incident_ids(tmp_path) == [1, 2]


def test_a_backup_restores_into_a_fresh_home_with_its_library(tmp_path):
    source, fresh, elsewhere = tmp_path / "desk", tmp_path / "fresh", tmp_path / "usb"
    solved_incident_home(source, count=3)
    made = json.loads(ok(source, "backup", "--to", str(elsewhere), "--json").stdout)
    assert made["files"] >= 3 and Path(made["path"]).parent == elsewhere
    manifest = json.loads((Path(made["path"]) / backups.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["incidents"] == 3
    restored = json.loads(ok(fresh, "restore", made["path"], "--json").stdout)
    assert restored["incidents"] == 3 and restored["files_restored"] == made["files"]
    assert incident_ids(fresh) == [1, 2, 3]
    assert sorted(p.name for p in (fresh / "library" / "incidents").iterdir()) == \
        sorted(p.name for p in (source / "library" / "incidents").iterdir())
    hits = json.loads(ok(fresh, "search", "日志轮转", "--json").stdout)
    assert hits and all("incident" in json.dumps(hit, ensure_ascii=False) for hit in hits[:1])


def test_restore_keeps_the_live_files_it_replaces(tmp_path):
    solved_incident_home(tmp_path)
    ok(tmp_path, "backup")
    doc = tmp_path / "library" / "incidents" / "incident-1.md"
    original = doc.read_text(encoding="utf-8")
    doc.write_text(original + "\nedited later\n", encoding="utf-8")
    (tmp_path / "library" / "imported").mkdir(exist_ok=True)
    (tmp_path / "library" / "imported" / "newer.md").write_text("# newer\n", encoding="utf-8")
    result = json.loads(ok(tmp_path, "restore", "--force", "--json").stdout)
    assert doc.read_text(encoding="utf-8") == original
    assert (Path(result["replaced_to"]) / "library" / "incidents" / "incident-1.md").read_text(
        encoding="utf-8").endswith("edited later\n")
    assert result["kept_newer"] == 1 and (tmp_path / "library" / "imported" / "newer.md").exists()


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path):
    solved_incident_home(tmp_path)
    made = Path(json.loads(ok(tmp_path, "backup", "--json").stdout)["path"])
    (made / "kbapp.sqlite3").write_bytes(b"not a database at all" * 100)
    (tmp_path / "kbapp.sqlite3").unlink()
    result = kb_cli(tmp_path, "restore", str(made))
    assert result.returncode == 2 and str(made) in result.stderr
    assert not (tmp_path / "kbapp.sqlite3").exists()


def test_backup_and_restore_of_a_team_server_say_where_to_back_it_up(tmp_path):
    result = kb_cli(tmp_path, "--db", "postgresql://kb@127.0.0.1:1/kb", "backup")
    assert result.returncode == 2 and "pg_dump" in result.stderr


def test_a_migration_copy_restores_the_database_alone(tmp_path):
    solved_incident_home(tmp_path)
    copy = backups.backup_sqlite_file(tmp_path / "kbapp.sqlite3", tmp_path / "backups", label="rev0014")
    (tmp_path / "kbapp.sqlite3").unlink()
    restored = json.loads(ok(tmp_path, "restore", copy.name, "--json").stdout)
    assert restored["incidents"] == 1 and restored["files_restored"] == 0


# -- the daily backup ---------------------------------------------------------------

def open_store(home: Path, env_keep: str | None, monkeypatch, now: dt.datetime | None = None):
    if env_keep is None:
        monkeypatch.delenv(backups.ENV_KEEP, raising=False)
    else:
        monkeypatch.setenv(backups.ENV_KEEP, env_keep)
    kb = KnowledgeBase.open(home)
    try:
        _ = kb.store
    finally:
        kb.close()


def daily(home: Path) -> list[backups.Backup]:
    return [b for b in backups.list_backups(home / "backups") if b.label == backups.DAILY]


def test_the_daily_backup_is_taken_when_the_store_opens_once_a_day(tmp_path, monkeypatch):
    open_store(tmp_path, None, monkeypatch)
    assert daily(tmp_path) == []  # a database created just now: nothing to keep yet
    open_store(tmp_path, None, monkeypatch)
    assert len(daily(tmp_path)) == 1
    open_store(tmp_path, None, monkeypatch)
    assert len(daily(tmp_path)) == 1


def test_the_daily_backup_is_due_at_24_hours_not_before(tmp_path):
    home = resolve_home(tmp_path)
    KnowledgeBase.open(tmp_path).store.close()
    made = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    backups.make_backup(home, home.database, label=backups.DAILY, now=made)
    assert not backups.daily_due(home, made + dt.timedelta(hours=24) - dt.timedelta(seconds=1))
    assert backups.daily_due(home, made + dt.timedelta(hours=24))


def test_daily_backups_beyond_the_retention_count_are_removed_others_never(tmp_path, monkeypatch):
    home = resolve_home(tmp_path)
    (home.root / "settings.ini").write_text("[backup]\nkeep=2\n", encoding="utf-8")
    KnowledgeBase.open(tmp_path).store.close()
    manual = backups.make_backup(home, home.database).backup
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for day in range(4):
        assert backups.daily_backup(home, home.database, now=start + dt.timedelta(days=day)) is not None
    kept = daily(tmp_path)
    assert [b.made_at for b in kept] == [start + dt.timedelta(days=3), start + dt.timedelta(days=2)]
    assert manual.path.exists()
    monkeypatch.setenv(backups.ENV_KEEP, "0")  # off
    assert backups.daily_backup(home, home.database, now=start + dt.timedelta(days=9)) is None


def test_backup_is_consistent_while_another_process_writes(tmp_path):
    solved_incident_home(tmp_path)
    env = cli_env()
    import subprocess
    import sys

    writer = subprocess.Popen(
        [sys.executable, "-m", "kbapp", "--home", str(tmp_path), "incident", "note", "1", "并发 concurrent"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        made = Path(json.loads(ok(tmp_path, "backup", "--json").stdout)["path"])
    finally:
        writer.wait(timeout=120)
    conn = sqlite3.connect(made / "kbapp.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert not [p for p in made.iterdir() if p.name.endswith(("-wal", "-shm"))]
    assert os.listdir(tmp_path / "backups") and not [p for p in (tmp_path / "backups").iterdir()
                                                       if p.name.startswith(".")]
