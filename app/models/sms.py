"""SMS: templates, sends (batches) and the log of every message (issue 6).

Every message is a row of :class:`SmsMessage` with a unique ``idempotency_key``, written before
it is handed to a gateway (see ``app.export.sms.sender``). Its ``status`` moves:

    scheduled ──(its time comes)──► pending ──► sent ──► delivered     (scheduled ──► expired)
                                       │          └────► failed
                                       ├──► exported (outbox file) ──► delivered / failed
                                       ├──► unknown (no answer) ──► sent / failed (provider
                                       │      asked by reference) or a person decides
                                       ├──► failed / cancelled
                                       └──► expired (not handed over within N days of its
                                              time: final, never sent)

SMS settings (sender name, opt-out mention, price per segment, send windows, gateway
configuration without secrets) are one JSON value in the ``setting`` table under ``sms``;
gateway secrets live in the OS keyring, never in the database.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, intpk, str20, str80, str200, str_enum, utcnow


class SmsKind(enum.StrEnum):
    """Marketing messages need a legal basis, the send window and an opt-out mention."""

    MARKETING = "marketing"
    SERVICE = "service"


class SmsStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # deferred: waits for its time (send-pending)
    PENDING = "pending"  # due: written, being handed to the gateway
    SENT = "sent"  # accepted by the gateway
    EXPORTED = "exported"  # written to an outbox file for the provider's portal
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"  # never handed to a gateway (refusal since, user cancel)
    #: Handed to the provider, no answer (timeout, lost connection, crash): it may have gone.
    #: Never handed again by Cible; asked from the provider by reference, else a person decides.
    UNKNOWN = "unknown"
    #: Scheduled or pending, never handed over, and its time is past by more than the SMS
    #: setting's number of days (the computer was off, the send was left waiting): final,
    #: never sent afterwards.
    EXPIRED = "expired"


#: Statuses that still need the sender.
OPEN_STATUSES = (SmsStatus.SCHEDULED, SmsStatus.PENDING)


class SmsTemplate(Base):
    """A named message with merge fields such as ``{civilité} {nom}``."""

    __tablename__ = "sms_template"

    id: Mapped[intpk]
    name: Mapped[str80] = mapped_column(unique=True)
    kind: Mapped[SmsKind] = mapped_column(str_enum(SmsKind, 12))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SmsBatch(Base):
    """One send: a message to the recipients of a target, now or at a date."""

    __tablename__ = "sms_batch"

    id: Mapped[intpk]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user: Mapped[str80] = mapped_column(default="")
    #: The campaign name shown in the log and in the contact history.
    campaign: Mapped[str80] = mapped_column(index=True)
    kind: Mapped[SmsKind] = mapped_column(str_enum(SmsKind, 12))
    template_name: Mapped[str80 | None]
    #: The template text as it was at sending time (merge fields not filled).
    body: Mapped[str] = mapped_column(Text)
    target_name: Mapped[str200 | None]
    #: The time the user asked for (UTC); ``None``: now.
    requested_for: Mapped[dt.datetime | None]
    #: ``http`` or ``outbox``.
    gateway: Mapped[str20]
    #: The recipient funnel at creation (JSON: step, label, count).
    funnel: Mapped[str] = mapped_column(Text, default="[]")

    messages: Mapped[list[SmsMessage]] = relationship(back_populates="batch")


class SmsMessage(Base):
    """The log: one SMS to one number."""

    __tablename__ = "sms_message"
    __table_args__ = (Index("ix_sms_message_status_scheduled_for", "status", "scheduled_for"),)

    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(ForeignKey("sms_batch.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    vehicle_id: Mapped[int | None] = mapped_column(
        ForeignKey("vehicle.id", ondelete="SET NULL"), index=True
    )
    #: Customer's name when sent (kept if the customer is deleted later).
    customer_name: Mapped[str200] = mapped_column(default="")
    #: E.164.
    phone: Mapped[str20] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(Text)
    encoding: Mapped[str] = mapped_column(String(8))
    segments: Mapped[int]
    #: Sent to the gateway with the message: the provider never sends one key twice.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[SmsStatus] = mapped_column(str_enum(SmsStatus, 12), index=True)
    reason: Mapped[str200 | None]
    #: Send-window market (FR, CH, CA-QC, EE).
    market: Mapped[str] = mapped_column(String(8), default="FR")
    #: Deferred date (UTC): not handed to the gateway before.
    scheduled_for: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Last time it was handed to the gateway (UTC).
    handed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    delivered_at: Mapped[dt.datetime | None]
    #: The provider's message id.
    provider_id: Mapped[str80 | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    user: Mapped[str80] = mapped_column(default="")

    batch: Mapped[SmsBatch] = relationship(back_populates="messages")


class SmsReply(Base):
    """A reply received from a phone (read from the provider or a report file).

    Opt-out replies (STOP and its equivalents) are applied at once; the others wait in the SMS
    log for a person to read them (``handled_at`` set when they have).
    """

    __tablename__ = "sms_reply"
    __table_args__ = (
        UniqueConstraint("phone", "received_at", "text_hash", name="uq_sms_reply_phone"),
    )

    id: Mapped[intpk]
    #: E.164 when it could be read, else as the provider gave it.
    phone: Mapped[str20] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(Text)
    #: Identifies the text for the uniqueness of a reply read twice.
    text_hash: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[dt.datetime | None]
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    is_stop: Mapped[bool] = mapped_column(default=False)
    #: Where it came from: the provider's kind, or "report".
    source: Mapped[str80] = mapped_column(default="")
    #: When a person marked it as read (``None``: waiting in the SMS log).
    handled_at: Mapped[dt.datetime | None]
