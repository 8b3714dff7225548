"""``python -m app send-pending --db PATH [--report FILE.csv] [--lang fr|en]``: for a scheduled task.

First reads the replies waiting at the provider (a STOP cancels the messages to that number
before any leaves), then hands to the gateway every SMS whose time has come (deferred sends,
marketing messages that waited for the send window, messages a crash left pending). A message
handed to the provider without an answer is never handed again: it is "unknown", asked from
the provider by reference where its API allows, otherwise listed for a person to decide in the
SMS log. With the HTTP gateway it then polls the provider for delivery statuses and replies.
``--report`` imports a provider's report file (statuses, replies) first — for the outbox.

Then the e-mails, when a mail server (or Brevo) is set: the unsubscribes and bounces waiting in
the site's mailbox (and Brevo's blocked contacts) are recorded first, then every e-mail whose time
has come leaves (deferred sends, loyalty programs, the rest of a send the day's limit spread or a
crash left pending). A mailbox that cannot be read holds the e-mails back: an unsubscribe waiting
there must be read before anything leaves.

Prints what was done. Bad input: one line, exit code 2. Gateway, mail server or mailbox
unreachable: the messages stay pending, exit code 1.
"""

from __future__ import annotations

import sys

from sqlalchemy import exc as sa_exc

from app.cli.common import ArgumentParser
from app.cli.send_sms import make_gateway, stopped_line
from app.errors import CibleError, DatabaseError
from app.export.email import sender as email_sender
from app.export.email.routes import configured, open_transport, read_refusals
from app.export.email.settings import load_settings as load_email_settings
from app.export.sms.gateway import GatewayUnavailable
from app.export.sms.sender import count_unknown, import_report, poll_statuses, send_due
from app.export.sms.settings import load_settings
from app.i18n import _, format_count, ngettext
from app.models.db import open_database


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app send-pending",
        description=_(
            "Send the SMS and e-mails whose time has come; read replies, unsubscribes and "
            "delivery statuses first."
        ),
    )
    parser.add_argument("--db", required=True, metavar="PATH", help=_("the database file (or URL)"))
    parser.add_argument(
        "--report", metavar="FILE.csv", help=_("import a provider's delivery report first")
    )
    # the language itself is set by app.cli.common.run_command before main() runs
    parser.add_argument("--lang", choices=("fr", "en"), help=_("language of the output"))
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    database = open_database(args.db, create=False)
    code = 0
    try:
        if args.report:
            imported = import_report(database, args.report)
            print(
                _("report: {updated} statuses updated, {stops} STOP").format(
                    updated=format_count(imported.updated), stops=format_count(imported.stops)
                )
            )
        with database.session() as session:
            settings = load_settings(session)
        gateway = make_gateway(database, settings)
        summary = send_due(
            database,
            gateway,
            sender_name=settings.sender_name,
            windows=settings.windows,
            expire_days=settings.expire_days,
        )
        if summary.stops or summary.replies:
            print(
                _(
                    "replies read before sending: {stops} STOP, {replies} to read in the SMS log"
                ).format(stops=format_count(summary.stops), replies=format_count(summary.replies))
            )
        if summary.expired:
            print(
                ngettext(
                    "{n} waiting message expired (its time was past by more than {days} days): "
                    "it will not be sent",
                    "{n} waiting messages expired (their time was past by more than {days} "
                    "days): they will not be sent",
                    summary.expired,
                ).format(n=format_count(summary.expired), days=settings.expire_days)
            )
        with database.session() as session:
            unknown = count_unknown(session)
        if summary.resolved or unknown:
            print(
                _(
                    "unknown outcome: {resolved} found at the provider, {unknown} to decide in "
                    "the SMS log"
                ).format(resolved=format_count(summary.resolved), unknown=format_count(unknown))
            )
        print(
            _(
                "sent {sent}, exported {exported}, failed {failed}, cancelled {cancelled}, "
                "waiting for the send window {deferred}"
            ).format(
                sent=format_count(summary.sent),
                exported=format_count(summary.exported),
                failed=format_count(summary.failed),
                cancelled=format_count(summary.cancelled),
                deferred=format_count(summary.deferred),
            )
        )
        for phone, reason in summary.failures:
            print("  " + _("failed {phone}: {reason}").format(phone=phone, reason=reason))
        if summary.stopped:
            print(stopped_line(summary.stopped), file=sys.stderr)
            code = 1
        elif gateway.polls:
            try:
                polled = poll_statuses(database, gateway)
            except GatewayUnavailable as error:
                print(stopped_line(str(error)), file=sys.stderr)
                code = 1
            else:
                print(
                    _("statuses: {updated} updated, {stops} STOP").format(
                        updated=format_count(polled.updated), stops=format_count(polled.stops)
                    )
                )
        code = max(code, send_pending_emails(database))
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            _("Cannot use the database {location}: {detail}").format(
                location=database.location, detail=detail
            )
        ) from None
    finally:
        database.dispose()
    return code


def send_pending_emails(database) -> int:
    """The e-mail half of the command: refusals first, then the due e-mails; the exit code."""
    with database.session() as session:
        settings = load_email_settings(session)
        due = email_sender.count_due(session)
    if not configured(settings):
        if due:
            waiting = ngettext(
                "{n} e-mail is waiting, but no mail server is set: set it in the e-mail "
                "settings (it stays waiting).",
                "{n} e-mails are waiting, but no mail server is set: set it in the e-mail "
                "settings (they stay waiting).",
                due,
            ).format(n=format_count(due))
            print(_("cible: {message}").format(message=waiting), file=sys.stderr)
            return 1
        return 0
    try:
        settings.check()
        refusals = read_refusals(database, settings)
    except CibleError as error:
        reason = str(error).rstrip(".") + "."
        line = (
            _("e-mails: {reason} Nothing was sent; the e-mails stay waiting.")
            if due
            else _("e-mails: the unsubscribes could not be read: {reason}")
        )
        print(_("cible: {message}").format(message=line.format(reason=reason)), file=sys.stderr)
        return 1
    if refusals.unsubscribed or refusals.invalid:
        print(
            _(
                "e-mails: {unsubscribed} unsubscribe(s), {invalid} rejected address(es) read first"
            ).format(
                unsubscribed=format_count(len(refusals.unsubscribed)),
                invalid=format_count(len(refusals.invalid)),
            )
        )
    email_sender.recover(database)  # what a dead sender left claimed counts as waiting
    with database.session() as session:
        due = email_sender.count_due(session)
    if not due:
        return 0
    summary = email_sender.send_due(database, open_transport(settings), settings)
    print(
        _(
            "e-mails: sent {sent}, failed {failed}, outcome unknown {unknown}, cancelled "
            "{cancelled}"
        ).format(
            sent=format_count(summary.sent),
            failed=format_count(summary.failed),
            unknown=format_count(summary.unknown),
            cancelled=format_count(summary.cancelled),
        )
    )
    for address, reason in summary.failures:
        print("  " + _("failed {address}: {reason}").format(address=address, reason=reason))
    if summary.stopped:
        print(_("cible: {message}").format(message=summary.stopped), file=sys.stderr)
        return 1
    return 0
