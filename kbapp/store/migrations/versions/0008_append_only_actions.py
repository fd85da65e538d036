"""The action log is append-only in the database itself: an UPDATE or DELETE of a row of
``actions`` is refused by a trigger, on PostgreSQL and on SQLite alike, whoever runs it
(another desk's older kbapp, a script, psql). A correction is a new row.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-03

Hand-written. Triggers are not part of the ORM metadata; a later migration that rebuilds
``actions`` in batch mode on SQLite must create the two SQLite triggers again.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "actions are append-only: add a correction instead of changing or deleting one"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION kbapp_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END $$""")
        op.execute("CREATE TRIGGER actions_append_only BEFORE UPDATE OR DELETE ON actions "
                   "FOR EACH ROW EXECUTE FUNCTION kbapp_actions_append_only()")
        op.execute("CREATE TRIGGER actions_no_truncate BEFORE TRUNCATE ON actions "
                   "FOR EACH STATEMENT EXECUTE FUNCTION kbapp_actions_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER actions_no_{event.lower()} BEFORE {event} ON actions "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER actions_no_truncate ON actions")
        op.execute("DROP TRIGGER actions_append_only ON actions")
        op.execute("DROP FUNCTION kbapp_actions_append_only()")
    else:
        op.execute("DROP TRIGGER actions_no_update")
        op.execute("DROP TRIGGER actions_no_delete")
