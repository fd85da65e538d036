"""How the metrics read to people, and their months: plain functions, without the store
(the window's Metrics page imports them at start; kbapp.reports.metrics needs SQLAlchemy)."""

from __future__ import annotations

import datetime as dt


def format_rate(rate: float | None) -> str:
    """A share as people read it: "50%", or "—" when nothing was decided (never 0 % or 100 %)."""
    return "—" if rate is None else f"{rate:.0%}"


def format_seconds(seconds: float | None) -> str:
    """A time to respond or resolve: minutes up to 1.5 h, hours up to 3 days, then days."""
    if seconds is None:
        return "—"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_start(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """Midnight of the first of ``day``'s month in ``tz`` (the machine's zone, DST included, when None)."""
    naive = dt.datetime.combine(day.replace(day=1), dt.time())
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
