"""Tables of automatic escalation and notifications: claims that make each happen once.

- ``escalations``: one row per (incident, deadline, step) that was escalated. The row is
  inserted in the same transaction as the escalation action, and its unique key is what
  stops two watchers (the window and ``kbapp watch``, or two desks) from both logging it.
- ``notifications``: the outbox. One row per message to one recipient over one channel,
  unique on (incident, topic, step, channel, target); a sender claims a row by moving it
  to ``sending`` with a lease in one conditional UPDATE, so exactly one process sends it.
  The text is stored already redacted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kbapp.store.base import Base, UTCDateTime


class EscalationRow(Base):
    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("incident_id", "deadline_key", "step",
                                       name="uq_escalations_incident_deadline_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    deadline_key: Mapped[str] = mapped_column(String(40))  # a deadline key, or "manual"
    step: Mapped[int] = mapped_column(Integer)  # 0 = the amber reminder; n = n levels up the chain
    person: Mapped[str] = mapped_column(String(200))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class NotificationRow(Base):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("incident_id", "topic", "step", "channel", "target",
                                       name="uq_notifications_recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    topic: Mapped[str] = mapped_column(String(60))  # e.g. the deadline key
    step: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(20))  # email, webhook
    target: Mapped[str] = mapped_column(String(300))  # an address, or the webhook's name
    person: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lease_owner: Mapped[str] = mapped_column(String(100), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
