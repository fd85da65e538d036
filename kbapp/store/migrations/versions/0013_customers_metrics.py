"""Customers and their systems; the customer and system of an incident; the metrics' facts.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

Hand-written: it must create exactly what kbapp/store/customer_models.py and
metrics_models.py declare. An incident logged with ``--customer`` before this revision
kept the name only in its creation action: it is copied into the new column.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEADLINES = ("response", "plan", "emergency_plan", "resolution", "report")


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("customer", sa.String(length=200), server_default="", nullable=False))
        batch.add_column(sa.Column("system", sa.String(length=200), server_default="", nullable=False))
        batch.create_index(batch.f("ix_incidents_customer"), ["customer"], unique=False)
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("warranty_years", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("name", name=op.f("uq_customers_name")),
    )
    op.create_table(
        "customer_systems",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_systems_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_systems")),
        sa.UniqueConstraint("customer_id", "name", name=op.f("uq_customer_systems_customer_id")),
    )
    op.create_index(op.f("ix_customer_systems_customer_id"), "customer_systems", ["customer_id"], unique=False)
    deadline_columns: list[sa.Column[object]] = []
    for key in DEADLINES:
        deadline_columns += [sa.Column(f"{key}_due", sa.Float(), nullable=True),
                             sa.Column(f"{key}_ok", sa.SmallInteger(), nullable=True)]
    op.create_table(
        "incident_facts",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("level", sa.String(length=3), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("response_s", sa.Float(), nullable=True),
        sa.Column("resolve_s", sa.Float(), nullable=True),
        sa.Column("solved_once", sa.Boolean(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        *deadline_columns,
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_incident_facts_incident_id_incidents")),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_facts")),
    )
    op.create_index(op.f("ix_incident_facts_notified_at"), "incident_facts", ["notified_at"], unique=False)
    op.create_table(
        "incident_fact_playbooks",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("playbook_id", sa.String(length=100), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"],
                                name=op.f("fk_incident_fact_playbooks_incident_id_incidents")),
        sa.PrimaryKeyConstraint("incident_id", "playbook_id", name=op.f("pk_incident_fact_playbooks")),
    )
    op.create_table(
        "incident_step_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("playbook_id", sa.String(length=100), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"],
                                name=op.f("fk_incident_step_outcomes_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_step_outcomes")),
    )
    op.create_index(op.f("ix_incident_step_outcomes_incident_id"), "incident_step_outcomes", ["incident_id"],
                    unique=False)
    op.create_table(
        "metrics_state",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_metrics_state")),
    )
    _copy_customers()


def _copy_customers() -> None:
    """The customer named in each incident's creation action, into its new column."""
    bind = op.get_bind()
    actions = sa.table("actions", sa.column("incident_id", sa.Integer()), sa.column("kind", sa.String()),
                       sa.column("payload", sa.JSON()))
    incidents = sa.table("incidents", sa.column("id", sa.Integer()), sa.column("customer", sa.String()))
    named = {}
    for incident_id, payload in bind.execute(sa.select(actions.c.incident_id, actions.c.payload)
                                             .where(actions.c.kind == "created")):
        customer = (payload or {}).get("customer") if isinstance(payload, dict) else None
        if customer:
            named[incident_id] = str(customer)[:200]
    for incident_id, customer in named.items():
        bind.execute(incidents.update().where(incidents.c.id == incident_id).values(customer=customer))


def downgrade() -> None:
    op.drop_table("metrics_state")
    op.drop_index(op.f("ix_incident_step_outcomes_incident_id"), table_name="incident_step_outcomes")
    op.drop_table("incident_step_outcomes")
    op.drop_table("incident_fact_playbooks")
    op.drop_index(op.f("ix_incident_facts_notified_at"), table_name="incident_facts")
    op.drop_table("incident_facts")
    op.drop_index(op.f("ix_customer_systems_customer_id"), table_name="customer_systems")
    op.drop_table("customer_systems")
    op.drop_table("customers")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_index(batch.f("ix_incidents_customer"))
        batch.drop_column("system")
        batch.drop_column("customer")
