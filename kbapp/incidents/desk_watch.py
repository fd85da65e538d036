"""The deadline watcher on a team desk (``kb.watcher()`` in team mode): escalation goes on
when the shared server does not answer, with nobody watching.

While the server answers, a pass is the server's (kbapp.incidents.watcher), after this
desk's outbox has been sent: an escalation made offline and not sent yet would otherwise be
made a second time. When the server does not answer, the same pass runs on the desk's copy
of the incidents (kbapp.replica, :class:`CopyWatcher`). Each due step that nobody escalated
yet (the server's watchers before the network went, whose escalation actions are on the
copy, or this desk since) is

* logged on the copy and kept in the outbox (op ``call``, method ``escalate_due``, with the
  time it was made), as every offline write is (kbapp.local_first);
* sent by this desk itself over notify.toml's channels, retried as ever
  (:class:`DeskNotifications`, on the copy, whose rows outlive the copy's refreshes); each
  delivery's outcome goes into the outbox too (``record_delivery``).

When the escalation reaches the server, it is recorded under its uid (once, however often it
is replayed), claimed there, and not sent again. Two desks that both escalated a step
offline both sent it, so both escalations are kept, the second marked ``also``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kbapp.errors import KbError
from kbapp.incidents.escalating import DueEscalation
from kbapp.incidents.escalation import EscalationChain
from kbapp.incidents.watcher import Escalated, PassResult, Watcher
from kbapp.notify.channels import Message
from kbapp.notify.config import NotifyConfig
from kbapp.notify.outbox import ACTOR, FAILED, INCIDENT_UID, SENT, Delivery, NotificationService, Recipient
from kbapp.store.models import IncidentRow
from kbapp.store.notify_models import NotificationRow

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase
    from kbapp.incidents import types as itypes
    from kbapp.incidents.service import IncidentService
    from kbapp.local_first import LocalFirstIncidents

log = logging.getLogger(__name__)


class DeskWatcher(Watcher):
    def __init__(self, kb: KnowledgeBase, *, clock: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(kb, clock=clock)
        self._copy_watcher: CopyWatcher | None = None

    @property
    def desk(self) -> LocalFirstIncidents:
        return self.kb.desk_incidents

    def copy_watcher(self) -> CopyWatcher:
        if self._copy_watcher is None:
            view = self.kb.replica.incidents.kb
            view.notifications.clock = self.clock  # this desk sends them: on the watcher's clock
            self._copy_watcher = CopyWatcher(view, self.desk, clock=self.clock)
        return self._copy_watcher

    def run_once(self, *, deliver: bool = True) -> PassResult:
        from kbapp.store.db import StoreUnreachable

        try:
            self._send_outbox()
            result = super().run_once(deliver=deliver)
        except StoreUnreachable as exc:
            self.desk.went_offline(exc)
        else:
            if deliver and Path(self.kb.replica.path).exists() and not self._stop.is_set():
                result.deliveries.extend(self.copy_watcher().deliver_own(result.warnings))
            return result
        offline = self.copy_watcher().run_once(deliver=deliver and not self._stop.is_set())
        return dataclasses.replace(offline, offline=True)

    def _send_outbox(self) -> None:
        """What this desk did offline reaches the server before the server's pass."""
        from kbapp.offline import Outbox, send
        from kbapp.store.db import StoreError, StoreUnreachable

        if not Outbox(self.kb.home.root).count():
            return
        try:
            waiting = send(self.kb).waiting
        except StoreUnreachable:
            raise
        except StoreError as exc:  # the pass goes on: a step escalated twice beats one not escalated
            log.warning("the outbox could not be sent before the deadline watch's pass: %s", exc)
            return
        if waiting:
            raise StoreUnreachable("the server stopped answering")

    def escalate_now(self, incident_id: int, note: str = "", actor: str | None = None, *,
                     desk_sends: bool = False) -> Escalated:
        """Local first, like every write on a desk (kbapp.local_first)."""
        return self.desk.escalate_now(incident_id, note, actor)

    def resume(self) -> None:
        from kbapp.store.db import StoreError

        try:
            super().resume()
        except StoreError:
            pass  # offline: the server's outbox is not this desk's to send
        if self._copy_watcher is not None:
            self._copy_watcher.resume()

    def stop(self) -> None:
        super().stop()
        if self._copy_watcher is not None:
            self._copy_watcher.stop()


class CopyWatcher(Watcher):
    """The watcher's pass on a desk's copy (``view``: its kbapp.replica.CopyView); what it
    escalates goes through the desk's local-first incidents (``desk``)."""

    def __init__(self, view: Any, desk: LocalFirstIncidents, *, clock: Callable[[], dt.datetime] | None = None):
        super().__init__(view, clock=clock)
        self.desk = desk

    def _catch_up_serious(self, incident: itypes.Incident, now: dt.datetime, chain: EscalationChain,
                          config: NotifyConfig) -> None:
        """Left to the server's watchers: a serious incident is reported when it is logged."""

    def _claim(self, incident: itypes.Incident, item: DueEscalation, config: NotifyConfig, now: dt.datetime,
               warning: str) -> Escalated | None:
        done = self.desk.escalate_due(incident.id, item.deadline.key, item.step, dataclasses.asdict(item.person),
                                      item.reason, now)
        return dataclasses.replace(done, warning=warning) if isinstance(done, Escalated) else None

    def deliver_own(self, warnings: list[str]) -> list[Delivery]:
        """The notifications of this desk's offline escalations still due (the server answers now)."""
        config = self._config(warnings)
        return self.kb.notifications.deliver_due(config=config) if config is not None else []


class DeskNotifications(NotificationService):
    """The notifications on a desk's copy: those of the escalations this desk made while the
    server did not answer, which this desk sends. A refresh of the copy applies the outbox
    again; a row queued before is found by the incident's uid, so nothing is sent twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._outcomes: list[tuple[str | int, dict[str, Any], dt.datetime]] = []

    def enqueue_in(self, s: Session, incident_id: int, topic: str, step: int, recipients: list[Recipient],
                   message: Message, config: NotifyConfig, now: dt.datetime) -> list[int]:
        row = s.get(IncidentRow, incident_id)
        ref = (row.uid if row is not None else None) or str(incident_id)
        c = NotificationRow
        same = s.execute(select(c.id, c.incident_id, c.status, c.fields).where(c.topic == topic, c.step == step))
        stale = []
        for row_id, other_incident, status, fields in same:
            if (fields or {}).get(INCIDENT_UID) == ref:
                return []  # queued before this refresh of the copy
            if other_incident == incident_id and status in (SENT, FAILED):
                stale.append(row_id)  # an incident started offline that has its number now: its id is free
        if stale:
            s.execute(delete(c).where(c.id.in_(stale)))
        tagged = Message(message.subject, message.text, {**message.fields, INCIDENT_UID: ref}, message.mention_phones)
        return super().enqueue_in(s, incident_id, topic, step, recipients, tagged, config, now)

    def _log_outcome(self, s: Session, incident_id: int, payload: dict[str, Any], now: dt.datetime) -> None:
        # Into the outbox after this transaction (a second write on the copy would wait for it).
        fields = s.scalar(select(NotificationRow.fields).where(NotificationRow.id == payload["notification_id"]))
        uid = (fields or {}).get(INCIDENT_UID)
        # The row's id is this copy's own; the server has no such notification.
        payload = {**{k: v for k, v in payload.items() if k != "notification_id"}, "sent_by_desk": True}
        self._outcomes.append((incident_id if uid is None or uid == str(incident_id) else uid, payload, now))

    def _deliver_one(self, notification_id: int, config: NotifyConfig) -> Delivery | None:
        delivery = super()._deliver_one(notification_id, config)
        outcomes, self._outcomes = self._outcomes, []
        for ref, payload, at in outcomes:
            try:
                self.kb.desk_incidents.record_delivery(ref, payload, at)
            except KbError as exc:  # sent all the same; only its line in the log is missing
                log.warning("the outcome of notification %s was not logged: %s", notification_id, exc)
        return delivery


def record_delivery(svc: IncidentService, incident_id: int, payload: dict[str, Any], at: dt.datetime) -> Any:
    """A notification this desk sent, in the incident's log (replayed from the outbox)."""
    return svc._write(incident_id, lambda s, row, _now: svc._append(s, row, "notification", actor=ACTOR, at=at,
                                                                      payload=payload))
