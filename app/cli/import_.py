"""``python -m app import FILE --db DB [--profile NAME|PROFILE.json] [--kind KIND]
[--sheet NAME] [--save-profile NAME] [--dry-run] [--report REPORT.xlsx] [--lang fr|en]``:
the nightly import of a DMS extract.

The file is read and validated, then written in one transaction (:func:`app.dms.load.import_file`):
customers by DMS reference, vehicles by VIN then plate, invoices by number, sales by order
number; refusals are only ever added. Without ``--profile`` the profile saved in the database
whose columns the file has applies by itself, else the columns are recognised by their headers.
The database is created, or upgraded after a backup, when needed (not by a dry run, which
writes nothing).

``--sheet`` reads that sheet of a workbook (by default the profile's, else the first one; a
name that is not there is refused with the list of the sheets). ``--save-profile NAME`` saves
the mapping used (the profile's, or the one recognised from the headers) as a profile of that
name in the database, as the wizard does, once the import is done: the next nightly run finds
it by itself. A profile that cannot be stored (a name too long, too many columns) is refused
before anything is imported.

Prints the counts. Exit codes: 0 done; 2 a bad file, profile or option (one line on stderr,
nothing written); 3 done, but rows were rejected (listed in the report); 130 interrupted
(nothing written).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.cli.common import ArgumentParser, CommandError, parse_today
from app.dms.fields import FileKind, guess_kind, suggest_mapping
from app.dms.load import import_file
from app.dms.profile import Profile, load_profile, match_file, match_profile
from app.dms.profile_store import (
    check_profile_name,
    find_profile,
    load_profiles,
    profile_text,
    save_profile,
)
from app.dms.report import write_report
from app.dms.sniff import sniff, with_headers
from app.export.sms.windows import normalise_subdivision
from app.i18n import N_, _, format_count, format_date
from app.models.db import open_database

EXIT_REJECTED = 3

_KIND_NAMES = {
    FileKind.CUSTOMERS: N_("customers"),
    FileKind.VEHICLES: N_("vehicles"),
    FileKind.INVOICES: N_("workshop invoices"),
    FileKind.SALES: N_("vehicle sales"),
}


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app import",
        description=_("Import a DMS extract (customers, vehicles, invoices or sales)."),
    )
    parser.add_argument("file", metavar="FILE", help=_("the extract (CSV, TXT, XLSX or XLS)"))
    parser.add_argument("--db", required=True, metavar="DB", help=_("the database file (or URL)"))
    parser.add_argument(
        "--profile",
        metavar="NAME|PROFILE.json",
        help=_("a profile saved in the database, or a profile file"),
    )
    parser.add_argument(
        "--kind", choices=[k.value for k in FileKind], help=_("what the file holds")
    )
    parser.add_argument("--sheet", metavar="NAME", help=_("the sheet of an Excel workbook to read"))
    parser.add_argument(
        "--save-profile",
        metavar="NAME",
        help=_("save the column mapping used as a profile of this name in the database"),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("validate and count, write nothing")
    )
    parser.add_argument(
        "--subdivision",
        metavar="CH-VD",
        help=_(
            "the sites' canton or province (ISO 3166-2), for the SMS send window's holidays; "
            "given to the file's sites that have none yet"
        ),
    )
    parser.add_argument("--report", metavar="REPORT.xlsx", help=_("save the report as .xlsx"))
    parser.add_argument(
        "--today", type=parse_today, metavar="YYYY-MM-DD", help=_("the date of the import")
    )
    # the language itself is set by app.cli.common.run_command before main() runs
    parser.add_argument("--lang", choices=("fr", "en"), help=_("language of the output"))
    return parser


def _profile_file(raw: str) -> Profile | None:
    path = Path(raw).expanduser()
    if raw.lower().endswith(".json") or path.is_file():
        if not path.is_file():
            raise CommandError(_("--profile {raw!r}: no such file.").format(raw=raw))
        return load_profile(path)
    return None


def _profile_to_save(name, kind, layout, mapping, used: Profile | None) -> Profile:
    """The mapping of this import as profile *name* (with the used profile's country, site
    and date orders), as the wizard saves one; checked before the import
    (:func:`~app.dms.profile_store.profile_text`): a profile that cannot be stored stops the
    command before anything is imported."""
    options = {}
    if used is not None:
        options = {
            "country": used.country,
            "site_code": used.site_code,
            "date_orders": dict(used.date_orders),
        }
    profile = Profile.from_mapping(
        name.strip(), kind, list(layout.headers), mapping, layout, **options
    )
    profile_text(profile)
    return profile


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    path = Path(args.file).expanduser()
    today: dt.date = args.today or dt.date.today()
    profile = _profile_file(args.profile) if args.profile else None
    if args.report and not args.report.lower().endswith(".xlsx"):
        raise CommandError(
            _("--report {raw!r}: the report is an .xlsx file.").format(raw=args.report)
        )
    if args.subdivision:
        normalise_subdivision(args.subdivision)  # a bad code stops here too
    if args.save_profile is not None and not args.save_profile.strip():
        raise CommandError(_("--save-profile needs a name."))
    if args.save_profile:
        check_profile_name(args.save_profile)  # before the database is opened
    if args.save_profile and args.dry_run:
        raise CommandError(
            _("--save-profile cannot be used with --dry-run: a dry run writes nothing.")
        )
    layout = sniff(path, sheet=args.sheet)  # a bad file stops here, before the database is touched
    if args.dry_run:
        database = open_database(args.db, create=False, upgrade=False)
    else:
        database = open_database(args.db, create=True, upgrade=True)
    try:
        for warning in database.warnings:
            print(warning)
        if args.profile and profile is None:
            profile = find_profile(database, args.profile)
            if profile is None:
                raise CommandError(
                    _("no profile named “{name}” in {db}.").format(
                        name=args.profile, db=database.location
                    )
                )
        if profile is None and args.sheet:
            profile = match_profile(layout.headers, load_profiles(database))
        elif profile is None:
            profile, layout = match_file(path, layout, load_profiles(database))
        elif layout.format != "csv" and not args.sheet and profile.sheet:
            if profile.sheet != layout.sheet_name:
                layout = sniff(path, sheet=profile.sheet)  # the profile's sheet
        if profile is not None:
            layout = with_headers(path, profile.layout_for(layout))
            kind = FileKind(args.kind or profile.kind)
            if args.kind and FileKind(args.kind) is not profile.kind:
                raise CommandError(
                    _("profile “{name}” is for {kind} files, not {wanted}.").format(
                        name=profile.name,
                        kind=_(_KIND_NAMES[profile.kind]),
                        wanted=args.kind,
                    )
                )
            mapping = profile.mapping_for(layout.headers, path)
        else:
            kind = FileKind(args.kind) if args.kind else guess_kind(list(layout.headers))
            mapping = suggest_mapping(list(layout.headers), kind)
        to_save = None
        if args.save_profile:
            to_save = _profile_to_save(args.save_profile, kind, layout, mapping, profile)
        result = import_file(
            database,
            path,
            kind,
            mapping,
            layout=layout,
            profile=profile,
            dry_run=args.dry_run,
            today=today,
            subdivision=args.subdivision,
        )
        if to_save is not None:
            save_profile(database, to_save)
    finally:
        database.dispose()
    if database.backup is not None:
        print(_("backup of the database before its upgrade: {path}").format(path=database.backup))
    report = result.report
    line = _(
        "{file}: {kind}, {read} rows read: {new} new, {updated} updated, {unchanged} unchanged, "
        "{rejected} rejected"
    ).format(
        file=path.name,
        kind=_(_KIND_NAMES[kind]),
        read=format_count(report.rows_read),
        new=format_count(result.new),
        updated=format_count(result.updated),
        unchanged=format_count(result.unchanged),
        rejected=format_count(result.rejected),
    )
    if result.profile:
        line += _(" (profile “{name}”)").format(name=result.profile)
    print(line)
    for change in result.changes:
        print(
            _("change of owner: {vehicle} from {former} to {new} on {date}").format(
                vehicle=change.vehicle,
                former=change.former_ref,
                new=change.new_ref,
                date=format_date(change.date),
            )
        )
    if args.save_profile:
        print(_("profile “{name}” saved in the database.").format(name=to_save.name))
    if args.dry_run:
        print(_("dry run: nothing was written."))
    if args.report:
        try:
            write_report(report, args.report)
        except OSError as error:
            raise CommandError(
                _("cannot write the report {path}: {reason}").format(
                    path=args.report, reason=error.strerror or error
                )
            ) from None
        print(_("report: {path}").format(path=args.report))
    return EXIT_REJECTED if result.rejected else 0
