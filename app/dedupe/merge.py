"""Merge two customer records into one, and undo a merge.

:func:`merge_customers` keeps the *survivor* (its DMS reference, its values) and removes the
*merged* customer, in the caller's transaction:

* every row that points at the merged customer — found from the foreign keys of the schema, so
  a table added later is not forgotten: vehicles, ownerships, workshop invoices, sales, contact
  history, SMS messages, permission history, suppression entries, aliases — now points at the
  survivor;
* the survivor's empty fields are filled from the merged record (the postal address only as a
  whole: street, postal code and town together);
* refusals are united: the permission history moves with the customer, and a channel that
  either record refused stays refused (if the survivor's own withdrawal would lift the merged
  customer's refusal, a refusal dated the day of the merge is recorded, through
  :mod:`app.models.permissions`, which also lists the survivor's numbers);
* saved targets that removed the merged customer now remove the survivor;
* the merged record's DMS reference becomes an alias of the survivor
  (:class:`~app.models.dealership.CustomerAlias`): a later import of it lands on the survivor;
* a :class:`~app.models.merges.CustomerMerge` row keeps what :func:`undo_merge` needs to put
  both records back exactly.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Enum, Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.errors import CibleError
from app.i18n import N_, _, format_date
from app.models import Base, Customer, CustomerAlias, SuppressionEntry
from app.models.base import current_user, utcnow
from app.models.dealership import with_display_name
from app.models.enums import Channel
from app.models.merges import CustomerMerge
from app.models.permissions import (
    current_refusal,
    customer_numbers,
    normalise_email,
    record_refusal,
    refresh_cache,
)
from app.models.targets import SavedTarget

__all__ = [
    "FILLED_FIELDS",
    "MergeError",
    "MergeInfo",
    "customer_references",
    "customer_summary",
    "merge_customers",
    "past_merges",
    "undo_merge",
]

#: The survivor's fields that the merged record fills when they are empty.
FILLED_FIELDS = (
    "civility",
    "first_name",
    "company_name",
    "phone_home",
    "phone_mobile",
    "phone_work",
    "fax",
    "email",
    "birth_date",
    "free1",
    "free2",
    "free3",
    "preferred_channel",
)
#: The postal address, taken as a whole when the survivor has none.
ADDRESS_FIELDS = ("address1", "address2", "address3", "postal_code", "city", "country")

Progress = Callable[[int, int, str], None]
_CUSTOMER = Customer.__table__
_CHUNK = 500


class MergeError(CibleError):
    """A merge or an undo that cannot be done (the message says why, in the user's language)."""


@dataclass(frozen=True)
class MergeInfo:
    """One line of the list of past merges."""

    id: int
    merged_at: dt.datetime
    who: str
    survivor_id: int
    survivor_name: str
    survivor_ref: str
    merged_id: int
    merged_name: str
    merged_ref: str
    score: int
    reasons: str
    undone_at: dt.datetime | None
    undone_by: str | None


# --- rows as JSON ------------------------------------------------------------------------------


def _dump_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _load_value(column: Any, value: Any) -> Any:
    if isinstance(value, dict):
        if "t" in value:
            return dt.datetime.fromisoformat(value["t"])
        return dt.date.fromisoformat(value["d"])
    enum_class = getattr(column.type, "enum_class", None)
    if value is not None and isinstance(column.type, Enum) and enum_class is not None:
        return enum_class(value)
    return value


def _row(conn: Session, table: Table, ident: int) -> dict[str, Any] | None:
    row = conn.execute(select(table).where(table.c.id == ident)).mappings().one_or_none()
    return None if row is None else {k: _dump_value(v) for k, v in row.items()}


def _loaded(table: Table, data: dict[str, Any]) -> dict[str, Any]:
    return {k: _load_value(table.c[k], v) for k, v in data.items() if k in table.c}


# --- what points at a customer -----------------------------------------------------------------


def customer_references() -> list[tuple[Table, str]]:
    """(table, column) of every foreign key to ``customer.id`` in the schema."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is _CUSTOMER and fk.column.name == "id":
                found.append((table, fk.parent.name))
    return found


def _ids(session: Session, table: Table, column: str, customer_id: int) -> list[int]:
    return list(
        session.execute(
            select(table.c.id).where(table.c[column] == customer_id).order_by(table.c.id)
        ).scalars()
    )


def _move(session: Session, table: Table, column: str, ids: list[int], old: int, new: int) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        session.execute(
            update(table).where(table.c.id.in_(chunk), table.c[column] == old).values({column: new})
        )


def _suppression_ids(session: Session, customers: list[Customer]) -> list[int]:
    """The suppression entries a merge may change: the two customers' own, and those of their
    numbers and addresses."""
    values: set[str] = set()
    for customer in customers:
        for channel in Channel:
            values.update(customer_numbers(customer, channel))
        address = normalise_email(customer.email)
        if address:
            values.add(address)
    t = SuppressionEntry.__table__
    ids = set(
        session.execute(
            select(t.c.id).where(t.c.customer_id.in_([c.id for c in customers]))
        ).scalars()
    )
    wanted = sorted(values)
    for start in range(0, len(wanted), _CHUNK):
        ids.update(
            session.execute(
                select(t.c.id).where(t.c.value.in_(wanted[start : start + _CHUNK]))
            ).scalars()
        )
    return sorted(ids)


def _max_id(session: Session, table: Table) -> int:
    return session.scalar(select(func.max(table.c.id))) or 0


# --- merge ---------------------------------------------------------------------------------------


def merge_customers(
    session: Session,
    survivor_id: int,
    merged_id: int,
    *,
    who: str | None = None,
    score: int = 0,
    reasons: str = "",
    today: dt.date | None = None,
    progress: Progress | None = None,
    lang: str | None = None,
) -> int:
    """Merge customer *merged_id* into *survivor_id* (module docstring); return the id of the
    :class:`CustomerMerge` row. Runs in the caller's transaction: nothing is written if it
    fails. *progress(done, total, text)* may raise to cancel."""
    today = today or dt.date.today()
    who = current_user() if who is None else who

    def step(done: int, text: str) -> None:
        if progress is not None:
            progress(done, 6, text)

    if survivor_id == merged_id:
        raise MergeError(_("A customer cannot be merged with itself.", lang))
    session.flush()
    survivor = session.get(Customer, survivor_id)
    merged = session.get(Customer, merged_id)
    if survivor is None or merged is None:
        raise MergeError(
            _("One of the two customers no longer exists: search for duplicates again.", lang)
        )
    step(0, _("Reading the two records…", lang))
    survivor_before = _row(session, _CUSTOMER, survivor_id)
    merged_row = _row(session, _CUSTOMER, merged_id)
    assert survivor_before is not None and merged_row is not None
    refused = {
        channel
        for channel in Channel
        if current_refusal(survivor, channel) is not None
        or current_refusal(merged, channel) is not None
    }
    suppression_t = SuppressionEntry.__table__
    suppression_ids = _suppression_ids(session, [survivor, merged])
    suppression_before = [_row(session, suppression_t, i) for i in suppression_ids]
    suppression_max = _max_id(session, suppression_t)
    permission_max = _max_id(session, Base.metadata.tables["permission_event"])

    # the survivor's empty fields, from the merged record
    for name in FILLED_FIELDS:
        if getattr(survivor, name) in (None, "") and getattr(merged, name) not in (None, ""):
            setattr(survivor, name, getattr(merged, name))
    if not (survivor.address1 or survivor.postal_code or survivor.city) and (
        merged.address1 or merged.postal_code or merged.city
    ):
        for name in ADDRESS_FIELDS:
            setattr(survivor, name, getattr(merged, name))
    session.flush()

    step(1, _("Moving vehicles, invoices, sales, contacts and SMS…", lang))
    moved: dict[str, list[int]] = {}
    for table, column in customer_references():
        ids = _ids(session, table, column, merged_id)
        if ids:
            _move(session, table, column, ids, merged_id, survivor_id)
            moved[f"{table.name}.{column}"] = ids
    session.expunge(merged)
    session.expire_all()

    step(2, _("Uniting the refusals…", lang))
    source = _("Merge of duplicates {date}", lang).format(date=format_date(today, lang))
    for channel in Channel:
        if channel in refused and current_refusal(survivor, channel) is None:
            record_refusal(session, survivor, channel, today, source, who or None)
        refresh_cache(survivor, channel, today)
    session.flush()
    permission_t = Base.metadata.tables["permission_event"]
    permission_added = list(
        session.execute(
            select(permission_t.c.id).where(permission_t.c.id > permission_max)
        ).scalars()
    )
    suppression_added = list(
        session.execute(
            select(suppression_t.c.id).where(suppression_t.c.id > suppression_max)
        ).scalars()
    )

    step(3, _("Updating the saved targets…", lang))
    targets = _rewrite_targets(session, merged_id, survivor_id)

    step(4, _("Keeping the DMS reference as an alias…", lang))
    alias_t = CustomerAlias.__table__
    alias_id = None
    taken = session.execute(
        select(alias_t.c.id).where(
            alias_t.c.site_id.is_(None)
            if merged_row["site_id"] is None
            else alias_t.c.site_id == merged_row["site_id"],
            alias_t.c.dms_ref == merged_row["dms_ref"],
        )
    ).first()
    session.execute(delete(_CUSTOMER).where(_CUSTOMER.c.id == merged_id))
    if taken is None:
        alias_id = session.execute(
            insert(alias_t).values(
                site_id=merged_row["site_id"],
                dms_ref=merged_row["dms_ref"],
                customer_id=survivor_id,
                created_at=utcnow(),
            )
        ).inserted_primary_key[0]

    step(5, _("Recording the merge…", lang))
    survivor_after = _row(session, _CUSTOMER, survivor_id)
    assert survivor_after is not None
    changed = {
        k: [survivor_before[k], survivor_after[k]]
        for k in survivor_before
        if survivor_before[k] != survivor_after[k]
    }
    undo = {
        "version": 1,
        "merged": merged_row,
        "survivor_changed": changed,
        "moved": moved,
        "permission_added": permission_added,
        "suppression_before": suppression_before,
        "suppression_added": suppression_added,
        "targets": targets,
        "alias_id": alias_id,
    }
    log = CustomerMerge(
        survivor_id=survivor_id,
        merged_id=merged_id,
        survivor_name=(survivor.display_name or "")[:200],
        merged_name=(merged.display_name or "")[:200],
        survivor_dms_ref=survivor.dms_ref or "",
        merged_dms_ref=merged.dms_ref or "",
        score=int(score),
        reasons=reasons,
        merged_at=utcnow(),
        who=who or "",
        undo_data=json.dumps(undo, ensure_ascii=False),
    )
    session.add(log)
    session.flush()
    step(6, _("Done", lang))
    return log.id


def _rewrite_targets(session: Session, merged_id: int, survivor_id: int) -> list[dict[str, Any]]:
    """Saved targets that removed the merged customer now remove the survivor."""
    t = SavedTarget.__table__
    changed = []
    for ident, text in session.execute(select(t.c.id, t.c.definition)).all():
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            continue  # a damaged target says so when it is opened; not the merge's business
        removed = data.get("removed") if isinstance(data, dict) else None
        if not isinstance(removed, list) or merged_id not in removed:
            continue
        had_survivor = survivor_id in removed
        data["removed"] = sorted(
            {i for i in removed if i != merged_id} | {survivor_id}, key=_sort_key
        )
        new_text = json.dumps(data, ensure_ascii=False)
        session.execute(update(t).where(t.c.id == ident).values(definition=new_text))
        changed.append(
            {"id": ident, "had_survivor": had_survivor, "before": text, "after": new_text}
        )
    return changed


def _sort_key(value: Any) -> tuple[int, str]:
    return (0, f"{value:020d}") if isinstance(value, int) else (1, str(value))


# --- undo ----------------------------------------------------------------------------------------


def undo_merge(
    session: Session, merge_id: int, *, who: str | None = None, lang: str | None = None
) -> None:
    """Put back the two customers of merge *merge_id* as they were before it (in the caller's
    transaction). What changed since on the survivor is kept: a field is set back only if it
    still holds the value the merge gave it; rows moved since to another customer stay there."""
    who = current_user() if who is None else who
    log = session.get(CustomerMerge, merge_id)
    if log is None:
        raise MergeError(_("This merge no longer exists.", lang))
    if log.undone_at is not None:
        raise MergeError(_("This merge was already undone.", lang))
    data = json.loads(log.undo_data)
    survivor_id, merged_id = log.survivor_id, log.merged_id
    survivor_row = _row(session, _CUSTOMER, survivor_id)
    if survivor_row is None:
        raise MergeError(
            _("{name} was merged into another customer since: undo that merge first.", lang).format(
                name=log.survivor_name
            )
        )
    if _row(session, _CUSTOMER, merged_id) is not None:
        raise MergeError(
            _("Customer number {id} exists again: this merge cannot be undone.", lang).format(
                id=merged_id
            )
        )
    merged_row = _loaded(_CUSTOMER, data["merged"])
    session.flush()
    session.expire_all()

    alias_t = CustomerAlias.__table__
    if data.get("alias_id") is not None:
        session.execute(delete(alias_t).where(alias_t.c.id == data["alias_id"]))
    clash = session.execute(
        select(_CUSTOMER.c.id).where(
            _CUSTOMER.c.site_id.is_(None)
            if merged_row["site_id"] is None
            else _CUSTOMER.c.site_id == merged_row["site_id"],
            _CUSTOMER.c.dms_ref == merged_row["dms_ref"],
        )
    ).first()
    if clash is not None:
        raise MergeError(
            _(
                "Another customer has the DMS reference {ref} now: this merge cannot be undone.",
                lang,
            ).format(ref=merged_row["dms_ref"])
        )
    session.execute(insert(_CUSTOMER).values(merged_row))

    permission_t = Base.metadata.tables["permission_event"]
    added = data.get("permission_added", [])
    for start in range(0, len(added), _CHUNK):
        session.execute(
            delete(permission_t).where(permission_t.c.id.in_(added[start : start + _CHUNK]))
        )
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for key, ids in data["moved"].items():
        table_name, column = key.split(".")
        _move(session, tables[table_name], column, ids, survivor_id, merged_id)

    suppression_t = SuppressionEntry.__table__
    created = data.get("suppression_added", [])
    for start in range(0, len(created), _CHUNK):
        session.execute(
            delete(suppression_t).where(suppression_t.c.id.in_(created[start : start + _CHUNK]))
        )
    for row in data.get("suppression_before", []):
        values = _loaded(suppression_t, row)
        ident = values.pop("id")
        result = session.execute(
            update(suppression_t).where(suppression_t.c.id == ident).values(values)
        )
        if result.rowcount == 0:
            session.execute(insert(suppression_t).values({"id": ident, **values}))

    current = survivor_row
    restore = {
        k: before
        for k, (before, after) in data["survivor_changed"].items()
        if current.get(k) == after
    }
    restore.setdefault("updated_at", current["updated_at"])  # never touched by onupdate
    with_display_name(restore, current)  # the sort key of the names as restored
    session.execute(
        update(_CUSTOMER).where(_CUSTOMER.c.id == survivor_id).values(_loaded(_CUSTOMER, restore))
    )

    target_t = SavedTarget.__table__
    for item in data.get("targets", []):
        text = session.execute(
            select(target_t.c.definition).where(target_t.c.id == item["id"])
        ).scalar_one_or_none()
        if text is None:
            continue
        if text == item["after"]:
            new_text = item["before"]
        else:
            try:
                definition = json.loads(text)
            except (json.JSONDecodeError, TypeError):
                continue
            removed = set(definition.get("removed") or [])
            removed.add(merged_id)
            if not item["had_survivor"]:
                removed.discard(survivor_id)
            definition["removed"] = sorted(removed, key=_sort_key)
            new_text = json.dumps(definition, ensure_ascii=False)
        session.execute(
            update(target_t).where(target_t.c.id == item["id"]).values(definition=new_text)
        )

    log.undone_at = utcnow()
    log.undone_by = who or ""
    session.flush()
    session.expire_all()


def past_merges(session: Session, limit: int = 500) -> list[MergeInfo]:
    """The latest merges first."""
    t = CustomerMerge.__table__
    rows = session.execute(
        select(
            t.c.id,
            t.c.merged_at,
            t.c.who,
            t.c.survivor_id,
            t.c.survivor_name,
            t.c.survivor_dms_ref,
            t.c.merged_id,
            t.c.merged_name,
            t.c.merged_dms_ref,
            t.c.score,
            t.c.reasons,
            t.c.undone_at,
            t.c.undone_by,
        )
        .order_by(t.c.merged_at.desc(), t.c.id.desc())
        .limit(limit)
    )
    return [MergeInfo(*row) for row in rows]


# --- the two records side by side ---------------------------------------------------------------

#: What the merge screen shows of each record, in order (fields of the customer, then counts).
SUMMARY_FIELDS = (
    "dms_ref",
    "site",
    "civility",
    "last_name",
    "first_name",
    "company_name",
    "address1",
    "address2",
    "postal_code",
    "city",
    "phone_mobile",
    "phone_home",
    "phone_work",
    "email",
    "birth_date",
    "vehicles",
    "invoices",
    "sales",
    "contacts",
    "sms",
    "refusals",
    "created_at",
)


def customer_summary(session: Session, customer_id: int, lang: str | None = None) -> dict[str, str]:
    """The record as the merge screen shows it: field → text (empty when there is nothing);
    raises :class:`MergeError` when the customer no longer exists."""
    from app.i18n import format_count

    customer = session.get(Customer, customer_id)
    if customer is None:
        raise MergeError(
            _("One of the two customers no longer exists: search for duplicates again.", lang)
        )
    out: dict[str, str] = {}
    for name in SUMMARY_FIELDS:
        if hasattr(Customer, name) and name != "site":
            value = getattr(customer, name)
            if isinstance(value, dt.datetime):
                out[name] = format_date(value.date(), lang)
            elif isinstance(value, dt.date):
                out[name] = format_date(value, lang)
            else:
                out[name] = "" if value is None else str(value)
    out["site"] = customer.site.name if customer.site else ""
    tables = Base.metadata.tables
    for key, table, column in (
        ("vehicles", "vehicle", "owner_id"),
        ("invoices", "workshop_invoice", "customer_id"),
        ("sales", "vehicle_sale", "customer_id"),
        ("contacts", "contact_history", "customer_id"),
        ("sms", "sms_message", "customer_id"),
    ):
        t = tables[table]
        n = session.scalar(select(func.count()).select_from(t).where(t.c[column] == customer_id))
        out[key] = format_count(n or 0, lang)
    refused = [channel for channel in Channel if current_refusal(customer, channel) is not None]
    out["refusals"] = ", ".join(_(CHANNEL_NAMES[c], lang) for c in refused)
    return out


#: Channel names as the merge screen lists refusals.
CHANNEL_NAMES = {
    Channel.POST: N_("post"),
    Channel.PHONE_HOME: N_("home phone"),
    Channel.PHONE_WORK: N_("work phone"),
    Channel.PHONE_MOBILE: N_("mobile phone"),
    Channel.SMS: N_("SMS"),
    Channel.FAX: N_("fax"),
    Channel.EMAIL: N_("e-mail"),
}
