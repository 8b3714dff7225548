"""Reading the site's mailbox over IMAP: unsubscribe requests and hard bounces. No Qt here.

:func:`process_mailbox` looks at the unread messages of the mailbox (IMAPClient, logged in):

* an **unsubscribe request**: a message whose subject or text holds a Cible unsubscribe token
  (``unsubscribe <token>``, as the ``mailto:`` link of every marketing e-mail writes it), or
  whose subject is only "unsubscribe" / "désinscription" / "STOP" from an address Cible wrote
  to. The customer's e-mail refusal is recorded with the message's date and the source
  ``E-mail unsubscribe`` (:func:`app.models.permissions.record_refusal`), the address goes on
  the e-mail suppression list, and its open messages are cancelled;
* a **hard bounce** (a delivery status notification, RFC 3464, read with flufl.bounce): each
  permanently failed address is recorded as invalid (:class:`~app.models.email.InvalidEmail`)
  and left out of later sends; temporary failures are ignored.

Each message handled is flagged ``\\Seen`` (and ``$CibleDone``) so it is read once.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
from dataclasses import dataclass, field
from typing import Any

from flufl.bounce import all_failures
from sqlalchemy import select

from app.export.email.message import token_in
from app.export.email.settings import EmailSettings, EmailSettingsError, get_password
from app.i18n import _
from app.models import permissions
from app.models.db import Database
from app.models.dealership import Customer
from app.models.email import EmailMessage, EmailStatus, InvalidEmail
from app.models.enums import Channel

UNSUBSCRIBE_SOURCE = "E-mail unsubscribe"
BOUNCE_SOURCE = "E-mail bounce"
DONE_FLAG = b"$CibleDone"
_WORDS = {"unsubscribe", "désinscription", "desinscription", "désabonnement", "stop"}


@dataclass
class MailboxSummary:
    unsubscribed: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    ignored: int = 0


def _text_of(msg: email.message.EmailMessage) -> str:
    part = msg.get_body(("plain", "html"))
    try:
        return part.get_content() if part is not None else ""
    except (LookupError, ValueError):
        return ""


def _date_of(msg: email.message.EmailMessage) -> dt.date:
    try:
        when = email.utils.parsedate_to_datetime(str(msg["Date"]))
        return when.date()
    except (TypeError, ValueError, IndexError):
        return dt.date.today()


def unsubscribe(session: Any, address: str, day: dt.date, source: str = UNSUBSCRIBE_SOURCE) -> int:
    """*address* no longer receives e-mail: refusal for every customer holding it (date and
    source), the address on the suppression list, open messages cancelled. Returns how many
    customers were newly opted out."""
    address = permissions.normalise_email(address)
    if not address:
        return 0
    permissions.suppress_email(session, address, Channel.EMAIL, day, source)
    count = 0
    ids = set(
        session.scalars(
            select(EmailMessage.customer_id).where(
                EmailMessage.address == address, EmailMessage.customer_id.is_not(None)
            )
        )
    )
    for customer in session.scalars(select(Customer).where(Customer.email.is_not(None))):
        if permissions.normalise_email(customer.email) == address:
            ids.add(customer.id)
    for customer in session.scalars(select(Customer).where(Customer.id.in_(ids))):
        if not customer.optout_email:
            permissions.record_refusal(session, customer, Channel.EMAIL, day, source)
            count += 1
    for message in session.scalars(
        select(EmailMessage).where(
            EmailMessage.address == address,
            EmailMessage.status.in_((EmailStatus.SCHEDULED, EmailStatus.PENDING)),
        )
    ):
        message.status = EmailStatus.CANCELLED
        message.reason = _("unsubscribed by e-mail")[:200]
    return count


def mark_invalid(
    session: Any, address: str, day: dt.date, reason: str, source: str = BOUNCE_SOURCE
) -> None:
    address = permissions.normalise_email(address)
    if not address:
        return
    row = session.get(InvalidEmail, address)
    if row is None:
        session.add(InvalidEmail(address=address, since=day, reason=reason[:200], source=source))


def handle_message(session: Any, raw: bytes, summary: MailboxSummary) -> bool:
    """Act on one message of the mailbox; ``True`` if it was an unsubscribe or a bounce."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    day = _date_of(msg)
    temporary, permanent = all_failures(email.message_from_bytes(raw))
    if permanent:
        for value in permanent:
            address = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
            mark_invalid(session, address, day, _("permanent delivery failure"))
            summary.invalid.append(permissions.normalise_email(address))
        return True
    if temporary:
        return True  # a delay notice: nothing to change
    subject = str(msg["Subject"] or "")
    token = token_in(subject) or token_in(_text_of(msg))
    address = ""
    if token:
        found = session.scalar(select(EmailMessage.address).where(EmailMessage.token == token))
        address = found or ""
    if not address and " ".join(subject.lower().split()) in _WORDS:
        sender = email.utils.parseaddr(str(msg["From"] or ""))[1]
        known = session.scalar(
            select(EmailMessage.id).where(EmailMessage.address == permissions.normalise_email(sender))
        )
        address = sender if known else ""
    if not address:
        return False
    unsubscribe(session, address, day)
    summary.unsubscribed.append(permissions.normalise_email(address))
    return True


def process_mailbox(database: Database, client: Any, folder: str = "INBOX") -> MailboxSummary:
    """Handle the unread messages of *folder* (see the module docstring)."""
    summary = MailboxSummary()
    client.select_folder(folder)
    uids = client.search(["UNSEEN"])
    # PEEK: a message Cible does not act on stays unread for the people reading the mailbox
    for uid, data in client.fetch(uids, ["BODY.PEEK[]"]).items():
        with database.session() as session:
            handled = handle_message(session, data[b"BODY[]"], summary)
        if handled:
            client.add_flags([uid], [b"\\Seen", DONE_FLAG])
        else:
            summary.ignored += 1
    return summary


def check_mailbox(
    database: Database, settings: EmailSettings, password: str | None = None, timeout: float = 30
) -> MailboxSummary:
    """Log in to the site's mailbox (the IMAP settings; the SMTP login and its keyring
    password) and handle its unread messages. :class:`EmailSettingsError` with one line when
    the mailbox cannot be used."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError, LoginError

    host = settings.imap_host.strip() or settings.host.strip()
    if not host or not settings.username.strip():
        raise EmailSettingsError(
            _("Set the mailbox (IMAP server and login) in the e-mail settings.")
        )
    password = password if password is not None else get_password(settings.username)
    if password is None:
        raise EmailSettingsError(
            _("No password is stored for {user}: enter it in the e-mail settings.").format(
                user=settings.username
            )
        )
    try:
        client = IMAPClient(host, port=settings.imap_port, ssl=settings.imap_ssl, timeout=timeout)
    except (OSError, IMAPClientError) as error:
        raise EmailSettingsError(
            _("Cannot reach the mailbox {host}:{port}: {error}").format(
                host=host, port=settings.imap_port, error=error
            )
        ) from None
    try:
        try:
            client.login(settings.username, password)
        except (LoginError, IMAPClientError) as error:
            raise EmailSettingsError(
                _("The mailbox refused the login of {user}: {reason}").format(
                    user=settings.username, reason=error
                )
            ) from None
        try:
            return process_mailbox(database, client)
        except (OSError, IMAPClientError) as error:
            raise EmailSettingsError(
                _("The mailbox stopped answering: {error}").format(error=error)
            ) from None
    finally:
        try:
            client.logout()
        except (OSError, IMAPClientError):
            pass
