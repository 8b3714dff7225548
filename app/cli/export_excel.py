"""``python -m app export-excel TARGET.json --db PATH --out FILE.xlsx [--today YYYY-MM-DD]
[--for-mailing [--household] [--not-contacted-days N]] [--lang fr|en]``

Runs a target file and writes the Excel workbook the window's "Export to Excel" writes: the
data sheet (typed cells, frozen header, autofilter) and the information sheet (name,
description, criteria, run date, row count). Removed customers are left out.

``--for-mailing`` first applies the postal permissions funnel (usable postal address, one per
customer — or per household with ``--household`` —, no postal refusal as recorded now, and no
contact in the last N days with ``--not-contacted-days N``) and prints the count at each step.

Problems (unknown field, malformed file, missing database, unwritable output) print one line
and exit with code 2; nothing is written. The workbook is written to a temporary file next to
``--out`` and moved into place only when complete.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import exc as sa_exc

from app.cli.common import ArgumentParser, CommandError, parse_today
from app.errors import DatabaseError
from app.export.excel import MailingOptions, export_target
from app.export.postal import reason_counts
from app.i18n import _, format_count, ngettext, normalize_language, system_language
from app.models.db import open_database
from app.query.targetfile import load_target_file


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app export-excel",
        description="Export a target file to an Excel workbook (removed customers left out).",
    )
    parser.add_argument("file", metavar="TARGET.json", help="the target file")
    parser.add_argument(
        "--db", required=True, metavar="PATH", help="the database file (or a database URL)"
    )
    parser.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="the date relative criteria count from"
    )
    parser.add_argument(
        "--for-mailing",
        action="store_true",
        help="apply the postal permissions funnel first (address, refusals, one per customer)",
    )
    parser.add_argument(
        "--household",
        action="store_true",
        help="with --for-mailing: one row per household (customers sharing an address)",
    )
    parser.add_argument(
        "--not-contacted-days",
        type=int,
        metavar="N",
        help="with --for-mailing: leave out customers contacted in the last N days",
    )
    parser.add_argument(
        "--lang", choices=("fr", "en"), help="language of headers and values (default: system)"
    )
    return parser


def _check_out(text: str) -> Path:
    out = Path(text)
    if out.suffix.lower() != ".xlsx":
        raise CommandError(_("--out {text!r}: the file name must end in .xlsx.").format(text=text))
    if out.is_dir():
        raise CommandError(_("--out {text!r} is a folder, not a file.").format(text=text))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(
            _("--out {text!r}: the folder {folder} does not exist.").format(
                text=text, folder=folder
            )
        )
    return out


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    out = _check_out(args.out)
    today = parse_today(args.today)
    mailing = None
    if args.for_mailing:
        days = args.not_contacted_days
        if days is not None and days < 0:
            raise CommandError(
                _("--not-contacted-days {days}: give a number of days, 0 or more.").format(
                    days=days
                )
            )
        mailing = MailingOptions(household=args.household, contacted_within_days=days)
    elif args.household or args.not_contacted_days is not None:
        raise CommandError(_("--household and --not-contacted-days go with --for-mailing."))
    lang = normalize_language(args.lang or system_language())
    target = load_target_file(args.file)
    database = open_database(args.db, create=False, upgrade=False)  # never changes the schema
    try:
        with database.engine.connect() as conn:
            result = export_target(conn, target, out, today=today, lang=lang, mailing=mailing)
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            _("Cannot read the database {location}: {detail}").format(
                location=database.location, detail=detail
            )
        ) from None
    finally:
        database.dispose()
    if result.funnel is not None:
        for step, line in zip(result.funnel.steps, result.funnel.summary_lines(), strict=True):
            print(line)
            for reason, n in reason_counts(step):
                print(f"    {reason}: {n}")
    print(
        ngettext("{n} row written to {out}", "{n} rows written to {out}", result.rows).format(
            n=format_count(result.rows), out=out
        )
    )
    for note in result.limits.notes():
        print(note)
    return 0
