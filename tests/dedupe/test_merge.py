"""Merging two records of one person, and undoing it (app.dedupe.merge)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.dedupe.merge import (
    MergeError,
    customer_references,
    merge_customers,
    past_merges,
    undo_merge,
)
from app.models import Base, Customer, CustomerAlias, PermissionEvent, SavedTarget
from app.models.enums import Channel, PermissionEventKind
from app.models.permissions import (
    current_refusal,
    is_email_suppressed,
    is_phone_suppressed,
    record_refusal,
    withdraw_refusal,
)

from .sample import D, add_customer, add_life, girard_pair, saved_target

TODAY = D(2026, 12, 3)


def dump(s) -> dict[str, list[tuple]]:
    """Every row of every table but the merge log, in id order."""
    s.flush()
    out = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "customer_merge":
            continue
        out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*table.primary_key))]
    return out


def count(s, table: str, customer_id: int) -> int:
    t = Base.metadata.tables[table]
    column = "owner_id" if table == "vehicle" else "customer_id"
    return s.scalar(select(func.count()).select_from(t).where(t.c[column] == customer_id))


def test_every_reference_to_a_customer_is_known() -> None:
    names = {f"{t.name}.{c}" for t, c in customer_references()}
    assert {
        "vehicle.owner_id", "ownership.customer_id", "workshop_invoice.customer_id",
        "vehicle_sale.customer_id", "contact_history.customer_id", "sms_message.customer_id",
        "permission_event.customer_id", "suppression_entry.customer_id",
        "customer_alias.customer_id",
    } <= names  # fmt: skip


def test_merge_moves_everything_to_the_survivor_and_keeps_its_reference(database) -> None:
    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        g, gg = girard.id, girrard.id
        merge_id = merge_customers(s, g, gg, who="amelie", score=93, reasons="same mobile", today=TODAY)
        assert s.get(Customer, gg) is None
        survivor = s.get(Customer, g)
        assert survivor.dms_ref == "C001"  # the survivor's reference is kept
        assert survivor.last_name == "GIRARD" and survivor.address1 == "12 AVENUE FOCH"
        # empty fields filled from the merged record
        assert survivor.email == "paul.girard@example.fr"
        assert survivor.birth_date == D(1970, 5, 4)
        for table, n in (("vehicle", 3), ("ownership", 3), ("workshop_invoice", 3),
                         ("vehicle_sale", 3), ("contact_history", 3), ("sms_message", 3)):  # fmt: skip
            assert count(s, table, g) == n, table
            assert count(s, table, gg) == 0, table
        aliases = {a.dms_ref: a.customer_id for a in s.scalars(select(CustomerAlias))}
        assert aliases == {"C777": g, "OLD-777": g}  # the merged reference and its own aliases
        [info] = past_merges(s)
        assert (info.id, info.survivor_ref, info.merged_ref, info.score, info.who) == (
            merge_id, "C001", "C777", 93, "amelie",
        )  # fmt: skip
        assert info.merged_name == "GIRRARD Paul" and info.undone_at is None


def test_refusals_are_united_and_never_lost(database) -> None:
    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        # GIRARD refused post long ago, then asked to be written to again
        record_refusal(s, girard, Channel.POST, D(2022, 1, 1), "Import DMS", None)
        withdraw_refusal(s, girard, Channel.POST, D(2025, 6, 1), "Saisie Cible", "amelie")
        # GIRRARD refused post in 2023 (before GIRARD's withdrawal) and e-mail
        record_refusal(s, girrard, Channel.POST, D(2023, 3, 1), "Import DMS", None)
        record_refusal(s, girrard, Channel.EMAIL, D(2024, 3, 1), "STOP", None)
        assert not girard.optout_post
        g, gg = girard.id, girrard.id
        merge_customers(s, g, gg, who="paul", today=TODAY)
        survivor = s.get(Customer, g)
        assert survivor.optout_post and survivor.optout_email
        assert survivor.optout_email_date == D(2024, 3, 1)
        # the post refusal is kept with the merge's date (GIRARD's own withdrawal came later
        # than GIRRARD's refusal date) and says where it came from
        refusal = current_refusal(survivor, Channel.POST)
        assert refusal.event_date == TODAY and refusal.source.startswith("Merge of duplicates")
        # both histories are the survivor's now
        kinds = [(e.channel, e.kind) for e in survivor.permission_events]
        assert kinds.count((Channel.POST, PermissionEventKind.REFUSAL)) == 3
        assert s.scalar(select(func.count()).select_from(PermissionEvent).where(
            PermissionEvent.customer_id == gg)) == 0  # fmt: skip
        assert is_email_suppressed(s, "paul.girard@example.fr")


def test_saved_targets_remove_the_survivor_instead(database) -> None:
    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        other = add_customer(s, site, "C9", "MARTIN", "Luc")
        g, gg = girard.id, girrard.id
        only_merged = saved_target(s, "Rappel", [gg, other.id])
        both = saved_target(s, "Promo", [g, gg])
        untouched = saved_target(s, "Autre", [other.id])
        before = {t.id: t.definition for t in (only_merged, both, untouched)}
        merge_id = merge_customers(s, g, gg, today=TODAY)
        s.expire_all()
        removed = {t.name: json.loads(t.definition)["removed"] for t in s.scalars(select(SavedTarget))}
        assert removed == {"Rappel": sorted([g, other.id]), "Promo": [g], "Autre": [other.id]}
        undo_merge(s, merge_id)
        s.expire_all()
        assert {t.id: t.definition for t in s.scalars(select(SavedTarget))} == before


def test_undo_restores_both_records_exactly(database) -> None:
    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        record_refusal(s, girrard, Channel.SMS, D(2024, 1, 2), "STOP SMS", None)
        saved_target(s, "Rappel", [girrard.id])
        before = dump(s)
        merge_id = merge_customers(s, girard.id, girrard.id, today=TODAY)
        assert dump(s) != before
        undo_merge(s, merge_id, who="amelie")
        assert dump(s) == before
        [info] = past_merges(s)
        assert info.undone_at is not None and info.undone_by == "amelie"
        with pytest.raises(MergeError, match="already undone"):
            undo_merge(s, merge_id)


def test_undo_keeps_what_changed_since(database) -> None:
    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        g, gg = girard.id, girrard.id
        merge_id = merge_customers(s, g, gg, today=TODAY)
        survivor = s.get(Customer, g)
        survivor.city = "TOURS CEDEX"  # typed after the merge: stays
        new_vehicle = add_life(s, site, survivor, 9)
        s.flush()
        undo_merge(s, merge_id)
        s.expire_all()
        assert s.get(Customer, g).city == "TOURS CEDEX"
        assert s.get(Customer, gg).email == "paul.girard@example.fr"
        assert s.get(Customer, g).email is None  # filled by the merge: given back
        assert s.get(type(new_vehicle), new_vehicle.id).owner_id == g


def test_undo_refuses_when_the_survivor_was_merged_since(database) -> None:
    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        third = add_customer(s, site, "C5", "GIRARD", "P.")
        first = merge_customers(s, girard.id, girrard.id, today=TODAY)
        second = merge_customers(s, third.id, girard.id, today=TODAY)
        with pytest.raises(MergeError, match="undo that merge first"):
            undo_merge(s, first)
        before_second = dump(s)
        undo_merge(s, second)
        undo_merge(s, first)
        assert s.get(Customer, girrard.id) is not None
        assert dump(s) != before_second


def test_a_customer_is_not_merged_with_itself(database) -> None:
    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        with pytest.raises(MergeError):
            merge_customers(s, girard.id, girard.id)
        with pytest.raises(MergeError, match="no longer exists"):
            merge_customers(s, girard.id, 999_999)


_CHANNELS = st.sampled_from(list(Channel))
_EVENT = st.tuples(
    st.sampled_from(["refuse", "withdraw"]), _CHANNELS, st.integers(0, 2000)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    events_a=st.lists(_EVENT, max_size=5),
    events_b=st.lists(_EVENT, max_size=5),
    lives_a=st.integers(0, 2),
    lives_b=st.integers(0, 2),
    email_a=st.sampled_from([None, "", "paul@example.fr"]),
    email_b=st.sampled_from([None, "paul@example.fr", "p.g@example.fr"]),
    removed=st.lists(st.sampled_from(["a", "b", "other"]), max_size=3),
    survivor_first=st.booleans(),
)
def test_merge_then_undo_is_identity(
    database, events_a, events_b, lives_a, lives_b, email_a, email_b, removed, survivor_first
) -> None:
    """A merge followed by its undo leaves every table as it was, and while merged, every
    channel either record refused is refused."""
    with database.engine.begin() as conn:  # a clean database for each example
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    with database.session() as s:
        site, a, b = girard_pair(s)
        a.email, b.email = email_a, email_b
        other = add_customer(s, site, "C9", "MARTIN", "Luc")
        for n in range(lives_a):
            add_life(s, site, a, 10 + n)
        for n in range(lives_b):
            add_life(s, site, b, 20 + n)
        for customer, events in ((a, events_a), (b, events_b)):
            for kind, channel, days in sorted(events, key=lambda e: e[2]):
                day = D(2020, 1, 1) + dt.timedelta(days=days)
                if kind == "refuse":
                    record_refusal(s, customer, channel, day, "Import DMS", None)
                else:
                    withdraw_refusal(s, customer, channel, day, "Saisie Cible", "amelie")
        ids = {"a": a.id, "b": b.id, "other": other.id}
        saved_target(s, "T", [ids[k] for k in set(removed)])
        survivor, merged = (a, b) if survivor_first else (b, a)
        refused = {
            ch for ch in Channel
            if current_refusal(a, ch) is not None or current_refusal(b, ch) is not None
        }  # fmt: skip
        phones = {"+33612345678"} if refused & {Channel.SMS, Channel.PHONE_MOBILE} else set()
        before = dump(s)
        merge_id = merge_customers(s, survivor.id, merged.id, today=TODAY)
        kept = s.get(Customer, survivor.id)
        assert {ch for ch in Channel if getattr(kept, f"optout_{ch.value}")} == refused
        for number in phones:
            assert is_phone_suppressed(s, number, Channel.SMS) or is_phone_suppressed(
                s, number, Channel.PHONE_MOBILE
            )
        undo_merge(s, merge_id)
        assert dump(s) == before


def test_a_cancelled_merge_changes_nothing(database) -> None:
    class Stop(Exception):
        pass

    def progress(done, total, text):
        if done == 4:  # after the rows moved and the refusals united
            raise Stop

    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        record_refusal(s, girrard, Channel.SMS, D(2024, 1, 2), "STOP SMS", None)
        ids = girard.id, girrard.id
        before = dump(s)
    with pytest.raises(Stop), database.session() as s:
        merge_customers(s, *ids, today=TODAY, progress=progress)
    with database.session() as s:
        assert dump(s) == before
        assert past_merges(s) == []
