"""The knowledge base's service figures and monthly service report (kbapp.reports.metrics,
kbapp.reports.service_report): part of the facade, kept in a module of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.incidents.service import IncidentService
    from kbapp.reports.metrics import MissedDeadline
    from kbapp.reports.service_report import ServiceReport
    from kbapp.store.db import Store
    from kbapp.training import Training


class MetricsReads:
    """Reads of the metrics; the facade (kbapp.facade.KnowledgeBase) supplies the parts below."""

    if TYPE_CHECKING:
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

        metrics.bring_up_to_date(self.store.write, tz)
        return self.store.read(fn)

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

