"""Every row of an extract normalised and checked, before anything is written.

:class:`Validation` reads a file with a column mapping (column index → importable field key,
see :mod:`app.dms.fields`) and yields the accepted rows as :class:`ImportRow` (typed values by
field key), while its :class:`ValidationReport` collects every :class:`Problem` with its row,
column and reason. An *error* rejects the row (a missing reference, an impossible date, an
amount that is not a number, a malformed VIN, a vehicle without its owner...); a *warning*
keeps the row and leaves the doubtful value out (a phone that is not a phone, a malformed
e-mail, a postal code not valid for the country, an unknown civility) or tells of a duplicate
or a change of owner within the file.

Rows are handled in chunks, column by column: each distinct value is parsed once (the
normalisers are memoised) and the time spent on dates, phones and postal codes is measured
apart from reading and from the other values (:attr:`ValidationReport.timings`).
"""

from __future__ import annotations

import datetime as dt
import enum
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.dms import normalise as norm
from app.dms.fields import FileKind, ImportField, ValueType, fields_for
from app.dms.read import read_rows
from app.dms.sniff import Layout, file_error
from app.export.sms.phones import PhoneKind
from app.i18n import N_, _

CHUNK = 5000
#: Distinct cells remembered per column (beyond, they are parsed each time).
MEMO = 200_000
#: Problems kept in the report; beyond, they are only counted.
MAX_PROBLEMS = 100_000


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One problem of one row: where (row number, column header, field key), the value as
    read, and why."""

    row: int
    column: str
    field: str | None
    value: str
    reason: norm.Reason
    severity: Severity

    @property
    def message(self) -> str:
        return self.reason.message


@dataclass
class ImportRow:
    """An accepted row: its number in the file and its typed values by field key (dates as
    ``date``, amounts in cents, phones in E.164, enums by stored value)."""

    number: int
    values: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class OwnerChange:
    """A vehicle that changed owner in an import: the former owner's ownership closed on
    ``date``, the new owner's opened that day (the former owner gets no more mail about it)."""

    row: int
    vehicle: str
    former_ref: str
    former_name: str
    new_ref: str
    new_name: str
    date: dt.date


#: Timing categories of :attr:`ValidationReport.timings` (seconds).
TIMINGS = ("read", "dates", "phones", "postal_codes", "other_values", "checks")


@dataclass
class ValidationReport:
    """What the validation of one file found. The upsert fills ``new``, ``updated`` and
    ``unchanged`` (:meth:`set_outcome`); :func:`app.dms.report.write_report` saves it."""

    file: str
    kind: FileKind
    profile: str | None = None
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    rows_with_warnings: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(TIMINGS, 0.0))
    new: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    #: Rows whose owner's name differs from the customer's in Cible (warnings of the import).
    name_mismatches: int = 0
    #: Vehicles that changed owner (filled by the import; the report's "Changes" sheet).
    changes: list[OwnerChange] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.counts[problem.severity] += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    @property
    def errors(self) -> int:
        return self.counts[Severity.ERROR]

    @property
    def warnings(self) -> int:
        return self.counts[Severity.WARNING]

    def set_outcome(self, new: int, updated: int, unchanged: int) -> None:
        """What the upsert did with the accepted rows."""
        self.new, self.updated, self.unchanged = new, updated, unchanged


#: The fields each kind of file cannot do without: all of a tuple's alternatives missing from
#: the mapping is a file error; empty in a row, a row error.
REQUIRED: dict[FileKind, tuple[tuple[str, ...], ...]] = {
    FileKind.CUSTOMERS: (("customer.dms_ref",),),
    FileKind.VEHICLES: (("vehicle.vin", "vehicle.plate"), ("customer.dms_ref",)),
    FileKind.INVOICES: (("invoice.number",), ("invoice.date",), ("customer.dms_ref",)),
    FileKind.SALES: (("vehicle.vin", "vehicle.plate"), ("customer.dms_ref",)),
}

_CATEGORY = {
    ValueType.DATE: "dates",
    ValueType.PHONE: "phones",
    ValueType.POSTAL_CODE: "postal_codes",
}
#: Value types whose problem only drops the value (warning); the others reject the row.
_SOFT = {ValueType.PHONE, ValueType.EMAIL, ValueType.POSTAL_CODE, ValueType.CIVILITY,
         ValueType.COUNTRY}  # fmt: skip

_SIMPLE: dict[ValueType, Callable[[Any], tuple[Any, Any]]] = {
    ValueType.MONEY: norm.parse_money,
    ValueType.INTEGER: norm.parse_integer,
    ValueType.NUMBER: norm.parse_number,
    ValueType.BOOLEAN: norm.parse_boolean,
    ValueType.EMAIL: norm.parse_email,
    ValueType.VIN: norm.parse_vin,
    ValueType.PLATE: norm.parse_plate,
    ValueType.CIVILITY: norm.parse_civility,
    ValueType.COUNTRY: norm.parse_country,
    ValueType.TEXT: norm.parse_text,
    ValueType.REFERENCE: norm.parse_text,
}


def missing_fields(kind: FileKind, mapped: set[str]) -> list[str]:
    """The required fields (one per alternative group) no column is mapped to."""
    return [group[0] for group in REQUIRED[FileKind(kind)] if not mapped.intersection(group)]


class Validation:
    """Validate *path* read with *layout* and *mapping* (column index → field key).

    ``country`` is the default country of addresses and phones (the site's); ``date_orders``
    gives ``"mdy"`` for a date field whose column is written month first (US). Iterate
    :meth:`rows` to get the accepted rows; :attr:`report` is complete once it is exhausted.
    """

    def __init__(
        self,
        path: Path | str,
        layout: Layout,
        mapping: dict[int, str],
        kind: FileKind,
        *,
        country: str = "FR",
        date_orders: dict[str, str] | None = None,
        profile: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.layout = layout
        self.kind = FileKind(kind)
        self.country = (country or "FR").upper()
        self.date_orders = date_orders or {}
        available = fields_for(self.kind)
        unknown = [key for key in mapping.values() if key not in available]
        if unknown:
            raise file_error(
                self.path,
                _("{field} cannot be imported from a file of this kind.").format(field=unknown[0]),
            )
        self.mapping = dict(sorted(mapping.items()))
        self.fields: dict[int, ImportField] = {i: available[k] for i, k in self.mapping.items()}
        missing = missing_fields(self.kind, set(self.mapping.values()))
        if missing:
            label = available[missing[0]].label()
            from app.dms.fields import SYNONYMS

            examples = SYNONYMS.get(missing[0], ())[:3]
            message = _("no column holds “{field}”, which this kind of file needs.").format(
                field=label
            )
            if examples:
                message += " " + _("Its header is, for example: {headers}.").format(
                    headers=", ".join(_("“{sheet}”").format(sheet=h) for h in examples)
                )
            raise file_error(self.path, message, row=layout.header_row + 1)
        headers = list(layout.headers)
        width = len(headers)
        beyond = [i for i in self.mapping if i >= width]
        if beyond:
            raise file_error(
                self.path,
                _(
                    "the file has {count} columns; the mapping expects "
                    "at least {expected}. Is the separator right?"
                ).format(count=width, expected=max(beyond) + 1),
                row=layout.header_row + 1,
            )
        self.headers = headers
        self.report = ValidationReport(self.path.name, self.kind, profile)
        self._seen: dict[str, tuple[int, Any]] = {}
        #: Column → {cell as read: (value, reason, stored as it is)}: each distinct cell
        #: parsed once.
        self._memo: dict[int, dict[Any, tuple[Any, Any, bool]]] = {}

    # -- reading ---------------------------------------------------------------------------

    def rows(self) -> Iterator[ImportRow]:
        """The accepted rows, in file order."""
        timings = self.report.timings
        source = read_rows(self.path, self.layout, start=self.layout.header_row + 1)
        while True:
            started = time.perf_counter()
            chunk = []
            for number, cells in source:
                try:  # a CSV row: its texts joined, in C
                    filled = bool("".join(cells).strip())
                except TypeError:  # a workbook's numbers, dates, empty cells
                    filled = any(norm.as_text(c) for c in cells)
                if filled:
                    chunk.append((number, cells))
                if len(chunk) >= CHUNK:
                    break
            timings["read"] += time.perf_counter() - started
            if not chunk:
                return
            yield from self._chunk(chunk)

    def _chunk(self, chunk: list[tuple[int, list[Any]]]) -> Iterator[ImportRow]:
        report, timings, width = self.report, self.report.timings, len(self.headers)
        perf = time.perf_counter
        n = len(chunk)
        values: list[dict[str, Any]] = [{} for _row in range(n)]
        problems: list[list[Problem]] = [[] for _row in range(n)]
        started = perf()
        for index, (number, cells) in enumerate(chunk):
            if len(cells) != width and self.layout.format == "csv":
                problems[index].append(
                    self._problem(
                        number,
                        None,
                        None,
                        "",
                        norm.Reason(
                            N_(
                                "the row has {count} values where the header has {width}: "
                                "a separator inside a value that is not quoted?"
                            ),
                            (("count", len(cells)), ("width", width)),
                        ),
                        Severity.ERROR,
                    )
                )
        timings["checks"] += perf() - started
        # Countries first: phones and postal codes are read in the customer's country.
        ordered = sorted(
            self.fields.items(), key=lambda item: item[1].type is not ValueType.COUNTRY
        )
        countries = [self.country] * n
        for column, f in ordered:
            category = _CATEGORY.get(f.type, "other_values")
            started = perf()
            parse = self._parser(f)
            by_country = f.type in (ValueType.PHONE, ValueType.POSTAL_CODE)
            memo = self._memo.setdefault(column, {})
            plain = f.type not in (ValueType.CIVILITY, ValueType.COUNTRY, ValueType.PHONE)
            fkey, longest = f.key, f.max_length
            for index, (number, cells) in enumerate(chunk):
                raw = cells[column] if column < len(cells) else ""
                if raw is None or raw == "":
                    continue
                key = (raw, countries[index]) if by_country else raw
                found = memo.get(key)
                if found is None:
                    value, reason = parse(*key) if by_country else parse(raw)
                    # stored as it is: no problem, nothing more to check or convert
                    direct = (
                        reason is None
                        and plain
                        and not (longest and isinstance(value, str) and len(value) > longest)
                    )
                    found = (value, reason, direct)
                    if len(memo) < MEMO:
                        memo[key] = found
                value, reason, direct = found
                if direct:
                    values[index][fkey] = value
                    continue
                if reason is not None:
                    severity = (
                        Severity.WARNING if f.type in _SOFT and not f.required else Severity.ERROR
                    )
                    problems[index].append(
                        self._problem(number, column, f.key, raw, reason, severity)
                    )
                    if severity is Severity.ERROR or f.type is not ValueType.CIVILITY:
                        continue
                self._store(
                    values[index], f, value, countries, index, problems[index], number, column, raw
                )
            timings[category] += perf() - started
        started = perf()
        accepted = []
        for index, (number, _cells) in enumerate(chunk):
            self._check_row(number, values[index], problems[index])
            report.rows_read += 1
            row_problems = problems[index]
            for problem in row_problems:
                report.add(problem)
            if any(p.severity is Severity.ERROR for p in row_problems):
                report.rejected += 1
                continue
            report.accepted += 1
            if row_problems:
                report.rows_with_warnings += 1
            accepted.append(ImportRow(number, values[index], row_problems))
        timings["checks"] += perf() - started
        yield from accepted

    def _parser(self, f: ImportField) -> Callable:
        if f.type is ValueType.DATE:
            order = self.date_orders.get(f.key, "dmy")
            return lambda raw: norm.parse_date(raw, order)
        if f.type is ValueType.PHONE:
            return norm.parse_phone
        if f.type is ValueType.POSTAL_CODE:
            return norm.parse_postal_code
        if f.type is ValueType.ENUM:
            return lambda raw: norm.parse_enum(raw, f.enum_words)
        return _SIMPLE[f.type]

    def _store(
        self,
        values: dict[str, Any],
        f: ImportField,
        value: Any,
        countries: list[str],
        index: int,
        problems: list[Problem],
        number: int,
        column: int,
        raw: Any,
    ) -> None:
        if f.type is ValueType.CIVILITY:
            civility, company = value
            values[f.key] = civility
            if company:
                values.setdefault("customer.is_company", True)
            return
        if f.type is ValueType.COUNTRY and value:
            countries[index] = value
        if f.type is ValueType.PHONE:
            if f.column == "phone_mobile" and value.kind is PhoneKind.LANDLINE:
                problems.append(
                    self._problem(
                        number,
                        column,
                        f.key,
                        raw,
                        norm.Reason(
                            N_("“{value}” is a landline, not a mobile number."),
                            (("value", norm.as_text(raw)),),
                        ),
                        Severity.WARNING,
                    )
                )
            value = value.e164
        if isinstance(value, str) and f.max_length and len(value) > f.max_length:
            problems.append(
                self._problem(
                    number,
                    column,
                    f.key,
                    raw,
                    norm.Reason(
                        N_("“{value}” is longer than {length} characters."),
                        (("length", f.max_length), ("value", value)),
                    ),
                    Severity.ERROR,
                )
            )
            return
        values[f.key] = value

    def _check_row(self, number: int, values: dict[str, Any], problems: list[Problem]) -> None:
        for p in problems:
            if p.severity is Severity.ERROR:
                return
        for group in REQUIRED[self.kind]:
            for key in group:
                if values.get(key) not in (None, ""):
                    break
            else:
                if group == ("customer.dms_ref",) and self.kind is not FileKind.CUSTOMERS:
                    msgid = N_(
                        "the row has no customer number: a vehicle, invoice or sale "
                        "must name its customer (owner)."
                    )
                else:
                    msgid = N_("“{field}” is empty.")
                label = " / ".join(self._named(k) for k in group)
                problems.append(
                    self._problem(
                        number,
                        self._column_of(group[0]),
                        group[0],
                        "",
                        norm.Reason(msgid, (("field", label),)),
                        Severity.ERROR,
                    )
                )
                return
        self._duplicates(number, values, problems)

    def _duplicates(self, number: int, values: dict[str, Any], problems: list[Problem]) -> None:
        customer = values.get("customer.dms_ref")
        site = values.get("customer.site_code") or ""
        if self.kind is FileKind.CUSTOMERS:
            key, state = f"c|{site}|{customer}", tuple(sorted(values.items(), key=str))
            earlier = self._seen.get(key)
            if earlier is not None:
                msgid = (
                    N_("the same customer as row {row}, with the same values.")
                    if earlier[1] == state
                    else N_(
                        "customer {value} already appears at row {row}; this later row "
                        "is the one kept."
                    )
                )
                problems.append(
                    self._problem(
                        number,
                        self._column_of("customer.dms_ref"),
                        "customer.dms_ref",
                        customer,
                        norm.Reason(msgid, (("row", earlier[0]), ("value", customer))),
                        Severity.WARNING,
                    )
                )
            self._seen[key] = (number, state)
        elif self.kind is FileKind.VEHICLES:
            vehicle = values.get("vehicle.vin") or values.get("vehicle.plate")
            key = f"v|{vehicle}"
            earlier = self._seen.get(key)
            if earlier is not None:
                if earlier[1] != customer:
                    msgid = N_(
                        "vehicle {value} belonged to customer {owner} at row {row}: "
                        "a change of owner."
                    )
                else:
                    msgid = N_("vehicle {value} already appears at row {row}.")
                problems.append(
                    self._problem(
                        number,
                        self._column_of("customer.dms_ref"),
                        "customer.dms_ref",
                        customer,
                        norm.Reason(
                            msgid, (("owner", earlier[1]), ("row", earlier[0]), ("value", vehicle))
                        ),
                        Severity.WARNING,
                    )
                )
            self._seen[key] = (number, customer)
        elif self.kind is FileKind.INVOICES:
            invoice = values.get("invoice.number")
            key = f"i|{values.get('invoice.site_code') or ''}|{invoice}"
            head = (values.get("invoice.date"), customer)
            earlier = self._seen.get(key)
            if earlier is None:
                self._seen[key] = (number, head)
            elif earlier[1] != head:
                problems.append(
                    self._problem(
                        number,
                        self._column_of("invoice.number"),
                        "invoice.number",
                        invoice,
                        norm.Reason(
                            N_("invoice {value} has another date or customer at row {row}."),
                            (("row", earlier[0]), ("value", invoice)),
                        ),
                        Severity.ERROR,
                    )
                )

    def _named(self, key: str) -> str:
        """A field as the user knows it: the file's own header, else Cible's label."""
        column = self._column_of(key)
        if column is not None and column < len(self.headers):
            return self.headers[column]
        return fields_for(self.kind)[key].label()

    def _column_of(self, key: str) -> int | None:
        return next((i for i, k in self.mapping.items() if k == key), None)

    def _problem(
        self,
        number: int,
        column: int | None,
        key: str | None,
        raw: Any,
        reason: norm.Reason,
        severity: Severity,
    ) -> Problem:
        header = self.headers[column] if column is not None and column < len(self.headers) else ""
        return Problem(number, header, key, norm.as_text(raw), reason, severity)


def detect_date_orders(
    preview_rows: list[tuple[Any, ...]], mapping: dict[int, str], kind: FileKind
) -> dict[str, str]:
    """For each mapped date column, ``"mdy"`` when its sample values are month first (US)."""
    available = fields_for(kind)
    orders = {}
    for column, key in mapping.items():
        f = available.get(key)
        if f is None or f.type is not ValueType.DATE:
            continue
        order = norm.date_order([r[column] for r in preview_rows if column < len(r)])
        if order == "mdy":
            orders[key] = order
    return orders


#: Rows the command looks at to tell a column of US dates (the wizard looks at its preview).
DATE_ORDER_ROWS = 1000


def month_first(value: Any) -> bool:
    """A day/month/year text date that can only be month first (``01/13/2024``)."""
    match = norm._DATE.match(norm.as_text(value)) if isinstance(value, str) else None
    return bool(match and len(match.group(1)) != 4 and int(match.group(2)) > 12)


def check_date_orders(
    path: Path | str,
    layout: Layout,
    mapping: dict[int, str],
    kind: FileKind,
    known: dict[str, str] | None = None,
    rows: int = DATE_ORDER_ROWS,
) -> None:
    """Refuse a file whose date column is written month first (US: ``01/13/2024``) when
    nothing says to read it so (*known*: a profile's date orders): an
    :class:`~app.errors.ImportFileError` naming the file, the row of the first date that can
    only be month first, and the column. Read day first, the column's other dates
    (``02/03/2024``) would be imported as wrong dates without a word."""
    known = known or {}
    sample = [
        (number, cells)
        for number, cells in read_rows(path, layout, start=layout.header_row + 1, limit=rows)
    ]
    orders = detect_date_orders([cells for _n, cells in sample], mapping, kind)
    headers = layout.headers
    for column, key in sorted(mapping.items()):
        if orders.get(key) != "mdy" or key in known:
            continue
        number, value = next(
            (
                (n, cells[column])
                for n, cells in sample
                if column < len(cells) and month_first(cells[column])
            ),
            (layout.header_row + 2, ""),
        )
        raise file_error(
            path,
            _(
                "the dates of this column are written month first, as in the United States "
                "(“{value}”); Cible reads day/month/year, so 02/03/2024 would be imported as "
                "2 March. Export the dates as DD/MM/YYYY, or import the file once in the "
                "wizard (it reads such a column month first) and save its profile."
            ).format(value=norm.as_text(value)),
            row=number,
            column=headers[column] if column < len(headers) else str(column + 1),
        )


def validate_file(
    path: Path | str, layout: Layout, mapping: dict[int, str], kind: FileKind, **options: Any
) -> tuple[list[ImportRow], ValidationReport]:
    """Every accepted row in a list, and the report (small files and tests; the upsert
    should iterate :meth:`Validation.rows` instead)."""
    validation = Validation(path, layout, mapping, kind, **options)
    rows = list(validation.rows())
    return rows, validation.report
