"""The deadline watcher: escalation that happens when nobody is looking at the incident.

One pass (:meth:`Watcher.run_once`) looks at every open incident, works out which
escalation steps are due (kbapp.incidents.escalating), and for each one not claimed
yet, in one transaction: claims ``(incident, deadline, step)`` in ``escalations``,
logs an escalation action naming the person and their phone, and queues their
notifications (kbapp.notify). Then it sends what is due in the outbox. ``kbapp watch``
runs passes in a loop (or one with ``--once``); the window runs the same passes on a
background thread. Both may run at once: the claims make every step happen once.

On a team desk whose server does not answer, kbapp.incidents.desk_watch runs the same
pass on the desk's copy: each escalation is logged there and kept in the outbox, and
the desk sends its notifications itself (``desk_sends``), so the server, when the
escalation reaches it, records it and sends nothing again.

Qt-free; the clock is injected.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kbapp.incidents import deadlines as dl
from kbapp.incidents import serious
from kbapp.incidents import types as itypes
from kbapp.incidents.base import utc_now
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.escalating import AMBER, DueEscalation, due_escalations
from kbapp.incidents.escalation import EMPTY_CHAIN_WARNING, EscalationChain, EscalationError, Person
from kbapp.incidents.export import format_time
from kbapp.incidents.service import _check_replay
from kbapp.model import LEVELS
from kbapp.notify.channels import Message
from kbapp.notify.config import NotifyConfig, NotifyConfigError, config_path, load_config
from kbapp.notify.outbox import ACTOR, Delivery, Recipient
from kbapp.store.models import ActionRow, IncidentRow
from kbapp.store.notify_models import EscalationRow

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase

MANUAL = "manual"
LEVEL_NAMES = {"I": ("紧急", "urgent"), "II": ("严重", "serious"), "III": ("较严重", "moderate"),
               "IV": ("普通", "ordinary")}
assert set(LEVEL_NAMES) == set(LEVELS)


@dataclass(frozen=True)
class Escalated:
    """One escalation step that this pass (or "Escalate now") logged."""

    incident_id: int
    title: str
    deadline_key: str  # or "manual"
    step: int
    person: Person
    reason: str  # amber, missed or manual
    action_id: int
    summary: str  # "响应 Response: missed by 10 min"
    queued: int  # notifications queued for it
    warning: str = ""


@dataclass(frozen=True)
class Watched:
    incident: itypes.Incident
    deadlines: list[dl.Deadline]

    @property
    def running(self) -> list[dl.Deadline]:
        """Deadlines not met yet (ok, amber or overdue)."""
        return [d for d in self.deadlines if d.state != dl.MET]


@dataclass(frozen=True)
class PassResult:
    at: dt.datetime
    incidents: list[Watched] = field(default_factory=list)
    escalated: list[Escalated] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    offline: bool = False  # a team desk's pass on its own copy: the server did not answer

    @property
    def running(self) -> list[Watched]:
        return [w for w in self.incidents if w.running]


def deadline_summary(deadline: dl.Deadline | None) -> tuple[str, str]:
    if deadline is None:
        return "", ""
    zh, en = dl.describe(deadline)
    return f"{deadline.label_zh} {zh}", f"{deadline.label_en}: {en}"


class Watcher:
    def __init__(self, kb: KnowledgeBase, *, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.kb = kb
        self.clock = clock or utc_now
        self._stop = threading.Event()

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    # -- one pass --------------------------------------------------------------------------------
    def run_once(self, *, deliver: bool = True) -> PassResult:
        now = self.now()
        warnings: list[str] = []
        config, chain = self._config(warnings), self._chain(warnings)
        watched, escalated = self._escalate_due(now, config, chain, warnings)
        deliveries = []
        if deliver and config is not None and not self._stop.is_set():
            deliveries = self.kb.notifications.deliver_due(config=config)
        return PassResult(now, watched, escalated, deliveries, warnings)

    def _config(self, warnings: list[str]) -> NotifyConfig | None:
        try:
            return load_config(config_path(self.kb.home.root))  # the home's file, read afresh; no database
        except NotifyConfigError as exc:
            warnings.append(f"{exc} — nothing is escalated or sent until it is fixed")
            return None

    def watch_interval(self) -> float | None:
        """Seconds between passes as notify.toml says (None when it cannot be read)."""
        config = self._config([])
        return config.watch_interval if config is not None else None

    def _chain(self, warnings: list[str]) -> EscalationChain | None:
        try:
            chain = self.kb.incidents.chain()
        except EscalationError as exc:
            warnings.append(f"{exc} — nothing is escalated until it is fixed")
            return None
        return chain

    def _escalate_due(self, now: dt.datetime, config: NotifyConfig | None, chain: EscalationChain | None,
                      warnings: list[str]) -> tuple[list[Watched], list[Escalated]]:
        svc = self.kb.incidents
        watched, escalated = [], []
        empty_warned = False
        for incident in svc.list_incidents(open_only=True):
            deadlines = svc.deadlines(incident, now)
            watched.append(Watched(incident, deadlines))
            if config is None or chain is None or self._stop.is_set():
                continue
            path, warning = chain.escalation_path(incident.responsible)
            interval = config.escalation_interval
            due = due_escalations(deadlines, path, now, interval)
            if not path and any(d.state in (dl.CLOSE, dl.PASSED) for d in deadlines):
                if not empty_warned:
                    warnings.append(EMPTY_CHAIN_WARNING)
                    empty_warned = True
                continue
            claimed = self._claimed(incident.id)
            if incident.level in serious.SERIOUS_LEVELS and path and not any(k == serious.SERIOUS for k, _ in claimed):
                self._catch_up_serious(incident, now, chain, config)
            fresh = [e for e in due if (e.deadline.key, e.step) not in claimed]
            if fresh and warning:
                warnings.append(f"#{incident.id}: {warning}")
            for item in fresh:
                done = self._claim(incident, item, config, now, warning)
                if done is not None:
                    escalated.append(done)
        return watched, escalated

    def _catch_up_serious(self, incident: itypes.Incident, now: dt.datetime, chain: EscalationChain,
                          config: NotifyConfig) -> None:
        serious.catch_up(self.kb, incident.id, now, chain, config)  # logged before the chain was there

    def _claimed(self, incident_id: int) -> set[tuple[str, int]]:
        """The steps escalated already: the claims, and the escalation actions in the log (a
        desk's copy has the server's actions, not its claims)."""
        claims = select(EscalationRow.deadline_key, EscalationRow.step).where(EscalationRow.incident_id == incident_id)
        logged = select(ActionRow.payload).where(ActionRow.incident_id == incident_id,
                                                 ActionRow.kind == itypes.ESCALATION)

        def read(s: Session) -> set[tuple[str, int]]:
            found = {(k, n) for k, n in s.execute(claims)}
            for (payload,) in s.execute(logged):
                key = claim_key(payload or {})
                if key is not None:
                    found.add(key)
            return found

        return self.kb.store.read(read)

    def _claim(self, incident: itypes.Incident, item: DueEscalation, config: NotifyConfig, now: dt.datetime,
               warning: str) -> Escalated | None:
        zh, en = deadline_summary(item.deadline)
        return self._log(incident, item.deadline.key, item.step, item.person, item.reason, now, config,
                         details=f"{zh} · {en}", summary=f"{zh} · {en}", deadline=item.deadline, warning=warning)

    def _log(self, incident: itypes.Incident, key: str, step: int, person: Person, reason: str, now: dt.datetime,
             config: NotifyConfig | None, *, details: str, summary: str, deadline: dl.Deadline | None = None,
             warning: str = "", actor: str = ACTOR, note: str = "", desk_sends: bool = False) -> Escalated | None:
        """The escalation logged, claimed and its notifications queued, in one transaction.

        ``desk_sends``: made on a team desk that did not reach the server, which sends the
        notifications itself. It happened, so when it reaches the server it is recorded even
        if another desk (or the server's watcher) claimed the step meanwhile (``also``), and
        its notifications are queued on the desk's copy only, never again on the server."""
        svc = self.kb.incidents
        if desk_sends != bool(getattr(self.kb, "is_desk_copy", False)):
            config = None  # the notifications belong to the other side (see above)
        message = escalation_message(incident, person, step, reason, deadline, now, note)
        payload = {"step": step, "deadline": key if key != MANUAL else "", "reason": reason, "to": person.name,
                   "role": person.role, "phone": person.phone, "auto": actor == ACTOR}
        if deadline is not None:
            payload["state"] = dl.describe(deadline)[1]
        if reason == MANUAL:
            payload["manual"] = True

        def work(s: Session) -> Escalated | None:
            row = s.get(IncidentRow, incident.id, with_for_update=True)
            if row is None or (row.status == "closed" and not desk_sends):
                return None
            _check_replay(s)  # under the row lock: an operation from a desk's outbox is stored once
            claim: EscalationRow | None = EscalationRow(incident_id=incident.id, deadline_key=key, step=step,
                                                        person=person.name, at=now)
            try:
                with s.begin_nested():
                    s.add(claim)
                    s.flush()
            except IntegrityError:
                if not desk_sends:
                    return None  # another watcher (the window, kbapp watch, another desk) has done it
                claim = None  # done twice: both were sent, both are kept
                payload["also"] = True
            action = svc._append(s, row, itypes.ESCALATION, actor=actor, at=now,
                                 details=note or details, payload=payload)
            if claim is not None:
                claim.action_id = action.id
            queued = []
            if config is not None:
                recipient = Recipient(person.name, person.email, person.phone)
                queued = self.kb.notifications.enqueue_in(s, incident.id, key, step, [recipient], message, config,
                                                          now)
            return Escalated(incident.id, incident.title, key, step, person, reason, action.id, summary,
                             len(queued), warning)

        return self.kb.store.write(work)

    # -- by hand ---------------------------------------------------------------------------------
    def escalate_now(self, incident_id: int, note: str = "", actor: str | None = None, *,
                     desk_sends: bool = False) -> Escalated:
        """"Escalate now": the next person up the chain from whoever was told last, logged
        and notified. Raises IncidentError saying how to set the chain up when it is empty.
        ``desk_sends``: pressed on a team desk offline (see :meth:`_log`)."""
        svc = self.kb.incidents
        incident = svc.get(incident_id)
        if incident.mode != itypes.MODE_INCIDENT:
            raise IncidentError(f"incident_id: #{incident.id} is a {incident.mode}; nobody is escalated to",
                                field="incident_id")
        if incident.status == "closed":
            raise IncidentError(f"status: incident #{incident.id} is closed", field="status")
        actor = svc._actor(actor)
        note = note.strip()
        path, warning = svc.chain().escalation_path(incident.responsible)
        if not path:
            raise IncidentError(EMPTY_CHAIN_WARNING, field="escalation_chain")
        reached = max((step for _key, step in self._claimed(incident.id)), default=0)
        for action in svc.timeline(incident.id, kinds=(itypes.ESCALATION,)):
            names = [p.name for p in path]
            if action.payload.get("answer") == "yes" and action.payload.get("to") in names:
                reached = max(reached, names.index(action.payload["to"]))
        step = reached + 1
        if step >= len(path):
            top = path[-1]
            raise IncidentError(f"escalation: already escalated to the top of the chain, {top.name}"
                                f"{' (' + top.phone + ')' if top.phone else ''}: call them", field="escalation")
        warnings: list[str] = []
        config = self._config(warnings)
        person = path[step]
        done = self._log(incident, MANUAL, step, person, MANUAL, svc.now() if desk_sends else self.now(), config,
                         details="", summary=f"手动升级 escalated by hand → {person.name}", actor=actor,
                         note=note, warning="; ".join([w for w in (warning, *warnings) if w]), desk_sends=desk_sends)
        if done is None:
            raise IncidentError("escalation: someone else escalated this incident just now; try again",
                                field="escalation")
        return done

    def replay_due(self, incident_id: int, deadline_key: str, step: int, person: dict, reason: str, at: dt.datetime,
                   actor: str = ACTOR) -> Escalated | None:
        """An escalation a team desk's watcher made on its copy while offline
        (kbapp.incidents.desk_watch), applied here: on that copy (which queues what the desk
        sends) or on the server (which records it)."""
        svc = self.kb.incidents
        incident = svc.get(incident_id)
        deadline = next((d for d in svc.deadlines(incident, at) if d.key == deadline_key), None)
        zh, en = deadline_summary(deadline)
        warnings: list[str] = []
        config = self._config(warnings)
        return self._log(incident, deadline_key, step, Person(**person), reason, at, config, details=f"{zh} · {en}",
                         summary=f"{zh} · {en}", deadline=deadline, actor=actor, desk_sends=True)

    # -- looping ---------------------------------------------------------------------------------
    def resume(self) -> None:
        """Send again after :meth:`stop` (a new window on the same knowledge base)."""
        self._stop.clear()
        self.kb.notifications.resume()

    def stop(self) -> None:
        self._stop.set()
        notifications = self.kb.notifications_if_open()  # never opens the store to stop it
        if notifications is not None:
            notifications.stop()

    def run_forever(self, interval: float | None = None, on_pass: Callable[[PassResult], None] | None = None) -> None:
        """Passes until :meth:`stop` (or Ctrl+C); ``interval`` defaults to notify.toml's."""
        while not self._stop.is_set():
            result = self.run_once()
            if on_pass is not None:
                on_pass(result)
            wait = interval if interval is not None else self.watch_interval()
            self._stop.wait(60.0 if wait is None else wait)


def claim_key(payload: dict) -> tuple[str, int] | None:
    """The claim an escalation action stands for: (deadline key, or manual or serious, step)."""
    step = payload.get("step")
    if not isinstance(step, int):
        return None
    if payload.get("deadline"):
        return str(payload["deadline"]), step
    return (serious.SERIOUS if payload.get("reason") == serious.SERIOUS else MANUAL), step


def escalation_message(incident: itypes.Incident, person: Person, step: int, reason: str,
                       deadline: dl.Deadline | None, now: dt.datetime, note: str = "") -> Message:
    """The text of one escalation: no description, no notes from the log (they may hold
    secrets); what there is still goes through redact (Message.redacted)."""
    level_zh, level_en = LEVEL_NAMES.get(incident.level, ("", ""))
    what_zh, what_en = deadline_summary(deadline)
    if reason == AMBER:
        head_zh, head_en = "时限临近", "deadline close"
    elif reason == MANUAL:
        head_zh, head_en = "手动升级", "escalated by hand"
    else:
        head_zh, head_en = f"第 {step} 级升级", f"escalation level {step}"
    number = "(待编号 pending)" if incident.pending else f"#{incident.id}"  # started offline, no number yet
    subject = (f"[kbapp] 故障 {number} {incident.level} 级 {what_zh or head_zh} / "
               f"Incident {number} {what_en or head_en}")
    lines = [f"故障 Incident {number} [{incident.level} {level_zh} {level_en}]: {incident.title}"]
    if deadline is not None:
        lines.append(f"时限 Deadline: {what_zh} · {what_en} (截止 due {format_time(deadline.due_at)})")
    who = ", ".join(x for x in (person.role, person.phone) if x)
    lines.append(f"通知 To: {person.name}{' (' + who + ')' if who else ''} — {head_zh} {head_en}")
    lines.append(f"负责人 Responsible: {incident.responsible or '—'}")
    if note:
        lines.append(f"备注 Note: {note}")
    lines.append(f"kbapp incident show {incident.uid if incident.pending else incident.id}")
    fields = {"event": "escalation", "incident_id": incident.id, "title": incident.title, "level": incident.level,
              "status": incident.status, "responsible": incident.responsible,
              "deadline": deadline.key if deadline is not None else MANUAL,
              "deadline_label": deadline.label if deadline is not None else "",
              "due_at": deadline.due_at.isoformat() if deadline is not None else None,
              "state": deadline.state if deadline is not None else "",
              "late_by_seconds": int(deadline.late_by.total_seconds()) if deadline is not None else 0,
              "person": person.name, "role": person.role, "phone": person.phone, "step": step, "reason": reason,
              "sent_at": now.isoformat()}
    return Message(subject, "\n".join(lines), fields, (person.phone,) if person.phone else ())
