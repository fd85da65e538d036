"""Tables of the service plan's workflows (kbapp.plan): change requests and their log,
follow-up visits, inspection plans with their runs and backup checks.

On the same ``Base.metadata`` (kbapp.store.base; kbapp.store.schema gathers every table); migrations
0005 (change requests) and 0006 (the rest) must create exactly this.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, FetchedValue, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kbapp.store.base import Base, UTCDateTime


class ChangeRequestRow(Base):
    """A change request of the trial operation (程序功能调整, plan ch. 3.2.1)."""

    __tablename__ = "change_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # defect, unclear, requirement
    state: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    maintenance: Mapped[str] = mapped_column(String(20))  # corrective, adaptive, perfective, preventive
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # estimated working days
    needs: Mapped[str] = mapped_column(String(20))  # none, department-head, leadership
    customer: Mapped[str] = mapped_column(String(200), default="")
    raised_by: Mapped[str] = mapped_column(String(200), default="")  # the customer's person who asked
    record_id: Mapped[int | None] = mapped_column(ForeignKey("problem_records.id"), nullable=True)
    submission: Mapped[str] = mapped_column(Text, default="")  # the written submission (书面报批), Markdown
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_as: Mapped[str] = mapped_column(String(20), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    result: Mapped[str] = mapped_column(Text, default="")  # what was changed in the system
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The client-made id (UUIDv7): a request logged offline is stored once (migration 0021).
    uid: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)


class ChangeEventRow(Base):
    """One move of a change request, append-only: who, when, what."""

    __tablename__ = "change_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # logged, submitted, approved, refused, started, done
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    # The database login that stored it, set on the server by a trigger (migration 0020). None on SQLite.
    db_login: Mapped[str | None] = mapped_column(String(100), nullable=True, server_default=FetchedValue())
    uid: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)  # 0021


# -- follow-up visits (定期回访, plan ch. 1.3) ---------------------------------------------------

class VisitPlanRow(Base):
    """A customer's follow-up schedule: every day/week/month/quarter from ``anchor``."""

    __tablename__ = "visit_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer: Mapped[str] = mapped_column(String(200), index=True)
    system: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[str] = mapped_column(String(20))
    anchor: Mapped[dt.date] = mapped_column(Date)  # the first visit's due date
    contact: Mapped[str] = mapped_column(String(200), default="")  # whom to call at the customer
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class VisitRow(Base):
    """One visit made: who, when, how; the customer's satisfaction and remarks."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("visit_plans.id"), nullable=True, index=True)
    customer: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the scheduled visit it was
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    visitor: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(20))  # phone, onsite, remote, email, chat
    satisfaction: Mapped[str] = mapped_column(String(20))
    remarks: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class VisitIssueRow(Base):
    """An issue the customer raised in a visit, and the record or change it became."""

    __tablename__ = "visit_issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("problem_records.id"), nullable=True)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("change_requests.id"), nullable=True)


# -- scheduled inspections (巡检, plan ch. 3.2.2 and 8) -------------------------------------------

class InspectionPlanRow(Base):
    """An inspection schedule per customer and system, with the checklist to use."""

    __tablename__ = "inspection_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer: Mapped[str] = mapped_column(String(200), index=True)
    system: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[str] = mapped_column(String(20))  # daily, weekly, monthly
    anchor: Mapped[dt.date] = mapped_column(Date)
    checklist: Mapped[str] = mapped_column(String(200))
    inspector: Mapped[str] = mapped_column(String(100), default="")
    full_backup_days: Mapped[int] = mapped_column(Integer, default=7)  # the full backup's period
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class InspectionRunRow(Base):
    """An inspection started from a plan, for the occurrence due on ``due_date``."""

    __tablename__ = "inspection_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id"), index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class BackupCheckRow(Base):
    """The last good backup seen at a check (ch. 8: daily incremental, periodic full)."""

    __tablename__ = "backup_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))  # incremental, full
    last_good: Mapped[dt.date] = mapped_column(Date)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    checked_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
