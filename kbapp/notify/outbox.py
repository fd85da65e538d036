"""The notification outbox: enqueue once, send once, retry with back-off, log the outcome.

Exactly once across processes (the window and ``kbapp watch``, restarts, two desks on
one server): a notification is a row unique on (incident, topic, step, channel,
target), inserted in the caller's transaction, so a second enqueue of the same thing
is a no-op. A sender owns a row only after one conditional UPDATE moved it from
``pending`` (its next attempt due) to ``sending`` with a lease; the database lets one
process win. The lease ends a send that died half-way: after it expires the row is
tried again. That is the only case in which a message can go out twice (the process
died between the server accepting it and the commit that records it), and no way of
talking to an SMTP server or a webhook can rule it out.

While the network is down a send fails with a transient error and is retried after
30 s, 1, 2, 4… minutes (at most 30 minutes apart) up to ``MAX_ATTEMPTS``; a permanent
error (a refused address, HTTP 4xx) fails at once. The first failure, the final one and
the success are actions in the incident's log (kind ``notification``).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kbapp.incidents.base import utc_now
from kbapp.notify.channels import DeliveryError, Message, send_email, send_webhook
from kbapp.notify.config import NotifyConfig, config_path, load_config
from kbapp.store.models import IncidentRow
from kbapp.store.notify_models import NotificationRow

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase
    from kbapp.store.db import Store

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
EMAIL, WEBHOOK = "email", "webhook"
MAX_ATTEMPTS = 12
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(minutes=30)
LEASE = dt.timedelta(minutes=2)
ACTOR = "kbapp"  # the log's actor for what the notifier did


# In a notification's fields on a team desk's copy: the incident's desk-made uid, so the
# outcome reaches the incident once the server has numbered it (kbapp.incidents.desk_watch).
INCIDENT_UID = "_incident_uid"


def retry_after(attempts: int) -> dt.timedelta:
    """The pause after the ``attempts``-th failed try: 30 s, 1 min, 2 min, … at most 30 min."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass(frozen=True)
class Recipient:
    """A person to notify: e-mail goes to ``email``; robots @-mention ``phone``."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Delivery:
    notification_id: int
    incident_id: int
    channel: str
    target: str
    person: str
    outcome: str  # sent, retrying, failed
    error: str = ""
    attempts: int = 0


def _owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class NotificationService:
    """``kb.notifications``. Qt-free and thread-safe (a Session per operation)."""

    def __init__(self, store: Store, kb: KnowledgeBase, *, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.store, self.kb = store, kb
        self.clock = clock or utc_now
        self.owner = _owner()
        self._stop = threading.Event()

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def config(self) -> NotifyConfig:
        """notify.toml of the data home, read afresh (it may be edited while kbapp runs)."""
        return load_config(config_path(self.kb.home.root))

    # -- enqueueing ---------------------------------------------------------------------------
    def enqueue(self, incident_id: int, topic: str, recipients: Iterable[Recipient], message: Message, *,
                step: int = 0, config: NotifyConfig | None = None) -> list[int]:
        """Queue ``message`` for each recipient over every configured channel, once: a
        second call with the same incident, topic and step queues nothing new. Returns the
        new rows' ids. The public entry point for other features (e.g. "report Level I
        incidents at once"); delivery happens in the next :meth:`deliver_due`."""
        config = config or self.config()
        recipients = list(recipients)
        return self.store.write(lambda s: self.enqueue_in(s, incident_id, topic, step, recipients, message,
                                                          config, self.now()))

    def enqueue_in(self, s: Session, incident_id: int, topic: str, step: int, recipients: list[Recipient],
                   message: Message, config: NotifyConfig, now: dt.datetime) -> list[int]:
        """The same inside the caller's transaction (so a claim and its messages commit together)."""
        message = message.redacted()
        phones = [r.phone for r in recipients if r.phone]
        fields = {**message.fields, "_mention": phones}
        rows: list[tuple[str, str, str]] = []
        if config.smtp is not None:
            rows += [(EMAIL, r.email, r.name) for r in recipients if r.email]
        names = ", ".join(r.name for r in recipients)
        rows += [(WEBHOOK, hook.target, names) for hook in config.webhooks]
        ids = []
        for channel, target, person in rows:
            row = NotificationRow(incident_id=incident_id, topic=topic, step=step, channel=channel, target=target,
                                  person=person, subject=message.subject, body=message.text, fields=fields,
                                  status=PENDING, attempts=0, next_attempt_at=now, lease_owner="", last_error="",
                                  created_at=now)
            try:
                with s.begin_nested():
                    s.add(row)
                    s.flush()
            except IntegrityError:
                continue  # queued already, by this process or another
            ids.append(row.id)
        return ids

    # -- delivering ---------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask a running :meth:`deliver_due` to stop after the message it is sending."""
        self._stop.set()

    def resume(self) -> None:
        """Deliver again after :meth:`stop` (a new window on the same knowledge base)."""
        self._stop.clear()

    def _due(self, now: dt.datetime) -> ColumnElement[bool]:
        c = NotificationRow
        return or_(and_(c.status == PENDING, c.next_attempt_at <= now),
                   and_(c.status == SENDING, c.lease_until < now))

    def pending_count(self) -> int:
        return self.store.read(lambda s: len(s.scalars(select(NotificationRow.id).where(
            NotificationRow.status.in_((PENDING, SENDING)))).all()))

    def deliver_due(self, limit: int = 100, config: NotifyConfig | None = None) -> list[Delivery]:
        """Send every notification whose attempt is due; returns what happened to each."""
        config = config or self.config()
        now = self.now()
        ids = self.store.read(lambda s: list(s.scalars(
            select(NotificationRow.id).where(self._due(now)).order_by(NotificationRow.id).limit(limit))))
        out = []
        for notification_id in ids:
            if self._stop.is_set():
                break
            delivery = self._deliver_one(notification_id, config)
            if delivery is not None:
                out.append(delivery)
        return out

    def _claim(self, notification_id: int, now: dt.datetime) -> tuple[Any, ...] | None:
        def work(s: Session) -> tuple[Any, ...] | None:
            c = NotificationRow
            result = s.execute(update(c).where(c.id == notification_id, self._due(now)).values(
                status=SENDING, lease_owner=self.owner, lease_until=now + LEASE, attempts=c.attempts + 1))
            if cast(CursorResult, result).rowcount != 1:
                return None  # another process has it, or it is done
            row = s.get(c, notification_id)
            assert row is not None  # just updated
            return (row.incident_id, row.channel, row.target, row.person, row.subject, row.body,
                    dict(row.fields or {}), row.attempts, row.topic, row.step)

        return self.store.write(work)

    def _deliver_one(self, notification_id: int, config: NotifyConfig) -> Delivery | None:
        claimed = self._claim(notification_id, self.now())
        if claimed is None:
            return None
        incident_id, channel, target, person, subject, body, fields, attempts, topic, step = claimed
        mention = tuple(fields.pop("_mention", []) or ())
        fields.pop(INCIDENT_UID, None)  # kbapp's own bookkeeping (kbapp.incidents.desk_watch), not sent
        message = Message(subject, body, fields, mention)
        now = self.now()
        error, permanent = "", False
        try:
            if channel == EMAIL:
                if config.smtp is None:
                    raise DeliveryError("notify.toml has no [smtp] section any more", permanent=True)
                send_email(config.smtp, target, message, now)
            else:
                hook = config.webhook(target)
                if hook is None:
                    raise DeliveryError(f"notify.toml has no webhook {target!r} any more", permanent=True)
                send_webhook(hook, message, now)
        except DeliveryError as exc:
            error, permanent = exc.reason, exc.permanent
        done_at = self.now()
        if not error:
            outcome = SENT
        elif permanent or attempts >= MAX_ATTEMPTS:
            outcome = FAILED
        else:
            outcome = "retrying"
        delivery = Delivery(notification_id, incident_id, channel, target, person, outcome, error, attempts)
        self.store.write(lambda s: self._record(s, delivery, done_at, topic, step))
        return delivery

    def _record(self, s: Session, d: Delivery, now: dt.datetime, topic: str, step: int) -> None:
        c = NotificationRow
        values: dict = {"lease_until": None, "last_error": d.error}
        if d.outcome == SENT:
            values.update(status=SENT, sent_at=now)
        elif d.outcome == FAILED:
            values.update(status=FAILED)
        else:
            values.update(status=PENDING, next_attempt_at=now + retry_after(d.attempts))
        result = s.execute(update(c).where(c.id == d.notification_id, c.lease_owner == self.owner,
                                           c.status == SENDING).values(**values))
        if cast(CursorResult, result).rowcount != 1:
            return  # the lease ran out and another process took over: it records its own outcome
        if d.outcome == "retrying" and d.attempts > 1:
            return  # the first failure is in the log; the final outcome will be
        payload = {"notification_id": d.notification_id, "channel": d.channel, "target": d.target,
                   "person": d.person, "outcome": d.outcome, "attempts": d.attempts, "topic": topic, "step": step}
        if d.error:
            payload["error"] = d.error
        self._log_outcome(s, d.incident_id, payload, now)

    def _log_outcome(self, s: Session, incident_id: int, payload: dict[str, Any], now: dt.datetime) -> None:
        """The delivery's outcome in the incident's log, in the transaction that records it."""
        incident = s.get(IncidentRow, incident_id)
        if incident is not None:
            self.kb.incidents._append(s, incident, "notification", actor=ACTOR, at=now, payload=payload)
