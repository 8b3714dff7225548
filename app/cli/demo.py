"""``python -m app demo --db PATH [--customers N] [--seed S] [--today YYYY-MM-DD]``

Writes a new demo database (invented customers, vehicles and their history, see
:mod:`app.models.demo`) to PATH and prints a one-line summary. The same seed and date give the
same data. PATH must not exist yet (an empty 0-byte file is accepted): an existing database is
never touched. The database is built in a temporary file next to PATH and moved into place only
when complete, so an interrupted run leaves nothing half-made.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from app import files
from app.cli.common import ArgumentParser, CommandError, parse_today
from app.i18n import _, format_count, format_date, format_number
from app.models.db import open_database

#: Upper bound for --customers (about 20 GB of SQLite beyond this; nobody needs it for a demo).
MAX_CUSTOMERS = 5_000_000


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").strip())
    except ValueError:
        raise CommandError(
            _("--customers {text!r} is not a whole number.").format(text=text)
        ) from None
    if not 1 <= value <= MAX_CUSTOMERS:
        raise CommandError(
            _("--customers must be between 1 and {max}, not {value}.").format(
                max=format_count(MAX_CUSTOMERS), value=format_count(value)
            )
        )
    return value


def _seed(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise CommandError(_("--seed {text!r} is not a whole number.").format(text=text)) from None


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app demo",
        description="Write a new demo dealership database (invented data; deterministic).",
    )
    parser.add_argument("--db", required=True, metavar="PATH", help="the new SQLite file to write")
    parser.add_argument(
        "--customers", type=_count, default=5000, metavar="N", help="number of customers (5000)"
    )
    parser.add_argument("--seed", type=_seed, default=1, metavar="S", help="random seed (1)")
    parser.add_argument(
        "--today",
        type=parse_today,
        metavar="YYYY-MM-DD",
        help="the date the data is relative to (default: today)",
    )
    return parser


def _target(raw: str) -> Path:
    if "://" in raw:
        raise CommandError(
            _("--db {raw!r}: give a file path; demo data goes to a new SQLite file.").format(
                raw=raw
            )
        )
    path = Path(raw).expanduser()
    if path.is_dir():
        raise CommandError(_("--db {raw!r} is a folder, not a file.").format(raw=raw))
    if path.exists() and path.stat().st_size > 0:
        raise CommandError(
            _(
                "--db {raw!r} already exists: demo data is only written to a new file (choose another path; the existing file was not touched)."
            ).format(raw=raw)
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(
            _("--db {raw!r}: the folder {folder} does not exist.").format(raw=raw, folder=folder)
        )
    if not os.access(folder, os.W_OK):
        raise CommandError(
            _("--db {raw!r}: the folder {folder} is read-only.").format(raw=raw, folder=folder)
        )
    return path


def main(argv: list[str]) -> int:
    from app.models.demo import generate_demo, summary

    args = _parser().parse_args(argv)
    path = _target(args.db)
    today = args.today or dt.date.today()
    started = time.perf_counter()
    try:
        # Built by SQLite in a temporary file next to PATH (app.files: never half a database,
        # the user's usual permissions, leftovers of a killed run removed by the next one).
        with files.atomic_path(path) as tmp:
            database = open_database(tmp)
            try:
                generate_demo(database, args.customers, args.seed, today=today)
                counts = summary(database)
            finally:
                database.dispose()
            if path.exists() and path.stat().st_size > 0:
                raise CommandError(
                    _("--db {db!r} appeared while the demo was being written.").format(db=args.db)
                )
    except OSError as error:
        raise CommandError(
            _("Cannot write {path}: {detail}.").format(path=path, detail=error.strerror or error)
        ) from None
    elapsed = time.perf_counter() - started
    print(
        _(
            "Demo database written to {path}: {customers} customers, {vehicles} vehicles,"
            " {invoices} workshop invoices ({lines} lines), {sales} sales, {contacts} contacts"
            " in {seconds} s (seed {seed}, today {today})."
        ).format(
            path=path,
            customers=format_count(counts["customer"]),
            vehicles=format_count(counts["vehicle"]),
            invoices=format_count(counts["workshop_invoice"]),
            lines=format_count(counts["invoice_line"]),
            sales=format_count(counts["vehicle_sale"]),
            contacts=format_count(counts["contact_history"]),
            seconds=format_number(elapsed, 1),
            seed=args.seed,
            today=format_date(today),
        )
    )
    return 0
