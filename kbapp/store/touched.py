"""What a write session touched, noted after each flush and reported once it commits.

Installed on the store's write sessions beside the change log (kbapp.store.changelog):
after every flush the tables of the new, changed and deleted rows, the incidents they
belong to and the ids of the actions added go into ``session.info``; bulk statements
(``session.execute(update(...))``) add their table. :func:`take` hands them over after
the commit as a :class:`kbapp.opchanges.OpChanges`; an attempt that rolls back drops them
(kbapp.store.db runs both).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kbapp.opchanges import OpChanges

if TYPE_CHECKING:
    from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

_KEY = "kbapp_touched"
_SOME = "kbapp_touched_some_incidents"


def _notes(session: Session) -> tuple[set[str], set[int], set[int]]:
    notes = session.info.get(_KEY)
    if notes is None:
        notes = session.info[_KEY] = (set(), set(), set())
    return notes


def _after_flush(session: Session, _context: object) -> None:
    tables, incidents, actions = _notes(session)
    for objects in (session.new, session.dirty, session.deleted):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None:
                continue
            tables.add(table)
            if table == "incidents":
                if obj.id is not None:
                    incidents.add(obj.id)
            elif isinstance(getattr(obj, "incident_id", None), int):
                incidents.add(obj.incident_id)
            if table == "actions" and obj.id is not None:
                actions.add(obj.id)


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if name:
            _notes(state.session)[0].add(name)
            if name in ("incidents", "actions"):  # which incidents a bulk statement touched is not known
                state.session.info[_SOME] = True


def take(session: Session) -> OpChanges:
    """What the session touched since the last take, as OpChanges (and forget it)."""
    notes: Any = session.info.pop(_KEY, None)
    some = bool(session.info.pop(_SOME, False))
    if notes is None:
        return OpChanges(some_incidents=some)
    tables, incidents, actions = notes
    return OpChanges(frozenset(tables), frozenset(incidents), frozenset(actions), some_incidents=some)


def install(target: sessionmaker) -> None:
    """Note what the sessions ``target`` makes touch."""
    from sqlalchemy import event

    event.listen(target, "after_flush", _after_flush)
    event.listen(target, "do_orm_execute", _on_execute)
