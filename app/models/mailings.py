"""Saved Word mailings: a named letter or label run per target ("Mailing Word réalisé", issue 5).

A mailing remembers what built it — the template, whether letters or labels, the options — so
that it can be run again later with the target's current data. Names are unique per target;
saving under an existing name is refused unless the caller asks to overwrite
(:class:`MailingExists`), so the dialog can warn first.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.errors import CibleError
from app.i18n import _
from app.models.base import Base, intpk, str200, timestamp, utcnow


class SavedMailing(Base):
    """A named mailing of a target: template, letters or labels, options, output file."""

    __tablename__ = "saved_mailing"
    __table_args__ = (UniqueConstraint("target_name", "name"),)

    id: Mapped[intpk]
    #: The target's name ("" for a target that was never saved).
    target_name: Mapped[str200] = mapped_column(index=True)
    name: Mapped[str200]
    description: Mapped[str] = mapped_column(Text, default="")
    #: The .docx template (absolute path); empty for labels with the plain address block.
    template_path: Mapped[str] = mapped_column(Text, default="")
    #: Where the merged document was written (absolute path).
    output_path: Mapped[str] = mapped_column(Text, default="")
    #: JSON: labels layout, offset, per_vehicle, household, contacted_within_days, pdf...
    options: Mapped[str] = mapped_column(Text, default="{}")
    letter_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)
    #: When it was last saved or run.
    updated_at: Mapped[timestamp] = mapped_column(default=utcnow)

    @property
    def option_values(self) -> dict[str, Any]:
        try:
            value = json.loads(self.options or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


class MailingExists(CibleError):
    """A mailing of this target already has this name."""

    def __init__(self, target_name: str, name: str) -> None:
        self.target_name = target_name
        self.name = name
        super().__init__(
            f"A mailing named {name!r} already exists for this target. Choose another name "
            "or replace it."
        )


def list_mailings(session: Session, target_name: str) -> list[SavedMailing]:
    """The target's saved mailings, most recent first."""
    query = (
        select(SavedMailing)
        .where(SavedMailing.target_name == target_name)
        .order_by(SavedMailing.updated_at.desc(), SavedMailing.id.desc())
    )
    return list(session.scalars(query))


def find_mailing(session: Session, target_name: str, name: str) -> SavedMailing | None:
    query = select(SavedMailing).where(
        SavedMailing.target_name == target_name, SavedMailing.name == name.strip()
    )
    return session.scalars(query).first()


def save_mailing(
    session: Session,
    *,
    target_name: str,
    name: str,
    description: str = "",
    template_path: str = "",
    output_path: str = "",
    options: dict[str, Any] | None = None,
    letter_count: int = 0,
    overwrite: bool = False,
) -> SavedMailing:
    """Save (or, with ``overwrite=True``, replace) a mailing; :class:`MailingExists` otherwise."""
    name = name.strip()
    if not name:
        raise CibleError(_("A mailing needs a name."))
    if len(name) > 200:
        raise CibleError(_("A mailing's name must be at most 200 characters long."))
    existing = find_mailing(session, target_name, name)
    if existing is not None and not overwrite:
        raise MailingExists(target_name, name)
    mailing = existing or SavedMailing(target_name=target_name, name=name, created_at=utcnow())
    mailing.description = description
    mailing.template_path = template_path
    mailing.output_path = output_path
    mailing.options = json.dumps(options or {}, ensure_ascii=False, sort_keys=True)
    mailing.letter_count = letter_count
    mailing.updated_at = utcnow()
    if existing is None:
        session.add(mailing)
    session.flush()
    return mailing


def delete_mailing(session: Session, mailing_id: int) -> None:
    mailing = session.get(SavedMailing, mailing_id)
    if mailing is not None:
        session.delete(mailing)
