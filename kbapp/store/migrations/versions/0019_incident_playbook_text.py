"""A running incident keeps the playbook text it started with.

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-03

``incident_playbooks.text``: the playbook file's text when it was attached, so a new
version imported, approved or replaced meanwhile never changes the steps of an incident
already being worked (its step 2 stays the step 2 it had). NULL for playbooks attached
before: those follow the library, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("incident_playbooks", sa.Column("text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident_playbooks") as batch:
        batch.drop_column("text")
