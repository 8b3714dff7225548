"""The postal permissions funnel: who gets a letter or a label, and why the others do not.

Used by the Word letters and labels, and (as an option) by Excel exports meant for mailing::

    in the target → with a usable postal address → one per customer (or per household)
    → not refusing postal contact → not contacted in the last N days (optional) → final

* **In the target**: the target's rows (one per vehicle at the vehicle grain), customers removed
  by hand left out, as in every export.
* **Usable postal address**: at least one address line, a postal code and a city, read from the
  customer table; a French postal code has five digits; a customer whose mail came back
  (``Customer.unknown_address``) is left out.
* **One per customer**: a customer's other vehicles do not give more letters. With
  ``household=True``, customers who share the same address (same street lines, postal code and
  city, compared without case or accents) get one letter, addressed to the first of them in the
  target's order.
* **Postal refusal** (CNIL "refus contact par courrier") is read from the customer table when the
  funnel runs, not from the target's columns: a refusal recorded after the target was built
  counts. A household is left out when any of its members refuses.
* **Recent contact** (``contacted_within_days``): anyone with a contact in the contact history on
  or after ``today - N days`` (any channel unless ``contact_channels`` says which) is left out;
  a household is left out when any of its members was contacted.

No Qt here. Reasons and step labels are written in the language given (``lang``) or the
application's (:func:`app.i18n.language`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from app.export.funnel import Funnel, FunnelStep
from app.i18n import N_, _, format_count, ngettext
from app.models.activity import ContactHistory
from app.models.dealership import Customer
from app.models.enums import ContactChannel
from app.models.textfold import fold
from app.query.engine import ResultRow, iter_rows
from app.query.target import Target

__all__ = [
    "PostalAddress",
    "PostalFunnel",
    "PostalRecipient",
    "postal_funnel",
    "reason_counts",
]

CUSTOMER = Customer.__table__
CONTACT = ContactHistory.__table__

#: Customers read per query (keeps IN lists well under every database's parameter limit).
BATCH = 500

_FR_POSTAL_CODE = re.compile(r"^\d{5}$")

#: step key → label (English; translated where shown). "recent" has its own plural message.
STEP_LABELS: dict[str, str] = {
    "target": N_("In the target"),
    "address": N_("With a usable postal address"),
    "customer": N_("One per customer"),
    "household": N_("One per household"),
    "refusal": N_("Not refusing postal contact"),
    "final": N_("To send"),
}

#: reason key → reason (English; translated where shown).
REASONS: dict[str, str] = {
    "unknown_address": N_("unknown address (mail returned)"),
    "no_street": N_("no address line"),
    "no_postal_code": N_("no postal code"),
    "bad_postal_code": N_("not a French postal code"),
    "no_city": N_("no city"),
    "same_customer": N_("another vehicle of the same customer"),
    "same_household": N_("same address as another customer"),
    "refuses_post": N_("refuses postal contact"),
    "household_refuses_post": N_("a member of the household refuses postal contact"),
    "contacted": N_("contacted recently"),
    "household_contacted": N_("a member of the household was contacted recently"),
}


def step_label(key: str, lang: str | None = None, **values: object) -> str:
    if key == "recent":
        days = int(values["days"])  # type: ignore[call-overload]
        return ngettext(
            "Not contacted in the last {days} day",
            "Not contacted in the last {days} days",
            days,
            lang,
        ).format(days=format_count(days, lang))
    return _(STEP_LABELS[key], lang).format(**values)


def reason_text(key: str, lang: str | None = None) -> str:
    return _(REASONS[key], lang)


@dataclass(frozen=True)
class PostalAddress:
    """A customer's name and postal address as stored now in the customer table."""

    customer_id: int
    civility: str
    first_name: str
    last_name: str
    company: str
    is_company: bool
    lines: tuple[str, ...]  # the non-empty street lines (address1..3)
    postal_code: str
    city: str
    country: str
    optout_post: bool
    #: Mail came back: the address is known to be wrong (``Customer.unknown_address``).
    unknown_address: bool = False

    @property
    def recipient(self) -> str:
        """The name line: ``Madame Sophie MARTIN``, or the company name."""
        if self.is_company or not self.last_name:
            return self.company or self.last_name
        parts = [self.civility, self.first_name, self.last_name.upper()]
        return " ".join(p for p in parts if p)

    def block(self) -> list[str]:
        """The address as printed on an envelope (at most six lines, city in capitals)."""
        lines = [self.recipient, *self.lines, f"{self.postal_code} {self.city.upper()}".strip()]
        if self.country and self.country.upper() != "FR":
            lines.append(self.country.upper())
        return [line for line in lines if line][:7]

    def problem(self) -> str | None:
        """Why this address cannot be used for a letter (a reason key), or ``None``."""
        if self.unknown_address:
            return "unknown_address"
        if not self.lines:
            return "no_street"
        if not self.postal_code:
            return "no_postal_code"
        if (self.country or "FR").upper() == "FR" and not _FR_POSTAL_CODE.match(
            self.postal_code.replace(" ", "")
        ):
            return "bad_postal_code"
        if not self.city:
            return "no_city"
        return None

    def household_key(self) -> tuple[str, ...]:
        """Street lines, postal code and city, folded: equal for people living together."""
        norm = [re.sub(r"[^0-9A-Z]+", " ", fold(x) or "").strip() for x in self.lines]
        return (
            *norm,
            self.postal_code.replace(" ", ""),
            re.sub(r"[^0-9A-Z]+", " ", fold(self.city) or "").strip(),
            (self.country or "FR").upper(),
        )


@dataclass
class PostalRecipient:
    """One letter's addressee: a customer, their rows in the target, their household."""

    customer_id: int
    address: PostalAddress
    #: The customer's rows in the target, in the target's order (one per vehicle).
    rows: list[ResultRow] = field(default_factory=list)
    #: Everyone sharing the address when households are grouped (this customer first).
    household: list[int] = field(default_factory=list)


@dataclass
class PostalFunnel:
    """The steps with their counts and drop-out reasons, and who is left at the end."""

    funnel: Funnel
    recipients: list[PostalRecipient]
    #: The columns of the rows (the target's columns unless others were asked for).
    columns: list[str]

    @property
    def steps(self) -> list[FunnelStep]:
        return self.funnel.steps

    @property
    def customer_ids(self) -> list[int]:
        return [r.customer_id for r in self.recipients]

    @property
    def final_count(self) -> int:
        return len(self.recipients)

    @property
    def vehicle_count(self) -> int:
        """Letters in "one per vehicle" mode: the recipients' rows."""
        return sum(len(r.rows) for r in self.recipients)

    def summary_lines(self) -> list[str]:
        return self.funnel.summary_lines()


def reason_counts(step: FunnelStep) -> list[tuple[str, int]]:
    """The reasons of a step with how many dropped out for each, most frequent first."""
    return Counter(reason for _, reason in step.dropped).most_common()


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def read_addresses(conn: Connection, customer_ids: Iterable[int]) -> dict[int, PostalAddress]:
    """Names, addresses and postal refusals of these customers, as stored now."""
    c = CUSTOMER.c
    ids = sorted(set(customer_ids))
    found: dict[int, PostalAddress] = {}
    columns = (
        c.id,
        c.civility,
        c.first_name,
        c.last_name,
        c.company_name,
        c.is_company,
        c.address1,
        c.address2,
        c.address3,
        c.postal_code,
        c.city,
        c.country,
        c.optout_post,
        c.unknown_address,
    )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for row in conn.execute(select(*columns).where(c.id.in_(chunk))):
            lines = tuple(
                x for x in (_clean(row.address1), _clean(row.address2), _clean(row.address3)) if x
            )
            found[row.id] = PostalAddress(
                customer_id=row.id,
                civility=_clean(row.civility),
                first_name=_clean(row.first_name),
                last_name=_clean(row.last_name),
                company=_clean(row.company_name),
                is_company=bool(row.is_company),
                lines=lines,
                postal_code=_clean(row.postal_code),
                city=_clean(row.city),
                country=_clean(row.country) or "FR",
                optout_post=bool(row.optout_post),
                unknown_address=bool(row.unknown_address),
            )
    return found


def recently_contacted(
    conn: Connection,
    customer_ids: Iterable[int],
    since: dt.datetime,
    channels: Sequence[ContactChannel | str] | None = None,
) -> set[int]:
    """The customers among *customer_ids* with a contact on or after *since*."""
    h = CONTACT.c
    ids = sorted(set(customer_ids))
    found: set[int] = set()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        query = (
            select(h.customer_id)
            .where(h.customer_id.in_(chunk), h.contacted_at >= since)
            .distinct()
        )
        if channels:
            query = query.where(h.channel.in_([ContactChannel(ch).value for ch in channels]))
        found.update(conn.execute(query).scalars())
    return found


def postal_funnel(
    conn: Connection,
    target: Target,
    *,
    today: dt.date,
    household: bool = False,
    contacted_within_days: int | None = None,
    columns: Sequence[str] | None = None,
    contact_channels: Sequence[ContactChannel | str] | None = None,
    lang: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> PostalFunnel:
    """Run *target* and keep who may receive a letter (see the module docstring).

    ``columns``: the fields of the returned rows (default: the target's columns).
    ``progress(done, total, text)`` is called while rows are read; it may raise to cancel.
    """
    if contacted_within_days is not None and contacted_within_days < 0:
        raise ValueError("contacted_within_days must be 0 or more")
    cols = list(target.columns if columns is None else columns)
    rows: list[ResultRow] = []
    for n, row in enumerate(iter_rows(conn, target, today=today, columns=cols), start=1):
        rows.append(row)
        if progress is not None and n % 500 == 0:
            progress(n, 0, "")
    funnel: Funnel = Funnel.start("target", step_label("target", lang), rows)

    addresses = read_addresses(conn, (r.customer_id for r in rows))

    def address_problem(row: ResultRow) -> str | None:
        address = addresses.get(row.customer_id)
        if address is None:  # deleted meanwhile
            return reason_text("no_street", lang)
        problem = address.problem()
        return reason_text(problem, lang) if problem else None

    funnel.keep("address", step_label("address", lang), address_problem)

    # one per customer (rows stay attached to their customer)
    by_customer: dict[int, PostalRecipient] = {}
    dropped: list[tuple[object, str]] = []
    for row in funnel.kept:
        recipient = by_customer.get(row.customer_id)
        if recipient is None:
            by_customer[row.customer_id] = PostalRecipient(
                row.customer_id, addresses[row.customer_id], [row], [row.customer_id]
            )
        else:
            recipient.rows.append(row)
            dropped.append((row, reason_text("same_customer", lang)))
    funnel.add_step("customer", step_label("customer", lang), list(by_customer.values()), dropped)

    if household:
        homes: dict[tuple[str, ...], PostalRecipient] = {}
        kept: list[PostalRecipient] = []
        dropped = []
        for recipient in funnel.kept:
            key = recipient.address.household_key()
            head = homes.get(key)
            if head is None:
                homes[key] = recipient
                kept.append(recipient)
            else:
                head.household.append(recipient.customer_id)
                dropped.append((recipient, reason_text("same_household", lang)))
        funnel.add_step("household", step_label("household", lang), kept, dropped)

    def refusal(recipient: PostalRecipient) -> str | None:
        if recipient.address.optout_post:
            return reason_text("refuses_post", lang)
        if any(addresses[m].optout_post for m in recipient.household):
            return reason_text("household_refuses_post", lang)
        return None

    funnel.keep("refusal", step_label("refusal", lang), refusal)

    if contacted_within_days is not None:
        since = dt.datetime.combine(today - dt.timedelta(days=contacted_within_days), dt.time())
        members = [m for r in funnel.kept for m in r.household]
        contacted = recently_contacted(conn, members, since, contact_channels)

        def recent(recipient: PostalRecipient) -> str | None:
            if recipient.customer_id in contacted:
                return reason_text("contacted", lang)
            if any(m in contacted for m in recipient.household):
                return reason_text("household_contacted", lang)
            return None

        funnel.keep("recent", step_label("recent", lang, days=contacted_within_days), recent)

    funnel.add_step("final", step_label("final", lang), list(funnel.kept), [])
    return PostalFunnel(funnel=funnel, recipients=list(funnel.kept), columns=cols)
