"""The knowledge base's service figures and monthly service report (kbapp.reports.metrics,
kbapp.reports.service_report): part of the facade, kept in a module of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.facade import _BuildLock
    from kbapp.incidents.service import IncidentService
    from kbapp.read_only_home import Scratch
    from kbapp.reports.metrics import MissedDeadline
    from kbapp.reports.service_report import ServiceReport
    from kbapp.store.db import Store
    from kbapp.training import Training


class MetricsReads:
    """Reads of the metrics; the facade (kbapp.facade.KnowledgeBase) supplies the parts below."""

    if TYPE_CHECKING:
        _lock: _BuildLock
        _scratch: Scratch | None
        _metrics_copy: Store | None

        @property
        def store(self) -> Store: ...

        @property
        def incidents(self) -> IncidentService: ...

        @property
        def training(self) -> Training: ...

    def _metrics_read(self, fn: Callable[[Session], Any], tz: dt.tzinfo | None) -> Any:
        """``fn`` in one read, once the metrics' facts are brought up to date with the log
        (step by step, each step a write of its own: kbapp.reports.metrics.bring_up_to_date)."""
        from kbapp.reports import metrics

        store = self._metrics_store()
        metrics.bring_up_to_date(store.write, tz)
        return store.read(fn)

    def _metrics_store(self) -> Store:
        """The database the figures are derived in. A read-only home's is a copy in its
        scratch folder, made on first use: the facts derived from the log are written
        there, never into the home (figures as of that copy)."""
        store = self.store
        if store.read_only_home is None or self._scratch is None:
            return store
        with self._lock:
            if self._metrics_copy is None:
                from kbapp.store.db import Store, backup_sqlite_file, sqlite_path

                database = sqlite_path(store.url)  # the home's file (a migrated copy's url names it too)
                if database is None:
                    return store  # a team server: refused as any write
                copy = backup_sqlite_file(database, self._scratch.path, label="metrics", read_only=True)
                self._metrics_copy = Store.open(f"sqlite:///{copy}", backup_dir=None)
            return self._metrics_copy

    def metrics(self, start: dt.datetime | None = None, end: dt.datetime | None = None, *,
                customer: str | None = None, now: dt.datetime | None = None,
                tz: dt.tzinfo | None = None, missed: bool = True) -> dict[str, Any]:
        """The service figures of the incidents notified in [start, end) (kbapp.reports.metrics)."""
        from kbapp.reports import metrics

        at, period = now or self.incidents.now(), metrics.Period(start, end, customer)
        return self._metrics_read(lambda s: metrics.figures(s, at, period, missed=missed), tz)

    def metrics_distribution(self, start: dt.datetime | None = None, end: dt.datetime | None = None, *,
                             customer: str | None = None,
                             tz: dt.tzinfo | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counted incidents per time-to-respond and time-to-resolve bin (kbapp.reports.metrics)."""
        from kbapp.reports import metrics

        return self._metrics_read(lambda s: metrics.distribution(s, metrics.Period(start, end, customer)), tz)

    def missed_deadlines(self, key: str, start: dt.datetime | None = None, end: dt.datetime | None = None, *,
                         customer: str | None = None, level: str | None = None, month: str | None = None,
                         category: str | None = None, now: dt.datetime | None = None,
                         tz: dt.tzinfo | None = None) -> list[MissedDeadline]:
        """The incidents behind one bar of the metrics that missed deadline ``key``, each with why."""
        from kbapp.reports import metrics

        at, period = now or self.incidents.now(), metrics.Period(start, end, customer)

        def read(s: Session) -> list[MissedDeadline]:
            ids = metrics.missed_ids(s, at, key, period, level=level, month=month, category=category)
            return metrics.explain_missed(s, at, key, ids)

        return self._metrics_read(read, tz)

    def service_report(self, customer: str, month: str, *, now: dt.datetime | None = None,
                       tz: dt.tzinfo | None = None) -> ServiceReport:
        """The monthly service report of ``customer`` for ``YYYY-MM`` (kbapp.reports.service_report);
        ``.markdown(suggestions)`` renders it, redacted. Figures, misses and incidents come from one read."""
        from kbapp.reports import metrics
        from kbapp.reports import service_report as sr

        start, end = metrics.month_bounds(month, tz)
        at, period = now or self.incidents.now(), metrics.Period(start, end, customer)

        def read(s: Session) -> ServiceReport:
            report = sr.ServiceReport(customer, month, start, end, at, metrics.figures(s, at, period), tz=tz)
            report.missed = [m for key in sr.PROMISES
                             for m in metrics.explain_missed(s, at, key, metrics.missed_ids(s, at, key, period))]
            sr.collect(s, report, at)
            return report

        report = self._metrics_read(read, tz)
        items = self.training.inspections.items
        report.inspections = [sr.with_items(line, items(line.id)) for line in report.inspections]
        return report

