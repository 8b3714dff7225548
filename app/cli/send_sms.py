"""``python -m app send-sms TARGET.json --db PATH (--template NAME | --text TEXT) [--at "YYYY-MM-DD HH:MM"] [--dry-run]``

Sends an SMS to the people of a target file through the gateway chosen in the SMS settings (a
provider's HTTP API, or an outbox file to upload to the provider's portal).

Prints the recipient funnel (the count after each step and the numbers left out), the
encoding, the segments per message (the longest message decides), the total segments and the
estimated cost. ``--dry-run`` stops there: nothing is written or sent. Otherwise every message is
written to the log before it is handed to the gateway; marketing messages outside the send
window of their market, and messages for a later ``--at``, wait for ``send-pending``.

Before anything new is made, the sends still waiting (messages pending or due, e.g. after a
crash) are settled: ``--resume-pending`` sends them first, ``--cancel-pending`` cancels them,
``--leave-pending`` leaves them for ``send-pending``; without one of them the command (which
runs unattended) exits 2 naming the waiting send. Whatever is chosen, the new send leaves out
numbers that already have this message, and for marketing any number that had a marketing SMS
in the last days of the setting (7 by default), messages waiting included.

``--value "date rdv=14/05/2026"`` gives the value of a merge field typed when sending.

A message whose required merge field is empty for a customer (``{modèle}`` of a customer without
a vehicle; ``{nom}`` falls back to the company name, ``{civilité}`` and ``{prénom}`` may be
empty) is left out and listed in the funnel; ``--send-empty-fields`` sends those messages too.
A message longer than the maximum number of segments of the SMS settings (3 by default) is
refused: exit 2, one line saying how many messages are too long, nothing written.

Bad input prints one line and exits with code 2, nothing written; a gateway that cannot be
reached leaves the messages pending and exits with code 1.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import exc as sa_exc

from app.cli.common import ArgumentParser, CommandError, add_pending_options, settle_waiting
from app.errors import DatabaseError
from app.export.sms.encoding import gsm_replacement
from app.export.sms.gateway import Gateway, open_gateway
from app.export.sms.recipients import SmsPlan, plan_send
from app.export.sms.sender import cancel_send, create_batch, send_due, waiting_sends
from app.export.sms.settings import SmsSettings, load_settings
from app.export.sms.templates import find_template
from app.i18n import (
    _,
    format_count,
    format_datetime,
    format_money,
    language,
    ngettext,
    normalize_language,
)
from app.models.db import Database, open_database
from app.models.sms import SmsKind
from app.query.targetfile import load_target_file


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app send-sms",
        description=_("Send (or dry-run) an SMS to the people of a target file."),
    )
    parser.add_argument("file", metavar="TARGET.json", help=_("the target file"))
    parser.add_argument("--db", required=True, metavar="PATH", help=_("the database file (or URL)"))
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--template", metavar="NAME", help=_("a saved SMS template"))
    which.add_argument(
        "--text",
        metavar="TEXT",
        help=_("the message, with merge fields like {example}").format(example="{nom}"),
    )
    parser.add_argument(
        "--kind",
        choices=("marketing", "service"),
        help=_("with --text: marketing (default) or service (appointment, vehicle ready...)"),
    )
    parser.add_argument("--at", metavar="YYYY-MM-DD HH:MM", help=_("send later (local time)"))
    parser.add_argument(
        "--campaign", metavar="NAME", help=_("campaign name in the log and history")
    )
    parser.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help=_('value of a merge field typed when sending, e.g. "{example}"').format(
            example="date rdv=14/05/2026"
        ),
    )
    parser.add_argument(
        "--send-empty-fields",
        action="store_true",
        help=_("also send the messages whose required merge fields are empty (left out otherwise)"),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show what would be sent; send nothing")
    )
    add_pending_options(
        parser, _("leave the messages of earlier sends still waiting for send-pending")
    )
    parser.add_argument("--lang", choices=("fr", "en"), help=_("language of the output"))
    return parser


def parse_at(text: str | None) -> dt.datetime | None:
    """``"2026-05-14 10:30"`` → an aware local datetime."""
    if text is None:
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").astimezone()
    except ValueError:
        raise CommandError(
            _(
                '--at {text!r} is not a date and time: use "YYYY-MM-DD HH:MM", e.g. "{example}".'
            ).format(text=text, example="2026-05-14 10:30")
        ) from None


def parse_values(items: list[str]) -> dict[str, str]:
    from app.export.sms.templates import canonical

    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CommandError(
                _('--value {item!r}: write FIELD=VALUE, e.g. "{example}".').format(
                    item=item, example="date rdv=14/05/2026"
                )
            )
        values[canonical(name.strip())] = value.strip()
    return values


def stopped_line(message: str) -> str:
    """The line on stderr when sending stopped early (the gateway did not answer)."""
    return _("cible: {message}").format(message=message)


def make_gateway(database: Database, settings: SmsSettings) -> Gateway:
    return open_gateway(database.path, settings)


def describe_plan(plan: SmsPlan, settings: SmsSettings, lang: str) -> list[str]:
    """The lines the dry run (and the send) prints."""
    lines = plan.funnel.summary_lines()
    for step in plan.funnel.steps:
        if step.key in ("valid", "mobile", "filled"):
            for who, reason in step.dropped:
                lines.append("  - " + _("{who}: {reason}", lang).format(who=who, reason=reason))
    longest = plan.longest
    if longest is None or longest.length is None:
        lines.append(_("No recipient.", lang))
        return lines
    length = longest.length
    lines.append(_("Longest message ({name}):", lang).format(name=longest.name))
    lines += ["  " + line for line in plan.as_received(longest).split("\n")]
    if plan.clause:
        lines.append(
            _("The last line, {clause}, is added by the provider: counted below.", lang).format(
                clause=plan.clause.strip()
            )
        )
    encoding = plan.encoding
    ucs2 = plan.ucs2_count
    if 0 < ucs2 < plan.count:
        encoding = _("GSM-7, UCS-2 for {n} SMS", lang).format(n=format_count(ucs2, lang))
    if plan.offending:
        shown = []
        for ch in plan.offending:
            replacement = gsm_replacement(ch)
            shown.append(f"'{ch}' → '{replacement}'" if replacement is not None else f"'{ch}'")
        encoding = _("{encoding} (forced by {characters})", lang).format(
            encoding=encoding, characters=", ".join(shown)
        )
    lines.append(_("Encoding: {encoding}", lang).format(encoding=encoding))
    capacity = length.per_segment * length.segments if length.segments > 1 else length.per_segment
    lines.append(
        _("Segments per message: {segments} ({units}/{capacity} {encoding})", lang).format(
            segments=length.segments,
            units=length.units,
            capacity=capacity,
            encoding=length.encoding,
        )
    )
    cost = format_money(plan.cost_cents(settings), lang)
    lines.append(
        ngettext(
            "You are about to send {n} SMS ({segments} segment, estimated cost {cost})",
            "You are about to send {n} SMS ({segments} segments, estimated cost {cost})",
            plan.total_segments,
            lang,
        ).format(
            n=format_count(plan.count, lang),
            segments=format_count(plan.total_segments, lang),
            cost=cost,
        )
    )
    for market, when in plan.deferred_markets.items():
        if when > plan.requested and plan.kind is SmsKind.MARKETING:
            lines.append(
                _("Outside the send window ({market}): sent on {when}", lang).format(
                    market=market, when=format_datetime(when, lang)
                )
            )
    return lines


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    # run_command has made --lang (or the system's language) current; --lang wins when main()
    # is called on its own
    lang = normalize_language(args.lang) if args.lang else language()
    at = parse_at(args.at)
    if at is not None and at < dt.datetime.now().astimezone() - dt.timedelta(minutes=1):
        raise CommandError(_("--at {text!r} is in the past.", lang).format(text=args.at))
    values = parse_values(args.value)
    if args.template and args.kind:
        raise CommandError(_("--kind goes with --text; a template has its own kind.", lang))
    target = load_target_file(args.file)
    database = open_database(args.db, create=False, upgrade=not args.dry_run)
    try:
        with database.session() as session:
            settings = load_settings(session)
            if args.template:
                template = find_template(session, args.template)
                body, kind, template_name = template.body, template.kind, template.name
            else:
                body, kind, template_name = args.text, SmsKind(args.kind or "marketing"), None

        def make_plan() -> SmsPlan:
            with database.engine.connect() as conn:
                made = plan_send(
                    conn,
                    target,
                    body,
                    kind,
                    settings,
                    asked=values,
                    at=at,
                    lang=lang,
                    send_empty=args.send_empty_fields,
                )
            too_long = made.segment_error(settings, lang)
            if too_long:
                raise CommandError(too_long)
            return made

        plan = make_plan()  # a message too long is refused before anything is done
        gateway = None if args.dry_run else make_gateway(database, settings)
        with database.session() as session:
            waiting = waiting_sends(session)

        def resume() -> int | None:
            assert gateway is not None
            resumed = send_due(
                database,
                gateway,
                sender_name=settings.sender_name,
                windows=settings.windows,
                expire_days=settings.expire_days,
            )
            print(
                _(
                    "earlier sends: sent {sent}, failed {failed}, cancelled {cancelled}", lang
                ).format(
                    sent=format_count(resumed.sent + resumed.exported, lang),
                    failed=format_count(resumed.failed, lang),
                    cancelled=format_count(resumed.cancelled, lang),
                )
            )
            if resumed.stopped:
                print(stopped_line(resumed.stopped), file=sys.stderr)
                return 1
            return None

        stop = settle_waiting(
            waiting,
            args.pending,
            lang,
            dry_run=args.dry_run,
            later="send-pending",
            cancel=lambda batch_id: cancel_send(database, batch_id),
            resume=resume,
        )
        if stop is not None:
            return stop
        if waiting and args.pending in ("cancel", "resume") and not args.dry_run:
            plan = make_plan()  # the log changed: the funnel is read again
        for line in describe_plan(plan, settings, lang):
            print(line)
        if args.dry_run:
            print(_("Dry run: nothing was sent.", lang))
            return 0
        if plan.count == 0:
            return 0
        assert gateway is not None
        with database.session() as session:
            batch = create_batch(
                session,
                plan,
                campaign=args.campaign or template_name or target.name or "SMS",
                gateway=gateway.kind,
                template_name=template_name,
                target_name=target.name or Path(args.file).stem,
            )
            batch_id = batch.id
        summary = send_due(
            database,
            gateway,
            sender_name=settings.sender_name,
            batch_id=batch_id,
            windows=settings.windows,
            expire_days=settings.expire_days,
        )
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            _("Cannot use the database {location}: {detail}", lang).format(
                location=database.location, detail=detail
            )
        ) from None
    finally:
        database.dispose()
    waiting = plan.count - summary.handled
    print(
        _(
            "sent {sent}, exported {exported}, failed {failed}, cancelled {cancelled}, "
            "waiting {waiting} (batch {batch})",
            lang,
        ).format(
            sent=format_count(summary.sent, lang),
            exported=format_count(summary.exported, lang),
            failed=format_count(summary.failed, lang),
            cancelled=format_count(summary.cancelled, lang),
            waiting=format_count(waiting, lang),
            batch=batch_id,
        )
    )
    for phone, reason in summary.failures:
        print("  " + _("failed {phone}: {reason}", lang).format(phone=phone, reason=reason))
    if summary.stopped:
        print(stopped_line(summary.stopped), file=sys.stderr)
        return 1
    return 0
