"""Problem records complete (ch. 4.3, 4.4): the on-site record's time, the customer and the
system, the assignee by role, who proposed the fix, the supervisor's role and sign-off time,
the prevention, the tips given to the user and the change record.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

Hand-written: it must add exactly what kbapp/store/records_models.py declares. Existing
records keep their values; the new text columns start empty, the new times and the
customer and system start NULL (unknown).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXTS = (("assigned_role", sa.String(length=20)), ("assignee", sa.String(length=100)),
          ("proposed_by", sa.String(length=100)), ("supervisor_role", sa.String(length=100)),
          ("prevention", sa.Text()), ("tips", sa.Text()), ("change_record", sa.Text()))


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): every new column is nullable or has a server default.
    op.add_column("problem_records", sa.Column("raised_at", sa.DateTime(), nullable=True))
    op.add_column("problem_records", sa.Column("customer", sa.String(length=200), nullable=True))
    op.add_column("problem_records", sa.Column("system", sa.String(length=200), nullable=True))
    for name, type_ in _TEXTS:
        op.add_column("problem_records", sa.Column(name, type_, nullable=False, server_default=""))
    op.add_column("problem_records", sa.Column("signed_off_at", sa.DateTime(), nullable=True))
    op.create_index(op.f("ix_problem_records_customer"), "problem_records", ["customer"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_problem_records_customer"), table_name="problem_records")
    with op.batch_alter_table("problem_records") as batch:
        for name in ("signed_off_at", *(n for n, _ in reversed(_TEXTS)), "system", "customer", "raised_at"):
            batch.drop_column(name)
