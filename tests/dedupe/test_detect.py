"""Finding duplicate customers (app.dedupe.detect, app.dedupe.keys)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.dedupe.detect import find_duplicates
from app.dedupe.keys import mobile_key, postal_key, street_key, text_key
from app.models import Site, Vehicle

from .sample import add_customer


def _pairs(database, **kw):
    with database.engine.connect() as conn:
        return {
            (c.a_name, c.b_name): c for c in find_duplicates(conn, lang="en", **kw)
        }


def test_keys() -> None:
    assert mobile_key("06 12 34 56 78") == "+33612345678"
    assert mobile_key("0033 612345678") == mobile_key("+33 6 12 34 56 78") == "+33612345678"
    assert mobile_key("02 47 12 34 56") == ""  # a landline
    assert mobile_key("+41 79 123 45 67", "FR") == "+41791234567"
    assert mobile_key("079 123 45 67", "CH") == "+41791234567"
    assert mobile_key("n/a") == ""
    assert postal_key("1000") == "01000" and postal_key("37 000") == "37000"
    assert postal_key("1000", "CH") == "1000"
    assert street_key("12 av. Foch") == street_key("12 AVENUE FOCH") == "12 AVENUE FOCH"
    assert text_key("Dupré-Lefèvre") == "DUPRE LEFEVRE"


@given(st.from_regex(r"0[67][0-9]{8}", fullmatch=True))
def test_every_shape_of_a_french_mobile_has_one_key(digits: str) -> None:
    spaced = " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    international = "+33 " + digits[1:]
    assert mobile_key(digits) == mobile_key(spaced) == mobile_key(international) == "+33" + digits[1:]


def test_finds_close_names_accents_and_inverted_names(database) -> None:
    with database.session() as s:
        site = Site(code="T", name="Tours")
        s.add(site)
        add_customer(s, site, "1", "GIRARD", "Paul", postal_code="37000", address1="12 AVENUE FOCH")
        add_customer(s, site, "2", "GIRRARD", "Paul", postal_code="37000", address1="12 av. Foch")
        add_customer(s, site, "3", "BENOÎT", "Véronique", postal_code="45000", address1="3 RUE DE LA GARE")
        add_customer(s, site, "4", "Benoit", "Veronique", postal_code="45000", address1="3 R DE LA GARE")
        add_customer(s, site, "5", "MOREAU", "Hélène", postal_code="41000", email="h.moreau@example.fr")
        add_customer(s, site, "6", "Hélène", "MOREAU", postal_code="41000", email="H.Moreau@Example.fr ")
        # the same name in the same town, different addresses and mobiles: two people
        add_customer(s, site, "7", "MARTIN", "Jean", postal_code="37000", address1="1 RUE A", phone_mobile="0611111111")
        add_customer(s, site, "8", "MARTIN", "Jean", postal_code="37000", address1="9 RUE B", phone_mobile="0622222222")
        # one household: same phone, address and e-mail, two first names
        add_customer(s, site, "9", "DURAND", "Marie", postal_code="37000", address1="5 RUE C", phone_mobile="0633333333", email="durand@example.fr")
        add_customer(s, site, "10", "DURAND", "Pierre", postal_code="37000", address1="5 RUE C", phone_mobile="06 33 33 33 33", email="durand@example.fr")
    found = _pairs(database)
    girard = found[("GIRARD Paul", "GIRRARD Paul")]
    assert 60 <= girard.score < 80
    assert girard.reason_text("en") == (
        "names close (GIRARD Paul / GIRRARD Paul) · same postal code 37000 · same street"
    )
    assert "noms proches" in girard.reason_text("fr")  # translated
    benoit = found[("BENOÎT Véronique", "Benoit Veronique")]
    assert benoit.score == 70 and "same name" in benoit.reason_text("en")
    moreau = found[("MOREAU Hélène", "Hélène MOREAU")]
    assert "first and last names inverted" in moreau.reason_text("en")
    assert "same e-mail h.moreau@example.fr" in moreau.reason_text("en")
    assert moreau.score >= 80
    assert ("MARTIN Jean", "MARTIN Jean") not in found
    assert ("DURAND Marie", "DURAND Pierre") not in found
    household = _pairs(database, threshold=0)[("DURAND Marie", "DURAND Pierre")]
    assert household.score <= 50 and "first names differ" in household.reason_text("en")
    assert list(found.values()) == sorted(found.values(), key=lambda c: -c.score)


def test_the_same_vin_under_two_customers(database) -> None:
    with database.session() as s:
        site = Site(code="T", name="Tours")
        s.add(site)
        a = add_customer(s, site, "1", "LEROY", "Anne", postal_code="37000")
        b = add_customer(s, site, "2", "LEROY", "A.", postal_code="37300")
        for owner in (a, b):
            s.add(Vehicle(owner=owner, vin="VF1AAAAAA11111111", plate="AA-111-AA"))
    [pair] = _pairs(database).values()
    assert "same VIN VF1AAAAAA11111111 under both" in pair.reason_text("en")
    assert "an initial for the first name" in pair.reason_text("en")
    assert pair.score >= 80


def test_progress_is_reported_and_can_cancel(database) -> None:
    seen = []

    class Stop(Exception):
        pass

    def progress(done, total, text):
        seen.append((done, total))
        if done == 3:
            raise Stop

    with database.engine.connect() as conn:
        try:
            find_duplicates(conn, progress=progress)
        except Stop:
            pass
        else:  # pragma: no cover - the test fails
            raise AssertionError("not cancelled")
    assert seen == [(0, 5), (1, 5), (2, 5), (3, 5)]
