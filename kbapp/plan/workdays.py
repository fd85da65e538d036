"""Working days in mainland China: weekends and public holidays off, make-up workdays on.

The calendar is the ``holidays`` package's China calendar (statutory holidays, the days
off moved into a holiday block, and the weekend days that are worked instead, 调休上班).
The State Council announces each year's arrangement in the autumn before; a year the
installed ``holidays`` does not know yet is computed from its rules (fixed and lunar
holidays), without that year's make-up workdays: keep ``holidays`` current.

Used for the size of a new requirement (plan ch. 3.2.1: "two weeks of work" is taken as
10 working days) and for the planned finish of a change that has started.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

TWO_WEEKS = 10  # working days: the plan's "两周内的工作量"


@functools.lru_cache(maxsize=64)
def _calendar(year: int) -> Any:
    import holidays

    return holidays.country_holidays("CN", years=year)


def is_working_day(day: dt.date) -> bool:
    cal = _calendar(day.year)
    return bool(cal.is_working_day(day))


def holiday_name(day: dt.date) -> str:
    """The holiday's name, '' on an ordinary day or weekend."""
    return str(_calendar(day.year).get(day) or "")


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days from ``first`` to ``last``, both included; 0 when ``last`` is before ``first``."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day on which ``days`` working days starting on ``start`` end (``start`` counts
    when it is a working day); ``start`` itself for 0."""
    if days <= 0:
        return start
    day, left = start, days
    while True:
        if is_working_day(day):
            left -= 1
            if left == 0:
                return day
        day += dt.timedelta(days=1)
