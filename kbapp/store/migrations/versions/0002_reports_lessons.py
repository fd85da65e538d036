"""Fault reports, lessons, playbook change proposals; incidents.mode for drills and inspections.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Hand-written: it must create exactly what kbapp/store/models.py declares.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("mode", sa.String(length=20), server_default="incident", nullable=False))
        batch.create_index(batch.f("ix_incidents_mode"), ["mode"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_reports_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("doc_id", name=op.f("uq_reports_doc_id")),
    )
    op.create_index(op.f("ix_reports_incident_id"), "reports", ["incident_id"], unique=False)

    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(length=100), nullable=False),
        sa.Column("playbook_id", sa.String(length=100), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_lessons_incident_id_incidents")),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_lessons_report_id_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
        sa.UniqueConstraint("doc_id", name=op.f("uq_lessons_doc_id")),
    )
    op.create_index(op.f("ix_lessons_playbook_id"), "lessons", ["playbook_id"], unique=False)

    op.create_table(
        "playbook_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("playbook_id", sa.String(length=100), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("base_text", sa.Text(), nullable=False),
        sa.Column("new_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("new_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], name=op.f("fk_playbook_changes_lesson_id_lessons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_changes")),
    )
    op.create_index(op.f("ix_playbook_changes_playbook_id"), "playbook_changes", ["playbook_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_playbook_changes_playbook_id"), table_name="playbook_changes")
    op.drop_table("playbook_changes")
    op.drop_index(op.f("ix_lessons_playbook_id"), table_name="lessons")
    op.drop_table("lessons")
    op.drop_index(op.f("ix_reports_incident_id"), table_name="reports")
    op.drop_table("reports")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_index(batch.f("ix_incidents_mode"))
        batch.drop_column("mode")
