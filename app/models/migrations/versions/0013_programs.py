"""Loyalty programs, their runs and their contacts (issue 15)

Revision ID: 0013
Revises: 0012

``program_contact`` has a UNIQUE key on (customer, vehicle_key, event kind, event date): the
database itself refuses a second contact for one event. Names stay under PostgreSQL's 63
characters.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "pre_welcome",
                "welcome",
                "courtesy_call",
                "courtesy_6m",
                "anniversary",
                "service",
                "inspection",
                "warranty_end",
                "ext_warranty_end",
                "mobility_end",
                "thanks_workshop",
                "thanks_purchase",
                "greetings",
                "newsletter",
                name="programtype",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_name", sa.String(length=200), nullable=True),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("late_days", sa.Integer(), nullable=False),
        sa.Column("channels", sa.String(length=80), nullable=False),
        sa.Column("templates", sa.Text(), nullable=False),
        sa.Column(
            "schedule",
            sa.Enum(
                "daily",
                "weekly",
                "monthly",
                "date",
                name="programschedule",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("schedule_day", sa.Integer(), nullable=False),
        sa.Column("schedule_date", sa.Date(), nullable=True),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("control_percent", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["saved_target.id"],
            name=op.f("fk_program_target_id_saved_target"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program")),
        sa.UniqueConstraint("name", name=op.f("uq_program_name")),
    )
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_target_id"), ["target_id"], unique=False)

    op.create_table(
        "program_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column(
            "result",
            sa.Enum(
                "running",
                "done",
                "nothing",
                "skipped",
                "failed",
                "dry_run",
                name="runresult",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.Column("contacted", sa.Integer(), nullable=False),
        sa.Column("control", sa.Integer(), nullable=False),
        sa.Column("left_out", sa.Integer(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_program_run_program_id_program"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_run")),
    )
    with op.batch_alter_table("program_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_run_program_id"), ["program_id"], unique=False)

    op.create_table(
        "program_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("vehicle_key", sa.Integer(), nullable=False),
        sa.Column("event_kind", sa.String(length=40), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "scheduled",
                "letter",
                "to_call",
                "control",
                "cancelled",
                name="contactstatus",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("is_control", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("sms_message_id", sa.Integer(), nullable=True),
        sa.Column("email_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_program_contact_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["email_message_id"],
            ["email_message.id"],
            name=op.f("fk_program_contact_email_message_id_email_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_program_contact_program_id_program"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["program_run.id"],
            name=op.f("fk_program_contact_run_id_program_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sms_message_id"],
            ["sms_message.id"],
            name=op.f("fk_program_contact_sms_message_id_sms_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicle.id"],
            name=op.f("fk_program_contact_vehicle_id_vehicle"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_contact")),
        sa.UniqueConstraint(
            "customer_id",
            "vehicle_key",
            "event_kind",
            "event_date",
            name="uq_program_contact_event",
        ),
    )
    with op.batch_alter_table("program_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_contact_contact_date"), ["contact_date"], unique=False
        )
        batch_op.create_index(
            "ix_program_contact_customer_id_contact_date",
            ["customer_id", "contact_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_program_contact_program_id"), ["program_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_program_contact_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_contact_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_program_contact_sms_message_id"), ["sms_message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_program_contact_email_message_id"), ["email_message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_program_contact_vehicle_id"), ["vehicle_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("program_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_contact_vehicle_id"))
        batch_op.drop_index(batch_op.f("ix_program_contact_email_message_id"))
        batch_op.drop_index(batch_op.f("ix_program_contact_sms_message_id"))
        batch_op.drop_index(batch_op.f("ix_program_contact_status"))
        batch_op.drop_index(batch_op.f("ix_program_contact_run_id"))
        batch_op.drop_index(batch_op.f("ix_program_contact_program_id"))
        batch_op.drop_index("ix_program_contact_customer_id_contact_date")
        batch_op.drop_index(batch_op.f("ix_program_contact_contact_date"))

    op.drop_table("program_contact")
    with op.batch_alter_table("program_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_run_program_id"))

    op.drop_table("program_run")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_target_id"))

    op.drop_table("program")
