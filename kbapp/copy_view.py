"""The knowledge base as a team desk's copy of the server sees it (kbapp.replica): the copy's
store and incidents; reports, lessons, problem records and change requests on the copy
(kbapp.desk_writes); the notifications this desk sends itself, those of the escalations it
made while offline (kbapp.incidents.desk_watch; the server queues all the others); and, for
reading while the server does not answer, customers, visit and inspection plans, drills and
inspections, playbook changes and versions, and the metrics, all on the copy
(kbapp.replica_tables copies their rows). Everything else is the desk's knowledge base
itself (its library, index and home)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kbapp.facade_metrics import MetricsReads
from kbapp.threads import built_once

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase
    from kbapp.store.db import Store


class ServerOnly:
    """The copy's store for what only the server may change (customers, plans, playbook
    changes): read here, never written, since the next refresh would take a write away."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def read(self, fn: Callable[..., Any]) -> Any:
        return self._store.read(fn)

    def write(self, fn: Callable[..., Any]) -> Any:
        from kbapp.store.db import StoreUnreachable

        raise StoreUnreachable("the team server does not answer; this desk's copy of it is only read: "
                               "try again once the server is back")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class CopyView(MetricsReads):
    is_desk_copy = True

    def __init__(self, kb: KnowledgeBase, store: Store) -> None:
        from kbapp.desk_writes import copy_services
        from kbapp.incidents.desk_watch import DeskNotifications

        self._kb, self.store = kb, store  # type: ignore[misc]
        self.incidents: Any = None  # the copy's IncidentService sets itself here
        self.notifications = DeskNotifications(store, self)
        copy_services(self, store)  # reports, lessons, records, change requests on the copy
        self._lock = kb._lock  # (MetricsReads) one build lock per knowledge base
        self._scratch = None  # the copy is the desk's own file: its facts are derived in it
        self._metrics_copy = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)

    def _part(self, name: str, make: Callable[[], Any]) -> Any:
        return built_once(self, f"_{name}", self._lock, make)  # this view's own, never the desk's

    @property
    def customers(self) -> Any:
        from kbapp.plan.customers import CustomerService

        return self._part("customers", lambda: CustomerService(ServerOnly(self.store), self))  # type: ignore[arg-type]

    @property
    def visits(self) -> Any:
        from kbapp.plan.visits import VisitService

        return self._part("visits", lambda: VisitService(ServerOnly(self.store), self))  # type: ignore[arg-type]

    @property
    def inspection_plans(self) -> Any:
        from kbapp.plan.inspection_plans import InspectionPlanService

        return self._part("inspection_plans", lambda: InspectionPlanService(ServerOnly(self.store), self))  # type: ignore[arg-type]

    @property
    def changes(self) -> Any:
        from kbapp.reports.changes import PlaybookChangeService

        return self._part("changes", lambda: PlaybookChangeService(ServerOnly(self.store), self))  # type: ignore[arg-type]

    @property
    def training(self) -> Any:
        from kbapp.training import Training

        return self._part("training", lambda: Training(self))  # type: ignore[arg-type]
