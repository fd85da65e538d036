"""The rest of what a team desk keeps of the server: customers and their systems, visit and
inspection plans, visits, backup checks, playbook changes and versions — copied whole into
the desk's copy (kbapp.replica), so that offline the desk can still show a customer's
systems, what is due, and a playbook's versions (kbapp.cli.common answers those commands
from the copy).

These tables are small and written seldom, so a table is copied again whole when it
differs from the server's, found by a digest the server computes (PostgreSQL: a count and
an md5 of the rows' text; the append-only playbook versions: their count and last id).
The window refreshes its copy every few seconds; these are compared at most once a minute
there (:data:`EVERY_S`), at every ``kbapp sync``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text

from kbapp.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.store.db import Store

log = logging.getLogger(__name__)

STATE_FILE = "replica-tables.json"
EVERY_S = 60.0
# Parents before children; "append" tables are never updated (a count and the last id tell).
TABLES: tuple[tuple[str, bool], ...] = (
    ("customers", False), ("customer_systems", False), ("visit_plans", False), ("visits", False),
    ("visit_issues", False), ("inspection_plans", False), ("inspection_runs", False), ("backup_checks", False),
    ("playbook_changes", False), ("playbook_versions", True),
)


def _table(name: str) -> Any:
    from kbapp.store.base import Base

    return Base.metadata.tables[name]


def _digests(s: Session) -> dict[str, str]:
    postgres = s.get_bind().dialect.name == "postgresql"
    out = {}
    for name, append in TABLES:
        table = _table(name)
        if append:
            count, top = s.execute(select(func.count(), func.max(table.c.id)).select_from(table)).one()
            out[name] = f"{count}:{top}"
        elif postgres:
            count, digest = s.execute(text(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {name} t")).one()
            out[name] = f"{count}:{digest}"
        else:  # a server that is not PostgreSQL: the rows themselves
            rows = s.execute(select(table).order_by(table.c.id)).all()
            out[name] = f"{len(rows)}:{hashlib.md5(repr(rows).encode()).hexdigest()}"
    return out


def _read(s: Session, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    return {name: [dict(r._mapping) for r in s.execute(select(_table(name)).order_by(_table(name).c.id))]
            for name in names}


def refresh_tables(server: Store, copy: Store, home_root: Path, server_id: str, *, force: bool = False) -> int:
    """Copy again each table that differs from the server's; returns how many were copied.
    Without ``force``, at most once per :data:`EVERY_S` seconds."""
    path = Path(home_root) / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if state.get("server") != server_id:
            state = {}
    except (OSError, ValueError, AttributeError):
        state = {}
    now = time.time()
    if not force and now - float(state.get("checked_at") or 0) < EVERY_S:
        return 0
    theirs = server.read(_digests)
    ours: dict[str, str] = dict(state.get("digests") or {})
    stale = [name for name, _ in TABLES if theirs.get(name) != ours.get(name)]
    if stale:
        rows = server.read(lambda s: _read(s, stale))

        def work(s: Session) -> None:
            for name in reversed(stale):
                s.execute(_table(name).delete())
            for name in stale:
                if rows[name]:
                    s.execute(_table(name).insert(), rows[name])

        copy.write(work)
        log.info("copied again from the server: %s", ", ".join(stale))
    atomic_write_bytes(path, json.dumps({"server": server_id, "checked_at": now, "digests": theirs}).encode())
    return len(stale)
