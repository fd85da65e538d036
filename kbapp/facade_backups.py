"""The knowledge base's backups, restore and fresh start (kbapp.store.backups): part of
the facade (kbapp.facade.KnowledgeBase), kept in a module of its own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbapp.facade import _BuildLock
    from kbapp.home import DataHome
    from kbapp.store.backups import BackupResult, RestoreResult


class BackupCommands:
    """Backup and restore of the home's SQLite database and library; the facade supplies
    the parts below."""

    if TYPE_CHECKING:
        home: DataHome
        db_url: str
        _lock: _BuildLock

        def _close_store(self) -> None: ...

        def reload_library(self) -> None: ...

    @property
    def database_file(self) -> Path | None:
        """The SQLite file of the database; None for a team server (or in memory)."""
        from kbapp.store.db import sqlite_path

        return sqlite_path(self.db_url)

    def backup(self, to: Path | None = None) -> BackupResult:
        """A full backup of this home: the SQLite database (online) and the library. A
        read-only home is backed up only into a folder outside it (``to``)."""
        from kbapp.store import backups

        database = self._local_database("back up")
        if to is None:
            self.home.refuse_write(f"a backup in {self.home.backups} (choose a folder with --to)")
        return backups.make_backup(self.home, database, to=to)

    def restore(self, name: str | None = None, *, force: bool = False) -> RestoreResult:
        """The backup ``name`` (default: the newest) put back into this home; the store is
        closed first and opens again, migrated, on next use."""
        from kbapp.store import backups

        self.home.refuse_write("the restore")
        database = self._local_database("restore")
        with self._lock:
            self._close_store()
            backup = backups.find_backup(self.home, name)
            result = backups.restore(self.home, backup, database, force=force)
        self.reload_library()
        return result

    def start_empty(self) -> None:
        """The explicit choice to begin with an empty database where one was lost."""
        from kbapp.store import backups

        self.home.refuse_write("an empty database")
        database = self._local_database("start again")
        with self._lock:
            self._close_store()
            backups.start_empty(self.home, database)

    def _local_database(self, what: str) -> Path:
        from kbapp.store.db import StoreError

        database = self.database_file
        if database is None:
            raise StoreError(f"cannot {what} {self.db_url.split('@')[-1]}: backups are of the local SQLite "
                             f"database; a team server is backed up on the server (pg_dump)")
        return database
