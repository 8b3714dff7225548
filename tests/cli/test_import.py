"""python -m app import: counts, report, profiles, dry run, bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl

from app.__main__ import main
from app.dms.fields import FileKind
from app.dms.profile import Profile, save_profile
from app.dms.profile_store import load_profiles
from app.dms.profile_store import save_profile as store_profile
from app.models.db import open_database

EXAMPLES = Path(__file__).resolve().parents[2] / "app" / "resources" / "examples"


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        conn.close()


def test_examples_with_report(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    report = tmp_path / "rapport.xlsx"
    code = main(["import", str(EXAMPLES / "vehicules_dcs.csv"), "--db", str(db),
                 "--report", str(report), "--lang", "en", "--today", "2026-12-02"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 3
    assert "vehicles, 15 rows read: 10 new, 1 updated, 0 unchanged, 4 rejected" in out
    assert "change of owner: DR-903-MB" in out
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["Summary", "Problems", "Changes"]
    assert book["Changes"].max_row == 2
    assert _count(db, "vehicle") == 10


def test_dry_run_writes_nothing(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    assert main(["import", str(EXAMPLES / "clients_irium.csv"), "--db", str(db)]) == 3
    before = db.read_bytes()
    assert main(["import", str(EXAMPLES / "ventes_vn_vo.csv"), "--db", str(db), "--dry-run"]) == 3
    assert "nothing was written" in capsys.readouterr().out
    assert db.read_bytes() == before and _count(db, "vehicle_sale") == 0


def test_french_output(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    main(["import", str(EXAMPLES / "clients_irium.csv"), "--db", str(db), "--lang", "fr"])
    out = capsys.readouterr().out
    assert "clients" in out and "rejet" in out


def test_profile_file_and_saved_profile(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    extract = tmp_path / "export.csv"
    extract.write_bytes("Ref;Famille;Bourg\r\n5;DUPRÉ;Tours\r\n".encode("cp1252"))
    profile = Profile("Maison", FileKind.CUSTOMERS, {"Ref": "customer.dms_ref",
                      "Famille": "customer.last_name", "Bourg": "customer.city"})  # fmt: skip
    save_profile(profile, tmp_path / "maison.json")
    assert (
        main(["import", str(extract), "--db", str(db), "--profile", str(tmp_path / "maison.json")])
        == 0
    )
    assert "1 new" in capsys.readouterr().out
    database = open_database(db)
    store_profile(database, profile)
    assert [p.name for p in load_profiles(database)] == ["Maison"]
    database.dispose()
    extract.write_bytes("Ref;Famille;Bourg\r\n5;DUPRÉ;Blois\r\n".encode("cp1252"))
    assert main(["import", str(extract), "--db", str(db)]) == 0  # the saved profile applies
    out = capsys.readouterr().out
    assert "1 updated" in out and "Maison" in out
    conn = sqlite3.connect(db)
    assert conn.execute("select city, city_fold from customer").fetchone() == ("Blois", "BLOIS")
    conn.close()


def test_bad_inputs_are_one_line(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    pdf = tmp_path / "clients.csv"
    pdf.write_bytes(b"%PDF-1.4\n\x00\x01\x02binary")
    bad_profile = tmp_path / "p.json"
    bad_profile.write_text(json.dumps({"format": "other"}), encoding="utf-8")
    for argv in (
        ["import", str(pdf), "--db", str(db)],
        ["import", str(tmp_path / "missing.csv"), "--db", str(db)],
        [
            "import",
            str(EXAMPLES / "clients_irium.csv"),
            "--db",
            str(db),
            "--profile",
            str(bad_profile),
        ],
        ["import", str(EXAMPLES / "clients_irium.csv"), "--db", str(db), "--profile", "Nobody"],
        ["import", str(EXAMPLES / "clients_irium.csv"), "--db", str(db), "--kind", "sales"],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("cible: error: "), err


def test_the_sites_subdivision_is_given_by_the_import(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    main(["import", str(EXAMPLES / "clients_irium.csv"), "--db", str(db), "--subdivision", "fr-37"])
    conn = sqlite3.connect(db)
    try:
        sites = conn.execute("select country, subdivision from site").fetchall()
    finally:
        conn.close()
    assert sites and set(sites) == {("FR", "FR-37")}


def test_a_bad_subdivision_is_one_line_and_creates_nothing(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    code = main(["import", str(EXAMPLES / "clients_irium.csv"), "--db", str(db),
                 "--subdivision", "Vaud", "--lang", "en"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "ISO 3166-2" in err
    assert not db.exists()


def test_an_owner_named_otherwise_than_in_cible_is_a_warning(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    customers = tmp_path / "clients.csv"
    customers.write_text("N° client;Site;Nom;Prénom;Raison sociale\n100012;TRS;;;PHARMACIE DUMAS\n"
                         "100014;TRS;GIRARD;Thomas;\n", encoding="utf-8")  # fmt: skip
    assert main(["import", str(customers), "--db", str(db)]) == 0
    vehicles = tmp_path / "vehicules.csv"
    vehicles.write_text("N° client;Site;Nom;Prénom;Immat\n100012;TRS;GIRARD;Thomas;AB-123-CD\n"
                        "100014;TRS;Girard;;EF-456-GH\n", encoding="utf-8")  # fmt: skip
    report = tmp_path / "rapport.xlsx"
    capsys.readouterr()
    code = main(["import", str(vehicles), "--db", str(db), "--kind", "vehicles", "--lang", "fr",
                 "--report", str(report)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0  # a warning, not a rejection
    assert "2 lignes lues : 2 nouveaux, 0 mis à jour, 0 inchangé, 0 rejeté" in out
    assert "1 ligne nomme son client autrement que Cible : vérifiez le site et le numéro" in out
    assert (
        "ligne 2 : le client 100012 s’appelle « PHARMACIE DUMAS » dans Cible, « GIRARD Thomas » "
        "dans le fichier : vérifiez le site et le numéro." in out
    )
    assert "ligne 3" not in out
    assert _count(db, "vehicle") == 2
    problems = list(openpyxl.load_workbook(report).worksheets[1].iter_rows(values_only=True))
    assert [(r[0], r[2]) for r in problems[1:]] == [(2, "GIRARD Thomas")]


def test_the_owner_name_lines_stop_after_a_few(tmp_path: Path, capsys, monkeypatch) -> None:
    from app.cli import import_

    monkeypatch.setattr(import_, "NAME_LINES", 1)
    db = tmp_path / "cible.sqlite"
    customers = tmp_path / "clients.csv"
    customers.write_text("N° client;Site;Nom;Prénom\n1;TRS;ROUX;Paul\n2;TRS;BLANC;Marc\n",
                         encoding="utf-8")  # fmt: skip
    assert main(["import", str(customers), "--db", str(db)]) == 0
    vehicles = tmp_path / "vehicules.csv"
    vehicles.write_text("N° client;Site;Nom;Prénom;Immat\n1;TRS;NOIR;Luc;AB-123-CD\n"
                        "2;TRS;VERT;Léa;EF-456-GH\n", encoding="utf-8")  # fmt: skip
    capsys.readouterr()
    code = main(["import", str(vehicles), "--db", str(db), "--kind", "vehicles", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0 and _count(db, "vehicle") == 2
    assert "2 rows name their customer differently from Cible" in out
    assert "row 2: customer 1 is named “ROUX Paul” in Cible and “NOIR Luc” in the file" in out
    assert "row 3:" not in out and "… and the others in the report." in out
