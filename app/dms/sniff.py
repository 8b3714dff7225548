"""What an extract is: its format, and for text files the encoding, separator and header row.

Only the first :data:`SAMPLE_BYTES` of a file are looked at. The result, a :class:`Layout`, is
what the import wizard shows and lets the user change (``dataclasses.replace``).

Sizes refused, and why — checked from the file's size before anything is read: a CSV/TXT file
is streamed (memory stays flat), but above :data:`MAX_TEXT_BYTES` (1 GiB, about ten million
lines — far beyond any dealership's extract) reading and checking it would take many minutes,
so it is refused, and the message says so and asks for one file per kind or per year. An
XLSX/XLS is read whole by calamine (the format stores its cells in a compressed XML or binary
stream that cannot be read a row at a time cheaply); above :data:`MAX_SPREADSHEET_BYTES`
(200 MiB, far above a full 1,048,576-row sheet of a DMS extract) the memory it needs is not
reasonable on an office PC: export such a file as CSV.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import ImportFileError
from app.i18n import _, format_size

SAMPLE_BYTES = 256 * 1024
MAX_TEXT_BYTES = 1024**3
MAX_SPREADSHEET_BYTES = 200 * 1024**2
SEPARATORS = (";", ",", "\t", "|")
#: Rows looked at to find the header row.
HEADER_SEARCH = 10


@dataclass(frozen=True)
class Layout:
    """How to read an extract. ``format`` is ``"csv"``, ``"xlsx"`` or ``"xls"``; encoding,
    separator and quote only matter for ``"csv"``, ``sheet`` (0-based index into ``sheets``,
    the workbook's sheet names) for a workbook; ``header_row`` for all: 0-based row of the
    headers."""

    format: str
    encoding: str = "utf-8"
    separator: str = ";"
    quotechar: str = '"'
    header_row: int = 0
    sheet: int = 0
    #: The header row as read (filled by :func:`sniff`).
    headers: tuple[str, ...] = field(default=())
    #: A workbook's sheet names, in the workbook's order (filled by :func:`sniff`).
    sheets: tuple[str, ...] = field(default=())

    @property
    def sheet_name(self) -> str | None:
        """The name of the sheet read (None for a text file)."""
        if self.format == "csv" or not self.sheets:
            return None
        return self.sheets[self.sheet]


def file_error(
    path: Path | str, message: str, row: int | None = None, column: str | None = None
) -> ImportFileError:
    """An :class:`ImportFileError` whose message names the file, and the row and column."""
    name = Path(path).name
    if row is not None and column is not None:
        where = _("{file}, row {row}, column “{column}”").format(file=name, row=row, column=column)
    elif row is not None:
        where = _("{file}, row {row}").format(file=name, row=row)
    else:
        where = name
    return ImportFileError(_("{where}: {message}").format(where=where, message=message))


def detect_format(path: Path | str) -> str:
    """``"csv"``, ``"xlsx"`` or ``"xls"`` from the file's first bytes (not its name), or an
    :class:`ImportFileError` for an empty, missing, too large or non-extract file."""
    path = Path(path)
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise file_error(
            path, _("the file cannot be opened: {reason}").format(reason=os_reason(error))
        ) from None
    if size == 0 or not head:
        raise file_error(path, _("the file is empty."))
    if head.startswith(b"PK\x03\x04"):
        kind, limit = "xlsx", MAX_SPREADSHEET_BYTES
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind, limit = "xls", MAX_SPREADSHEET_BYTES
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls") and not _text_table(path):
        raise file_error(
            path,
            _(
                "the file is named {suffix} but is not an Excel workbook (it is damaged, or "
                "it is another kind of file renamed). Export the data from the DMS again."
            ).format(suffix=path.suffix),
        )
    elif head.startswith(b"%PDF"):
        raise file_error(
            path,
            _(
                "this is a PDF document, not a data extract. Export the "
                "data from the DMS as CSV, TXT or Excel."
            ),
        )
    else:
        kind, limit = "csv", MAX_TEXT_BYTES
    if size > limit and kind == "csv":
        raise file_error(
            path,
            _(
                "the file is {size}; Cible reads text extracts of at most {limit} (about ten "
                "million lines): reading and checking more would take many minutes. Export "
                "one file per kind or per year instead."
            ).format(size=format_size(size), limit=format_size(limit)),
        )
    if size > limit:
        raise file_error(
            path,
            _(
                "the file is {size}; Cible reads Excel workbooks of at most {limit}: a "
                "workbook is read whole into memory, and more would not fit on an office "
                "PC. Export the data as CSV instead."
            ).format(size=format_size(size), limit=format_size(limit)),
        )
    return kind


def _text_table(path: Path) -> bool:
    """Whether a file named like a workbook is in fact a table of text (many DMS write their
    "Excel export" as tab- or semicolon-separated text named .xls): read as such, then."""
    try:
        with open(path, "rb") as handle:
            sample = handle.read(64 * 1024)
    except OSError:
        return False
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if sample.lstrip().startswith(b"<"):  # HTML or XML: not a table Cible reads
        return False
    text = sample.decode(detect_encoding(sample), errors="replace")
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if len(lines) < 2:
        return False
    separator = detect_separator(text)
    widths = [len(row) for row in csv.reader(lines, delimiter=separator)]
    return min(widths) >= 2 and widths.count(widths[0]) >= len(widths) * 0.8


def os_reason(error: OSError) -> str:
    """Why a file cannot be opened, in the user's words (the system's own text is English)."""
    import errno

    if getattr(error, "winerror", None) in (32, 33):  # Windows: held open by another program
        return _("another program holds it open (close it in Excel or the DMS, then try again).")
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return _("you are not allowed to read it (ask who manages the folder for the right).")
    if isinstance(error, IsADirectoryError):
        return _("this is a folder, not a file.")
    if isinstance(error, FileNotFoundError):
        return _("there is no such file.")
    return _("the system says: {reason}.").format(reason=error.strerror or error)


_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "cp1252": "Windows-1252",
    "iso8859_15": "ISO-8859-15",
    "cp850": "DOS (CP850)",
    "utf-16": "UTF-16",
}


def encoding_label(encoding: str) -> str:
    """``cp1252`` → ``Windows-1252``: an encoding as programs show it."""
    return _ENCODING_LABELS.get(encoding, encoding.upper())


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text sample: a BOM, else UTF-8 if it decodes, else what
    charset-normalizer finds (ISO-8859-1 read as its superset Windows-1252)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3:  # a character cut by the end of the sample
            try:
                sample[: error.start].decode("utf-8")
                return "utf-8"
            except UnicodeDecodeError:
                pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["cp1252", "latin_1", "cp850", "utf_16"]).best()
    name = best.encoding if best is not None else "cp1252"
    return {"latin_1": "cp1252", "iso8859_15": "cp1252", "ascii": "cp1252"}.get(name, name)


def _sample_text(path: Path, encoding: str) -> str:
    with open(path, "rb") as handle:
        data = handle.read(SAMPLE_BYTES)
    text = data.decode(encoding, errors="replace")
    if len(data) == SAMPLE_BYTES:  # drop the last, probably cut, line
        text = text[: max(text.rfind("\n"), 0)]
    return text


def detect_separator(text: str) -> str:
    """The separator that splits the sample's lines into the same number of fields most often
    (quotes respected); ``;`` when nothing splits."""
    lines = [line for line in text.splitlines() if line.strip()][:200]
    best, best_score = ";", (0.0, 0)
    for sep in SEPARATORS:
        counts = [len(row) for row in csv.reader(lines, delimiter=sep)]
        if not counts:
            continue
        width = max(set(counts), key=counts.count)
        if width < 2:
            continue
        score = (counts.count(width) / len(counts), width)
        if score > best_score:
            best, best_score = sep, score
    return best


def _looks_like_header(row: list[str], width: int) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    if len(cells) < max(2, width // 2):
        return False
    texty = sum(1 for c in cells if any(ch.isalpha() for ch in c) and "@" not in c)
    return texty >= len(cells) * 0.7


def detect_header_row(rows: list[list[str]]) -> int:
    """The first of the first rows that looks like headers (mostly words, most columns
    filled); 0 if none does."""
    if not rows:
        return 0
    widths = [len([c for c in r if str(c).strip()]) for r in rows]
    width = max(widths)
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        if _looks_like_header([str(c) for c in row], width):
            return index
    return 0


def find_sheet(path: Path | str, sheets: tuple[str, ...], wanted: str) -> int:
    """The index of the sheet named *wanted* (the exact name, else the one name that matches
    it without regard to case and spaces); an :class:`ImportFileError` naming the workbook's
    sheets when none does."""
    if wanted in sheets:
        return sheets.index(wanted)
    loose = [
        i for i, name in enumerate(sheets) if name.strip().casefold() == wanted.strip().casefold()
    ]
    if len(loose) == 1:
        return loose[0]
    raise file_error(
        path,
        _("the workbook has no sheet “{sheet}”; its sheets are: {sheets}.").format(
            sheet=wanted, sheets=_sheet_list(sheets)
        ),
    )


def _sheet_list(sheets: tuple[str, ...]) -> str:
    """“Clients”, “Véhicules” (quoted as the language quotes)."""
    return ", ".join(_("“{sheet}”").format(sheet=name) for name in sheets)


def sniff(path: Path | str, sheet: str | None = None) -> Layout:
    """The :class:`Layout` of an extract, headers included. For a workbook, *sheet* names the
    sheet to read (the first one when None); a text file has no sheets (*sheet* is refused)."""
    from app.dms.read import read_rows, sheet_names

    path = Path(path)
    kind = detect_format(path)
    if kind == "csv" and sheet:
        raise file_error(
            path,
            _("this is a text file, it has no sheets: leave out the sheet “{sheet}”.").format(
                sheet=sheet
            ),
        )
    if kind == "csv":
        with open(path, "rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise file_error(path, _("this is not a text file (it holds binary data)."))
        encoding = detect_encoding(sample)
        text = _sample_text(path, encoding).lstrip("\ufeff")
        if not text.strip():
            raise file_error(path, _("the file is empty."))
        separator = detect_separator(text)
        rows = list(csv.reader(io.StringIO(text), delimiter=separator))[:HEADER_SEARCH]
        layout = Layout("csv", encoding, separator)
    else:
        sheets = sheet_names(path)
        index = find_sheet(path, sheets, sheet) if sheet else 0
        layout = Layout(kind, sheet=index, sheets=sheets)
        rows = []
        for _number, row in read_rows(path, layout, limit=HEADER_SEARCH):
            rows.append(row)
        if not rows:
            if layout.sheet_name and len(sheets) > 1:
                raise file_error(
                    path,
                    _("the sheet “{sheet}” is empty; the workbook's sheets are: {sheets}.").format(
                        sheet=layout.sheet_name, sheets=_sheet_list(sheets)
                    ),
                )
            raise file_error(path, _("the file is empty."))
    header_row = detect_header_row([[str(c) for c in r] for r in rows])
    headers = tuple(str(c).strip() for c in rows[header_row]) if rows else ()
    return dataclasses.replace(layout, header_row=header_row, headers=headers)


def with_headers(path: Path | str, layout: Layout) -> Layout:
    """*layout* with the headers read again (after the user changed separator or row)."""
    from app.dms.read import read_rows

    for number, row in read_rows(path, layout, start=layout.header_row, limit=1):
        del number
        return dataclasses.replace(layout, headers=tuple(str(c).strip() for c in row))
    raise file_error(path, _("there is no row {row}.").format(row=layout.header_row + 1))
