"""Problem records (问题记录) and their logged transitions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Hand-written: it must create exactly what kbapp/store/records_models.py declares.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "problem_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("supervisor", sa.String(length=100), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("analysis", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("converted_from", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_problem_records_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_records")),
    )
    op.create_index(op.f("ix_problem_records_kind"), "problem_records", ["kind"], unique=False)
    op.create_index(op.f("ix_problem_records_state"), "problem_records", ["state"], unique=False)
    op.create_index(op.f("ix_problem_records_incident_id"), "problem_records", ["incident_id"], unique=False)

    op.create_table(
        "record_transitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_kind", sa.String(length=20), nullable=True),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_kind", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["problem_records.id"], name=op.f("fk_record_transitions_record_id_problem_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_transitions")),
    )
    op.create_index(op.f("ix_record_transitions_record_id"), "record_transitions", ["record_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_record_transitions_record_id"), table_name="record_transitions")
    op.drop_table("record_transitions")
    op.drop_index(op.f("ix_problem_records_incident_id"), table_name="problem_records")
    op.drop_index(op.f("ix_problem_records_state"), table_name="problem_records")
    op.drop_index(op.f("ix_problem_records_kind"), table_name="problem_records")
    op.drop_table("problem_records")
