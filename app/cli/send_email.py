"""``python -m app send-email TARGET.json --db PATH (--template NAME | --html FILE --subject TEXT) [--at "YYYY-MM-DD HH:MM"] [--send-empty-fields] [--dry-run] [--eml FOLDER] [--resume-pending|--cancel-pending|--leave-pending]``

Sends an e-mail to the people of a target file through the dealership's mail server (the
e-mail settings; the password in the system keyring). Prints the recipient funnel. ``--dry-run``
stops there: nothing is written or sent. ``--eml FOLDER`` writes one .eml file per recipient
instead of sending. Otherwise every message is written to the journal before it leaves; a send
larger than the day's allowance, or for a later ``--at``, waits for the next runs.

An e-mail whose required merge field is empty for a customer («Modèle» of a customer without a
vehicle, an empty «Site - Lien de réservation» in a link) is left out and listed with the
funnel; ``--send-empty-fields`` sends those e-mails too. The site details the e-mails show
empty are named (File › Sites… in Cible fills them in).

Before anything new is made, the sends still waiting (e-mails pending or due, e.g. after a
crash or a cancelled send) are settled: ``--resume-pending`` sends them first,
``--cancel-pending`` cancels them, ``--leave-pending`` leaves them for ``send-pending`` or the
window's deferred sending; without one of them the command (which runs unattended) exits 2 naming the waiting
send, as ``send-sms`` does. Whatever is chosen, the new send leaves out the addresses that
already have a message waiting or sent in the last days of the setting.

Exit codes: 0 done, 1 the server stopped the send (the rest stays pending), 2 bad input
(one line, nothing written), 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from app.cli.common import ArgumentParser, CommandError, add_pending_options, settle_waiting
from app.errors import DatabaseError
from app.export.email.eml import save_eml
from app.export.email.library import template_images
from app.export.email.recipients import EmailPlan, plan_send
from app.export.email.routes import open_transport
from app.export.email.sender import (
    cancel_batch,
    create_batch,
    recover,
    send_due,
    waiting_sends,
)
from app.export.email.settings import load_settings
from app.export.email.templates import compile_template
from app.export.funnel import empty_fields_reason
from app.i18n import _, format_count, language, ngettext, normalize_language
from app.models.db import open_database
from app.models.email import EmailKind, EmailTemplate
from app.query.targetfile import load_target_file


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app send-email",
        description=_("Send (or dry-run) an e-mail to the people of a target file."),
    )
    parser.add_argument("file", metavar="TARGET.json", help=_("the target file"))
    parser.add_argument("--db", required=True, metavar="PATH", help=_("the database file (or URL)"))
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--template", metavar="NAME", help=_("a saved e-mail template"))
    which.add_argument("--html", metavar="FILE", help=_("the e-mail's body, an .html file"))
    parser.add_argument("--subject", metavar="TEXT", help=_("with --html: the subject"))
    parser.add_argument(
        "--kind",
        choices=("marketing", "service"),
        help=_("with --html: marketing (default) or service"),
    )
    parser.add_argument("--at", metavar="YYYY-MM-DD HH:MM", help=_("send later (local time)"))
    parser.add_argument("--campaign", metavar="NAME", help=_("campaign name in the log and history"))
    parser.add_argument("--eml", metavar="FOLDER", help=_("write .eml files instead of sending"))
    parser.add_argument(
        "--send-empty-fields",
        action="store_true",
        help=_("also send the e-mails whose required merge fields are empty (left out otherwise)"),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show what would be sent; send nothing")
    )
    add_pending_options(
        parser,
        _("leave the e-mails of earlier sends still waiting (send-pending or the window sends them)"),
    )
    parser.add_argument("--lang", choices=("fr", "en"), help=_("language of the output"))
    return parser


def parse_at(text: str | None, lang: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        at = dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").astimezone()
    except ValueError:
        raise CommandError(
            _('--at {text!r} is not a date and time: use "YYYY-MM-DD HH:MM", e.g. "{example}".', lang)
            .format(text=text, example="2026-05-14 10:30")
        ) from None
    if at < dt.datetime.now().astimezone() - dt.timedelta(minutes=1):
        raise CommandError(_("--at {text!r} is in the past.", lang).format(text=text))
    return at


def _read_html(path: str, lang: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(
            _("Cannot read {path}: {error}", lang).format(path=path, error=error)
        ) from None


def describe(plan: EmailPlan, lang: str) -> list[str]:
    lines = plan.funnel.summary_lines()
    for step in plan.funnel.steps:
        if step.key in ("valid", "filled"):
            for who, reason in step.dropped:
                lines.append("  - " + _("{who}: {reason}", lang).format(who=who, reason=reason))
    if plan.empty and plan.send_empty:
        lines.append(
            ngettext(
                "{n} e-mail is sent with an empty merge field:",
                "{n} e-mails are sent with an empty merge field:",
                len(plan.empty),
                lang,
            ).format(n=format_count(len(plan.empty), lang))
        )
        for who, fields in plan.empty:
            lines.append(
                "  - " + _("{who}: {reason}", lang).format(
                    who=who, reason=empty_fields_reason(fields, lang)
                )
            )
    lines += plan.warnings(lang)
    return lines


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    lang = normalize_language(args.lang) if args.lang else language()
    at = parse_at(args.at, lang)
    if args.html and not (args.subject or "").strip():
        raise CommandError(_("--html needs --subject.", lang))
    if args.template and (args.subject or args.kind):
        raise CommandError(_("--subject and --kind go with --html; a template has its own.", lang))
    html = _read_html(args.html, lang) if args.html else None
    target = load_target_file(args.file)
    database = open_database(args.db, create=False, upgrade=not (args.dry_run or args.eml))
    batch_id = None
    try:
        with database.session() as session:
            settings = load_settings(session)
            if args.template:
                saved = session.scalar(select(EmailTemplate).where(EmailTemplate.name == args.template))
                if saved is None:
                    raise CommandError(
                        _("No e-mail template is called {name!r}.", lang).format(name=args.template)
                    )
                subject, html, kind, template_name = saved.subject, saved.html, saved.kind, saved.name
                images = template_images(saved)
            else:
                subject, kind, template_name = args.subject, EmailKind(args.kind or "marketing"), None
                images = {}
            compiled = compile_template(
                subject, html or "", images=images, max_bytes=settings.max_bytes
            )
            plan = plan_send(
                session, target, compiled, kind, settings, at=at, lang=lang,
                send_empty=args.send_empty_fields,
            )
        sending = not (args.dry_run or args.eml)
        if sending and plan.count:
            settings.check()  # a server not set up is said before anything is settled
        if sending:
            recover(database)  # what a dead sender left claimed counts as waiting
        with database.session() as session:
            waiting = waiting_sends(session)

        def cancel(batch: int) -> None:
            with database.session() as session:
                cancel_batch(session, batch)

        def resume() -> int | None:
            settings.check()
            resumed = send_due(database, open_transport(settings), settings)
            print(
                _(
                    "earlier sends: sent {sent}, failed {failed}, outcome unknown {unknown}, "
                    "cancelled {cancelled}",
                    lang,
                ).format(
                    sent=format_count(resumed.sent, lang),
                    failed=format_count(resumed.failed, lang),
                    unknown=format_count(resumed.unknown, lang),
                    cancelled=format_count(resumed.cancelled, lang),
                )
            )
            if resumed.stopped:
                print(_("cible: {message}", lang).format(message=resumed.stopped), file=sys.stderr)
                return 1
            return None

        stop = settle_waiting(
            waiting,
            args.pending,
            lang,
            dry_run=not sending,
            later=_("send-pending or the window", lang),
            cancel=cancel,
            resume=resume,
        )
        if stop is not None:
            return stop
        if waiting and args.pending in ("cancel", "resume"):
            with database.session() as session:  # the journal changed: the funnel is read again
                plan = plan_send(
                    session, target, compiled, kind, settings, at=at, lang=lang,
                    send_empty=args.send_empty_fields,
                )
        for line in describe(plan, lang):
            print(line)
        if args.dry_run:
            print(_("Dry run: nothing was sent.", lang))
            return 0
        if args.eml:
            written = save_eml(plan, settings, args.eml, lang=lang)
            print(_("{count} .eml files written in {folder}", lang).format(
                count=format_count(len(written), lang), folder=args.eml))
            return 0
        if plan.count == 0:
            return 0
        settings.check()
        with database.session() as session:
            batch = create_batch(
                session, plan, settings,
                campaign=args.campaign or template_name or target.name or "E-mail",
                template_name=template_name,
                target_name=target.name or Path(args.file).stem,
                lang=lang,
            )
            batch_id = batch.id
        summary = send_due(database, open_transport(settings), settings, batch_id=batch_id)
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            _("Cannot use the database {location}: {detail}", lang).format(
                location=database.location, detail=detail
            )
        ) from None
    finally:
        database.dispose()
    print(
        _("sent {sent}, failed {failed}, outcome unknown {unknown}, cancelled {cancelled} "
          "(send {batch})", lang).format(
            sent=format_count(summary.sent, lang),
            failed=format_count(summary.failed, lang),
            unknown=format_count(summary.unknown, lang),
            cancelled=format_count(summary.cancelled, lang),
            batch=batch_id,
        )
    )
    for address, reason in summary.failures:
        print("  " + _("failed {address}: {reason}", lang).format(address=address, reason=reason))
    if summary.stopped:
        print(_("cible: {message}", lang).format(message=summary.stopped), file=sys.stderr)
        return 1
    return 0
