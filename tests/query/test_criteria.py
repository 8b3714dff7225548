"""Criteria: values typed or read from files, operators' values, relative dates, the sentence."""

from __future__ import annotations

import calendar
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import TargetError
from app.query.catalog import get_field
from app.query.criteria import (
    OPS_BY_TYPE,
    RELATIVE_OPS,
    Condition,
    Group,
    Op,
    format_date,
    node_from_dict,
    ops_for,
    parse_date,
    parse_value,
    shift,
)
from app.query.describe import describe_criteria
from app.query.engine import _split_fields, iter_rows
from app.query.target import Target
from app.query.targetfile import dumps_target
from tests.query.conftest import TODAY

D = dt.date


def cond(field: str, op: str, *values, **kw) -> Condition:
    return Condition(field, op, list(values), **kw)


def refused(func, *args, **kw) -> str:
    with pytest.raises(TargetError) as info:
        func(*args, **kw)
    return str(info.value)


# --- dates typed as DD/MM/YYYY ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, day",
    [
        ("01/12/2005", D(2005, 12, 1)),
        (" 1/2/2005 ", D(2005, 2, 1)),
        ("01.12.2005", D(2005, 12, 1)),
        ("01-12-2005", D(2005, 12, 1)),
        ("29/02/2024", D(2024, 2, 29)),
        ("2005-12-01", D(2005, 12, 1)),  # what files hold
        ("31/12/9999", D(9999, 12, 31)),
    ],
)
def test_dates_are_read_day_first(text: str, day: dt.date) -> None:
    assert parse_date(text, "fr") == parse_date(text, "en") == day


def test_31_february_is_refused_saying_why() -> None:
    assert refused(parse_date, "31/02/2020", "fr") == (
        "« 31/02/2020 » n’est pas une date valide : février 2020 n’a que 29 jours."
    )
    assert refused(parse_date, "31/02/2020", "en") == (
        "'31/02/2020' is not a valid date: February 2020 has only 29 days."
    )
    assert "février 2021 n’a que 28 jours" in refused(parse_date, "29/02/2021", "fr")
    assert "April 2024 has only 30 days" in refused(parse_date, "31/04/2024", "en")
    assert "February 2020 has only 29 days" in refused(parse_date, "2020-02-31", "en")


@pytest.mark.parametrize(
    "text, fr, en",
    [
        ("01/13/2020", "il n’y a pas de mois 13", "there is no month 13"),
        ("01/00/2020", "il n’y a pas de mois 0", "there is no month 0"),
        ("00/01/2020", "il n’y a pas de jour 0", "there is no day 0"),
        ("01/12/05", "tapez l’année sur 4 chiffres", "type the year with 4 digits"),
        ("1er décembre", "tapez-la sous la forme JJ/MM/AAAA", "type it as DD/MM/YYYY"),
        ("01/12/2005 10:00", "tapez-la sous la forme JJ/MM/AAAA", "type it as DD/MM/YYYY"),
        ("", "tapez-la sous la forme JJ/MM/AAAA", "type it as DD/MM/YYYY"),
        ("0000-01-01", "l’année 0 n’existe pas", "there is no year 0"),
    ],
)
def test_wrong_dates_say_what_is_wrong_in_both_languages(text: str, fr: str, en: str) -> None:
    assert fr in refused(parse_date, text, "fr")
    assert en in refused(parse_date, text, "en")


@given(st.dates())
def test_a_date_reads_back_as_itself(day: dt.date) -> None:
    assert parse_date(format_date(day)) == day
    assert parse_date(day.isoformat()) == day


@settings(max_examples=60)
@given(st.integers(1, 9999), st.integers(1, 12), st.integers(29, 31))
def test_every_day_past_the_months_end_is_refused(year: int, month: int, day: int) -> None:
    last = calendar.monthrange(year, month)[1]
    text = f"{day:02d}/{month:02d}/{year:04d}"
    if day <= last:
        assert parse_date(text) == D(year, month, day)
    else:
        assert f"has only {last} days" in refused(parse_date, text, "en")


def test_shift_keeps_the_day_or_takes_the_months_end() -> None:
    assert shift(D(2024, 1, 31), 1, "months") == D(2024, 2, 29)
    assert shift(D(2023, 1, 31), 1, "months") == D(2023, 2, 28)
    assert shift(D(2024, 2, 29), -1, "years") == D(2023, 2, 28)
    assert shift(D(2024, 6, 15), -12, "years") == D(2012, 6, 15)
    assert shift(D(2024, 6, 15), 10, "days") == D(2024, 6, 25)
    assert "use days, months or years" in refused(shift, D(2024, 6, 15), 1, "weeks")


# --- values of each field type ------------------------------------------------------------------


def test_date_values_from_files_and_from_the_window() -> None:
    f = get_field("vehicle.first_registration")
    assert parse_value(f, "2005-12-01") == parse_value(f, "01/12/2005") == D(2005, 12, 1)
    assert parse_value(f, dt.datetime(2005, 12, 1, 10, 30)) == D(2005, 12, 1)
    message = refused(parse_value, f, "31/02/2020", "fr")
    assert message.startswith("Date MEC : ") or message.startswith("Date MEC: ")
    assert "février 2020 n’a que 29 jours" in message
    assert refused(parse_value, f, 20051201, "en") == (
        "First registration (MEC): 20051201 is not a date (expected DD/MM/YYYY)."
    )


@pytest.mark.parametrize(
    "typed, number",
    [
        ("150,50", 150.5),
        ("150.5", 150.5),
        (" 1 234,5 ", 1234.5),
        ("1\u202f234", 1234),
        ("1\xa0234,00", 1234),
        ("-3", -3),
        (12, 12),
        (12.0, 12.0),
        (0.5, 0.5),
    ],
)
def test_numbers_accept_the_decimal_comma_and_thousands_spaces(typed, number) -> None:
    value = parse_value(get_field("customer.last_invoice_amount"), typed)
    assert value == number and not isinstance(value, bool)


def test_whole_numbers_stay_whole_on_counts() -> None:
    f = get_field("vehicle.mileage")
    assert parse_value(f, "120000") == 120000 and isinstance(parse_value(f, "120000"), int)
    assert isinstance(parse_value(f, 3.0), int)
    assert isinstance(parse_value(get_field("sale.rate"), 4.0), float)


@pytest.mark.parametrize("bad", ["abc", "12 km", "NaN", "Infinity", "", True, [1], None])
def test_not_a_number_is_refused_naming_the_field(bad) -> None:
    message = refused(parse_value, get_field("vehicle.mileage"), bad, "en")
    assert message.startswith("Mileage: ")
    assert "is not a number" in message or "a value is missing" in message


def test_yes_no_values() -> None:
    f = get_field("customer.optout_post")
    for yes in (True, "Oui", "oui", "yes", "1", "true", "Vrai"):
        assert parse_value(f, yes) is True
    for no in (False, "Non", "no", "0", "false", "FAUX"):
        assert parse_value(f, no) is False
    assert refused(parse_value, f, "peut-être", "en") == (
        "CNIL - Refuses contact by post: 'peut-être' is not yes or no (Oui / Non)."
    )
    assert "is not yes or no" in refused(parse_value, f, 1, "en")


def test_text_values() -> None:
    f = get_field("customer.postal_code")
    assert parse_value(f, 37210) == "37210"
    assert parse_value(f, " 37210") == " 37210"  # kept as typed
    assert "is not text" in refused(parse_value, f, True, "en")
    assert "is not text" in refused(parse_value, f, ["37210"], "en")


def test_checkbox_values_must_be_known() -> None:
    f = get_field("customer.marketing_basis")
    assert parse_value(f, "consent") == "consent"
    assert refused(parse_value, f, "Consentement", "en") == (
        "Marketing legal basis: 'Consentement' is not one of consent, legitimate_interest, none."
    )
    message = refused(
        Condition.from_dict,
        {"field": "sale.financing_type", "op": "in", "values": ["loan", "credit"]},
    )
    assert "sale.financing_type" in message
    assert "'credit' is not one of cash, loan, specialised_credit, lease" in message
    # values read from the database (brands...) are not a fixed list
    assert parse_value(get_field("vehicle.brand"), "ALPINE") == "ALPINE"


# --- operators and how many values they take ------------------------------------------------------


@pytest.mark.parametrize(
    "field, op, good, bad",
    [
        ("customer.last_name", "eq", ["DUPONT"], [[], ["A", "B"]]),
        ("customer.last_name", "like", ["DUP%"], [[], ["A%", "B%"]]),
        ("customer.postal_code", "ne", ["37210", "37000"], [[]]),
        ("vehicle.mileage", "ge", [100000], [[], [1, 2]]),
        ("vehicle.mileage", "le", [100000], [[], [1, 2]]),
        ("vehicle.mileage", "between", [1, 2], [[], [1], [1, 2, 3]]),
        ("vehicle.brand", "in", ["MINI", "AUSTIN", "RENAULT"], [[]]),
        ("customer.email", "empty", [], [["x"]]),
        ("customer.email", "not_empty", [], [["x"]]),
    ],
)
def test_operators_take_their_number_of_values(field, op, good, bad) -> None:
    assert len(Condition(field, op, good).validated().values) == len(good)
    for values in bad:
        message = refused(Condition(field, op, values).validated, "en")
        assert f"({field}): '{op}' takes" in message and f"not {len(values)}" in message


@pytest.mark.parametrize("op", sorted(o.value for o in RELATIVE_OPS))
def test_relative_operators_take_one_whole_number_and_a_unit(op: str) -> None:
    field = "vehicle.warranty_end"
    ok = Condition(field, op, ["12"], unit="months").validated()
    assert ok.values == [12] and ok.unit == "months"
    assert "takes 1 value, not 2" in refused(Condition(field, op, [1, 2], unit="days").validated)
    assert "need a unit: days, months or years" in refused(Condition(field, op, [2]).validated)
    assert "need a unit" in refused(Condition(field, op, [2], unit="weeks").validated)
    for amount in (-1, 2.5, "deux", True):
        assert "is not a whole number of years" in refused(
            Condition(field, op, [amount], unit="years").validated
        )


def test_an_operator_must_suit_the_field() -> None:
    cases = [
        ("customer.last_name", "more_than_ago", [2], "years"),
        ("vehicle.mileage", "like", ["1%"], None),
        ("vehicle.first_registration", "like", ["2005%"], None),
        ("vehicle.first_registration", "in", ["2005-01-01"], None),
        ("customer.marketing_basis", "like", ["cons%"], None),
        ("customer.marketing_basis", "ge", ["consent"], None),
        ("customer.optout_post", "empty", [], None),
        ("customer.optout_post", "ne", [True], None),
        ("vehicle.age_years", "in", [12], None),
    ]
    for field, op, values, unit in cases:
        message = refused(Condition(field, op, values, unit=unit).validated, "en")
        assert message.endswith(f"({field}): the operator '{op}' cannot be used on this field.")


def test_every_field_type_has_its_operators() -> None:
    for f_key in ("customer.last_name", "vehicle.brand", "vehicle.first_registration"):
        f = get_field(f_key)
        assert set(ops_for(f)) <= set(OPS_BY_TYPE[f.type])
    assert Op.LIKE in ops_for(get_field("vehicle.brand"))  # values from the database
    assert Op.LIKE not in ops_for(get_field("sale.financing_type"))  # a fixed list


def test_a_unit_goes_only_with_a_relative_date() -> None:
    message = refused(
        Condition("vehicle.first_registration", "ge", ["2005-01-01"], unit="years").validated
    )
    assert "a unit only goes with a relative date" in message


def test_between_puts_its_bounds_in_order() -> None:
    c = Condition("vehicle.first_registration", "between", ["31/12/2009", "01/01/2008"])
    assert c.validated().values == [D(2008, 1, 1), D(2009, 12, 31)]
    assert Condition("vehicle.mileage", "between", [9, 3]).validated().values == [3, 9]


def test_keep_empty_belongs_to_different_from_only() -> None:
    assert cond("customer.postal_code", "ne", "1", keep_empty=True).validated().keep_empty
    assert not cond("customer.postal_code", "eq", "1", keep_empty=True).validated().keep_empty
    assert "keep_empty" not in cond("customer.postal_code", "eq", "1").to_dict()
    assert cond("customer.postal_code", "ne", "1").to_dict()["keep_empty"] is False


# --- conditions and groups read from files --------------------------------------------------------


def test_file_conditions_are_checked_like_typed_ones() -> None:
    read = Condition.from_dict(
        {"field": "vehicle.first_registration", "op": "le", "values": ["2005-12-01"]}
    )
    assert read == Condition("vehicle.first_registration", Op.LE, [D(2005, 12, 1)])
    assert read.to_dict() == {
        "field": "vehicle.first_registration",
        "op": "le",
        "values": ["2005-12-01"],
    }
    problems = {
        "Unknown field 'vehicle.colour'.": {"field": "vehicle.colour", "op": "eq", "values": ["x"]},
        "Unknown key(s) in a condition: value.": {
            "field": "vehicle.brand",
            "op": "in",
            "value": ["MINI"],
        },
        "Condition on vehicle.brand: 'values' must be a list.": {
            "field": "vehicle.brand",
            "op": "in",
            "values": "MINI",
        },
        "Unknown operator 'contains' for vehicle.brand": {
            "field": "vehicle.brand",
            "op": "contains",
            "values": ["MINI"],
        },
        "A condition needs a 'field' and an 'op'": {"field": "vehicle.brand"},
        "'keep_empty' must be true or false": {
            "field": "customer.postal_code",
            "op": "ne",
            "values": ["37210"],
            "keep_empty": "yes",
        },
        "'unit' must be days, months or years": {
            "field": "vehicle.warranty_end",
            "op": "within_next",
            "values": [2],
            "unit": 2,
        },
        "A condition must be an object": ["vehicle.brand", "in", "MINI"],
    }
    for expected, data in problems.items():
        assert expected in refused(node_from_dict, data), expected


def test_file_groups_are_checked() -> None:
    group = Group.from_dict(
        {
            "group": "all",
            "children": [
                {
                    "group": "none",
                    "children": [{"field": "customer.is_fleet", "op": "eq", "values": [True]}],
                },
                {"field": "vehicle.brand", "op": "in", "values": ["RENAULT"]},
            ],
        }
    )
    assert isinstance(group.children[0], Group) and group.children[0].kind == "none"
    assert Group.from_dict(group.to_dict()) == group
    assert "Unknown group kind 'and': use all, any or none." in refused(
        Group.from_dict, {"group": "and", "children": []}
    )
    assert "'children' must be a list" in refused(Group.from_dict, {"group": "all", "children": {}})
    assert "Unknown key(s) in a criteria group: conditions." in refused(
        Group.from_dict, {"group": "all", "conditions": []}
    )


# --- relative dates stay relative ------------------------------------------------------------------


def test_relative_dates_stay_relative_through_a_file(conn, ids) -> None:
    t = Target(
        name="Plus de 12 ans",
        criteria=Group(
            "all", [cond("vehicle.first_registration", "more_than_ago", 12, unit="years")]
        ),
    )
    data = json.loads(dumps_target(t))
    assert data["criteria"]["children"] == [
        {
            "field": "vehicle.first_registration",
            "op": "more_than_ago",
            "values": [12],
            "unit": "years",
        }
    ]
    back = Target.from_dict(data)
    assert back == Target.from_dict(json.loads(dumps_target(back)))

    def vehicles(today: dt.date) -> set[int]:
        return {r.vehicle_id for r in iter_rows(conn, back, today=today)}

    # the Twingo of 15/06/2014 turns twelve on 15/06/2026 and is "more than 12 years" a day later
    assert ids["dupont_a_twingo"] not in vehicles(TODAY)
    assert ids["dupont_a_twingo"] not in vehicles(D(2026, 6, 15))
    assert ids["dupont_a_twingo"] in vehicles(D(2026, 6, 16))
    assert ids["dupont_twizy"] in vehicles(TODAY) and ids["dupont_twizy"] not in vehicles(
        D(2024, 1, 1)
    )


def test_within_next_and_within_last_move_with_today(conn, ids) -> None:
    ct = Target.from_dict(
        {
            "criteria": {
                "group": "all",
                "children": [
                    {
                        "field": "vehicle.inspection_due_date",
                        "op": "within_next",
                        "values": [1],
                        "unit": "months",
                    }
                ],
            }
        }
    )
    # the Clio's CT is due on 01/07/2024
    assert {r.vehicle_id for r in iter_rows(conn, ct, today=D(2024, 6, 1))} == {ids["dupre_clio"]}
    assert {r.vehicle_id for r in iter_rows(conn, ct, today=D(2024, 5, 31))} == set()
    assert {r.vehicle_id for r in iter_rows(conn, ct, today=D(2024, 7, 1))} == {ids["dupre_clio"]}
    assert {r.vehicle_id for r in iter_rows(conn, ct, today=D(2024, 7, 2))} == set()
    recent = Target.from_dict(
        {
            "grain": "customer",
            "criteria": {
                "group": "all",
                "children": [
                    {
                        "field": "customer.last_invoice_date",
                        "op": "within_last",
                        "values": [6],
                        "unit": "months",
                    }
                ],
            },
        }
    )
    assert {r.customer_id for r in iter_rows(conn, recent, today=TODAY)} == {
        ids["dupre"],
        ids["martin"],
        ids["lefevre"],
    }
    # Dupré's last invoice is of 10/01/2024: six months and a day later he is out
    assert {r.customer_id for r in iter_rows(conn, recent, today=D(2024, 7, 11))} == {
        ids["martin"],
        ids["lefevre"],
    }


# --- the sentence -----------------------------------------------------------------------------------

SENTENCES = [
    (
        cond("customer.last_name", "eq", "DUPONT"),
        "Client : Nom = DUPONT",
        "Customer: Last name = DUPONT",
    ),
    (
        cond("customer.last_name", "like", "DUP%"),
        "Client : Nom commence par DUP",
        "Customer: Last name starts with DUP",
    ),
    (
        cond("customer.postal_code", "ne", "37210"),
        "Client : Code postal différent de 37210 (vides exclus)",
        "Customer: Postal code different from 37210 (empty values excluded)",
    ),
    (
        cond("customer.postal_code", "ne", "37210", "37000", keep_empty=True),
        "Client : Code postal différent de 37210, 37000 (vides inclus)",
        "Customer: Postal code different from 37210, 37000 (empty values included)",
    ),
    (
        cond("vehicle.mileage", "ge", 100000),
        "Véhicule : Kilométrage au moins 100 000",
        "Vehicle: Mileage at least 100,000",
    ),
    (
        cond("vehicle.first_registration", "le", D(2008, 12, 31)),
        "Véhicule : Date MEC au plus tard le 31/12/2008",
        "Vehicle: First registration (MEC) on or before 31/12/2008",
    ),
    (
        cond("vehicle.first_registration", "between", D(2008, 1, 1), D(2009, 12, 31)),
        "Véhicule : Date MEC entre 01/01/2008 et 31/12/2009",
        "Vehicle: First registration (MEC) between 01/01/2008 and 31/12/2009",
    ),
    (cond("customer.email", "empty"), "Client : E-mail est vide", "Customer: E-mail is empty"),
    (
        cond("customer.email", "not_empty"),
        "Client : E-mail n’est pas vide",
        "Customer: E-mail is not empty",
    ),
    (
        cond("customer.marketing_basis", "in", "consent", "legitimate_interest"),
        "Client : Base légale marketing parmi (Consentement, Intérêt légitime)",
        "Customer: Marketing legal basis in (Consent, Legitimate interest)",
    ),
    (
        cond("customer.optout_post", "eq", False),
        "Client : CNIL - Refus contact par courrier = Non",
        "Customer: CNIL - Refuses contact by post = No",
    ),
    (
        cond("customer.last_invoice_amount", "ge", 150.5),
        "Client : Montant dernière facture (client) au moins 150,50",
        "Customer: Last invoice amount (customer) at least 150.50",
    ),
    (
        cond("vehicle.first_registration", "more_than_ago", 12, unit="years"),
        "Véhicule : Date MEC il y a plus de 12 ans",
        "Vehicle: First registration (MEC) more than 12 years ago",
    ),
    (
        cond("customer.last_invoice_date", "within_last", 2, unit="years"),
        "Client : Date dernière facture (client) au cours des 2 dernières années",
        "Customer: Last invoice date (customer) within the last 2 years",
    ),
    (
        cond("vehicle.inspection_due_date", "within_next", 1, unit="months"),
        "Véhicule : Date contrôle technique (CT) au cours du prochain mois",
        "Vehicle: Roadworthiness test due (CT) within the next month",
    ),
    (
        cond("vehicle.warranty_end", "within_next", 0, unit="days"),
        "Véhicule : Fin de garantie aujourd’hui",
        "Vehicle: Warranty end today",
    ),
    (
        cond("invoice.amount", "ge", 500),
        "Facture atelier : au moins un(e) avec Montant facture (HT) au moins 500,00",
        "Workshop invoice: at least one with Invoice amount (excl. tax) at least 500.00",
    ),
]


def test_every_operator_has_a_sentence() -> None:
    assert {Op(c.op) for c, _, _ in SENTENCES} == set(Op)


@pytest.mark.parametrize("condition, fr, en", SENTENCES, ids=lambda x: getattr(x, "field", None))
def test_each_operator_in_french_and_english(condition: Condition, fr: str, en: str) -> None:
    group = Group("all", [condition.validated()])
    assert describe_criteria(group, "fr") == fr
    assert describe_criteria(group, "en") == en


@pytest.mark.parametrize(
    "amount, unit, fr, en",
    [
        (1, "years", "il y a plus de 1 an", "more than 1 year ago"),
        (3, "months", "il y a plus de 3 mois", "more than 3 months ago"),
        (0, "days", "avant aujourd’hui", "before today"),
        (10, "days", "il y a plus de 10 jours", "more than 10 days ago"),
    ],
)
def test_more_than_ago_in_words(amount: int, unit: str, fr: str, en: str) -> None:
    group = Group("all", [cond("vehicle.warranty_end", "more_than_ago", amount, unit=unit)])
    assert describe_criteria(group, "fr") == f"Véhicule : Fin de garantie {fr}"
    assert describe_criteria(group, "en") == f"Vehicle: Warranty end {en}"


CLIO_LAGUNA = [cond("vehicle.model", "like", "%CLIO%"), cond("vehicle.model", "like", "%LAGUNA%")]


def test_two_values_under_one_field_say_one_vehicle_for_each() -> None:
    both = Group("all", list(CLIO_LAGUNA))
    assert describe_criteria(both, "fr") == (
        "Véhicule : Modèle contient CLIO et Véhicule : Modèle contient LAGUNA "
        "(le client possède un véhicule pour chacune de ces valeurs de Modèle)"
    )
    assert describe_criteria(both, "en") == (
        "Vehicle: Model contains CLIO and Vehicle: Model contains LAGUNA "
        "(the customer owns a vehicle for each of these Model values)"
    )
    checkboxes = Group(
        "all", [cond("vehicle.brand", "in", "MINI"), cond("vehicle.brand", "eq", "RENAULT")]
    )
    assert "pour chacune de ces valeurs de Marque" in describe_criteria(checkboxes, "fr")


def test_no_note_where_the_rule_does_not_apply() -> None:
    either = Group("any", list(CLIO_LAGUNA))
    assert (
        describe_criteria(either, "fr")
        == "Véhicule : Modèle contient CLIO ou Véhicule : Modèle contient LAGUNA"
    )
    apart = Group("all", [Group("all", [CLIO_LAGUNA[0]]), Group("all", [CLIO_LAGUNA[1]])])
    assert "(" not in describe_criteria(apart, "fr").replace("(Modèle", "")
    one_list = Group("all", [cond("vehicle.brand", "in", "MINI", "RENAULT")])
    assert describe_criteria(one_list, "fr") == "Véhicule : Marque parmi (MINI, RENAULT)"
    customer = Group(
        "all",
        [cond("customer.last_name", "like", "DUP%"), cond("customer.last_name", "like", "%RE")],
    )
    assert (
        describe_criteria(customer, "en")
        == "Customer: Last name starts with DUP and Customer: Last name ends with RE"
    )
    other_fields = Group(
        "all",
        [
            cond("vehicle.brand", "in", "RENAULT"),
            cond("vehicle.first_registration", "le", D(2008, 12, 31)),
        ],
    )
    assert describe_criteria(other_fields, "en") == (
        "Vehicle: Brand in (RENAULT) and Vehicle: First registration (MEC) on or before 31/12/2008"
    )


def test_bounds_on_one_field_say_one_and_the_same_vehicle() -> None:
    bounds = Group(
        "all",
        [
            cond("vehicle.first_registration", "ge", D(2008, 1, 1)),
            cond("vehicle.first_registration", "le", D(2009, 12, 31)),
        ],
    )
    assert describe_criteria(bounds, "fr") == (
        "Véhicule : Date MEC au plus tôt le 01/01/2008 et Véhicule : Date MEC au plus tard le 31/12/2009 "
        "(ces bornes de Date MEC portent sur un même véhicule)"
    )
    assert describe_criteria(bounds, "en").endswith(
        "(these First registration (MEC) bounds apply to one and the same vehicle)"
    )
    mixed = Group(
        "all", [cond("vehicle.plate", "not_empty"), cond("vehicle.plate", "ne", "AB451ML")]
    )
    assert describe_criteria(mixed, "fr").endswith(
        "(ces conditions sur Immatriculation portent sur un même véhicule)"
    )


def test_nested_groups_and_has_at_least_one() -> None:
    tree = Group(
        "all",
        [
            cond("customer.optout_post", "eq", False),
            Group("any", list(CLIO_LAGUNA)),
            Group("none", [cond("customer.is_fleet", "eq", True)]),
            cond("invoice.date", "ge", D(2023, 1, 1)),
            cond("invoice.amount", "ge", 500),
        ],
    )
    assert describe_criteria(tree, "en") == (
        "Customer: CNIL - Refuses contact by post = No"
        " and (Vehicle: Model contains CLIO or Vehicle: Model contains LAGUNA)"
        " and none of (Customer: Leasing or fleet company = Yes)"
        " and Workshop invoice: at least one with Workshop invoice date on or after 01/01/2023"
        " and Invoice amount (excl. tax) at least 500.00"
    )
    assert describe_criteria(Group("all", []), "en") == "All customers and their vehicles in use"


VEHICLE_CONDITIONS = [
    cond("vehicle.model", "like", "%CLIO%"),
    cond("vehicle.model", "eq", "LAGUNA"),
    cond("vehicle.model", "in", "TWIZY", "ZOE"),
    cond("vehicle.model", "ne", "KANGOO"),
    cond("vehicle.brand", "in", "RENAULT"),
    cond("vehicle.brand", "like", "MIN%"),
    cond("vehicle.mileage", "ge", 1000),
    cond("vehicle.mileage", "eq", 5),
    cond("customer.city", "like", "TOURS"),
    cond("customer.city", "eq", "ABLIS"),
    cond("invoice.amount", "ge", 5),
]


@settings(max_examples=80)
@given(
    st.sampled_from(["all", "any", "none"]),
    st.lists(st.sampled_from(VEHICLE_CONDITIONS), min_size=1, max_size=5),
)
def test_the_sentence_names_the_rule_exactly_when_the_engine_applies_it(kind, children) -> None:
    group = Group(kind, [Condition(c.field, c.op, list(c.values)) for c in children])
    sentence = describe_criteria(group, "en")
    split = _split_fields(group)
    for key in ("vehicle.model", "vehicle.brand", "vehicle.mileage"):
        label = get_field(key).label("en")
        note = f"(the customer owns a vehicle for each of these {label} values)"
        assert (note in sentence) == (key in split)
    assert "for each of these City values" not in sentence  # a customer field: same customer
