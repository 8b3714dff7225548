"""Who gets the e-mail: the recipient funnel and each recipient's merge values. No Qt here.

:func:`plan_send` reads the target's rows with the engine (removed customers left out) and
feeds them through these steps, each dropping people with a reason (:mod:`app.export.funnel`):

1. one row per customer (a target by vehicle has a row per vehicle: the first one is kept);
2. an e-mail address;
3. a well-formed address (email-validator, syntax only: no network look-up), not reported as
   non-existent by a server (a hard bounce, :class:`~app.models.email.InvalidEmail`);
4. no refusal of e-mail, read from the database now, and the address not on the e-mail
   suppression list (:mod:`app.models.permissions`);
5. marketing only: a legal basis for marketing by e-mail in force today
   (:func:`app.models.permissions.effective_basis`, CASL implied consent lapses);
6. marketing only, when set: nobody e-mailed in the last N days (the contact history, and the
   journal's messages still waiting: scheduled, pending, or whose outcome is unknown), by
   customer and by address (another customer sharing the address had it);
7. the template's required merge fields filled, in the subject and the body: every field but
   ``{civilité}`` and ``{prénom}`` (:data:`~app.export.sms.templates.OPTIONAL_KEYS`, shared
   with the SMS), and those too inside a link's address — "Bonjour ," or an empty booking
   link never goes. ``{nom}`` of a company is the company's name. Unless the user chooses to
   send those messages too (*send_empty*), they are left out and listed;
8. one message per address (customers sharing an address), among those still in.

Steps 1–6 read the database; 7 and 8 depend on the template and are applied with it
(:func:`apply_template`, again in the window when the template is edited). The plan also counts
the site details the template shows empty for some recipients (:attr:`EmailPlan.empty_site`,
the letters' check :func:`app.export.word.checks.count_empty`): File › Sites… fills them in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.export.email.settings import EmailSettings
from app.export.email.templates import CompiledTemplate, helper_value
from app.export.funnel import Funnel, first_per, keep_filled
from app.export.sms.templates import OPTIONAL_KEYS
from app.export.word.checks import count_empty, empty_site_warnings, site_keys
from app.export.word.fields import HELPERS_BY_KEY
from app.i18n import N_, _, format_count, format_date, ngettext
from app.models import permissions
from app.models.activity import ContactHistory
from app.models.dealership import Customer
from app.models.email import COUNTED_STATUSES, EmailKind, EmailMessage, EmailStatus, InvalidEmail
from app.models.enums import Channel, ContactChannel
from app.query.catalog import FIELDS, current_language, get_field
from app.query.engine import iter_rows
from app.query.target import Target

EMAIL_COLUMN = "customer.email"
_CHUNK = 500

_LABELS: dict[str, str] = {
    "rows": N_("Rows in the target"),
    "customers": N_("One e-mail per customer"),
    "address": N_("With an e-mail address"),
    "valid": N_("Valid address"),
    "refused": N_("Not refusing e-mail"),
    "basis": N_("With a marketing legal basis for e-mail"),
    "duplicate": N_("One e-mail per address"),
}
_REASONS: dict[str, str] = {
    "customers": N_("another vehicle of the same customer"),
    "address": N_("no e-mail address"),
    "valid": N_("malformed address: {raw}"),
    "bounced": N_("address rejected by its server on {date}: {raw}"),
    "refused": N_("refused e-mail"),
    "refused_since": N_("refused e-mail ({date})"),
    "suppressed": N_("address on the e-mail suppression list: {raw}"),
    "basis": N_("no marketing legal basis for e-mail"),
    "recent": N_("e-mail on {date}"),
    "waiting": N_("an e-mail is already waiting to be sent"),
    "duplicate": N_("same address as {name}"),
}


def _reason(key: str, lang: str, **kw: Any) -> str:
    return _(_REASONS[key], lang).format(**kw)


@dataclass
class EmailRecipient:
    customer_id: int
    vehicle_id: int | None
    name: str
    raw_address: str
    address: str = ""
    site_code: str | None = None
    values: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.name} ({self.address or self.raw_address or '-'})"


@dataclass
class EmailPlan:
    kind: EmailKind
    template: CompiledTemplate
    funnel: Funnel[EmailRecipient]
    requested: dt.datetime
    #: The funnel before the steps that depend on the template (:func:`apply_template`).
    base: Funnel[EmailRecipient] | None = None
    #: Recipients whose e-mail has a required merge field empty, with those fields (as
    #: shown), among those that go or would go: sent only when *send_empty*.
    empty: list[tuple[EmailRecipient, list[str]]] = field(default_factory=list)
    send_empty: bool = False
    #: Site detail key → how many e-mails that go (or would go: left out for an empty
    #: required field) show it empty.
    empty_site: dict[str, int] = field(default_factory=dict)

    def warnings(self, lang: str | None = None) -> list[str]:
        """The site details the e-mails show empty, one sentence each."""
        return empty_site_warnings(self.empty_site, lang, channel="email")

    @property
    def recipients(self) -> list[EmailRecipient]:
        return self.funnel.kept

    @property
    def count(self) -> int:
        return len(self.funnel.kept)


def check_address(raw: str) -> str:
    """The normalised address, or ``""`` when *raw* is not a well-formed address (syntax only:
    no DNS look-up)."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return ""
    return permissions.normalise_email(valid.normalized)


def customer_name(customer: Customer) -> str:
    if customer.is_company or not customer.last_name:
        return customer.company_name or customer.last_name or ""
    return " ".join(p for p in (customer.last_name, customer.first_name) if p)


def _chunks(items: list[int]) -> list[list[int]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _customers(session: Session, ids: list[int]) -> dict[int, Customer]:
    found: dict[int, Customer] = {}
    for chunk in _chunks(ids):
        query = (
            select(Customer)
            .where(Customer.id.in_(chunk))
            .options(selectinload(Customer.permission_events), selectinload(Customer.site))
        )
        for customer in session.scalars(query):
            found[customer.id] = customer
    return found


def _utc_naive(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def recent_contacts(
    session: Session, ids: list[int], since: dt.datetime
) -> tuple[dict[int, dt.datetime], set[int]]:
    """(customer → last e-mail since *since*, customers with an e-mail still waiting)."""
    last: dict[int, dt.datetime] = {}
    waiting: set[int] = set()
    history = (
        select(ContactHistory.customer_id, func.max(ContactHistory.contacted_at))
        .where(
            ContactHistory.channel == ContactChannel.EMAIL, ContactHistory.contacted_at >= since
        )
        .group_by(ContactHistory.customer_id)
    )
    open_statuses = [s for s in COUNTED_STATUSES if s is not EmailStatus.SENT]
    journal = select(EmailMessage.customer_id).where(
        or_(
            EmailMessage.status.in_(open_statuses),
            (EmailMessage.status == EmailStatus.SENT) & (EmailMessage.sent_at >= since),
        )
    )
    for chunk in _chunks(ids):
        for customer_id, when in session.execute(
            history.where(ContactHistory.customer_id.in_(chunk))
        ):
            last[customer_id] = when
        waiting.update(session.scalars(journal.where(EmailMessage.customer_id.in_(chunk))))
    return last, waiting - set(last)


def recent_addresses(
    session: Session, addresses: list[str], since: dt.datetime
) -> dict[str, dt.datetime | None]:
    """Address → when the journal last sent it an e-mail since *since* (``None``: one is still
    waiting): an address shared by customers is contacted once, whichever customer had it."""
    found: dict[str, dt.datetime | None] = {}
    open_statuses = [s for s in COUNTED_STATUSES if s is not EmailStatus.SENT]
    query = select(EmailMessage.address, EmailMessage.status, EmailMessage.sent_at).where(
        or_(
            EmailMessage.status.in_(open_statuses),
            (EmailMessage.status == EmailStatus.SENT) & (EmailMessage.sent_at >= since),
        )
    )
    for chunk in _str_chunks(sorted(set(a for a in addresses if a))):
        for address, status, sent_at in session.execute(
            query.where(EmailMessage.address.in_(chunk))
        ):
            if status is not EmailStatus.SENT:
                found[address] = None
            elif address not in found or (found[address] is not None and sent_at > found[address]):
                found[address] = sent_at
    return found


def plan_send(
    session: Session,
    target: Target,
    template: CompiledTemplate,
    kind: EmailKind | str,
    settings: EmailSettings,
    *,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    lang: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    send_empty: bool = False,
) -> EmailPlan:
    """The funnel and merge values of *template* for *target* (see the module docstring);
    *send_empty*: send the e-mails whose required merge fields are empty too."""
    kind = EmailKind(kind)
    lang = current_language(lang)
    catalog_keys = template.catalog_keys
    columns = list(dict.fromkeys([EMAIL_COLUMN, *catalog_keys, "vehicle.first_registration"]))
    fields = {k: get_field(k) for k in columns}
    now = (now or dt.datetime.now(dt.UTC)).astimezone()
    requested = max(at.astimezone() if at is not None else now, now)
    today = today or requested.date()

    rows = []
    conn = session.connection()
    for i, row in enumerate(iter_rows(conn, target, today=today, columns=columns)):
        if progress is not None and i % 500 == 0:
            progress(i, 0)
        rows.append(row)
    customers = _customers(session, list(dict.fromkeys(r.customer_id for r in rows)))

    candidates: list[EmailRecipient] = []
    for row in rows:
        values = dict(zip(columns, row.values, strict=True))
        customer = customers.get(row.customer_id)
        candidates.append(
            EmailRecipient(
                row.customer_id,
                row.vehicle_id,
                customer_name(customer) if customer else str(row.customer_id),
                str(values[EMAIL_COLUMN] or ""),
                site_code=customer.site.code if customer and customer.site else None,
                values=_merge_values(template, values, fields, customer, lang, today),
            )
        )

    funnel: Funnel[EmailRecipient] = Funnel.start("rows", _(_LABELS["rows"], lang), candidates)
    seen: set[int] = set()

    def one_per_customer(r: EmailRecipient) -> str | None:
        if r.customer_id in seen:
            return _reason("customers", lang)
        seen.add(r.customer_id)
        return None

    funnel.keep("customers", _(_LABELS["customers"], lang), one_per_customer)
    funnel.keep(
        "address",
        _(_LABELS["address"], lang),
        lambda r: None if r.raw_address.strip() else _reason("address", lang),
    )
    for r in funnel.kept:
        r.address = check_address(r.raw_address)
    bounced = {
        row.address: row
        for chunk in _str_chunks([r.address for r in funnel.kept if r.address])
        for row in session.scalars(select(InvalidEmail).where(InvalidEmail.address.in_(chunk)))
    }

    def valid(r: EmailRecipient) -> str | None:
        if not r.address:
            return _reason("valid", lang, raw=r.raw_address.strip())
        if r.address in bounced:
            return _reason("bounced", lang, raw=r.address, date=format_date(bounced[r.address].since, lang))
        return None

    funnel.keep("valid", _(_LABELS["valid"], lang), valid)
    listed = permissions.suppressed_emails(session, [r.address for r in funnel.kept])

    def refused(r: EmailRecipient) -> str | None:
        customer = customers.get(r.customer_id)
        if customer is not None and customer.optout_email:
            if customer.optout_email_date:
                return _reason(
                    "refused_since", lang, date=format_date(customer.optout_email_date, lang)
                )
            return _reason("refused", lang)
        if r.address in listed:
            return _reason("suppressed", lang, raw=r.address)
        return None

    funnel.keep("refused", _(_LABELS["refused"], lang), refused)
    if kind is EmailKind.MARKETING:

        def no_basis(r: EmailRecipient) -> str | None:
            customer = customers.get(r.customer_id)
            if customer is None or permissions.effective_basis(customer, Channel.EMAIL, today) is None:
                return _reason("basis", lang)
            return None

        funnel.keep("basis", _(_LABELS["basis"], lang), no_basis)
        if settings.recent_days > 0:
            since = _utc_naive(now) - dt.timedelta(days=settings.recent_days)
            last, waiting = recent_contacts(session, [r.customer_id for r in funnel.kept], since)
            to_address = recent_addresses(session, [r.address for r in funnel.kept], since)

            def recent(r: EmailRecipient) -> str | None:
                if r.customer_id in last:
                    return _reason("recent", lang, date=format_date(last[r.customer_id].date(), lang))
                if r.customer_id in waiting:
                    return _reason("waiting", lang)
                if r.address in to_address:  # another customer sharing the address had it
                    when = to_address[r.address]
                    if when is None:
                        return _reason("waiting", lang)
                    return _reason("recent", lang, date=format_date(when.date(), lang))
                return None

            funnel.keep(
                "recent",
                ngettext(
                    "No e-mail in the last {days} day",
                    "No e-mail in the last {days} days",
                    settings.recent_days,
                    lang,
                ).format(days=format_count(settings.recent_days, lang)),
                recent,
            )
    return apply_template(funnel, template, kind, requested, send_empty=send_empty, lang=lang)


def field_label(key: str, lang: str | None = None) -> str:
    """A merge field as the user sees it: «Site - Lien de réservation»."""
    merge = HELPERS_BY_KEY.get(key)
    label = merge.label(lang) if merge is not None else FIELDS[key].label(lang)
    return f"«{label}»"


def required_keys(template: CompiledTemplate) -> list[str]:
    """The merge fields of *template* that must not be empty (see the module docstring)."""
    return list(
        dict.fromkeys(s.key for s in template.slots if s.in_url or s.key not in OPTIONAL_KEYS)
    )


def apply_template(
    base: Funnel[EmailRecipient],
    template: CompiledTemplate,
    kind: EmailKind | str,
    requested: dt.datetime,
    *,
    send_empty: bool = False,
    lang: str | None = None,
) -> EmailPlan:
    """The plan of *template* from the funnel of the database's steps *base* (not changed):
    required merge fields filled, then one e-mail per address. The recipients' merge values
    must hold the template's keys (:func:`plan_send` reads them)."""
    lang = current_language(lang)
    required = required_keys(template)
    empty: list[tuple[EmailRecipient, list[str]]] = []
    for r in base.kept:
        missing = [k for k in required if not str(r.values.get(k) or "").strip()]
        if missing:
            empty.append((r, [field_label(k, lang) for k in missing]))
    funnel: Funnel[EmailRecipient] = Funnel(list(base.kept), list(base.steps))
    if required:
        keep_filled(funnel, {id(r): fields for r, fields in empty}, send_empty, lang)
    by_address: dict[str, EmailRecipient] = {}

    def duplicate(r: EmailRecipient) -> str | None:
        first = by_address.get(r.address)
        if first is not None:
            return _reason("duplicate", lang, name=first.name)
        by_address[r.address] = r
        return None

    funnel.keep("duplicate", _(_LABELS["duplicate"], lang), duplicate)
    # those that go (or would go, if chosen) once one e-mail per address is applied
    goes = first_per(base.kept, lambda r: r.address)
    empty = [(r, fields) for r, fields in empty if id(r) in goes]
    site = site_keys(template.keys)
    empty_site = count_empty((r.values for r in base.kept if id(r) in goes), site)
    return EmailPlan(
        EmailKind(kind), template, funnel, requested, base, empty, send_empty, empty_site
    )


def _str_chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _merge_values(
    template: CompiledTemplate,
    row_values: dict[str, Any],
    fields: dict[str, Any],
    customer: Customer | None,
    lang: str,
    today: dt.date,
) -> dict[str, str]:
    values: dict[str, str] = {}
    for key in template.keys:
        if key in fields:
            raw = row_values.get(key)
            values[key] = "" if raw is None else fields[key].format_value(raw, lang)
        elif customer is not None:
            values[key] = helper_value(
                key,
                customer,
                lang=lang,
                today=today,
                first_registration=row_values.get("vehicle.first_registration"),
            )
    # {nom} of a company is the company's name
    if "customer.last_name" in values and not values["customer.last_name"] and customer:
        values["customer.last_name"] = customer.company_name or ""
    return values
