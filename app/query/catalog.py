"""The field catalog: every field a target can display, filter on, sort by, export or merge.

This is the one declarative list of fields in Cible. The criteria tree, the column picker, the
sort panel, the exports and the merge fields all read it; nothing lists fields a second time.

Each :class:`Field` has a stable ``key`` (used in target files and on the command line), French
and English labels in the users' words, its ``group`` in the tree, a ``type``, the ``entity`` it
belongs to (customer, vehicle, workshop invoice, sale, contact) and ``compute``: how its value is
read, as a SQLAlchemy Core expression built from the query's tables (a column, or a correlated
aggregate subquery). No Qt here.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    case,
    cast,
    extract,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType

from app.errors import TargetError
from app.i18n import _
from app.models.activity import ContactHistory, InvoiceLine, Setting, VehicleSale, WorkshopInvoice
from app.models.dealership import Customer, Site, Vehicle
from app.models.enums import (
    ContactChannel,
    FinancingType,
    InvoiceLineCategory,
    InvoiceType,
    MarketingBasis,
    PreferredChannel,
    RelationshipStatus,
    SaleKind,
    VehicleCategory,
    VehicleStatus,
)

CUSTOMER = Customer.__table__
VEHICLE = Vehicle.__table__
INVOICE = WorkshopInvoice.__table__
LINE = InvoiceLine.__table__
SALE = VehicleSale.__table__
CONTACT = ContactHistory.__table__
SITE = Site.__table__
SETTING = Setting.__table__

#: Settings (``setting`` table, JSON integers) of the relationship status, with their defaults:
#: active while the last customer invoice is at most T1 months old, "to reactivate" up to T2,
#: "to win back" beyond.
RELATIONSHIP_SETTINGS: dict[str, int] = {
    "relationship.active_months": 12,
    "relationship.reactivate_months": 24,
}


def current_language(lang: str | None = None) -> str:
    """``lang`` if given, else the application's language (``app.i18n``), else French."""
    if lang:
        return "fr" if lang.lower().startswith("fr") else "en"
    try:
        from app.i18n import language  # written by the foundation engineer
    except ImportError:  # pragma: no cover - before app.i18n exists
        return "fr"
    try:
        return "fr" if str(language()).lower().startswith("fr") else "en"
    except Exception:  # pragma: no cover - defensive: labels must never crash
        return "fr"


class FieldType(enum.StrEnum):
    TEXT = "text"
    ENUM = "enum"  # shown as checkboxes
    DATE = "date"
    NUMBER = "number"
    BOOLEAN = "boolean"


class Entity(enum.StrEnum):
    """What a field describes; decides how a condition on it is read (see engine)."""

    CUSTOMER = "customer"
    VEHICLE = "vehicle"
    INVOICE = "invoice"  # "has at least one workshop invoice with ..."
    SALE = "sale"  # "the sale of this vehicle to this customer has ..."
    CONTACT = "contact"  # "has at least one contact with ..."


ENTITY_LABELS: dict[Entity, tuple[str, str]] = {
    Entity.CUSTOMER: ("Client", "Customer"),
    Entity.VEHICLE: ("Véhicule", "Vehicle"),
    Entity.INVOICE: ("Facture atelier", "Workshop invoice"),
    Entity.SALE: ("Vente", "Sale"),
    Entity.CONTACT: ("Contact", "Contact"),
}


def entity_label(entity: Entity, lang: str | None = None) -> str:
    fr, en = ENTITY_LABELS[entity]
    return fr if current_language(lang) == "fr" else en


@dataclass(frozen=True)
class Group:
    """A branch of the field tree."""

    key: str
    fr: str
    en: str

    def label(self, lang: str | None = None) -> str:
        return self.fr if current_language(lang) == "fr" else self.en


@dataclass(frozen=True)
class EnumValue:
    """One checkbox of an enum field: the stored value and its labels."""

    value: Any
    fr: str
    en: str

    def label(self, lang: str | None = None) -> str:
        return self.fr if current_language(lang) == "fr" else self.en


class Sources:
    """The tables a field's ``compute`` reads from, as placed in one query.

    ``vehicle`` may be a *null vehicle* (every column is SQL NULL): that is how a customer
    without a vehicle is evaluated. ``invoice``, ``line``, ``sale`` and ``contact`` are set
    inside the "has at least one" subqueries; outside them the engine uses the latest one.
    """

    def __init__(
        self,
        customer: Any,
        vehicle: Any,
        today: dt.date,
        *,
        invoice: Any = None,
        line: Any = None,
        sale: Any = None,
        contact: Any = None,
    ) -> None:
        self.customer = customer
        self.vehicle = vehicle
        self.today = today
        self.invoice = invoice
        self.line = line
        self.sale = sale
        self.contact = contact

    def replace(self, **changes: Any) -> Sources:
        values = dict(
            customer=self.customer,
            vehicle=self.vehicle,
            today=self.today,
            invoice=self.invoice,
            line=self.line,
            sale=self.sale,
            contact=self.contact,
        )
        values.update(changes)
        today = values.pop("today")
        customer = values.pop("customer")
        vehicle = values.pop("vehicle")
        return Sources(customer, vehicle, today, **values)


def _null_column() -> ColumnElement:
    # Not a bare null(): ``column == null()`` compiles to ``IS NULL`` and would match the rows
    # whose column is empty (a missing vehicle would "own" every invoice without a vehicle).
    # Wrapped, it compiles to ``= NULL``, which matches nothing, as a real NULL column does.
    return type_coerce(null(), NullType())


class _NullColumns:
    def __getattr__(self, name: str) -> ColumnElement:
        return _null_column()

    def __getitem__(self, name: str) -> ColumnElement:
        return _null_column()


class NullVehicle:
    """Stands for "no vehicle": every column reads as NULL."""

    c = _NullColumns()


Compute = Callable[[Sources], ColumnElement]


@dataclass(frozen=True)
class Field:
    """One field of the catalog."""

    key: str
    group: str
    type: FieldType
    fr: str
    en: str
    entity: Entity
    compute: Compute = field(repr=False, compare=False)
    #: Folded (upper case, no accents) expression for "like" and "=" on text, if stored.
    fold: Compute | None = field(default=None, repr=False, compare=False)
    #: What a sort on the field orders by, when not its fold or its value: the names sort
    #: by the customer's stored display name, so companies come among persons.
    sort: Compute | None = field(default=None, repr=False, compare=False)
    #: Fixed values of an enum or boolean field, in display order.
    fixed_values: tuple[EnumValue, ...] = ()
    #: Enum values are the distinct values found in the database (brand, model...).
    values_from_db: bool = False
    #: Stored in cents, shown and typed in euros.
    money: bool = False
    #: An aggregate over invoices/vehicles/sales/contacts (a value per row, not "has one").
    aggregate: bool = False
    #: A DATE field read from a timestamp column (the date part counts).
    timestamp: bool = False
    #: Number computed from a date and today: ``years_since`` or ``months_until`` the date in
    #: ``compute``; criteria are turned into date bounds so indexes still work.
    derived: str | None = None
    #: Can be shown as a column (some "has at least one" fields can only filter).
    displayable: bool = True
    #: Codes and numbers written without accents (postal code, phones, plate, VIN...): a %
    #: search only needs ``upper()``, not the accent fold, so it stays plain SQL.
    codes: bool = False
    #: A date by which something is to be done (next service, CT): a letter printing it
    #: already past is flagged before the merge writes anything.
    due: bool = False
    #: More names a letter's merge field may use for this field (``Site - Nom``).
    aliases: tuple[str, ...] = ()

    def label(self, lang: str | None = None) -> str:
        return self.fr if current_language(lang) == "fr" else self.en

    @property
    def enum_values(self) -> tuple[EnumValue, ...]:
        """Fixed checkbox values (for fields read from the database, see :func:`enum_choices`)."""
        if self.type is FieldType.BOOLEAN and not self.fixed_values:
            return BOOL_VALUES
        return self.fixed_values

    def value_label(self, value: Any, lang: str | None = None) -> str:
        """How a stored value is shown to users (enum and boolean labels; other values as text)."""
        if value is None:
            return ""
        for choice in self.enum_values:
            if choice.value == value:
                return choice.label(lang)
        return str(value)

    def format_value(self, value: Any, lang: str | None = None) -> str:
        """A row value as text for grids, CSV and letters: DD/MM/YYYY, Oui/Non, enum labels,
        amounts with two decimals (``1 234,50`` in French)."""
        if value is None:
            return ""
        from app import i18n

        if self.type is FieldType.DATE:
            return i18n.format_date(value.date() if isinstance(value, dt.datetime) else value, lang)
        if self.type in (FieldType.BOOLEAN, FieldType.ENUM):
            return self.value_label(value, lang)
        if self.type is FieldType.NUMBER:
            if self.money:
                return i18n.format_number(float(value), 2, current_language(lang)).replace(
                    "\u202f", ""
                )
            if isinstance(value, float):
                text = f"{value:g}"
                return text.replace(".", ",") if current_language(lang) == "fr" else text
            return str(value)
        return str(value)

    def group_label(self, lang: str | None = None) -> str:
        return GROUPS_BY_KEY[self.group].label(lang)

    def entity_label(self, lang: str | None = None) -> str:
        return entity_label(self.entity, lang)


BOOL_VALUES = (EnumValue(False, "Non", "No"), EnumValue(True, "Oui", "Yes"))


def _enum(enum_cls: type[enum.Enum], labels: dict[Any, tuple[str, str]]) -> tuple[EnumValue, ...]:
    return tuple(EnumValue(m.value, *labels[m]) for m in enum_cls)


VEHICLE_STATUS_VALUES = _enum(
    VehicleStatus,
    {
        VehicleStatus.IN_USE: ("En circulation", "In use"),
        VehicleStatus.SOLD: ("Vendu", "Sold"),
        VehicleStatus.SCRAPPED: ("Détruit", "Scrapped"),
        VehicleStatus.STOLEN: ("Volé", "Stolen"),
        VehicleStatus.UNKNOWN_ADDRESS: ("Adresse inconnue", "Unknown address"),
    },
)
MARKETING_BASIS_VALUES = _enum(
    MarketingBasis,
    {
        MarketingBasis.CONSENT: ("Consentement", "Consent"),
        MarketingBasis.LEGITIMATE_INTEREST: ("Intérêt légitime", "Legitimate interest"),
        MarketingBasis.NONE: ("Aucune", "None"),
    },
)
PREFERRED_CHANNEL_VALUES = _enum(
    PreferredChannel,
    {
        PreferredChannel.POST: ("Courrier", "Post"),
        PreferredChannel.PHONE: ("Téléphone", "Phone"),
        PreferredChannel.SMS: ("SMS", "SMS"),
        PreferredChannel.EMAIL: ("E-mail", "E-mail"),
    },
)
CATEGORY_VALUES = _enum(
    VehicleCategory,
    {
        VehicleCategory.PASSENGER: ("VP (véhicule particulier)", "Passenger car (VP)"),
        VehicleCategory.COMMERCIAL: ("VU (véhicule utilitaire)", "Commercial vehicle (VU)"),
    },
)
SALE_KIND_VALUES = _enum(
    SaleKind,
    {SaleKind.NEW: ("VN (neuf)", "New (VN)"), SaleKind.USED: ("VO (occasion)", "Used (VO)")},
)
FINANCING_VALUES = _enum(
    FinancingType,
    {
        FinancingType.CASH: ("Comptant", "Cash"),
        FinancingType.LOAN: ("Financement régulier", "Regular loan"),
        FinancingType.SPECIALISED_CREDIT: ("Crédit spécialisé", "Specialised credit"),
        FinancingType.LEASE: ("Location (LOA / LLD)", "Lease"),
    },
)
LINE_CATEGORY_VALUES = _enum(
    InvoiceLineCategory,
    {
        InvoiceLineCategory.LABOUR: ("Main d’œuvre", "Labour"),
        InvoiceLineCategory.PARTS: ("Pièces", "Parts"),
        InvoiceLineCategory.TYRES: ("Pneumatiques", "Tyres"),
        InvoiceLineCategory.WHEELS: ("Jantes", "Wheels"),
        InvoiceLineCategory.BODYWORK: ("Carrosserie et peinture (K+L)", "Bodywork and paint"),
        InvoiceLineCategory.ACCESSORIES: ("Accessoires", "Accessories"),
        InvoiceLineCategory.INSURANCE: ("Assurance", "Insurance"),
        InvoiceLineCategory.OTHER_SERVICES: ("Autres prestations", "Other services"),
    },
)
INVOICE_TYPE_VALUES = _enum(
    InvoiceType,
    {
        InvoiceType.CUSTOMER: ("Client", "Customer"),
        InvoiceType.WARRANTY: ("Garantie", "Warranty"),
        InvoiceType.INTERNAL: ("Interne", "Internal"),
    },
)
RELATIONSHIP_VALUES = _enum(
    RelationshipStatus,
    {
        RelationshipStatus.ACTIVE: ("Actif", "Active"),
        RelationshipStatus.REACTIVATE: ("À réactiver", "To reactivate"),
        RelationshipStatus.WIN_BACK: ("À reconquérir", "To win back"),
    },
)
CONTACT_CHANNEL_VALUES = _enum(
    ContactChannel,
    {
        ContactChannel.POST: ("Courrier", "Post"),
        ContactChannel.SMS: ("SMS", "SMS"),
        ContactChannel.EMAIL: ("E-mail", "E-mail"),
        ContactChannel.PHONE: ("Téléphone", "Phone"),
        ContactChannel.VISIT: ("Visite", "Visit"),
    },
)


GROUPS: tuple[Group, ...] = (
    Group("customer", "Client", "Customer"),
    Group("account", "Compte", "Account"),
    Group("last_invoicing", "Dernière facturation", "Last invoicing"),
    Group("addresses", "Adresses – Téléphones", "Addresses – Phones"),
    Group("permissions", "Permissions (CNIL)", "Permissions (CNIL)"),
    Group("extra", "Info. complémentaires", "Additional information"),
    Group("vehicle", "Véhicule", "Vehicle"),
    Group("maintenance", "Entretien – CT – Garanties", "Service – Inspection – Warranties"),
    Group("sale", "Vente & financement", "Sale & financing"),
    Group("workshop", "Factures atelier", "Workshop invoices"),
    Group("contacts", "Contacts", "Contacts"),
    # last: what the customer's site's letters print about it (File › Sites…), seldom a criterion
    Group("site", "Coordonnées du site", "Site details"),
)
GROUPS_BY_KEY: dict[str, Group] = {g.key: g for g in GROUPS}


# --- how values are computed -------------------------------------------------------------


def _col(name: str) -> Compute:
    return lambda s: s.customer.c[name]


def _display_name(c: Any) -> ColumnElement:
    """A customer's name as lists show it: what :func:`app.models.dealership.display_name`
    gives, in SQL (the stored ``display_name_fold`` is its folded form, for sorts and searches)."""
    return case(
        (
            or_(c.c.is_company, c.c.last_name.is_(None), c.c.last_name == ""),
            func.coalesce(c.c.company_name, c.c.last_name, c.c.first_name),
        ),
        (c.c.first_name.is_(None), c.c.last_name),
        else_=c.c.last_name + " " + c.c.first_name,
    )


def _vcol(name: str) -> Compute:
    return lambda s: s.vehicle.c[name]


def _months_ago(today: dt.date, months: int) -> dt.date:
    from app.query.criteria import add_months

    return add_months(today, -months)


def _customer_last_invoice(column: str) -> Compute:
    def compute(s: Sources) -> ColumnElement:
        inv = INVOICE.alias()
        if column == "date":
            return (
                select(func.max(inv.c.date))
                .where(inv.c.customer_id == s.customer.c.id)
                .correlate_except(inv)
                .scalar_subquery()
            )
        # amount of the latest invoice (highest id among the latest date)
        return (
            select(inv.c.total_cents)
            .where(inv.c.customer_id == s.customer.c.id)
            .order_by(inv.c.date.desc(), inv.c.id.desc())
            .limit(1)
            .correlate_except(inv)
            .scalar_subquery()
        )

    return compute


def _vehicle_last_invoice(column: str) -> Compute:
    def compute(s: Sources) -> ColumnElement:
        inv = INVOICE.alias()
        if column == "date":
            return (
                select(func.max(inv.c.date))
                .where(inv.c.vehicle_id == s.vehicle.c.id)
                .correlate_except(inv)
                .scalar_subquery()
            )
        return (
            select(inv.c.total_cents)
            .where(inv.c.vehicle_id == s.vehicle.c.id)
            .order_by(inv.c.date.desc(), inv.c.id.desc())
            .limit(1)
            .correlate_except(inv)
            .scalar_subquery()
        )

    return compute


def _visits(per: str, months: int) -> Compute:
    def compute(s: Sources) -> ColumnElement:
        inv = INVOICE.alias()
        owner = (
            inv.c.customer_id == s.customer.c.id
            if per == "customer"
            else (inv.c.vehicle_id == s.vehicle.c.id)
        )
        since = _months_ago(s.today, months)
        return (
            select(func.count())
            .select_from(inv)
            .where(owner, inv.c.date >= since, inv.c.date <= s.today)
            .correlate_except(inv)
            .scalar_subquery()
        )

    return compute


def _setting_months(key: str) -> ColumnElement:
    """A whole number of months read from the ``setting`` table, or its default."""
    value = select(SETTING.c.value).where(SETTING.c.key == key).scalar_subquery()
    return func.coalesce(cast(value, Integer), literal(RELATIONSHIP_SETTINGS[key]))


def _relationship_status(s: Sources) -> ColumnElement:
    """Active / to reactivate / to win back from the last *customer* invoice (warranty and
    internal invoices are not a visit); empty without one. With m = months started since that
    invoice (the invoice at most T1 months ago ⇔ m < T1), portable SQL (``extract`` works on
    SQLite and PostgreSQL) so T1 and T2 are read from the settings by the query itself."""
    inv = INVOICE.alias()
    last = (
        select(func.max(inv.c.date))
        .where(
            inv.c.customer_id == s.customer.c.id,
            inv.c.invoice_type == InvoiceType.CUSTOMER.value,
        )
        .correlate_except(inv)
        .scalar_subquery()
    )
    today = s.today
    started = (
        (today.year - extract("year", last)) * 12
        + (today.month - extract("month", last))
        - case((extract("day", last) >= today.day, 1), else_=0)
    )
    t1 = _setting_months("relationship.active_months")
    t2 = _setting_months("relationship.reactivate_months")
    return case(
        (last.is_(None), null()),
        (started < t1, RelationshipStatus.ACTIVE.value),
        (started < t2, RelationshipStatus.REACTIVATE.value),
        else_=RelationshipStatus.WIN_BACK.value,
    )


def _vehicle_count(s: Sources) -> ColumnElement:
    v = VEHICLE.alias()
    return (
        select(func.count())
        .select_from(v)
        .where(v.c.owner_id == s.customer.c.id, v.c.status == VehicleStatus.IN_USE.value)
        .correlate_except(v)
        .scalar_subquery()
    )


def _vehicles_bought(s: Sources) -> ColumnElement:
    sale = SALE.alias()
    return (
        select(func.count())
        .select_from(sale)
        .where(sale.c.customer_id == s.customer.c.id)
        .correlate_except(sale)
        .scalar_subquery()
    )


def _last_contact(s: Sources) -> ColumnElement:
    ch = CONTACT.alias()
    return (
        select(func.max(ch.c.contacted_at))
        .where(ch.c.customer_id == s.customer.c.id)
        .correlate_except(ch)
        .scalar_subquery()
    )


def _site_name(column: str, entity: str) -> Compute:
    """A column of the customer's (or the vehicle's) site."""

    def compute(s: Sources) -> ColumnElement:
        site = SITE.alias()
        owner = s.customer if entity == "customer" else s.vehicle
        return (
            select(site.c[column])
            .where(site.c.id == owner.c.site_id)
            .correlate_except(site)
            .scalar_subquery()
        )

    return compute


def _optout_phone(s: Sources) -> ColumnElement:
    c = s.customer.c
    return or_(c.optout_phone_home, c.optout_phone_work, c.optout_phone_mobile)


def _sale_col(name: str) -> Compute:
    """Inside a "has a sale" subquery: the sale's column; elsewhere: the latest sale's."""

    def compute(s: Sources) -> ColumnElement:
        if s.sale is not None:
            return s.sale.c[name]
        sale = SALE.alias()
        return (
            select(sale.c[name])
            .where(sale.c.vehicle_id == s.vehicle.c.id, sale.c.customer_id == s.customer.c.id)
            .order_by(sale.c.delivery_date.desc(), sale.c.id.desc())
            .limit(1)
            .correlate_except(sale)
            .scalar_subquery()
        )

    return compute


def _invoice_col(name: str) -> Compute:
    def compute(s: Sources) -> ColumnElement:
        if s.invoice is not None:
            return s.invoice.c[name]
        inv = INVOICE.alias()
        return (
            select(inv.c[name])
            .where(inv.c.customer_id == s.customer.c.id)
            .order_by(inv.c.date.desc(), inv.c.id.desc())
            .limit(1)
            .correlate_except(inv)
            .scalar_subquery()
        )

    return compute


def _line_category(s: Sources) -> ColumnElement:
    if s.line is not None:
        return s.line.c.category
    return null()


def _contact_col(name: str) -> Compute:
    def compute(s: Sources) -> ColumnElement:
        if s.contact is not None:
            return s.contact.c[name]
        ch = CONTACT.alias()
        return (
            select(ch.c[name])
            .where(ch.c.customer_id == s.customer.c.id)
            .order_by(ch.c.contacted_at.desc(), ch.c.id.desc())
            .limit(1)
            .correlate_except(ch)
            .scalar_subquery()
        )

    return compute


T, E, D, N, B = FieldType.TEXT, FieldType.ENUM, FieldType.DATE, FieldType.NUMBER, FieldType.BOOLEAN
C, V, INV, SAL, CON = Entity.CUSTOMER, Entity.VEHICLE, Entity.INVOICE, Entity.SALE, Entity.CONTACT


def _f(
    key: str,
    group: str,
    type_: FieldType,
    fr: str,
    en: str,
    entity: Entity,
    compute: Compute,
    **kw: Any,
) -> Field:
    return Field(
        key=key, group=group, type=type_, fr=fr, en=en, entity=entity, compute=compute, **kw
    )


def _cf(name: str) -> Compute:
    return lambda s: s.customer.c[f"{name}_fold"]


def _vf(name: str) -> Compute:
    return lambda s: s.vehicle.c[f"{name}_fold"]


_FIELD_LIST: tuple[Field, ...] = (
    # Client
    _f("customer.id", "customer", N, "N° client (interne)", "Customer id", C, _col("id")),
    _f(
        "customer.civility",
        "customer",
        E,
        "Civilité",
        "Civility",
        C,
        _col("civility"),
        values_from_db=True,
    ),
    _f(
        "customer.last_name",
        "customer",
        T,
        "Nom",
        "Last name",
        C,
        _col("last_name"),
        fold=_cf("last_name"),
        sort=_cf("display_name"),
    ),
    _f(
        "customer.first_name",
        "customer",
        T,
        "Prénom",
        "First name",
        C,
        _col("first_name"),
        fold=_cf("first_name"),
    ),
    _f(
        "customer.company",
        "customer",
        T,
        "Raison sociale",
        "Company name",
        C,
        _col("company_name"),
        fold=_cf("company_name"),
    ),
    _f(
        "customer.display_name",
        "customer",
        T,
        "Nom ou raison sociale",
        "Name or company name",
        C,
        lambda s: _display_name(s.customer),
        fold=_cf("display_name"),
    ),
    _f("customer.is_company", "customer", B, "Client société (personne morale)", "Company customer (legal entity)", C, _col("is_company")),
    _f(
        "customer.is_fleet",
        "customer",
        B,
        "Loueur / flotte (ARVAL, DIAC...)",
        "Leasing or fleet company",
        C,
        _col("is_fleet"),
    ),
    _f(
        "customer.birth_date",
        "customer",
        D,
        "Date de naissance",
        "Birth date",
        C,
        _col("birth_date"),
    ),
    _f(
        "customer.vehicle_count",
        "customer",
        N,
        "Nombre de véhicules possédés",
        "Vehicles owned",
        C,
        _vehicle_count,
        aggregate=True,
    ),
    # Compte
    _f(
        "customer.dms_ref",
        "account",
        T,
        "Code client",
        "Customer number",
        C,
        _col("dms_ref"),
        codes=True,
    ),
    _f(
        "customer.site",
        "account",
        E,
        "Site du client",
        "Customer's site",
        C,
        _site_name("name", "customer"),
        values_from_db=True,
        aliases=("Site - Nom", "Site - Name"),
    ),
    # Coordonnées du site: what the customer's site's letters print about it (File › Sites…)
    *(
        _f(f"customer.site_{column}", "site", T, f"Site - {fr}", f"Site - {en}", C,
           _site_name(column, "customer"), codes=codes)
        for column, fr, en, codes in (
            ("address", "Adresse", "Address", False),
            ("postal_code", "Code postal", "Postal code", True),
            ("city", "Ville", "City", False),
            ("phone", "Téléphone", "Phone", True),
            ("email", "E-mail", "E-mail", True),
            ("website", "Site web", "Website", True),
            ("booking_url", "Lien de réservation", "Booking link", True),
        )
    ),
    _f(
        "customer.created_at",
        "account",
        D,
        "Date de création du client",
        "Customer created on",
        C,
        _col("created_at"),
        timestamp=True,
    ),
    _f(
        "customer.language",
        "account",
        E,
        "Langue",
        "Language",
        C,
        _col("language"),
        values_from_db=True,
    ),
    _f(
        "customer.preferred_channel",
        "account",
        E,
        "Canal préféré",
        "Preferred channel",
        C,
        _col("preferred_channel"),
        fixed_values=PREFERRED_CHANNEL_VALUES,
    ),
    # Dernière facturation
    _f(
        "customer.last_invoice_date",
        "last_invoicing",
        D,
        "Date dernière facture (client)",
        "Last invoice date (customer)",
        C,
        _customer_last_invoice("date"),
        aggregate=True,
    ),
    _f(
        "customer.relationship_status",
        "last_invoicing",
        E,
        "Statut de la relation (actif, à réactiver, à reconquérir)",
        "Relationship status (active, to reactivate, to win back)",
        C,
        _relationship_status,
        aggregate=True,
        fixed_values=RELATIONSHIP_VALUES,
    ),
    _f(
        "customer.last_invoice_amount",
        "last_invoicing",
        N,
        "Montant dernière facture (client)",
        "Last invoice amount (customer)",
        C,
        _customer_last_invoice("amount"),
        aggregate=True,
        money=True,
    ),
    _f(
        "customer.visits_12m",
        "last_invoicing",
        N,
        "Passages atelier sur 12 mois",
        "Workshop visits in the last 12 months",
        C,
        _visits("customer", 12),
        aggregate=True,
    ),
    _f(
        "customer.visits_24m",
        "last_invoicing",
        N,
        "Passages atelier sur 24 mois",
        "Workshop visits in the last 24 months",
        C,
        _visits("customer", 24),
        aggregate=True,
    ),
    # Adresses - Téléphones
    _f(
        "customer.address",
        "addresses",
        T,
        "Adresse",
        "Address",
        C,
        _col("address1"),
        fold=_cf("address1"),
    ),
    _f(
        "customer.address2",
        "addresses",
        T,
        "Adresse (suite)",
        "Address (line 2)",
        C,
        _col("address2"),
    ),
    _f(
        "customer.address3",
        "addresses",
        T,
        "Adresse (suite 2)",
        "Address (line 3)",
        C,
        _col("address3"),
    ),
    _f(
        "customer.postal_code",
        "addresses",
        T,
        "Code postal",
        "Postal code",
        C,
        _col("postal_code"),
        codes=True,
    ),
    _f("customer.city", "addresses", T, "Ville", "City", C, _col("city"), fold=_cf("city")),
    _f(
        "customer.country",
        "addresses",
        E,
        "Pays",
        "Country",
        C,
        _col("country"),
        values_from_db=True,
    ),
    _f(
        "customer.phone_home",
        "addresses",
        T,
        "Tél. personnel",
        "Home phone",
        C,
        _col("phone_home"),
        codes=True,
    ),
    _f(
        "customer.phone_mobile",
        "addresses",
        T,
        "Tél. portable",
        "Mobile phone",
        C,
        _col("phone_mobile"),
        codes=True,
    ),
    _f(
        "customer.phone_work",
        "addresses",
        T,
        "Tél. professionnel",
        "Work phone",
        C,
        _col("phone_work"),
        codes=True,
    ),
    _f("customer.fax", "addresses", T, "Fax", "Fax", C, _col("fax"), codes=True),
    _f("customer.email", "addresses", T, "E-mail", "E-mail", C, _col("email"), codes=True),
    # Permissions (CNIL)
    _f(
        "customer.optout_post",
        "permissions",
        B,
        "CNIL - Refus contact par courrier",
        "CNIL - Refuses contact by post",
        C,
        _col("optout_post"),
    ),
    _f(
        "customer.optout_phone",
        "permissions",
        B,
        "CNIL - Refus contact par téléphone (un des numéros)",
        "CNIL - Refuses contact by phone (any number)",
        C,
        _optout_phone,
    ),
    _f(
        "customer.optout_phone_home",
        "permissions",
        B,
        "CNIL - Refus contact sur Tél. personnel",
        "CNIL - Refuses contact on home phone",
        C,
        _col("optout_phone_home"),
    ),
    _f(
        "customer.optout_phone_work",
        "permissions",
        B,
        "CNIL - Refus contact sur Tél. professionnel",
        "CNIL - Refuses contact on work phone",
        C,
        _col("optout_phone_work"),
    ),
    _f(
        "customer.optout_phone_mobile",
        "permissions",
        B,
        "CNIL - Refus contact sur Tél. portable",
        "CNIL - Refuses contact on mobile phone",
        C,
        _col("optout_phone_mobile"),
    ),
    _f(
        "customer.optout_sms",
        "permissions",
        B,
        "CNIL - Refus contact par SMS",
        "CNIL - Refuses SMS",
        C,
        _col("optout_sms"),
    ),
    _f(
        "customer.optout_fax",
        "permissions",
        B,
        "CNIL - Refus contact sur Fax",
        "CNIL - Refuses fax",
        C,
        _col("optout_fax"),
    ),
    _f(
        "customer.optout_email",
        "permissions",
        B,
        "CNIL - Refus contact sur e-mail",
        "CNIL - Refuses e-mail",
        C,
        _col("optout_email"),
    ),
    _f(
        "customer.marketing_basis",
        "permissions",
        E,
        "Base légale marketing",
        "Marketing legal basis",
        C,
        _col("marketing_basis"),
        fixed_values=MARKETING_BASIS_VALUES,
    ),
    _f(
        "customer.marketing_basis_date",
        "permissions",
        D,
        "Date de la base légale",
        "Legal basis date",
        C,
        _col("marketing_basis_date"),
    ),
    _f(
        "customer.unknown_address",
        "addresses",
        B,
        "Adresse inconnue (courrier revenu)",
        "Unknown address (mail returned)",
        C,
        _col("unknown_address"),
    ),
    # Info. complémentaires
    _f("customer.free1", "extra", T, "Domaine libre 1", "Free field 1", C, _col("free1")),
    _f("customer.free2", "extra", T, "Domaine libre 2", "Free field 2", C, _col("free2")),
    _f("customer.free3", "extra", T, "Domaine libre 3", "Free field 3", C, _col("free3")),
    # Véhicule
    _f("vehicle.id", "vehicle", N, "N° véhicule (interne)", "Vehicle id", V, _vcol("id")),
    _f(
        "vehicle.plate",
        "vehicle",
        T,
        "Immatriculation",
        "Registration plate",
        V,
        _vcol("plate"),
        codes=True,
    ),
    _f("vehicle.vin", "vehicle", T, "Numéro de série (VIN)", "VIN", V, _vcol("vin"), codes=True),
    _f("vehicle.brand", "vehicle", E, "Marque", "Brand", V, _vcol("brand"), values_from_db=True),
    _f(
        "vehicle.model",
        "vehicle",
        E,
        "Modèle",
        "Model",
        V,
        _vcol("model"),
        fold=_vf("model"),
        values_from_db=True,
    ),
    _f(
        "vehicle.version",
        "vehicle",
        T,
        "Version",
        "Version",
        V,
        _vcol("version"),
        fold=_vf("version"),
    ),
    _f(
        "vehicle.genre",
        "vehicle",
        E,
        "Genre",
        "Body category (genre)",
        V,
        _vcol("genre"),
        values_from_db=True,
    ),
    _f(
        "vehicle.category",
        "vehicle",
        E,
        "Type de véhicule",
        "Vehicle type",
        V,
        _vcol("category"),
        fixed_values=CATEGORY_VALUES,
    ),
    _f("vehicle.energy", "vehicle", E, "Énergie", "Fuel", V, _vcol("energy"), values_from_db=True),
    _f("vehicle.model_year", "vehicle", N, "Millésime", "Model year", V, _vcol("model_year")),
    _f(
        "vehicle.first_registration",
        "vehicle",
        D,
        "Date MEC",
        "First registration (MEC)",
        V,
        _vcol("first_registration"),
    ),
    _f(
        "vehicle.age_years",
        "vehicle",
        N,
        "Âge du véhicule (ans)",
        "Vehicle age (years)",
        V,
        _vcol("first_registration"),
        derived="years_since",
    ),
    _f(
        "vehicle.purchase_date",
        "vehicle",
        D,
        "Date achat",
        "Purchase date",
        V,
        _vcol("purchase_date"),
    ),
    _f(
        "vehicle.delivery_date",
        "vehicle",
        D,
        "Date de livraison",
        "Delivery date",
        V,
        _vcol("delivery_date"),
    ),
    _f("vehicle.mileage", "vehicle", N, "Kilométrage", "Mileage", V, _vcol("mileage")),
    _f(
        "vehicle.mileage_date",
        "vehicle",
        D,
        "Date du kilométrage",
        "Mileage date",
        V,
        _vcol("mileage_date"),
    ),
    _f(
        "vehicle.is_demo",
        "vehicle",
        B,
        "Véhicule de démonstration",
        "Demonstration vehicle",
        V,
        _vcol("is_demo"),
    ),
    _f(
        "vehicle.status",
        "vehicle",
        E,
        "Statut du véhicule",
        "Vehicle status",
        V,
        _vcol("status"),
        fixed_values=VEHICLE_STATUS_VALUES,
    ),
    _f(
        "vehicle.status_date",
        "vehicle",
        D,
        "Date du statut du véhicule",
        "Vehicle status date",
        V,
        _vcol("status_date"),
    ),
    _f(
        "vehicle.driver_last_name",
        "vehicle",
        T,
        "Nom du conducteur (location, flotte)",
        "Driver's last name (lease, fleet)",
        V,
        _vcol("driver_last_name"),
    ),
    _f(
        "vehicle.driver_first_name",
        "vehicle",
        T,
        "Prénom du conducteur",
        "Driver's first name",
        V,
        _vcol("driver_first_name"),
    ),
    _f(
        "vehicle.driver_civility",
        "vehicle",
        T,
        "Civilité du conducteur",
        "Driver's civility",
        V,
        _vcol("driver_civility"),
    ),
    _f(
        "vehicle.site",
        "vehicle",
        E,
        "Site du véhicule",
        "Vehicle's site",
        V,
        _site_name("name", "vehicle"),
        values_from_db=True,
    ),
    # Entretien - CT - Garanties
    _f(
        "vehicle.next_service_date",
        "maintenance",
        D,
        "Date prochaine révision",
        "Next service date",
        V,
        _vcol("next_service_date"),
        due=True,
    ),
    _f(
        "vehicle.inspection_due_date",
        "maintenance",
        D,
        "Date contrôle technique (CT)",
        "Roadworthiness test due (CT)",
        V,
        _vcol("inspection_due_date"),
        due=True,
    ),
    _f(
        "vehicle.warranty_end",
        "maintenance",
        D,
        "Fin de garantie",
        "Warranty end",
        V,
        _vcol("warranty_end"),
    ),
    _f(
        "vehicle.extended_warranty_end",
        "maintenance",
        D,
        "Fin d’extension de garantie",
        "Extended warranty end",
        V,
        _vcol("extended_warranty_end"),
    ),
    _f(
        "vehicle.mobility_end",
        "maintenance",
        D,
        "Fin de garantie mobilité",
        "Mobility guarantee end",
        V,
        _vcol("mobility_end"),
    ),
    _f(
        "vehicle.last_invoice_date",
        "maintenance",
        D,
        "Date dernière facture (véhicule)",
        "Last invoice date (vehicle)",
        V,
        _vehicle_last_invoice("date"),
        aggregate=True,
    ),
    _f(
        "vehicle.last_invoice_amount",
        "maintenance",
        N,
        "Montant dernière facture (véhicule)",
        "Last invoice amount (vehicle)",
        V,
        _vehicle_last_invoice("amount"),
        aggregate=True,
        money=True,
    ),
    _f(
        "vehicle.visits_12m",
        "maintenance",
        N,
        "Passages atelier du véhicule sur 12 mois",
        "Vehicle's workshop visits in the last 12 months",
        V,
        _visits("vehicle", 12),
        aggregate=True,
    ),
    _f(
        "vehicle.visits_24m",
        "maintenance",
        N,
        "Passages atelier du véhicule sur 24 mois",
        "Vehicle's workshop visits in the last 24 months",
        V,
        _visits("vehicle", 24),
        aggregate=True,
    ),
    # Vente & financement (the sale of the row's vehicle to the customer)
    _f(
        "sale.kind",
        "sale",
        E,
        "Type de vente (VN / VO)",
        "Sale type (new / used)",
        SAL,
        _sale_col("kind"),
        fixed_values=SALE_KIND_VALUES,
    ),
    _f(
        "sale.order_date", "sale", D, "Date de commande", "Order date", SAL, _sale_col("order_date")
    ),
    _f(
        "sale.delivery_date",
        "sale",
        D,
        "Date de livraison (vente)",
        "Delivery date (sale)",
        SAL,
        _sale_col("delivery_date"),
    ),
    _f(
        "sale.price",
        "sale",
        N,
        "Prix de vente",
        "Sale price",
        SAL,
        _sale_col("price_cents"),
        money=True,
    ),
    _f(
        "sale.order_number",
        "sale",
        T,
        "N° de commande",
        "Order number",
        SAL,
        _sale_col("order_number"),
        codes=True,
    ),
    _f("sale.salesperson", "sale", T, "Vendeur", "Salesperson", SAL, _sale_col("salesperson")),
    _f(
        "sale.fi_manager",
        "sale",
        T,
        "Responsable financement (F&I)",
        "F&I manager",
        SAL,
        _sale_col("fi_manager"),
    ),
    _f(
        "sale.financing_type",
        "sale",
        E,
        "Type de financement",
        "Financing type",
        SAL,
        _sale_col("financing_type"),
        fixed_values=FINANCING_VALUES,
    ),
    _f("sale.lender", "sale", T, "Organisme de financement", "Lender", SAL, _sale_col("lender")),
    _f("sale.rate", "sale", N, "Taux (%)", "Rate (%)", SAL, _sale_col("rate")),
    _f(
        "sale.term_months",
        "sale",
        N,
        "Terme (mois)",
        "Term (months)",
        SAL,
        _sale_col("term_months"),
    ),
    _f(
        "sale.monthly_payment",
        "sale",
        N,
        "Mensualité",
        "Monthly payment",
        SAL,
        _sale_col("monthly_payment_cents"),
        money=True,
    ),
    _f(
        "sale.financing_start",
        "sale",
        D,
        "Début du financement",
        "Financing start",
        SAL,
        _sale_col("financing_start"),
    ),
    _f(
        "sale.financing_end",
        "sale",
        D,
        "Fin de terme",
        "Financing end",
        SAL,
        _sale_col("financing_end"),
    ),
    _f(
        "sale.months_remaining",
        "sale",
        N,
        "Mois de financement restants",
        "Financing months remaining",
        SAL,
        _sale_col("financing_end"),
        derived="months_until",
    ),
    _f(
        "customer.vehicles_bought",
        "sale",
        N,
        "Nombre de véhicules achetés",
        "Vehicles bought",
        C,
        _vehicles_bought,
        aggregate=True,
    ),
    # Factures atelier ("has at least one invoice with ...")
    _f(
        "invoice.date",
        "workshop",
        D,
        "Date de facture atelier",
        "Workshop invoice date",
        INV,
        _invoice_col("date"),
    ),
    _f(
        "invoice.number",
        "workshop",
        T,
        "N° de facture",
        "Invoice number",
        INV,
        _invoice_col("number"),
        codes=True,
    ),
    _f(
        "invoice.type",
        "workshop",
        E,
        "Type de facture (client, garantie, interne)",
        "Invoice type (customer, warranty, internal)",
        INV,
        _invoice_col("invoice_type"),
        fixed_values=INVOICE_TYPE_VALUES,
    ),
    _f(
        "invoice.amount",
        "workshop",
        N,
        "Montant facture (HT)",
        "Invoice amount (excl. tax)",
        INV,
        _invoice_col("total_cents"),
        money=True,
    ),
    _f(
        "invoice.discount",
        "workshop",
        N,
        "Remise sur facture",
        "Invoice discount",
        INV,
        _invoice_col("discount_cents"),
        money=True,
    ),
    _f(
        "invoice.mileage",
        "workshop",
        N,
        "Kilométrage à la facture",
        "Mileage on invoice",
        INV,
        _invoice_col("mileage"),
    ),
    _f(
        "invoice.line_category",
        "workshop",
        E,
        "Catégorie de ligne facturée",
        "Invoiced line category",
        INV,
        _line_category,
        fixed_values=LINE_CATEGORY_VALUES,
        displayable=False,
    ),
    # Contacts
    _f(
        "customer.last_contact_date",
        "contacts",
        D,
        "Date dernier contact",
        "Last contact date",
        C,
        _last_contact,
        aggregate=True,
        timestamp=True,
    ),
    _f(
        "contact.date",
        "contacts",
        D,
        "Date de contact",
        "Contact date",
        CON,
        _contact_col("contacted_at"),
        timestamp=True,
    ),
    _f(
        "contact.channel",
        "contacts",
        E,
        "Canal du contact",
        "Contact channel",
        CON,
        _contact_col("channel"),
        fixed_values=CONTACT_CHANNEL_VALUES,
    ),
    _f("contact.campaign", "contacts", T, "Campagne", "Campaign", CON, _contact_col("campaign")),
    _f(
        "contact.outcome",
        "contacts",
        T,
        "Résultat du contact",
        "Contact outcome",
        CON,
        _contact_col("outcome"),
    ),
)


def _ordered(fields: tuple[Field, ...]) -> dict[str, Field]:
    order = {g.key: i for i, g in enumerate(GROUPS)}
    result: dict[str, Field] = {}
    for f in sorted(fields, key=lambda f: order[f.group]):  # stable: keeps the order within a group
        if f.key in result:
            raise AssertionError(f"duplicate field key {f.key}")
        result[f.key] = f
    return result


#: Every field, in tree order (groups in :data:`GROUPS` order).
FIELDS: dict[str, Field] = _ordered(_FIELD_LIST)


def get_field(key: str) -> Field:
    """The field with this key; :class:`TargetError` naming the key if there is none."""
    try:
        return FIELDS[key]
    except (KeyError, TypeError):
        raise TargetError(_("Unknown field {key!r}.").format(key=key)) from None


def fields_in_group(group: str) -> list[Field]:
    return [f for f in FIELDS.values() if f.group == group]


def enum_choices(
    conn: Connection, key: str, lang: str | None = None, *, limit: int = 2000
) -> list[EnumValue]:
    """The checkbox values of an enum or boolean field: fixed ones, or distinct values in the data."""
    f = get_field(key)
    if f.type not in (FieldType.ENUM, FieldType.BOOLEAN):
        raise TargetError(_("{label} is not a field with checkboxes.").format(label=f.label(lang)))
    if not f.values_from_db:
        return list(f.enum_values)
    if f.entity is Entity.VEHICLE:
        expr = f.compute(Sources(CUSTOMER, VEHICLE, dt.date.today()))
        query = select(expr).select_from(VEHICLE)
    else:
        expr = f.compute(Sources(CUSTOMER, NullVehicle(), dt.date.today()))
        query = select(expr).select_from(CUSTOMER)
    query = query.where(expr.is_not(None)).distinct().order_by(expr).limit(limit)
    return [EnumValue(v, str(v), str(v)) for (v,) in conn.execute(query) if v != ""]
