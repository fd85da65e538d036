"""Tables of the service plan's workflows (kbapp.plan): change requests and their log.

On the same ``Base.metadata`` (models.py imports this module at its end); migration
0005 must create exactly this.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kbapp.store.models import Base, UTCDateTime


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
