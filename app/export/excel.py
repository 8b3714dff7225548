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

Writing streams: rows come from :func:`app.query.engine.iter_rows` and go to XlsxWriter in
``constant_memory`` mode, so memory stays flat whatever the row count. The workbook is written to
a temporary file in the destination folder and moved over the destination only when complete:
a cancelled or failed export leaves an older file exactly as it was.

"Open and refresh data" (:func:`refresh_workbook`) re-runs the target and replaces the data
sheet (and the information sheet) of an existing workbook with openpyxl, keeping the other
sheets the user added. Limits, from openpyxl: it keeps formulas, formatting, conditional
formats, data validation, defined names, charts and pivot tables (pivot tables are set to
refresh when Excel opens the file); it drops images when Pillow is not installed, and always
drops shapes, text boxes, slicers, form controls, macros and external-link caches. Anything
the user put on the data sheet itself is replaced with the new rows: keep your own work on
other sheets. A refresh loads the whole workbook in memory (openpyxl), so its memory grows
with the workbook (about 350 MB per 100,000 rows of 12 columns), unlike a new export.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from app.errors import CibleError
from app.export.postal import PostalFunnel, postal_funnel, reason_counts
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

_UMASK = os.umask(0o022)
os.umask(_UMASK)

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

_WORDS = {
    "fr": {
        "data": "Données",
        "info": "Informations",
        "target": "Cible",
        "description": "Description",
        "criteria": "Critères",
        "run_at": "Exécutée le",
        "today": "Dates relatives comptées depuis le",
        "rows": "Lignes exportées",
        "grain": "Une ligne par",
        "vehicle": "véhicule",
        "customer": "client",
        "removed": "Clients retirés à la main (jamais exportés)",
        "mailing": "Destinée à un publipostage",
        "funnel": "Filtre courrier",
        "yes": "Oui",
        "unnamed": "(cible non enregistrée)",
    },
    "en": {
        "data": "Data",
        "info": "About",
        "target": "Target",
        "description": "Description",
        "criteria": "Criteria",
        "run_at": "Run on",
        "today": "Relative dates counted from",
        "rows": "Rows exported",
        "grain": "One row per",
        "vehicle": "vehicle",
        "customer": "customer",
        "removed": "Customers removed by hand (never exported)",
        "mailing": "Meant for mailing",
        "funnel": "Postal funnel",
        "yes": "Yes",
        "unnamed": "(unsaved target)",
    },
}


class ExportCancelled(CibleError):
    """The export was cancelled; any older file was left as it was."""

    def __init__(self) -> None:
        super().__init__("The export was cancelled; the previous file, if any, is unchanged.")


class ExportExistsError(CibleError):
    """A saved export of this target already has this name (ask before overwriting)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"An Excel export of this target is already called {name!r}.")
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

    def lines(self) -> list[tuple[str, Any]]:
        w = _WORDS[self.lang]
        t = self.target
        lines: list[tuple[str, Any]] = [
            (w["target"], t.name or w["unnamed"]),
            (w["description"], t.description),
            (w["criteria"], describe(t, self.lang)),
            (w["run_at"], self.run_at),
            (w["today"], self.today),
            (w["rows"], self.rows),
            (w["grain"], w["customer"] if t.grain == "customer" else w["vehicle"]),
            (w["removed"], len(t.removed)),
        ]
        if self.funnel is not None:
            lines.append((w["mailing"], w["yes"]))
            for step in self.funnel.steps:
                lines.append((f"{w['funnel']} – {step.label}", step.count))
                for reason, n in reason_counts(step):
                    lines.append((f"      – {reason}", -n))
        return lines


def _safe_sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return cleaned[:31] or "Sheet"


# --- writing a new workbook (XlsxWriter, constant memory) ----------------------------------


def _check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled()


def _temp_path(path: Path) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp.xlsx", dir=folder)
    except OSError as error:
        raise CibleError(f"Cannot write {path}: {error.strerror or error}.") from None
    os.close(fd)
    return Path(name)


def _replace(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except PermissionError:
        raise CibleError(
            f"Cannot replace {path}: permission denied. Is it open in another program (Excel)? "
            "Close it and try again; the previous file is unchanged."
        ) from None
    except OSError as error:
        raise CibleError(f"Cannot write {path}: {error.strerror or error}.") from None


def _file_mode(path: Path) -> int:
    """The replaced file's permissions, or what a new file gets (temp files are private)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_UMASK


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary path next to *path*, moved over it only if the block completes."""
    tmp = _temp_path(path)
    try:
        yield tmp
        with contextlib.suppress(OSError):
            os.chmod(tmp, _file_mode(path))
        _replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


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
) -> int:
    """Write *rows* (value tuples aligned with *fields*) as a new workbook at *path*.

    With *info*, the information sheet follows the data sheet (and gives the language);
    without, the workbook has the data sheet only, in *lang* (default: the application's).

    Streams through XlsxWriter's ``constant_memory`` mode into a temporary file in the same
    folder, then replaces *path*. ``progress(done, total)`` is called every few hundred rows and
    may raise to stop; ``cancel()`` returning true stops with :class:`ExportCancelled`. Either
    way *path* is left as it was. Returns the number of rows written.
    """
    path = Path(path)
    with (
        _atomic(path) as tmp,
        tempfile.TemporaryDirectory(prefix="cible-xlsx-", ignore_cleanup_errors=True) as scratch,
    ):
        return _write_xlsxwriter(
            tmp, scratch, list(fields), rows, info, current_language(lang), progress, cancel, total
        )


def _write_xlsxwriter(
    tmp: Path,
    scratch: str,
    fields: list[Field],
    rows: Iterable[Sequence[Any]],
    info: WorkbookInfo | None,
    lang: str,
    progress: Progress | None,
    cancel: Cancel | None,
    total: int,
) -> int:
    import xlsxwriter

    if info is not None:
        lang = info.lang
    words = _WORDS[lang]
    workbook = xlsxwriter.Workbook(
        str(tmp), {"constant_memory": True, "tmpdir": scratch, "strings_to_numbers": False}
    )
    closed = False
    try:
        data_title = _safe_sheet_title(words["data"])
        sheet = workbook.add_worksheet(data_title)
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        date_fmt = workbook.add_format({"num_format": DATE_FORMAT})
        money_fmt = workbook.add_format({"num_format": MONEY_FORMAT})
        ncols = len(fields)
        kinds = _kinds(fields, lang)
        widths = [len(f.label(lang)) + 1 for f in fields]
        for c, f in enumerate(fields):
            sheet.write_string(0, c, f.label(lang), header)
        sheet.freeze_panes(1, 0)

        write_string = sheet.write_string
        write_number = sheet.write_number
        r = 0
        for values in rows:
            r += 1
            if r >= MAX_ROWS:
                raise CibleError(
                    f"More than {MAX_ROWS - 1:,} rows: too many for one Excel sheet. "
                    "Narrow the target's criteria."
                )
            for c in range(ncols):
                value = values[c]
                if value is None:
                    continue
                kind, labels = kinds[c]
                if kind == _S:
                    if value == "":
                        continue
                    write_string(r, c, _text(value))
                elif kind == _D:
                    day = _as_date(value)
                    if day >= _FIRST_EXCEL_DATE:
                        write_number(r, c, day.toordinal() - _EXCEL_EPOCH, date_fmt)
                    else:
                        write_string(r, c, f"{day.day:02d}/{day.month:02d}/{day.year:04d}")
                elif kind == _N:
                    write_number(r, c, value if isinstance(value, int | float) else float(value))
                elif kind == _M:
                    write_number(
                        r, c, value if isinstance(value, int | float) else float(value), money_fmt
                    )
                else:
                    label = labels.get(value) if labels is not None else None
                    write_string(r, c, label if label is not None else _text(value))
                if r <= WIDTH_SAMPLE:
                    width = _width(value, kind) if kind != _L else len(labels.get(value) or "")
                    if width > widths[c]:
                        widths[c] = width
            if r % BATCH == 0:
                _check_cancel(cancel)
                if progress is not None:
                    progress(r, total)
        _check_cancel(cancel)
        count = r
        last_col = max(ncols - 1, 0)
        for c in range(ncols):
            sheet.set_column(c, c, _column_width(widths[c]))
        if ncols:
            sheet.autofilter(0, 0, count, last_col)
            text_cols = [c for c, (kind, _) in enumerate(kinds) if kind == _S]
            if text_cols and count:
                from xlsxwriter.utility import xl_range

                sheet.ignore_errors(
                    {"number_stored_as_text": " ".join(xl_range(1, c, count, c) for c in text_cols)}
                )
            workbook.define_name(DATA_NAME, f"={_range_ref(data_title, count + 1, ncols)}")

        if info is not None:
            info.rows = count
            info_title = _safe_sheet_title(words["info"])
            about = workbook.add_worksheet(info_title)
            _write_info_xlsxwriter(workbook, about, info)
            workbook.define_name(INFO_NAME, f"={_range_ref(info_title, len(info.lines()), 2)}")
            workbook.set_properties({"title": info.target.name, "comments": "Cible"})
        if progress is not None:
            progress(count, total or count)
        closed = True
        workbook.close()
        return count
    finally:
        if not closed:
            _abandon(workbook)


def _abandon(workbook: Any) -> None:
    """Close the row files of a workbook that will not be written (cancel or error)."""
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()


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
        raise CibleError("The target has no columns to export: choose the fields to show first.")
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
    path = Path(path)
    today = today or dt.date.today()
    run_at = run_at or dt.datetime.now().replace(microsecond=0)
    lang = current_language(lang)
    fields = [get_field(k) for k in target.columns]
    funnel, total = _prepare(conn, target, today, lang, mailing, progress)
    info = WorkbookInfo(target=target, run_at=run_at, today=today, lang=lang, funnel=funnel)
    count = write_workbook(
        path,
        fields,
        _values(conn, target, today, funnel),
        info,
        progress=progress,
        cancel=cancel,
        total=total,
    )
    return ExportResult(path=path, rows=count, run_at=run_at, funnel=funnel)


# --- refreshing an existing workbook (openpyxl) --------------------------------------------


def _load_for_refresh(path: Path) -> Any:
    import zipfile

    import openpyxl

    try:
        return openpyxl.load_workbook(path, rich_text=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise CibleError(f"{path} is not an Excel workbook Cible can refresh ({error}).") from None
    except PermissionError:
        raise CibleError(f"Cannot read {path}: permission denied.") from None
    except OSError as error:
        raise CibleError(f"Cannot read {path}: {error.strerror or error}.") from None


def _named_sheet(workbook: Any, name: str) -> Any | None:
    defined = workbook.defined_names.get(name)
    if defined is None:
        return None
    for title, _ in defined.destinations:
        if title in workbook.sheetnames:
            return workbook[title]
    return None


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
    today = today or dt.date.today()
    run_at = run_at or dt.datetime.now().replace(microsecond=0)
    lang = current_language(lang)
    workbook = _load_for_refresh(path)
    old_data = _named_sheet(workbook, DATA_NAME)
    if old_data is None:
        raise CibleError(
            f"{path.name} has no {DATA_NAME} range: it was not made by Cible's Excel export, "
            "so Cible cannot tell which sheet to refresh. Export to a new file instead."
        )
    fields = [get_field(k) for k in target.columns]
    funnel, total = _prepare(conn, target, today, lang, mailing, progress)
    info = WorkbookInfo(target=target, run_at=run_at, today=today, lang=lang, funnel=funnel)

    data = _replace_sheet(workbook, old_data)
    count = _write_openpyxl_rows(
        data, fields, _values(conn, target, today, funnel), lang, progress, cancel, total
    )
    _check_cancel(cancel)
    info.rows = count
    old_info = _named_sheet(workbook, INFO_NAME)
    if old_info is not None and old_info is not data:
        about = _replace_sheet(workbook, old_info)
    else:
        about = workbook.create_sheet(_unique_title(workbook, _WORDS[lang]["info"]))
    _write_info_openpyxl(about, info)
    _set_name(workbook, DATA_NAME, _range_ref(data.title, count + 1, len(fields)))
    _set_name(workbook, INFO_NAME, _range_ref(about.title, len(info.lines()), 2))
    _refresh_pivots_on_open(workbook)
    with _atomic(path) as tmp:
        try:
            workbook.save(tmp)
        except OSError as error:
            raise CibleError(f"Cannot write {path}: {error.strerror or error}.") from None
    if progress is not None:
        progress(count, total or count)
    return ExportResult(path=path, rows=count, run_at=run_at, funnel=funnel)


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


def _write_openpyxl_rows(
    sheet: Any,
    fields: list[Field],
    rows: Iterable[Sequence[Any]],
    lang: str,
    progress: Progress | None,
    cancel: Cancel | None,
    total: int,
) -> int:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
    from openpyxl.styles import Border, Font, PatternFill, Side

    kinds = _kinds(fields, lang)
    ncols = len(fields)
    widths = [len(f.label(lang)) + 1 for f in fields]
    thin = Side(style="thin")
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    header_border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, f in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=c, value=f.label(lang))
        cell.font = header_font
        cell.fill = header_fill
        cell.border = header_border
    cells = sheet._cells  # filling the dict directly: openpyxl's own append() does the same
    r = 1
    for values in rows:
        r += 1
        if r > MAX_ROWS:
            raise CibleError(
                f"More than {MAX_ROWS - 1:,} rows: too many for one Excel sheet. "
                "Narrow the target's criteria."
            )
        for c in range(ncols):
            value = values[c]
            if value is None:
                continue
            kind, labels = kinds[c]
            if kind == _S:
                if value == "":
                    continue
                text = ILLEGAL_CHARACTERS_RE.sub("", _text(value))
                cell = Cell(sheet, row=r, column=c + 1, value=text)
                cell.data_type = "s"  # never a formula, even if it starts with "="
            elif kind == _D:
                day = _as_date(value)
                cell = Cell(sheet, row=r, column=c + 1, value=day)
                cell.number_format = DATE_FORMAT
            elif kind in (_N, _M):
                number = value if isinstance(value, int | float) else float(value)
                cell = Cell(sheet, row=r, column=c + 1, value=number)
                if kind == _M:
                    cell.number_format = MONEY_FORMAT
            else:
                label = labels.get(value) if labels is not None else None
                cell = Cell(sheet, row=r, column=c + 1, value=label or _text(value))
                cell.data_type = "s"
            cells[(r, c + 1)] = cell
            if r <= WIDTH_SAMPLE + 1:
                width = _width(value, kind) if kind != _L else len(labels.get(value) or "")
                if width > widths[c]:
                    widths[c] = width
        if (r - 1) % BATCH == 0:
            _check_cancel(cancel)
            if progress is not None:
                progress(r - 1, total)
    count = r - 1
    for c in range(ncols):
        sheet.column_dimensions[_col_letter(c)].width = _column_width(widths[c])
    sheet.freeze_panes = "A2"
    if ncols:
        sheet.auto_filter.ref = f"A1:{_col_letter(ncols - 1)}{count + 1}"
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
                f"The saved export {self.name!r} is damaged (its target is not JSON)."
            ) from None


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name or "").split())
    if not cleaned:
        raise CibleError("A saved Excel export needs a name.")
    if len(cleaned) > 200:
        raise CibleError("An export name is limited to 200 characters.")
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
        raise CibleError("This saved export no longer exists.")
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
