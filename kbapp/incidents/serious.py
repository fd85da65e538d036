"""Serious problems reported at once (重大问题及时汇报, plan ch. 4.2, 4.3, 8).

A Level I or II incident tells the person in charge (负责人) when it is logged, or when
its level is raised to I or II, over the escalation channels: an ``escalation`` action
with reason ``serious`` in its log and a message in the notification outbox (e-mail to
their address, the group robots of notify.toml), both in the same transaction as the
incident or the level change. The person in charge is the superior of the responsible
person in the escalation chain (the first person, on duty, stands in for a responsible
person missing from it); the top of the chain tells themself nobody, so they are told.

Each incident is reported once (the claim is unique on incident, ``serious`` and the
step). When the chain is empty or notify.toml cannot be read, nothing is claimed at
that moment; the deadline watcher (the window, ``kbapp watch``) catches up on its next
pass, so a serious incident logged before the team set its chain up is still reported.
Drills and inspections are never reported.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.escalation import EscalationChain, Person
from kbapp.incidents.export import format_time
from kbapp.notify.channels import Message
from kbapp.notify.config import NotifyConfig
from kbapp.store.models import IncidentRow
from kbapp.store.notify_models import EscalationRow

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.service import IncidentService

SERIOUS = "serious"
ACTOR = "kbapp"  # the log's actor for what kbapp did by itself (as for automatic escalation)
SERIOUS_LEVELS = ("I", "II")
LEVEL_NAMES = {"I": ("紧急", "urgent"), "II": ("严重", "serious")}


def person_in_charge(chain: EscalationChain, responsible: str) -> tuple[Person | None, int]:
    """(who is told, their step up the chain path); (None, 0) with an empty chain."""
    path, _warning = chain.escalation_path(responsible)
    if not path:
        return None, 0
    step = 1 if len(path) > 1 else 0
    return path[step], step


def needs_report(row: IncidentRow) -> bool:
    return row.mode == itypes.MODE_INCIDENT and row.level in SERIOUS_LEVELS and row.status != lc.CLOSED


def serious_message(row: IncidentRow, person: Person, step: int, now: dt.datetime) -> Message:
    """No description and no notes (they may hold secrets); redacted again by the outbox."""
    zh, en = LEVEL_NAMES.get(row.level, ("", ""))
    subject = f"[kbapp] 重大问题 故障 #{row.id} {row.level} 级{zh} / Serious incident #{row.id} level {row.level}"
    lines = [f"故障 Incident #{row.id} [{row.level} {zh} {en}]: {row.title}",
             f"登记 Logged: {format_time(row.created_at)} by {row.created_by}",
             f"负责人 Responsible: {row.responsible or '—'}",
             f"汇报 To: {person.name}{' (' + person.phone + ')' if person.phone else ''} — "
             "重大问题及时汇报 serious problem reported at once",
             f"kbapp incident show {row.id}"]
    fields = {"event": SERIOUS, "incident_id": row.id, "title": row.title, "level": row.level,
              "status": row.status, "responsible": row.responsible, "category": row.category,
              "person": person.name, "role": person.role, "phone": person.phone, "step": step, "reason": SERIOUS,
              "sent_at": now.isoformat()}
    return Message(subject, "\n".join(lines), fields, (person.phone,) if person.phone else ())


def report_in(svc: IncidentService, s: Session, row: IncidentRow, now: dt.datetime, *, actor: str,
              chain: EscalationChain | None, config: NotifyConfig | None) -> itypes.Action | None:
    """Report ``row`` inside the caller's transaction; None when it needs none, was
    reported already, or nobody can be told yet."""
    if not needs_report(row) or chain is None or config is None:
        return None
    person, step = person_in_charge(chain, row.responsible)
    if person is None:
        return None
    claim = EscalationRow(incident_id=row.id, deadline_key=SERIOUS, step=step, person=person.name, at=now)
    try:
        with s.begin_nested():
            s.add(claim)
            s.flush()
    except IntegrityError:
        return None  # reported already (by this process, the watcher or another desk)
    payload = {"step": step, "deadline": "", "reason": SERIOUS, "to": person.name, "role": person.role,
               "phone": person.phone, "auto": True, "level": row.level}
    action = svc._append(s, row, itypes.ESCALATION, actor=actor, at=now,
                                  details="重大问题及时汇报 serious problem reported at once", payload=payload)
    claim.action_id = action.id
    from kbapp.notify.outbox import Recipient

    if not getattr(svc.kb, "is_desk_copy", False):  # a desk's copy: the server reports it when it has it
        svc.kb.notifications.enqueue_in(s, row.id, SERIOUS, step,
                                        [Recipient(person.name, person.email, person.phone)],
                                        serious_message(row, person, step, now), config, now)
    return action


def catch_up(kb: KnowledgeBase, incident_id: int, now: dt.datetime, chain: EscalationChain, config: NotifyConfig
             ) -> itypes.Action | None:
    """The watcher's pass: report a serious incident that could not be reported when it
    was logged (no chain or no readable notify.toml then)."""
    def work(s: Session) -> itypes.Action | None:
        row = s.get(IncidentRow, incident_id, with_for_update=True)
        if row is None:
            return None
        return report_in(kb.incidents, s, row, now, actor=ACTOR, chain=chain, config=config)

    return kb.store.write(work)


def load_channels(svc: IncidentService) -> tuple[EscalationChain | None, NotifyConfig | None]:
    """The chain and notify.toml of the incident service's knowledge base, or None for the
    one that cannot be read (the watcher warns about it); (None, None) for a knowledge base
    without a data home or an outbox (a bare one in a test)."""
    from kbapp.incidents.escalation import EscalationError
    from kbapp.notify.config import NotifyConfigError

    if getattr(svc.kb, "home", None) is None or getattr(svc.kb, "notifications", None) is None:
        return None, None
    try:
        chain = svc.chain()
    except EscalationError:
        chain = None
    try:
        config = svc.kb.notifications.config()
    except NotifyConfigError:
        config = None
    return chain, config
