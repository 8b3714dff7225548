"""``python -m app run-target FILE.json --db PATH --out OUT.csv|OUT.xlsx [--today YYYY-MM-DD]``

Runs a target file without the window (scheduled jobs, scripts) and writes its rows, with the
target's columns in its sort order, removed customers left out. Prints the number of rows.

* ``.csv``: UTF-8 with a byte-order mark and ``;`` between values, so that a double click opens
  it correctly in French Excel; dates DD/MM/YYYY, decimal comma in French, Oui/Non.
* ``.xlsx``: one sheet written by :mod:`app.export.excel` (typed cells, header row frozen,
  autofilter); ``export-excel`` adds the information sheet and the mailing option.

Problems (unknown field, wrong value, malformed file, missing database, unwritable output)
print one line and exit with code 2; nothing is written. The output is written to a temporary
file next to it and moved into place only when complete.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import exc as sa_exc

from app import files
from app.cli.common import ArgumentParser, CommandError, parse_today
from app.errors import DatabaseError
from app.i18n import _, format_count, ngettext, normalize_language, system_language
from app.models.db import open_database
from app.query.catalog import get_field
from app.query.engine import ResultRow, iter_rows
from app.query.targetfile import load_target_file


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app run-target",
        description="Run a target file and write its rows to CSV or Excel (removed customers left out).",
    )
    parser.add_argument("file", metavar="FILE.json", help="the target file (docs/target-format.md)")
    parser.add_argument(
        "--db", required=True, metavar="PATH", help="the database file (or a database URL)"
    )
    parser.add_argument(
        "--out", required=True, metavar="OUT.csv|OUT.xlsx", help="where to write the rows"
    )
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the date relative criteria count from (default: today)",
    )
    parser.add_argument(
        "--lang", choices=("fr", "en"), help="language of headers and values (default: system)"
    )
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CommandError(
            _("--out {out!r}: the file name must end in .csv or .xlsx.").format(out=args.out)
        )
    if out.is_dir():
        raise CommandError(_("--out {out!r} is a folder, not a file.").format(out=args.out))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(
            _("--out {out!r}: the folder {folder} does not exist.").format(
                out=args.out, folder=folder
            )
        )
    today = parse_today(args.today)
    lang = normalize_language(args.lang or system_language())
    target = load_target_file(args.file)
    database = open_database(args.db, create=False, upgrade=False)  # only reads
    try:
        with database.engine.connect() as conn:
            rows = iter_rows(conn, target, today=today)
            count = _write(out, suffix, target.columns, rows, lang)
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            _("Cannot read the database {location}: {detail}").format(
                location=database.location, detail=detail
            )
        ) from None
    finally:
        database.dispose()
    print(
        ngettext("{n} row written to {out}", "{n} rows written to {out}", count).format(
            n=format_count(count), out=out
        )
    )
    if suffix == ".csv":
        print(
            _(
                "Note: a spreadsheet opening a CSV drops the leading zeros of codes (01000,"
                " 0612345678); write .xlsx to keep them as text."
            )
        )
    return 0


def _write(out: Path, suffix: str, columns: list[str], rows, lang: str) -> int:
    try:
        with files.atomic_path(out) as tmp:
            if suffix == ".csv":
                return _write_csv(tmp, columns, rows, lang)
            return _write_xlsx(tmp, columns, rows, lang)
    except OSError as error:
        raise CommandError(
            _("Cannot write {out}: {detail}.").format(out=out, detail=error.strerror or error)
        ) from None


#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """*text* as a CSV cell a spreadsheet shows as text: ``=HYPERLINK(...)``, ``+33...`` or
    ``@SUM(...)`` from a customer field would run as a formula when the file is opened in Excel
    or LibreOffice, so such a cell starts with ``'``. Other values are written as they are."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _write_csv(path: Path, columns: list[str], rows, lang: str) -> int:
    fields = [get_field(k) for k in columns]
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([csv_cell(f.label(lang)) for f in fields])
        row: ResultRow
        for row in rows:
            writer.writerow(
                [
                    csv_cell(f.format_value(v, lang))
                    if isinstance(v, str)
                    else f.format_value(v, lang)
                    for f, v in zip(fields, row.values, strict=True)
                ]
            )
            count += 1
    return count


def _write_xlsx(path: Path, columns: list[str], rows, lang: str) -> int:
    # the one Excel writer (typed cells, streamed)
    from app.export.excel import ExcelLimits, write_workbook

    fields = [get_field(k) for k in columns]
    limits = ExcelLimits()
    count = write_workbook(path, fields, (row.values for row in rows), lang=lang, limits=limits)
    for note in limits.notes():
        print(note)
    return count
