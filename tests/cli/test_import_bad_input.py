"""``python -m app import`` on bad input, as a French user sees it: exit 2, one line on stderr that
names the file (and the row and column when there is one) and says what to do, never a
traceback, and the database byte for byte as it was."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from app.__main__ import main
from app.dms import sniff as sniff_module
from app.dms.fields import FileKind
from app.dms.profile import Profile, save_profile

EXAMPLES = Path(__file__).resolve().parents[2] / "app" / "resources" / "examples"
FIXTURES = Path(__file__).resolve().parents[1] / "dms" / "fixtures"


@pytest.fixture
def db(tmp_path: Path, capsys) -> Path:
    """A database that already holds the example customers."""
    path = tmp_path / "garage.sqlite"
    assert main(["import", str(EXAMPLES / "clients_irium.csv"), "--db", str(path)]) == 3
    capsys.readouterr()
    return path


def refused(argv: list[str], db: Path, capsys) -> str:
    """Run the command in French; check exit 2, one line, no traceback, database unchanged."""
    before = db.read_bytes()
    code = main(["import", *argv, "--db", str(db), "--lang", "fr", "--today", "2026-12-03"])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("cible : erreur : "), err
    assert "Traceback" not in err and "Error" not in err
    assert db.read_bytes() == before
    return err


def cp1252(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_missing_column_names_the_row_and_the_headers_looked_for(tmp_path, db, capsys) -> None:
    extract = cp1252(tmp_path / "clients.csv", ["Nom;Prénom;CP", "MARTIN;Jérôme;37000"])
    err = refused([str(extract)], db, capsys)
    assert "clients.csv, ligne 1 :" in err
    assert "« Code client »" in err and "« N° client »" in err


def test_a_file_separated_otherwise_than_its_profile_says(tmp_path, db, capsys) -> None:
    profile = tmp_path / "irium.json"
    save_profile(
        Profile("Irium clients", FileKind.CUSTOMERS, {"N° client": "customer.dms_ref",
                "Nom": "customer.last_name"}, encoding="cp1252", separator=";"),
        profile,
    )  # fmt: skip
    extract = cp1252(tmp_path / "clients.csv", ["N° client,Nom", "100001,MARTIN"])
    err = refused([str(extract), "--profile", str(profile)], db, capsys)
    assert "clients.csv, ligne 1" in err and "« Irium clients »" in err
    assert "séparées par « , », pas par « ; »" in err


def test_a_2_gb_file_is_refused_by_its_size_before_it_is_read(tmp_path, db, capsys) -> None:
    huge = tmp_path / "clients.csv"
    with open(huge, "wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: nothing is written to the disk
    err = refused([str(huge)], db, capsys)
    assert "clients.csv :" in err and "2,0 Go" in err
    assert "1,0 Go" in err and "millions de lignes" in err  # the limit, and why
    assert "exportez-le en CSV" not in err.lower()  # it is a CSV already


def test_a_column_of_us_dates_is_refused_not_misread(tmp_path, db, capsys) -> None:
    extract = cp1252(
        tmp_path / "clients.csv",
        ["N° client;Nom;Date naissance", "300001;A;02/03/1980", "300002;B;01/13/1980",
         "300003;C;04/05/1981"],
    )  # fmt: skip
    err = refused([str(extract)], db, capsys)
    assert "clients.csv, ligne 3, colonne « Date naissance »" in err
    assert "« 01/13/1980 »" in err and "mois d’abord" in err
    # a profile that reads the column month first imports it, 02/03/1980 as 3 February
    profile = tmp_path / "us.json"
    save_profile(
        Profile("US", FileKind.CUSTOMERS, {"N° client": "customer.dms_ref", "Nom":
                "customer.last_name", "Date naissance": "customer.birth_date"},
                date_orders={"customer.birth_date": "mdy"}),
        profile,
    )  # fmt: skip
    assert main(["import", str(extract), "--db", str(db), "--profile", str(profile)]) == 0
    conn = sqlite3.connect(db)
    try:
        born = conn.execute(
            "select birth_date from customer where dms_ref = '300001'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert dt.date.fromisoformat(born[:10]) == dt.date(1980, 2, 3)


def test_a_file_where_every_row_is_rejected_is_reported_not_a_crash(tmp_path, db, capsys) -> None:
    extract = cp1252(tmp_path / "clients.csv", ["N° client;Nom", ";MARTIN", ";PETIT"])
    before = db.read_bytes()
    report = tmp_path / "rapport.xlsx"
    code = main(["import", str(extract), "--db", str(db), "--lang", "fr",
                 "--report", str(report)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 3 and not err, err
    assert "2 lignes lues : 0 nouveau, 0 mis à jour, 0 inchangé, 2 rejetés" in out
    assert report.exists() and db.read_bytes() == before


def test_one_row_agrees_in_french(tmp_path, db, capsys) -> None:
    extract = cp1252(tmp_path / "clients.csv", ["N° client;Nom", "300001;MARTIN"])
    assert main(["import", str(extract), "--db", str(db), "--lang", "fr"]) == 0
    assert "1 ligne lue : 1 nouveau, 0 mis à jour, 0 inchangé, 0 rejeté" in capsys.readouterr().out


def test_a_workbook_protected_by_a_password(db, capsys) -> None:
    err = refused([str(FIXTURES / "protected.xlsx")], db, capsys)
    assert "protected.xlsx :" in err and "mot de passe" in err
    assert "password" not in err  # calamine's English stays out


@pytest.mark.parametrize("content", [b"garbage, not a workbook", b"PK\x03\x04cut short"])
def test_a_corrupt_workbook(tmp_path, db, capsys, content) -> None:
    book = tmp_path / "export.xlsx"
    book.write_bytes(content)
    err = refused([str(book)], db, capsys)
    assert "export.xlsx :" in err and "classeur Excel" in err
    assert "Code client" not in err  # not read as a text file with no customer number


def test_a_file_the_user_may_not_read(tmp_path, db, capsys, monkeypatch) -> None:
    extract = cp1252(tmp_path / "clients.csv", ["N° client;Nom", "300001;MARTIN"])
    # the tests run as root, whom chmod does not stop: the system's refusal is simulated
    real_open = open

    def locked(file, *args, **kwargs):
        if os.fspath(file) == os.fspath(extract):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(sniff_module, "open", locked, raising=False)
    err = refused([str(extract)], db, capsys)
    assert "clients.csv :" in err and "pas le droit de le lire" in err
    assert "Permission denied" not in err


def test_a_folder_named_like_an_extract(tmp_path, db, capsys) -> None:
    folder = tmp_path / "clients.csv"
    folder.mkdir()
    err = refused([str(folder)], db, capsys)
    assert "clients.csv :" in err and "dossier" in err


def test_a_report_in_a_folder_that_does_not_exist_is_refused_before_the_import(
    tmp_path, db, capsys
) -> None:
    extract = cp1252(tmp_path / "clients.csv", ["N° client;Nom", "300001;MARTIN"])
    report = tmp_path / "nowhere" / "rapport.xlsx"
    err = refused([str(extract), "--report", str(report)], db, capsys)
    assert "--report" in err and "n’existe pas" in err


@pytest.mark.parametrize(
    "lines",
    [["Nom;Prénom", "MARTIN;Jérôme"], ["N° client;Nom;Date naissance", "300001;A;01/13/1980"]],
    ids=["missing column", "US dates"],
)
def test_a_bad_file_does_not_create_the_database(tmp_path, capsys, lines) -> None:
    extract = cp1252(tmp_path / "clients.csv", lines)
    new = tmp_path / "nouvelle.sqlite"
    assert main(["import", str(extract), "--db", str(new), "--lang", "fr"]) == 2
    assert capsys.readouterr().err.startswith("cible : erreur : clients.csv, ligne")
    assert not new.exists()


def test_a_profile_name_with_a_database_that_does_not_exist(tmp_path, capsys) -> None:
    new = tmp_path / "nouvelle.sqlite"
    code = main(["import", str(EXAMPLES / "clients_irium.csv"), "--db", str(new),
                 "--profile", "Irium clients", "--lang", "fr"])  # fmt: skip
    assert code == 2 and "« Irium clients »" in capsys.readouterr().err
    assert not new.exists()


def test_a_workbook_above_200_mb_is_refused_by_its_size(tmp_path, db, capsys) -> None:
    book = tmp_path / "export.xlsx"
    with open(book, "wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(300 * 1024**2)  # sparse
    err = refused([str(book)], db, capsys).replace("\u00a0", " ")
    assert "300 Mo" in err and "200 Mo" in err and "en mémoire" in err and "CSV" in err


def test_a_dms_excel_export_that_is_text_named_xls_is_read_as_text(tmp_path, db, capsys) -> None:
    fake = tmp_path / "export.xls"  # what many DMS write as their "Excel export"
    fake.write_bytes("N° client\tNom\r\n300001\tMARTIN\r\n300002\tPETIT\r\n".encode("cp1252"))
    assert main(["import", str(fake), "--db", str(db), "--lang", "fr"]) == 0
    assert "export.xls : clients, 2 lignes lues : 2 nouveaux" in capsys.readouterr().out


def test_a_web_page_named_xls_is_refused(tmp_path, db, capsys) -> None:
    page = tmp_path / "export.xls"
    page.write_text("<html><table><tr><td>N° client</td></tr></table></html>", encoding="utf-8")
    assert "n’est pas un classeur Excel" in refused([str(page)], db, capsys)
