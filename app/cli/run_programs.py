"""``python -m app run-programs --db PATH [--today YYYY-MM-DD] [--dry-run] [--program NAME]...
[--out FOLDER]``

Processes the loyalty programs whose schedule is due today and that have not run today
(``--program`` names programs to process now whatever their schedule, paused ones included),
and prints one line per program and a total. ``--dry-run`` shows what would be done and writes
nothing (the database is not even upgraded). The letters, labels and call lists go to
``--out`` (default: the programs' setting, else a ``programmes`` folder next to the database);
SMS and e-mails are written to their journals, sent by ``send-pending`` / the window.

Exit codes (README): 0 done; 2 bad input (nothing written); 3 done, but some programs were
skipped (their reason is printed on stderr: a deleted target, a broken template, a channel with
no settings); 130 interrupted.
"""

from __future__ import annotations

import sys

from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from app.cli.common import ArgumentParser, CommandError, parse_today
from app.errors import DatabaseError
from app.i18n import _, format_count, ngettext
from app.models.db import open_database
from app.models.programs import Program, RunResult

EXIT_SKIPPED = 3


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app run-programs",
        description=_("Process the loyalty programs that are due."),
    )
    parser.add_argument("--db", required=True, metavar="PATH", help=_("the database file"))
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help=_("the day to process (default: today)")
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show what would be done, write nothing")
    )
    parser.add_argument(
        "--program", action="append", default=[], metavar="NAME",
        help=_("process this program now (repeatable)"),
    )  # fmt: skip
    parser.add_argument("--out", metavar="FOLDER", help=_("where to write letters and call lists"))
    parser.add_argument("--lang", choices=("fr", "en"), help=_("language of the messages"))
    return parser


def main(argv: list[str]) -> int:
    from app.programs.dashboard import due_programs
    from app.programs.runner import run_program

    args = _parser().parse_args(argv)
    today = parse_today(args.today)
    database = open_database(args.db, create=False, upgrade=not args.dry_run)
    skipped = processed = 0
    try:
        with database.session() as session:
            names = {p.name.casefold(): p.id for p in session.scalars(select(Program))}
        if args.program:
            ids = []
            for name in args.program:
                found = names.get(name.strip().casefold())
                if found is None:
                    raise CommandError(_("No program called {name!r}.").format(name=name))
                ids.append(found)
        else:
            ids = due_programs(database, today)
        if not ids:
            print(_("No program is due on {day}.").format(day=today.strftime("%d/%m/%Y")))
            return 0
        for program_id in ids:
            report = run_program(
                database, program_id, today, dry_run=args.dry_run, out_dir=args.out
            )
            processed += 1
            line = report.summary_line()
            if report.result in (RunResult.SKIPPED, RunResult.FAILED):
                skipped += 1
                print(line, file=sys.stderr)
                continue
            print(line)
            for out in report.outputs.values():
                for path in out.files:
                    print("  " + path)
            for reason, n in list(report.left_out_reasons.items())[:8]:
                print("  - " + _("left out: {reason}: {n}").format(reason=reason, n=n))
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            _("Cannot use the database {location}: {detail}").format(
                location=database.location, detail=detail
            )
        ) from None
    finally:
        database.dispose()
    print(
        ngettext("{n} program processed", "{n} programs processed", processed).format(
            n=format_count(processed)
        )
        + (", " + _("{n} skipped").format(n=format_count(skipped)) if skipped else "")
        + (" " + _("(dry run: nothing was written)") if args.dry_run else "")
    )
    return EXIT_SKIPPED if skipped else 0
