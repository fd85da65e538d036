"""The data home: the one folder where everything kbapp writes lives."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from kbapp.errors import KbEnvironmentError

ENV_HOME = "KBAPP_HOME"
ENV_DB = "KBAPP_DB"
ENV_ALLOW_NETWORK = "KBAPP_ALLOW_NETWORK_HOME"


def network_allowed() -> bool:
    return os.environ.get(ENV_ALLOW_NETWORK, "").strip().lower() in ("1", "yes", "true")


def refuse_network_folder(folder: Path, what: str) -> None:
    """HomeError when ``folder`` is on a network share, unless $KBAPP_ALLOW_NETWORK_HOME
    says to use it anyway (the database then keeps a rollback journal instead of WAL)."""
    from kbapp.netfs import network_fs

    kind = network_fs(folder)
    if kind and not network_allowed():
        raise HomeError(
            f"{what} {folder} is on a network share ({kind}); kbapp's database and index need a "
            f"local disk. Choose a local folder with --home, or set {ENV_ALLOW_NETWORK}=1 to use it "
            f"anyway (slower, and only one computer at a time)")


class HomeError(KbEnvironmentError, RuntimeError):
    """The data home cannot be used; the message says why and where."""


class ReadOnlyHome(HomeError):
    """A write asked of a data home opened for reading only (exit 2, as a home that cannot
    be used): nothing was saved."""


# What a folder the user may not write says when written to (a read-only mount, no permission).
_READ_ONLY_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


@dataclass(frozen=True)
class DataHome:
    root: Path
    read_only: bool = False  # it exists and cannot be written: opened for reading (search, show, export)

    def read_only_notice(self) -> str:
        return (f"the data home {self.root} is read-only: opened for reading (search, show, list, export "
                f"to a folder you choose); nothing is saved in it")

    def refuse_write(self, what: str = "the change") -> None:
        """ReadOnlyHome naming the home when it is read-only; nothing otherwise."""
        if self.read_only:
            raise ReadOnlyHome(read_only_refusal(self.root, what), path=self.root)

    @property
    def library(self) -> Path:
        return self.root / "library"

    @property
    def imported(self) -> Path:
        return self.library / "imported"

    @property
    def reports(self) -> Path:
        return self.library / "reports"

    @property
    def lessons(self) -> Path:
        return self.library / "lessons"

    @property
    def records(self) -> Path:
        return self.library / "records"

    @property
    def incidents(self) -> Path:
        """Resolved incidents as searchable documents (kbapp.incidents.knowledge); created
        on first use, not here: a missing folder means "never filled" (the backfill)."""
        return self.library / "incidents"

    @property
    def drill_reports(self) -> Path:
        return self.root / "drills"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def database(self) -> Path:
        return self.root / "kbapp.sqlite3"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    def database_url(self) -> str:
        return os.environ.get(ENV_DB) or f"sqlite:///{self.database}"


def default_home_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("kbapp", appauthor=False))


def resolve_home(explicit: str | os.PathLike | None = None) -> DataHome:
    """``--home DIR``, else ``$KBAPP_HOME``, else the platform's user data folder.

    The folder is created when missing and checked for writing; anything in the way
    becomes one HomeError with a readable message. A folder that exists and cannot be
    written (no permission, a read-only mount) opens for reading: ``read_only``, nothing created.
    """
    raw = explicit if explicit is not None else os.environ.get(ENV_HOME)
    root = Path(raw).expanduser() if raw else default_home_path()
    root = root.absolute()
    if root.exists() and not root.is_dir():
        raise HomeError(f"data home {root} is a file, not a folder; choose another with --home")
    home = DataHome(root)
    refuse_network_folder(root, "data home")
    writable = False  # known once a probe file was written
    if root.is_dir():
        try:
            probe_write(root)
            writable = True
        except OSError as exc:
            if exc.errno in _READ_ONLY_ERRNOS:
                return DataHome(root, read_only=True)
            # anything else is told below, with what it was doing
    try:
        for folder in (root, home.library, home.imported, home.reports, home.lessons, home.index):
            folder.mkdir(parents=True, exist_ok=True)
        if not writable:  # (a folder just made, or a probe that failed for another reason)
            probe_write(root)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = exc.filename or root
        raise HomeError(f"data home {root} cannot be used: {reason} ({where})") from None
    return home


def read_only_refusal(root: Path, what: str = "the change") -> str:
    return (f"the data home {root} is read-only: {what} was not saved. Open a copy of it you can write "
            f"(--home DIR), or ask for write access")


def probe_write(root: Path) -> None:
    """Create and remove an empty file in ``root``; the OSError when that is not possible."""
    probe = root / f".write-test-{os.urandom(8).hex()}"  # (uuid is slow to import)
    probe.write_bytes(b"")
    probe.unlink()


def sqlite_read_only_uri(database: Path) -> str:
    """An SQLite URI that reads ``database`` and writes nothing beside it: ``mode=ro``, and
    ``immutable=1`` when it has no -wal file (nobody is writing it; no -shm is needed)."""
    wal = database.with_name(database.name + "-wal")
    return database.absolute().as_uri() + "?mode=ro" + ("" if wal.exists() else "&immutable=1")
