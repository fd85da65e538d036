"""The database schema as SQLAlchemy 2.0 typed ORM classes.

Every table hangs off ``Base.metadata`` (kbapp.store.base); the hand-written Alembic
revisions under ``kbapp/store/migrations/versions`` must create exactly what
kbapp.store.schema gathers. Later tables (problem records, plans, customers, team,
notifications, metrics) have their own ``*_models.py`` modules.

Times are stored as naive UTC (SQLite has no time zone type) and come back as
timezone-aware UTC datetimes through :class:`kbapp.store.base.UTCDateTime`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, FetchedValue, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kbapp.store.base import Base, UTCDateTime


class IncidentRow(Base):
    """One incident. Mutable summary columns; the history lives in ``actions``."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(3))  # I, II, III, IV
    category: Mapped[str] = mapped_column(String(40), default="")
    channel: Mapped[str] = mapped_column(String(20), default="phone")
    reporter: Mapped[str] = mapped_column(String(200), default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    # 客户单位 and 业务系统, by name (kbapp.store.customer_models keeps the list).
    customer: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)
    system: Mapped[str] = mapped_column(String(200), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    # "incident", or "drill" / "inspection": those share the runner and the log but never
    # count in incident lists, metrics or deadlines.
    mode: Mapped[str] = mapped_column(String(20), default="incident", server_default="incident", index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    notified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Milestones the deadlines are measured against; None until reached.
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    plan_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    emergency_plan_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    report_submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Made by the desk that started it offline (UUIDv7, kbapp.offline); None when started
    # online. Unique: a replayed start never makes a second incident.
    uid: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)

    playbooks: Mapped[list[IncidentPlaybookRow]] = relationship(
        back_populates="incident", order_by="IncidentPlaybookRow.position"
    )


class IncidentPlaybookRow(Base):
    """A playbook attached to an incident; several per incident, in attach order."""

    __tablename__ = "incident_playbooks"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    playbook_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    attached_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    attached_by: Mapped[str] = mapped_column(String(100))
    # The playbook file's text when attached: the incident keeps these steps whatever
    # version the library has later. None for playbooks attached before (migration 0019).
    text: Mapped[str | None] = mapped_column(Text, nullable=True)

    incident: Mapped[IncidentRow] = relationship(back_populates="playbooks")


class ActionRow(Base):
    """One entry of the append-only action log: rows are inserted, never updated or deleted.

    A correction is a new row whose ``corrects_id`` points at the row it corrects.
    ``id`` order is append order; ``at`` is the wall clock and may jump.
    """

    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_incident_id_id", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    playbook_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    details: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), nullable=True, index=True)
    # Made by the desk (UUIDv7, kbapp.store.ids): an action replayed from a desk's offline
    # outbox is recognised by it and never stored twice. None for actions logged before.
    uid: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)
    # When a shared server stored it, by the server's clock (``at`` is the desk's): both are
    # kept for an action that travelled from an offline desk. None on a desk's own SQLite.
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The database login that stored it, set on the server by a trigger (migration 0016);
    # with a login per engineer, the server's own record of who wrote it. None on SQLite.
    db_login: Mapped[str | None] = mapped_column(String(100), nullable=True, server_default=FetchedValue())


class ReportRow(Base):
    """A submitted fault handling report (故障处理报告); the Markdown copy lives in the library."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    doc_id: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # every report field, as text
    path: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LessonRow(Base):
    """A lesson learnt, tied to a playbook and optionally one of its steps."""

    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(100), unique=True)
    playbook_id: Mapped[str] = mapped_column(String(100), index=True)
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), nullable=True)
    path: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The client-made id (UUIDv7): a lesson written offline is stored once (migration 0021).
    uid: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)


class PlaybookChangeRow(Base):
    """A proposed change to a playbook; applied only on approval. ``base_text`` keeps the
    version it replaced, so earlier versions stay readable."""

    __tablename__ = "playbook_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    playbook_id: Mapped[str] = mapped_column(String(100), index=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    base_version: Mapped[int] = mapped_column(Integer)
    base_text: Mapped[str] = mapped_column(Text)
    new_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # proposed, approved, rejected
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    new_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Who approved or rejected it, by the server's database login (a trigger, migration 0020).
    decided_db_login: Mapped[str | None] = mapped_column(String(100), nullable=True, server_default=FetchedValue(),
                                                         server_onupdate=FetchedValue())
