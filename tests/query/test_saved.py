"""Saved targets in the database, and target files: round trips and every way a file can be wrong."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.errors import TargetError
from app.models.targets import SavedTarget
from app.query.criteria import Condition, Group
from app.query.saved import (
    TargetExistsError,
    delete_saved,
    list_saved,
    load_saved,
    rename_saved,
    save_target,
    saved_exists,
)
from app.query.target import FORMAT_VERSION, SortKey, Target
from app.query.targetfile import dumps_target, load_target_file, save_target_file

D = dt.date
T0 = dt.datetime(2017, 12, 8, 9, 30)
T1 = dt.datetime(2018, 1, 15, 14, 0)
T2 = dt.datetime(2018, 3, 1, 8, 0)


def full_target(name: str = "VEHICULES PLUS DE 12 ANS") -> Target:
    """A target using everything a target holds."""
    return Target(
        name=name,
        description="Liste des véhicules dont la date de MEC est de + de 12 ans (hors L.D.D.)",
        columns=["customer.civility", "customer.last_name", "customer.address", "vehicle.plate"],
        criteria=Group(
            "all",
            [
                Condition("vehicle.first_registration", "more_than_ago", [12], unit="years"),
                Condition("customer.postal_code", "ne", ["37210"], keep_empty=True),
                Group(
                    "any",
                    [
                        Condition("vehicle.model", "like", ["%CLIO%"]),
                        Group("none", [Condition("customer.is_fleet", "eq", [True])]),
                    ],
                ),
                Condition("vehicle.first_registration", "le", [D(2005, 12, 1)]),
                Condition("customer.last_invoice_amount", "between", [150.5, 2000]),
                Condition("sale.financing_type", "in", ["loan", "lease"]),
            ],
        ),
        sort=[SortKey("customer.last_name"), SortKey("vehicle.first_registration", True)],
        removed={4, 17, 3},
        grain="customer",
    )


@pytest.fixture
def conn(database):
    with database.engine.begin() as connection:
        yield connection


# --- saved targets --------------------------------------------------------------------------------


def test_save_then_load_restores_everything_exactly(conn) -> None:
    original = full_target()
    save_target(conn, original, owner="marie", now=T0)
    loaded = load_saved(conn, "VEHICULES PLUS DE 12 ANS", now=T1)
    assert loaded == original
    assert loaded.columns == original.columns and loaded.sort == original.sort
    assert loaded.removed == {3, 4, 17} and loaded.grain == "customer"
    relative = loaded.criteria.children[0]
    assert relative.op == "more_than_ago" and relative.values == [12] and relative.unit == "years"
    assert loaded.criteria.children[1].keep_empty is True
    # what is stored is the target file format, the relative date still relative
    stored = json.loads(conn.execute(select(SavedTarget.definition)).scalar_one())
    assert stored == json.loads(dumps_target(original))
    assert stored["criteria"]["children"][0] == {
        "field": "vehicle.first_registration",
        "op": "more_than_ago",
        "values": [12],
        "unit": "years",
    }


def test_list_shows_name_description_dates_and_owner(conn) -> None:
    save_target(conn, full_target(), owner="marie", now=T0)
    save_target(conn, Target(name="client sms"), owner="", now=T1)
    save_target(conn, Target(name="CT_RORO", description="CT du mois"), owner="paul", now=T1)
    listed = list_saved(conn)
    assert [i.name for i in listed] == ["client sms", "CT_RORO", "VEHICULES PLUS DE 12 ANS"]
    twelve = listed[2]
    assert twelve.description.startswith("Liste des véhicules")
    assert (twelve.created_at, twelve.updated_at, twelve.last_used_at) == (T0, T0, None)
    assert twelve.owner == "marie"
    load_saved(conn, "vehicules plus de 12 ans", now=T2)  # opening it marks it used
    assert list_saved(conn)[2].last_used_at == T2
    load_saved(conn, "CT_RORO", mark_used=False)
    assert list_saved(conn)[1].last_used_at is None


def test_the_owner_defaults_to_the_user(conn, monkeypatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "claire")
    save_target(conn, Target(name="x"))
    assert list_saved(conn)[0].owner == "claire"


def test_an_existing_name_is_refused_unless_overwrite(conn) -> None:
    save_target(conn, full_target(), owner="marie", now=T0)
    load_saved(conn, "VEHICULES PLUS DE 12 ANS", now=T1)
    changed = full_target("Vehicules Plus De 12 Ans")
    changed.criteria = Group("all", [Condition("vehicle.brand", "in", ["RENAULT"])])
    with pytest.raises(TargetExistsError) as info:
        save_target(conn, changed, now=T2)
    assert info.value.name == "Vehicules Plus De 12 Ans"
    assert str(info.value) == "A saved target is already called 'Vehicules Plus De 12 Ans'."
    assert isinstance(info.value, TargetError)
    assert load_saved(conn, "VEHICULES PLUS DE 12 ANS", mark_used=False) == full_target()
    save_target(conn, changed, overwrite=True, owner="paul", now=T2)
    (info_row,) = list_saved(conn)
    assert info_row.name == "Vehicules Plus De 12 Ans"
    assert info_row.created_at == T0 and info_row.updated_at == T2  # creation date kept
    assert info_row.last_used_at == T1 and info_row.owner == "marie"
    assert load_saved(conn, "vehicules plus de 12 ans").criteria == changed.criteria


def test_save_as_keeps_the_original(conn) -> None:
    original = full_target()
    first = save_target(conn, original, now=T0)
    second = save_target(conn, original, name="  VEHICULES   PLUS DE 15 ANS ", now=T1)
    assert first != second
    assert saved_exists(conn, "vehicules plus de 15 ans") and saved_exists(conn, original.name)
    copy = load_saved(conn, "VEHICULES PLUS DE 15 ANS")
    assert copy.name == "VEHICULES PLUS DE 15 ANS"  # spaces tidied
    assert copy.criteria == original.criteria and copy.removed == original.removed
    assert original.name == "VEHICULES PLUS DE 12 ANS"  # the open target is not renamed
    with pytest.raises(TargetExistsError):
        save_target(conn, original, name="vehicules plus de 15 ans")


def test_names_must_be_given_and_not_too_long(conn) -> None:
    with pytest.raises(TargetError, match="needs a name"):
        save_target(conn, Target(name="   "))
    with pytest.raises(TargetError, match="200 characters"):
        save_target(conn, Target(name="x" * 201))
    assert list_saved(conn) == []


def test_an_invalid_target_is_not_saved(conn) -> None:
    bad = Target(name="bad", columns=["invoice.line_category"])
    with pytest.raises(TargetError, match="criteria only"):
        save_target(conn, bad)
    bad = Target(name="bad", criteria=Group("all", [Condition("vehicle.mileage", "ge", ["lots"])]))
    with pytest.raises(TargetError, match="is not a number"):
        save_target(conn, bad)
    assert list_saved(conn) == []


def test_rename(conn) -> None:
    save_target(conn, full_target(), now=T0)
    save_target(conn, Target(name="SMS"), now=T0)
    rename_saved(conn, "vehicules plus de 12 ans", "VEHICULES + 12 ANS", now=T1)
    assert [i.name for i in list_saved(conn)] == ["SMS", "VEHICULES + 12 ANS"]
    renamed = load_saved(conn, "VEHICULES + 12 ANS")
    assert renamed.name == "VEHICULES + 12 ANS" and renamed.criteria == full_target().criteria
    info = list_saved(conn)[1]
    assert info.created_at == T0 and info.updated_at == T1
    with pytest.raises(TargetExistsError, match="already called 'sms'"):
        rename_saved(conn, "VEHICULES + 12 ANS", "sms")
    rename_saved(conn, "SMS", "sms")  # its own name in other letters: allowed
    assert [i.name for i in list_saved(conn)] == ["sms", "VEHICULES + 12 ANS"]
    with pytest.raises(TargetError, match="No saved target called 'JAMAIN'"):
        rename_saved(conn, "JAMAIN", "x")


def test_delete_several(conn) -> None:
    for name in ("client sms", "CT_RORO", "JAMAIN", "SCENIC 2010", "testemilie"):
        save_target(conn, Target(name=name))
    assert delete_saved(conn, "ct_roro", "JAMAIN", "testemilie", "not there") == 3
    assert [i.name for i in list_saved(conn)] == ["client sms", "SCENIC 2010"]
    assert delete_saved(conn) == 0
    with pytest.raises(TargetError, match="No saved target called 'JAMAIN'"):
        load_saved(conn, "JAMAIN")


@pytest.mark.parametrize(
    "definition, problem",
    [
        ("{not json", "its definition is not JSON"),
        (
            '{"format": "cible-target", "version": 1, "columns": ["vehicle.colour"]}',
            "Unknown field",
        ),
        ('{"format": "cible-target", "version": 99}', "newer Cible"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_a_damaged_definition_gives_a_clear_error(conn, definition: str, problem: str) -> None:
    save_target(conn, Target(name="CT_RORO"))
    conn.execute(update(SavedTarget).values(definition=definition))
    with pytest.raises(TargetError) as info:
        load_saved(conn, "CT_RORO")
    message = str(info.value)
    assert message.startswith("The saved target 'CT_RORO' ") and problem in message
    assert "\n" not in message
    with pytest.raises(TargetError) as info:
        rename_saved(conn, "CT_RORO", "CT")
    assert str(info.value) == message
    assert delete_saved(conn, "CT_RORO") == 1  # a damaged one can still be deleted


# --- target files ---------------------------------------------------------------------------------


def test_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "cible.json"
    save_target_file(full_target(), path)
    assert load_target_file(path) == full_target()
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == "cible-target" and data["version"] == FORMAT_VERSION
    assert data["removed"] == [3, 4, 17] and data["grain"] == "customer"
    assert data["sort"] == [
        {"field": "customer.last_name", "descending": False},
        {"field": "vehicle.first_registration", "descending": True},
    ]
    assert "Liste des véhicules dont la date de MEC" in path.read_text("utf-8")  # readable UTF-8
    assert [p.name for p in tmp_path.iterdir()] == ["cible.json"]  # no temporary file left


def test_file_and_saved_target_hold_the_same(conn, tmp_path: Path) -> None:
    """Import a file into the saved targets, export a saved target to a file."""
    path = tmp_path / "in.json"
    save_target_file(full_target(), path)
    save_target(conn, load_target_file(path), now=T0)
    out = tmp_path / "out.json"
    save_target_file(load_saved(conn, full_target().name), out)
    assert out.read_bytes() == path.read_bytes()


def test_a_file_with_a_byte_order_mark_and_defaults_reads(tmp_path: Path) -> None:
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"name": "Tous"}).encode())
    target = load_target_file(path)
    assert target == Target(name="Tous")


def test_an_invalid_target_is_not_written_and_the_old_file_stays(tmp_path: Path) -> None:
    path = tmp_path / "cible.json"
    path.write_text("old content", "utf-8")
    with pytest.raises(TargetError):
        save_target_file(Target(columns=["vehicle.colour"]), path)
    assert path.read_text("utf-8") == "old content"
    with pytest.raises(TargetError, match="Cannot write"):
        save_target_file(Target(), tmp_path / "missing folder" / "x.json")
    assert [p.name for p in tmp_path.iterdir()] == ["cible.json"]


def _target_json(**changes) -> str:
    data = json.loads(dumps_target(full_target()))
    data.update(changes)
    return json.dumps(data)


def _condition_json(condition: dict) -> str:
    return _target_json(criteria={"group": "all", "children": [condition]})


MALFORMED = {
    "not JSON": (
        '{\n  "name": "x",\n  "columns": ["customer.last_name",]\n}',
        "is not valid JSON (line 3, column 36: Expecting value)",
    ),
    "empty": ("", "is not valid JSON (line 1, column 1"),
    "unknown key": (
        _target_json(colums=["customer.last_name"]),
        "Unknown key(s) in the target: colums.",
    ),
    "newer version": (
        _target_json(version=FORMAT_VERSION + 1),
        "written by a newer Cible (format version 3; this one reads up to 2). Update Cible",
    ),
    "version zero": (_target_json(version=0), "'version' must be a whole number from 1"),
    "version text": (_target_json(version="1"), "'version' must be a whole number from 1, not '1'"),
    "other format": (_target_json(format="v-mobility"), "Not a Cible target (format 'v-mobility'"),
    "not an object": ("[]", "A target must be a JSON object."),
    "unknown column": (_target_json(columns=["vehicle.colour"]), "Unknown field 'vehicle.colour'."),
    "unknown condition field": (
        _condition_json({"field": "vehicle.colour", "op": "eq", "values": ["rouge"]}),
        "Unknown field 'vehicle.colour'.",
    ),
    "unknown sort field": (_target_json(sort=[{"field": "nom"}]), "Unknown field 'nom'."),
    "sort key with an unknown key": (
        _target_json(sort=[{"field": "customer.last_name", "desc": True}]),
        "Unknown key(s) in a sort key: desc.",
    ),
    "wrong date": (
        _condition_json(
            {"field": "vehicle.first_registration", "op": "le", "values": ["2005-02-30"]}
        ),
        "(vehicle.first_registration): '2005-02-30' is not a valid date: February 2005 has only 28 days.",
    ),
    "number as text": (
        _condition_json({"field": "vehicle.mileage", "op": "ge", "values": ["beaucoup"]}),
        "Mileage (vehicle.mileage): 'beaucoup' is not a number.",
    ),
    "yes/no as a number": (
        _condition_json({"field": "customer.optout_post", "op": "eq", "values": [2]}),
        "(customer.optout_post): 2 is not yes or no",
    ),
    "removed as text": (
        _target_json(removed=["ARVAL"]),
        "'removed' must list customers by number or as {\"site\": CODE, \"ref\": DMS reference}",
    ),
    "columns not a list": (_target_json(columns="customer.last_name"), "'columns' must be a list"),
    "name not text": (_target_json(name=12), "'name' and 'description' must be text"),
    "grain": (
        _target_json(grain="household"),
        "Unknown grain 'household': use vehicle or customer.",
    ),
    "descending not yes/no": (
        _target_json(sort=[{"field": "customer.last_name", "descending": "yes"}]),
        "'descending' must be true or false",
    ),
    "criteria not a group": (
        _target_json(criteria={"field": "vehicle.brand", "op": "in", "values": ["MINI"]}),
        "A criteria group needs a 'group'",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_file_gives_one_clear_error(tmp_path: Path, case: str) -> None:
    text, expected = MALFORMED[case]
    path = tmp_path / "partage.json"
    path.write_text(text, "utf-8")
    with pytest.raises(TargetError) as info:
        load_target_file(path)
    message = str(info.value)
    assert expected in message
    assert "partage.json" in message  # says which file
    assert "\n" not in message and "Traceback" not in message


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes('{"name": "Véhicules"}'.encode("cp1252"))
    with pytest.raises(
        TargetError, match=r"export.json is not a target file \(it is not UTF-8 text\)"
    ):
        load_target_file(path)
    binary = tmp_path / "photo.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(TargetError, match="not UTF-8 text"):
        load_target_file(binary)


def test_a_folder_or_a_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "cibles.json"
    folder.mkdir()
    with pytest.raises(TargetError, match="is a folder, not a target file"):
        load_target_file(folder)
    with pytest.raises(TargetError, match="No target file at"):
        load_target_file(tmp_path / "absent.json")
    with pytest.raises(TargetError, match="Cannot write"):
        save_target_file(Target(), folder)



def test_a_name_with_accented_capitals_is_found_again(tmp_path) -> None:
    """SQLite's lower() folds ASCII only: "COCHÉS" was saved, then not found by its own name."""
    from app.models.db import open_database
    from app.query.saved import load_saved, save_target, saved_exists

    db = open_database(tmp_path / "garage.sqlite")
    with db.engine.begin() as connection:
        save_target(connection, Target(name="CLIO ET LAGUNA COCHÉS"))
    with db.engine.begin() as connection:
        assert saved_exists(connection, "clio et laguna cochés")
        assert load_saved(connection, "CLIO ET LAGUNA COCHÉS").name == "CLIO ET LAGUNA COCHÉS"
    db.dispose()
