"""One exit code table for every command (README, "Exit codes"): 0 done, 1 stopped by an outside
service, 2 bad input, 3 done with rejected rows (import) or with programs skipped
(run-programs), 130 interrupted.

Codes 1 are tested where a provider stops a send (tests/cli/test_send_sms.py,
tests/cli/test_send_pending.py); this file checks 0, 2 and 130 for each command.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from app.__main__ import COMMANDS, main


@pytest.fixture(scope="module")
def garage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exit") / "garage.sqlite"
    assert main(["demo", "--db", str(path), "--customers", "60", "--today", "2026-11-23"]) == 0
    return path


def _html(folder: Path) -> Path:
    path = folder / "mail.html"
    path.write_text("<p>«Formule d'appel»,</p><p>Bonjour {nom}</p>", encoding="utf-8")
    return path


def _argv(command: str, folder: Path, db: Path) -> list[str]:
    target = folder / "cible.json"
    target.write_text(json.dumps({"format": "cible-target"}), encoding="utf-8")
    return {
        "demo": ["demo", "--db", str(folder / "demo.sqlite"), "--customers", "20"],
        "run-target": ["run-target", str(target), "--db", str(db), "--out", str(folder / "l.csv")],
        "export-excel": [
            "export-excel", str(target), "--db", str(db), "--out", str(folder / "l.xlsx"),
        ],
        "merge-word": [
            "merge-word", str(target), "--db", str(db), "--labels", "3x8",
            "--out", str(folder / "e.docx"),
        ],
        "send-sms": ["send-sms", str(target), "--db", str(db), "--text", "Bonjour", "--kind", "service", "--dry-run"],
        "send-pending": ["send-pending", "--db", str(db)],
        "send-email": [
            "send-email", str(target), "--db", str(db), "--html", str(_html(folder)),
            "--subject", "Bonjour {nom}", "--kind", "service", "--dry-run",
        ],
        "import": ["import", str(_clean_extract(folder)), "--db", str(db)],
        "run-programs": [
            "run-programs", "--db", str(db), "--today", "2026-11-23", "--dry-run",
            "--program", "Appel de courtoisie 24-48 h après livraison",
        ],
    }[command]  # fmt: skip


def _clean_extract(folder: Path) -> Path:
    path = folder / "clients.csv"
    path.write_bytes("N° client;Site;Nom;CP\r\n900001;TRS;DUPRÉ;37000\r\n".encode("cp1252"))
    return path


ALL = list(COMMANDS)


def test_every_command_is_covered() -> None:
    assert set(ALL) == {
        "demo",
        "run-target",
        "export-excel",
        "merge-word",
        "send-sms",
        "send-pending",
        "send-email",
        "import",
        "run-programs",
    }


@pytest.mark.parametrize("command", ALL)
def test_done_is_0(command: str, tmp_path: Path, garage: Path, capsys) -> None:
    assert main(_argv(command, tmp_path, garage)) == 0, capsys.readouterr().err


@pytest.mark.parametrize("command", ALL)
def test_bad_input_is_2_with_one_line(command: str, tmp_path: Path, capsys) -> None:
    argv = _argv(command, tmp_path, tmp_path / "missing.sqlite") + ["--no-such-option"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert not out and err.count("\n") == 1 and err.startswith("cible: error: ")


@pytest.mark.parametrize("command", ALL)
def test_interrupted_is_130(
    command: str, tmp_path: Path, garage: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = importlib.import_module(COMMANDS[command][0])

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "open_database", interrupted)
    assert main(_argv(command, tmp_path, garage)) == 130
    out, err = capsys.readouterr()
    assert err == "cible: interrupted\n"


def test_import_with_rejected_rows_is_3(tmp_path: Path, capsys) -> None:
    extract = tmp_path / "clients.csv"
    extract.write_bytes(
        "N° client;Nom;Date naissance\r\n1;DUPRÉ;31/02/1990\r\n2;MARTIN;01/02/1990\r\n".encode(
            "cp1252"
        )
    )
    argv = ["import", str(extract), "--db", str(tmp_path / "new.sqlite")]
    assert main(argv) == 3, capsys.readouterr().err
    assert "1 rejected" in capsys.readouterr().out
