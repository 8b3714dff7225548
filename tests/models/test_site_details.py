"""The sites' details: checked by kind, stored together or not at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import Site
from app.models.sites import (
    SITE_FIELDS,
    SiteError,
    SiteField,
    clean_site_value,
    save_site,
    site_values,
)

FIELDS = {f.column: f for f in SITE_FIELDS}


def test_every_detail_is_a_column_of_the_site_table() -> None:
    columns = set(Site.__table__.c.keys())
    assert {f.column for f in SITE_FIELDS} <= columns
    assert [f.column for f in SITE_FIELDS] == [
        "name",
        "address",
        "postal_code",
        "city",
        "phone",
        "email",
        "website",
        "booking_url",
        "subdivision",
    ]
    assert FIELDS["email"].max_length == 200 and FIELDS["postal_code"].max_length == 20


@pytest.mark.parametrize(
    ("column", "text", "stored"),
    [
        ("city", "  Saint-Pierre-des-Corps  ", "Saint-Pierre-des-Corps"),
        ("phone", "02 47  20 45 60", "02 47 20 45 60"),
        ("email", "atelier@garage-tours.fr", "atelier@garage-tours.fr"),
        ("website", "www.garage-tours.fr", "https://www.garage-tours.fr"),
        ("booking_url", "http://garage.fr/rdv?site=1", "http://garage.fr/rdv?site=1"),
        ("address", "", None),
        ("email", "   ", None),
    ],
)
def test_values_are_stored_tidy(column, text, stored) -> None:
    assert clean_site_value(FIELDS[column], text, "en") == stored


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("name", " ", "Name cannot be empty."),
        ("email", "atelier@garage", "E-mail: atelier@garage is not an e-mail address."),
        ("email", "atelier garage.fr", "is not an e-mail address"),
        ("website", "garage tours", "Website: https://garage tours is not a web address"),
        ("booking_url", "ftp://garage.fr", "is not a web address (https://…)"),
        ("postal_code", "1" * 21, "Postal code: at most 20 characters."),
    ],
)
def test_bad_values_are_refused_by_name(column, text, message) -> None:
    with pytest.raises(SiteError, match=message.replace("(", r"\(").replace(")", r"\)")):
        clean_site_value(FIELDS[column], text, "en")


def test_messages_are_french_for_french_users() -> None:
    with pytest.raises(SiteError, match="^E-mail : x n’est pas une adresse e-mail.$"):
        clean_site_value(FIELDS["email"], "x", "fr")


@given(st.text(max_size=60))
def test_a_text_detail_is_stored_as_typed_give_or_take_spaces(text) -> None:
    value = clean_site_value(SiteField("city", "City"), text)
    assert value == (" ".join(text.split()) or None)


def test_save_checks_everything_before_storing_anything(database) -> None:
    with database.session() as s:
        s.add(Site(code="TRS", name="Garage de Tours"))
    with database.session() as s:
        site_id = s.query(Site.id).scalar()
        with pytest.raises(SiteError, match="not an e-mail address"):
            save_site(s, site_id, {"city": "Tours", "email": "nope"}, "en")
    with database.session() as s:
        assert site_values(s.get(Site, site_id))["city"] == ""
        save_site(s, site_id, {"city": "Tours", "website": "garage.fr", "unknown": "x"})
    with database.session() as s:
        values = site_values(s.get(Site, site_id))
    assert values["city"] == "Tours" and values["website"] == "https://garage.fr"
    with database.session() as s, pytest.raises(SiteError, match="no longer exists"):
        save_site(s, 999, {"city": "x"}, "en")
