"""Hostile or absurd targets: each is refused by name when it is read, never by the database.

The limits are documented in docs/target-format.md ("Limits"); these are the inputs a careful
tester found to end in tracebacks or database errors (robustness issue, points 1 to 3 and 8).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.__main__ import main
from app.errors import TargetError
from app.i18n import set_language
from app.models.db import open_database
from app.query.catalog import FIELDS
from app.query.criteria import MAX_CONDITIONS, MAX_DEPTH, MAX_VALUES, Condition, Group, Op
from app.query.engine import compile_target, count_rows
from app.query.target import Target
from app.query.targetfile import load_target_file
from tests.query.conftest import TODAY, build_sample


def cond(field: str, op: str, values: list, unit: str | None = None) -> dict:
    data = {"field": field, "op": op, "values": values}
    if unit:
        data["unit"] = unit
    return data


def target_doc(*children: dict, **extra) -> dict:
    return {
        "format": "cible-target",
        "version": 1,
        "criteria": {"group": "all", "children": list(children)},
        **extra,
    }


def nested(depth: int) -> dict:
    top = {"group": "all", "children": []}
    node = top
    for _level in range(depth - 1):
        child = {"group": "any", "children": [cond("customer.last_name", "eq", ["A"])]}
        node["children"].append(child)
        node = child
    return top


HOSTILE = {
    "vehicle age as a year": (
        target_doc(cond("vehicle.age_years", "ge", [2026])),
        "Vehicle age (years): 2,026 years is not possible (at most 200).",
    ),
    "relative date of 2,026 years": (
        target_doc(cond("vehicle.first_registration", "more_than_ago", [2026], "years")),
        "First registration (MEC): 2,026 years is not possible (at most 200 years).",
    ),
    "within the next 7,974 years": (
        target_doc(cond("vehicle.warranty_end", "within_next", [7974], "years")),
        "7,974 years is not possible",
    ),
    "a million days": (
        target_doc(cond("vehicle.first_registration", "within_last", [10**6], "days")),
        "1,000,000 days is not possible (at most 73,000 days)",
    ),
    "a customer number beyond 64 bits": (
        target_doc(removed=[2**63]),
        "'removed' must be a list of customer numbers",
    ),
    "mileage of 1e19": (
        target_doc(cond("vehicle.mileage", "ge", [1e19])),
        "is not possible (at most 1,000,000,000,000)",
    ),
    "a price of 17 nines": (
        target_doc(cond("vehicle.mileage", "ge", [99999999999999999])),
        "99999999999999999 is not possible",
    ),
    "a lone surrogate": (
        target_doc(cond("customer.last_name", "eq", ["\ud800"])),
        "holds a character that is not valid (U+D800)",
    ),
    "1,000 values under ≠": (
        target_doc(cond("customer.last_name", "ne", [f"X{i}" for i in range(1000)])),
        "1,000 values in one condition; Cible runs at most 500.",
    ),
    "an any group of 1,000 conditions": (
        {
            "format": "cible-target",
            "criteria": {
                "group": "any",
                "children": [cond("customer.last_name", "eq", [f"X{i}"]) for i in range(1000)],
            },
        },
        "The criteria hold 1,000 conditions; Cible runs at most 300.",
    ),
    "100 nested groups": (
        {"format": "cible-target", "criteria": nested(100)},
        "groups more than 10 levels deep",
    ),
    "a text value of 10,000 characters": (
        target_doc(cond("customer.last_name", "like", ["%" + "a" * 10_000 + "%"])),
        "the text is 10,002 characters long; Cible compares at most 200.",
    ),
    "2,500 columns": (
        target_doc(columns=["customer.last_name"] * 2500),
        "The target has 2,500 columns; Cible shows at most 250.",
    ),
    "no columns": (
        target_doc(columns=[]),
        "The target has no columns: choose at least one field to display.",
    ),
}


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_targets_are_refused_by_name(case: str) -> None:
    doc, expected = HOSTILE[case]
    with pytest.raises(TargetError) as caught:
        Target.from_dict(json.loads(json.dumps(doc)))
    assert expected in str(caught.value)


def test_limits_say_it_in_french() -> None:
    set_language("fr")
    with pytest.raises(TargetError) as caught:
        Target.from_dict(target_doc(cond("vehicle.age_years", "ge", [2026])))
    assert str(caught.value) == (
        "Âge du véhicule (ans) : 2\u202f026 ans n’est pas possible (au plus 200)."
    )


def test_limits_themselves_are_accepted(conn) -> None:
    """The bounds are inclusive and the engine runs a target at every limit."""
    many = [cond("customer.last_name", "ne", [f"X{i}" for i in range(MAX_VALUES)])]
    many += [cond("customer.first_name", "like", [f"%{i}%"]) for i in range(MAX_CONDITIONS - 1)]
    t = Target.from_dict(target_doc(*many))
    assert count_rows(conn, t, today=TODAY) == 0
    deep = Target.from_dict({"format": "cible-target", "criteria": nested(MAX_DEPTH)})
    assert count_rows(conn, deep, today=TODAY) >= 0
    oldest = target_doc(
        cond("vehicle.age_years", "le", [200]), cond("vehicle.mileage", "ge", [10**12])
    )
    assert count_rows(conn, Target.from_dict(oldest), today=TODAY) == 0
    far = target_doc(cond("vehicle.warranty_end", "le", ["31/12/9999"]))
    assert count_rows(conn, Target.from_dict(far), today=TODAY) > 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"format":"cible-target","criteria":' + "[" * 1000 + "]" * 1000 + "}",
            "nested too deeply",
        ),
        ('{"format":"cible-target","removed":[' + "9" * 4400 + "]}", "a number too long"),
    ],
)
def test_files_that_json_itself_cannot_hold(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "cible.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TargetError, match=expected):
        load_target_file(path)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cible.json"
    path.write_text(json.dumps(target_doc(description="x" * 3_000_000)), encoding="utf-8")
    with pytest.raises(TargetError, match="too large to be a target file"):
        load_target_file(path)


def test_many_values_on_one_field_grow_the_query_linearly() -> None:
    """300 values under one vehicle field in an "all" group once took 31 s and 590 MB: each
    value's subquery held the OR of all of them. Now the SQL grows in step with the values."""

    def size(n: int) -> int:
        group = Group("all", [Condition("vehicle.model", Op.LIKE, [f"%M{i}%"]) for i in range(n)])
        return len(str(compile_target(Target(criteria=group), today=TODAY)))

    small, large = size(40), size(160)
    assert large < 5 * small  # 4x the values: about 4x the text (16x when it was quadratic)


def test_an_impossible_stored_date_reads_as_empty(tmp_path: Path, capsys) -> None:
    """birth_date = '1900-02-29' written into SQLite by another program stops nothing."""
    db_path = tmp_path / "garage.sqlite"
    db = open_database(db_path)
    build_sample(db)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE customer SET birth_date = '1900-02-29'")
    db.dispose()
    file = tmp_path / "cible.json"
    file.write_text(json.dumps(target_doc(columns=["customer.last_name", "customer.birth_date"])))
    code = main(["run-target", str(file), "--db", str(db_path), "--out", str(tmp_path / "o.csv")])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "") and "written to" in out


# --- fuzz: whatever the file holds, exit 0 or 2, one line, database unchanged ----------------

KEYS = list(FIELDS)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
)
TEXTS = st.text(max_size=30)
VALUES = st.one_of(NUMBERS, TEXTS, st.booleans(), st.none(), st.dates().map(dt.date.isoformat))
CONDITIONS = st.fixed_dictionaries(
    {
        "field": st.one_of(st.sampled_from(KEYS), TEXTS),
        "op": st.one_of(st.sampled_from([o.value for o in Op]), TEXTS),
        "values": st.lists(VALUES, max_size=4),
    },
    optional={
        "unit": st.sampled_from(["days", "months", "years", "weeks"]),
        "keep_empty": st.one_of(st.booleans(), TEXTS),
    },
)
TREES = st.recursive(
    CONDITIONS,
    lambda children: st.fixed_dictionaries(
        {
            "group": st.sampled_from(["all", "any", "none", "some"]),
            "children": st.lists(children, max_size=4),
        }
    ),
    max_leaves=12,
)
DOCS = st.fixed_dictionaries(
    {
        "format": st.just("cible-target"),
        "criteria": st.fixed_dictionaries(
            {"group": st.just("all"), "children": st.lists(TREES, max_size=3)}
        ),
    },
    optional={
        "columns": st.lists(st.sampled_from(KEYS), max_size=5),
        "removed": st.lists(st.integers(min_value=-(2**64), max_value=2**64), max_size=3),
        "sort": st.lists(st.fixed_dictionaries({"field": st.sampled_from(KEYS)}), max_size=2),
        "grain": st.sampled_from(["vehicle", "customer", "site"]),
    },
)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "garage.sqlite"
    db = open_database(path)
    build_sample(db)
    db.dispose()
    return path


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc=DOCS)
def test_any_target_file_exits_0_or_2_with_one_line(
    fuzz_db: Path, tmp_path: Path, capsys, doc
) -> None:
    before = hashlib.sha256(fuzz_db.read_bytes()).hexdigest()
    file = tmp_path / "fuzz.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "fuzz.csv"
    code = main(
        ["run-target", str(file), "--db", str(fuzz_db), "--out", str(out), "--today", "2024-06-15"]
    )
    stdout, stderr = capsys.readouterr()
    assert code in (0, 2), stderr
    if code == 2:
        assert stderr.count("\n") == 1 and stderr.startswith("cible: error: ") and not stdout
    else:
        assert stderr == "" and stdout.count("\n") == 2  # the count, then the CSV note
    assert hashlib.sha256(fuzz_db.read_bytes()).hexdigest() == before
