"""Backups of a data home, and the guard that never lets a lost database be replaced silently.

A backup is a folder in ``backups/`` (or anywhere, ``kbapp backup --to DIR``) named
``kbapp-<UTC stamp>-<label>``: the database copied through SQLite's online backup API
(consistent while other processes write), then the whole ``library/`` (reports, lessons,
records, past incidents, imported documents, files staged by a write not yet moved into
place) and the home's small configuration files, with ``backup.json`` saying what it holds.
It is built under a temporary name and renamed into place, so a half-made backup never
carries a backup's name. The copies :func:`kbapp.store.db.backup_sqlite_file` makes before a
schema upgrade (one ``.sqlite3`` file each) count as backups of the database alone.

A restore validates the copy first, never overwrites a live database that has a schema
unless asked (``force``; the live one is then backed up first), writes the database through
SQLite (into the live file, under its lock, when it is a working database; else to a
temporary file renamed over it), and puts library files back where they are missing or
differ, moving the live versions it replaces to ``backups/replaced-<stamp>/``: nothing is
deleted. Library files newer than the backup stay.

:func:`refuse_lost_database` is the guard: a database file that is missing, empty (0 bytes)
or has no tables, in a home that shows it held one (reports, lessons, records, past
incidents, backups, an outbox, a catalogue naming incidents), stops kbapp with a message
naming the file and the way back instead of a new empty database.

Qt-free; the window calls it through its operation objects, off the UI thread.
"""

from __future__ import annotations

import configparser
import datetime as dt
import filecmp
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.errors import KbError
from kbapp.fsutil import replace
from kbapp.home import sqlite_read_only_uri
from kbapp.store.db import DEFAULT_BUSY_TIMEOUT, StoreError, backup_sqlite_file
from kbapp.store.orphans import Orphan, orphaned_files

if TYPE_CHECKING:
    from kbapp.home import DataHome

log = logging.getLogger(__name__)

MANIFEST = "backup.json"
DB_NAME = "kbapp.sqlite3"
DAILY = "daily"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
DEFAULT_KEEP = 7  # daily backups kept; settings.ini [backup] keep, or $KBAPP_BACKUP_KEEP
ENV_KEEP = "KBAPP_BACKUP_KEEP"
DAILY_INTERVAL = dt.timedelta(hours=24)
# The home's own small files that go with a backup (restored only where missing).
HOME_FILES = ("engineer.json", "escalation.json", "notify.toml", "settings.ini", "sync.json")
OUTBOX = "outbox.sqlite3"
_NAME = re.compile(r"^(?P<stem>[^.][^/\\]*?)-(?P<stamp>\d{8}T\d{6}\d*Z)(?:-(?P<label>[A-Za-z0-9_.-]+?))?"
                   r"(?P<suffix>\.sqlite3)?$")


class DatabaseLost(StoreError):
    """The database file is missing, empty or without tables where the home shows it held
    one: kbapp stops instead of starting an empty one (exit 2)."""

    def __init__(self, message: str, *, database: Path, latest: Backup | None) -> None:
        super().__init__(message, path=database)
        self.database = database
        self.latest = latest


class RestoreRefused(KbError):
    """A restore that would overwrite a working database without ``force`` (exit 1)."""


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: dt.datetime
    label: str
    full: bool  # a folder with the library; False: a database file alone (before a migration)

    @property
    def database(self) -> Path:
        return self.path / DB_NAME if self.full else self.path


@dataclass
class BackupResult:
    backup: Backup
    files: int
    size: int
    seconds: float


@dataclass
class RestoreResult:
    backup: Backup
    database: Path
    incidents: int | None
    files_restored: int = 0
    files_unchanged: int = 0
    replaced_to: Path | None = None  # where the live files it replaced went
    safety_backup: Path | None = None  # the live database, copied before --force overwrote it
    kept_newer: int = 0  # live library files the backup does not have (left in place)
    home_files: list[str] = field(default_factory=list)
    # Of those, the ones naming a report, lesson, record or incident the restored database lacks.
    orphaned: list[Orphan] = field(default_factory=list)


# -- the state of a database file ---------------------------------------------

MISSING, EMPTY, NO_TABLES, OK, DAMAGED = "missing", "empty", "no tables", "ok", "damaged"


def database_state(path: Path, *, read_only: bool = False) -> str:
    """MISSING, EMPTY (0 bytes, nothing in its WAL), NO_TABLES, OK or DAMAGED (not a database).
    ``read_only``: a read-only home's file, read without making a -shm beside it."""
    if not path.exists():
        return MISSING
    wal = Path(f"{path}-wal")
    if path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0):
        return EMPTY
    try:
        uri = sqlite_read_only_uri(path) if read_only else f"{path.absolute().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=DEFAULT_BUSY_TIMEOUT)
    except sqlite3.Error:
        return DAMAGED
    try:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return OK  # someone is writing to it: it is a database
        return DAMAGED
    finally:
        conn.close()
    return OK if tables else NO_TABLES


def _count_incidents(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=DEFAULT_BUSY_TIMEOUT)
        try:
            return int(conn.execute("SELECT count(*) FROM incidents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _any_file(folder: Path) -> bool:
    for _root, _dirs, files in os.walk(folder):
        if any(not name.startswith(".") for name in files):
            return True
    return False


def prior_use(home: DataHome) -> list[str]:
    """What in ``home`` shows that it held a database: empty for a new home."""
    found = [f"{part.relative_to(home.root).as_posix()}/ holds documents"
             for part in (home.reports, home.lessons, home.records, home.incidents) if _any_file(part)]
    count = len(list_backups(home.backups))
    if count:
        found.append(f"backups/ holds {count} backup(s)")
    if (home.root / OUTBOX).exists():
        found.append(f"{OUTBOX} holds queued actions")
    catalogue = home.index / "catalogue.sqlite3"
    if catalogue.exists():
        try:
            conn = sqlite3.connect(f"{catalogue.absolute().as_uri()}?mode=ro", uri=True)
            try:
                named = conn.execute("SELECT count(*) FROM files WHERE shipped = 0 AND (doc_id LIKE 'report-%' "
                                     "OR doc_id LIKE 'lesson-%' OR doc_id LIKE 'incident-%')").fetchone()[0]
            finally:
                conn.close()
            if named:
                found.append(f"index/catalogue.sqlite3 names {named} report(s), lesson(s) or incident(s)")
        except sqlite3.Error:
            pass
    return found


def refuse_lost_database(home: DataHome, database: Path) -> None:
    """DatabaseLost when ``database`` is missing, empty or without tables while ``home``
    shows it held one; nothing for a new home, or a working (or damaged: Store.open says
    so) database."""
    state = database_state(database)
    if state not in (MISSING, EMPTY, NO_TABLES):
        return
    evidence = prior_use(home)
    if not evidence:
        return
    latest = latest_backup(home.backups)
    what = {MISSING: "is missing", EMPTY: "is empty (0 bytes)", NO_TABLES: "has no tables"}[state]
    way_back = (f"restore the latest backup ({latest.path}) with 'kbapp restore'" if latest is not None
                else "no backup was found in backups/: restore one with 'kbapp restore BACKUP'")
    raise DatabaseLost(
        f"the database {database} {what}, but this data home held one ({'; '.join(evidence)}): kbapp "
        f"will not start an empty one in its place. To get it back, {way_back}; to start an empty "
        f"database on purpose: 'kbapp restore --start-empty'", database=database, latest=latest)


def start_empty(home: DataHome, database: Path) -> None:
    """The explicit choice to begin again: the lost file is moved aside (never deleted) so
    the next open creates an empty database."""
    state = database_state(database)
    if state == OK:
        raise RestoreRefused(f"the database {database} is in use, not lost: nothing to start again")
    if database.exists():
        aside = home.backups / f"lost-{_stamp()}{database.suffix}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        replace(database, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    from kbapp.store.db import Store

    Store.open(f"sqlite:///{database}", backup_dir=home.backups).close()  # the schema, so the guard is content


# -- listing --------------------------------------------------------------------

def _stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _parse_stamp(stamp: str) -> dt.datetime | None:
    for fmt in ("%Y%m%dT%H%M%S%fZ", "%Y%m%dT%H%M%SZ"):
        try:
            return dt.datetime.strptime(stamp, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def read_backup(path: Path) -> Backup | None:
    """The backup at ``path`` (a backup folder or a database copy), or None when it is not one."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    made_at = _parse_stamp(match["stamp"])
    if made_at is None:
        return None
    if path.is_dir() and not match["suffix"] and (path / DB_NAME).is_file():
        return Backup(path, made_at, match["label"] or "", True)
    if path.is_file() and match["suffix"]:
        return Backup(path, made_at, match["label"] or "", False)
    return None


def list_backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = [b for b in (read_backup(Path(e.path)) for e in entries if not e.name.startswith(".")) if b]
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def latest_backup(folder: Path) -> Backup | None:
    backups = list_backups(folder)
    return backups[0] if backups else None


# -- making one ---------------------------------------------------------------

def _copy_tree(source: Path, target: Path) -> tuple[int, int]:
    """Regular files of ``source`` into ``target`` (symlinks are not followed); (files, bytes)."""
    files = size = 0
    for root, dirs, names in os.walk(source, followlinks=False):
        rel = Path(root).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
        for name in names:
            src = Path(root) / name
            if src.is_symlink() or not src.is_file():
                continue
            try:
                shutil.copy2(src, target / rel / name)
            except FileNotFoundError:
                continue  # renamed away between the listing and the copy: its successor is there
            files += 1
            size += (target / rel / name).stat().st_size
    return files, size


def make_backup(home: DataHome, database: Path, to: Path | None = None, label: str = MANUAL,
                now: dt.datetime | None = None) -> BackupResult:
    """A full backup of ``home`` (its SQLite ``database`` and its library) into ``to``
    (default: the home's ``backups/``)."""
    started = time.perf_counter()
    state = database_state(database, read_only=home.read_only)
    if state != OK:
        raise StoreError(f"cannot back up {database}: the database {state}", path=database)
    folder = Path(to) if to is not None else home.backups
    made_at = now or dt.datetime.now(dt.UTC)
    name = f"kbapp-{_stamp(made_at)}-{label}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=folder))
    except OSError as exc:
        raise StoreError(f"cannot back up to {folder}: {exc.strerror or exc}", path=folder) from None
    try:
        # The database first: the library copied after it holds at least what it names.
        copy = backup_sqlite_file(database, work, label="db", read_only=home.read_only)
        replace(copy, work / DB_NAME)
        files, size = _copy_tree(home.library, work / "library")
        for extra in HOME_FILES:
            if (home.root / extra).is_file():
                shutil.copy2(home.root / extra, work / extra)
        if (home.root / OUTBOX).is_file():
            outbox = backup_sqlite_file(home.root / OUTBOX, work, label="outbox", read_only=home.read_only)
            replace(outbox, work / OUTBOX)
        size += (work / DB_NAME).stat().st_size
        manifest = {"format": 1, "made_at": made_at.isoformat(), "label": label, "home": str(home.root),
                    "database": DB_NAME, "incidents": _count_incidents(work / DB_NAME), "library_files": files}
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = folder / name
        os.replace(work, final)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, OSError):
            raise StoreError(f"cannot back up to {folder}: {exc.strerror or exc}", path=folder) from None
        raise
    backup = Backup(final, made_at, label, True)
    return BackupResult(backup, files, size, time.perf_counter() - started)


# -- the daily one ----------------------------------------------------------------

def configured_keep(home: DataHome) -> int:
    """How many daily backups to keep: $KBAPP_BACKUP_KEEP, else settings.ini ``[backup] keep``,
    else DEFAULT_KEEP; 0 turns the daily backup off."""
    raw = os.environ.get(ENV_KEEP, "").strip()
    if not raw:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(home.root / "settings.ini", encoding="utf-8")
            raw = parser.get("backup", "keep", fallback="").strip()
        except (configparser.Error, OSError, UnicodeDecodeError):
            raw = ""
    try:
        return max(0, int(raw)) if raw else DEFAULT_KEEP
    except ValueError:
        log.warning("backup keep %r is not a number; keeping %d", raw, DEFAULT_KEEP)
        return DEFAULT_KEEP


def daily_due(home: DataHome, now: dt.datetime | None = None) -> bool:
    """True when the newest daily backup is 24 hours old or more (or there is none)."""
    now = now or dt.datetime.now(dt.UTC)
    daily = [b for b in list_backups(home.backups) if b.label == DAILY]
    return not daily or now - daily[0].made_at >= DAILY_INTERVAL


def prune_daily(home: DataHome, keep: int) -> list[Path]:
    """Removes the daily backups beyond the newest ``keep``; the others are never touched."""
    daily = [b for b in list_backups(home.backups) if b.label == DAILY]
    removed = []
    for old in daily[keep:]:
        shutil.rmtree(old.path, ignore_errors=True)
        removed.append(old.path)
    return removed


def daily_backup(home: DataHome, database: Path, now: dt.datetime | None = None) -> BackupResult | None:
    """The day's automatic backup when one is due (run when the store opens, off the UI
    thread); never fails the open: a backup that cannot be made is logged."""
    keep = configured_keep(home)
    if keep == 0 or not daily_due(home, now) or database_state(database) != OK:
        return None
    try:
        result = make_backup(home, database, label=DAILY, now=now)
    except StoreError as exc:
        log.warning("daily backup skipped: %s", exc)
        return None
    prune_daily(home, keep)
    log.info("daily backup %s: %d files in %.2fs", result.backup.path, result.files, result.seconds)
    return result


# -- restoring ------------------------------------------------------------------

def find_backup(home: DataHome, name: str | None) -> Backup:
    """The backup ``name`` (a path, or a name in the home's backups/), else the newest."""
    if not name:
        latest = latest_backup(home.backups)
        if latest is None:
            raise KbError(f"backup: no backup in {home.backups}; name one: 'kbapp restore PATH'", field="backup")
        return latest
    candidate = Path(name).expanduser()
    for path in (candidate, home.backups / name):
        if path.exists():
            backup = read_backup(path.absolute())
            if backup is None:
                raise KbError(f"backup: {path} is not a kbapp backup (a kbapp-<time>-<label> folder "
                              f"or .sqlite3 copy)", field="backup", path=path)
            return backup
    raise KbError(f"backup: no backup {name!r} (looked at {candidate} and in {home.backups})", field="backup")


def _check_copy(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"the backup {path} cannot be read as a database: {exc}", path=path) from None
    if verdict != "ok" or not tables:
        raise StoreError(f"the backup {path} is damaged ({verdict if verdict != 'ok' else 'no tables'}); "
                         f"choose another: 'kbapp restore BACKUP'", path=path)


def _write_database(source: Path, database: Path, live_state: str) -> None:
    if live_state == OK:
        # A working database: copied into it through SQLite, under its write lock, so other
        # processes that have it open see the restored content, never a half-written file.
        src = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(str(database), timeout=DEFAULT_BUSY_TIMEOUT)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{database.name}.restore.", suffix=".tmp", dir=database.parent)
    os.close(fd)
    try:
        src = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        for suffix in ("-wal", "-shm", "-journal"):  # a lost file's journal must not be replayed onto the copy
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        replace(tmp, database)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_copy(src: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".restore", dir=target.parent)
    os.close(fd)
    try:
        shutil.copy2(src, tmp)
        replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def restore(home: DataHome, backup: Backup, database: Path, *, force: bool = False) -> RestoreResult:
    """Puts ``backup`` back into ``home``: see the module's docstring."""
    _check_copy(backup.database)
    live = database_state(database)
    safety = None
    if live == OK:
        if not force:
            raise RestoreRefused(f"the database {database} is in use (it has tables): a restore would overwrite "
                                 f"it; add --force to restore anyway (it is backed up first)", path=database)
        safety = backup_sqlite_file(database, home.backups, label=BEFORE_RESTORE)
    try:
        _write_database(backup.database, database, live)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot restore {database} from {backup.path}: {exc}", path=database) from None
    result = RestoreResult(backup, database, _count_incidents(database), safety_backup=safety)
    if not backup.full:
        return result
    library = backup.path / "library"
    aside = home.backups / f"replaced-{_stamp()}"
    backed: set[Path] = set()
    for root, _dirs, names in os.walk(library):
        for name in names:
            src = Path(root) / name
            rel = src.relative_to(library)
            backed.add(rel)
            target = home.library / rel
            if target.is_file() and filecmp.cmp(src, target, shallow=False):
                result.files_unchanged += 1
                continue
            if target.exists():
                (aside / "library" / rel).parent.mkdir(parents=True, exist_ok=True)
                replace(target, aside / "library" / rel)
                result.replaced_to = aside
            _atomic_copy(src, target)
            result.files_restored += 1
    kept = [rel for root, _dirs, names in os.walk(home.library)
            for rel in ((Path(root) / n).relative_to(home.library) for n in names) if rel not in backed]
    result.kept_newer = len(kept)
    result.orphaned = orphaned_files(database, home.library, kept)
    for extra in (*HOME_FILES, OUTBOX):
        if (backup.path / extra).is_file() and not (home.root / extra).exists():
            _atomic_copy(backup.path / extra, home.root / extra)
            result.home_files.append(extra)
    return result
