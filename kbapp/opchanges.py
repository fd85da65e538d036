"""What a write changed (after Anki's ``OpChanges``), so each screen refreshes only what it shows.

A write does not have to say what it changed: the store notes, after every flush of a
write session, the tables it touched and the incidents whose row or log it touched
(kbapp.store.touched), and when the transaction commits it adds them to the changes
being collected on that thread. The window's operation runner collects around each
job on its write and background lanes (:func:`collecting`) and hands the result, an
:class:`OpChanges`, to every screen; a screen asks the questions below and reloads, in
one read, only what it shows.

Writes made elsewhere (another process, another window, a team sync) arrive the same
way: kbapp.store.change_marker turns what it sees in the database into an OpChanges.
Standard library only: the core, the command line and the window all use it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# Table names by what a screen shows (kbapp/store/*_models.py).
INCIDENT_TABLES = frozenset({"incidents", "incident_playbooks", "actions", "escalations", "notifications"})
REPORT_TABLES = frozenset({"reports"})
LESSON_TABLES = frozenset({"lessons"})
PLAYBOOK_CHANGE_TABLES = frozenset({"playbook_changes", "playbook_versions"})
RECORD_TABLES = frozenset({"problem_records", "record_transitions"})
CHANGE_REQUEST_TABLES = frozenset({"change_requests", "change_events"})
PLAN_TABLES = frozenset({"visit_plans", "visits", "visit_issues", "inspection_plans", "inspection_runs",
                         "backup_checks"})
CUSTOMER_TABLES = frozenset({"customers", "customer_systems"})
METRICS_TABLES = frozenset({"incident_facts", "incident_fact_playbooks", "incident_step_outcomes", "metrics_state"})
# Bookkeeping only: no screen shows them.
QUIET_TABLES = frozenset({"staged_files", "change_log"})


@dataclass(frozen=True)
class OpChanges:
    """What one write (or several, merged with ``|``) changed.

    ``tables``: the database tables written; ``incident_ids``: the incidents whose row or
    action log changed (``None`` inside means "some incidents, not known which");
    ``action_ids``: the actions added (so a watcher can tell its own writes from others');
    ``library``: the library's documents (the index) changed; ``external``: the change was
    made elsewhere and is known only roughly, so screens of uncertain kinds reload too.
    """

    tables: frozenset[str] = frozenset()
    incident_ids: frozenset[int] = frozenset()
    action_ids: frozenset[int] = frozenset()
    library: bool = False
    external: bool = False
    some_incidents: bool = False  # incidents changed, which ones not known (reload whatever is shown)

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(self.tables | other.tables, self.incident_ids | other.incident_ids,
                         self.action_ids | other.action_ids, self.library or other.library,
                         self.external or other.external, self.some_incidents or other.some_incidents)

    def __bool__(self) -> bool:
        return bool(self.tables - QUIET_TABLES or self.incident_ids or self.library or self.external
                    or self.some_incidents)

    def _touches(self, tables: frozenset[str]) -> bool:
        return bool(self.tables & tables)

    # -- the questions screens ask --------------------------------------------------------------
    @property
    def incidents(self) -> bool:
        """The incident list (new incidents, status, level, counts) may have changed."""
        return self._touches(INCIDENT_TABLES) or bool(self.incident_ids) or self.some_incidents

    def incident(self, incident_id: int | None) -> bool:
        """Incident ``incident_id``'s header, playbook runs or timeline may have changed."""
        return incident_id is not None and (incident_id in self.incident_ids or self.some_incidents)

    @property
    def reports(self) -> bool:
        return self._touches(REPORT_TABLES)

    @property
    def lessons(self) -> bool:
        return self._touches(LESSON_TABLES)

    @property
    def playbook_changes(self) -> bool:
        return self._touches(PLAYBOOK_CHANGE_TABLES)

    @property
    def records(self) -> bool:
        """Problem records (问题记录) and their transitions."""
        return self._touches(RECORD_TABLES)

    @property
    def change_requests(self) -> bool:
        return self._touches(CHANGE_REQUEST_TABLES) or self.external

    @property
    def plans(self) -> bool:
        """Visits, inspection plans, their runs and backup checks."""
        return self._touches(PLAN_TABLES) or self.external

    @property
    def customers(self) -> bool:
        return self._touches(CUSTOMER_TABLES) or self.external

    @property
    def metrics(self) -> bool:
        """The figures may be out of date (not by the metrics' own fact tables: computing
        the figures writes those, and must not ask for itself again)."""
        return self.incidents

    @classmethod
    def of_tables(cls, tables: Iterable[str], incident_ids: Iterable[int] = (),
                  action_ids: Iterable[int] = ()) -> OpChanges:
        return cls(frozenset(tables), frozenset(incident_ids), frozenset(action_ids))


NOTHING = OpChanges()
LIBRARY = OpChanges(library=True)


@dataclass
class _Collector:
    changes: OpChanges = field(default_factory=OpChanges)


_local = threading.local()


@contextmanager
def collecting() -> Iterator[_Collector]:
    """Collect what the writes on this thread commit until the block ends (nests)."""
    outer = getattr(_local, "collector", None)
    box = _Collector()
    _local.collector = box
    try:
        yield box
    finally:
        _local.collector = outer
        if outer is not None:
            outer.changes = outer.changes | box.changes


def record(changes: OpChanges) -> None:
    """Add committed ``changes`` to what this thread is collecting (nothing if it is not)."""
    box = getattr(_local, "collector", None)
    if box is not None:
        box.changes = box.changes | changes
