"""Which escalations are due for an incident at ``now``: pure, with an injected clock.

DOMAIN.md ch. 5.1.5 / 6.4: "if it is not answered in time for whatever reason, the
problem is passed up automatically, level by level, to the responsible person's
superior, until the user's problem is solved". Read as:

- step 0, **amber**: a deadline turning amber is told to the responsible person (the
  first person of the chain path), so they can still meet it;
- step 1, **missed**: one second past the due time, the responsible person's superior;
- each ``interval`` after that, one level higher, up to the top of the chain;
- it goes on after a late acknowledgement and stops only when the fault is solved
  (the resolution is met), or for the fault report when the report is submitted;
- each step is due once per deadline: the caller claims ``(incident, deadline, step)``
  so that no step is logged or sent twice. A watcher that was not running catches up:
  every level reached by now is told once; a stale amber warning is not sent once the
  deadline has passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kbapp.incidents import deadlines as dl
from kbapp.incidents.escalation import Person

AMBER = "amber"
MISSED = "missed"


@dataclass(frozen=True)
class DueEscalation:
    deadline: dl.Deadline
    step: int  # 0 = the amber warning to the responsible person; n = n levels up
    person: Person
    reason: str  # AMBER or MISSED


def due_escalations(deadlines: list[dl.Deadline], path: list[Person], now: dt.datetime,
                    interval: dt.timedelta = dl.ESCALATION_INTERVAL) -> list[DueEscalation]:
    """Every escalation step reached by ``now`` (claimed or not), for one incident."""
    dl.aware(now, "now")
    if not path:
        return []
    by_key = {d.key: d for d in deadlines}
    resolution = by_key.get(dl.RESOLUTION)
    solved_at = resolution.met_at if resolution is not None else None
    due: list[DueEscalation] = []
    for deadline in deadlines:
        if deadline.stopped_at is not None:
            continue  # closed: nothing left to escalate
        stop = deadline.met_at if deadline.key == dl.REPORT else solved_at
        if stop is not None and stop <= now:
            continue  # solved (or the report is in): escalation has done its job
        if deadline.state == dl.CLOSE:
            due.append(DueEscalation(deadline, 0, path[0], AMBER))
            continue
        if deadline.state == dl.MET and not deadline.late:
            continue
        steps = dl.escalation_steps(deadline.due_at, now, stop, interval=interval, chain_length=len(path) - 1)
        due += [DueEscalation(deadline, k, path[k], MISSED) for k in range(1, steps + 1)]
    return due
