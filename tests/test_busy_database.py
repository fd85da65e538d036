"""A database another program keeps locked: ``incident note`` says so within seconds, naming
the file and (where the system tells) the process, exits 2 and never pretends it saved."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbhelpers import run_cli

from kbapp.store import busy

HOLD = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(60)
"""


def started(script: str, db: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    process.stdout.close()
    return process


def hold_write_lock(db: Path) -> subprocess.Popen:
    return started(HOLD, db)


def notes(home: Path) -> list[str]:
    shown = run_cli("incident", "show", "1", "--json", home=home)
    assert shown.returncode == 0, shown.stderr
    return [a["details"] for a in json.loads(shown.stdout)["timeline"] if a["kind"] == "note"]


def test_a_note_on_a_locked_database_fails_quickly_and_says_nothing_was_saved(tmp_path):
    assert run_cli("incident", "start", "--title", "x", "--level", "IV", home=tmp_path).returncode == 0
    db = tmp_path / "kbapp.sqlite3"
    holder = hold_write_lock(db)
    try:
        started = time.monotonic()
        result = run_cli("incident", "note", "1", "不会保存 never saved", home=tmp_path, process=True)
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    print(f"busy note gave up after {took:.1f} s")  # the figure in the note; not asserted (no timed tests)
    assert result.returncode == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert line.count("\n") == 0 and str(db) in line and "stayed busy" in line and "nothing was saved" in line
    if sys.platform.startswith("linux"):
        assert f"process {holder.pid}" in line
    assert notes(tmp_path) == []
    assert run_cli("incident", "note", "1", "now saved", home=tmp_path).returncode == 0
    assert notes(tmp_path) == ["now saved"]


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="Linux's /proc/locks")
def test_the_write_lock_holder_is_found_and_a_reader_is_not(tmp_path):
    import sqlite3

    db = tmp_path / "k.sqlite3"
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE t (x)")
    con.close()
    assert busy.write_lock_holders(db) == []
    reader = started(HOLD.replace('con.execute("BEGIN IMMEDIATE")',
                                  'con.execute("BEGIN"); con.execute("SELECT * FROM t").fetchall()'), db)
    try:
        assert busy.write_lock_holders(db) == []
        holder = hold_write_lock(db)
        try:
            assert busy.write_lock_holders(db) == [holder.pid]
            assert busy.describe_holder(db).startswith(f"process {holder.pid} (python")
        finally:
            holder.kill()
            holder.wait()
    finally:
        reader.kill()
        reader.wait()


def test_unknown_holders_leave_the_message_general(tmp_path):
    assert busy.write_lock_holders(tmp_path / "none.sqlite3", locks_file=tmp_path / "no-such-file") == []
    assert busy.describe_holder(tmp_path / "none.sqlite3") is None
