"""The rows of an extract, as read: text cells from CSV/TXT, typed cells from XLSX/XLS.

CSV and TXT files are streamed with the :mod:`csv` module (memory stays flat whatever the
number of lines); XLSX and XLS are read with calamine (``python-calamine``, the reader pandas
uses), which holds one sheet in memory — spreadsheets are capped by their own row limits
(1,048,576 rows for XLSX, 65,536 for XLS) and by :data:`app.dms.sniff.MAX_SPREADSHEET_BYTES`.

Row numbers are 1-based, as a spreadsheet or a text editor shows them.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.dms.sniff import Layout, file_error, os_reason, sniff
from app.i18n import _

#: Rows shown by the wizard's preview.
PREVIEW_ROWS = 20


def read_rows(
    path: Path | str, layout: Layout, *, start: int = 0, limit: int | None = None
) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` for every row from the 0-based row *start* (at most *limit*).

    Raises :class:`~app.errors.ImportFileError` naming the file and row when a row cannot be
    read (a byte that is not in the encoding, a quote never closed...).
    """
    path = Path(path)
    rows = _csv_rows(path, layout) if layout.format == "csv" else _sheet_rows(path, layout)
    stop = None if limit is None else start + limit
    yield from itertools.islice(rows, start, stop)


def _csv_rows(path: Path, layout: Layout) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    try:
        with open(path, encoding=layout.encoding, newline="", errors="strict") as handle:
            reader = csv.reader(
                handle,
                delimiter=layout.separator,
                quotechar=layout.quotechar or '"',
                strict=False,
            )
            for number, row in enumerate(reader, start=1):
                if number == 1 and row and row[0].startswith("\ufeff"):
                    row[0] = row[0][1:]
                yield number, row
    except UnicodeDecodeError:
        raise file_error(
            path,
            _(
                "a character cannot be read in the encoding {encoding}: choose another encoding."
            ).format(encoding=layout.encoding),
            row=number + 1,
        ) from None
    except csv.Error as error:
        raise file_error(
            path,
            _("the line cannot be read as {separator}-separated values ({reason}).").format(
                separator=_separator_name(layout.separator), reason=error
            ),
            row=number + 1,
        ) from None
    except OSError as error:
        raise file_error(
            path, _("the file cannot be read: {reason}").format(reason=os_reason(error))
        ) from None


def _separator_name(separator: str) -> str:
    return {"\t": _("tab")}.get(separator, f"“{separator}”")


def sheet_names(path: Path | str) -> tuple[str, ...]:
    """The names of a workbook's sheets, in order (an :class:`~app.errors.ImportFileError` if
    it cannot be read as a workbook)."""
    from python_calamine import CalamineWorkbook

    try:
        return tuple(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as error:  # calamine raises its own errors for damaged files
        raise workbook_error(path, error) from None


#: What an Office file protected by a password holds instead of its sheets (a compound file
#: with an encrypted package: MS-OFFCRYPTO), as its directory names it, in UTF-16.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _encrypted(path: Path | str) -> bool:
    try:
        with open(path, "rb") as handle:
            if handle.read(8) != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
                return False
            tail = b""
            while chunk := handle.read(1 << 20):
                if _ENCRYPTED in tail + chunk:
                    return True
                tail = chunk[-len(_ENCRYPTED) :]
    except OSError:
        return False
    return False


def workbook_error(path: Path | str, error: Exception):
    """The :class:`~app.errors.ImportFileError` for a workbook calamine cannot read: a
    password, a file Cible may not read, or a damaged file (calamine's reason, in English, in
    brackets for whoever repairs it)."""
    if isinstance(error, OSError):
        return file_error(
            path, _("the file cannot be read: {reason}").format(reason=os_reason(error))
        )
    if "password" in str(error).lower() or _encrypted(path):
        return file_error(
            path,
            _(
                "the workbook is protected by a password. Open it in Excel, remove the "
                "password (File › Info › Protect Workbook) and save it, or export the data as CSV."
            ),
        )
    return file_error(
        path,
        _(
            "the file cannot be read as an Excel workbook: it is damaged or incomplete. "
            "Export it from the DMS again ({reason})."
        ).format(reason=error),
    )


def _sheet_rows(path: Path, layout: Layout) -> Iterator[tuple[int, list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(layout.sheet)
        rows = sheet.iter_rows()
    except Exception as error:  # calamine raises its own errors for damaged files
        raise workbook_error(path, error) from None
    for index, row in enumerate(rows, start=1):  # calamine starts at the sheet's first row
        yield index, list(row)


@dataclass(frozen=True)
class Preview:
    """The first rows of an extract as read, for the wizard."""

    layout: Layout
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]


def preview(path: Path | str, layout: Layout | None = None, rows: int = PREVIEW_ROWS) -> Preview:
    """The layout (sniffed unless given), its headers and the first *rows* data rows."""
    layout = layout or sniff(path)
    read = list(read_rows(path, layout, start=layout.header_row, limit=rows + 1))
    if not read:
        raise file_error(path, _("there is no row {row}.").format(row=layout.header_row + 1))
    headers = tuple(str(c).strip() for c in read[0][1])
    return Preview(layout, headers, tuple((n, tuple(r)) for n, r in read[1:]))
