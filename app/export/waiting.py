"""Sends still waiting, for every channel (SMS, e-mail). No Qt here.

Before a new send is made, the window and the commands ask what to do with the messages of
earlier sends that are still waiting to leave (pending, or scheduled and their time has come:
e.g. after a crash or a cancelled run): send them, cancel them, or leave them. A message
scheduled for later (a date, the next day's allowance) is not waiting yet, and a message
whose outcome is unknown is never sent again, so neither is asked about.
:func:`waiting_sends` reads them per send; :meth:`WaitingSend.describe` names one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.i18n import format_date, ngettext


@dataclass(frozen=True)
class WaitingSend:
    """A send with messages still waiting to leave (pending or due), e.g. after a crash."""

    batch_id: int
    created_at: dt.datetime
    campaign: str
    count: int
    #: ``"sms"`` or ``"email"``: what the messages are called.
    channel: str = "sms"

    def describe(self, lang: str | None = None) -> str:
        local = self.created_at.replace(tzinfo=dt.UTC).astimezone()
        if self.channel == "email":
            text = ngettext(
                "{n} e-mail of the send of {date} at {time} ({campaign}) is still waiting",
                "{n} e-mails of the send of {date} at {time} ({campaign}) are still waiting",
                self.count,
                lang,
            )
        else:
            text = ngettext(
                "{n} message of the send of {date} at {time} ({campaign}) is still waiting",
                "{n} messages of the send of {date} at {time} ({campaign}) are still waiting",
                self.count,
                lang,
            )
        return text.format(
            n=self.count,
            date=format_date(local.date(), lang),
            time=f"{local:%H:%M}",
            campaign=self.campaign,
        )


def waiting_sends(
    session: Session, batch: Any, message: Any, due: Any, channel: str
) -> list[WaitingSend]:
    """The sends (*batch* model) whose messages (*message* model) match *due* (the channel's
    "pending or due" condition), oldest first, with how many of them wait."""
    rows = session.execute(
        select(batch.id, batch.created_at, batch.campaign, func.count(message.id))
        .join(message, message.batch_id == batch.id)
        .where(due)
        .group_by(batch.id, batch.created_at, batch.campaign)
        .order_by(batch.id)
    ).all()
    return [WaitingSend(r[0], r[1], r[2], int(r[3]), channel) for r in rows]
