"""The permission model (app.models.permissions): history, current state, suppression lists,
CASL expiry and the import rule — and that a refusal is never lost."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import Customer, PermissionEvent, Site, SuppressionEntry
from app.models.enums import (
    BasisKind,
    Channel,
    MarketingBasis,
    PermissionEventKind,
    SuppressionKind,
)
from app.models.permissions import (
    IncomingPermission,
    SuppressionBatch,
    apply_import_permissions,
    apply_import_permissions_many,
    current_refusal,
    effective_basis,
    implied_expiry,
    is_email_suppressed,
    is_phone_suppressed,
    normalise_email,
    record_basis,
    record_refusal,
    suppress_phone,
    suppressed_phones,
    withdraw_refusal,
)

D = dt.date
IMPORT = "Import DMS 02/12/2026"


def _customer(s, ref="1", country="FR", site_country="FR", **kw) -> Customer:
    site = Site(code=f"S{ref}", name="Garage", country=site_country)
    customer = Customer(dms_ref=ref, site=site, country=country, last_name="GIRARD", **kw)
    s.add_all([site, customer])
    s.flush()
    return customer


def test_refusal_is_history_and_cache(database) -> None:
    with database.session() as s:
        c = _customer(s, phone_mobile="06 12 34 56 78", email=" Paul.Girard@Example.FR ")
        record_refusal(s, c, Channel.SMS, D(2026, 3, 1), "Saisie Cible", "amelie")
        record_refusal(s, c, Channel.EMAIL, D(2026, 3, 2), "Saisie Cible", "amelie")
        assert (c.optout_sms, c.optout_sms_date, c.optout_sms_source) == (
            True,
            D(2026, 3, 1),
            "Saisie Cible",
        )
        assert c.optout_email and not c.optout_post
        s.flush()
        assert is_phone_suppressed(s, "+33612345678", Channel.SMS)
        assert not is_phone_suppressed(s, "+33612345678", Channel.PHONE_HOME)
        assert is_email_suppressed(s, "paul.girard@example.fr")
        assert is_email_suppressed(s, "PAUL.GIRARD@example.fr ")
        events = s.scalars(select(PermissionEvent).order_by(PermissionEvent.id)).all()
        assert [(e.channel, e.kind, e.who) for e in events] == [
            (Channel.SMS, PermissionEventKind.REFUSAL, "amelie"),
            (Channel.EMAIL, PermissionEventKind.REFUSAL, "amelie"),
        ]


def test_withdrawal_needs_a_person_and_lifts_only_that_customers_entries(database) -> None:
    with database.session() as s:
        girard = _customer(s, "1", phone_mobile="0612345678")
        girrard = _customer(s, "2", phone_mobile="+33 6 12 34 56 78")
        record_refusal(s, girard, Channel.SMS, D(2026, 1, 5), "Saisie Cible", "amelie")
        with pytest.raises(ValueError):
            withdraw_refusal(s, girard, Channel.SMS, D(2026, 2, 1), "Saisie Cible", "")
        record_refusal(s, girrard, Channel.SMS, D(2026, 1, 4), "Saisie Cible", "paul")
        s.flush()
        # one entry per number: the newer date (GIRARD's) is kept
        entry = s.scalar(select(SuppressionEntry))
        assert (entry.entry_date, entry.customer_id) == (D(2026, 1, 5), girard.id)
        withdraw_refusal(s, girard, Channel.SMS, D(2026, 2, 1), "Saisie Cible", "amelie")
        assert not girard.optout_sms and girrard.optout_sms
        s.flush()
        assert not is_phone_suppressed(s, "+33612345678")


def test_a_stop_entry_survives_a_withdrawal(database) -> None:
    with database.session() as s:
        c = _customer(s, phone_mobile="0612345678")
        suppress_phone(s, "+33612345678", Channel.SMS, D(2026, 1, 1), "STOP SMS")
        record_refusal(s, c, Channel.SMS, D(2026, 1, 1), "STOP SMS")
        withdraw_refusal(s, c, Channel.SMS, D(2026, 2, 1), "Saisie Cible", "amelie")
        s.flush()
        assert not c.optout_sms
        assert suppressed_phones(s, ["+33612345678", "+33700000000"]) == {"+33612345678"}


def test_a_withdrawal_dated_before_the_refusal_lifts_nothing(database) -> None:
    with database.session() as s:
        c = _customer(s, phone_mobile="0612345678")
        record_refusal(s, c, Channel.SMS, D(2026, 3, 1), "Saisie Cible", "amelie")
        s.flush()
        withdraw_refusal(s, c, Channel.SMS, D(2026, 2, 1), "Saisie Cible", "paul")
        s.flush()
        assert c.optout_sms and current_refusal(c, Channel.SMS).event_date == D(2026, 3, 1)
        assert is_phone_suppressed(s, "+33612345678")  # the list follows the refusal in force


def test_numbers_are_read_with_the_customers_country_then_the_sites(database) -> None:
    with database.session() as s:
        swiss = _customer(s, "1", country="CH", site_country="FR", phone_mobile="079 123 45 67")
        record_refusal(s, swiss, Channel.SMS, D(2026, 1, 1), "Saisie Cible", "x")
        s.flush()
        assert is_phone_suppressed(s, "+41791234567")


def test_a_landline_is_not_listed_for_sms_but_for_its_own_channel(database) -> None:
    with database.session() as s:
        c = _customer(s, phone_home="02 47 11 22 33")
        record_refusal(s, c, Channel.SMS, D(2026, 1, 1), "Saisie Cible", "x")
        record_refusal(s, c, Channel.PHONE_HOME, D(2026, 1, 1), "Saisie Cible", "x")
        s.flush()
        assert not is_phone_suppressed(s, "+33247112233", Channel.SMS)
        assert is_phone_suppressed(s, "+33247112233", Channel.PHONE_HOME)


def test_casl_implied_consent_lapses_for_canadians_only(database) -> None:
    assert implied_expiry(BasisKind.IMPLIED_PURCHASE, D(2024, 2, 29)) == D(2026, 2, 28)
    assert implied_expiry(BasisKind.IMPLIED_INQUIRY, D(2026, 1, 31)) == D(2026, 7, 31)
    assert implied_expiry(BasisKind.CONSENT, D(2026, 1, 31)) is None
    with database.session() as s:
        quebec = _customer(s, "1", country="CA", site_country="CA")
        record_basis(s, quebec, Channel.EMAIL, BasisKind.IMPLIED_INQUIRY, D(2026, 1, 10), "Web")
        assert (
            effective_basis(quebec, Channel.EMAIL, D(2026, 7, 9)).basis is BasisKind.IMPLIED_INQUIRY
        )
        assert effective_basis(quebec, Channel.EMAIL, D(2026, 7, 10)) is None
        record_basis(s, quebec, Channel.EMAIL, BasisKind.CONSENT, D(2025, 6, 1), "Formulaire")
        # the express consent given earlier still holds when the implied one lapses
        assert effective_basis(quebec, Channel.EMAIL, D(2026, 8, 1)).basis is BasisKind.CONSENT
        french = _customer(s, "2")
        record_basis(s, french, Channel.SMS, BasisKind.IMPLIED_PURCHASE, D(2020, 1, 1), "Vente")
        assert effective_basis(french, Channel.SMS, D(2026, 1, 1)) is not None
        assert french.marketing_basis is MarketingBasis.CONSENT


def test_a_refusal_ends_the_bases_given_before_it(database) -> None:
    with database.session() as s:
        c = _customer(s)
        record_basis(s, c, Channel.SMS, BasisKind.CONSENT, D(2025, 1, 1), "Formulaire")
        record_refusal(s, c, Channel.SMS, D(2025, 6, 1), "STOP SMS")
        assert effective_basis(c, Channel.SMS, D(2026, 1, 1)) is None
        assert c.marketing_basis is MarketingBasis.NONE
        withdraw_refusal(s, c, Channel.SMS, D(2025, 7, 1), "Saisie Cible", "amelie")
        assert effective_basis(c, Channel.SMS, D(2026, 1, 1)) is None  # consent must be given again
        record_basis(s, c, Channel.SMS, BasisKind.CONSENT, D(2025, 8, 1), "Formulaire")
        assert effective_basis(c, Channel.SMS, D(2026, 1, 1)).event_date == D(2025, 8, 1)
        assert c.marketing_basis is MarketingBasis.CONSENT


def test_import_adds_never_removes_and_newer_date_wins(database) -> None:
    with database.session() as s:
        c = _customer(s, email="a@example.fr")
        record_refusal(s, c, Channel.POST, D(2026, 1, 10), "Saisie Cible", "amelie")
        # the file says nothing of a refusal: nothing changes
        assert (
            apply_import_permissions(
                s, c, [IncomingPermission(Channel.POST)], IMPORT, D(2026, 12, 2)
            )
            == []
        )
        assert c.optout_post
        # an older refusal date: the one held stays
        older = IncomingPermission(Channel.POST, refused=True, refusal_date=D(2025, 1, 1))
        assert apply_import_permissions(s, c, [older], IMPORT, D(2026, 12, 2)) == []
        # a newer one wins, with the import's source
        newer = IncomingPermission(Channel.POST, refused=True, refusal_date=D(2026, 11, 1))
        assert len(apply_import_permissions(s, c, [newer], IMPORT, D(2026, 12, 2))) == 1
        assert (c.optout_post_date, c.optout_post_source) == (D(2026, 11, 1), IMPORT)
        # a new refusal without a date is dated by the import
        undated = IncomingPermission(Channel.EMAIL, refused=True)
        apply_import_permissions(s, c, [undated], IMPORT, D(2026, 12, 2))
        assert (c.optout_email, c.optout_email_date) == (True, D(2026, 12, 2))
        s.flush()
        assert is_email_suppressed(s, "A@example.fr")
        # a basis is added once
        basis = IncomingPermission(Channel.SMS, basis=BasisKind.CONSENT, basis_date=D(2026, 5, 5))
        assert len(apply_import_permissions(s, c, [basis], IMPORT, D(2026, 12, 2))) == 1
        assert apply_import_permissions(s, c, [basis], IMPORT, D(2026, 12, 2)) == []
        assert c.marketing_basis is MarketingBasis.CONSENT
        assert c.marketing_basis_source == IMPORT


def test_import_does_not_bring_back_a_refusal_withdrawn_in_cible(database) -> None:
    with database.session() as s:
        c = _customer(s)
        record_refusal(s, c, Channel.POST, D(2025, 1, 10), IMPORT)
        withdraw_refusal(s, c, Channel.POST, D(2026, 3, 1), "Saisie Cible", "amelie")
        stale = IncomingPermission(Channel.POST, refused=True, refusal_date=D(2025, 1, 10))
        assert apply_import_permissions(s, c, [stale], IMPORT, D(2026, 12, 2)) == []
        assert not c.optout_post
        fresh = IncomingPermission(Channel.POST, refused=True, refusal_date=D(2026, 6, 1))
        apply_import_permissions(s, c, [fresh], IMPORT, D(2026, 12, 2))
        assert c.optout_post


# --- a refusal is never lost -----------------------------------------------------------------

_channels = st.sampled_from([Channel.SMS, Channel.POST, Channel.EMAIL])
_dates = st.dates(D(2020, 1, 1), D(2026, 12, 31))
_incoming = st.builds(
    IncomingPermission,
    channel=_channels,
    refused=st.booleans(),
    refusal_date=st.none() | _dates,
    basis=st.none() | st.sampled_from(list(BasisKind)),
    basis_date=st.none() | _dates,
)
_step = st.one_of(
    st.tuples(st.just("import"), st.lists(_incoming, max_size=4)),
    st.tuples(st.just("refuse"), _channels),
    st.tuples(st.just("withdraw"), _channels),
    st.tuples(st.just("basis"), _channels),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(_step, max_size=12))
def test_a_refusal_recorded_in_cible_is_never_lost(database, steps) -> None:
    """Whatever imports bring, a refusal typed in Cible (or a STOP) stays in force until a person
    withdraws it in Cible; the cache always says what the history says."""
    with database.sessions() as s:
        c = _customer(s, ref=str(id(steps)), phone_mobile="0612345678", email="x@example.fr")
        held: dict[Channel, bool] = {}
        today = D(2026, 1, 1)
        for n, (action, arg) in enumerate(steps):
            today += dt.timedelta(days=1 + n)  # the people in Cible act day after day
            if action == "import":
                apply_import_permissions(s, c, arg, f"Import DMS {today}", today)
            elif action == "refuse":
                record_refusal(s, c, arg, today, "Saisie Cible", "amelie")
                held[arg] = True
            elif action == "withdraw":
                withdraw_refusal(s, c, arg, today, "Saisie Cible", "amelie")
                held[arg] = False
            else:
                record_basis(s, c, arg, BasisKind.CONSENT, today, "Saisie Cible", "amelie")
            for channel in (Channel.SMS, Channel.POST, Channel.EMAIL):
                flag = getattr(c, f"optout_{channel.value}")
                assert flag == (current_refusal(c, channel) is not None)
                if held.get(channel):
                    assert flag, f"refusal of {channel} lost after {action}"
                    assert effective_basis(c, channel, today) is None
        s.rollback()


_history = st.lists(
    st.tuples(st.sampled_from(["refuse", "withdraw", "basis", "implied"]), _channels, _dates),
    max_size=6,
)
_CACHED = [
    *(f"optout_{ch.value}{end}" for ch in Channel for end in ("", "_date", "_source")),
    "marketing_basis",
    "marketing_basis_date",
    "marketing_basis_source",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    history=_history,
    incoming=st.lists(_incoming, max_size=5),
    others=st.lists(_incoming, max_size=3),
    site_country=st.sampled_from(["FR", "CA"]),
)
def test_an_import_batch_records_what_one_by_one_records(
    database, history, incoming, others, site_country
) -> None:
    """apply_import_permissions_many (an import's batch, no ORM objects) ends with the same
    history, cache and suppression entries as apply_import_permissions customer by customer."""
    results = []
    for batched in (False, True):
        with database.sessions() as s:
            ref = f"{id(history)}-{batched}"
            people = [
                _customer(
                    s,
                    f"{ref}-{i}",
                    country="",
                    site_country=site_country,
                    phone_mobile="0612345678",
                    phone_home="0247000000",
                    email=f"p{i}@example.fr",
                )
                for i in range(2)
            ]
            c = people[0]
            for action, channel, day in history:
                if action == "refuse":
                    record_refusal(s, c, channel, day, "Saisie Cible", "amelie")
                elif action == "withdraw":
                    withdraw_refusal(s, c, channel, day, "Saisie Cible", "amelie")
                else:
                    kind = BasisKind.CONSENT if action == "basis" else BasisKind.IMPLIED_PURCHASE
                    record_basis(s, c, channel, kind, day, "Saisie Cible", "amelie")
            s.flush()
            today = D(2026, 12, 2)
            batch = SuppressionBatch()
            wanted = {people[0].id: incoming, people[1].id: others}
            if batched:
                got = apply_import_permissions_many(
                    s, wanted, IMPORT, today, "job", suppressions=batch
                )
            else:
                got = {
                    person.id
                    for person in people
                    if apply_import_permissions(
                        s, person, wanted[person.id], IMPORT, today, "job", suppressions=batch
                    )
                }
            batch.write(s)
            s.flush()
            s.expire_all()
            index = {person.id: i for i, person in enumerate(people)}
            events = [
                (index[e.customer_id], e.channel, e.kind, e.basis, e.event_date, e.expires_on,
                 e.source, e.who)
                for e in s.scalars(select(PermissionEvent))
            ]  # fmt: skip
            caches = [[getattr(person, name) for name in _CACHED] for person in people]
            entries = [
                (e.kind, e.value, e.channel, e.entry_date, e.source, index.get(e.customer_id))
                for e in s.scalars(select(SuppressionEntry))
            ]
            events.sort(key=repr)  # dates and None: compared as text
            entries.sort(key=repr)
            results.append((sorted(index[i] for i in got), events, caches, entries))
            s.rollback()
    assert results[1] == results[0]


def test_normalise_email() -> None:
    assert normalise_email("  Jean.Dupont@Example.FR ") == "jean.dupont@example.fr"
    assert normalise_email("pas une adresse") == ""
    assert normalise_email(None) == ""


_suppressions = st.lists(
    st.tuples(
        st.sampled_from(["+33612345678", "+33698765432"]),
        st.sampled_from([Channel.SMS, Channel.PHONE_MOBILE]),
        st.one_of(st.none(), st.dates(D(2025, 1, 1), D(2025, 1, 5))),
        st.integers(0, 2),  # which customer
    ),
    max_size=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(listed=_suppressions, incoming=_suppressions)
def test_a_suppression_batch_writes_what_one_by_one_writes(database, listed, incoming) -> None:
    """The import's batch (one query for the listed entries) ends with the same entries as
    suppress_phone called for each refusal in turn: a newer date wins, in the same order."""

    def entries(s) -> list[tuple]:
        rows = s.scalars(select(SuppressionEntry).order_by(SuppressionEntry.value))
        return sorted(
            (e.kind, e.value, e.channel, e.entry_date, e.source, e.customer_id) for e in rows
        )

    results = []
    for batched in (False, True):
        with database.sessions() as s:
            people = [_customer(s, ref=f"{id(listed)}-{batched}-{i}") for i in range(3)]
            for value, channel, day, who in listed:
                suppress_phone(s, value, channel, day, "STOP SMS", customer=people[who])
            s.flush()
            batch = SuppressionBatch()
            for value, channel, day, who in incoming:
                source = f"Import {who}"
                if batched:
                    batch.add(SuppressionKind.PHONE, value, channel, day, source, None, people[who])
                else:
                    suppress_phone(s, value, channel, day, source, customer=people[who])
            batch.write(s)
            s.flush()
            ids = {c.id: i for i, c in enumerate(people)}
            results.append([(*e[:5], ids.get(e[5])) for e in entries(s)])
            s.rollback()
    assert results[0] == results[1]
