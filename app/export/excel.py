"""Excel exports of a target: a typed, filterable workbook, refreshed in place later. No Qt.

What a workbook holds
    Sheet 1 (``Données`` / ``Data``): a bold header row with the fields' labels (from the field
    catalog, in the user's language), then one row per row of the target, in its sort order.
    Cells are typed: dates are real dates shown DD/MM/YYYY, numbers are numbers (amounts with two
    decimals), postal codes, phone numbers and every other text field are text, so leading zeros
    stay; yes/no and list fields show their labels. The header is frozen, an autofilter covers
    the rows and the columns are sized to their contents. The workbook-level name
    ``Cible_Data`` covers the header and the rows: build pivot tables and charts on it and they
    follow the rows when the data is refreshed.
    Sheet 2 (``Informations`` / ``About``): the target's name, description, criteria in plain
    words, when it ran, from which day relative dates were counted, the row count and, for an
    export meant for mailing, the count at each step of the postal funnel.

Customers removed by hand from the target are never exported. An export "meant for mailing"
first goes through the postal permissions funnel (usable postal address, one per customer or
household, not refusing postal contact — read from the database at export time — and not
contacted in the last N days), and only the rows of the customers who remain are written.

How rows are written, flat in memory: the workbook is first laid out without its rows — by
XlsxWriter for a new export (header, styles, frozen header, autofilter, names, information
sheet), by openpyxl for a refresh (see below) — with the data sheet holding its header and one
"probe" row whose cells carry each column's style. Rows from :func:`app.query.engine.iter_rows`
are then written as XML (inline strings, escaped exactly as XlsxWriter escapes them; dates as
serial numbers) into a scratch folder next to the destination (:mod:`app.files`: customer data
never goes to the shared temporary folder), and the layout's package is copied to a temporary file in
the destination folder with the rows spliced into the data sheet and the row count set in the
dimension, autofilter, names and information sheet. That file replaces the destination only when
complete: a cancelled, failed or killed export leaves an older file exactly as it was. Writing
the XML directly is about three times faster than XlsxWriter's per-cell calls; tests check that
every cell reads back exactly as XlsxWriter's own typed writes.

"Open and refresh data" (:func:`refresh_workbook`) re-runs the target and replaces the data
sheet (and the information sheet) of an existing workbook, keeping the other sheets the user
added. openpyxl edits the workbook — the user's sheets, the names, the styles — after the old
rows were skipped while copying it (so they are never loaded), and the new rows are streamed as
above: memory grows only with what the user added. Limits, from openpyxl: it keeps values,
formulas, formatting, conditional formats, data validation, defined names and charts (tested),
and pivot tables (openpyxl documents that it preserves them; Cible marks their caches to refresh
when Excel opens the file — not tested here against a pivot table made in Excel); it drops
images unless Pillow is installed, and always drops shapes, text boxes, slicers, form controls,
macros and external-link caches. Anything the user put on the data sheet itself is replaced
with the new rows: keep your own work on other sheets, and point charts, formulas and pivot
tables at the ``Cible_Data`` name so they follow the rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import json
import math
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from sqlalchemy import Connection, delete, func, select, update

from app import files
from app.errors import CibleError
from app.export.postal import PostalFunnel, postal_funnel, reason_counts
from app.i18n import N_, _, format_count, ngettext
from app.models.base import utcnow
from app.models.exports import SavedExcelExport
from app.query.catalog import Field, FieldType, current_language, get_field
from app.query.engine import count_rows, describe, iter_rows
from app.query.target import Target

__all__ = [
    "DATA_NAME",
    "INFO_NAME",
    "ExportCancelled",
    "ExportExistsError",
    "ExportResult",
    "MailingOptions",
    "SavedExport",
    "WorkbookInfo",
    "delete_saved_exports",
    "export_target",
    "find_saved_export",
    "get_saved_export",
    "list_saved_exports",
    "mailing_funnel",
    "record_export",
    "refresh_rows",
    "refresh_workbook",
    "write_workbook",
]

#: Workbook-level names marking the data (header + rows) and the information sheet.
DATA_NAME = "Cible_Data"
INFO_NAME = "Cible_Info"
#: The most rows an Excel sheet holds (the header takes one).
MAX_ROWS = 1_048_576
#: Rows between two progress reports / cancel checks.
BATCH = 500
#: Rows looked at to size the columns.
WIDTH_SAMPLE = 1000
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MONEY_FORMAT = "#,##0.00"

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

#: The words of the workbook (English; translated in the workbook's language where written).
_WORDS = {
    # Translators: the name of the data sheet of an Excel export.
    "data": N_("Data"),
    # Translators: the name of the information sheet of an Excel export.
    "info": N_("About"),
    "target": N_("Target"),
    "description": N_("Description"),
    "criteria": N_("Criteria"),
    "run_at": N_("Run on"),
    "today": N_("Relative dates counted from"),
    "rows": N_("Rows exported"),
    "grain": N_("One row per"),
    # Translators: after "One row per".
    "vehicle": N_("vehicle"),
    # Translators: after "One row per".
    "customer": N_("customer"),
    "removed": N_("Customers removed by hand (never exported)"),
    "mailing": N_("Meant for mailing"),
    "yes": N_("Yes"),
    "unnamed": N_("(unsaved target)"),
}


def _word(key: str, lang: str) -> str:
    return _(_WORDS[key], lang)


class ExportCancelled(CibleError):
    """The export was cancelled; any older file was left as it was."""

    def __init__(self) -> None:
        super().__init__(_("The export was cancelled; the previous file, if any, is unchanged."))


class ExportExistsError(CibleError):
    """A saved export of this target already has this name (ask before overwriting)."""

    def __init__(self, name: str) -> None:
        super().__init__(
            _("An Excel export of this target is already called {name!r}.").format(name=name)
        )
        self.name = name


@dataclass(frozen=True)
class MailingOptions:
    """An export meant for mailing: the postal funnel's options."""

    #: One letter per household (customers sharing a postal address) instead of per customer.
    household: bool = False
    #: Leave out customers contacted (any channel) in the last N days; ``None``: no cap.
    contacted_within_days: int | None = None


@dataclass
class ExportResult:
    path: Path
    rows: int
    run_at: dt.datetime
    #: The postal funnel applied (exports meant for mailing only).
    funnel: PostalFunnel | None = None
    #: True when :func:`refresh_workbook` found no workbook and wrote a new one.
    created: bool = False
    #: Values Excel could not hold as they were (see :class:`ExcelLimits`).
    limits: ExcelLimits = field(default_factory=lambda: ExcelLimits())


@dataclass
class ExcelLimits:
    """Values a sheet cannot hold as they are: Excel keeps at most 32,767 characters in a cell
    and 15 significant digits in a number. Counted while the rows are written, said on the
    information sheet and by the commands."""

    #: Text cells cut at 32,767 characters.
    cut_texts: int = 0
    #: Whole numbers of more than 15 digits, which Excel rounds.
    rounded_numbers: int = 0

    def notes(self, lang: str | None = None) -> list[str]:
        """What to tell the user, in *lang*: nothing when every value fitted."""
        out = []
        if self.cut_texts:
            out.append(
                ngettext(
                    "{n} text was cut at 32,767 characters, Excel's limit for a cell.",
                    "{n} texts were cut at 32,767 characters, Excel's limit for a cell.",
                    self.cut_texts,
                    lang,
                ).format(n=format_count(self.cut_texts, lang))
            )
        if self.rounded_numbers:
            out.append(
                ngettext(
                    "{n} whole number has more than 15 digits: Excel rounds it.",
                    "{n} whole numbers have more than 15 digits: Excel rounds them.",
                    self.rounded_numbers,
                    lang,
                ).format(n=format_count(self.rounded_numbers, lang))
            )
        return out


# --- cells ---------------------------------------------------------------------------------

_S, _N, _M, _D, _L = range(5)  # text, number, money, date, label (enum / yes-no)
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_FIRST_EXCEL_DATE = dt.date(1900, 3, 1)  # before this, Excel's 1900 leap-year bug shifts dates


def _kinds(fields: Sequence[Field], lang: str) -> list[tuple[int, dict[Any, str] | None]]:
    """How each column is written: (kind, labels for enum and yes/no fields)."""
    result: list[tuple[int, dict[Any, str] | None]] = []
    for f in fields:
        if f.type is FieldType.DATE:
            result.append((_D, None))
        elif f.type is FieldType.NUMBER:
            result.append((_M if f.money else _N, None))
        elif f.type in (FieldType.BOOLEAN, FieldType.ENUM) and f.enum_values:
            result.append((_L, {choice.value: choice.label(lang) for choice in f.enum_values}))
        else:
            result.append((_S, None))
    return result


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _width(value: Any, kind: int) -> int:
    if kind == _D:
        return 10
    if kind in (_N, _M):
        return len(f"{value:,.2f}") if kind == _M else len(str(value))
    return len(value) if isinstance(value, str) else len(str(value))


def _column_width(chars: int) -> float:
    return float(min(max(chars + 2, 8), 60))


# --- the information sheet -----------------------------------------------------------------


@dataclass
class WorkbookInfo:
    """What the information sheet says (rows are filled in once written)."""

    target: Target
    run_at: dt.datetime
    today: dt.date
    lang: str
    funnel: PostalFunnel | None = None
    rows: int = 0
    cut_texts: int = 0
    rounded_numbers: int = 0

    def pending(self) -> None:
        """Placeholders for what is known only once the rows are written (see :func:`_fill`)."""
        self.rows, self.cut_texts, self.rounded_numbers = _SENTINEL, _SENTINEL_CUT, _SENTINEL_ROUND

    def lines(self) -> list[tuple[str, Any]]:
        lang = self.lang
        t = self.target
        lines: list[tuple[str, Any]] = [
            (_word("target", lang), t.name or _word("unnamed", lang)),
            (_word("description", lang), t.description),
            (_word("criteria", lang), describe(t, lang)),
            (_word("run_at", lang), self.run_at),
            (_word("today", lang), self.today),
            (_word("rows", lang), self.rows),
            (_word("grain", lang), _word("customer" if t.grain == "customer" else "vehicle", lang)),
            (_word("removed", lang), len(t.removed)),
            (_("Texts cut at 32,767 characters (Excel's limit for a cell)", lang), self.cut_texts),
            (
                _("Whole numbers of more than 15 digits (Excel rounds them)", lang),
                self.rounded_numbers,
            ),
        ]
        if self.funnel is not None:
            lines.append((_word("mailing", lang), _word("yes", lang)))
            for step in self.funnel.steps:
                label = _("Postal funnel – {step}", lang).format(step=step.label)
                lines.append((label, step.count))
                for reason, n in reason_counts(step):
                    lines.append((f"      – {reason}", -n))
        return lines


def _safe_sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return cleaned[:31] or "Sheet"


# --- writing a new workbook ----------------------------------------------------------------


def _check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled()


def _cannot_write(path: Path, error: OSError) -> CibleError:
    return CibleError(
        _("Cannot write {path}: {detail}.").format(path=path, detail=error.strerror or error)
    )


@contextlib.contextmanager
def _scratch(path: Path) -> Iterator[Path]:
    """A scratch folder next to *path* (never in the shared temporary folder: it holds the
    rows); a full disk or an unwritable folder becomes a message naming *path*."""
    try:
        with files.scratch_folder(path) as scratch:
            yield scratch
    except OSError as error:
        raise _cannot_write(path, error) from None


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary path next to *path*, moved over it only if the block completes."""
    try:
        with files.atomic_path(path) as tmp:
            yield tmp
    except PermissionError as error:
        if path.exists() and os.access(path.parent, os.W_OK):
            raise CibleError(
                _(
                    "Cannot replace {path}: permission denied. Is it open in another program (Excel)? "
                    "Close it and try again; the previous file is unchanged."
                ).format(path=path)
            ) from None
        raise _cannot_write(path, error) from None
    except OSError as error:
        raise _cannot_write(path, error) from None


def write_workbook(
    path: str | os.PathLike[str],
    fields: Sequence[Field],
    rows: Iterable[Sequence[Any]],
    info: WorkbookInfo | None = None,
    *,
    lang: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    total: int = 0,
    limits: ExcelLimits | None = None,
) -> int:
    """Write *rows* (value tuples aligned with *fields*) as a new workbook at *path*.

    With *info*, the information sheet follows the data sheet (and gives the language);
    without, the workbook has the data sheet only, in *lang* (default: the application's).

    XlsxWriter lays the workbook out (header, styles, frozen header, autofilter, names, the
    information sheet) with the data sheet holding only its header; the rows are streamed (see
    :func:`_fill`). ``progress(done, total)`` is called every few hundred rows and may raise to
    stop; ``cancel()`` returning true stops with :class:`ExportCancelled`. Either way *path* is
    left as it was. Returns the number of rows written.
    """
    path = Path(path)
    fields = list(fields)
    if not fields:
        raise CibleError(_("The target has no columns to export: choose the fields to show first."))
    lang = info.lang if info is not None else current_language(lang)
    with _scratch(path) as scratch:
        skeleton = scratch / "skeleton.xlsx"
        data_title, info_title = _write_skeleton(skeleton, fields, info, lang)
        return _fill(
            skeleton,
            path,
            scratch,
            data_title,
            info_title,
            fields,
            rows,
            info,
            lang,
            progress,
            cancel,
            total,
            limits,
        )


def _write_skeleton(
    path: Path, fields: list[Field], info: WorkbookInfo | None, lang: str
) -> tuple[str, str | None]:
    """The new workbook without its rows: the data sheet's header and one "probe" row whose
    cells carry each column's style, the information sheet with a placeholder row count."""
    import xlsxwriter
    from xlsxwriter.utility import xl_range

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    data_title = _safe_sheet_title(_word("data", lang))
    sheet = workbook.add_worksheet(data_title)
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    formats = {
        "date": workbook.add_format({"num_format": DATE_FORMAT}),
        "money": workbook.add_format({"num_format": MONEY_FORMAT}),
    }
    ncols = len(fields)
    text_cols = []
    for c, f in enumerate(fields):
        sheet.write_string(0, c, f.label(lang), header)
        if f.type is FieldType.DATE:
            sheet.write_number(1, c, 0, formats["date"])
        elif f.money:
            sheet.write_number(1, c, 0, formats["money"])
        else:
            sheet.write_number(1, c, 0)
        if f.type is FieldType.TEXT:
            text_cols.append(c)
        sheet.set_column(c, c, 10)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, 1, ncols - 1)
    if text_cols:  # codes, postal codes, phones: no "number stored as text" warning
        ranges = " ".join(xl_range(1, c, MAX_ROWS - 1, c) for c in text_cols)
        sheet.ignore_errors({"number_stored_as_text": ranges})
    workbook.define_name(DATA_NAME, f"={_range_ref(data_title, 2, ncols)}")
    info_title = None
    if info is not None:
        info.pending()
        info_title = _safe_sheet_title(_word("info", lang))
        about = workbook.add_worksheet(info_title)
        _write_info_xlsxwriter(workbook, about, info)
        workbook.define_name(INFO_NAME, f"={_range_ref(info_title, len(info.lines()), 2)}")
        workbook.set_properties({"title": info.target.name, "comments": "Cible"})
    workbook.close()
    return data_title, info_title


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _range_ref(title: str, nrows: int, ncols: int) -> str:
    quoted = "'" + title.replace("'", "''") + "'"
    return f"{quoted}!$A$1:${_col_letter(max(ncols - 1, 0))}${max(nrows, 1)}"


def _write_info_xlsxwriter(workbook: Any, sheet: Any, info: WorkbookInfo) -> None:
    bold = workbook.add_format({"bold": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    date_fmt = workbook.add_format({"num_format": DATE_FORMAT, "align": "left", "valign": "top"})
    stamp_fmt = workbook.add_format(
        {"num_format": DATETIME_FORMAT, "align": "left", "valign": "top"}
    )
    number_fmt = workbook.add_format({"align": "left", "valign": "top"})
    sheet.set_column(0, 0, 45)
    sheet.set_column(1, 1, 90)
    for r, (label, value) in enumerate(info.lines()):
        sheet.write_string(r, 0, label, bold)
        if isinstance(value, dt.datetime):
            sheet.write_datetime(r, 1, value, stamp_fmt)
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), date_fmt)
        elif isinstance(value, int | float):
            sheet.write_number(r, 1, value, number_fmt)
        else:
            sheet.write_string(r, 1, str(value), wrap)


# --- the mailing funnel --------------------------------------------------------------------


def mailing_funnel(
    conn: Connection,
    target: Target,
    *,
    today: dt.date,
    options: MailingOptions,
    lang: str | None = None,
    progress: Progress | None = None,
) -> PostalFunnel:
    """The postal permissions funnel of *target* (:mod:`app.export.postal`), read now.

    Refusals and recent contacts are read from the database when this runs, not from the
    target's columns. Its recipients, in the target's order, are the rows an export for mailing
    writes: one row per customer (or per household), the first of theirs in the target's order.
    """
    report = None
    if progress is not None:
        report = lambda done, total, text: progress(done, total)  # noqa: E731
    return postal_funnel(
        conn,
        target,
        today=today,
        household=options.household,
        contacted_within_days=options.contacted_within_days,
        lang=lang,
        progress=report,
    )


# --- exporting a target --------------------------------------------------------------------


def _values(
    conn: Connection, target: Target, today: dt.date, funnel: PostalFunnel | None
) -> Iterator[tuple[Any, ...]]:
    """The rows to write: removed customers never; for mailing, the funnel's recipients."""
    removed = target.removed
    if funnel is not None:
        for recipient in funnel.recipients:
            if recipient.customer_id not in removed and recipient.rows:
                yield recipient.rows[0].values
        return
    for row in iter_rows(conn, target, today=today, include_removed=False):
        if row.removed or row.customer_id in removed:
            continue
        yield row.values


def _prepare(
    conn: Connection,
    target: Target,
    today: dt.date,
    lang: str,
    mailing: MailingOptions | None,
    progress: Progress | None,
) -> tuple[PostalFunnel | None, int]:
    target.validate()
    if not target.columns:
        raise CibleError(_("The target has no columns to export: choose the fields to show first."))
    if mailing is not None:
        funnel = mailing_funnel(
            conn, target, today=today, options=mailing, lang=lang, progress=progress
        )
        return funnel, funnel.final_count
    if progress is not None:
        return None, count_rows(conn, target, today=today, include_removed=False)
    return None, 0


def export_target(
    conn: Connection,
    target: Target,
    path: str | os.PathLike[str],
    *,
    today: dt.date | None = None,
    lang: str | None = None,
    mailing: MailingOptions | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    run_at: dt.datetime | None = None,
) -> ExportResult:
    """Run *target* and write its rows to a new workbook at *path* (see the module docstring)."""
    return _run_into(
        write_workbook, conn, target, Path(path), today, lang, mailing, progress, cancel, run_at
    )


def _run_into(
    writer: Callable[..., int],
    conn: Connection,
    target: Target,
    path: Path,
    today: dt.date | None,
    lang: str | None,
    mailing: MailingOptions | None,
    progress: Progress | None,
    cancel: Cancel | None,
    run_at: dt.datetime | None,
) -> ExportResult:
    """Run *target* (through the mailing funnel if asked) and hand its rows to *writer*:
    :func:`write_workbook` for a new workbook, :func:`refresh_rows` for an existing one."""
    today = today or dt.date.today()
    run_at = run_at or dt.datetime.now().replace(microsecond=0)
    lang = current_language(lang)
    fields = [get_field(k) for k in target.columns]
    funnel, total = _prepare(conn, target, today, lang, mailing, progress)
    info = WorkbookInfo(target=target, run_at=run_at, today=today, lang=lang, funnel=funnel)
    limits = ExcelLimits()
    count = writer(
        path,
        fields,
        _values(conn, target, today, funnel),
        info,
        progress=progress,
        cancel=cancel,
        total=total,
        limits=limits,
    )
    return ExportResult(path=path, rows=count, run_at=run_at, funnel=funnel, limits=limits)


# --- refreshing an existing workbook (openpyxl) --------------------------------------------


def _load_for_refresh(path: Path) -> Any:
    import zipfile

    import openpyxl

    try:
        return openpyxl.load_workbook(path, rich_text=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise CibleError(
            _("{path} is not an Excel workbook Cible can refresh ({detail}).").format(
                path=path, detail=error
            )
        ) from None
    except PermissionError:
        raise CibleError(_("Cannot read {path}: permission denied.").format(path=path)) from None
    except OSError as error:
        raise CibleError(
            _("Cannot read {path}: {detail}.").format(path=path, detail=error.strerror or error)
        ) from None


def _named_sheet(workbook: Any, name: str) -> Any | None:
    defined = workbook.defined_names.get(name)
    if defined is None:
        return None
    title = _sheet_of(defined.attr_text or "")  # openpyxl keeps a doubled quote doubled
    return workbook[title] if title in workbook.sheetnames else None


def refresh_workbook(
    conn: Connection,
    target: Target,
    path: str | os.PathLike[str],
    *,
    today: dt.date | None = None,
    lang: str | None = None,
    mailing: MailingOptions | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    run_at: dt.datetime | None = None,
) -> ExportResult:
    """Re-run *target* and replace the data of the workbook at *path*, keeping the user's sheets.

    The data sheet is the one the ``Cible_Data`` name points to. If *path* does not exist, a
    new workbook is written (``created`` is true). A workbook Cible did not make is refused.
    """
    path = Path(path)
    if not path.exists():
        result = export_target(
            conn,
            target,
            path,
            today=today,
            lang=lang,
            mailing=mailing,
            progress=progress,
            cancel=cancel,
            run_at=run_at,
        )
        result.created = True
        return result
    _data_part(path)  # refuse a workbook Cible did not make before running anything
    return _run_into(
        refresh_rows, conn, target, path, today, lang, mailing, progress, cancel, run_at
    )


def _unique_title(workbook: Any, title: str) -> str:
    base = _safe_sheet_title(title)
    candidate, n = base, 1
    while candidate in workbook.sheetnames:
        n += 1
        candidate = f"{base[:28]} {n}"
    return candidate


def _replace_sheet(workbook: Any, old: Any) -> Any:
    """A new empty sheet with *old*'s title and place; *old* is removed."""
    index = workbook.index(old)
    title = old.title
    tab_color = old.sheet_properties.tabColor
    was_active = workbook.active is old
    new = workbook.create_sheet(_unique_title(workbook, "cible-refresh"), index)
    workbook.remove(old)
    new.title = title
    if tab_color is not None:
        new.sheet_properties.tabColor = tab_color
    if was_active:
        workbook.active = new
    return new


def _set_name(workbook: Any, name: str, ref: str) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    if name in workbook.defined_names:
        del workbook.defined_names[name]
    workbook.defined_names[name] = DefinedName(name, attr_text=ref)


def _refresh_pivots_on_open(workbook: Any) -> None:
    """Ask Excel to refresh every pivot table's cache when it opens the workbook."""
    for sheet in workbook.worksheets:
        for pivot in getattr(sheet, "_pivots", []):  # openpyxl keeps pivots there
            cache = getattr(pivot, "cache", None)
            if cache is not None:
                cache.refreshOnLoad = True


# How a refresh stays flat in memory: openpyxl edits the workbook (the user's sheets, the
# names, the information sheet, the styles) with the data sheet holding only its header and one
# "probe" row whose cells carry each column's style; the rows themselves are streamed as XML into
# a scratch file, then spliced into the data sheet while the package is copied to its new file.

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}
# Counts in the information sheet until they are known (replaced in its XML by _fill).
_SENTINEL = 987_654_321_987_654  # the row count
_SENTINEL_CUT = 987_654_321_987_655  # texts cut
_SENTINEL_ROUND = 987_654_321_987_656  # numbers rounded
#: Excel's largest exact whole number (15 significant digits).
_EXACT = 10**15
#: Bytes read at a time while the old rows are skipped.
_CHUNK = 1 << 20
_SHEET_DATA_START = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")


def _sheet_of(ref: str) -> str:
    """``'Données'!$A$1:$L$9`` → ``Données``."""
    ref = ref.strip().lstrip("=")
    if ref.startswith("'"):
        end = ref.find("'!")
        while end != -1 and ref[end - 1 : end + 1] == "''":  # a quote doubled inside the name
            end = ref.find("'!", end + 1)
        return ref[1:end].replace("''", "'") if end > 0 else ""
    return ref.split("!", 1)[0]


def _parts(package: zipfile.ZipFile) -> tuple[Any, dict[str, str], dict[str, tuple[str, int]]]:
    """(workbook.xml tree, defined names → text, sheet name → (part name, index))."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(package.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError) as error:
        raise CibleError(_("not an Excel workbook ({detail})").format(detail=error)) from None
    targets = {}
    for rel in rels.findall("p:Relationship", _NS):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    sheets = {}
    for index, sheet in enumerate(root.findall("m:sheets/m:sheet", _NS)):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        sheets[sheet.get("name", "")] = (targets.get(rid, ""), index)
    names = {
        name.get("name", ""): name.text or ""
        for name in root.findall("m:definedNames/m:definedName", _NS)
        if name.get("localSheetId") is None
    }
    return root, names, sheets


def _data_part(path: Path) -> str:
    """The package part of the data sheet (the sheet ``Cible_Data`` points to)."""
    try:
        with zipfile.ZipFile(path) as package:
            _root, names, sheets = _parts(package)
    except (zipfile.BadZipFile, CibleError) as error:
        raise CibleError(
            _("{path} is not an Excel workbook Cible can refresh ({detail}).").format(
                path=path, detail=error
            )
        ) from None
    except PermissionError:
        raise CibleError(_("Cannot read {path}: permission denied.").format(path=path)) from None
    except OSError as error:
        raise CibleError(
            _("Cannot read {path}: {detail}.").format(path=path, detail=error.strerror or error)
        ) from None
    part = sheets.get(_sheet_of(names.get(DATA_NAME, "")), ("", 0))[0]
    if not part and DATA_NAME in names:
        raise CibleError(
            _(
                "In {file}, the {name} name no longer points to a sheet (was the data "
                "sheet deleted?). Export to a new file instead."
            ).format(file=path.name, name=DATA_NAME)
        )
    if not part:
        raise CibleError(
            _(
                "{file} has no {name} range: it was not made by Cible's Excel export, "
                "so Cible cannot tell which sheet to refresh. Export to a new file instead."
            ).format(file=path.name, name=DATA_NAME)
        )
    return part


#: Entries bigger than this get ZIP64 fields; smaller ones must not: Excel and LibreOffice
#: refuse (or "repair") a workbook whose small parts carry ZIP64 extensions.
_ZIP64_FROM = 1 << 30


def _copy_entry(
    source: zipfile.ZipFile, item: zipfile.ZipInfo, target: zipfile.ZipFile, size: int = 0
) -> Any:
    """Open *item*'s copy in *target* for writing (same name and date, compressed); *size* is
    how big the written entry may get."""
    copy = zipfile.ZipInfo(item.filename, date_time=item.date_time)
    copy.compress_type = zipfile.ZIP_DEFLATED
    copy.external_attr = item.external_attr
    large = max(size, item.file_size) >= _ZIP64_FROM
    return target.open(copy, "w", force_zip64=large)


def _without_rows(source: Path, target: Path, part: str) -> None:
    """Copy the package, emptying *part*'s ``sheetData`` (streamed: the old rows are skipped)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            with src.open(item) as reader, _copy_entry(src, item, dst) as writer:
                if item.filename != part:
                    shutil.copyfileobj(reader, writer, 1 << 20)
                    continue
                state, buffer = "before", b""
                while True:
                    chunk = reader.read(_CHUNK)
                    buffer += chunk
                    if state == "before":
                        match = _SHEET_DATA_START.search(buffer)
                        if match is None:
                            keep = len(buffer) if not chunk else max(len(buffer) - 64, 0)
                            writer.write(buffer[:keep])
                            buffer = buffer[keep:]
                        else:
                            writer.write(buffer[: match.start()] + b"<sheetData/>")
                            buffer = buffer[match.end() :]
                            state = "after" if match.group(1) else "inside"
                    if state == "inside":
                        match = _SHEET_DATA_END.search(buffer)
                        if match is None:
                            buffer = buffer[-64:]
                        else:
                            buffer = buffer[match.end() :]
                            state = "after"
                    if state == "after":
                        writer.write(buffer)
                        buffer = b""
                    if not chunk:
                        break


def _write_header_and_probe(sheet: Any, fields: list[Field], lang: str) -> None:
    """The header row, and a second row whose cells carry each column's cell style."""
    from openpyxl.styles import Border, Font, PatternFill, Side

    thin = Side(style="thin")
    font, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, f in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=c, value=f.label(lang))
        cell.font, cell.fill, cell.border = font, fill, border
        probe = sheet.cell(row=2, column=c, value=0)
        if f.type is FieldType.DATE:
            probe.number_format = DATE_FORMAT
        elif f.money:
            probe.number_format = MONEY_FORMAT
        sheet.column_dimensions[_col_letter(c - 1)].width = 10
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{_col_letter(len(fields) - 1)}2"


def _utf16_truncate(text: str, limit: int = 32767) -> str:
    """At most *limit* UTF-16 units (Excel's limit for a cell), never splitting a character."""
    if len(text) * 2 <= limit:
        return text
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > limit:
            return text[:index]
    return text


def _inline(text: str) -> str:
    """A string cell's ``<is>`` content, escaped exactly as XlsxWriter writes it."""
    text = _utf16_truncate(text)
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: "_x005F" + m.group(0), text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _EDGE_SPACE.search(text):
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _number(value: Any) -> str | None:
    """A number as XlsxWriter writes it (16 significant digits); ``None`` for NaN and infinity."""
    number = value if isinstance(value, int) else float(value)
    if isinstance(number, float) and not math.isfinite(number):
        return None
    return f"{number:.16G}"


def _stream_rows(
    handle: Any,
    fields: list[Field],
    rows: Iterable[Sequence[Any]],
    lang: str,
    styles: list[str],
    progress: Progress | None,
    cancel: Cancel | None,
    total: int,
    limits: ExcelLimits,
) -> tuple[int, list[int]]:
    """Write the rows' XML (from row 2) to *handle*; return (row count, column widths)."""
    kinds = _kinds(fields, lang)
    ncols = len(fields)
    letters = [_col_letter(c) for c in range(ncols)]
    attrs = [f' s="{s}"' if s not in ("", "0") else "" for s in styles]
    widths = [len(f.label(lang)) + 1 for f in fields]
    out: list[str] = []
    cut = rounded = 0
    r = 1
    for values in rows:
        r += 1
        if r > MAX_ROWS:
            raise CibleError(
                _(
                    "More than {max} rows: too many for one Excel sheet. "
                    "Narrow the target's criteria."
                ).format(max=format_count(MAX_ROWS - 1))
            )
        out.append(f'<row r="{r}">')
        for c in range(ncols):
            value = values[c]
            if value is None:
                continue
            kind, labels = kinds[c]
            ref = f"{letters[c]}{r}"
            if kind == _D:
                day = _as_date(value)
                if day >= _FIRST_EXCEL_DATE:
                    out.append(
                        f'<c r="{ref}"{attrs[c]}><v>{day.toordinal() - _EXCEL_EPOCH}</v></c>'
                    )
                else:
                    text = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
                    out.append(f'<c r="{ref}" t="inlineStr">{_inline(text)}</c>')
            elif kind in (_N, _M):
                if isinstance(value, int) and abs(value) >= _EXACT and kind == _N:
                    rounded += 1
                number = _number(value)
                if number is not None:
                    out.append(f'<c r="{ref}"{attrs[c]} t="n"><v>{number}</v></c>')
            else:
                text = (labels.get(value) if labels is not None else None) or _text(value)
                if text == "":
                    continue
                if len(text) > 16_383 and len(_utf16_truncate(text)) < len(text):
                    cut += 1
                out.append(f'<c r="{ref}" t="inlineStr">{_inline(text)}</c>')
            if r <= WIDTH_SAMPLE + 1:
                width = _width(value, kind) if kind != _L else len(labels.get(value) or "")
                if width > widths[c]:
                    widths[c] = width
        out.append("</row>")
        if (r - 1) % BATCH == 0:
            handle.write("".join(out))
            out.clear()
            _check_cancel(cancel)
            if progress is not None:
                progress(r - 1, total)
    handle.write("".join(out))
    limits.cut_texts, limits.rounded_numbers = cut, rounded
    return r - 1, widths


def _split_sheet(xml: str) -> tuple[str, str, dict[str, str], str]:
    """openpyxl's data sheet → (before the rows, header row, probe styles by column, after)."""
    start = xml.index("<sheetData>") + len("<sheetData>")
    end = xml.index("</sheetData>")
    rows = xml[start:end]
    first_end = rows.index("</row>") + len("</row>")
    header, probe = rows[:first_end], rows[first_end:]
    styles = {}
    for match in re.finditer(r'<c r="([A-Z]+)2"([^>]*)>', probe):
        style = re.search(r'\bs="(\d+)"', match.group(2))
        styles[match.group(1)] = style.group(1) if style else "0"
    return xml[:start], header, styles, xml[end:]


def _patched_names(xml: str, data_title: str, data_index: int, ref: str) -> str:
    """workbook.xml with ``Cible_Data`` and the data sheet's filter range set to *ref*."""
    quoted = xml_escape("'" + data_title.replace("'", "''") + "'!" + ref)

    def fix(match: re.Match[str]) -> str:
        attrs = match.group(1)
        name = re.search(r'\bname="([^"]*)"', attrs)
        local = re.search(r'\blocalSheetId="(\d+)"', attrs)
        if name is None:
            return match.group(0)
        if (name.group(1) == DATA_NAME and local is None) or (
            name.group(1) == "_xlnm._FilterDatabase"
            and local is not None
            and int(local.group(1)) == data_index
        ):
            return f"<definedName{attrs}>{quoted}</definedName>"
        return match.group(0)

    return re.sub(r"<definedName\b([^>]*)>([^<]*)</definedName>", fix, xml)


def refresh_rows(
    path: str | os.PathLike[str],
    fields: Sequence[Field],
    rows: Iterable[Sequence[Any]],
    info: WorkbookInfo,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    total: int = 0,
    limits: ExcelLimits | None = None,
) -> int:
    """Replace the data sheet (and the information sheet) of the Cible workbook at *path* with
    *rows*, keeping the other sheets; return the row count. See the module docstring.

    A workbook whose parts are damaged (cut XML, a broken archive) is refused by name and left
    as it was."""
    try:
        return _refresh_rows(path, fields, rows, info, progress, cancel, total, limits)
    except _DAMAGED as error:
        raise CibleError(
            _(
                "{file} is damaged ({detail}): Cible cannot refresh it. Export to a new file;"
                " the damaged one was left as it was."
            ).format(
                file=Path(path).name,
                detail=str(error).splitlines()[0] if str(error) else type(error).__name__,
            )
        ) from None


def _damaged_errors() -> tuple[type[BaseException], ...]:
    import zlib
    from xml.etree import ElementTree

    found: list[type[BaseException]] = [
        ElementTree.ParseError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
    ]
    try:
        from lxml import etree  # openpyxl parses with lxml when it is installed

        found.append(etree.XMLSyntaxError)
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        pass
    return tuple(found)


_DAMAGED = _damaged_errors()


def _refresh_rows(
    path: str | os.PathLike[str],
    fields: Sequence[Field],
    rows: Iterable[Sequence[Any]],
    info: WorkbookInfo,
    progress: Progress | None,
    cancel: Cancel | None,
    total: int,
    limits: ExcelLimits | None,
) -> int:
    path = Path(path)
    fields = list(fields)
    lang = info.lang
    part = _data_part(path)
    with _scratch(path) as scratch:
        light = scratch / "light.xlsx"
        _without_rows(path, light, part)
        workbook = _load_for_refresh(light)
        old_data = _named_sheet(workbook, DATA_NAME)
        data = _replace_sheet(workbook, old_data)
        _write_header_and_probe(data, fields, lang)
        info.pending()
        old_info = _named_sheet(workbook, INFO_NAME)
        if old_info is not None and old_info is not data:
            about = _replace_sheet(workbook, old_info)
        else:
            about = workbook.create_sheet(_unique_title(workbook, _word("info", lang)))
        _write_info_openpyxl(about, info)
        _set_name(workbook, DATA_NAME, _range_ref(data.title, 2, len(fields)))
        _set_name(workbook, INFO_NAME, _range_ref(about.title, len(info.lines()), 2))
        _refresh_pivots_on_open(workbook)
        data_title, info_title = data.title, about.title
        edited = scratch / "edited.xlsx"
        workbook.save(edited)
        del workbook, old_data, data, old_info, about

        return _fill(
            edited,
            path,
            scratch,
            data_title,
            info_title,
            fields,
            rows,
            info,
            lang,
            progress,
            cancel,
            total,
            limits,
        )


def _fill(
    skeleton: Path,
    path: Path,
    scratch: Path,
    data_title: str,
    info_title: str | None,
    fields: list[Field],
    rows: Iterable[Sequence[Any]],
    info: WorkbookInfo | None,
    lang: str,
    progress: Progress | None,
    cancel: Cancel | None,
    total: int,
    limits: ExcelLimits | None = None,
) -> int:
    """Stream *rows* into the data sheet of *skeleton* and write the result over *path*.

    The rows are written as XML to a scratch file (row count and column widths are known only
    at the end), then the skeleton's package is copied to a temporary file next to *path* with
    the rows spliced into the data sheet and the row count set in the sheet's dimension and
    autofilter, the names and the information sheet; that file then replaces *path*.
    """
    with zipfile.ZipFile(skeleton) as package:
        _root, _names, sheets = _parts(package)
        data_part, data_index = sheets[data_title]
        info_part = sheets[info_title][0] if info_title is not None else None
        before, header, probe, after = _split_sheet(package.read(data_part).decode("utf-8"))
    styles = [probe.get(_col_letter(c), "0") for c in range(len(fields))]
    limits = limits if limits is not None else ExcelLimits()
    fragment = scratch / "rows.xml"
    with fragment.open("w", encoding="utf-8") as handle:
        count, widths = _stream_rows(
            handle, fields, rows, lang, styles, progress, cancel, total, limits
        )
    _check_cancel(cancel)
    if info is not None:
        info.rows, info.cut_texts = count, limits.cut_texts
        info.rounded_numbers = limits.rounded_numbers

    last = f"{_col_letter(len(fields) - 1)}{count + 1}"
    cols = "".join(
        f'<col min="{c + 1}" max="{c + 1}" width="{_column_width(w)}" customWidth="1"/>'
        for c, w in enumerate(widths)
    )
    before = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:{last}"', before, count=1)
    before = re.sub(r"<cols>.*?</cols>", f"<cols>{cols}</cols>", before, count=1, flags=re.S)
    after = re.sub(r'<autoFilter ref="[^"]*"', f'<autoFilter ref="A1:{last}"', after, count=1)
    ref = f"$A$1:${_col_letter(len(fields) - 1)}${count + 1}"
    with _atomic(path) as final:
        with zipfile.ZipFile(skeleton) as src, zipfile.ZipFile(final, "w") as dst:
            for item in src.infolist():
                size = fragment.stat().st_size + (1 << 20) if item.filename == data_part else 0
                with _copy_entry(src, item, dst, size) as writer:
                    if item.filename == data_part:
                        writer.write((before + header).encode("utf-8"))
                        with fragment.open("rb") as rows_xml:
                            shutil.copyfileobj(rows_xml, writer, _CHUNK)
                        writer.write(after.encode("utf-8"))
                    elif item.filename == "xl/workbook.xml":
                        xml = src.read(item).decode("utf-8")
                        writer.write(_patched_names(xml, data_title, data_index, ref).encode())
                    elif item.filename == info_part:
                        xml = src.read(item).decode("utf-8")
                        for sentinel, value in (
                            (_SENTINEL, count),
                            (_SENTINEL_CUT, limits.cut_texts),
                            (_SENTINEL_ROUND, limits.rounded_numbers),
                        ):
                            xml = xml.replace(f"<v>{sentinel}</v>", f"<v>{value}</v>")
                        writer.write(xml.encode())
                    else:
                        with src.open(item) as reader:
                            shutil.copyfileobj(reader, writer, _CHUNK)
    if progress is not None:
        progress(count, total or count)
    return count


def _write_info_openpyxl(sheet: Any, info: WorkbookInfo) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    top = Alignment(vertical="top", wrap_text=True)
    left = Alignment(horizontal="left", vertical="top")
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 90
    for r, (label, value) in enumerate(info.lines(), start=1):
        head = sheet.cell(row=r, column=1, value=label)
        head.font = bold
        head.alignment = top
        cell = sheet.cell(row=r, column=2, value=value)
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
            cell.alignment = left
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
            cell.alignment = left
        elif isinstance(value, int | float):
            cell.alignment = left
        else:
            cell.data_type = "s"
            cell.alignment = top


# --- saved exports -------------------------------------------------------------------------

TABLE = SavedExcelExport.__table__


@dataclass(frozen=True)
class SavedExport:
    """One line of the "Excel exports made" list of a target."""

    id: int
    target_name: str
    name: str
    description: str
    file_path: str
    definition: str
    for_mailing: bool
    household: bool
    contacted_within_days: int | None
    row_count: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def mailing(self) -> MailingOptions | None:
        if not self.for_mailing:
            return None
        return MailingOptions(self.household, self.contacted_within_days)

    def target(self) -> Target:
        """The target as it was exported."""
        try:
            return Target.from_dict(json.loads(self.definition))
        except json.JSONDecodeError:
            raise CibleError(
                _("The saved export {name!r} is damaged (its target is not JSON).").format(
                    name=self.name
                )
            ) from None


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name or "").split())
    if not cleaned:
        raise CibleError(_("A saved Excel export needs a name."))
    if len(cleaned) > 200:
        raise CibleError(_("An export name is limited to {n} characters.").format(n=200))
    return cleaned


_COLUMNS = (
    TABLE.c.id,
    TABLE.c.target_name,
    TABLE.c.name,
    TABLE.c.description,
    TABLE.c.file_path,
    TABLE.c.definition,
    TABLE.c.for_mailing,
    TABLE.c.household,
    TABLE.c.contacted_within_days,
    TABLE.c.row_count,
    TABLE.c.created_at,
    TABLE.c.updated_at,
)


def list_saved_exports(conn: Connection, target_name: str) -> list[SavedExport]:
    """The saved exports of the target called *target_name*, oldest first."""
    rows = conn.execute(
        select(*_COLUMNS)
        .where(TABLE.c.target_name == (target_name or ""))
        .order_by(TABLE.c.created_at, TABLE.c.id)
    )
    return [SavedExport(*row) for row in rows]


def get_saved_export(conn: Connection, export_id: int) -> SavedExport:
    row = conn.execute(select(*_COLUMNS).where(TABLE.c.id == export_id)).first()
    if row is None:
        raise CibleError(_("This saved export no longer exists."))
    return SavedExport(*row)


def find_saved_export(conn: Connection, target_name: str, name: str) -> int | None:
    """The id of this target's export called *name* (case-insensitive), if any."""
    return conn.execute(
        select(TABLE.c.id).where(
            TABLE.c.target_name == (target_name or ""),
            func.lower(TABLE.c.name) == _clean_name(name).lower(),
        )
    ).scalar_one_or_none()


def record_export(
    conn: Connection,
    *,
    target: Target,
    name: str,
    description: str,
    path: str | os.PathLike[str],
    rows: int,
    mailing: MailingOptions | None = None,
    overwrite: bool = False,
    export_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Save (or update) a named export of *target*; return its id.

    With ``export_id``, that saved export is updated (after a refresh or a new export with the
    current target). Otherwise a new one is added; a name already used for this target raises
    :class:`ExportExistsError` unless ``overwrite`` is true.
    """
    now = now or utcnow()
    values = dict(
        target_name=target.name or "",
        description=description or "",
        file_path=str(Path(path).absolute()),
        definition=json.dumps(target.to_dict(), ensure_ascii=False),
        for_mailing=mailing is not None,
        household=bool(mailing and mailing.household),
        contacted_within_days=mailing.contacted_within_days if mailing else None,
        row_count=int(rows),
        updated_at=now,
    )
    clean = _clean_name(name)
    same_name = find_saved_export(conn, target.name, clean)
    if export_id is None:
        export_id = same_name
        if export_id is not None and not overwrite:
            raise ExportExistsError(clean)
    elif same_name is not None and same_name != export_id:
        raise ExportExistsError(clean)
    if export_id is not None:
        conn.execute(update(TABLE).where(TABLE.c.id == export_id).values(name=clean, **values))
        return export_id
    result = conn.execute(TABLE.insert().values(name=clean, created_at=now, **values))
    return int(result.inserted_primary_key[0])


def delete_saved_exports(conn: Connection, ids: Iterable[int]) -> int:
    """Forget these saved exports (their workbooks stay on disk); return how many."""
    wanted = [int(i) for i in ids]
    if not wanted:
        return 0
    return conn.execute(delete(TABLE).where(TABLE.c.id.in_(wanted))).rowcount
