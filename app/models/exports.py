"""Saved Excel exports: a named workbook per target that can be refreshed later (issue 5)."""

from __future__ import annotations

from sqlalchemy import Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, intpk, str200, timestamp, utcnow


class SavedExcelExport(Base):
    """A named Excel export of a target ("Document Excel réalisé").

    ``definition`` is the target as it was exported (target file format), so "open and refresh
    data" re-runs exactly what built the workbook; the mailing options are kept with it.
    """

    __tablename__ = "saved_excel_export"
    __table_args__ = (UniqueConstraint("target_name", "name"),)

    id: Mapped[intpk]
    #: The target's name when exported ("" for a target that was never saved).
    target_name: Mapped[str200] = mapped_column(index=True)
    name: Mapped[str200]
    description: Mapped[str] = mapped_column(Text, default="")
    #: Where the workbook was written (absolute path).
    file_path: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text)
    for_mailing: Mapped[bool] = mapped_column(default=False)
    household: Mapped[bool] = mapped_column(default=False)
    contacted_within_days: Mapped[int | None]
    row_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)
    #: When the workbook was last written or refreshed.
    updated_at: Mapped[timestamp] = mapped_column(default=utcnow)
