"""``python -m app run-target``: rows written in the target's columns and order; errors exit 2."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from app.__main__ import main
from app.models.db import open_database
from app.query.criteria import Condition, Group
from app.query.target import SortKey, Target
from app.query.targetfile import save_target_file
from tests.query.conftest import build_sample

ROOT = Path(__file__).resolve().parents[2]
D = dt.date

OLD_VEHICLES = Target(
    name="VEHICULES PLUS DE 12 ANS",
    columns=[
        "customer.last_name",
        "vehicle.model",
        "vehicle.first_registration",
        "vehicle.mileage",
        "customer.optout_post",
    ],
    criteria=Group("all", [Condition("vehicle.first_registration", "le", [D(2005, 12, 1)])]),
    sort=[SortKey("customer.last_name"), SortKey("vehicle.first_registration", descending=True)],
)

WIN_BACK = Target(
    name="RECONQUETE",
    columns=["customer.last_name", "customer.last_invoice_date"],
    criteria=Group(
        "all",
        [
            Condition("customer.last_invoice_date", "more_than_ago", [2], unit="years"),
            Condition("customer.optout_post", "eq", [False]),
            Group("none", [Condition("customer.is_fleet", "eq", [True])]),
        ],
    ),
    sort=[SortKey("customer.last_invoice_date")],
    grain="customer",
)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("run_target") / "garage.sqlite"
    db = open_database(path)
    ids = build_sample(db)
    db.dispose()
    return path, ids


@pytest.fixture
def db_file(sample_db) -> Path:
    return sample_db[0]


@pytest.fixture
def ids(sample_db) -> dict[str, int]:
    return sample_db[1]


def write_target(folder: Path, target: Target, name: str = "cible.json") -> Path:
    path = folder / name
    save_target_file(target, path)
    return path


def run(capsys, *args: str | Path) -> tuple[int, str, str]:
    code = main(["run-target", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # opens right in French Excel
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


# --- rows written ----------------------------------------------------------------------------------


def test_csv_has_the_columns_in_the_sort_order_without_removed_customers(
    capsys, tmp_path, db_file, ids
) -> None:
    target = dataclasses.replace(OLD_VEHICLES, removed={ids["arval"]})
    out = tmp_path / "vieux.csv"
    code, stdout, stderr = run(
        capsys,
        write_target(tmp_path, target),
        "--db",
        db_file,
        "--out",
        out,
        "--today",
        "2024-06-15",
        "--lang",
        "fr",
    )
    assert (code, stderr) == (0, "")
    assert stdout.startswith(f"4 lignes écrites dans {out}\n")
    assert read_csv(out) == [
        ["Nom", "Modèle", "Date MEC", "Kilométrage", "CNIL - Refus contact par courrier"],
        ["Dupré", "CLIO", "10/03/2004", "180000", "Non"],
        ["GASNIER", "AUSTIN MINI", "17/02/1992", "250000", "Non"],
        ["Martin", "Laguna Estate", "30/11/2005", "210000", "Non"],
        ["Martin", "MINI 1.6i 115 COOPER", "05/05/2004", "", "Non"],
    ]


def test_removed_customers_are_the_only_difference(capsys, tmp_path, db_file, ids) -> None:
    out = tmp_path / "tous.csv"
    code, stdout, _ = run(
        capsys, write_target(tmp_path, OLD_VEHICLES), "--db", db_file, "--out", out, "--lang", "fr"
    )
    assert code == 0 and stdout.startswith("6 lignes écrites")
    names = [row[0] for row in read_csv(out)[1:]]
    assert names.count("ARVAL SERVICE-LEASE") == 2  # both of its old Méganes


def test_xlsx_is_typed_and_in_the_same_order(capsys, tmp_path, db_file, ids) -> None:
    target = dataclasses.replace(OLD_VEHICLES, removed={ids["arval"]})
    out = tmp_path / "vieux.xlsx"
    code, stdout, stderr = run(
        capsys, write_target(tmp_path, target), "--db", db_file, "--out", out, "--lang", "en"
    )
    assert (code, stderr, stdout) == (0, "", f"4 rows written to {out}\n")
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == (
        "Last name",
        "Model",
        "First registration (MEC)",
        "Mileage",
        "CNIL - Refuses contact by post",
    )
    data = [row[:5] for row in rows[1:] if any(v is not None for v in row)]
    assert [(r[0], r[1]) for r in data] == [
        ("Dupré", "CLIO"),
        ("GASNIER", "AUSTIN MINI"),
        ("Martin", "Laguna Estate"),
        ("Martin", "MINI 1.6i 115 COOPER"),
    ]
    assert data[0][2] == dt.datetime(2004, 3, 10) and data[0][3] == 180000  # a date, a number
    assert data[3][3] is None
    assert {p.name for p in tmp_path.iterdir()} == {"cible.json", "vieux.xlsx"}


def test_today_fixes_relative_criteria(capsys, tmp_path, db_file) -> None:
    file = write_target(tmp_path, WIN_BACK)
    out = tmp_path / "winback.csv"
    code, stdout, _ = run(
        capsys, file, "--db", db_file, "--out", out, "--today", "2024-06-15", "--lang", "fr"
    )
    assert code == 0 and stdout.startswith(f"1 ligne écrite dans {out}\n")
    assert read_csv(out) == [["Nom", "Date dernière facture (client)"], ["GASNIER", "09/09/2019"]]
    code, stdout, _ = run(
        capsys, file, "--db", db_file, "--out", out, "--today", "2026-06-15", "--lang", "en"
    )
    assert code == 0 and stdout.startswith(f"4 rows written to {out}\n")
    assert read_csv(out) == [
        ["Last name", "Last invoice date (customer)"],
        ["GASNIER", "09/09/2019"],
        ["Dupré", "10/01/2024"],
        ["Lefèvre", "02/02/2024"],
        ["Martin", "01/06/2024"],
    ]


def test_without_today_relative_criteria_count_from_today(capsys, tmp_path, db_file) -> None:
    file = write_target(tmp_path, WIN_BACK)
    today = tmp_path / "today.csv"
    implicit = tmp_path / "implicit.csv"
    code, _, _ = run(
        capsys, file, "--db", db_file, "--out", today, "--today", dt.date.today().isoformat()
    )
    assert code == 0
    code, _, _ = run(capsys, file, "--db", db_file, "--out", implicit)
    assert code == 0
    assert implicit.read_bytes() == today.read_bytes()


def test_an_empty_result_writes_the_header(capsys, tmp_path, db_file) -> None:
    target = Target(
        columns=["customer.last_name"],
        criteria=Group("all", [Condition("customer.last_name", "eq", ["PERSONNE"])]),
    )
    out = tmp_path / "vide.csv"
    code, stdout, _ = run(
        capsys, write_target(tmp_path, target), "--db", db_file, "--out", out, "--lang", "fr"
    )
    assert code == 0 and stdout.startswith(f"0 ligne écrite dans {out}\n")
    assert read_csv(out) == [["Nom"]]


def test_an_existing_output_is_replaced(capsys, tmp_path, db_file) -> None:
    out = tmp_path / "liste.csv"
    out.write_text("last week's list", "utf-8")
    code, _, _ = run(
        capsys,
        write_target(tmp_path, WIN_BACK),
        "--db",
        db_file,
        "--out",
        out,
        "--today",
        "2024-06-15",
    )
    assert code == 0 and "GASNIER" in out.read_text("utf-8-sig")
    assert {p.name for p in tmp_path.iterdir()} == {"cible.json", "liste.csv"}


# --- errors -----------------------------------------------------------------------------------------


def _malformed(folder: Path) -> Path:
    path = folder / "cible.json"
    path.write_text('{"name": "x", "columns": ["customer.last_name",]}', "utf-8")
    return path


def _unknown_field(folder: Path) -> Path:
    path = folder / "cible.json"
    data = OLD_VEHICLES.to_dict()
    data["criteria"]["children"][0]["field"] = "vehicle.colour"
    path.write_text(json.dumps(data), "utf-8")
    return path


def _wrong_value(folder: Path) -> Path:
    path = folder / "cible.json"
    data = OLD_VEHICLES.to_dict()
    data["criteria"]["children"][0]["values"] = ["01/12/05"]
    path.write_text(json.dumps(data), "utf-8")
    return path


def _good(folder: Path) -> Path:
    return write_target(folder, OLD_VEHICLES)


def _not_utf8(folder: Path) -> Path:
    path = folder / "cible.json"
    path.write_bytes('{"name": "Véhicules"}'.encode("cp1252"))
    return path


ERRORS = {
    "unknown field key": (_unknown_field, {}, "Unknown field 'vehicle.colour'."),
    "wrong value type": (_wrong_value, {}, "type the year with 4 digits"),
    "malformed file": (_malformed, {}, "cible.json is not valid JSON (line 1, column"),
    "not UTF-8": (_not_utf8, {}, "is not a target file (it is not UTF-8 text)"),
    "missing target file": (lambda f: f / "absent.json", {}, "No target file at"),
    "missing database": (_good, {"--db": "absent.sqlite"}, "No database at"),
    "not a database": (_good, {"--db": "notes.sqlite"}, "is not a Cible database"),
    "empty database file": (
        _good,
        {"--db": "empty.sqlite"},
        "is empty: it is not a Cible database",
    ),
    "database is a folder": (_good, {"--db": "folder"}, "is a folder, not a database file"),
    "unknown output extension": (
        _good,
        {"--out": "liste.txt"},
        "the file name must end in .csv or .xlsx",
    ),
    "output folder missing": (_good, {"--out": "nowhere/liste.csv"}, "the folder"),
    "output is a folder": (_good, {"--out": "folder.csv"}, "is a folder, not a file"),
    "bad today": (
        _good,
        {"--today": "15/06/2024"},
        "--today '15/06/2024' is not a date: use YYYY-MM-DD",
    ),
    "impossible today": (_good, {"--today": "2024-02-30"}, "is not a date"),
    "unknown option": (_good, {"--format": "csv"}, "unrecognized arguments: --format csv"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_exit_2_with_one_line_and_write_nothing(capsys, tmp_path, db_file, case) -> None:
    make_file, options, expected = ERRORS[case]
    (tmp_path / "notes.sqlite").write_text("not a database", "utf-8")
    (tmp_path / "empty.sqlite").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.csv").mkdir()
    out = tmp_path / "liste.csv"
    out.write_text("last week's list", "utf-8")
    file = make_file(tmp_path)
    args = {"--db": str(db_file), "--out": str(out), "--today": "2024-06-15"}
    args.update({k: str(tmp_path / v) if k in ("--db", "--out") else v for k, v in options.items()})
    before = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    db_before = db_file.read_bytes()
    code, stdout, stderr = run(capsys, file, *[x for kv in args.items() for x in kv])
    assert code == 2
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cible: error: "), stderr
    assert expected in lines[0]
    assert "Traceback" not in stderr
    after = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert after == before  # nothing written, no temporary file left, the old list untouched
    assert out.read_text("utf-8") == "last week's list"
    assert (tmp_path / "empty.sqlite").read_bytes() == b""
    assert db_file.read_bytes() == db_before


def test_missing_arguments(capsys, tmp_path) -> None:
    code, stdout, stderr = run(capsys, "cible.json", "--out", tmp_path / "x.csv")
    assert code == 2 and stdout == ""
    assert stderr == "cible: error: the following arguments are required: --db\n"
    code, _, stderr = run(capsys)
    assert code == 2 and "the following arguments are required: FILE.json, --db, --out" in stderr


def test_help(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run-target", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "--today YYYY-MM-DD" in text and "OUT.csv|OUT.xlsx" in text


# --- as a real process -------------------------------------------------------------------------------


def _process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app", "run-target", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_as_a_real_process(tmp_path, db_file) -> None:
    file = write_target(tmp_path, WIN_BACK)
    out = tmp_path / "winback.csv"
    done = _process(file, "--db", db_file, "--out", out, "--today", "2024-06-15", "--lang", "fr")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"1 ligne écrite dans {out}\n")
    assert read_csv(out) == [["Nom", "Date dernière facture (client)"], ["GASNIER", "09/09/2019"]]
    failed = _process(file, "--db", tmp_path / "absent.sqlite", "--out", tmp_path / "other.csv")
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr == f"cible: error: No database at {tmp_path / 'absent.sqlite'}.\n"
    assert not (tmp_path / "other.csv").exists()


def test_values_are_written_as_users_read_them(capsys, tmp_path, db_file) -> None:
    target = Target(
        columns=[
            "customer.last_name",
            "vehicle.model",
            "customer.last_invoice_amount",
            "customer.marketing_basis",
            "sale.financing_type",
            "sale.rate",
            "vehicle.age_years",
        ],
        criteria=Group("all", [Condition("customer.last_name", "eq", ["dupre"])]),
        sort=[SortKey("vehicle.model")],
    )
    file = write_target(tmp_path, target)
    out = tmp_path / "dupre.csv"
    code, _, _ = run(
        capsys, file, "--db", db_file, "--out", out, "--today", "2024-06-15", "--lang", "fr"
    )
    assert code == 0
    assert read_csv(out)[1:] == [
        ["Dupré", "CLIO", "150,50", "Consentement", "", "", "20"],
        ["Dupré", "LAGUNA", "150,50", "Consentement", "Financement régulier", "4,9", "15"],
    ]
    code, _, _ = run(
        capsys, file, "--db", db_file, "--out", out, "--today", "2024-06-15", "--lang", "en"
    )
    assert read_csv(out)[1:][1] == [
        "Dupré",
        "LAGUNA",
        "150.50",
        "Consent",
        "Regular loan",
        "4.9",
        "15",
    ]


def test_csv_cells_that_would_run_as_formulas_start_with_a_quote(tmp_path, capsys) -> None:
    """OWASP's CSV injection: a name typed as =HYPERLINK(...) or =1+1 stays text in a
    spreadsheet; codes with leading zeros are left as they are (and the command says so)."""
    db_path = tmp_path / "garage.sqlite"
    db = open_database(db_path)
    build_sample(db)
    with db.engine.begin() as connection:
        names = ['=HYPERLINK("http://x","y")', "=1+1", "+33612345678", "-2", "@SUM(A1)", "\tTAB"]
        ids = [r[0] for r in connection.exec_driver_sql("SELECT id FROM customer ORDER BY id")]
        for cid, name in zip(ids, names, strict=False):
            connection.exec_driver_sql(
                "UPDATE customer SET last_name = ?, postal_code = '01000' WHERE id = ?", (name, cid)
            )
    db.dispose()
    out = tmp_path / "liste.csv"
    target = Target(columns=["customer.last_name", "customer.postal_code"], grain="customer")
    code, stdout, _err = run(
        capsys, write_target(tmp_path, target), "--db", db_path, "--out", out, "--lang", "en"
    )
    assert code == 0
    assert stdout.splitlines()[1].startswith(
        "Note: a spreadsheet opening a CSV drops the leading zeros"
    )
    rows = read_csv(out)[1:]
    written = {r[0] for r in rows}
    assert {
        '\'=HYPERLINK("http://x","y")',
        "'=1+1",
        "'+33612345678",
        "'-2",
        "'@SUM(A1)",
        "'\tTAB",
    } <= written
    assert all(r[1] == "01000" for r in rows if r[0].startswith("'"))
