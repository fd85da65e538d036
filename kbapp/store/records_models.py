"""Tables of the problem records (问题记录): the records and their logged transitions.

Kept out of models.py so the records feature owns its schema, but on the same
``Base.metadata`` (kbapp.store.base); kbapp.store.schema gathers them with the other
tables into the metadata that migration 0003 must match.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, FetchedValue, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kbapp.store.base import Base, UTCDateTime


class ProblemRecordRow(Base):
    """One record, consultation or defect. Its current state and fields; the history
    of who moved it when lives in ``record_transitions``."""

    __tablename__ = "problem_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # consultation, defect
    state: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True, index=True)
    classification: Mapped[str] = mapped_column(String(20), default="")  # technical, business, operation
    fix: Mapped[str] = mapped_column(Text, default="")
    supervisor: Mapped[str] = mapped_column(String(100), default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    analysis: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    converted_from: Mapped[str] = mapped_column(String(20), default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")  # in the data home's library/records
    # Added by migration 0009 (the on-site record, ch. 4.3; the sign-off; the assignee; customer and system).
    raised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    customer: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    system: Mapped[str | None] = mapped_column(String(200), nullable=True)
    assigned_role: Mapped[str] = mapped_column(String(20), default="", server_default="")
    assignee: Mapped[str] = mapped_column(String(100), default="", server_default="")
    proposed_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    supervisor_role: Mapped[str] = mapped_column(String(100), default="", server_default="")
    signed_off_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    prevention: Mapped[str] = mapped_column(Text, default="", server_default="")
    tips: Mapped[str] = mapped_column(Text, default="", server_default="")
    change_record: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The client-made id (UUIDv7): a record made offline is stored once (migration 0021).
    uid: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)

    transitions: Mapped[list[RecordTransitionRow]] = relationship(
        back_populates="record", order_by="RecordTransitionRow.id"
    )


class RecordTransitionRow(Base):
    """One move of a record, append-only: who, when, from and to (kind and state), and
    the fields given with it. Creation is the first row, with no ``from_state``."""

    __tablename__ = "record_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("problem_records.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    from_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_kind: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    # The database login that stored it, set on the server by a trigger (migration 0020). None on SQLite.
    db_login: Mapped[str | None] = mapped_column(String(100), nullable=True, server_default=FetchedValue())
    uid: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)  # 0021

    record: Mapped[ProblemRecordRow] = relationship(back_populates="transitions")
