"""The registry's first tables: employees, versions, campaigns, acknowledgements, tokens, events.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STAMP = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "employees",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("matricule", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("entity", sa.String(200), nullable=False),
        sa.Column("establishment", sa.String(200), nullable=False),
        sa.Column("population", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("left_at", STAMP, nullable=True),
        sa.Column("updated_at", STAMP, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_employees_active_place", "employees", ["active", "entity", "establishment"])
    op.create_table(
        "versions",
        sa.Column("version", sa.String(32), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False, unique=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("effective_date", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("previous_version", sa.String(32), nullable=True),
        sa.Column("registered_at", STAMP, nullable=False),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.String(32), sa.ForeignKey("versions.version"), nullable=False, unique=True),
        sa.Column("population", sa.String(200), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("employee_id", sa.Integer, nullable=True),
        sa.Column("version", sa.String(32), nullable=True),
        sa.Column("data", sa.Text, nullable=True),
        sa.Column("data_hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("ix_events_employee", "events", ["employee_id"])
    op.create_index("ix_events_kind", "events", ["kind"])
    op.create_table(
        "acknowledgements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("employee_id", sa.Integer, sa.ForeignKey("employees.id"), nullable=False),
        sa.Column("version", sa.String(32), sa.ForeignKey("versions.version"), nullable=False),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("carried_from_id", sa.Integer, sa.ForeignKey("acknowledgements.id"), nullable=True),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False, unique=True),
        sa.UniqueConstraint("employee_id", "version", name="uq_ack_employee_version"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ack_version_employee", "acknowledgements", ["version", "employee_id"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("employee_id", sa.Integer, sa.ForeignKey("employees.id"), nullable=False),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("expires_at", STAMP, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_tokens_employee", "tokens", ["employee_id", "campaign_id"])
    op.create_table(
        "admins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_table(
        "throttle",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_throttle_key_at", "throttle", ["key", "at"])
    op.create_table(
        "settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("settings", "throttle", "admins", "tokens", "acknowledgements", "events", "campaigns",
                  "versions", "employees"):
        op.drop_table(table)
