"""Training on top of the incident runner: drills, training packs and inspections (巡检).

Qt-free, like kbapp.incidents. Drills and inspections are incident rows with another
``mode``, so they reuse the runner, the decisions and the append-only log, while
IncidentService keeps them out of incident lists, metrics and deadlines. The CLI and
the GUI reach everything through ``kb.training``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from kbapp.facade import KnowledgeBase
    from kbapp.training.drills import DrillService
    from kbapp.training.inspections import InspectionService
    from kbapp.training.packs import PackSection


class Training:
    """``kb.training``: the drill and inspection services, made on first use."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._lock = threading.Lock()
        self._drills: DrillService | None = None
        self._inspections: InspectionService | None = None

    @property
    def drills(self) -> DrillService:
        from kbapp.training.drills import DrillService

        with self._lock:
            if self._drills is None:
                self._drills = DrillService(self.kb)
            return self._drills

    @property
    def inspections(self) -> InspectionService:
        from kbapp.training.inspections import InspectionService

        with self._lock:
            if self._inspections is None:
                self._inspections = InspectionService(self.kb)
            return self._inspections

    def pack(self, playbook_ids: list[str], *, include_lessons: bool = False, **options: Any) -> list[PackSection]:
        """The training pack's sections (kbapp.training.packs.PackSection) for these playbooks."""
        from kbapp.training.packs import pack_for

        return pack_for(self.kb, list(playbook_ids), include_lessons=include_lessons, **options)


__all__ = ["Training"]
