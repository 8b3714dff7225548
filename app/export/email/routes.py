"""The way out chosen in the settings, and "send a test e-mail to me". No Qt here."""

from __future__ import annotations

from app.export.email.brevo import BrevoTransport, sync_blocked
from app.export.email.mailbox import MailboxSummary, check_mailbox
from app.export.email.message import build
from app.export.email.recipients import check_address
from app.export.email.sender import (
    ContentRefused,
    EmailSendError,
    NotSent,
    RecipientRefused,
    SessionLost,
    SmtpTransport,
    Transport,
)
from app.export.email.settings import EmailSettings
from app.export.email.templates import compile_template
from app.i18n import _
from app.models.db import Database
from app.models.email import EmailKind


def open_transport(
    settings: EmailSettings, secret: str | None = None, timeout: float = 60
) -> Transport:
    """The SMTP server or Brevo's API, as the settings say; *secret*: the password or API key
    (read from the keyring when ``None``)."""
    if settings.route == "brevo":
        return BrevoTransport(settings, api_key=secret, timeout=timeout)
    return SmtpTransport(settings, password=secret, timeout=timeout)


def configured(settings: EmailSettings) -> bool:
    """True when the settings name a way out (a mail server, or Brevo's API)."""
    return settings.route == "brevo" or bool(settings.host.strip())


def read_refusals(database: Database, settings: EmailSettings) -> MailboxSummary:
    """The unsubscribes and bounces waiting for Cible, recorded as refusals and invalid
    addresses: the site's mailbox over IMAP (always with the dealership's server; with Brevo
    when an IMAP server is set), and with Brevo its blocked contacts. :class:`EmailSettingsError`
    (one line) when the mailbox cannot be read."""
    summary = MailboxSummary()
    if settings.route == "smtp" or settings.imap_host.strip():
        summary = check_mailbox(database, settings)
    if settings.route == "brevo":
        brevo = sync_blocked(database, BrevoTransport(settings))
        summary.unsubscribed += brevo.unsubscribed
        summary.invalid += brevo.invalid
    return summary


def send_test_email(
    settings: EmailSettings,
    to_address: str,
    *,
    secret: str | None = None,
    lang: str | None = None,
    timeout: float = 30,
) -> str:
    """Send a short service e-mail to *to_address* with *settings* (saved or not); return the
    address. Nothing is journaled: it goes to the user, not to a customer.
    :class:`EmailSendError` with one line when it cannot leave."""
    settings.check()
    address = check_address(to_address)
    if not address:
        raise EmailSendError(
            _("{address!r} is not an e-mail address.").format(address=to_address.strip())
        )
    sender = settings.default
    if not sender.from_address.strip():
        raise EmailSendError(_("Set the sender's address in the e-mail settings."))
    template = compile_template(
        _("Cible test e-mail", lang),
        "<p>"
        + _("This test e-mail was sent by Cible with the e-mail settings: they work.", lang)
        + "</p>",
    )
    built = build(
        template, {}, to_address=address, to_name="", sender=sender, kind=EmailKind.SERVICE, lang=lang
    )
    transport = open_transport(settings, secret, timeout)
    try:
        transport.envelope(sender.from_address.strip(), address)
        transport.data(built.content)
    except (RecipientRefused, ContentRefused, NotSent) as error:
        raise EmailSendError(
            _("The test e-mail was refused: {reason}").format(reason=error.reason)
        ) from None
    except SessionLost as error:
        raise EmailSendError(
            _("The connection was lost while sending the test e-mail: {error}").format(error=error)
        ) from None
    finally:
        transport.close()
    return address
