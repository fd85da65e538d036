"""Incidents started offline; the server's clock and database login on every action.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03

- ``incidents.uid``: the client-made id (UUIDv7) of an incident a desk started while the
  server was unreachable (kbapp.offline); unique, so replaying the start twice can never
  make two incidents. The short number people say aloud stays the server's ``id``.
- ``actions.received_at``: when the server stored the action, by the server's clock,
  beside ``at`` (the desk's clock when the engineer made it): an action that travelled
  from an offline desk carries both.
- ``actions.db_login``: on PostgreSQL, the database login (``session_user``) that stored
  the action, set by a trigger the desk cannot bypass: with one login per engineer (README,
  team mode) the server itself says who wrote each action. NULL on SQLite.

Hand-written; plain ADD COLUMNs and unique indexes, so SQLite's tables (and the
append-only triggers of 0008) stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("incidents", sa.Column("uid", sa.String(length=36), nullable=True))
    op.create_index(op.f("ix_incidents_uid"), "incidents", ["uid"], unique=True)
    op.add_column("actions", sa.Column("received_at", sa.DateTime(), nullable=True))
    op.add_column("actions", sa.Column("db_login", sa.String(length=100), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION kbapp_actions_db_login() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.db_login := session_user;
                RETURN NEW;
            END $$""")
        op.execute("CREATE TRIGGER actions_db_login BEFORE INSERT ON actions "
                   "FOR EACH ROW EXECUTE FUNCTION kbapp_actions_db_login()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER actions_db_login ON actions")
        op.execute("DROP FUNCTION kbapp_actions_db_login()")
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("db_login")
        batch.drop_column("received_at")
    op.drop_index(op.f("ix_incidents_uid"), table_name="incidents")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("uid")
