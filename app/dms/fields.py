"""The columns a DMS extract can fill, derived from the data model and the field catalog.

Nothing here lists fields a second time. The importable columns are the *stored* columns of
the tables an extract describes (customer, vehicle, workshop invoice and its lines, vehicle
sale), read from the SQLAlchemy tables: primary keys, foreign keys (resolved by the upsert from
the references in the same row), the folded search copies and the bookkeeping timestamps are
left out. Computed catalog fields (counts, last invoice, vehicle age...) are never targets.

A column that a catalog field reads keeps that field's key and labels (``customer.company``
for ``company_name``, "Raison sociale" / "Company name"); the few stored columns the catalog
does not show (an invoice line's amount, a refusal's source...) are named
``<table>.<column>`` (``_cents`` dropped) and labelled by their first two words in
:data:`SYNONYMS` (French, English). The site a customer or vehicle belongs
to is the one foreign key an extract names directly, by the site's code (``customer.site_code``).

Headers are matched after folding (upper case, no accents, punctuation as spaces): against the
field's French and English labels and the synonyms DMS use (:data:`SYNONYMS`, keyed by field
key, French and English mixed).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass

from sqlalchemy import Boolean, Column, Date, DateTime, Enum, Float, Integer, String, Table
from sqlalchemy.types import TypeDecorator

from app.models.activity import InvoiceLine, VehicleSale, WorkshopInvoice
from app.models.dealership import Customer, Vehicle
from app.models.textfold import fold
from app.query.catalog import FIELDS, Sources


class FileKind(enum.StrEnum):
    """What an extract holds: one flat file per kind."""

    CUSTOMERS = "customers"
    #: One row per vehicle, usually with its owner's columns.
    VEHICLES = "vehicles"
    #: One row per invoice line, the invoice's header repeated on each.
    INVOICES = "invoices"
    #: One row per vehicle sale, with its financing.
    SALES = "sales"


class ValueType(enum.StrEnum):
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"  # stored in cents
    BOOLEAN = "boolean"
    ENUM = "enum"
    PHONE = "phone"
    POSTAL_CODE = "postal_code"
    EMAIL = "email"
    VIN = "vin"
    CIVILITY = "civility"
    COUNTRY = "country"
    PLATE = "plate"
    REFERENCE = "reference"  # a code the upsert looks up (the site's code)


#: The tables an extract fills, by the prefix of their keys.
TABLES: dict[str, Table] = {
    "customer": Customer.__table__,
    "vehicle": Vehicle.__table__,
    "invoice": WorkshopInvoice.__table__,
    "line": InvoiceLine.__table__,
    "sale": VehicleSale.__table__,
}

#: The tables each kind of file may fill.
KIND_TABLES: dict[FileKind, tuple[str, ...]] = {
    FileKind.CUSTOMERS: ("customer",),
    FileKind.VEHICLES: ("vehicle", "customer"),
    FileKind.INVOICES: ("invoice", "line", "customer", "vehicle"),
    FileKind.SALES: ("sale", "customer", "vehicle"),
}

#: Columns that are bookkeeping, not data (filled by the database).
_BOOKKEEPING = {"created_at", "updated_at"}

#: Header words DMS use for a field, beside its catalog labels (folded when compared).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer.dms_ref": (
        "N° client", "Code client", "Numéro client", "Num client", "No client", "Réf client",
        "Client", "Customer no", "Customer code", "Customer id", "Account number",
        "Code tiers", "N° tiers",
    ),
    "customer.civility": ("Civ", "Titre", "Title", "Salutation", "Qualité"),
    "customer.last_name": ("Nom client", "Nom de famille", "Surname", "Name"),
    "customer.first_name": ("Prenom client", "Given name", "Forename"),
    "customer.company": ("Société", "Entreprise", "Company", "Nom société"),
    "customer.address": ("Adresse 1", "Adresse", "Adresse1", "Address", "Address 1", "Rue"),
    "customer.address2": ("Adresse2", "Complément d'adresse", "Address 2"),
    "customer.address3": ("Adresse3", "Address 3"),
    "customer.postal_code": ("CP", "Code postal", "Zip", "Zip code", "Postcode", "NPA"),
    "customer.city": ("Localité", "Commune", "Town"),
    "customer.country": ("Pays", "Country code", "Code pays"),
    "customer.phone_home": (
        "Tél. domicile", "Tel domicile", "Téléphone", "Tél", "Téléphone domicile", "Tél. perso",
        "Phone", "Home phone", "Telephone",
    ),
    "customer.phone_mobile": (
        "Portable", "GSM", "Mobile", "Tél. portable", "Tél. mobile", "Cell", "Cellphone",
        "Natel",
    ),
    "customer.phone_work": ("Tél. bureau", "Tél. pro", "Téléphone bureau", "Work phone"),
    "customer.fax": ("Télécopie",),
    "customer.email": ("E-mail", "Email", "Mail", "Courriel", "Adresse mail", "Adresse e-mail"),
    "customer.birth_date": ("Date naissance", "Né le", "Date of birth", "DOB"),
    "customer.site_code": ("Site", "Code site", "Succursale", "Concession", "Branch"),
    "customer.optout_post": ("Refus courrier", "CNIL courrier", "Opt-out post"),
    "customer.optout_sms": ("Refus SMS", "CNIL SMS", "Opt-out SMS"),
    "customer.optout_email": ("Refus e-mail", "Refus mail", "CNIL e-mail", "Opt-out e-mail"),
    "customer.optout_phone_home": ("Refus tél. domicile", "CNIL tél. domicile"),
    "customer.optout_phone_mobile": ("Refus portable", "CNIL portable"),
    "customer.optout_phone_work": ("Refus tél. bureau", "CNIL tél. bureau"),
    "customer.optout_fax": ("Refus fax", "CNIL fax"),
    "customer.optout_post_date": ("Date refus courrier", "Refusal date (post)"),
    "customer.optout_post_source": ("Source refus courrier", "Refusal source (post)"),
    "customer.optout_phone_home_date": ("Date refus tél. domicile", "Refusal date (home phone)"),
    "customer.optout_phone_home_source": ("Source refus tél. domicile", "Refusal source (home phone)"),
    "customer.optout_phone_work_date": ("Date refus tél. bureau", "Refusal date (work phone)"),
    "customer.optout_phone_work_source": ("Source refus tél. bureau", "Refusal source (work phone)"),
    "customer.optout_phone_mobile_date": ("Date refus portable", "Refusal date (mobile phone)"),
    "customer.optout_phone_mobile_source": ("Source refus portable", "Refusal source (mobile phone)"),
    "customer.optout_sms_date": ("Date refus SMS", "Refusal date (SMS)"),
    "customer.optout_sms_source": ("Source refus SMS", "Refusal source (SMS)"),
    "customer.optout_fax_date": ("Date refus fax", "Refusal date (fax)"),
    "customer.optout_fax_source": ("Source refus fax", "Refusal source (fax)"),
    "customer.optout_email_date": ("Date refus e-mail", "Refusal date (e-mail)"),
    "customer.optout_email_source": ("Source refus e-mail", "Refusal source (e-mail)"),
    "customer.marketing_basis_source": ("Source base légale", "Legal basis source"),
    "vehicle.plate": ("Immat", "Immatriculation", "N° immatriculation", "Plaque", "Registration"),
    "vehicle.vin": ("VIN", "N° de série", "Numéro de série", "N° série", "Chassis", "N° VIN"),
    "vehicle.brand": ("Marque", "Make"),
    "vehicle.model": ("Modèle", "Model"),
    "vehicle.version": ("Finition", "Trim"),
    "vehicle.energy": ("Énergie", "Carburant", "Fuel", "Fuel type", "Motorisation"),
    "vehicle.first_registration": (
        "Date MEC", "Date 1ère MEC", "MEC", "Date 1re MEC", "Date mise en circulation",
        "Date de 1ère mise en circulation", "First registration", "Registration date",
    ),
    "vehicle.mileage": ("Km", "Kilométrage", "Kms", "Odometer", "Mileage"),
    "vehicle.mileage_date": ("Date km", "Date kilométrage"),
    "vehicle.model_year": ("Année modèle", "Model year"),
    "vehicle.site_code": ("Site véhicule", "Code site véhicule"),
    "vehicle.inspection_due_date": ("Date CT", "Prochain CT", "Échéance CT"),
    "vehicle.next_service_date": ("Prochaine révision", "Date prochain entretien"),
    "invoice.date": ("Date facture", "Date de facture", "Invoice date", "Date fact"),
    "invoice.number": ("N° facture", "Numéro facture", "N° de facture", "No facture",
                       "Invoice no", "Invoice number", "Facture"),
    "invoice.amount": ("Total HT", "Total facture HT", "Invoice total", "Montant facture"),
    "invoice.discount": ("Remise facture", "Invoice discount"),
    "invoice.mileage": ("Km facture", "Kilométrage facture", "Km atelier", "Mileage on invoice"),
    "invoice.type": ("Type", "Type facture", "Type de facture", "Invoice type", "Imputation"),
    "invoice.line_category": ("Type de ligne", "Type ligne", "Line type", "Nature ligne"),
    "line.description": ("Libellé", "Line description", "Désignation", "Libellé ligne",
                         "Description"),
    "line.amount": ("Montant HT", "Line amount (excl. tax)", "Montant ligne HT", "Montant",
                    "Line amount", "Amount"),
    "line.discount": ("Remise", "Line discount", "Remise ligne", "Discount"),
    "sale.kind": ("VN/VO", "Type vente", "Type de vente", "Sale type"),
    "sale.order_date": ("Date commande", "Date de commande", "Date BC", "Order date"),
    "sale.delivery_date": ("Date livraison", "Date de livraison", "Date vente", "Sale date",
                           "Delivery date"),
    "sale.price": ("Prix de vente", "Prix", "Prix TTC", "Montant vente", "Price"),
    "sale.salesperson": ("Vendeur", "Commercial", "Salesperson", "Sales rep"),
    "sale.fi_manager": ("F&I", "Vendeur financement", "Responsable financement"),
    "sale.financing_type": ("Type financement", "Mode de financement", "Financement",
                            "Financing"),
    "sale.lender": ("Organisme", "Organisme financier", "Organisme de financement", "Lender",
                    "Bank"),
    "sale.rate": ("Taux", "TAEG", "Rate", "APR"),
    "sale.term_months": ("Durée", "Durée (mois)", "Nb mois", "Term", "Term (months)"),
    "sale.monthly_payment": ("Mensualité", "Loyer", "Monthly payment"),
    "sale.financing_start": ("Date début financement", "Début financement"),
    "sale.financing_end": ("Date fin financement", "Fin financement", "Fin de contrat"),
}  # fmt: skip

#: Value types that the column's name says more about than its SQL type.
_NAMED_TYPES: dict[str, ValueType] = {
    "phone_home": ValueType.PHONE,
    "phone_mobile": ValueType.PHONE,
    "phone_work": ValueType.PHONE,
    "fax": ValueType.PHONE,
    "postal_code": ValueType.POSTAL_CODE,
    "email": ValueType.EMAIL,
    "vin": ValueType.VIN,
    "plate": ValueType.PLATE,
    "civility": ValueType.CIVILITY,
    "country": ValueType.COUNTRY,
}


@dataclass(frozen=True)
class ImportField:
    """One column of the data model an extract can fill."""

    key: str
    table: str
    column: str
    type: ValueType
    fr: str
    en: str
    #: Maximum length of a text value (from the column's type), if any.
    max_length: int | None = None
    #: Stored values of an enum column, with the words that mean each (folded).
    enum_words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: A value the row cannot do without (the references that identify it).
    required: bool = False

    def label(self, lang: str | None = None) -> str:
        from app.query.catalog import current_language

        return self.fr if current_language(lang) == "fr" else self.en


_PUNCT = re.compile(r"[^0-9A-Z]+")


@functools.lru_cache(maxsize=4096)
def fold_header(text: str) -> str:
    """``"Tél. domicile"`` → ``"TEL DOMICILE"``; ``"N° client"`` → ``"N CLIENT"``."""
    folded = fold(str(text).replace("°", " ").replace("º", " ")) or ""
    return _PUNCT.sub(" ", folded).strip()


def _catalog_columns() -> dict[tuple[str, str], str]:
    """(table, column) → the catalog field key that reads that stored column as it is."""
    tables = {table: prefix for prefix, table in TABLES.items()}
    sources = Sources(
        TABLES["customer"],
        TABLES["vehicle"],
        dt.date(2000, 1, 1),
        invoice=TABLES["invoice"],
        line=TABLES["line"],
        sale=TABLES["sale"],
    )
    found: dict[tuple[str, str], str] = {}
    for f in FIELDS.values():
        if f.aggregate or f.derived:
            continue
        try:
            expr = f.compute(sources)
        except Exception:  # pragma: no cover - a field that needs other sources
            continue
        if isinstance(expr, Column) and expr.table in tables:
            found.setdefault((tables[expr.table], expr.name), f.key)
    return found


def _value_type(column: Column) -> ValueType:
    if column.name in _NAMED_TYPES:
        return _NAMED_TYPES[column.name]
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):  # LenientDate and the like: what they store
        sql_type = sql_type.impl_instance
    if isinstance(sql_type, Enum):
        return ValueType.ENUM
    if isinstance(sql_type, Boolean):
        return ValueType.BOOLEAN
    if isinstance(sql_type, Date | DateTime):
        return ValueType.DATE
    if isinstance(sql_type, Integer):
        return ValueType.MONEY if column.name.endswith("_cents") else ValueType.INTEGER
    if isinstance(sql_type, Float):
        return ValueType.NUMBER
    return ValueType.TEXT


def _enum_words(key: str, column: Column) -> tuple[tuple[str, tuple[str, ...]], ...]:
    field = FIELDS.get(key)
    choices = field.enum_values if field is not None else ()
    values = column.type.enums if isinstance(column.type, Enum) else ()
    words = []
    for value in values:
        labels = [value, value.replace("_", " ")]
        labels += [w for c in choices if c.value == value for w in (c.fr, c.en)]
        words.append((value, tuple(dict.fromkeys(fold_header(w) for w in labels))))
    return tuple(words)


#: Values an enum column's DMS writes that its labels do not say (folded header form).
ENUM_EXTRA_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "sale.kind": {"new": ("VN", "NEUF", "N"), "used": ("VO", "OCCASION", "O", "VD")},
    "invoice.line_category": {
        "labour": ("MO", "MAIN D OEUVRE", "M O", "LABOR"),
        "parts": ("PR", "PIECES", "PIECE", "PDR", "PIECES DE RECHANGE"),
        "tyres": ("PNEU", "PNEUS", "PNEUMATIQUE", "TIRES"),
        "wheels": ("JANTE",),
        "bodywork": ("K L", "KL", "CARROSSERIE", "PEINTURE", "CARR"),
        "accessories": ("ACC", "ACCESSOIRE"),
        "insurance": ("ASS", "ASSURANCE"),
        "other_services": ("DIV", "DIVERS", "AUTRE", "PRESTATION", "SOUS TRAITANCE", "ST"),
    },
    "sale.financing_type": {
        "cash": ("CPT", "COMPTANT", "CASH"),
        "loan": ("CREDIT", "CREDIT CLASSIQUE", "PRET", "LOAN"),
        "specialised_credit": ("CREDIT SPECIALISE", "2E CHANCE", "SUBPRIME"),
        "lease": ("LOA", "LLD", "LEASING", "LOCATION"),
    },
    "vehicle.category": {"VP": ("VP", "PASSENGER"), "VU": ("VU", "CTTE", "UTILITAIRE")},
    "invoice.type": {
        "customer": ("C", "CLI", "CLIENT PAYEUR"),
        "warranty": ("G", "GAR", "GARANTIE CONSTRUCTEUR"),
        "internal": ("I", "INT", "CESSION INTERNE"),
    },
}  # fmt: skip


@functools.cache
def importable_fields() -> dict[str, ImportField]:
    """Every importable column, by key, in table order (customer, vehicle, invoice, line, sale)."""
    catalog = _catalog_columns()
    fields: dict[str, ImportField] = {}
    for prefix, table in TABLES.items():
        for column in table.columns:
            name = column.name
            if (
                column.primary_key
                or name.endswith("_fold")
                or name in _BOOKKEEPING
                or (column.foreign_keys and name != "site_id")
            ):
                continue
            if name == "site_id":
                key = f"{prefix}.site_code"
                value_type = ValueType.REFERENCE
                fr, en = {
                    "customer": ("Code site du client", "Customer's site code"),
                    "vehicle": ("Code site du véhicule", "Vehicle's site code"),
                }.get(prefix, ("Code site", "Site code"))
            else:
                key = catalog.get((prefix, name), f"{prefix}.{name.removesuffix('_cents')}")
                value_type = _value_type(column)
                field = FIELDS.get(key)
                if field is not None:
                    fr, en = field.fr, field.en
                else:
                    words = SYNONYMS.get(key, ())
                    plain = name.removesuffix("_cents").replace("_", " ").capitalize()
                    fr = words[0] if words else plain
                    en = words[1] if len(words) > 1 else plain
            length = (
                getattr(column.type, "length", None) if isinstance(column.type, String) else None
            )
            words = _enum_words(key, column) if value_type is ValueType.ENUM else ()
            if words and key in ENUM_EXTRA_WORDS:
                extra = ENUM_EXTRA_WORDS[key]
                words = tuple((v, w + extra.get(v, ())) for v, w in words)
            fields[key] = ImportField(
                key=key,
                table=prefix,
                column=name,
                type=value_type,
                fr=fr,
                en=en,
                max_length=length,
                enum_words=words,
                required=key in _REQUIRED,
            )
    return fields


#: The references that identify a row of each table (the upsert's keys).
_REQUIRED = {"customer.dms_ref", "invoice.number", "invoice.date"}


@functools.cache
def fields_for(kind: FileKind) -> dict[str, ImportField]:
    """The importable columns of a kind of file (shared: do not change the dict)."""
    tables = KIND_TABLES[FileKind(kind)]
    return {k: f for k, f in importable_fields().items() if f.table in tables}


@functools.cache
def _header_index() -> dict[str, list[str]]:
    """Folded header → field keys, labels first then synonyms (a word may name several)."""
    index: dict[str, list[str]] = {}
    for key, field in importable_fields().items():
        for word in (field.fr, field.en, *SYNONYMS.get(key, ())):
            folded = fold_header(word)
            if folded and key not in index.setdefault(folded, []):
                index[folded].append(key)
    return index


def suggest_field(header: str, kind: FileKind) -> str | None:
    """The field a header most likely means in a file of *kind*, or None."""
    allowed = KIND_TABLES[FileKind(kind)]
    for key in _header_index().get(fold_header(header), ()):
        if key.split(".", 1)[0] in allowed:
            return key
    return None


def suggest_mapping(headers: list[str], kind: FileKind) -> dict[int, str]:
    """Column index → suggested field key; each field once (the leftmost column wins)."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = suggest_field(header, kind)
        if key is not None and key not in used:
            mapping[index] = key
            used.add(key)
    return mapping


def guess_kind(headers: list[str]) -> FileKind:
    """The kind of file whose own tables the headers name most (customers if none)."""
    best, best_score = FileKind.CUSTOMERS, 0
    for kind in (FileKind.INVOICES, FileKind.SALES, FileKind.VEHICLES):
        own = KIND_TABLES[kind][0]
        mapping = suggest_mapping(headers, kind).values()
        score = sum(1 for key in mapping if key.startswith(own + ".") or key.startswith("line."))
        if score > best_score:
            best, best_score = kind, score
    return best
