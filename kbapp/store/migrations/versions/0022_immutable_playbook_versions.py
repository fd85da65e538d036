"""An approved playbook version is immutable in the database itself: an UPDATE or DELETE
of a row of ``playbook_versions`` (or a TRUNCATE, on PostgreSQL) is refused by a trigger,
on PostgreSQL and on SQLite alike, whoever runs it (a desk, a script, psql). A new
approval is a new row, unique on (playbook_id, version) since 0010, so two approvals of
one version race on that key and the text a version was approved with never changes.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04

Hand-written, as 0008 (the action log). Triggers are not part of the ORM metadata; a later
migration that rebuilds ``playbook_versions`` in batch mode on SQLite must create the two
SQLite triggers again. The server's BEFORE INSERT trigger of 0020 (``db_login``) is not
affected.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "approved playbook versions are immutable: approve a new version instead of changing or deleting one"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION kbapp_playbook_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END $$""")
        op.execute("CREATE TRIGGER playbook_versions_immutable BEFORE UPDATE OR DELETE ON playbook_versions "
                   "FOR EACH ROW EXECUTE FUNCTION kbapp_playbook_versions_immutable()")
        op.execute("CREATE TRIGGER playbook_versions_no_truncate BEFORE TRUNCATE ON playbook_versions "
                   "FOR EACH STATEMENT EXECUTE FUNCTION kbapp_playbook_versions_immutable()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER playbook_versions_no_{event.lower()} BEFORE {event} ON playbook_versions "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER playbook_versions_no_truncate ON playbook_versions")
        op.execute("DROP TRIGGER playbook_versions_immutable ON playbook_versions")
        op.execute("DROP FUNCTION kbapp_playbook_versions_immutable()")
    else:
        op.execute("DROP TRIGGER playbook_versions_no_update")
        op.execute("DROP TRIGGER playbook_versions_no_delete")
