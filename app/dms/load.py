"""Writing a validated extract into the database: upsert, not append. Pure Python, no Qt.

:func:`import_file` is the one call the wizard and ``python -m app import`` make: it reads and
validates the file (:class:`~app.dms.validate.Validation`) and writes the accepted rows in
**one transaction** — cancelled (the *cancel* callback says so) or failed, nothing is written;
a dry run does everything and rolls back, so its counts are the real ones.

Matching (what makes a re-import change nothing and a newer file update what changed):

* customers by their site and DMS reference; a reference kept as an alias of a merged
  customer (``customer_alias``) lands on the survivor. A customer absent from a later file is
  never deleted;
* vehicles by VIN, then by plate (a vehicle found by its plate gets the VIN the file gives);
* workshop invoices by site and number, their lines by line number (the line's position within
  its invoice in the file when the file has no line numbers);
* vehicle sales by site and order number (by vehicle and customer when the file has none).

The owner's columns of a vehicles, invoices or sales file create the customers Cible does not
know yet (a reference without a site finds the one customer of any site that holds it); a known
customer is changed by a customers file only, so two files never undo each other.

A mapped cell that is empty clears the stored value (the DMS no longer has it); a value the
validation dropped with a warning (a phone that is not a phone) leaves the stored one alone.
Only rows whose values differ are written, so an unchanged file writes nothing at all.

Refusals and legal bases go through :func:`app.models.permissions.apply_import_permissions_many`,
with the source "Import DMS DD/MM/YYYY": an import adds a refusal or a basis, never removes one.

Change of owner: a vehicle that arrives under another customer leaves its owner — the open
:class:`~app.models.dealership.Ownership` is closed on the day of the change and a new one
opened — and both customers are listed in :attr:`ImportResult.changes` (and the report's
"Changes" sheet). A row naming a *former* owner of the vehicle (an older row of the DMS) does
not take it back unless it brings a purchase or delivery date after the current owner's start.

Owner's name: a vehicles, invoices or sales row attached to a customer Cible already holds
under (site, DMS reference) is compared by name when the file maps owner name columns
(:func:`names_agree`: folded, any order, RapidFuzz token-set ratio). A plainly different name
(a wrong site code, a renumbered DMS) adds a *warning* to the report — the row still imports —
and is counted in :attr:`~app.dms.validate.ValidationReport.name_mismatches`.

Invoices: warranty and internal invoices keep their type (the file's "Type" column); the
invoice's total and discount are the sums of its lines unless the file gives them.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from rapidfuzz.fuzz import token_set_ratio
from rapidfuzz.utils import default_process
from sqlalchemy import (
    ARRAY,
    DateTime,
    Index,
    String,
    Table,
    bindparam,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy import any_ as sql_any
from sqlalchemy.orm import Session

from app.dms.fields import TABLES, FileKind, fields_for
from app.dms.normalise import Reason
from app.dms.profile import Profile
from app.dms.sniff import Layout, sniff
from app.dms.validate import (
    ImportRow,
    OwnerChange,
    Problem,
    Severity,
    Validation,
    ValidationReport,
)
from app.errors import CibleError
from app.i18n import N_, _
from app.models.activity import InvoiceLine, VehicleSale, WorkshopInvoice
from app.models.base import utcnow
from app.models.db import Database
from app.models.dealership import (
    DISPLAY_NAME_INPUTS,
    Customer,
    CustomerAlias,
    Ownership,
    Site,
    Vehicle,
    with_display_name,
)
from app.models.enums import (
    BasisKind,
    Channel,
    InvoiceLineCategory,
    MarketingBasis,
    SaleKind,
)
from app.models.permissions import (
    IncomingPermission,
    SuppressionBatch,
    apply_import_permissions_many,
)
from app.models.textfold import fold

__all__ = [
    "ImportCancelled",
    "ImportResult",
    "OwnerChange",
    "import_file",
    "import_source",
    "names_agree",
]

#: Rows written per batch (and parameters per ``IN (...)`` list: well under the 32,766 bound
#: parameters of SQLite and the 65,535 of PostgreSQL).
BATCH = 2000
#: A field the row does not have.
_MISSING = object()

CUSTOMER: Table = Customer.__table__
VEHICLE: Table = Vehicle.__table__
INVOICE: Table = WorkshopInvoice.__table__
LINE: Table = InvoiceLine.__table__
SALE: Table = VehicleSale.__table__
OWNERSHIP: Table = Ownership.__table__
ALIAS: Table = CustomerAlias.__table__
SITE: Table = Site.__table__

#: Secondary indexes the load itself looks rows up with: kept when a first import defers the
#: others (:func:`_defer_indexes`).
LOOKUP_INDEXES = frozenset(
    {"ix_vehicle_vin", "ix_vehicle_plate", "ix_ownership_vehicle_id", "ix_vehicle_sale_vehicle_id"}
)

#: Stored text and its folded twin, kept in step (the engine's % searches read the twins).
FOLDS: dict[str, dict[str, str]] = {
    "customer": {
        "last_name": "last_name_fold",
        "first_name": "first_name_fold",
        "company_name": "company_name_fold",
        "address1": "address1_fold",
        "city": "city_fold",
    },
    "vehicle": {"model": "model_fold", "version": "version_fold"},
}
#: What a customer's sort key is made of, and the key (read with the stored customer).
DISPLAY_NAME_COLUMNS = {*DISPLAY_NAME_INPUTS, "display_name_fold"}
_CHANNELS = tuple(Channel)
_SITE_KEYS = ("customer.site_code", "vehicle.site_code", "invoice.site_code", "sale.site_code")
#: Customer columns that only the permission model writes (from the history).
_PERMISSION_COLUMNS = {
    name
    for ch in _CHANNELS
    for name in (f"optout_{ch.value}", f"optout_{ch.value}_date", f"optout_{ch.value}_source")
} | {"marketing_basis", "marketing_basis_date", "marketing_basis_source"}


#: The owner name fields of a row (last name, first name, company name).
_NAME_KEYS = ("customer.last_name", "customer.first_name", "customer.company")
#: Token-set ratio (0-100) from which two names are the same person's: GIRARD / GIRRARD (92),
#: a first name missing on one side (100) agree; GIRARD Thomas / PHARMACIE DUMAS (36) do not.
NAME_THRESHOLD = 85
NAME_MISMATCH = N_(
    "customer {ref} is named “{cible}” in Cible and “{file}” in the file: "
    "check the site and the number."
)


@lru_cache(maxsize=1 << 16)
def _tokens(*parts: str | None) -> str:
    """The words of a name, folded (no accents, upper case), punctuation as spaces."""
    return default_process(fold(" ".join(p for p in parts if p)) or "")


@lru_cache(maxsize=1 << 16)
def names_agree(
    file_name: tuple[str | None, str | None, str | None],
    cible_name: tuple[str | None, str | None, str | None],
) -> bool:
    """Whether (last name, first name, company name) from a file and from Cible name the same
    customer: accents, case, order of the words, a first name or a company name present on one
    side only, a company named after its owner's surname (PHARMACIE DUMAS / DUMAS Jean) and a
    typo (GIRARD / GIRRARD) are tolerated. Nothing to compare agrees."""
    mine, theirs = _tokens(*file_name), _tokens(*cible_name)
    if not mine or not theirs:
        return True
    if token_set_ratio(mine, theirs) >= NAME_THRESHOLD:
        return True
    # A first name on one side only: the surnames alone (GIRARD / GIRRARD Thomas).
    if (not file_name[1] or not cible_name[1]) and file_name[0] and cible_name[0]:
        if token_set_ratio(_tokens(file_name[0]), _tokens(cible_name[0])) >= NAME_THRESHOLD:
            return True
    # A company on one side, its owner's surname on the other (PHARMACIE DUMAS / DUMAS Jean).
    for company, person in ((file_name[2], cible_name[0]), (cible_name[2], file_name[0])):
        if company and person and token_set_ratio(_tokens(company), _tokens(person)) >= 100:
            return True
    return False


class ImportCancelled(CibleError):
    """The user cancelled: the transaction was rolled back, nothing was written."""


@dataclass
class ImportResult:
    """What an import did. ``new``/``updated``/``unchanged`` count the records of the file's
    own kind (customers, vehicles, invoice lines, sales); :attr:`counts` has every table's."""

    report: ValidationReport
    new: int
    updated: int
    unchanged: int
    rejected: int
    changes: list[OwnerChange]
    dry_run: bool
    backup: Path | None = None
    profile: str | None = None
    #: Table ("customer", "vehicle", "invoice", "line", "sale") → Counter(new, updated, unchanged).
    counts: dict[str, Counter] = field(default_factory=dict)
    #: Seconds spent writing (reading and validating excluded: ``report.timings``).
    load_seconds: float = 0.0


def import_source(today: dt.date) -> str:
    """The source recorded on every permission change of an import: ``Import DMS 02/12/2026``."""
    return f"Import DMS {today:%d/%m/%Y}"


# --- the one call --------------------------------------------------------------------------


def import_file(
    database: Database,
    path: Path | str,
    kind: FileKind | str,
    mapping: dict[int, str] | None = None,
    *,
    layout: Layout | None = None,
    profile: Profile | None = None,
    country: str = "FR",
    site_code: str | None = None,
    subdivision: str | None = None,
    date_orders: dict[str, str] | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    who: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ImportResult:
    """Validate *path* and write its accepted rows into *database*, in one transaction.

    *mapping* is column index → field key (see :mod:`app.dms.fields`); when it is None the
    *profile*'s mapping applies. *layout* defaults to the sniffed one (with the profile's
    encoding, separator and header row). *progress(done, total)* is called after each batch
    (rows read, estimated rows in the file; total 0 when unknown); *cancel()* returning true
    stops the import and rolls it back (:class:`ImportCancelled`). A file that cannot be read
    raises :class:`~app.errors.ImportFileError` (nothing written). *subdivision* (ISO 3166-2,
    ``CH-VD``) is given to the sites of the file that have none yet (their SMS send window
    follows that canton's or province's holidays).
    """
    path = Path(path)
    kind = FileKind(kind)
    today = today or dt.date.today()
    if layout is None:
        layout = sniff(path, sheet=profile.sheet if profile is not None else None)
        if profile is not None:
            layout = profile.layout_for(layout)
            from app.dms.sniff import with_headers

            layout = with_headers(path, layout)
    if mapping is None:
        if profile is None:
            raise ValueError("import_file needs a mapping or a profile")
        mapping = profile.mapping_for(layout.headers, path)
    if profile is not None:
        country = profile.country or country
        site_code = site_code or profile.site_code
        date_orders = date_orders if date_orders is not None else profile.date_orders
    if subdivision:
        from app.export.sms.windows import normalise_subdivision

        subdivision = normalise_subdivision(subdivision)
        if subdivision and (profile is None or not profile.country):
            country = subdivision[:2]
        subdivision = normalise_subdivision(subdivision, country)
    validation = Validation(
        path,
        layout,
        mapping,
        kind,
        country=country,
        date_orders=date_orders,
        profile=profile.name if profile is not None else None,
    )
    total = _estimate_rows(path, layout)
    writer_cls = _WRITERS[kind]
    started = time.perf_counter()
    with _fewer_collections(), database.sessions() as session:
        with session.begin():
            writer = writer_cls(
                session,
                kind,
                set(mapping.values()),
                country=(country or "FR").upper(),
                site_code=site_code,
                today=today,
                who=who,
                subdivision=subdivision,
                report=validation.report,
                name_column=next(
                    (
                        layout.headers[i]
                        for key in _NAME_KEYS
                        for i, k in mapping.items()
                        if k == key and i < len(layout.headers)
                    ),
                    "",
                ),
            )
            # Secondary indexes of the tables still empty: built once after the load.
            deferred = _defer_indexes(session, writer.start())
            done = 0
            for batch in _batches(validation.rows(), BATCH):
                if cancel is not None and cancel():
                    raise ImportCancelled(_("Import cancelled: nothing was written."))
                writer.write(batch)
                done = validation.report.rows_read
                if progress is not None:
                    progress(done, max(total, done))
            if cancel is not None and cancel():
                raise ImportCancelled(_("Import cancelled: nothing was written."))
            writer.finish()
            _build_indexes(session, deferred)
            if dry_run:
                session.rollback()
    elapsed = time.perf_counter() - started
    report = validation.report
    # every row rejected: nothing was written, the writer counted nothing
    own = writer.counts.get(writer.own, Counter({"new": 0, "updated": 0, "unchanged": 0}))
    report.set_outcome(own["new"], own["updated"], own["unchanged"])
    report.changes = list(writer.changes)
    if progress is not None:
        progress(report.rows_read, report.rows_read)
    return ImportResult(
        report=report,
        new=own["new"],
        updated=own["updated"],
        unchanged=own["unchanged"],
        rejected=report.rejected,
        changes=list(writer.changes),
        dry_run=dry_run,
        backup=database.backup,
        profile=profile.name if profile is not None else None,
        counts=dict(writer.counts),
        load_seconds=max(0.0, elapsed - sum(report.timings.values())),
    )


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector run less often during the load: the rows it keeps
    (a batch, the keys written) made every collection walk them: a fifth to a third of the
    load's CPU time.
    Objects are still collected (every 100,000 allocations instead of 700)."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 100_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _defer_indexes(session: Session, tables: Iterable[Table]) -> list[Index]:
    """Drop the secondary indexes of the *tables*, empty (a first import): building an index
    once over the loaded rows costs a fraction of keeping it up to date row by row.
    Kept: unique indexes and constraints (they *are* the upsert keys) and :data:`LOOKUP_INDEXES`,
    which the load's own look-ups use. The indexes are SQLAlchemy's, from the metadata (those
    present in the database only); :func:`_build_indexes` creates them again in the same
    transaction, so a cancelled or failed import rolls back the drop with the rest (DDL is
    transactional on SQLite and PostgreSQL)."""
    connection = session.connection()
    present: set[str] | None = None
    dropped: list[Index] = []
    tables = list(tables)
    for table in tables:
        if present is None:
            inspector = inspect(connection)
            present = set()
            for name in {t.name for t in tables}:
                present |= {i["name"] for i in inspector.get_indexes(name)}
        for index in sorted(table.indexes, key=lambda i: i.name):
            if index.unique or index.name in LOOKUP_INDEXES or index.name not in present:
                continue
            index.drop(connection)
            dropped.append(index)
    return dropped


def _build_indexes(session: Session, indexes: list[Index]) -> None:
    """Create the indexes :func:`_defer_indexes` dropped, over the loaded rows."""
    connection = session.connection()
    for index in indexes:
        index.create(connection)


def _batches(rows: Iterable[ImportRow], size: int) -> Iterator[list[ImportRow]]:
    batch: list[ImportRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _estimate_rows(path: Path, layout: Layout) -> int:
    """Lines of a CSV/TXT file after its header (a quoted line break counts twice); 0 for a
    spreadsheet (unknown until it is read)."""
    if layout.format != "csv":
        return 0
    count = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":
        count += 1
    return max(0, count - layout.header_row - 1)


def _chunks(values: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Many:
    """One ``INSERT`` or ``UPDATE`` compiled once for the dialect and run with the driver's
    ``executemany``: each row's parameters are taken from its dict in the statement's order and
    passed through the columns' bind processors (dates as SQLite stores them...) only where a
    type has one, instead of SQLAlchemy's per-row parameter processing, which cost as much as
    the database's own work. The SQL is SQLAlchemy's, with bound parameters."""

    def __init__(self, stmt: Any, names: Iterable[str], dialect: Any) -> None:
        names = list(names)
        compiled = stmt.compile(dialect=dialect, column_keys=names)
        self.stmt = stmt
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        order = compiled.positiontup if self.positional else list(binds)
        self.names: tuple[str, ...] = tuple(order or ())
        #: A parameter the rows do not give (a default computed in Python for each row):
        #: SQLAlchemy's own execution then, which computes it.
        self.plain = not set(self.names) <= set(names)
        #: (position, processor) of the parameters whose type converts the value.
        self.processors: list[tuple[int, Callable[[Any], Any]]] = []
        for index, name in enumerate(self.names):
            kind = binds[name].type
            processor = kind.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors.append((index, processor))

    def run(self, connection: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.plain:
            connection.execute(self.stmt, rows)
            return
        names, processors = self.names, self.processors
        if len(names) == 1:
            (name,) = names
            params: list[Any] = [(row[name],) for row in rows]
        else:
            take = itemgetter(*names)
            params = [take(row) for row in rows]
        if processors:
            for i, row in enumerate(params):
                row = list(row)
                for index, processor in processors:
                    value = row[index]
                    if value is not None:
                        row[index] = processor(value)
                params[i] = row
        if not self.positional:
            params = [dict(zip(names, row, strict=True)) for row in params]
        else:
            params = [tuple(row) for row in params] if processors else params
        connection.exec_driver_sql(self.sql, params)


# --- writers -------------------------------------------------------------------------------


class _Writer:
    """Writes batches of accepted rows of one kind of file."""

    own = "customer"
    #: The tables the writer fills (their secondary indexes are deferred when they are empty).
    tables: tuple[Table, ...] = (CUSTOMER,)

    def __init__(
        self,
        session: Session,
        kind: FileKind,
        mapped: set[str],
        *,
        country: str,
        site_code: str | None,
        today: dt.date,
        who: str | None,
        subdivision: str | None = None,
        report: ValidationReport | None = None,
        name_column: str = "",
    ) -> None:
        self.session = session
        #: Where the owner's-name warnings go (:meth:`_check_names`), under *name_column*.
        self.report = report
        self.name_column = name_column
        #: Ids of the customers this import created (their name is the file's own).
        self._created: set[int] = set()
        self.subdivision = subdivision
        self.kind = kind
        self.country = country
        self.today = today
        self.who = who
        self.source = import_source(today)
        self.counts: dict[str, Counter] = {}
        self.changes: list[OwnerChange] = []
        available = fields_for(kind)
        #: Table prefix → {column: field key} of the mapped plain columns.
        self.columns: dict[str, dict[str, str]] = {}
        for key in sorted(mapped):
            f = available[key]
            if f.column == "site_id" or (
                f.table == "customer" and (f.column in _PERMISSION_COLUMNS or f.column == "dms_ref")
            ):
                continue
            self.columns.setdefault(f.table, {})[f.column] = key
        self.mapped = mapped
        self._sites: dict[str, int] = {
            code.upper(): id_ for id_, code in session.execute(select(SITE.c.id, SITE.c.code))
        }
        self._subdivided: set[str] = set()
        self.default_site = self._site_id(site_code) if site_code else None
        self._permission_channels = [
            ch
            for ch in _CHANNELS
            if {f"customer.optout_{ch.value}", f"customer.optout_{ch.value}_date"} & mapped
        ]
        self._basis = "customer.marketing_basis" in mapped
        #: A vehicles, invoices or sales file with owner name columns: the owners Cible
        #: already holds are compared by name.
        self._compare_names = (
            kind is not FileKind.CUSTOMERS and report is not None and bool(mapped & set(_NAME_KEYS))
        )
        #: Table prefix → [(column, field key, nullable, folded twin)]: what :meth:`_values`
        #: reads and writes.
        self._plans: dict[str, list[tuple[str, str, bool, str | None]]] = {
            table: [
                (c, k, bool(TABLES[table].c[c].nullable), FOLDS.get(table, {}).get(c))
                for c, k in columns.items()
            ]
            for table, columns in self.columns.items()
        }
        self._dialect = session.get_bind().dialect
        #: The one timestamp of the import's new and updated rows (created_at, updated_at).
        self._now = utcnow()
        self._statements: dict[tuple, Any] = {}
        #: Table name (vehicle.vin, vehicle.plate) → the keys this import wrote into a table
        #: that was empty at its start (:meth:`start`): the only ones worth looking up.
        self._written: dict[str, set] = {}
        #: Table name → the id its next new row gets (SQLite, :meth:`_next_id`).
        self._next_ids: dict[str, int] = {}
        #: Row number → (site id, DMS reference) of the rows being written.
        self._keys: dict[int, tuple[int | None, str]] = {}

    def start(self) -> list[Table]:
        """Called once before the first batch: the tables of :attr:`tables` that are empty.
        Their look-ups are then made only for the keys this import wrote itself
        (:attr:`_written`), and their secondary indexes are built after the load."""
        connection = self.session.connection()
        empty = [
            table
            for table in self.tables
            if connection.execute(select(literal_column("1")).select_from(table).limit(1)).first()
            is None
        ]
        for table in empty:
            if table is VEHICLE:
                self._written["vehicle.vin"] = set()
                self._written["vehicle.plate"] = set()
            else:
                self._written[table.name] = set()
        return empty

    # -- helpers ---------------------------------------------------------------------------

    def count(self, table: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(table, Counter({"new": 0, "updated": 0, "unchanged": 0}))
        self.counts[table][outcome] += n

    def _site_id(self, code: Any) -> int | None:
        if code is None or code == "":
            return self.default_site
        found = self._sites.get(code)
        if found is not None:
            return found
        clean = str(code).strip().upper()
        found = self._sites.get(clean)
        if found is None:
            found = self.session.execute(
                insert(SITE)
                .values(code=clean, name=clean, country=self.country, subdivision=self.subdivision)
                .returning(SITE.c.id)
            ).scalar_one()
            self._sites[clean] = found
        if isinstance(code, str):
            self._sites[code] = found
        elif self.subdivision and code not in self._subdivided:
            self._subdivided.add(code)
            self.session.execute(
                update(SITE)
                .where(SITE.c.id == found, SITE.c.subdivision.is_(None))
                .values(subdivision=self.subdivision)
            )
        return found

    def _values(self, table: str, row: ImportRow) -> dict[str, Any]:
        """The stored columns of *table* the row sets (None clears a mapped empty cell; a value
        dropped by a warning is left out, so the stored one stays), with their folded twins."""
        got = row.values
        values: dict[str, Any] = {}
        dropped = None
        for column, key, nullable, twin in self._plans.get(table, ()):
            value = got.get(key, _MISSING)
            if value is _MISSING:
                if not nullable:
                    continue
                if row.warnings:
                    if dropped is None:
                        dropped = {p.field for p in row.warnings if p.field}
                    if key in dropped:
                        continue
                value = None
            elif isinstance(value, str):
                value = value.strip() or None
            values[column] = value
            if twin is not None:
                values[twin] = fold(value)
        if table == "customer" and got.get("customer.is_company") and "is_company" not in values:
            values["is_company"] = True
        return values

    def customer_values(self, row: ImportRow) -> dict[str, Any]:
        """**The one place a customer's stored columns are built from a row**, for new and
        updated customers alike (a column derived from the others is added here, so that it is
        written and compared with the rest). The key (site, DMS reference) and, for a new
        customer, its country default come from :meth:`write_customers`."""
        return self._values("customer", row)

    def _merged_values(self, rows: list[ImportRow]) -> dict[str, Any]:
        """A customer's columns from the rows naming them, in file order (the later row wins)."""
        values = self.customer_values(rows[0])
        for row in rows[1:]:
            values.update(self.customer_values(row))
        return values

    def _literal(self, column: Any, value: Any) -> Any:
        """*value* written in the SQL of *column*'s dialect (for constants only, never data)."""
        sql = literal(value, column.type).compile(
            dialect=self._dialect, compile_kwargs={"literal_binds": True}
        )
        return literal_column(str(sql), column.type)

    def _constants(self, table: Table, given: Iterable[str], *, update: bool = False) -> dict:
        """The columns a written row leaves to their defaults (``onupdate`` with *update*),
        as SQL literals in the statement: the same for every row, so not bound for each one.
        A timestamp default is the import's one time; other computed defaults stay bound."""
        given = set(given)
        constants: dict[str, Any] = {}
        for column in table.columns:
            default = column.onupdate if update else column.default
            if column.name in given or default is None:
                continue
            if default.is_scalar:
                constants[column.name] = self._literal(column, default.arg)
            elif default.is_callable and isinstance(column.type, DateTime):
                constants[column.name] = self._literal(column, self._now)
        return constants

    def _upsert(
        self,
        table: Table,
        name: str,
        records: dict[Any, dict[str, Any]],
        existing: dict[Any, dict[str, Any]],
        defaults: Callable[[Any, dict[str, Any]], dict[str, Any]],
        *,
        fill_only: bool = False,
        lookup: Callable[[list], dict[Any, int]] | None = None,
    ) -> dict[Any, int]:
        """Insert the records not in *existing*, update those whose values differ (with
        *fill_only*, existing records are left as they are); return key → id (the new records'
        ids read back by *lookup(keys)*, one query per batch; without it, only the existing').
        *defaults(key, values)* gives a new record's other columns.
        :attr:`outcome` tells, by key, ``"new"``, ``"updated"`` or ``"unchanged"``."""
        ids: dict[Any, int] = {}
        outcome: dict[Any, str] = {}
        self.outcome = outcome
        new_keys, new_rows, changed = [], [], []
        for key, values in records.items():
            found = existing.get(key)
            if found is None:
                new_keys.append(key)
                new_rows.append({**defaults(key, values), **values})
                continue
            ids[key] = found["id"]
            if not fill_only:
                get = found.get
                for column, value in values.items():
                    if get(column) != value:
                        changed.append((found["id"], values))
                        outcome[key] = "updated"
                        break
                else:
                    outcome[key] = "unchanged"
            else:
                outcome[key] = "unchanged"
        if outcome:
            self.count(name, "updated", len(changed))
            self.count(name, "unchanged", len(outcome) - len(changed))
        if new_rows:
            if lookup is not None and self._dialect.name == "sqlite":
                # The ids SQLite would give (the largest + 1: no AUTOINCREMENT), given here so
                # that they need not be read back. The import holds the write lock from its
                # first write to its commit; a writer that came in between makes the insert
                # fail (busy, or the primary key), never a wrong id.
                first = self._next_id(table, len(new_rows))
                for offset, (key, row) in enumerate(zip(new_keys, new_rows, strict=True)):
                    row["id"] = ids[key] = first + offset
                self._insert(table, new_rows)
            else:
                self._insert(table, new_rows)
                if lookup is not None:
                    ids.update(lookup(new_keys))
            self.count(name, "new", len(new_rows))
            self.outcome.update(dict.fromkeys(new_keys, "new"))
        self._update(table, changed)
        return ids

    def _next_id(self, table: Table, count: int) -> int:
        """The first of *count* ids for new rows of *table* (SQLite: see :meth:`_upsert`)."""
        first = self._next_ids.get(table.name)
        if first is None:
            largest = self.session.connection().execute(select(func.max(table.c.id))).scalar()
            first = (largest or 0) + 1
        self._next_ids[table.name] = first + count
        return first

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """``INSERT`` the rows, one ``executemany`` per set of columns (no ``RETURNING``: the
        ids are read back with the batch's look-up)."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        for columns, params in groups.items():
            key = ("insert", table.name, columns)
            many = self._statements.get(key)
            if many is None:
                stmt = insert(table).values(self._constants(table, columns))
                many = self._statements[key] = _Many(stmt, columns, self._dialect)
            many.run(self.session.connection(), params)

    def _update(self, table: Table, changed: list[tuple[int, dict[str, Any]]]) -> None:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for id_, values in changed:
            groups.setdefault(tuple(sorted(values)), []).append(
                {"_id": id_, **{f"_{c}": v for c, v in values.items()}}
            )
        for columns, params in groups.items():
            key = ("update", table.name, columns)
            many = self._statements.get(key)
            if many is None:
                stmt = (
                    update(table)
                    .where(table.c.id == bindparam("_id"))
                    .values(
                        {c: bindparam(f"_{c}") for c in columns}
                        | self._constants(table, columns, update=True)
                    )
                )
                names = ("_id", *(f"_{c}" for c in columns))
                many = self._statements[key] = _Many(stmt, names, self._dialect)
            many.run(self.session.connection(), params)

    def _among(self, column: Any, values: list) -> Any:
        """``column IN values`` with the values bound as **one** parameter: a JSON array read
        by ``json_each`` on SQLite, an array (``= ANY``) on PostgreSQL; a plain ``IN`` list on
        other databases. One statement whatever the number of values (no per-value rendering)."""
        name = self._dialect.name
        if name == "sqlite":
            each = func.json_each(literal(json.dumps(values), String)).table_valued("value")
            return column.in_(select(each.c.value).scalar_subquery())
        if name == "postgresql":
            return column == sql_any(literal(values, ARRAY(column.type)))
        return column.in_(values)

    def _select_in(
        self, table: Table, columns: list, column, values: Iterable
    ) -> list[dict[str, Any]]:
        found = []
        values = list(dict.fromkeys(v for v in values if v is not None))
        for part in _chunks(values):
            found += self._fetch(select(*columns).where(self._among(column, part)))
        return found

    def _fetch(self, query: Any) -> list[dict[str, Any]]:
        """The rows of *query* as dicts (plain tuples zipped with the names: no ORM)."""
        result = self.session.connection().execute(query)
        names = tuple(result.keys())
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def _select_by_site(
        self, table: Table, columns: list, column: Any, keys: Iterable[tuple]
    ) -> list[dict[str, Any]]:
        """The rows of *table* for *keys* (site id, *column*'s value): looked up through the
        table's unique (site, *column*) index. A key without a site looks on every site and
        none (one query per site-less part); else only the keys' sites are read."""
        found: list[dict[str, Any]] = []
        keys = list(keys)
        values = list(dict.fromkeys(key[1] for key in keys if key[1] is not None))
        if any(key[0] is None for key in keys):
            sites = sorted(set(self._sites.values()))
            where = [table.c.site_id.is_(None)]
        else:
            sites = sorted({key[0] for key in keys})
            where = []
        if sites:
            where.append(table.c.site_id.in_(sites))
        for part in _chunks(values):
            for site in where:
                found += self._fetch(select(*columns).where(site, self._among(column, part)))
        return found

    # -- customers --------------------------------------------------------------------------

    def _customer_key(self, row: ImportRow) -> tuple[int | None, str]:
        """(site id, DMS reference); the site is the customer's, else the vehicle's, the
        invoice's or the sale's, else the import's (None: any site, see write_customers)."""
        key = self._keys.get(row.number)
        if key is None:
            values = row.values
            code = next(
                (values[k] for k in _SITE_KEYS if values.get(k) not in (None, "")),
                None,
            )
            key = self._keys[row.number] = (
                self._site_id(code),
                str(values["customer.dms_ref"]).strip(),
            )
        return key

    def write_customers(self, rows: list[ImportRow]) -> dict[tuple[int | None, str], int]:
        """Upsert the customers the rows name (the later row wins); return key → id."""
        self._keys.clear()  # the rows' keys, kept while their batch is written
        # The owner's columns of a vehicles, invoices or sales file create a customer Cible
        # does not know yet; a known customer is changed by the customers file only.
        fill_only = self.kind is not FileKind.CUSTOMERS
        records: dict[tuple, dict[str, Any]] = {}
        named: dict[tuple, list[ImportRow]] = {}
        permissions: dict[tuple, list[IncomingPermission]] = {}
        with_permissions = bool(self._permission_channels) or self._basis
        for row in rows:
            key = self._customer_key(row)
            named.setdefault(key, []).append(row)
            if with_permissions:
                incoming = self._incoming(row)
                if incoming:
                    permissions[key] = incoming
        if not fill_only:
            for key, its_rows in named.items():
                records[key] = self._merged_values(its_rows)
        # Only the keys are read back for a fill-only file: its known customers stay as they are.
        # The name columns are read too: an update that changes a name recomputes the sort key.
        # (A fill-only file reads the keys alone: its records are new customers.)
        columns = sorted(
            {c for v in records.values() for c in v}
            | (set() if fill_only else DISPLAY_NAME_COLUMNS)
            | (set(DISPLAY_NAME_INPUTS) if self._compare_names else set())
        )
        wanted = [
            CUSTOMER.c.id,
            CUSTOMER.c.site_id,
            CUSTOMER.c.dms_ref,
            *(CUSTOMER.c[c] for c in columns),
        ]
        wanted += [CUSTOMER.c[f"optout_{ch.value}"] for ch in self._permission_channels]
        wanted += [CUSTOMER.c[f"optout_{ch.value}_date"] for ch in self._permission_channels]
        # A first import (the table was empty) looks up only the references it wrote itself.
        written = self._written.get("customer")
        maybe = [key for key in named if written is None or key[1] in written]
        existing = {
            (r["site_id"], r["dms_ref"]): r
            for r in self._select_by_site(CUSTOMER, wanted, CUSTOMER.c.dms_ref, maybe)
        }
        # No site known: the reference alone, when one customer of any site holds it.
        holders: dict[str, list[dict]] = {}
        for r in existing.values():
            holders.setdefault(r["dms_ref"], []).append(r)
        for key in named:
            if key[0] is None and key not in existing and len(holders.get(key[1], ())) == 1:
                existing[key] = holders[key[1]][0]
        # (An alias is a merged customer's reference: none while the table was empty.)
        missing = [k for k in named if k not in existing] if written is None else []
        if missing:
            aliases = self._select_by_site(
                ALIAS,
                [ALIAS.c.site_id, ALIAS.c.dms_ref, ALIAS.c.customer_id],
                ALIAS.c.dms_ref,
                missing,
            )
            survivors = {(a["site_id"], a["dms_ref"]): a["customer_id"] for a in aliases}
            wanted_ids = {survivors[k] for k in missing if k in survivors}
            if wanted_ids:
                by_id = {
                    r["id"]: r for r in self._select_in(CUSTOMER, wanted, CUSTOMER.c.id, wanted_ids)
                }
                for key in missing:
                    if key in survivors and survivors[key] in by_id:
                        existing[key] = by_id[survivors[key]]
        if self._compare_names:
            self._check_names(named, existing)
        if fill_only:  # the values of the new customers only
            records = {
                key: {} if key in existing else self._merged_values(its_rows)
                for key, its_rows in named.items()
            }
        for key, values in records.items():
            with_display_name(values, existing.get(key))
        if written is not None:
            written.update(ref for _site, ref in named)
        ids = self._upsert(
            CUSTOMER,
            "customer",
            records,
            existing,
            lambda key, values: {
                "site_id": key[0],
                "dms_ref": key[1],
                "country": values.get("country") or self.country,
            },
            fill_only=fill_only,
            lookup=self._customer_ids,
        )
        if self._compare_names:
            self._created.update(ids[k] for k, outcome in self.outcome.items() if outcome == "new")
        if permissions:
            self._apply_permissions(permissions, ids, existing)
        return ids

    def _check_names(self, named: dict[tuple, list[ImportRow]], existing: dict) -> None:
        """A warning for each row whose owner's name plainly differs from the name of the
        customer Cible holds under its (site, DMS reference): the row still imports."""
        report = self.report
        assert report is not None
        last, first, company = _NAME_KEYS
        created = self._created
        for key, its_rows in named.items():
            held = existing.get(key)
            if held is None or held["id"] in created:
                continue
            theirs = (held["last_name"], held["first_name"], held["company_name"])
            for row in its_rows:
                values = row.values
                get = values.get
                mine = (get(last), get(first), get(company))
                if mine == theirs or names_agree(mine, theirs):
                    continue
                in_file = _name(
                    {
                        "is_company": values.get("customer.is_company"),
                        "last_name": mine[0],
                        "first_name": mine[1],
                        "company_name": mine[2],
                    }
                )
                report.add(
                    Problem(
                        row.number,
                        self.name_column,
                        "customer.last_name",
                        in_file,
                        Reason(
                            NAME_MISMATCH,
                            (("cible", _name(held)), ("file", in_file), ("ref", key[1])),
                        ),
                        Severity.WARNING,
                    )
                )
                report.name_mismatches += 1
                if not row.warnings:
                    report.rows_with_warnings += 1

    def _customer_ids(self, keys: list[tuple[int | None, str]]) -> dict[tuple, int]:
        """The ids of the customers just written under *keys* (site id, DMS reference)."""
        wanted = set(keys)
        rows = self._select_by_site(
            CUSTOMER,
            [CUSTOMER.c.id, CUSTOMER.c.site_id, CUSTOMER.c.dms_ref],
            CUSTOMER.c.dms_ref,
            keys,
        )
        return {
            (r["site_id"], r["dms_ref"]): r["id"]
            for r in rows
            if (r["site_id"], r["dms_ref"]) in wanted
        }

    def _incoming(self, row: ImportRow) -> list[IncomingPermission]:
        incoming = []
        values = row.values
        basis = None
        if self._basis:
            word = values.get("customer.marketing_basis")
            if word == MarketingBasis.CONSENT:
                basis = BasisKind.CONSENT
            elif word == MarketingBasis.LEGITIMATE_INTEREST:
                basis = BasisKind.LEGITIMATE_INTEREST
        basis_date = values.get("customer.marketing_basis_date")
        for ch in _CHANNELS:
            flag = values.get(f"customer.optout_{ch.value}")
            day = values.get(f"customer.optout_{ch.value}_date")
            refused = bool(flag) or (flag is None and day is not None)
            if refused or basis is not None:
                incoming.append(
                    IncomingPermission(
                        ch,
                        refused=refused,
                        refusal_date=day if refused else None,
                        basis=basis,
                        basis_date=basis_date if basis is not None else None,
                    )
                )
        return incoming

    def _apply_permissions(self, permissions, ids, existing) -> None:
        outcome = self.outcome
        news = {
            key: incoming
            for key, incoming in permissions.items()
            if existing.get(key) is None
            or not all(self._nothing_new(item, existing[key]) for item in incoming)
        }
        # By customer id (two keys of a batch may name one customer: applied in turn).
        by_id: dict[int, list[IncomingPermission]] = {}
        for key, incoming in news.items():
            by_id.setdefault(ids[key], []).extend(incoming)
        suppressions = SuppressionBatch()
        recorded = apply_import_permissions_many(
            self.session, by_id, self.source, self.today, self.who, suppressions=suppressions
        )
        for key in news:
            if ids[key] in recorded and outcome.get(key) == "unchanged":
                # A refusal or basis recorded makes an unchanged customer an updated one.
                outcome[key] = "updated"
                self.count("customer", "unchanged", -1)
                self.count("customer", "updated")
        suppressions.write(self.session)
        self.session.flush()
        self.session.expunge_all()

    @staticmethod
    def _nothing_new(item: IncomingPermission, held: dict[str, Any]) -> bool:
        """The cache already says what the file says (no need to read the history)."""
        if item.basis is not None:
            return False
        if not item.refused:
            return True
        if not held.get(f"optout_{item.channel.value}"):
            return False
        stored = held.get(f"optout_{item.channel.value}_date")
        return item.refusal_date is None or (stored is not None and item.refusal_date <= stored)

    def finish(self) -> None:
        """After the last batch."""


class _CustomerWriter(_Writer):
    own = "customer"
    tables = (CUSTOMER,)

    def write(self, rows: list[ImportRow]) -> None:
        self.write_customers(rows)


class _VehicleWriter(_Writer):
    """Vehicles with their owner: the owner's columns upsert the customer, the vehicle follows
    its owner (change of owner)."""

    own = "vehicle"
    take_owner = True
    tables = (CUSTOMER, VEHICLE, OWNERSHIP)

    def write(self, rows: list[ImportRow]) -> None:
        for wave in _waves(rows):
            customers = self.write_customers(wave)
            self.write_vehicles(wave, customers)

    def _change_date(self, row: ImportRow) -> dt.date | None:
        values = row.values
        return values.get("vehicle.purchase_date") or values.get("vehicle.delivery_date")

    def write_vehicles(
        self, rows: list[ImportRow], customers: dict[tuple, int]
    ) -> dict[int, int | None]:
        """Upsert the rows' vehicles (by VIN, then plate); return row number → vehicle id."""
        vins = [r.values.get("vehicle.vin") for r in rows]
        plates = [r.values.get("vehicle.plate") for r in rows]
        columns = sorted(
            {c for c, _k, _n, _t in self._plans.get("vehicle", ())}
            | {twin for c, twin in FOLDS["vehicle"].items() if c in self.columns.get("vehicle", {})}
        )
        wanted = [VEHICLE.c.id, VEHICLE.c.owner_id, VEHICLE.c.site_id, VEHICLE.c.vin,
                  VEHICLE.c.plate, *(VEHICLE.c[c] for c in columns if c not in ("vin", "plate"))]  # fmt: skip
        written_vins = self._written.get("vehicle.vin")
        written_plates = self._written.get("vehicle.plate")
        if written_vins is not None:  # the table was empty: only what this import wrote
            vins = [v for v in vins if v in written_vins]
            written_vins.update(r.values.get("vehicle.vin") for r in rows)
        if written_plates is not None:
            plates = [p for p in plates if p in written_plates]
            written_plates.update(r.values.get("vehicle.plate") for r in rows)
        by_vin = {r["vin"]: r for r in self._select_in(VEHICLE, wanted, VEHICLE.c.vin, vins)}
        # By plate: the rows without a VIN, or whose VIN is not known yet.
        maybe = set(plates)
        plates = [
            r.values.get("vehicle.plate")
            for r in rows
            if r.values.get("vehicle.vin") not in by_vin and r.values.get("vehicle.plate") in maybe
        ]
        by_plate: dict[str, dict] = {}
        for r in self._select_in(VEHICLE, wanted, VEHICLE.c.plate, plates):
            by_plate.setdefault(r["plate"], r)
        found_rows = []
        for row in rows:
            vin, plate = row.values.get("vehicle.vin"), row.values.get("vehicle.plate")
            found = by_vin.get(vin) if vin else None
            if found is None and plate:
                candidate = by_plate.get(plate)
                if candidate is not None and (not vin or not candidate["vin"]):
                    found = candidate
            owner = customers[self._customer_key(row)]
            found_rows.append((row, found, owner))
        # The ownership history of the vehicles that arrive under another customer.
        history = self._history(
            [f["id"] for _r, f, o in found_rows if f is not None and f["owner_id"] not in (None, o)]
        )
        records: dict[Any, dict[str, Any]] = {}
        existing: dict[Any, dict[str, Any]] = {}
        owners: dict[Any, tuple[int, ImportRow]] = {}
        keys: dict[int, Any] = {}
        for row, found, owner in found_rows:
            vin, plate = row.values.get("vehicle.vin"), row.values.get("vehicle.plate")
            if found is not None:
                key: Any = ("id", found["id"])
            else:
                key = ("vin", vin) if vin else ("plate", plate)
            keys[row.number] = key
            if found is not None:
                existing[key] = found
                if self._stale(row, found, owner, history.get(found["id"], [])):
                    # An older row of the DMS (a former owner's): the vehicle stays as it is.
                    records.setdefault(key, {})
                    continue
            if found is not None and not self.update_vehicles:
                values = {}  # an invoice's or sale's vehicle Cible knows: left as it is
            else:
                values = self._values("vehicle", row)
            if "vehicle.site_code" in self.mapped and row.values.get("vehicle.site_code"):
                values["site_id"] = self._site_id(row.values["vehicle.site_code"])
            held = records.get(key)
            if held is None:
                records[key] = values
            else:
                held.update(values)
            owners[key] = (owner, row)
        ids = self._upsert(
            VEHICLE,
            "vehicle",
            records,
            existing,
            lambda key, values: {
                "owner_id": owners[key][0],
                "site_id": values.get("site_id", self._customer_key(owners[key][1])[0]),
            },
            lookup=self._vehicle_ids,
        )
        self._owners(ids, existing, owners, history)
        return {number: ids[key] for number, key in keys.items()}

    def _vehicle_ids(self, keys: list[tuple[str, str]]) -> dict[tuple, int]:
        """The ids of the vehicles just written under *keys* (``("vin", VIN)`` or, for a
        vehicle without a VIN, ``("plate", plate)``)."""
        ids: dict[tuple, int] = {}
        vins = [value for how, value in keys if how == "vin"]
        plates = [value for how, value in keys if how == "plate"]
        columns = [VEHICLE.c.id, VEHICLE.c.vin, VEHICLE.c.plate]
        for r in self._select_in(VEHICLE, columns, VEHICLE.c.vin, vins):
            ids[("vin", r["vin"])] = r["id"]
        for r in self._select_in(VEHICLE, columns, VEHICLE.c.plate, plates):
            if r["vin"] is None:
                ids.setdefault(("plate", r["plate"]), r["id"])
        return ids

    def _history(self, vehicle_ids: list[int]) -> dict[int, list[dict]]:
        history: dict[int, list[dict]] = {}
        columns = [OWNERSHIP.c.id, OWNERSHIP.c.vehicle_id, OWNERSHIP.c.customer_id,
                   OWNERSHIP.c.start_date, OWNERSHIP.c.end_date]  # fmt: skip
        for r in self._select_in(OWNERSHIP, columns, OWNERSHIP.c.vehicle_id, vehicle_ids):
            history.setdefault(r["vehicle_id"], []).append(r)
        return history

    def _stale(self, row: ImportRow, found: dict, owner: int, history: list[dict]) -> bool:
        """The row names a former owner of the vehicle and no date after the current owner's
        start: an older row, which neither takes the vehicle back nor changes it."""
        if not self.take_owner or found["owner_id"] in (None, owner):
            return False
        if not any(r["customer_id"] == owner and r["end_date"] is not None for r in history):
            return False
        start = max((r["start_date"] for r in history if r["end_date"] is None), default=None)
        wanted = self._change_date(row)
        return not (wanted and (start is None or wanted > start))

    update_vehicles = True

    def _owners(self, ids, existing, owners, history) -> None:
        """Open the ownership of new vehicles; apply the changes of owner."""
        opened = []
        moving = []
        for key, (owner, row) in owners.items():
            found = existing.get(key)
            if found is None:
                start = (
                    self._change_date(row)
                    or row.values.get("vehicle.first_registration")
                    or self.today
                )
                opened.append({"vehicle_id": ids[key], "customer_id": owner, "start_date": start})
            elif found["owner_id"] != owner and self.take_owner:
                moving.append((key, owner, row))
            elif found["owner_id"] is None:
                moving.append((key, owner, row))
        if opened:
            self._insert(OWNERSHIP, opened)
        if not moving:
            return
        people = {
            r["id"]: r
            for r in self._select_in(
                CUSTOMER,
                [CUSTOMER.c.id, CUSTOMER.c.dms_ref, CUSTOMER.c.last_name, CUSTOMER.c.first_name,
                 CUSTOMER.c.company_name, CUSTOMER.c.is_company],
                CUSTOMER.c.id,
                [o for _k, o, _r in moving] + [existing[k]["owner_id"] for k, _o, _r in moving],
            )
        }  # fmt: skip
        closed: list[tuple[int, dict[str, Any]]] = []
        started: list[dict[str, Any]] = []
        moved: list[tuple[int, dict[str, Any]]] = []
        for key, owner, row in moving:
            vehicle_id = ids[key]
            former = existing[key]["owner_id"]
            rows = history.get(vehicle_id, [])
            open_rows = [r for r in rows if r["end_date"] is None]
            current_start = max((r["start_date"] for r in open_rows), default=None)
            wanted = self._change_date(row)
            day = wanted or self.today
            if current_start is not None and day < current_start:
                day = current_start
            closed += [(r["id"], {"end_date": day}) for r in open_rows]
            started.append({"vehicle_id": vehicle_id, "customer_id": owner, "start_date": day})
            moved.append((vehicle_id, {"owner_id": owner}))
            if self.outcome.get(key) == "unchanged":
                self.outcome[key] = "updated"
                self.count("vehicle", "unchanged", -1)
                self.count("vehicle", "updated")
            if former is None:
                continue
            label = row.values.get("vehicle.vin") or row.values.get("vehicle.plate") or ""
            plate = row.values.get("vehicle.plate")
            if plate and plate != label:
                label = f"{plate} ({label})"
            self.changes.append(
                OwnerChange(
                    row=row.number,
                    vehicle=label,
                    former_ref=people.get(former, {}).get("dms_ref", ""),
                    former_name=_name(people.get(former)),
                    new_ref=people.get(owner, {}).get("dms_ref", ""),
                    new_name=_name(people.get(owner)),
                    date=day,
                )
            )
        # A vehicle appears once per wave (_waves): these touch distinct rows.
        self._update(OWNERSHIP, closed)
        self._insert(OWNERSHIP, started)
        self._update(VEHICLE, moved)


def _name(person: dict | None) -> str:
    if not person:
        return ""
    if person["is_company"] or not person["last_name"]:
        return person["company_name"] or person["last_name"] or ""
    return " ".join(p for p in (person["last_name"], person["first_name"]) if p)


def _waves(rows: list[ImportRow]) -> Iterator[list[ImportRow]]:
    """The rows in order, cut so that a vehicle appears once per wave (a change of owner within
    the file is then applied in the file's order)."""
    wave: list[ImportRow] = []
    seen: set = set()
    for row in rows:
        key = row.values.get("vehicle.vin") or ("plate", row.values.get("vehicle.plate"))
        if key in seen:
            yield wave
            wave, seen = [], set()
        seen.add(key)
        wave.append(row)
    if wave:
        yield wave


class _InvoiceWriter(_VehicleWriter):
    """Workshop invoice lines, the invoice's header repeated on each: the invoice by site and
    number, its lines by line number. The vehicle is found (or created with the customer as its
    owner) but an invoice does not change who owns it."""

    own = "invoice"
    take_owner = False
    update_vehicles = False
    tables = (CUSTOMER, VEHICLE, OWNERSHIP, INVOICE, LINE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Invoice key → lines seen in the file (their number when the file has none).
        self._positions: Counter = Counter()
        self._seen: set[int] = set()
        self._new: set[int] = set()
        self._changed: set[int] = set()
        self._lines_changed: set[int] = set()

    def write(self, rows: list[ImportRow]) -> None:
        customers = self.write_customers(rows)
        with_vehicle = [
            r for r in rows if r.values.get("vehicle.vin") or r.values.get("vehicle.plate")
        ]
        vehicles = self.write_vehicles(with_vehicle, customers) if with_vehicle else {}
        records: dict[tuple, dict[str, Any]] = {}
        #: Row → its invoice's key (site id, number), found once for the invoice and its line.
        invoice_keys: list[tuple[int | None, str]] = []
        for row in rows:
            got = row.values
            owner = self._customer_key(row)
            site = owner[0]
            if got.get("invoice.site_code"):
                site = self._site_id(got["invoice.site_code"])
            key = (site, str(got["invoice.number"]).strip())
            invoice_keys.append(key)
            values = self._values("invoice", row)
            values["customer_id"] = customers[owner]
            if row.number in vehicles:
                values["vehicle_id"] = vehicles[row.number]
            held = records.get(key)
            if held is None:
                records[key] = values
            else:
                held.update(values)
        written = self._written.get("workshop_invoice")
        numbers = [key for key in records if written is None or key[1] in written]
        columns = sorted({c for v in records.values() for c in v})
        wanted = [
            INVOICE.c.id,
            INVOICE.c.site_id,
            INVOICE.c.number,
            *(INVOICE.c[c] for c in columns),
        ]
        existing = {
            (r["site_id"], r["number"]): r
            for r in self._select_by_site(INVOICE, wanted, INVOICE.c.number, numbers)
        }
        if written is not None:
            written.update(number for _site, number in records)
        ids = self._upsert(
            INVOICE,
            "invoice_header",
            records,
            existing,
            lambda key, values: {"site_id": key[0], "number": key[1]},
            lookup=self._invoice_ids,
        )
        fresh: set[int] = set()  # invoices created by this batch: no lines to look up
        for key, outcome in self.outcome.items():
            self._seen.add(ids[key])
            if outcome == "new":
                self._new.add(ids[key])
                fresh.add(ids[key])
            elif outcome == "updated":
                self._changed.add(ids[key])
        # Lines.
        lines: dict[tuple[int, int], dict[str, Any]] = {}
        positions = self._positions
        for row, key in zip(rows, invoice_keys, strict=True):
            got = row.values
            positions[key] += 1
            number = got.get("line.line_number")
            if number is None:
                number = positions[key]
            values = self._values("line", row)
            if "invoice.line_category" in got:
                values["category"] = got["invoice.line_category"]
            lines[(ids[key], number)] = values
        wanted = [LINE.c.id, LINE.c.invoice_id, LINE.c.line_number,
                  *(LINE.c[c] for c in sorted({c for v in lines.values() for c in v}))]  # fmt: skip
        known = {
            (r["invoice_id"], r["line_number"]): r
            for r in self._select_in(
                LINE, wanted, LINE.c.invoice_id, [k[0] for k in lines if k[0] not in fresh]
            )
        }
        self._upsert(
            LINE,
            "line",
            lines,
            known,
            lambda key, values: {
                "invoice_id": key[0],
                "line_number": key[1],
                "category": values.get("category") or InvoiceLineCategory.OTHER_SERVICES,
                "amount_cents": 0,
                "discount_cents": 0,
            },
        )
        for key, outcome in self.outcome.items():
            if outcome != "unchanged":
                self._lines_changed.add(key[0])

    def _invoice_ids(self, keys: list[tuple[int | None, str]]) -> dict[tuple, int]:
        wanted = set(keys)
        rows = self._select_by_site(
            INVOICE,
            [INVOICE.c.id, INVOICE.c.site_id, INVOICE.c.number],
            INVOICE.c.number,
            keys,
        )
        return {
            (r["site_id"], r["number"]): r["id"]
            for r in rows
            if (r["site_id"], r["number"]) in wanted
        }

    def finish(self) -> None:
        totals = {}
        if "invoice.amount" not in self.mapped:
            totals["total_cents"] = LINE.c.amount_cents
        if "invoice.discount" not in self.mapped:
            totals["discount_cents"] = LINE.c.discount_cents
        if totals and self._lines_changed:
            stmt = update(INVOICE).where(INVOICE.c.id.in_(bindparam("ids", expanding=True)))
            stmt = stmt.values(
                {
                    name: select(func.coalesce(func.sum(column), 0))
                    .where(LINE.c.invoice_id == INVOICE.c.id)
                    .scalar_subquery()
                    for name, column in totals.items()
                }
            )
            for part in _chunks(sorted(self._lines_changed)):
                self.session.execute(stmt, {"ids": part})
        changed = (self._changed | self._lines_changed) - self._new
        self.counts["invoice"] = Counter(
            {
                "new": len(self._new),
                "updated": len(changed),
                "unchanged": len(self._seen - self._new - changed),
            }
        )


class _SaleWriter(_VehicleWriter):
    """Vehicle sales: by site and order number (by vehicle and customer without one); the sold
    vehicle goes to its buyer (a change of owner on the delivery date)."""

    own = "sale"
    tables = (CUSTOMER, VEHICLE, OWNERSHIP, SALE)

    def _change_date(self, row: ImportRow) -> dt.date | None:
        values = row.values
        return values.get("sale.delivery_date") or values.get("sale.order_date")

    def write(self, rows: list[ImportRow]) -> None:
        for wave in _waves(rows):
            customers = self.write_customers(wave)
            vehicles = self.write_vehicles(wave, customers)
            self._sales(wave, customers, vehicles)

    def _sales(self, rows, customers, vehicles) -> None:
        records: dict[tuple, dict[str, Any]] = {}
        for row in rows:
            customer = customers[self._customer_key(row)]
            vehicle = vehicles[row.number]
            site = self._customer_key(row)[0]
            if row.values.get("sale.site_code"):
                site = self._site_id(row.values["sale.site_code"])
            order = row.values.get("sale.order_number")
            key = (site, str(order).strip()) if order else (site, None, vehicle, customer)
            values = self._values("sale", row)
            values.update(customer_id=customer, vehicle_id=vehicle)
            held = records.get(key)
            if held is None:
                records[key] = values
            else:
                held.update(values)
        columns = sorted({c for v in records.values() for c in v})
        wanted = [SALE.c.id, SALE.c.site_id, SALE.c.order_number, *(SALE.c[c] for c in columns
                  if c not in ("order_number",))]  # fmt: skip
        existing: dict[tuple, dict] = {}
        numbers = [k for k in records if k[1] is not None]
        for r in self._select_by_site(SALE, wanted, SALE.c.order_number, numbers):
            existing[(r["site_id"], r["order_number"])] = r
        if any(k[1] is None for k in records):
            vehicle_ids = [k[2] for k in records if k[1] is None]
            for r in self._select_in(SALE, wanted, SALE.c.vehicle_id, vehicle_ids):
                if r["order_number"] is None:
                    existing[(r["site_id"], None, r["vehicle_id"], r["customer_id"])] = r
        self._upsert(
            SALE,
            "sale",
            records,
            existing,
            lambda key, values: {
                "site_id": key[0],
                "kind": values.get("kind") or SaleKind.NEW,
                "price_cents": values.get("price_cents") or 0,
            },
        )


_WRITERS: dict[FileKind, type[_Writer]] = {
    FileKind.CUSTOMERS: _CustomerWriter,
    FileKind.VEHICLES: _VehicleWriter,
    FileKind.INVOICES: _InvoiceWriter,
    FileKind.SALES: _SaleWriter,
}
