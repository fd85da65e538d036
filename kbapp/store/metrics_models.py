"""Facts derived from the action log for the metrics (kbapp.reports.metrics).

A cache, never a source: each incident's row here is what replaying its log gives
(deadlines with their due and met times, times to respond and resolve), so the figures
are one aggregate query. ``metrics_state`` keeps the id of the last action folded in and
the version of the derivation; an incident with a newer action is derived again, and a
new version rebuilds everything.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Float, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from kbapp.store.base import Base, UTCDateTime

DEADLINE_COLUMNS = ("response", "plan", "emergency_plan", "resolution", "report")


class IncidentFactsRow(Base):
    __tablename__ = "incident_facts"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    counted: Mapped[bool] = mapped_column(Boolean)  # False: drill, inspection, duplicate...
    level: Mapped[str] = mapped_column(String(3))
    category: Mapped[str] = mapped_column(String(40))
    customer: Mapped[str] = mapped_column(String(200))
    # No index: a year of figures reads most rows, and a full scan beats an index walk there.
    notified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of the notification, the team's zone
    response_s: Mapped[float | None] = mapped_column(Float, nullable=True)  # notified → responded
    resolve_s: Mapped[float | None] = mapped_column(Float, nullable=True)  # notified → (last) resolved
    solved_once: Mapped[bool] = mapped_column(Boolean)
    reopened: Mapped[bool] = mapped_column(Boolean)
    # Per deadline: when it is due (seconds since the epoch, None: not planned) and, once
    # met, 1 on time or 0 late. Numbers, not timestamps: the aggregates compare and sum
    # them for every incident of a year, and SUM of a 0/1 column works on every database.
    response_due: Mapped[float | None] = mapped_column(Float, nullable=True)
    response_ok: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    plan_due: Mapped[float | None] = mapped_column(Float, nullable=True)
    plan_ok: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    emergency_plan_due: Mapped[float | None] = mapped_column(Float, nullable=True)
    emergency_plan_ok: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    resolution_due: Mapped[float | None] = mapped_column(Float, nullable=True)
    resolution_ok: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    report_due: Mapped[float | None] = mapped_column(Float, nullable=True)
    report_ok: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)


class FactPlaybookRow(Base):
    """A playbook used by a counted incident, with the incident's period and customer so
    that the most used playbooks are one scan of this narrow table, without a join."""

    __tablename__ = "incident_fact_playbooks"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    playbook_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    notified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    customer: Mapped[str] = mapped_column(String(200))


class StepOutcomeRow(Base):
    """A step skipped or failed in a counted incident (the most troublesome steps), with
    the incident's period and customer (no join to filter them)."""

    __tablename__ = "incident_step_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    notified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    customer: Mapped[str] = mapped_column(String(200))
    playbook_id: Mapped[str] = mapped_column(String(100))
    step: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(20))


class MetricsStateRow(Base):
    __tablename__ = "metrics_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
