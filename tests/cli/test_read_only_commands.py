"""Commands that only read a database never create one nor change its schema (robustness, point 5).

run-target, export-excel, merge-word and ``send-sms --dry-run`` refuse an empty file and an older
schema with a message saying what to do, and leave the file byte for byte as it was; the commands
that write and run unattended (send-sms, send-pending) upgrade an older one after a backup.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from app.__main__ import main
from app.models.db import alembic_config, make_engine, sqlite_url

TARGET = {"format": "cible-target", "version": 1}


def _older(path: Path) -> Path:
    from alembic import command

    engine = make_engine(sqlite_url(path))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
        conn.execute(text("INSERT INTO site (code, name, country) VALUES ('A', 'Garage A', 'FR')"))
    engine.dispose()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _commands(folder: Path, db: Path) -> dict[str, list[str]]:
    target = folder / "cible.json"
    target.write_text(json.dumps(TARGET), encoding="utf-8")
    return {
        "run-target": ["run-target", str(target), "--db", str(db), "--out", str(folder / "l.csv")],
        "export-excel": ["export-excel", str(target), "--db", str(db), "--out", str(folder / "l.xlsx")],
        "merge-word": [
            "merge-word", str(target), "--db", str(db), "--labels", "3x8",
            "--out", str(folder / "e.docx"),
        ],
        "send-sms --dry-run": [
            "send-sms", str(target), "--db", str(db), "--text", "Bonjour", "--dry-run",
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    "command", ["run-target", "export-excel", "merge-word", "send-sms --dry-run"]
)
def test_an_older_database_is_refused_and_left_as_it_was(
    tmp_path: Path, capsys, command: str
) -> None:
    db = _older(tmp_path / "garage.sqlite")
    before = _digest(db)
    code = main(_commands(tmp_path, db)[command] + ["--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 2 and not out
    assert err == (
        f"cible: error: {db} is an older Cible database: open it in Cible once to upgrade it"
        " (this command only reads it).\n"
    )
    assert _digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cible.json", "garage.sqlite"]


@pytest.mark.parametrize(
    "command", ["run-target", "export-excel", "merge-word", "send-sms --dry-run"]
)
def test_an_empty_file_is_not_made_a_database(tmp_path: Path, capsys, command: str) -> None:
    db = tmp_path / "vide.sqlite"
    db.write_bytes(b"")
    code = main(_commands(tmp_path, db)[command] + ["--lang", "fr"])
    out, err = capsys.readouterr()
    assert code == 2 and not out
    assert err == f"cible : erreur : {db} est vide : ce n’est pas une base Cible.\n"
    assert db.read_bytes() == b""


def test_a_command_that_writes_upgrades_with_a_backup(tmp_path: Path, capsys) -> None:
    db = _older(tmp_path / "garage.sqlite")
    code = main(["send-pending", "--db", str(db), "--lang", "en"])
    capsys.readouterr()
    assert code == 0
    backups = [p for p in tmp_path.iterdir() if ".backup-" in p.name]
    assert len(backups) == 1
