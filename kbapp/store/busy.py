"""Who holds an SQLite database's write lock, when the system can say (Linux's /proc/locks):
for the message of a database that stayed busy. Elsewhere, or when nothing is found, None.

In WAL mode the writer holds a POSIX write lock on byte 120 of the ``-shm`` file; with a
rollback journal it holds one on the database file itself (its RESERVED byte).
"""

from __future__ import annotations

import os
from pathlib import Path

WAL_WRITE_LOCK_OFFSET = 120
_MAX_COMMAND = 80


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = [w.decode("utf-8", "replace") for w in raw.split(b"\0") if w]
    text = " ".join(" ".join([Path(words[0]).name, *words[1:]]).split()) if words else ""  # one line
    return text if len(text) <= _MAX_COMMAND else text[: _MAX_COMMAND - 1] + "…"


def write_lock_holders(database: Path, locks_file: Path = Path("/proc/locks")) -> list[int]:
    """The ids of the processes (other than this one) holding ``database``'s write lock."""
    shm, db = _inode(Path(f"{database}-shm")), _inode(database)
    try:
        lines = locks_file.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return []
    found: list[int] = []
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        try:
            kind, pid_text, where, start = fields[1], fields[4], fields[5], fields[6]
            pid, inode = int(pid_text), int(where.rsplit(":", 1)[1])
        except (IndexError, ValueError):
            continue
        if kind != "POSIX" or fields[3] != "WRITE" or pid == os.getpid() or pid in found:
            continue
        if (shm is not None and inode == shm and start == str(WAL_WRITE_LOCK_OFFSET)) or (db is not None and inode == db):
            found.append(pid)
    return found


def describe_holder(database: Path) -> str | None:
    """``"process 1234 (sqlite3 kbapp.sqlite3)"``, or None when it cannot be known."""
    pids = write_lock_holders(database)
    if not pids:
        return None
    return ", ".join(f"process {pid}" + (f" ({cmd})" if (cmd := _command(pid)) else "") for pid in pids)
