"""Merged duplicate customers: one row per merge, with what undoing it needs.

A merge (:mod:`app.dedupe.merge`) keeps the *survivor* and removes the *merged* customer after
moving everything of theirs to the survivor. This row keeps the merged customer's record as it
was, which rows moved, what changed on the survivor and in the saved targets, so that
:func:`app.dedupe.merge.undo_merge` puts both records back exactly. The customer ids here are
plain numbers, not foreign keys: the merged customer no longer exists, and the survivor may be
merged in turn later.
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, intpk, str40, str80, str200, timestamp, utcnow


class CustomerMerge(Base):
    """One merge of two customers (the duplicates window's "Past merges")."""

    __tablename__ = "customer_merge"

    id: Mapped[intpk]
    survivor_id: Mapped[int] = mapped_column(index=True)
    merged_id: Mapped[int] = mapped_column(index=True)
    #: Names and DMS references as they were, for the list of past merges.
    survivor_name: Mapped[str200] = mapped_column(default="")
    merged_name: Mapped[str200] = mapped_column(default="")
    survivor_dms_ref: Mapped[str40] = mapped_column(default="")
    merged_dms_ref: Mapped[str40] = mapped_column(default="")
    #: Why the two were taken for one person (score 0-100 and the reasons, as shown).
    score: Mapped[int] = mapped_column(default=0)
    reasons: Mapped[str] = mapped_column(Text, default="")
    merged_at: Mapped[timestamp] = mapped_column(default=utcnow)
    who: Mapped[str80] = mapped_column(default="")
    #: JSON: the merged record, the moved rows, the survivor's changed fields, the saved
    #: targets rewritten, the alias and permission rows added (see app.dedupe.merge).
    undo_data: Mapped[str] = mapped_column(Text)
    undone_at: Mapped[timestamp | None]
    undone_by: Mapped[str80 | None]
