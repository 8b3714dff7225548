"""Every operator and every example of the seed's section 2, on the small sample dealership."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.dialects import postgresql

from app.errors import TargetError
from app.query.catalog import FIELDS
from app.query.criteria import Condition, Group
from app.query.engine import (
    compile_target,
    count_rows,
    describe,
    fetch_page,
    iter_rows,
    months_until,
    years_since,
)
from app.query.target import SortKey, Target
from tests.query.conftest import TODAY

D = dt.date


def cond(field: str, op: str, *values, **kw) -> Condition:
    return Condition(field, op, list(values), **kw)


def target(*conditions, kind: str = "all", **kw) -> Target:
    kw.setdefault("columns", ["customer.last_name", "vehicle.model"])
    return Target(criteria=Group(kind, list(conditions)), **kw)


def rows(conn, t: Target, **kw) -> list[tuple[int, int | None]]:
    return [
        (r.customer_id, r.vehicle_id)
        for r in iter_rows(conn, t, today=TODAY, include_removed=True, **kw)
    ]


def pairs(ids, *names: str) -> set[tuple[int, int | None]]:
    """("dupre", "dupre_clio") style names → id pairs; a customer alone means no vehicle."""
    result = set()
    for name in names:
        customer, _, vehicle = name.partition(":")
        result.add((ids[customer], ids[vehicle] if vehicle else None))
    return result


def customers(conn, t: Target) -> set[int]:
    return {r[0] for r in rows(conn, t)}


# --- seed 2.1.2: the operators -----------------------------------------------------------------


def test_equals_is_exact_but_ignores_case_and_accents(conn, ids) -> None:
    assert customers(conn, target(cond("customer.last_name", "eq", "DUPONT"))) == {ids["dupont"]}
    assert customers(conn, target(cond("customer.last_name", "eq", "dupre"))) == {ids["dupre"]}


def test_like_with_wildcard_finds_dupont_and_dupre(conn, ids) -> None:
    found = customers(conn, target(cond("customer.last_name", "like", "DUP%")))
    assert found == {ids["dupont"], ids["dupre"], ids["dupont_a"]}
    assert customers(conn, target(cond("customer.last_name", "like", "dup%"))) == found
    # accent in the pattern, no accent in the data and the reverse; Œ folds to OE
    assert customers(conn, target(cond("customer.last_name", "like", "DUPRÉ"))) == {ids["dupre"]}
    assert customers(conn, target(cond("customer.last_name", "like", "oeuvre"))) == {ids["oeuvre"]}
    assert customers(conn, target(cond("vehicle.model", "like", "%megane%"))) == {ids["arval"]}


def test_like_underscore_is_not_a_wildcard(conn, ids) -> None:
    assert customers(conn, target(cond("customer.last_name", "like", "DUPON_"))) == set()


def test_like_without_fold_column_is_case_insensitive(conn, ids) -> None:
    assert customers(conn, target(cond("customer.email", "like", "JEAN@%"))) == {ids["dupre"]}
    assert customers(conn, target(cond("vehicle.plate", "like", "ab%"))) == {
        ids["dupre"],
        ids["dupont"],
    }


def test_like_without_fold_column_is_accent_insensitive(conn, ids) -> None:
    # "Crédit Spécial" has no stored folded twin: the SQL fold handles it
    for pattern in ("credit sp%", "CRÉDIT%", "%specIAL", "crédit spécial"):
        assert customers(conn, target(cond("sale.lender", "like", pattern))) == {ids["somfy"]}
    assert customers(conn, target(cond("sale.lender", "like", "credit agricole"))) == set()


def test_folded_agrees_with_fold(conn) -> None:
    from sqlalchemy import literal, select
    from sqlalchemy.dialects import postgresql

    from app.models.textfold import fold, folded

    for text in ("Dupré", "LEFÈVRE", "Œuvre", "Çà et là", "Škoda", "Jõgeva", "Straße", "ÿ"):
        assert conn.execute(select(folded(literal(text)))).scalar_one() == fold(text), text
    sql = str(select(folded(literal("x"))).compile(dialect=postgresql.dialect()))
    assert "upper(replace(" in sql and "translate(" in sql and "cible_fold(" not in sql


def test_different_from_keeps_empty_values_only_when_asked(conn, ids) -> None:
    # seed: exclude the customers of one postal code
    without = customers(conn, target(cond("customer.postal_code", "ne", "37210")))
    assert ids["dupont"] not in without and ids["oeuvre"] not in without
    assert ids["arval"] not in without and ids["lefevre"] not in without  # no postal code: dropped
    assert ids["dupre"] in without
    kept = customers(conn, target(cond("customer.postal_code", "ne", "37210", keep_empty=True)))
    assert kept == without | {ids["arval"], ids["lefevre"], ids["somfy"], ids["nulls"]}


def test_different_from_several_values(conn, ids) -> None:
    found = customers(conn, target(cond("customer.postal_code", "ne", "37210", "37000")))
    assert found == {ids["martin"], ids["gasnier"], ids["dupont_a"]}


def test_greater_or_equal_date(conn, ids) -> None:
    # seed: vehicles registered on or after 01/01/2009
    t = target(cond("vehicle.first_registration", "ge", D(2009, 1, 1)))
    assert set(rows(conn, t)) == pairs(
        ids,
        "dupre:dupre_laguna",
        "dupont:dupont_twizy",
        "somfy:somfy_kangoo",
        "dupont_a:dupont_a_twingo",
    )


def test_less_or_equal_date(conn, ids) -> None:
    t = target(cond("vehicle.first_registration", "le", D(2008, 12, 31)))
    assert set(rows(conn, t)) == pairs(
        ids,
        "dupre:dupre_clio",
        "dupont:dupont_clio",
        "martin:martin_laguna",
        "martin:martin_mini",
        "arval:arval_megane1",
        "arval:arval_megane2",
        "gasnier:gasnier_mini",
    )


def test_ge_and_le_on_one_field_bound_the_same_vehicle(conn, ids) -> None:
    # seed: registered between 01/01/2008 and 31/12/2009 — a bound pair, not two vehicles
    t = target(
        cond("vehicle.first_registration", "ge", D(2008, 1, 1)),
        cond("vehicle.first_registration", "le", D(2009, 12, 31)),
    )
    assert set(rows(conn, t)) == pairs(ids, "dupre:dupre_laguna", "dupont:dupont_clio")
    between = target(cond("vehicle.first_registration", "between", D(2008, 1, 1), D(2009, 12, 31)))
    assert set(rows(conn, between)) == set(rows(conn, t))


def test_between_accepts_bounds_in_any_order(conn, ids) -> None:
    a = target(cond("vehicle.mileage", "between", 100000, 200000))
    b = target(cond("vehicle.mileage", "between", 200000, 100000))
    assert (
        set(rows(conn, a))
        == set(rows(conn, b))
        == pairs(ids, "dupre:dupre_clio", "dupont:dupont_clio")
    )


def test_exact_date_and_postal_code(conn, ids) -> None:
    assert set(
        rows(conn, target(cond("vehicle.first_registration", "eq", D(2005, 11, 30))))
    ) == pairs(ids, "martin:martin_laguna")
    assert customers(conn, target(cond("customer.postal_code", "eq", "37210"))) == {
        ids["dupont"],
        ids["oeuvre"],
    }


def test_empty_and_not_empty(conn, ids) -> None:
    empty = customers(conn, target(cond("customer.postal_code", "empty")))
    assert empty == {ids["arval"], ids["lefevre"], ids["somfy"], ids["nulls"]}  # NULL and ""
    not_empty = customers(conn, target(cond("customer.postal_code", "not_empty")))
    assert not_empty.isdisjoint(empty) and len(not_empty) == 6
    assert set(rows(conn, target(cond("vehicle.first_registration", "empty")))) == pairs(
        ids, "lefevre", "oeuvre", "nulls:nulls_vehicle"
    )


def test_in_list_checkboxes(conn, ids) -> None:
    t = target(cond("vehicle.brand", "in", "MINI", "AUSTIN"))
    assert set(rows(conn, t)) == pairs(ids, "martin:martin_mini", "gasnier:gasnier_mini")
    assert customers(conn, target(cond("customer.civility", "in", "Madame", "Mademoiselle"))) == {
        ids["martin"],
        ids["lefevre"],
        ids["dupont_a"],
    }
    assert customers(conn, target(cond("customer.marketing_basis", "in", "consent"))) == {
        ids["dupre"]
    }


def test_booleans_and_cnil(conn, ids) -> None:
    refuse = customers(conn, target(cond("customer.optout_post", "eq", True)))
    assert refuse == {ids["dupont"], ids["dupont_a"]}
    accept = customers(conn, target(cond("customer.optout_post", "eq", False)))
    assert accept & refuse == set() and len(accept | refuse) == 10
    assert customers(conn, target(cond("customer.optout_phone", "eq", True))) == {ids["martin"]}
    assert len(customers(conn, target(cond("customer.optout_phone", "eq", False)))) == 9
    assert len(customers(conn, target(cond("customer.optout_sms", "in", True, False)))) == 10


def test_numbers_and_money(conn, ids) -> None:
    assert customers(conn, target(cond("customer.last_invoice_amount", "ge", 150.5))) == {
        ids["dupre"],
        ids["arval"],
        ids["gasnier"],
    }
    assert customers(conn, target(cond("customer.last_invoice_amount", "eq", "150,50"))) == {
        ids["dupre"]
    }
    assert customers(conn, target(cond("customer.last_invoice_amount", "le", 150.49))) == {
        ids["dupont"],
        ids["martin"],
        ids["lefevre"],
    }
    assert customers(conn, target(cond("sale.rate", "ge", 14))) == {ids["somfy"]}
    assert customers(conn, target(cond("customer.vehicle_count", "eq", 2))) == {
        ids["dupre"],
        ids["dupont"],
        ids["martin"],
        ids["arval"],
    }
    assert customers(conn, target(cond("customer.vehicle_count", "eq", 0))) == {
        ids["lefevre"],
        ids["oeuvre"],
    }


# --- relative dates --------------------------------------------------------------------------------


def test_more_than_n_years_ago(conn, ids) -> None:
    t = target(cond("vehicle.first_registration", "more_than_ago", 12, unit="years"))
    # today 15/06/2024: registered before 15/06/2012
    assert ids["dupont_twizy"] in {v for _, v in rows(conn, t)}
    assert ids["dupont_a_twingo"] not in {v for _, v in rows(conn, t)}
    assert ids["dupont_a_twingo"] not in {v for _, v in iter_rows_ids(conn, t, D(2026, 6, 15))}
    later = {v for _, v in iter_rows_ids(conn, t, D(2026, 6, 16))}
    assert ids["dupont_a_twingo"] in later  # the same saved target, two years on


def iter_rows_ids(conn, t: Target, today: dt.date) -> list[tuple[int, int | None]]:
    return [(r.customer_id, r.vehicle_id) for r in iter_rows(conn, t, today=today)]


def test_within_last_and_next(conn, ids) -> None:
    assert customers(
        conn, target(cond("customer.last_invoice_date", "within_last", 2, unit="years"))
    ) == {ids["dupre"], ids["martin"], ids["lefevre"]}
    assert customers(
        conn, target(cond("customer.last_invoice_date", "within_last", 15, unit="days"))
    ) == {ids["martin"]}
    ct = target(cond("vehicle.inspection_due_date", "within_next", 1, unit="months"))
    assert set(rows(conn, ct)) == pairs(ids, "dupre:dupre_clio")
    assert customers(
        conn, target(cond("vehicle.mobility_end", "more_than_ago", 4, unit="days"))
    ) == {ids["martin"]}


def test_timestamp_fields_compare_by_day(conn, ids) -> None:
    assert customers(conn, target(cond("customer.last_contact_date", "eq", D(2024, 6, 14)))) == {
        ids["dupre"]
    }
    assert customers(
        conn, target(cond("customer.last_contact_date", "within_last", 0, unit="days"))
    ) == {ids["martin"]}
    assert customers(conn, target(cond("contact.date", "le", D(2023, 1, 5)))) == {
        ids["dupre"],
        ids["gasnier"],
    }


def test_derived_age_and_months_remaining(conn, ids) -> None:
    assert years_since(D(2012, 6, 15), TODAY) == 12 and years_since(D(2012, 6, 16), TODAY) == 11
    assert months_until(D(2025, 5, 1), TODAY) == 10 and months_until(D(2020, 1, 1), TODAY) == 0
    t = target(cond("vehicle.age_years", "ge", 12), columns=["vehicle.age_years"])
    got = {r.vehicle_id: r.values[0] for r in iter_rows(conn, t, today=TODAY)}
    assert ids["dupont_twizy"] in got and got[ids["dupont_twizy"]] == 12
    assert all(age >= 12 for age in got.values())
    assert ids["somfy_kangoo"] not in got
    exact = target(cond("vehicle.age_years", "eq", 4))  # Kangoo 29/02/2020
    assert set(rows(conn, exact)) == pairs(ids, "somfy:somfy_kangoo")
    remaining = target(cond("sale.months_remaining", "le", 12), columns=["sale.months_remaining"])
    got = {r.vehicle_id: r.values[0] for r in iter_rows(conn, remaining, today=TODAY)}
    assert got == {ids["dupre_laguna"]: 10, ids["somfy_kangoo"]: 8, ids["dupont_a_twingo"]: 0}


# --- seed 2.1.3 and 2.1.4: AND and OR --------------------------------------------------------------


def test_clio_and_laguna_returns_owners_of_both_with_a_row_each(conn, ids) -> None:
    t = target(cond("vehicle.model", "like", "%CLIO%"), cond("vehicle.model", "like", "%LAGUNA%"))
    assert set(rows(conn, t)) == pairs(ids, "dupre:dupre_clio", "dupre:dupre_laguna")
    # Martin has a Laguna but no Clio, Dupont a Clio but no Laguna: neither is in the mailing.
    sentence = describe(t, "fr")
    assert "le client possède un véhicule pour chacune de ces valeurs de Modèle" in sentence


def test_clio_and_laguna_other_conditions_apply_to_each_vehicle(conn, ids) -> None:
    t = target(
        cond("vehicle.model", "like", "%CLIO%"),
        cond("vehicle.model", "like", "%LAGUNA%"),
        cond("vehicle.energy", "in", "DIESEL"),
    )
    assert rows(conn, t) == []  # Dupré's Laguna runs on petrol
    t = target(
        cond("vehicle.model", "like", "%CLIO%"),
        cond("vehicle.model", "like", "%LAGUNA%"),
        cond("vehicle.first_registration", "le", D(2010, 1, 1)),
    )
    assert set(rows(conn, t)) == pairs(ids, "dupre:dupre_clio", "dupre:dupre_laguna")


def test_checkbox_values_in_two_conditions_also_mean_both(conn, ids) -> None:
    t = target(cond("vehicle.brand", "in", "MINI"), cond("vehicle.brand", "in", "RENAULT"))
    assert set(rows(conn, t)) == pairs(ids, "martin:martin_laguna", "martin:martin_mini")
    one = target(cond("vehicle.brand", "in", "MINI", "RENAULT"))  # one checkbox list: either
    assert len(rows(conn, one)) > 2


def test_different_vehicle_fields_in_one_group_apply_to_the_same_vehicle(conn, ids) -> None:
    t = target(
        cond("vehicle.brand", "in", "RENAULT"),
        cond("vehicle.first_registration", "le", D(2008, 12, 31)),
    )
    assert set(rows(conn, t)) == pairs(
        ids,
        "dupre:dupre_clio",
        "dupont:dupont_clio",
        "martin:martin_laguna",
        "arval:arval_megane1",
        "arval:arval_megane2",
    )


def test_mini_or_twizy(conn, ids) -> None:
    t = target(
        cond("vehicle.model", "like", "%MINI%"), cond("vehicle.model", "like", "TWIZY"), kind="any"
    )
    assert set(rows(conn, t)) == pairs(
        ids, "martin:martin_mini", "gasnier:gasnier_mini", "dupont:dupont_twizy"
    )
    assert describe(t, "fr") == "Véhicule : Modèle contient MINI ou Véhicule : Modèle correspond à TWIZY"


def test_none_of_is_the_complement_of_any_of(conn, ids) -> None:
    every = set(rows(conn, target()))
    any_t = target(
        cond("vehicle.brand", "in", "RENAULT"),
        cond("customer.postal_code", "eq", "78660"),
        kind="any",
    )
    none_t = target(
        cond("vehicle.brand", "in", "RENAULT"),
        cond("customer.postal_code", "eq", "78660"),
        kind="none",
    )
    assert set(rows(conn, any_t)) | set(rows(conn, none_t)) == every
    assert set(rows(conn, any_t)) & set(rows(conn, none_t)) == set()
    # rows without a brand (no vehicle, unknown brand) are in "none of"
    assert (ids["lefevre"], None) in set(rows(conn, none_t))


def test_nested_groups(conn, ids) -> None:
    t = Target(
        criteria=Group(
            "all",
            [
                cond("customer.optout_post", "eq", False),
                Group(
                    "any",
                    [
                        Group(
                            "all",
                            [
                                cond("vehicle.brand", "in", "RENAULT"),
                                cond("vehicle.age_years", "ge", 16),
                            ],
                        ),
                        cond("vehicle.brand", "in", "AUSTIN"),
                    ],
                ),
                Group("none", [cond("customer.is_fleet", "eq", True)]),
            ],
        )
    )
    assert set(rows(conn, t)) == pairs(
        ids, "dupre:dupre_clio", "martin:martin_laguna", "gasnier:gasnier_mini"
    )


# --- invoices, sales, contacts: "has at least one" --------------------------------------------------


def test_invoice_conditions_in_one_group_apply_to_the_same_invoice(conn, ids) -> None:
    same = target(cond("invoice.date", "ge", D(2023, 1, 1)), cond("invoice.amount", "ge", 500))
    assert customers(conn, same) == set()  # Dupré's 800 € invoice is from 2022
    separate = Target(
        criteria=Group(
            "all",
            [
                Group("all", [cond("invoice.date", "ge", D(2023, 1, 1))]),
                Group("all", [cond("invoice.amount", "ge", 500)]),
            ],
        )
    )
    assert customers(conn, separate) == {ids["dupre"]}
    assert "au moins un(e) avec" in describe(same, "fr")


def test_invoice_line_category(conn, ids) -> None:
    body = target(cond("invoice.line_category", "in", "bodywork"))
    assert customers(conn, body) == {ids["dupre"], ids["gasnier"]}
    both = target(
        cond("invoice.line_category", "in", "bodywork"),
        cond("invoice.line_category", "in", "parts"),
    )
    assert customers(conn, both) == {ids["gasnier"]}  # the same invoice has both kinds of lines
    none_body = target(cond("invoice.line_category", "in", "bodywork"), kind="none")
    assert ids["dupre"] not in customers(conn, none_body) and ids["martin"] in customers(
        conn, none_body
    )


def test_sale_conditions_are_about_the_rows_vehicle(conn, ids) -> None:
    t = target(
        cond("sale.financing_type", "in", "loan", "specialised_credit"),
        cond("sale.financing_end", "within_next", 12, unit="months"),
    )
    assert set(rows(conn, t)) == pairs(ids, "dupre:dupre_laguna", "somfy:somfy_kangoo")
    assert customers(conn, target(cond("sale.lender", "like", "diac"))) == {
        ids["dupre"],
        ids["dupont_a"],
    }
    assert customers(conn, target(cond("customer.vehicles_bought", "ge", 1))) == {
        ids["dupre"],
        ids["dupont"],
        ids["somfy"],
        ids["dupont_a"],
    }


def test_contact_conditions(conn, ids) -> None:
    t = target(cond("contact.channel", "in", "post"), cond("contact.campaign", "like", "%porte%"))
    assert customers(conn, t) == {ids["dupre"]}
    never = target(cond("contact.channel", "in", "post", "sms", "phone"), kind="none")
    assert customers(conn, never) == set(
        ids[k] for k in ("dupont", "arval", "lefevre", "oeuvre", "somfy", "dupont_a", "nulls")
    )


# --- vehicles in use, status, grain ---------------------------------------------------------------


def test_only_vehicles_in_use_unless_status_is_asked(conn, ids) -> None:
    renault = target(cond("vehicle.model", "like", "CLIO"))
    assert set(rows(conn, renault)) == pairs(ids, "dupre:dupre_clio")
    with_status = target(
        cond("vehicle.model", "like", "CLIO"), cond("vehicle.status", "in", "sold", "scrapped")
    )
    assert set(rows(conn, with_status)) == pairs(ids, "arval:arval_clio_sold", "oeuvre:oeuvre_clio")
    # a vehicle with no owner never appears
    assert all(
        v != ids["orphan"] for _, v in rows(conn, target(cond("vehicle.status", "not_empty")))
    )


def test_customer_without_vehicle_has_one_row(conn, ids) -> None:
    found = rows(conn, target(cond("customer.last_name", "like", "lef%")))
    assert found == [(ids["lefevre"], None)]


def test_customer_grain_gives_one_row_per_customer(conn, ids) -> None:
    # seed 2.3: vehicles over twelve years old; a customer with several gets one letter
    t = target(
        cond("vehicle.first_registration", "le", D(2005, 12, 1)),
        grain="customer",
        columns=["customer.last_name", "vehicle.plate"],
    )
    found = rows(conn, t)
    assert sorted(c for c, _ in found) == sorted(
        {ids[k] for k in ("dupre", "martin", "arval", "gasnier")}
    )
    assert (
        dict(found)[ids["arval"]] == ids["arval_megane2"]
    )  # the matching vehicle with the highest id
    assert dict(found)[ids["martin"]] == ids["martin_mini"]
    assert count_rows(conn, t, today=TODAY) == 4
    all_customers = target(grain="customer")
    assert count_rows(conn, all_customers, today=TODAY) == 10
    only_customers = target(cond("customer.city", "like", "tours"), grain="customer")
    assert customers(conn, only_customers) == {ids["dupre"], ids["lefevre"], ids["dupont_a"]}
    mixed = target(
        cond("vehicle.plate", "empty"),
        cond("customer.city", "like", "tours"),
        kind="any",
        grain="customer",
    )
    assert dict(rows(conn, mixed)) == {
        ids["dupre"]: ids["dupre_laguna"],
        ids["lefevre"]: None,
        ids["dupont_a"]: ids["dupont_a_twingo"],
        ids["oeuvre"]: None,
        ids["nulls"]: ids["nulls_vehicle"],
    }


def test_customer_grain_clio_and_laguna(conn, ids) -> None:
    t = target(
        cond("vehicle.model", "like", "%CLIO%"),
        cond("vehicle.model", "like", "%LAGUNA%"),
        cond("customer.optout_post", "eq", False),
        grain="customer",
    )
    assert rows(conn, t) == [(ids["dupre"], ids["dupre_laguna"])]


# --- removed customers, sort, pages -----------------------------------------------------------------


def test_removed_customers_stay_in_the_grid_and_leave_exports(conn, ids) -> None:
    t = target(cond("vehicle.first_registration", "le", D(2005, 12, 1)), removed={ids["arval"]})
    grid = fetch_page(conn, t, 0, 100, today=TODAY)
    struck = [r for r in grid if r.removed]
    assert {r.customer_id for r in struck} == {ids["arval"]} and len(
        struck
    ) == 2  # both of its vehicles
    exported = list(iter_rows(conn, t, today=TODAY))
    assert ids["arval"] not in {r.customer_id for r in exported}
    assert len(exported) == len(grid) - 2
    assert count_rows(conn, t, today=TODAY) == len(grid)
    assert count_rows(conn, t, today=TODAY, include_removed=False) == len(exported)


def test_sort_order_and_stable_pages(conn, ids) -> None:
    t = target(
        sort=[
            SortKey("customer.last_name"),
            SortKey("vehicle.first_registration", descending=True),
        ],
        columns=["customer.last_name", "vehicle.first_registration", "customer.display_name"],
    )
    everything = fetch_page(conn, t, 0, 1000, today=TODAY)
    from app.models.textfold import fold

    # "Nom" sorts by the display name: a company (no last name) by its company name, among
    # the persons; accents sort with their letter
    keys = [fold(r.values[2]) for r in everything]
    assert keys == sorted(keys)
    dupre = [r.values[1] for r in everything if r.customer_id == ids["dupre"]]
    assert dupre == [D(2009, 6, 1), D(2004, 3, 10)]
    paged = []
    for offset in range(0, len(everything), 3):
        paged += fetch_page(conn, t, offset, 3, today=TODAY)
    assert paged == everything
    assert [r for r in iter_rows(conn, t, today=TODAY, batch_size=2)] == everything


def test_sort_by_age_descending_puts_the_oldest_first(conn, ids) -> None:
    t = target(
        cond("vehicle.age_years", "not_empty"),
        sort=[SortKey("vehicle.age_years", descending=True)],
        columns=["vehicle.age_years"],
    )
    ages = [r.values[0] for r in fetch_page(conn, t, 0, 100, today=TODAY)]
    assert ages == sorted(ages, reverse=True) and ages[0] == 32


def test_extra_columns_for_exporters(conn, ids) -> None:
    t = target(cond("customer.last_name", "eq", "dupont"))
    (row,) = list(
        iter_rows(conn, t, today=TODAY, columns=["customer.phone_mobile", "customer.optout_sms"])
    )[:1]
    assert row.values == ("0699999999", True)


def test_every_field_can_be_shown_at_both_grains(conn, ids) -> None:
    columns = [k for k, f in FIELDS.items() if f.displayable]
    for grain in ("vehicle", "customer"):
        t = Target(columns=columns, grain=grain, sort=[SortKey(k) for k in columns[:5]])
        page = fetch_page(conn, t, 0, 100, today=TODAY)
        assert len(page) == count_rows(conn, t, today=TODAY)
        assert all(len(r.values) == len(columns) for r in page)


def test_criteria_only_fields_cannot_be_columns(conn) -> None:
    with pytest.raises(TargetError, match="criteria only"):
        fetch_page(conn, target(columns=["invoice.line_category"]), 0, 10, today=TODAY)


def test_bound_parameters_only_and_postgresql_compiles() -> None:
    t = target(
        cond("customer.last_name", "like", "x'; DROP TABLE customer; --"),
        cond("vehicle.model", "like", "%CLIO%"),
        cond("vehicle.model", "like", "%LAGUNA%"),
        cond("vehicle.first_registration", "more_than_ago", 12, unit="years"),
        cond("customer.last_invoice_date", "within_last", 2, unit="years"),
    )
    for grain in ("vehicle", "customer"):
        t.grain = grain
        sql = str(compile_target(t, today=TODAY))
        assert "DROP" not in sql
        pg = str(compile_target(t, today=TODAY).compile(dialect=postgresql.dialect()))
        assert "DROP" not in pg and "%(" in pg


# --- the sentence -------------------------------------------------------------------------------------


def test_describe_matches_the_seed_sentence() -> None:
    t = target(
        cond("vehicle.first_registration", "le", D(2005, 12, 1)),
        cond("customer.optout_post", "eq", False),
    )
    assert describe(t, "fr") == (
        "Véhicule : Date MEC au plus tard le 01/12/2005 et Client : CNIL - Refus contact par courrier = Non"
    )
    assert describe(t, "en") == (
        "Vehicle: First registration (MEC) on or before 01/12/2005 and Customer: CNIL - Refuses contact by post = No"
    )


def test_describe_relative_between_none_and_empty() -> None:
    t = Target(
        criteria=Group(
            "all",
            [
                cond("vehicle.first_registration", "more_than_ago", 12, unit="years"),
                cond("customer.postal_code", "ne", "37210", keep_empty=True),
                Group("none", [cond("vehicle.brand", "in", "MINI", "AUSTIN")]),
                cond("vehicle.mileage", "between", 1000, 2000),
            ],
        )
    )
    text = describe(t, "fr")
    assert "Date MEC il y a plus de 12 ans" in text
    assert "Code postal différent de 37210 (vides inclus)" in text
    assert "aucun de ces critères (Véhicule : Marque parmi (MINI, AUSTIN))" in text
    assert "Kilométrage entre 1000 et 2000" in text
    assert describe(Target(), "fr") == "Tous les clients et leurs véhicules en circulation"


def test_like_needs_no_sql_function_on_names_and_codes() -> None:
    """The big columns users search with % (names, towns, models, postal codes, phones,
    plates) are matched with plain SQL: stored folds or upper(), never the fold function."""
    from sqlalchemy.dialects import sqlite

    for key in (
        "customer.last_name",
        "customer.city",
        "customer.postal_code",
        "customer.phone_mobile",
        "vehicle.plate",
        "vehicle.model",
    ):
        sql = str(compile_target(target(cond(key, "like", "7%"))).compile(dialect=sqlite.dialect()))
        assert "cible_fold(" not in sql, key
    sql = str(
        compile_target(target(cond("sale.lender", "like", "cré%"))).compile(
            dialect=sqlite.dialect()
        )
    )
    assert "cible_fold(" in sql
