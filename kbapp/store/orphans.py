"""After a restore: the library files newer than the backup that name what the restored
database does not have.

A restore puts the backup's database back and keeps the library files the backup does
not hold (written after it: a report, a lesson, a problem record, a past incident's
document). Those files stay searchable, but the report, lesson, record or incident they
belong to is not in the restored database, so ``kbapp report list`` (and the window's
lists) would not show what a search finds. :func:`orphaned_files` names them, each with
what is missing, for the restore to say; nothing is moved or deleted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Orphan:
    path: Path  # the library file, relative to the library folder
    doc_id: str
    missing: str  # what the restored database lacks, in words

    def to_json(self) -> dict[str, str]:
        return {"path": self.path.as_posix(), "id": self.doc_id, "missing": self.missing}

    def __str__(self) -> str:
        return f"library/{self.path.as_posix()}: {self.doc_id}: {self.missing}"


def orphaned_files(database: Path, library: Path, kept: Iterable[Path]) -> list[Orphan]:
    """Of the library files ``kept`` (relative to ``library``), those whose document is a
    report, lesson, problem record or past incident the ``database`` does not hold."""
    from kbapp.library import id_hint, reserved_id
    from kbapp.parser import parse_file

    known = _known(database)
    found = []
    for rel in sorted(kept):
        if rel.suffix.lower() != ".md":
            continue
        doc, _ = parse_file(library / rel, doc_id_hint=id_hint(library / rel, library))
        if doc is None or reserved_id(doc.id) is None:
            continue
        kind, _, number = doc.id.partition("-")
        missing = _missing(kind, doc.id, int(number), known)
        if missing:
            found.append(Orphan(rel, doc.id, missing))
    return found


def _missing(kind: str, doc_id: str, number: int, known: dict[str, set]) -> str:
    if kind == "report" and doc_id not in known["reports"]:
        return f"the report of incident #{number} is not in the restored database"
    if kind == "lesson" and doc_id not in known["lessons"]:
        return f"lesson #{number} is not in the restored database"
    if kind == "record" and number not in known["records"]:
        return f"problem record #{number} is not in the restored database"
    if kind == "incident" and number not in known["incidents"]:
        return f"incident #{number} is not in the restored database"
    return ""


def _known(database: Path) -> dict[str, set]:
    queries = {"reports": "SELECT doc_id FROM reports", "lessons": "SELECT doc_id FROM lessons",
               "records": "SELECT id FROM problem_records", "incidents": "SELECT id FROM incidents"}
    known: dict[str, set] = {name: set() for name in queries}
    conn = sqlite3.connect(f"{database.absolute().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        for name, query in queries.items():
            try:
                known[name] = {row[0] for row in conn.execute(query)}
            except sqlite3.Error:
                pass  # a table an old backup's schema lacks: nothing of that kind is known
    finally:
        conn.close()
    return known
