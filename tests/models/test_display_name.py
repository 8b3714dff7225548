"""customer.display_name_fold: the name sort's stored key, kept by every writer (issue 10.7).

One test per writer: the ORM, the DMS import (Core), the demo generator (Core), the duplicate
merge and its undo, the migration's backfill; then the sort that reads it and its plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from app.dedupe.merge import merge_customers, undo_merge
from app.dms.fields import FileKind, suggest_mapping
from app.dms.load import import_file
from app.dms.sniff import sniff
from app.models import Customer, Site
from app.models.db import alembic_config
from app.models.dealership import display_name, display_name_fold, with_display_name
from app.models.demo import generate_demo
from app.models.textfold import fold
from app.query.engine import compile_target, fetch_page
from app.query.target import SortKey, Target

TODAY = dt.date(2026, 12, 3)
CUSTOMER = Customer.__table__


def stored(database) -> dict[str, str]:
    """dms_ref → display_name_fold, read with Core (not through the ORM's objects)."""
    with database.engine.connect() as conn:
        rows = conn.execute(select(CUSTOMER.c.dms_ref, CUSTOMER.c.display_name_fold))
        return dict(rows.all())


def expected(database) -> dict[str, str]:
    """dms_ref → display_name_fold computed again from the stored names."""
    c = CUSTOMER.c
    with database.engine.connect() as conn:
        rows = conn.execute(
            select(c.dms_ref, c.is_company, c.company_name, c.last_name, c.first_name)
        )
        return {r[0]: display_name_fold(*r[1:]) for r in rows}


# -- the rule -----------------------------------------------------------------------------------


def test_the_rule() -> None:
    assert display_name(True, "ARVAL Service Lease", None, None) == "ARVAL Service Lease"
    assert display_name(False, None, "Dupré", "Émile") == "Dupré Émile"
    assert display_name(False, "ARVAL", None, None) == "ARVAL"  # no last name: the company's
    assert display_name(True, None, "ARVAL", None) == "ARVAL"  # company typed as a last name
    assert display_name(False, None, "  LE  GALL ", None) == "LE GALL"
    assert display_name(None, None, None, None) == ""
    assert display_name_fold(False, None, "Dupré", "Émile") == "DUPRE EMILE"
    assert display_name_fold(True, "Œuvres sociales", "X", "Y") == "OEUVRES SOCIALES"


@given(
    st.one_of(st.none(), st.booleans()),
    *[st.one_of(st.none(), st.text(max_size=90)) for _ in range(3)],
)
def test_the_key_is_the_folded_name_within_the_column(is_company, company, last, first) -> None:
    key = display_name_fold(is_company, company, last, first)
    assert key == (fold(display_name(is_company, company, last, first)) or "")[:200]
    assert len(key) <= 200


def test_with_display_name_completes_from_the_stored_record() -> None:
    person = {
        "is_company": False,
        "company_name": None,
        "last_name": "DUPONT",
        "first_name": "Jean",
    }
    assert with_display_name({"first_name": "Luc"}, person)["display_name_fold"] == "DUPONT LUC"
    assert with_display_name({"last_name": "Zola"})["display_name_fold"] == "ZOLA"  # new record
    assert "display_name_fold" not in with_display_name({"city": "Tours"}, person)


# -- the writers --------------------------------------------------------------------------------


def test_the_orm_fills_it_on_insert_and_update(database) -> None:
    with database.sessions() as s:
        s.add(Customer(dms_ref="P", last_name="Dupré", first_name="Émile"))
        s.add(Customer(dms_ref="C", is_company=True, company_name="Arval", last_name=None))
        s.add(Customer(dms_ref="E"))  # no name at all: empty, never NULL
        s.commit()
    assert stored(database) == {"P": "DUPRE EMILE", "C": "ARVAL", "E": ""}
    with database.sessions() as s:
        person = s.scalars(select(Customer).where(Customer.dms_ref == "P")).one()
        person.first_name = "Anne"
        company = s.scalars(select(Customer).where(Customer.dms_ref == "C")).one()
        company.company_name = "Diac Location"
        s.commit()
    with database.sessions() as s:  # a person becomes a company: the company's name now
        person = s.scalars(select(Customer).where(Customer.dms_ref == "P")).one()
        person.company_name = "Garage Dupré"
        s.commit()
        assert stored(database)["P"] == "DUPRE ANNE"
        person.is_company = True
        s.commit()
    assert stored(database) == {"P": "GARAGE DUPRE", "C": "DIAC LOCATION", "E": ""}


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def run_import(database, path: Path, kind: FileKind = FileKind.CUSTOMERS):
    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), kind)
    return import_file(database, path, kind, mapping, layout=layout, today=TODAY)


def test_the_dms_import_fills_it_on_insert_and_update(database, tmp_path) -> None:
    header = "N° client;Site;Nom;Prénom;Raison sociale"
    first = write_csv(tmp_path / "a.csv", [header, "1;TRS;DUPRÉ;Anne;", "2;TRS;;;ARVAL",
                                           "3;TRS;MARTIN;Luc;"])  # fmt: skip
    assert run_import(database, first).new == 3
    assert stored(database) == {"1": "DUPRE ANNE", "2": "ARVAL", "3": "MARTIN LUC"}
    # The same file again changes nothing (the stored key equals the one computed).
    again = run_import(database, first)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    # A later file that carries only the first name: the stored last name completes it.
    later = write_csv(tmp_path / "b.csv", ["N° client;Site;Prénom", "1;TRS;Annie", "3;TRS;Luc"])
    result = run_import(database, later)
    assert (result.updated, result.unchanged) == (1, 1)
    # A vehicles file names an owner Cible does not know: a new customer, key filled.
    vehicles = write_csv(tmp_path / "v.csv", ["N° client;Site;Nom;Prénom;Immatriculation;Marque",
                                              "9;TRS;Éluard;Paul;AB-123-CD;RENAULT"])  # fmt: skip
    run_import(database, vehicles, FileKind.VEHICLES)
    assert stored(database) == {
        "1": "DUPRE ANNIE",
        "2": "ARVAL",
        "3": "MARTIN LUC",
        "9": "ELUARD PAUL",
    }
    assert stored(database) == expected(database)


def test_the_demo_fills_it(database) -> None:
    generate_demo(database, 300, 1, today=TODAY)
    keys = stored(database)
    assert keys == expected(database)
    assert all(keys.values())
    with database.engine.connect() as conn:
        companies = conn.execute(
            select(CUSTOMER.c.display_name_fold).where(CUSTOMER.c.is_company)
        ).scalars()
        assert "ARVAL" in {k.split()[0] for k in companies}


def test_the_duplicate_merge_and_its_undo_keep_it(database) -> None:
    with database.sessions() as s:
        site = Site(code="TRS", name="Tours")
        survivor = Customer(dms_ref="A", site=site, is_company=True, last_name="ARVAL")
        merged = Customer(
            dms_ref="B", site=site, is_company=True, company_name="Arval Service Lease"
        )
        s.add_all([survivor, merged])
        s.flush()
        survivor_id, merged_id = survivor.id, merged.id
        s.commit()
    assert stored(database)["A"] == "ARVAL"
    with database.sessions() as s:
        merge_id = merge_customers(s, survivor_id, merged_id, today=TODAY)
        s.commit()
    assert stored(database) == {"A": "ARVAL SERVICE LEASE"}
    with database.sessions() as s:
        undo_merge(s, merge_id)
        s.commit()
    assert stored(database) == {"A": "ARVAL", "B": "ARVAL SERVICE LEASE"}


def test_the_migration_fills_the_existing_customers(database) -> None:
    with database.sessions() as s:
        s.add_all([
            Customer(dms_ref="P", last_name="Dupré", first_name="Émile"),
            Customer(dms_ref="C", is_company=True, company_name="Arval"),
            Customer(dms_ref="E"),
        ])  # fmt: skip
        s.commit()
    with database.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0009")
        assert "display_name_fold" not in conn.execute(text("SELECT * FROM customer")).keys()
        command.upgrade(alembic_config(conn), "0010")
    assert stored(database) == {"P": "DUPRE EMILE", "C": "ARVAL", "E": ""}


# -- the sort -----------------------------------------------------------------------------------


def test_sorting_by_name_puts_companies_among_persons(database) -> None:
    with database.sessions() as s:
        s.add_all([
            Customer(dms_ref="1", last_name="ZOLA", first_name="Émile"),
            Customer(dms_ref="2", is_company=True, company_name="ARVAL"),
            Customer(dms_ref="3", last_name="Dupont", first_name="Jean"),
            Customer(dms_ref="4", is_company=True, company_name="Électricité Berger"),
            Customer(dms_ref="5", last_name="BERNARD", first_name="Hélène"),
            Customer(dms_ref="6", is_company=True, company_name="MAAF", last_name="Contact"),
        ])  # fmt: skip
        s.commit()
    columns = ["customer.display_name", "customer.last_name"]
    with database.engine.connect() as conn:
        up = Target(columns=columns, sort=[SortKey("customer.last_name")])
        names = [r.values[0] for r in fetch_page(conn, up, 0, 10, today=TODAY)]
        assert names == ["ARVAL", "BERNARD Hélène", "Dupont Jean", "Électricité Berger",
                         "MAAF", "ZOLA Émile"]  # fmt: skip
        down = Target(columns=columns, sort=[SortKey("customer.display_name", descending=True)])
        assert [r.values[0] for r in fetch_page(conn, down, 0, 10, today=TODAY)] == names[::-1]


def plan(conn, target: Target) -> str:
    query = compile_target(target, today=TODAY).limit(200)
    sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
    return "\n".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))


def test_the_first_page_sorted_by_name_walks_the_index(database) -> None:
    generate_demo(database, 300, 1, today=TODAY)
    with database.engine.connect() as conn:
        for grain in ("vehicle", "customer"):
            for key in ("customer.last_name", "customer.display_name"):
                target = Target(sort=[SortKey(key)], grain=grain)
                found = plan(conn, target)
                assert "USING INDEX ix_customer_display_name_fold" in found, found
                assert "TEMP B-TREE" not in found, found  # no sort of every row first
        # and the test can fail: a sort on a column without an index sorts every row
        assert "TEMP B-TREE" in plan(conn, Target(sort=[SortKey("customer.email")]))


def test_a_row_changed_behind_the_orm_is_seen_by_the_check(database) -> None:
    """The helpers above compare with a recomputation, so a stale key would be caught."""
    with database.sessions() as s:
        s.add(Customer(dms_ref="P", last_name="Dupré"))
        s.commit()
    with database.engine.begin() as conn:
        conn.execute(update(CUSTOMER).values(last_name="Martin"))
    assert stored(database) != expected(database)
