"""``python -m app run-programs`` on a demo database, and what the demo gives every program."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.__main__ import main
from app.models.db import open_database
from app.models.programs import Program, ProgramContact, ProgramType
from app.programs.dashboard import month_windows
from app.programs.rules import due
from app.programs.settings import load_settings
from tests.programs.conftest import configure_channels

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("programs") / "demo.sqlite"
    assert (
        main(["demo", "--db", str(path), "--customers", "1500", "--today", TODAY.isoformat()]) == 0
    )
    return path


def test_the_demo_gives_every_program_type_reminders_this_month_and_next(demo: Path) -> None:
    """The demo's open orders (planned deliveries) give the delivery programs next month's."""
    database = open_database(demo, create=False, upgrade=False)
    try:
        with database.session() as session:
            settings = load_settings(session)
            programs = session.scalars(select(Program)).all()
            assert {p.type for p in programs} == set(ProgramType)
            counts = {}
            for p in programs:
                (a0, a1), (b0, b1) = month_windows(p, TODAY)
                conn = session.connection()
                this = len(due(conn, p, settings, a0, a1, today=TODAY))
                nxt = len(due(conn, p, settings, b0, b1, today=TODAY))
                counts[p.type] = (this, nxt)
    finally:
        database.dispose()
    # every type has reminders over this month and next
    # Events on one date cannot fall in both months: an order is thanked two days after it is
    # signed (next month's orders are not signed yet); the greetings are on 15/12 and the
    # newsletter on its date (the 1st of next month in the demo).
    one_month = {ProgramType.PRE_WELCOME, ProgramType.GREETINGS, ProgramType.NEWSLETTER}
    for kind, (this, nxt) in counts.items():
        if kind in one_month:
            assert this + nxt > 0, (kind, counts)
        else:
            assert this > 0 and nxt > 0, (kind, counts)


def test_run_programs_processes_the_due_programs(demo: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(demo.read_bytes())
    database = open_database(copy)
    with database.session() as session:
        configure_channels(session)
    database.dispose()
    out = tmp_path / "docs"
    argv = ["run-programs", "--db", str(copy), "--today", TODAY.isoformat(), "--out", str(out),
            "--lang", "en"]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "Rappels d’entretien:" in printed and "programs processed" in printed
    assert list(out.glob("*_lettres.docx")) and list(out.glob("*_appels.xlsx"))
    database = open_database(copy)
    with database.session() as session:
        made = session.scalar(select(func.count()).select_from(ProgramContact))
    database.dispose()
    assert made > 0
    # a second run the same day: nothing is due any more
    assert main(argv) == 0
    assert "No program is due" in capsys.readouterr().out


def test_a_skipped_program_gives_exit_3_and_its_reason(demo: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(demo.read_bytes())
    argv = ["run-programs", "--db", str(copy), "--today", TODAY.isoformat(), "--dry-run",
            "--program", "Rappels d’entretien", "--lang", "en"]  # fmt: skip
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "Rappels d’entretien: skipped:" in err and "mail server" in err


def test_unknown_program_is_2(demo: Path, capsys) -> None:
    argv = ["run-programs", "--db", str(demo), "--dry-run", "--program", "Nope", "--lang", "en"]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("cible: error: No program called 'Nope'.")
