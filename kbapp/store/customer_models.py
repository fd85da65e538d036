"""The customers (客户单位) a team serves and their business systems (业务系统).

Incidents, problem records, visits and inspection plans name a customer by its name (a
text column each, as the plan's forms do); this list is what the dialogs and the command
line offer, grown on the fly. The warranty (质保期, ch. 3.3/5) runs three years from the
customer's acceptance (验收) unless agreed otherwise.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kbapp.store.base import Base, UTCDateTime


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # 验收: the warranty starts
    warranty_years: Mapped[int] = mapped_column(Integer, default=3)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    systems: Mapped[list[CustomerSystemRow]] = relationship(
        back_populates="customer", order_by="CustomerSystemRow.name", cascade="all, delete-orphan")


class CustomerSystemRow(Base):
    __tablename__ = "customer_systems"
    __table_args__ = (UniqueConstraint("customer_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    customer: Mapped[CustomerRow] = relationship(back_populates="systems")
