"""E-mail: sends (batches), the journal of every message, invalid addresses (issue 14).

Every message is a row of :class:`EmailMessage` written before it leaves, with the
``Message-ID`` Cible chose for it (see :mod:`app.export.email.sender`). Its ``status`` moves:

    scheduled ──(its time comes)──► pending ──► claimed ──► in_data ──► sent
                                       │           │           ├──────► failed (refused)
                                       │           │           └──────► unknown (session died
                                       │           │                    after DATA: never re-sent)
                                       │           └──► pending again (its sender died before DATA)
                                       └──► cancelled (refusal since, user cancel) / failed

E-mail settings (server, limits, per-site sender) are one JSON value in the ``setting`` table
under ``email``; the SMTP password lives in the OS keyring, never in the database.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, intpk, str20, str80, str200, str_enum, utcnow


class EmailKind(enum.StrEnum):
    """Marketing messages need a legal basis and carry the unsubscribe line and headers."""

    MARKETING = "marketing"
    SERVICE = "service"


class EmailStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # deferred: waits for its time (or the next day's allowance)
    PENDING = "pending"  # due, not handed to the server yet
    CLAIMED = "claimed"  # a sender took it; the server has not seen its content yet
    IN_DATA = "in_data"  # its content is being handed over (SMTP DATA)
    SENT = "sent"  # the server accepted it
    UNKNOWN = "unknown"  # the session died after DATA: maybe sent; never re-sent blindly
    FAILED = "failed"
    CANCELLED = "cancelled"


#: Statuses that still need the sender.
OPEN_STATUSES = (EmailStatus.SCHEDULED, EmailStatus.PENDING, EmailStatus.CLAIMED)
#: Statuses that count as "contacted" for the recent-contact step of the funnel.
COUNTED_STATUSES = (
    EmailStatus.SCHEDULED,
    EmailStatus.PENDING,
    EmailStatus.CLAIMED,
    EmailStatus.IN_DATA,
    EmailStatus.SENT,
    EmailStatus.UNKNOWN,
)


class EmailTemplate(Base):
    """A named e-mail: subject and HTML body with merge fields."""

    __tablename__ = "email_template"

    id: Mapped[intpk]
    name: Mapped[str80] = mapped_column(unique=True)
    kind: Mapped[EmailKind] = mapped_column(str_enum(EmailKind, 12))
    subject: Mapped[str200]
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    images: Mapped[list[EmailTemplateImage]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="EmailTemplateImage.id",
    )


class EmailTemplateImage(Base):
    """An image a template shows inline (``<img src="cid:CID">``), stored with it and sent as
    a part of the message (multipart/related)."""

    __tablename__ = "email_template_image"
    __table_args__ = (UniqueConstraint("template_id", "cid"),)

    id: Mapped[intpk]
    template_id: Mapped[int] = mapped_column(
        ForeignKey("email_template.id", ondelete="CASCADE"), index=True
    )
    #: The content id, without ``cid:`` and angle brackets.
    cid: Mapped[str80]
    #: MIME subtype of an ``image/…``: png, jpeg or gif.
    subtype: Mapped[str20]
    data: Mapped[bytes] = mapped_column(LargeBinary)

    template: Mapped[EmailTemplate] = relationship(back_populates="images")


class EmailBatch(Base):
    """One send: an e-mail to the recipients of a target."""

    __tablename__ = "email_batch"

    id: Mapped[intpk]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user: Mapped[str80] = mapped_column(default="")
    campaign: Mapped[str80] = mapped_column(index=True)
    kind: Mapped[EmailKind] = mapped_column(str_enum(EmailKind, 12))
    template_name: Mapped[str80 | None]
    subject: Mapped[str200]
    #: The template as it was at sending time (merge fields not filled).
    html: Mapped[str] = mapped_column(Text)
    target_name: Mapped[str200 | None]
    requested_for: Mapped[dt.datetime | None]
    #: The recipient funnel at creation (JSON: step, label, count).
    funnel: Mapped[str] = mapped_column(Text, default="[]")

    messages: Mapped[list[EmailMessage]] = relationship(back_populates="batch")


class EmailMessage(Base):
    """The journal: one e-mail to one address."""

    __tablename__ = "email_message"
    __table_args__ = (Index("ix_email_message_status_scheduled_for", "status", "scheduled_for"),)

    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(ForeignKey("email_batch.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    vehicle_id: Mapped[int | None] = mapped_column(
        ForeignKey("vehicle.id", ondelete="SET NULL"), index=True
    )
    customer_name: Mapped[str200] = mapped_column(default="")
    #: Normalised (trimmed, lower case).
    address: Mapped[str200] = mapped_column(index=True)
    site_code: Mapped[str20 | None]
    #: Chosen by Cible before sending, without the angle brackets.
    message_id: Mapped[str200] = mapped_column(unique=True)
    #: The unsubscribe token of this message (mailto subject and one-click URL).
    token: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str200]
    status: Mapped[EmailStatus] = mapped_column(str_enum(EmailStatus, 12), index=True)
    reason: Mapped[str200 | None]
    scheduled_for: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: ``host:pid:token`` of the sender that claimed it.
    claimed_by: Mapped[str200 | None]
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    user: Mapped[str80] = mapped_column(default="")

    batch: Mapped[EmailBatch] = relationship(back_populates="messages")
    body: Mapped[EmailContent] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class EmailContent(Base):
    """The complete message (RFC 5322 bytes as text) built when the send was written. Apart
    from :class:`EmailMessage`, whose small row changes three times as the message leaves."""

    __tablename__ = "email_content"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("email_message.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[str] = mapped_column(Text)


class InvalidEmail(Base):
    """An address a server reported as not existing (hard bounce): left out of e-mail sends."""

    __tablename__ = "email_invalid"

    address: Mapped[str] = mapped_column(String(200), primary_key=True)
    since: Mapped[dt.date]
    reason: Mapped[str200]
    source: Mapped[str80]
