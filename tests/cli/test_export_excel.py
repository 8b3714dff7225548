"""``python -m app export-excel`` (and run-target's .xlsx, written by the same exporter)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from app.cli import export_excel, run_target
from app.cli.common import run_command
from app.models.db import open_database
from app.query.target import SortKey
from tests.export.mailing_sample import build_mailing_sample, everyone

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def db_file(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("cli") / "garage.sqlite"
    db = open_database(path)
    ids = build_mailing_sample(db)
    db.dispose()
    return path, ids


@pytest.fixture
def target_file(tmp_path) -> Path:
    t = everyone(
        name="Tous les clients",
        columns=["customer.last_name", "customer.postal_code", "vehicle.first_registration"],
        sort=[SortKey("customer.last_name")],
    )
    path = tmp_path / "tous.json"
    path.write_text(json.dumps(t.to_dict()), encoding="utf-8")
    return path


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = run_command(export_excel.main, argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_the_workbook_with_both_sheets(db_file, target_file, tmp_path, capsys) -> None:
    db, _ = db_file
    out = tmp_path / "tous.xlsx"
    code, stdout, err = run(
        [str(target_file), "--db", str(db), "--out", str(out), "--today", "2024-06-15",
         "--lang", "fr"],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Données", "Informations"]
    rows = list(wb["Données"].iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Code postal", "Date MEC")
    assert stdout.strip() == f"{len(rows) - 1} lignes écrites dans {out}"
    dupre = [r for r in rows if r[0] == "Dupré"]
    assert dupre == [
        ("Dupré", "37000", dt.datetime(2004, 3, 10)),
        ("Dupré", "37000", dt.datetime(2009, 6, 1)),
    ]
    info = dict(wb["Informations"].iter_rows(values_only=True))
    assert info["Cible"] == "Tous les clients"
    assert info["Dates relatives comptées depuis le"] == dt.datetime(2024, 6, 15)


def test_for_mailing_prints_the_funnel_and_leaves_refusals_out(
    db_file, target_file, tmp_path, capsys
) -> None:
    db, _ = db_file
    out = tmp_path / "courrier.xlsx"
    code, stdout, err = run(
        [str(target_file), "--db", str(db), "--out", str(out), "--today", "2024-06-15",
         "--for-mailing", "--not-contacted-days", "30", "--lang", "en"],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    lines = stdout.splitlines()
    assert lines[0] == "In the target: 16"
    assert "    refuses postal contact: 2" in lines
    assert "Not contacted in the last 30 days: 4 (-2)" in lines
    names = [
        r[0] for r in openpyxl.load_workbook(out)["Data"].iter_rows(min_row=2, values_only=True)
    ]
    assert lines[-1] == f"{len(names)} rows written to {out}" and len(names) == 4
    assert not {"DUPONT", "dupont-aignan", "Dupré"} & set(names)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "{tmp}/x.csv"], "must end in .xlsx"),
        (["--out", "{tmp}/nowhere/x.xlsx"], "does not exist"),
        (["--out", "{tmp}/folder.xlsx"], "is a folder"),
        (["--today", "15/06/2024"], "is not a date"),
        (["--household"], "go with --for-mailing"),
        (["--for-mailing", "--not-contacted-days", "-1"], "0 or more"),
        (["--for-mailing", "--not-contacted-days", "ten"], "invalid int value"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(
    db_file, target_file, tmp_path, capsys, extra, message
) -> None:
    db, _ = db_file
    (tmp_path / "folder.xlsx").mkdir()
    argv = [str(target_file), "--db", str(db), "--out", str(tmp_path / "out.xlsx")]
    argv += [a.replace("{tmp}", str(tmp_path)) for a in extra]
    code, stdout, err = run(argv, capsys)
    assert code == 2 and stdout == ""
    assert err.startswith("cible: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "out.xlsx").exists()


def test_bad_target_or_database_writes_nothing(db_file, tmp_path, capsys) -> None:
    db, _ = db_file
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"older workbook")
    bad_field = tmp_path / "bad.json"
    bad_field.write_text(json.dumps({"columns": ["customer.shoe_size"]}))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(everyone().to_dict()))
    cases = [
        ([str(bad_field), "--db", str(db)], "Unknown field 'customer.shoe_size'"),
        ([str(broken), "--db", str(db)], "is not valid JSON"),
        ([str(tmp_path / "none.json"), "--db", str(db)], "No target file"),
        ([str(good), "--db", str(tmp_path / "missing.sqlite")], "No database at"),
    ]
    for argv, message in cases:
        code, stdout, err = run([*argv, "--out", str(out)], capsys)
        assert code == 2 and message in err and err.count("\n") == 1, err
        assert out.read_bytes() == b"older workbook"
    assert not (tmp_path / "missing.sqlite").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.json",
        "broken.json",
        "good.json",
        "out.xlsx",
    ]


def test_run_target_xlsx_uses_the_same_typed_writer(db_file, target_file, tmp_path, capsys) -> None:
    db, _ = db_file
    out = tmp_path / "rt.xlsx"
    code = run_command(
        run_target.main,
        [str(target_file), "--db", str(db), "--out", str(out), "--today", "2024-06-15",
         "--lang", "en"],
    )  # fmt: skip
    assert code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Data"]
    sheet = wb["Data"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:C")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Dupré")
    assert (row[1].value, row[1].data_type) == ("37000", "s")
    assert row[2].is_date and row[2].number_format == "dd/mm/yyyy"


def test_the_command_is_registered(db_file, target_file, tmp_path) -> None:
    db, _ = db_file
    out = tmp_path / "sub.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "app", "export-excel", str(target_file), "--db", str(db),
         "--out", str(out), "--today", "2024-06-15"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(f"rows written to {out}")
    assert out.exists()
