"""Staged library files: a file move committed with a write, done right after it, and
finished by the recovery pass when a crash came in between (kbapp.store.staging).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staged_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("tmp_path", sa.Text(), nullable=False),
        sa.Column("remove", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_files")),
        sa.UniqueConstraint("token", name=op.f("uq_staged_files_token")),
    )
    op.create_index(op.f("ix_staged_files_owner"), "staged_files", ["owner"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_staged_files_owner"), table_name="staged_files")
    op.drop_table("staged_files")
