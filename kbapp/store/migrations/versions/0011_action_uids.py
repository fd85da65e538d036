"""Actions carry a client-made id (UUIDv7), unique: an action replayed from a desk's
offline outbox (kbapp.offline) is recognised and never stored twice.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

Hand-written; a plain ADD COLUMN and a unique index, so SQLite's table (and the
append-only triggers of 0008) stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("actions", sa.Column("uid", sa.String(length=36), nullable=True))
    op.create_index(op.f("ix_actions_uid"), "actions", ["uid"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_actions_uid"), table_name="actions")
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("uid")
