"""``python -m app merge-word TARGET.json --db PATH --template T.docx --out FILE.docx
[--labels 3x7|3x8|2x7 [--offset N]] [--per-vehicle] [--household] [--not-contacted-days N]
[--pdf FILE.pdf] [--record CAMPAIGN] [--allow-placeholders] [--today YYYY-MM-DD]
[--lang fr|en]``

Merges a target file into a Word template: one letter per customer (``--per-vehicle``: per
vehicle), letters separated by page breaks, in one new .docx — or address labels on A4 sheets
with ``--labels`` (the template is then optional: it gives the label's content, the address
block by default; ``--offset N`` skips the first N labels of a partly used sheet). Labels too
long even in 7 pt are named in a warning on stderr; the sheet is written and the exit code is 0.

The postal permissions funnel runs first and its counts are printed, with why people dropped
out: usable postal address, one per customer (``--household``: per household), no postal refusal
as recorded now, no contact in the last N days (``--not-contacted-days N``).

Checks before writing: a template that still holds text in square brackets for its author to
fill in (``[Nom du garage]``, ``[dates]``) is refused, naming each one (exit 2, nothing written),
unless ``--allow-placeholders`` (then a warning on stderr). Letters printing a due date (next
service, CT) already past, or an empty detail of the customer's site (``«Site - Téléphone»``),
are counted by field in a warning line on stderr; they do not stop the merge (a reminder of an
overdue CT may be what was meant).

``--pdf FILE.pdf`` also writes a PDF with LibreOffice (an error if it is not installed).
``--record CAMPAIGN`` records one postal contact per letter in the contact history.

Problems (unknown merge field, malformed file, missing database or template, unwritable output,
nobody left to write to) print one line and exit with code 2; nothing is written. The document
is written to a temporary file next to ``--out`` and moved into place only when complete.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import exc as sa_exc

from app.cli.common import ArgumentParser, CommandError, parse_today
from app.errors import DatabaseError
from app.export.postal import reason_counts
from app.export.word import (
    LABEL_LAYOUTS,
    merge_target,
    pdf_unavailable_reason,
    record_mailing,
)
from app.i18n import _, format_count, ngettext, normalize_language, system_language
from app.models.base import current_user
from app.models.db import open_database
from app.query.targetfile import load_target_file


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app merge-word",
        description="Merge a target file into a Word template: letters or address labels.",
    )
    parser.add_argument("file", metavar="TARGET.json", help="the target file")
    parser.add_argument(
        "--db", required=True, metavar="PATH", help="the database file (or a database URL)"
    )
    parser.add_argument(
        "--template",
        metavar="T.docx",
        help="the Word template (required for letters; for labels, the label's content)",
    )
    parser.add_argument("--out", required=True, metavar="FILE.docx", help="the document to write")
    parser.add_argument(
        "--labels", choices=sorted(LABEL_LAYOUTS), help="address labels on A4 sheets of this layout"
    )
    parser.add_argument(
        "--offset", type=int, metavar="N", help="with --labels: leave the first N labels blank"
    )
    parser.add_argument(
        "--per-vehicle", action="store_true", help="one letter per vehicle, not per customer"
    )
    parser.add_argument(
        "--household",
        action="store_true",
        help="one letter per household (customers sharing an address)",
    )
    parser.add_argument(
        "--not-contacted-days",
        type=int,
        metavar="N",
        help="leave out customers contacted in the last N days",
    )
    parser.add_argument("--pdf", metavar="FILE.pdf", help="also write a PDF (needs LibreOffice)")
    parser.add_argument(
        "--record",
        metavar="CAMPAIGN",
        help="record one postal contact per letter in the contact history, under this campaign",
    )
    parser.add_argument(
        "--allow-placeholders",
        action="store_true",
        help="write the letters even if the template still holds [text in brackets] to fill in",
    )
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="the date of the letters and of relative criteria"
    )
    parser.add_argument(
        "--lang",
        choices=("fr", "en"),
        help="language of the letters' dates and values (default: fr) and of the counts printed",
    )
    return parser


def _check_file(option: str, text: str, suffix: str) -> Path:
    path = Path(text)
    if path.suffix.lower() != suffix:
        raise CommandError(
            _("{option} {text!r}: the file name must end in {suffix}.").format(
                option=option, text=text, suffix=suffix
            )
        )
    if path.is_dir():
        raise CommandError(
            _("{option} {text!r} is a folder, not a file.").format(option=option, text=text)
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(
            _("{option} {text!r}: the folder {folder} does not exist.").format(
                option=option, text=text, folder=folder
            )
        )
    return path


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    out = _check_file("--out", args.out, ".docx")
    pdf = _check_file("--pdf", args.pdf, ".pdf") if args.pdf else None
    if pdf is not None:
        reason = pdf_unavailable_reason()
        if reason:
            raise CommandError(_("--pdf: {reason}").format(reason=reason))
    if args.labels is None:
        if args.template is None:
            raise CommandError(_("--template is required for letters (or use --labels)."))
        if args.offset is not None:
            raise CommandError(_("--offset goes with --labels."))
    elif args.per_vehicle:
        raise CommandError(_("--per-vehicle is for letters: labels are one per recipient."))
    template = Path(args.template) if args.template else None
    if template is not None and not template.is_file():
        raise CommandError(
            _("--template {template!r}: no such file.").format(template=args.template)
        )
    days = args.not_contacted_days
    if days is not None and days < 0:
        raise CommandError(
            _("--not-contacted-days {days}: give a number of days, 0 or more.").format(days=days)
        )
    if args.record is not None and not args.record.strip():
        raise CommandError(_("--record needs a campaign name."))
    today = parse_today(args.today)
    letters_lang = normalize_language(args.lang or "fr")
    lang = normalize_language(args.lang or system_language())
    target = load_target_file(args.file)
    database = open_database(args.db, create=False, upgrade=False)  # never changes the schema
    try:
        with database.engine.connect() as conn:
            result = merge_target(
                conn,
                target,
                out,
                template=template,
                today=today,
                per_vehicle=args.per_vehicle,
                household=args.household,
                contacted_within_days=days,
                labels=args.labels,
                offset=args.offset or 0,
                pdf=pdf,
                lang=letters_lang,
                funnel_lang=lang,
                allow_placeholders=args.allow_placeholders,
            )
        if args.record:
            with database.session() as session:
                record_mailing(
                    session,
                    result.letters,
                    campaign=args.record,
                    template=str(template or ""),
                    user=current_user(),
                )
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            _("Cannot use the database {location}: {detail}").format(
                location=database.location, detail=detail
            )
        ) from None
    finally:
        database.dispose()
    funnel = result.funnel
    assert funnel is not None
    for step, line in zip(funnel.steps, funnel.summary_lines(), strict=True):
        print(line)
        for reason, n in reason_counts(step):
            print(f"    {reason}: {n}")
    if result.labels:
        written = ngettext(
            "{n} label written to {out}", "{n} labels written to {out}", result.count
        )
    else:
        written = ngettext(
            "{n} letter written to {out}", "{n} letters written to {out}", result.count
        )
    if not result.labels and result.count != funnel.final_count:
        print(
            ngettext(
                "One letter per vehicle: {n} letter for {m} recipients",
                "One letter per vehicle: {n} letters for {m} recipients",
                result.count,
            ).format(n=format_count(result.count), m=format_count(funnel.final_count))
        )
    for warning in result.warnings:
        print(_("Warning: {warning}").format(warning=warning), file=sys.stderr)
    print(written.format(n=format_count(result.count), out=out))
    if result.pdf_path is not None:
        print(_("PDF written to {pdf_path}").format(pdf_path=result.pdf_path))
    if args.record:
        print(
            ngettext(
                "{n} postal contact recorded under {campaign!r}",
                "{n} postal contacts recorded under {campaign!r}",
                result.count,
            ).format(n=format_count(result.count), campaign=args.record.strip())
        )
    return 0
