"""``kbapp backup`` and ``kbapp restore``: a full copy of the data home (the SQLite database
through its online backup API, and the library), and putting one back (kbapp.store.backups).

Exit 0 done; 1 a restore refused (the live database works: ``--force``) or no such backup;
2 the database or a file cannot be used. Backups are of the local SQLite database: with a
team server (``--db postgresql://…``) both say so and exit 2; back the server up there.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit as _emit

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase


def register(subparsers: Subparsers) -> None:
    p = _add(subparsers, "backup", _backup, "copy the database (online, while others write) and the library "
                                            "into backups/ or --to DIR")
    p.add_argument("--to", metavar="DIR", type=Path, help="the folder to put the backup in (default: the home's backups/)")
    p = _add(subparsers, "restore", _restore, "put a backup back: the database and the library files it holds "
                                              "(default: the newest in backups/)")
    p.add_argument("backup", nargs="?", metavar="BACKUP", help="a backup folder or .sqlite3 copy, or its name in backups/")
    p.add_argument("--force", action="store_true",
                   help="overwrite a database that works (it is backed up first)")
    p.add_argument("--start-empty", action="store_true",
                   help="no restore: begin with an empty database where one was lost (the lost file is moved "
                        "to backups/)")
    p.add_argument("--list", action="store_true", help="list the backups in backups/, newest first")


def _backup(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    result = kb.backup(args.to)
    if args.json:
        _emit({"path": str(result.backup.path), "files": result.files, "bytes": result.size,
               "seconds": round(result.seconds, 3)})
    else:
        print(f"backed up to {result.backup.path}: the database and {result.files} library file(s), "
              f"{result.size / 1e6:.1f} MB in {result.seconds:.2f} s")
    return 0


def _restore(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from kbapp.store.backups import list_backups

    if args.list:
        backups = list_backups(kb.home.backups)
        if args.json:
            _emit([{"path": str(b.path), "made_at": b.made_at.isoformat(), "label": b.label, "library": b.full}
                   for b in backups])
        for b in [] if args.json else backups:
            print(f"{b.made_at:%Y-%m-%d %H:%M:%S} UTC  {b.label or '-':<14} "
                  f"{'database + library' if b.full else 'database only'}  {b.path}")
        return 0
    if args.start_empty:
        kb.start_empty()
        print(f"started an empty database at {kb.database_file}; the lost file is kept in {kb.home.backups}")
        return 0
    result = kb.restore(args.backup, force=args.force)
    if args.json:
        _emit({"backup": str(result.backup.path), "database": str(result.database), "incidents": result.incidents,
               "files_restored": result.files_restored, "files_unchanged": result.files_unchanged,
               "kept_newer": result.kept_newer, "orphaned": [o.to_json() for o in result.orphaned],
               "replaced_to": str(result.replaced_to) if result.replaced_to else None,
               "safety_backup": str(result.safety_backup) if result.safety_backup else None})
        return 0
    print(f"restored {result.database} from {result.backup.path}"
          + (f": {result.incidents} incident(s)" if result.incidents is not None else ""))
    if result.backup.full:
        print(f"library: {result.files_restored} file(s) put back, {result.files_unchanged} unchanged, "
              f"{result.kept_newer} newer than the backup kept")
    if result.orphaned:
        print(f"{len(result.orphaned)} of the files kept belong to what the restored database does not have: they "
              f"are still found by a search but are in no list (report list, lessons, records, incidents); move "
              f"them out of the library if they should not be found:")
        for orphan in result.orphaned:
            print(f"  {orphan}")
    if result.replaced_to:
        print(f"the live files it replaced are in {result.replaced_to}")
    if result.safety_backup:
        print(f"the database it overwrote is in {result.safety_backup}")
    return 0
