"""Excel's limits are said, never applied silently (robustness, point 9): a cell holds at most
32,767 characters and a number 15 significant digits."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from app.__main__ import main
from app.models.db import open_database
from tests.query.conftest import build_sample

LONG = "Très long commentaire. " * 2000  # 46,000 characters


def _garage(tmp_path: Path) -> Path:
    db_path = tmp_path / "garage.sqlite"
    db = open_database(db_path)
    build_sample(db)
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE customer SET free1 = ? WHERE id = (SELECT min(id) FROM customer)", (LONG,)
        )
        connection.exec_driver_sql(
            "UPDATE vehicle SET mileage = 12345678901234567 WHERE id = (SELECT min(id) FROM vehicle)"
        )
    db.dispose()
    return db_path


def _target(tmp_path: Path) -> Path:
    path = tmp_path / "cible.json"
    path.write_text(
        json.dumps(
            {
                "format": "cible-target",
                "columns": ["customer.last_name", "customer.free1", "vehicle.mileage"],
            }
        ),
        encoding="utf-8",
    )
    return path


def test_the_about_sheet_and_the_command_say_what_excel_could_not_hold(tmp_path, capsys) -> None:
    db = _garage(tmp_path)
    out = tmp_path / "liste.xlsx"
    code = main(
        ["export-excel", str(_target(tmp_path)), "--db", str(db), "--out", str(out), "--lang", "fr"]
    )
    stdout, stderr = capsys.readouterr()
    assert (code, stderr) == (0, "")
    assert "2 textes ont été coupés à 32\u202f767 caractères, la limite d’Excel pour une cellule."  # one row per vehicle in stdout
    assert "1 nombre entier a plus de 15 chiffres : Excel l’arrondit." in stdout
    book = openpyxl.load_workbook(out)
    about = {row[0]: row[1] for row in book.worksheets[1].iter_rows(values_only=True)}
    assert about["Textes coupés à 32\u202f767 caractères (limite d’Excel pour une cellule)"] == 2
    assert about["Nombres entiers de plus de 15 chiffres (Excel les arrondit)"] == 1
    texts = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, str) and len(c) == 32767 for c in texts)


def test_nothing_is_said_when_every_value_fits(tmp_path, capsys) -> None:
    db_path = tmp_path / "garage.sqlite"
    db = open_database(db_path)
    build_sample(db)
    db.dispose()
    out = tmp_path / "liste.xlsx"
    code = main(
        [
            "run-target",
            str(_target(tmp_path)),
            "--db",
            str(db_path),
            "--out",
            str(out),
            "--lang",
            "en",
        ]
    )
    stdout, _err = capsys.readouterr()
    assert code == 0 and stdout.count("\n") == 1 and "rows written" in stdout
    about_less = openpyxl.load_workbook(out)
    assert len(about_less.worksheets) == 1


def test_a_damaged_workbook_is_refused_by_name_and_left_as_it_was(tmp_path) -> None:
    """A refreshed workbook whose sheet XML was cut (a copy interrupted, a bad disk) once
    ended in a ParseError traceback."""
    import zipfile

    import pytest

    from app.errors import CibleError
    from app.export.excel import export_target, refresh_workbook
    from app.query.target import Target

    db = open_database(tmp_path / "garage.sqlite")
    build_sample(db)
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    with db.engine.connect() as conn:
        export_target(conn, Target(), good)
    for part in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "[Content_Types].xml"):
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                dst.writestr(item, data[: len(data) // 2] if item.filename == part else data)
        before = bad.read_bytes()
        with db.engine.connect() as conn, pytest.raises(CibleError, match="bad.xlsx is damaged"):
            refresh_workbook(conn, Target(), bad)
        assert bad.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    db.dispose()
