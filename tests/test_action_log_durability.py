"""The store under stress: SIGKILL while logging, two writers at once, locks, migrations."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kbapp.home import DataHome
from kbapp.incidents.service import IncidentService
from kbapp.store.db import Store, StoreError, current_revision, head_revision
from kbapp.store.schema import Base

REPO = Path(__file__).resolve().parent.parent
# proc.kill() is SIGKILL on POSIX and TerminateProcess on Windows: no chance to clean up.
KILLED = -signal.SIGKILL if hasattr(signal, "SIGKILL") else 1

# The child logs notes for ever (or COUNT times), printing each action id only after
# IncidentService.note() has returned, i.e. after the commit.
CHILD = r"""
import sys
from pathlib import Path
from kbapp.home import DataHome
from kbapp.incidents.service import IncidentService
from kbapp.store.db import Store

class KB:
    def __init__(self, root):
        self.home = DataHome(Path(root))
    def get(self, playbook_id):
        return None

root, incident_id, tag, count = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
store = Store.open(f"sqlite:///{root / 'kbapp.sqlite3'}", backup_dir=root / "backups")
svc = IncidentService(store, KB(root), actor=tag)
if incident_id == 0:
    incident_id = svc.start(f"load {tag}", "III").id
print("ready", incident_id, flush=True)
i = 0
while count == 0 or i < count:
    action = svc.note(incident_id, f"{tag}-{i}")
    print(action.id, flush=True)
    i += 1
store.close()
"""


class KB:
    def __init__(self, root: Path):
        self.home = DataHome(root)

    def get(self, playbook_id):
        return None


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _child(root: Path, incident_id: int, tag: str, count: int = 0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(incident_id), tag, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())


def _complete_ids(text: str) -> list[int]:
    # Only whole lines count: a line cut off by the kill was never acknowledged.
    return [int(line) for line in text.split("\n")[:-1] if line.strip().isdigit()]


def _db_ids(db: Path) -> set[int]:
    con = sqlite3.connect(db)
    try:
        return {row[0] for row in con.execute("SELECT id FROM actions")}
    finally:
        con.close()


def _integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_action(tmp_path):
    seed = int(os.environ.get("KBAPP_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    store = Store.open(f"sqlite:///{tmp_path / 'kbapp.sqlite3'}", backup_dir=tmp_path / "backups")
    incident_id = IncidentService(store, KB(tmp_path)).start("kill test", "II").id
    store.close()

    acknowledged: list[int] = []
    for round_no in range(24):
        proc = _child(tmp_path, incident_id, f"r{round_no}")
        try:
            if rng.random() < 0.2:
                time.sleep(rng.uniform(0.0, 0.4))  # anywhere, even while it opens the database
            else:
                assert proc.stdout.readline().startswith("ready"), proc.stderr.read()
                for _ in range(rng.randint(1, 30)):
                    acknowledged.append(int(proc.stdout.readline()))
                time.sleep(rng.uniform(0.0, 0.004))  # land inside a commit now and then
        finally:
            proc.kill()
            rest, err = proc.communicate(timeout=30)
        assert proc.returncode == KILLED, f"seed {seed}: child ended on its own: {err}"
        acknowledged += _complete_ids(rest)

    db = tmp_path / "kbapp.sqlite3"
    missing = set(acknowledged) - _db_ids(db)
    assert not missing, f"seed {seed}: acknowledged but lost: {sorted(missing)}"
    assert len(acknowledged) > 100
    assert _integrity(db) == "ok"
    reopened = Store.open(f"sqlite:///{db}", backup_dir=tmp_path / "backups")
    try:
        assert reopened.integrity_check() == "ok"
        timeline = IncidentService(reopened, KB(tmp_path)).timeline(incident_id)
        assert [a.id for a in timeline] == sorted(a.id for a in timeline)
    finally:
        reopened.close()


@pytest.mark.slow
def test_two_processes_log_at_once_on_a_fresh_database(tmp_path):
    count = 150
    procs = [_child(tmp_path, 0, tag, count) for tag in ("alpha", "beta")]  # both migrate the new file
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower() and "Traceback" not in err, err
    ids = [_complete_ids(out) for out, _ in results]
    assert all(len(i) == count for i in ids)
    assert not set(ids[0]) & set(ids[1])
    db = tmp_path / "kbapp.sqlite3"
    assert set(ids[0]) | set(ids[1]) <= _db_ids(db)
    assert _integrity(db) == "ok"
    con = sqlite3.connect(db)
    try:
        per_actor = dict(con.execute("SELECT actor, count(*) FROM actions WHERE kind = 'note' GROUP BY actor"))
        assert per_actor == {"alpha": count, "beta": count}
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 2
    finally:
        con.close()


# -- the store itself -----------------------------------------------------------------

def test_sqlite_runs_in_wal_with_full_sync_and_a_busy_timeout(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}", backup_dir=tmp_path / "b")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5_000  # seconds, not a minute
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert current_revision(store) == head_revision()
    finally:
        store.close()


def test_the_migration_creates_exactly_the_models(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}", backup_dir=tmp_path / "b")
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
    finally:
        store.close()


def test_a_fresh_database_needs_no_backup(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}", backup_dir=tmp_path / "b")
    store.close()
    assert store.backup_path is None and not (tmp_path / "b").exists()


def test_an_existing_database_is_backed_up_before_it_is_upgraded(tmp_path):
    db = tmp_path / "k.sqlite3"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE legacy (note TEXT)")
    con.execute("INSERT INTO legacy VALUES ('keep me')")
    con.commit()
    con.close()
    store = Store.open(f"sqlite:///{db}", backup_dir=tmp_path / "backups")
    store.close()
    backup = store.backup_path
    assert backup is not None and backup.parent == tmp_path / "backups"
    assert [p.name for p in backup.parent.iterdir()] == [backup.name]  # no temporary file left
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT note FROM legacy").fetchall() == [("keep me",)]
        assert copy.execute("SELECT count(*) FROM sqlite_master WHERE name = 'actions'").fetchone()[0] == 0
    finally:
        copy.close()
    reopened = Store.open(f"sqlite:///{db}", backup_dir=tmp_path / "backups")
    reopened.close()
    assert reopened.backup_path is None  # already at head: no second copy


def test_a_newer_schema_is_refused_clearly(tmp_path):
    db = tmp_path / "k.sqlite3"
    Store.open(f"sqlite:///{db}", backup_dir=tmp_path / "b").close()
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer than this kbapp"):
        Store.open(f"sqlite:///{db}", backup_dir=tmp_path / "b")


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path):
    db = tmp_path / "k.sqlite3"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a database"):
        Store.open(f"sqlite:///{db}", backup_dir=tmp_path / "b")


def test_a_bad_url_is_refused_clearly():
    with pytest.raises(StoreError, match="invalid database URL"):
        Store.open("not a url", backup_dir=None)


def _hold_write_lock(db: Path, seconds: float) -> threading.Thread:
    locked = threading.Event()

    def hold():
        con = sqlite3.connect(db, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        con.execute("ROLLBACK")
        con.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait()
    return thread


def test_a_briefly_locked_database_is_retried_silently(tmp_path):
    db = tmp_path / "k.sqlite3"
    store = Store.open(f"sqlite:///{db}", backup_dir=tmp_path / "b", busy_timeout=0.05)
    try:
        svc = IncidentService(store, KB(tmp_path))
        inc = svc.start("x", "IV")
        holder = _hold_write_lock(db, 0.4)  # longer than the busy timeout
        action = svc.note(inc.id, "after the lock")
        holder.join()
        assert action.id in _db_ids(db)
    finally:
        store.close()


def test_a_database_locked_for_too_long_gives_a_plain_message(tmp_path, monkeypatch):
    monkeypatch.setattr("kbapp.store.db.LOCKED_RETRIES", 2)
    db = tmp_path / "k.sqlite3"
    store = Store.open(f"sqlite:///{db}", backup_dir=tmp_path / "b", busy_timeout=0.05)
    try:
        svc = IncidentService(store, KB(tmp_path))
        inc = svc.start("x", "IV")
        holder = _hold_write_lock(db, 1.5)
        with pytest.raises(StoreError) as info:
            svc.note(inc.id, "never")
        holder.join()
        assert "database is locked" not in str(info.value) and "try again" in str(info.value)
        assert [a.kind for a in svc.timeline(inc.id)] == ["created"]
    finally:
        store.close()
