"""Training on top of the incident runner: drills, training packs and inspections (巡检).

Qt-free, like kbapp.incidents. Drills and inspections are incident rows with another
``mode``, so they reuse the runner, the decisions and the append-only log, while
IncidentService keeps them out of incident lists, metrics and deadlines. The CLI and
the GUI reach everything through ``kb.training``.
"""

from __future__ import annotations

import threading


class Training:
    """``kb.training``: the drill and inspection services, made on first use."""

    def __init__(self, kb):
        self.kb = kb
        self._lock = threading.Lock()
        self._drills = None
        self._inspections = None

    @property
    def drills(self):
        from kbapp.training.drills import DrillService

        with self._lock:
            if self._drills is None:
                self._drills = DrillService(self.kb)
            return self._drills

    @property
    def inspections(self):
        from kbapp.training.inspections import InspectionService

        with self._lock:
            if self._inspections is None:
                self._inspections = InspectionService(self.kb)
            return self._inspections

    def pack(self, playbook_ids, *, include_lessons: bool = False, **options):
        """The training pack's sections (kbapp.training.packs.PackSection) for these playbooks."""
        from kbapp.training.packs import pack_for

        return pack_for(self.kb, list(playbook_ids), include_lessons=include_lessons, **options)


__all__ = ["Training"]
