"""Team mode: the change log every desk copies from (its cursor is the last id it saw),
approved playbook versions as immutable rows, and imported documents in the database.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Hand-written: it must create exactly what kbapp/store/team_models.py declares. What was
written before this revision is entered in the change log once, so a new desk copies it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    op.create_table(
        "playbook_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("playbook_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rel_path", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["change_id"], ["playbook_changes.id"],
                                name=op.f("fk_playbook_versions_change_id_playbook_changes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_versions")),
        sa.UniqueConstraint("playbook_id", "version", name=op.f("uq_playbook_versions_playbook_id")),
    )
    op.create_table(
        "shared_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rel_path", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_documents")),
        sa.UniqueConstraint("rel_path", name=op.f("uq_shared_documents_rel_path")),
    )
    # What exists already, once, in a stable order (a new desk copies it on its first sync).
    ref = "CAST(id AS VARCHAR(200))"
    for kind, table, when in (("report", "reports", "submitted_at"), ("lesson", "lessons", "created_at"),
                              ("record", "problem_records", "created_at")):
        op.execute(f"INSERT INTO change_log (kind, ref, at) SELECT '{kind}', {ref}, {when} FROM {table} ORDER BY id")
    op.execute(f"INSERT INTO change_log (kind, ref, at) SELECT 'incident', {ref}, updated_at FROM incidents "
               "WHERE mode = 'incident' AND resolved_at IS NOT NULL ORDER BY id")


def downgrade() -> None:
    for table in ("shared_documents", "playbook_versions", "change_log"):
        op.drop_table(table)
