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
it by itself.

Prints the counts. Exit codes: 0 done; 2 a bad file, profile or option (one line on stderr,
nothing written); 3 done, but rows were rejected (listed in the report); 130 interrupted
(nothing written).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from app.cli.common import ArgumentParser, CommandError, parse_today
from app.dms.fields import FileKind, guess_kind, suggest_mapping
from app.dms.load import NAME_MISMATCH, import_file
from app.dms.profile import Profile, load_profile, match_file, match_profile
from app.dms.profile_store import (
    check_profile_name,
    find_profile,
    load_profiles,
    profile_text,
    save_profile,
)
from app.dms.report import write_report
from app.dms.sniff import encoding_label, file_error, sniff, with_headers
from app.dms.validate import Validation, check_date_orders
from app.errors import ImportFileError
from app.export.sms.windows import normalise_subdivision
from app.i18n import N_, _, format_count, format_date, ngettext
from app.models.db import open_database, resolve_url, sqlite_path

#: Owner's-name warnings printed one per line (the others are in the report).
NAME_LINES = 20

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


def _check_report_folder(report: Path) -> None:
    """Refuse a report that could not be written before anything is imported (exit 2 means
    nothing was written)."""
    folder = report.resolve().parent
    if not folder.is_dir():
        raise CommandError(
            _("--report {path}: the folder {folder} does not exist.").format(
                path=report, folder=folder
            )
        )
    if not os.access(folder, os.W_OK):
        raise CommandError(
            _("--report {path}: you are not allowed to write in the folder {folder}.").format(
                path=report, folder=folder
            )
        )


def _profile_file(raw: str) -> Profile | None:
    path = Path(raw).expanduser()
    if raw.lower().endswith(".json") or path.is_file():
        if not path.is_file():
            raise CommandError(_("--profile {raw!r}: no such file.").format(raw=raw))
        return load_profile(path)
    return None


def _profile_mapping(path: Path, profile: Profile, layout, sniffed) -> dict[int, str]:
    """The profile's mapping on the file read as the profile says; when a column is missing
    because the file is no longer written as the profile says (another separator, encoding or
    header row) while its headers are all there read as Cible finds them, the error says that."""
    try:
        return profile.mapping_for(layout.headers, path)
    except ImportFileError:
        if sniffed.format != "csv" or match_profile(sniffed.headers, [profile]) is not profile:
            raise
    differences = []
    if sniffed.separator != layout.separator:
        differences.append(
            _("its values are separated by {found}, not by {expected}").format(
                found=_separator(sniffed.separator), expected=_separator(layout.separator)
            )
        )
    if sniffed.encoding != layout.encoding:
        differences.append(
            _("it is written in {found}, not in {expected}").format(
                found=encoding_label(sniffed.encoding), expected=encoding_label(layout.encoding)
            )
        )
    if sniffed.header_row != layout.header_row:
        differences.append(
            _("its headers are on row {found}, not on row {expected}").format(
                found=sniffed.header_row + 1, expected=layout.header_row + 1
            )
        )
    raise file_error(
        path,
        _(
            "the file is not written as profile “{profile}” expects: {differences}. Export it "
            "from the DMS as before, or save the profile again from this file."
        ).format(profile=profile.name, differences=_joined(differences)),
        row=layout.header_row + 1,
    ) from None


def _joined(parts: list[str]) -> str:
    """``a; b`` (French: ``a ; b``)."""
    text = parts[0]
    for part in parts[1:]:
        text = _("{first}; {second}").format(first=text, second=part)
    return text


def _separator(separator: str) -> str:
    return {"\t": _("tab")}.get(separator, _("“{sign}”").format(sign=separator))


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


def count_line(read: int, result) -> str:
    """``16 rows read: 13 new, 0 updated, 0 unchanged, 2 rejected`` (each word agreeing with its
    number: French says « 1 ligne lue », « 0 rejeté »)."""
    return _("{read}: {new}, {updated}, {unchanged}, {rejected}").format(
        read=ngettext("{n} row read", "{n} rows read", read).format(n=format_count(read)),
        new=ngettext("{n} new", "{n} new", result.new).format(n=format_count(result.new)),
        updated=ngettext("{n} updated", "{n} updated", result.updated).format(
            n=format_count(result.updated)
        ),
        unchanged=ngettext("{n} unchanged", "{n} unchanged", result.unchanged).format(
            n=format_count(result.unchanged)
        ),
        rejected=ngettext("{n} rejected", "{n} rejected", result.rejected).format(
            n=format_count(result.rejected)
        ),
    )


def _plan(path: Path, layout, args, profile: Profile | None, profiles: list[Profile]):
    """The profile, layout, kind and column mapping of this import, and the checks of the file
    that need no database: a missing column, a file no longer written as its profile says, a
    column of US dates. Returns ``(profile, layout, kind, mapping)``."""
    if profile is None and args.sheet:
        profile = match_profile(layout.headers, profiles)
    elif profile is None:
        profile, layout = match_file(path, layout, profiles)
    elif layout.format != "csv" and not args.sheet and profile.sheet:
        if profile.sheet != layout.sheet_name:
            layout = sniff(path, sheet=profile.sheet)  # the profile's sheet
    if profile is not None:
        sniffed = layout
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
        mapping = _profile_mapping(path, profile, layout, sniffed)
    else:
        kind = FileKind(args.kind) if args.kind else guess_kind(list(layout.headers))
        mapping = suggest_mapping(list(layout.headers), kind)
    Validation(path, layout, mapping, kind)  # a missing column stops here
    # a column of US dates is refused before anything is written, unless the profile
    # says to read it month first
    check_date_orders(
        path, layout, mapping, kind, profile.date_orders if profile is not None else None
    )
    return profile, layout, kind, mapping


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    path = Path(args.file).expanduser()
    today: dt.date = args.today or dt.date.today()
    profile = _profile_file(args.profile) if args.profile else None
    if args.report and not args.report.lower().endswith(".xlsx"):
        raise CommandError(
            _("--report {raw!r}: the report is an .xlsx file.").format(raw=args.report)
        )
    if args.report:
        _check_report_folder(Path(args.report).expanduser())
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
    db_file = sqlite_path(resolve_url(args.db))
    if db_file is not None and not db_file.exists() and not args.dry_run:
        # a database that does not exist yet is created only for a file that can be imported
        if args.profile and profile is None:
            raise CommandError(
                _("no profile named “{name}” in {db}.").format(name=args.profile, db=db_file)
            )
        _plan(path, layout, args, profile, [])
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
        profile, layout, kind, mapping = _plan(path, layout, args, profile, load_profiles(database))
        to_save = None
        if args.save_profile:  # a profile that cannot be stored stops here, before the import
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
    line = _("{file}: {kind}, {counts}").format(
        file=path.name, kind=_(_KIND_NAMES[kind]), counts=count_line(report.rows_read, result)
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
    if report.name_mismatches:
        print(
            ngettext(
                "{count} row names its customer differently from Cible: check the site and "
                "the number (listed in the report).",
                "{count} rows name their customer differently from Cible: check the site and "
                "the number (listed in the report).",
                report.name_mismatches,
            ).format(count=format_count(report.name_mismatches))
        )
        shown = [p for p in report.problems if p.reason.msgid == NAME_MISMATCH]
        for problem in shown[:NAME_LINES]:
            print(_("row {row}: {problem}").format(row=problem.row, problem=problem.message))
        if report.name_mismatches > NAME_LINES:
            print(_("… and the others in the report."))
    if args.save_profile:
        print(_("profile “{name}” saved in the database.").format(name=to_save.name))
    if args.dry_run:
        print(_("dry run: nothing was written."))
    if args.report:
        try:
            write_report(report, args.report)
        except OSError as error:
            raise CommandError(
                _("the import is done, but the report {path} cannot be written: {reason}").format(
                    path=args.report, reason=error.strerror or error
                )
            ) from None
        print(_("report: {path}").format(path=args.report))
    return EXIT_REJECTED if result.rejected else 0
