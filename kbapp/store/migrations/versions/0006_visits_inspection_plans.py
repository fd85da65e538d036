"""Follow-up visits (定期回访) and scheduled inspections (巡检计划) with backup checks.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Hand-written: it must create exactly what kbapp/store/plan_models.py declares.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _who_when() -> list[sa.Column]:
    return [sa.Column("created_by", sa.String(length=100), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "visit_plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_who_when(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_plans")),
    )
    op.create_index(op.f("ix_visit_plans_customer"), "visit_plans", ["customer"], unique=False)
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("visitor", sa.String(length=100), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("satisfaction", sa.String(length=20), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        *_who_when(),
        sa.ForeignKeyConstraint(["plan_id"], ["visit_plans.id"], name=op.f("fk_visits_plan_id_visit_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    op.create_index(op.f("ix_visits_plan_id"), "visits", ["plan_id"], unique=False)
    op.create_table(
        "visit_issues",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], name=op.f("fk_visit_issues_visit_id_visits")),
        sa.ForeignKeyConstraint(["record_id"], ["problem_records.id"],
                                name=op.f("fk_visit_issues_record_id_problem_records")),
        sa.ForeignKeyConstraint(["change_id"], ["change_requests.id"],
                                name=op.f("fk_visit_issues_change_id_change_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_issues")),
    )
    op.create_index(op.f("ix_visit_issues_visit_id"), "visit_issues", ["visit_id"], unique=False)
    op.create_table(
        "inspection_plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("checklist", sa.String(length=200), nullable=False),
        sa.Column("inspector", sa.String(length=100), nullable=False),
        sa.Column("full_backup_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_who_when(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plans")),
    )
    op.create_index(op.f("ix_inspection_plans_customer"), "inspection_plans", ["customer"], unique=False)
    op.create_table(
        "inspection_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["inspection_plans.id"],
                                name=op.f("fk_inspection_runs_plan_id_inspection_plans")),
        sa.ForeignKeyConstraint(["inspection_id"], ["incidents.id"],
                                name=op.f("fk_inspection_runs_inspection_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_runs")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_inspection_runs_inspection_id")),
    )
    op.create_index(op.f("ix_inspection_runs_plan_id"), "inspection_runs", ["plan_id"], unique=False)
    op.create_table(
        "backup_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("last_good", sa.Date(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("checked_by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["inspection_plans.id"],
                                name=op.f("fk_backup_checks_plan_id_inspection_plans")),
        sa.ForeignKeyConstraint(["inspection_id"], ["incidents.id"],
                                name=op.f("fk_backup_checks_inspection_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_checks")),
    )
    op.create_index(op.f("ix_backup_checks_plan_id"), "backup_checks", ["plan_id"], unique=False)


def downgrade() -> None:
    for table in ("backup_checks", "inspection_runs", "inspection_plans", "visit_issues", "visits", "visit_plans"):
        op.drop_table(table)
