"""Client-made ids on the written documents, so a desk can write them offline (kbapp.desk_writes).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03

``uid`` (UUIDv7, unique, NULL on rows made before) on ``lessons``, ``problem_records``,
``record_transitions``, ``change_requests`` and ``change_events``: a lesson, a problem
record and its moves, a change request and its moves written on a desk whose server was
unreachable keep the id the desk made them under; when the outbox replays them the server
recognises one it has already (a replay after a crash) and stores nothing twice. The
server alone gives the short number. (A report needs none: every submission logs an
action on its incident, and actions have had a uid since 0016.)

Hand-written; plain ADD COLUMNs and unique indexes, so SQLite's tables are not rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("lessons", "problem_records", "record_transitions", "change_requests", "change_events")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("uid", sa.String(length=36), nullable=True))
        op.create_index(op.f(f"ix_{table}_uid"), table, ["uid"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_uid"), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("uid")
