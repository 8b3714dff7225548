"""Saved targets (cibles): the definition is the target's JSON (docs/target-format.md)."""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, intpk, str80, str200, timestamp, utcnow


class SavedTarget(Base):
    """A target saved in the database: reopened with its columns, criteria, sort and removals."""

    __tablename__ = "saved_target"

    id: Mapped[intpk]
    name: Mapped[str200] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: The target as JSON, in the target file format (relative dates stay relative).
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[timestamp] = mapped_column(default=utcnow)
    last_used_at: Mapped[timestamp | None]
    #: Who saved it (operating-system user name or Cible user).
    owner: Mapped[str80] = mapped_column(default="")
