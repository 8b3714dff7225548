"""Loyalty programs (issue 15): programs, their runs, and every contact they made.

A :class:`Program` says who (its type's rule, or a saved target, plus extra criteria), when
(the event date of its type and an offset before or after it), how (channels in order, a
template per channel), how often (schedule) and who looks after it (owner).

A :class:`ProgramContact` records each customer a run reached, or held out in the control group,
for one *event*: the customer, the vehicle (``vehicle_key`` is the vehicle's id, 0 for a program
about the customer), the event kind and the event date. The UNIQUE key on those four columns
makes "never twice for one event" a database guarantee: a re-run, a resumed run or a second
program of the same kind cannot insert the same event again.

The rules and the processing live in :mod:`app.programs` (pure Python, no Qt).
"""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, date, intpk, str40, str80, str200, str_enum, timestamp, utcnow


class ProgramType(enum.StrEnum):
    """What a program reminds of: each type has its rule (:mod:`app.programs.rules`)."""

    PRE_WELCOME = "pre_welcome"  # order signed, vehicle not delivered yet
    WELCOME = "welcome"  # vehicle delivered
    COURTESY_CALL = "courtesy_call"  # 24-48 h after delivery
    COURTESY_6M = "courtesy_6m"  # 6 months after delivery
    ANNIVERSARY = "anniversary"  # each year after the purchase
    SERVICE = "service"  # next service due
    INSPECTION = "inspection"  # roadworthiness test (CT) due
    WARRANTY_END = "warranty_end"
    EXT_WARRANTY_END = "ext_warranty_end"
    MOBILITY_END = "mobility_end"
    THANKS_WORKSHOP = "thanks_workshop"  # after a customer workshop invoice
    THANKS_PURCHASE = "thanks_purchase"  # after a vehicle purchase (delivery)
    GREETINGS = "greetings"  # season's greetings, on a date
    NEWSLETTER = "newsletter"  # a saved target and a date


class ProgramSchedule(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"  # on ``schedule_day`` (0 = Monday)
    MONTHLY = "monthly"  # on ``schedule_day`` of the month (1-28)
    DATE = "date"  # once, on ``schedule_date``


class ContactStatus(enum.StrEnum):
    """Where one program contact stands."""

    PENDING = "pending"  # written to the SMS/e-mail journal, due now
    SCHEDULED = "scheduled"  # written to the journal, waits for its time or window
    LETTER = "letter"  # in the run's letters document
    TO_CALL = "to_call"  # on the run's call list
    CONTROL = "control"  # held out in the control group: not contacted
    CANCELLED = "cancelled"  # dropped by the channel's own checks when the run wrote it


class RunResult(enum.StrEnum):
    RUNNING = "running"  # started, not finished (a crash leaves this: the next run resumes it)
    DONE = "done"
    NOTHING = "nothing"  # nothing was due
    SKIPPED = "skipped"  # the program cannot run (reason in ``message``)
    FAILED = "failed"
    DRY_RUN = "dry_run"


class Program(Base):
    """One loyalty program (a line of the dashboard)."""

    __tablename__ = "program"

    id: Mapped[intpk]
    name: Mapped[str200] = mapped_column(unique=True)
    type: Mapped[ProgramType] = mapped_column(str_enum(ProgramType, 20))
    #: The saved target that says who (NULL: the type's rule). ``target_name`` keeps its name, so
    #: a target deleted since is reported by name.
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("saved_target.id", ondelete="SET NULL"), index=True
    )
    target_name: Mapped[str200 | None]
    #: Extra criteria on top of the rule (a criteria group in the target file format, JSON).
    criteria: Mapped[str] = mapped_column(Text, default="")
    #: Days between the event and the contact: negative = before the event.
    offset_days: Mapped[int] = mapped_column(Integer, default=0)
    #: A contact due more than this many days ago is no longer made (catch-up window).
    late_days: Mapped[int] = mapped_column(Integer, default=30)
    #: Channels in order of preference, comma-separated: ``post,email,sms,phone``.
    channels: Mapped[str80] = mapped_column(default="post")
    #: JSON ``{channel: template}``: post = .docx path, sms = text, email = {"subject", "html"}
    #: (HTML or a path to it), phone = the call script.
    templates: Mapped[str] = mapped_column(Text, default="{}")
    schedule: Mapped[ProgramSchedule] = mapped_column(
        str_enum(ProgramSchedule, 10), default=ProgramSchedule.MONTHLY
    )
    schedule_day: Mapped[int] = mapped_column(Integer, default=1)
    schedule_date: Mapped[date | None]
    owner: Mapped[str80] = mapped_column(default="")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Percentage of due customers held out at random (0 = no control group).
    control_percent: Mapped[int] = mapped_column(Integer, default=0)
    #: The type's parameters (JSON), e.g. ``{"skip_serviced_days": 60}``.
    parameters: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[timestamp] = mapped_column(default=utcnow, onupdate=utcnow)

    runs: Mapped[list[ProgramRun]] = relationship(
        back_populates="program", cascade="all, delete-orphan", order_by="ProgramRun.id"
    )


class ProgramRun(Base):
    """One processing of one program (or a dry run of it)."""

    __tablename__ = "program_run"

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True
    )
    #: The day the run processed (``--today``).
    day: Mapped[date]
    started_at: Mapped[timestamp] = mapped_column(default=utcnow)
    finished_at: Mapped[timestamp | None]
    result: Mapped[RunResult] = mapped_column(str_enum(RunResult, 10), default=RunResult.RUNNING)
    #: Why it was skipped or failed (one line, in the user's language when it ran).
    message: Mapped[str] = mapped_column(Text, default="")
    user: Mapped[str80] = mapped_column(default="")
    due: Mapped[int] = mapped_column(Integer, default=0)
    contacted: Mapped[int] = mapped_column(Integer, default=0)
    control: Mapped[int] = mapped_column(Integer, default=0)
    left_out: Mapped[int] = mapped_column(Integer, default=0)
    #: JSON: per channel, the funnel's steps and the files written.
    details: Mapped[str] = mapped_column(Text, default="{}")

    program: Mapped[Program] = relationship(back_populates="runs")


class ProgramContact(Base):
    """One customer reached (or held out) by a program run for one event. See the module doc."""

    __tablename__ = "program_contact"
    __table_args__ = (
        UniqueConstraint(
            "customer_id",
            "vehicle_key",
            "event_kind",
            "event_date",
            name="uq_program_contact_event",
        ),
        Index("ix_program_contact_customer_id_contact_date", "customer_id", "contact_date"),
    )

    id: Mapped[intpk]
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("program.id", ondelete="SET NULL"), index=True
    )
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_run.id", ondelete="SET NULL"), index=True
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    vehicle_id: Mapped[int | None] = mapped_column(
        ForeignKey("vehicle.id", ondelete="SET NULL"), index=True
    )
    #: The vehicle's id, 0 for an event about the customer (part of the unique key: never NULL).
    vehicle_key: Mapped[int] = mapped_column(Integer, default=0)
    event_kind: Mapped[str40]
    event_date: Mapped[date]
    contact_date: Mapped[date] = mapped_column(index=True)
    #: post, email, sms or phone; NULL for the control group.
    channel: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[ContactStatus] = mapped_column(str_enum(ContactStatus, 10), index=True)
    is_control: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str200 | None]
    sms_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_message.id", ondelete="SET NULL"), index=True
    )
    email_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("email_message.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)


__all__ = [
    "ContactStatus",
    "Program",
    "ProgramContact",
    "ProgramRun",
    "ProgramSchedule",
    "ProgramType",
    "RunResult",
]
