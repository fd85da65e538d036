"""Change requests of the trial operation (程序功能调整, plan ch. 3.2.1) and their log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Hand-written: it must create exactly what kbapp/store/plan_models.py declares.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("maintenance", sa.String(length=20), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("needs", sa.String(length=20), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("raised_by", sa.String(length=200), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("submission", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_as", sa.String(length=20), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["problem_records.id"],
                                name=op.f("fk_change_requests_record_id_problem_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    op.create_index(op.f("ix_change_requests_kind"), "change_requests", ["kind"], unique=False)
    op.create_index(op.f("ix_change_requests_state"), "change_requests", ["state"], unique=False)
    op.create_table(
        "change_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["change_id"], ["change_requests.id"],
                                name=op.f("fk_change_events_change_id_change_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_events")),
    )
    op.create_index(op.f("ix_change_events_change_id"), "change_events", ["change_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_change_events_change_id"), table_name="change_events")
    op.drop_table("change_events")
    op.drop_index(op.f("ix_change_requests_state"), table_name="change_requests")
    op.drop_index(op.f("ix_change_requests_kind"), table_name="change_requests")
    op.drop_table("change_requests")
