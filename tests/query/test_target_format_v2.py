"""Target file format 2: removed customers by site and DMS reference, and "owns each" on ticked
values (DMS import issue point 8, French-window issue point 14). Version 1 files still read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.errors import TargetError
from app.models import Customer, Site
from app.models.db import open_database
from app.models.dealership import CustomerAlias
from app.query.criteria import Condition, Group, Op
from app.query.engine import count_rows, describe, iter_rows, resolve_removed
from app.query.target import FORMAT_VERSION, Target
from app.query.targetfile import load_target_file, save_target_file
from tests.query.conftest import TODAY, build_sample


def _database(path: Path, *, shift: int = 0, without: str | None = None):
    """The sample dealership; *shift* customers added first so that numbers differ."""
    db = open_database(path)
    with db.session() as s:
        for i in range(shift):
            s.add(Customer(dms_ref=f"X{i}", last_name=f"AUTRE{i}"))
    build_sample(db)
    if without:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE customer SET dms_ref = 'Z' WHERE dms_ref = ?", (without,))
    return db


def _names(db, target: Target) -> set[str]:
    with db.engine.connect() as conn:
        return {r.values[0] for r in iter_rows(conn, target, today=TODAY)}


def _customer_id(db, ref: str) -> int:
    with db.session() as s:
        return s.query(Customer).filter_by(dms_ref=ref).one().id


def test_removed_customers_travel_by_dms_reference(tmp_path: Path) -> None:
    here = _database(tmp_path / "here.sqlite")
    there = _database(tmp_path / "there.sqlite", shift=7)  # same people, other numbers
    arval_here, arval_there = _customer_id(here, "C4"), _customer_id(there, "C4")
    assert arval_here != arval_there
    target = Target(columns=["customer.last_name"], grain="customer", removed={arval_here})
    file = tmp_path / "partage.json"
    with here.engine.connect() as conn:
        save_target_file(target, file, conn)
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data["version"] == FORMAT_VERSION == 2
    assert data["removed"] == [{"site": "", "ref": "C4"}]

    shared = load_target_file(file)
    everyone = _names(there, Target(columns=["customer.last_name"], grain="customer"))
    arval = "ARVAL SERVICE-LEASE"
    assert arval not in _names(there, shared) and arval in everyone
    assert _names(there, shared) == everyone - {arval}
    with there.engine.connect() as conn:
        assert resolve_removed(conn, shared).removed == {arval_there}

    nobody = _database(tmp_path / "nobody.sqlite", without="C4")
    assert _names(nobody, shared) == _names(
        nobody, Target(columns=["customer.last_name"], grain="customer")
    )
    for db in (here, there, nobody):
        db.dispose()


def test_a_merged_customers_reference_removes_the_survivor(tmp_path: Path) -> None:
    db = _database(tmp_path / "garage.sqlite")
    survivor = _customer_id(db, "C1")
    with db.session() as s:
        s.add(CustomerAlias(site_id=None, dms_ref="OLD-9", customer_id=survivor))
    target = Target.from_dict(
        {"format": "cible-target", "version": 2, "removed": [{"site": "", "ref": "OLD-9"}]}
    )
    with db.engine.connect() as conn:
        assert resolve_removed(conn, target).removed == {survivor}
    db.dispose()


def test_references_carry_the_site(tmp_path: Path) -> None:
    db = _database(tmp_path / "garage.sqlite")
    with db.session() as s:
        tours = s.query(Site).filter_by(code="TRS").one()
        s.query(Customer).filter_by(dms_ref="C2").one().site_id = tours.id
    wanted = Target.from_dict(
        {"format": "cible-target", "version": 2, "removed": [{"site": "TRS", "ref": "C2"}]}
    )
    elsewhere = Target.from_dict(
        {"format": "cible-target", "version": 2, "removed": [{"site": "BLO", "ref": "C2"}]}
    )
    with db.engine.connect() as conn:
        assert resolve_removed(conn, wanted).removed == {_customer_id(db, "C2")}
        assert resolve_removed(conn, elsewhere).removed == set()
    db.dispose()


def test_version_1_files_are_still_read(tmp_path: Path) -> None:
    file = tmp_path / "ancien.json"
    file.write_text(json.dumps({"format": "cible-target", "version": 1, "removed": [3, 5]}))
    assert load_target_file(file).removed == {3, 5}
    file.write_text(
        json.dumps({"format": "cible-target", "version": 1, "removed": [{"ref": "C4"}]})
    )
    with pytest.raises(TargetError, match="'removed' must list customers"):
        load_target_file(file)


def test_owns_each_ticked_value_is_two_typed_lines(conn) -> None:
    """Ticked CLIO and LAGUNA: any of them by default; "each" means the customer owns both, as
    the manual's two lines under one field do."""
    columns = ["customer.last_name", "vehicle.model"]

    def rows(*conditions: Condition) -> list[tuple]:
        target = Target(columns=columns, criteria=Group("all", list(conditions)))
        return sorted(r.values for r in iter_rows(conn, target, today=TODAY))

    any_of = rows(Condition("vehicle.model", Op.IN, ["CLIO", "LAGUNA"]))
    each = rows(Condition("vehicle.model", Op.IN, ["CLIO", "LAGUNA"], each=True))
    typed = rows(
        Condition("vehicle.model", Op.EQ, ["CLIO"]), Condition("vehicle.model", Op.EQ, ["LAGUNA"])
    )
    assert each == typed and set(each) <= set(any_of)
    assert {name for name, _model in each} == {"Dupré"}
    # a CLIO or a MÉGANE: two customers; each of them: nobody owns both
    either = {n for n, _m in rows(Condition("vehicle.model", Op.IN, ["CLIO", "MÉGANE"]))}
    assert len(either) == 2 and "Dupré" in either
    assert rows(Condition("vehicle.model", Op.IN, ["CLIO", "MÉGANE"], each=True)) == []
    in_any_group = Target(
        columns=columns,
        criteria=Group(
            "any",
            [
                Condition("vehicle.model", Op.IN, ["CLIO", "LAGUNA"], each=True),
                Condition("customer.last_name", Op.EQ, ["GASNIER"]),
            ],
        ),
    )
    names = {r.values[0] for r in iter_rows(conn, in_any_group, today=TODAY)}
    assert "Dupré" in names and "GASNIER" in names
    assert count_rows(conn, in_any_group, today=TODAY) >= len(each)


def test_each_is_kept_in_the_file_and_said_in_the_sentence(tmp_path: Path) -> None:
    cond = Condition("vehicle.model", Op.IN, ["CLIO", "LAGUNA"], each=True)
    target = Target(criteria=Group("all", [cond]))
    file = tmp_path / "chacune.json"
    save_target_file(target, file)
    assert json.loads(file.read_text())["criteria"]["children"][0]["each"] is True
    assert load_target_file(file).criteria.conditions()[0].each
    assert "the customer owns a vehicle for each of these Model values" in describe(target, "en")
    # on a customer field, or with one value, "each" means nothing and is dropped
    lone = Condition("vehicle.model", Op.IN, ["CLIO"], each=True).validated()
    assert not lone.each
    civ = Condition("customer.civility", Op.IN, ["Madame", "Monsieur"], each=True)
    assert not civ.validated().each
