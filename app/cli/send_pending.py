"""``python -m app send-pending --db PATH [--report FILE.csv]``: for a scheduled task.

Hands to the gateway every SMS whose time has come (deferred sends, marketing messages that
waited for the send window) and the ones a crash left pending (same idempotency key, so nobody
gets one twice). With the HTTP gateway it then polls the provider for delivery statuses and STOP
replies. ``--report`` imports a provider's report file (statuses, STOP) first — for the outbox.

Prints what was done. Bad input: one line, exit code 2. Gateway unreachable: the messages stay
pending, exit code 1.
"""

from __future__ import annotations

import sys

from sqlalchemy import exc as sa_exc

from app.cli.common import ArgumentParser
from app.cli.send_sms import make_gateway
from app.errors import DatabaseError
from app.export.sms.gateway import GatewayUnavailable
from app.export.sms.sender import import_report, poll_statuses, send_due
from app.export.sms.settings import load_settings
from app.models.db import open_database


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app send-pending",
        description="Send the SMS whose scheduled time has come; read delivery statuses.",
    )
    parser.add_argument("--db", required=True, metavar="PATH", help="the database file (or URL)")
    parser.add_argument(
        "--report", metavar="FILE.csv", help="import a provider's delivery report first"
    )
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    database = open_database(args.db, create=False)
    code = 0
    try:
        if args.report:
            imported = import_report(database, args.report)
            print(f"report: {imported.updated} statuses updated, {imported.stops} STOP")
        with database.session() as session:
            settings = load_settings(session)
        gateway = make_gateway(database, settings)
        summary = send_due(
            database, gateway, sender_name=settings.sender_name, windows=settings.windows
        )
        print(
            f"sent {summary.sent}, exported {summary.exported}, failed {summary.failed}, "
            f"cancelled {summary.cancelled}, waiting for the send window {summary.deferred}"
        )
        for phone, reason in summary.failures:
            print(f"  failed {phone}: {reason}")
        if summary.stopped:
            print("cible: " + summary.stopped, file=sys.stderr)
            code = 1
        elif gateway.kind == "http":
            try:
                polled = poll_statuses(database, gateway)
            except GatewayUnavailable as error:
                print("cible: " + str(error), file=sys.stderr)
                return 1
            print(f"statuses: {polled.updated} updated, {polled.stops} STOP")
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(f"Cannot use the database {database.location}: {detail}") from None
    finally:
        database.dispose()
    return code
