"""The change log (team_models.ChangeLogRow), filled as a side effect of every flush.

After each flush of a write session, the rows another desk must copy into its library
(reports, lessons, problem records, approved playbook versions, imported documents, and
incidents whose solved state may have changed) each add an entry ``(kind, ref)``. No
service has to remember to do it, and the entry commits or rolls back with the write.

The ids are a cursor only if they appear in commit order: on PostgreSQL two transactions
may take ids 5 and 6 and commit 6 first, and a desk that read 6 would skip 5 for ever.
So a transaction that logs a change first takes one transaction-scoped advisory lock:
change-logging transactions commit one after the other (they are short: a report, a
lesson), and a desk that has seen id N has seen every id below it. SQLite's writers are
serialised by its write lock already.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from kbapp.store.models import IncidentRow, LessonRow, ReportRow
from kbapp.store.records_models import ProblemRecordRow
from kbapp.store.team_models import ChangeLogRow, PlaybookVersionRow, SharedDocumentRow

if TYPE_CHECKING:
    from typing import Any

    from sqlalchemy.orm import SessionTransaction, sessionmaker

ADVISORY_LOCK_KEY = 7_140_014  # any constant; the same for every desk
_BY_ID = {ReportRow: "report", LessonRow: "lesson", ProblemRecordRow: "record", SharedDocumentRow: "document"}
_LOCKED = "kbapp_change_log_locked"
_SOLVED = ("resolved", "report_submitted", "closed")


def _entry(obj: Any, new: bool) -> tuple[str, str] | None:
    kind = _BY_ID.get(type(obj))
    if kind is not None:
        return kind, str(obj.id)
    if isinstance(obj, PlaybookVersionRow):
        return "playbook", obj.playbook_id
    if isinstance(obj, IncidentRow) and not new:
        # Solved, or just moved (reopened: the other desks take its document out again).
        moved = sa_inspect(obj).attrs.status.history.has_changes()
        if moved or (obj.mode == "incident" and obj.status in _SOLVED and obj.resolved_at is not None):
            return "incident", str(obj.id)
    return None


def after_flush(session: Session, _context: object) -> None:
    entries: list[tuple[str, str]] = []
    for obj in session.new:
        entry = _entry(obj, True)
        if entry is not None:
            entries.append(entry)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            entry = _entry(obj, False)
            if entry is not None:
                entries.append(entry)
    if not entries:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql" and not session.info.get(_LOCKED):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
        session.info[_LOCKED] = True
    now = dt.datetime.now(dt.UTC)
    unique = list(dict.fromkeys(entries))
    conn.execute(insert(ChangeLogRow), [{"kind": k, "ref": r, "at": now} for k, r in unique])


def after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_LOCKED, None)


def install(target: sessionmaker) -> None:
    """Fill the change log from the sessions ``target`` (a sessionmaker) makes."""
    from sqlalchemy import event

    event.listen(target, "after_flush", after_flush)
    event.listen(target, "after_transaction_end", after_transaction_end)
