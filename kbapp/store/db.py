"""The database: engine set-up, migrations at start-up, sessions and retries.

The default is an SQLite file in the data home. It runs in WAL mode (readers never
block the writer), with ``synchronous=FULL`` so that a commit that has returned
survives a crash or power cut, and a busy timeout so that two kbapp processes take
turns instead of failing. Write transactions start with ``BEGIN IMMEDIATE``: taking
the write lock up front means SQLite waits on the busy timeout rather than failing
later when a read lock cannot be upgraded.

Any other SQLAlchemy URL (``--db`` / ``KBAPP_DB``) works too, for a shared server.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from kbapp.errors import KbEnvironmentError
from kbapp.fsutil import replace
from kbapp.home import sqlite_read_only_uri as read_only_uri
from kbapp.threads import off_ui_thread

if TYPE_CHECKING:
    from typing import Any

    from alembic.config import Config
    from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_BUSY_TIMEOUT = 5.0  # seconds SQLite waits for another writer
BUSY_BUDGET = 5.0  # seconds in all before "stayed busy": SQLite's wait and the retries together
CONNECT_TIMEOUT = 5  # seconds to reach a database server
LOCKED_RETRIES = 6  # on top of the busy timeout, for the cases SQLite does not wait for
_BEGIN_OPTION = "kbapp_sqlite_begin"


class StoreError(KbEnvironmentError, RuntimeError):
    """The database cannot be used; the message says why, in one line."""


class StoreBusy(StoreError):
    """Another program kept the database's write lock past BUSY_BUDGET: nothing was written."""


class StoreUnreachable(StoreError):
    """The database server does not answer (down, or the network is): a desk can queue its
    actions in its offline outbox (kbapp.offline) and send them later."""


def _is_unreachable(exc: DBAPIError, url: str) -> bool:
    if url.startswith("sqlite"):
        return False
    return bool(exc.connection_invalidated) or type(exc.orig).__name__ == "OperationalError"


def is_locked_error(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return ("database is locked" in text or "database is busy" in text or "database table is locked" in text
            or "deadlock detected" in text)  # PostgreSQL aborted one of two waiting desks: run it again


class Store:
    """One database. Thread-safe: every operation takes its own Session."""

    def __init__(self, engine: Engine, url: str, *, backup_path: Path | None = None,
                 read_only_home: Path | None = None):
        self.engine = engine
        self.url = url
        self.backup_path = backup_path  # the copy made before the last schema upgrade
        self.read_only_home = read_only_home  # set: a read-only data home's, every write refused
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._closers: list[Callable[[], None]] = []
        write_bind = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"}) if self.is_sqlite else engine
        self._write_sessions = sessionmaker(bind=write_bind, expire_on_commit=False)
        self._read_sessions = sessionmaker(bind=engine, expire_on_commit=False)
        from kbapp.store import changelog, touched

        changelog.install(self._write_sessions)  # what other desks copy (kbapp.sync)
        touched.install(self._write_sessions)  # what the window refreshes (kbapp.opchanges)
        changelog.install(self._read_sessions)

    # -- opening -------------------------------------------------------------
    @classmethod
    def open(cls, url: str, backup_dir: Path | None = None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
             migrate: bool = True) -> Store:
        """Create the engine and bring the schema up to date (backing the file up first)."""
        off_ui_thread("Store.open")
        engine = _create_engine(url, busy_timeout)
        store = cls(engine, url)
        try:
            if migrate:
                store.backup_path = _retry_locked(lambda: _upgrade(store, backup_dir), url=url)
        except StoreError:
            engine.dispose()
            raise
        except DBAPIError as exc:
            engine.dispose()
            error = StoreUnreachable if _is_unreachable(exc, url) else StoreError
            raise error(f"cannot open the database {_where(url)}: {_reason(exc)}") from None
        return store

    @classmethod
    def open_read_only(cls, database: Path, home_root: Path, scratch: Path, *,
                       busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
        """The database of a read-only data home, for reading: opened ``mode=ro`` (and
        ``immutable=1`` without a -wal file, so not even a -shm is made beside it), never
        migrated, recovered or backed up; every ``write`` raises ReadOnlyHome. A database
        of an older schema is copied into ``scratch`` (a temporary folder) and the copy
        migrated, so this kbapp can read it; the home is not touched either way."""
        off_ui_thread("Store.open")
        if not database.is_file():
            from kbapp.home import ReadOnlyHome

            raise ReadOnlyHome(f"the data home {home_root} is read-only and holds no database "
                               f"({database.name}): there are no incidents to read", path=database)
        url = f"sqlite:///{database}"
        engine = _create_engine(url, busy_timeout, read_only=database)
        store = cls(engine, url, read_only_home=home_root)
        try:
            current = current_revision(store)
        except DBAPIError as exc:
            engine.dispose()
            raise StoreError(f"cannot open the database {database}: {_reason(exc)}") from None
        if current == head_revision():
            return store
        engine.dispose()
        copy = backup_sqlite_file(database, scratch, label="read-only", read_only=True)
        migrated = cls.open(f"sqlite:///{copy}", backup_dir=None, busy_timeout=busy_timeout)
        migrated.url = url  # what messages name: the home's file, not the copy
        migrated.read_only_home = home_root
        return migrated

    # -- sessions ------------------------------------------------------------
    def session(self, *, write: bool = True) -> Session:
        """A new Session for one operation: ``with store.session() as s, s.begin(): ...``.

        ``write=True`` takes SQLite's write lock at BEGIN; use ``write=False`` for reads.
        """
        return self._write_sessions() if write else self._read_sessions()

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one committed write transaction; retried while the file is locked.

        ``work`` must only touch the database: it may run more than once. Library files it
        changes are staged (kbapp.store.staging.stage_write/stage_delete) and put in place
        after the commit; an attempt that does not commit leaves none of them.
        A read-only data home's store refuses (ReadOnlyHome), before anything runs.
        """
        if self.read_only_home is not None:
            from kbapp.home import ReadOnlyHome, read_only_refusal

            raise ReadOnlyHome(read_only_refusal(self.read_only_home), path=self.read_only_home)
        return self._run(work, write=True)

    def read(self, work: Callable[[Session], T]) -> T:
        return self._run(work, write=False)

    def _run(self, work: Callable[[Session], T], *, write: bool) -> T:
        from kbapp import opchanges
        from kbapp.store import staging, touched

        off_ui_thread("a database transaction")

        def forget(tokens: list[str]) -> None:
            with self.session(write=True) as session, session.begin():
                staging.forget(session, tokens)

        def attempt() -> T:
            with self.session(write=write) as session:
                try:
                    with session.begin():
                        result = work(session)
                except BaseException:
                    staging.discard(staging.take(session))
                    touched.take(session)  # not committed: nothing changed
                    raise
                staged = staging.take(session)
                changes = touched.take(session)
            if changes:
                opchanges.record(changes)
            if staged:  # committed: the files follow, then the rows that said so go
                staging.apply(staged)
                tokens = [item.token for item in staged]
                try:
                    _retry_locked(lambda: forget(tokens), url=self.url)
                except DBAPIError:
                    pass  # the moves are done; the next recovery pass forgets the rows
            return result

        try:
            return _retry_locked(attempt, url=self.url)
        except DBAPIError as exc:
            error = StoreUnreachable if _is_unreachable(exc, self.url) else StoreError
            raise error(f"database error in {_where(self.url)}: {_reason(exc)}") from None

    # -- maintenance ---------------------------------------------------------
    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: ``"ok"`` or the problems found."""
        if not self.is_sqlite:
            return "ok"
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        return "\n".join(str(r) for r in rows)

    def on_close(self, closer: Callable[[], None]) -> None:
        """Call ``closer()`` first when the store closes (a connection held outside a Session)."""
        self._closers.append(closer)

    def close(self) -> None:
        for closer in list(self._closers):
            closer()
        self.engine.dispose()


# -- engine -------------------------------------------------------------------

def _create_engine(url: str, busy_timeout: float, *, read_only: Path | None = None) -> Engine:
    if read_only is not None:  # a read-only home's file: opened through SQLite's URI, nothing made
        from sqlalchemy.pool import QueuePool

        uri = read_only_uri(read_only)
        engine = create_engine(
            "sqlite://", poolclass=QueuePool,
            creator=lambda: sqlite3.connect(uri, uri=True, timeout=busy_timeout, check_same_thread=False),
            json_serializer=lambda value: json.dumps(value, ensure_ascii=False))
        _install_sqlite_hooks(engine, busy_timeout, journal=None, synchronous=False)
        return engine
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"invalid database URL {url!r}; expected e.g. sqlite:///path/to/kbapp.sqlite3") from None
    try:
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            # A desk whose server is unreachable says so in seconds, not after TCP's minutes.
            return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT})
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed, pool_pre_ping=True)
        in_memory = parsed.database in (None, "", ":memory:")
        journal = "WAL"
        if not in_memory:
            folder = Path(parsed.database or "").expanduser().absolute().parent
            folder.mkdir(parents=True, exist_ok=True)
            journal = _journal_mode(folder)
        engine = create_engine(
            parsed,
            connect_args={"timeout": busy_timeout, "check_same_thread": False},
            # Chinese stays readable in the JSON payloads when someone opens the file with sqlite3.
            json_serializer=lambda value: json.dumps(value, ensure_ascii=False),
            # One shared connection for an in-memory database, or each would get its own.
            **({"poolclass": StaticPool} if in_memory else {}),
        )
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StoreError(f"no database driver for {parsed.drivername!r}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"cannot create the folder for {parsed.database}: {exc.strerror or exc}") from None
    _install_sqlite_hooks(engine, busy_timeout, journal=None if in_memory else journal)
    return engine


def _journal_mode(folder: Path) -> str:
    """WAL on a local disk. On a network share WAL's shared memory does not work and the
    database would be damaged silently: refused, or with $KBAPP_ALLOW_NETWORK_HOME=1 a
    rollback journal (DELETE), which relies on the share's file locks only."""
    from kbapp.home import HomeError, refuse_network_folder
    from kbapp.netfs import network_fs

    try:
        refuse_network_folder(folder, "the database's folder")
    except HomeError as exc:
        raise StoreError(str(exc)) from None
    return "DELETE" if network_fs(folder) else "WAL"


def _install_sqlite_hooks(engine: Engine, busy_timeout: float, *, journal: str | None,
                          synchronous: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        # SQLAlchemy, not the sqlite3 module, decides when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            if journal:
                _retry_locked(lambda: cursor.execute(f"PRAGMA journal_mode = {journal}"),
                              wrap=sqlite3.OperationalError)
            if synchronous:
                cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _retry_locked(fn: Callable[[], T], *, wrap: type[BaseException] = OperationalError, url: str | None = None) -> T:
    """Call ``fn`` again, with growing random pauses, while it fails with "database is locked",
    for BUSY_BUDGET seconds in all (SQLite's own busy wait included); then StoreBusy, naming
    the database and, where the system says, the process that holds it."""
    started = time.monotonic()
    for attempt in range(LOCKED_RETRIES + 1):
        try:
            return fn()
        except wrap as exc:
            if not is_locked_error(exc):
                raise
            elapsed = time.monotonic() - started
            if attempt == LOCKED_RETRIES or elapsed >= BUSY_BUDGET:
                raise _busy(url, elapsed) from None
            pause = min(2.0, 0.02 * 2**attempt) * (0.5 + random.random())
            pause = min(pause, max(0.0, BUSY_BUDGET - elapsed))
            log.debug("database busy, retrying in %.2fs", pause)
            time.sleep(pause)
    raise AssertionError("unreachable")


def _busy(url: str | None, elapsed: float) -> StoreBusy:
    from kbapp.store.busy import describe_holder

    database = sqlite_path(url) if url else None
    holder = describe_holder(database) if database is not None else None
    what = f"the database {database if database is not None else _where(url) if url else ''}".rstrip()
    return StoreBusy(f"{what} stayed busy for {elapsed:.0f} s: {holder or 'another program'} kept its write "
                     f"lock; nothing was saved, try again", path=database)


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for a server or an in-memory database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser().absolute()


def _where(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc).splitlines()[0]


# -- migrations ---------------------------------------------------------------

def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    # ConfigParser interpolation: a literal % in the path must be doubled.
    from kbapp.resources import migrations_dir

    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def current_revision(store: Store) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _upgrade(store: Store, backup_dir: Path | None) -> Path | None:
    """Bring the schema to head; returns the backup made first, if any."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = _alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    current = current_revision(store)
    if current == head:
        return None
    try:
        script.get_revision(current)  # type: ignore[arg-type]  # None, a database never migrated, is valid
    except CommandError:
        raise StoreError(
            f"the database {_where(store.url)} has schema revision {current!r}, newer than this kbapp "
            f"knows (up to {head!r}); upgrade kbapp or restore a copy from the backups folder"
        ) from None

    backup = None
    db_file = _sqlite_file(store)
    if db_file is not None and backup_dir is not None and _has_tables(store):
        backup = backup_sqlite_file(db_file, Path(backup_dir), label=f"rev{current or 'none'}")

    # The whole upgrade runs in one transaction holding the write lock, so two kbapp
    # processes starting together cannot both migrate: the second finds head and stops.
    bind = store.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"}) if store.is_sqlite else store.engine
    try:
        with bind.connect() as conn, conn.begin():
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except CommandError as exc:
        raise StoreError(f"cannot upgrade the database schema of {_where(store.url)}: {exc}") from None
    return backup


def _sqlite_file(store: Store) -> Path | None:
    if not store.is_sqlite:
        return None
    database = store.engine.url.database
    if database in (None, "", ":memory:"):
        return None
    path = Path(database).expanduser()
    return path if path.exists() else None


def _has_tables(store: Store) -> bool:
    with store.engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def backup_sqlite_file(db_file: Path, backup_dir: Path, label: str = "", *, read_only: bool = False) -> Path:
    """A consistent copy of a live SQLite database, appearing atomically in ``backup_dir``.

    SQLite's online backup API copies committed pages (WAL included), so the copy is
    consistent even while another process writes; it is written to a temporary file,
    fsynced and then renamed, so a half-made backup never carries a backup's name.
    ``read_only``: the file is read through a read-only URI (a read-only data home's).
    """
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{db_file.stem}-{stamp}{'-' + label if label else ''}{db_file.suffix or '.sqlite3'}"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=backup_dir)
    os.close(fd)
    try:
        source = (sqlite3.connect(read_only_uri(db_file), uri=True, timeout=DEFAULT_BUSY_TIMEOUT) if read_only
                  else sqlite3.connect(str(db_file), timeout=DEFAULT_BUSY_TIMEOUT))
        try:
            target = sqlite3.connect(tmp_name)
            try:
                source.backup(target)
                # One self-contained file: the copy keeps no WAL of its own beside it.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
        finally:
            source.close()
        with open(tmp_name, "rb+") as handle:
            os.fsync(handle.fileno())
        final = backup_dir / name
        replace(tmp_name, final)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        if isinstance(exc, sqlite3.Error | OSError):
            raise StoreError(f"cannot back up {db_file} to {backup_dir}: {exc}") from None
        raise
    _fsync_dir(backup_dir)
    return final


def _fsync_dir(folder: Path) -> None:
    # Makes the rename durable; directories cannot be opened for fsync everywhere.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
