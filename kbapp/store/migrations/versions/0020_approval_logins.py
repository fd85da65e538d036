"""The server's database login on approvals and sign-offs, as on actions (0016).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03

- ``playbook_versions.db_login``: who approved the version (an approval makes the row).
- ``playbook_changes.decided_db_login``: who approved or rejected the proposed change.
- ``record_transitions.db_login``: who moved a problem record, its supervisor's sign-off
  included.
- ``change_events.db_login``: who moved a change request (its approval included).

On PostgreSQL each is set by a trigger with ``session_user`` (the desk cannot set it):
with a login per engineer (README, team mode) the server itself says who approved and who
signed off. NULL on SQLite. Hand-written; plain ADD COLUMNs.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSERTED = ("playbook_versions", "record_transitions", "change_events")


def upgrade() -> None:
    for table in INSERTED:
        op.add_column(table, sa.Column("db_login", sa.String(length=100), nullable=True))
    op.add_column("playbook_changes", sa.Column("decided_db_login", sa.String(length=100), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        for table in INSERTED:  # the function of 0016: NEW.db_login := session_user
            op.execute(f"CREATE TRIGGER {table}_db_login BEFORE INSERT ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION kbapp_actions_db_login()")
        op.execute("""
            CREATE FUNCTION kbapp_decided_db_login() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.decided_by IS NOT NULL AND NEW.decided_by IS DISTINCT FROM OLD.decided_by
                   OR NEW.status IS DISTINCT FROM OLD.status THEN
                    NEW.decided_db_login := session_user;
                ELSE
                    NEW.decided_db_login := OLD.decided_db_login;
                END IF;
                RETURN NEW;
            END $$""")
        op.execute("CREATE TRIGGER playbook_changes_decided_db_login BEFORE UPDATE ON playbook_changes "
                   "FOR EACH ROW EXECUTE FUNCTION kbapp_decided_db_login()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER playbook_changes_decided_db_login ON playbook_changes")
        op.execute("DROP FUNCTION kbapp_decided_db_login()")
        for table in INSERTED:
            op.execute(f"DROP TRIGGER {table}_db_login ON {table}")
    with op.batch_alter_table("playbook_changes") as batch:
        batch.drop_column("decided_db_login")
    for table in INSERTED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("db_login")
