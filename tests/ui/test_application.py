"""Start-up: options, language, bad input (message box + stderr, exit 2, file untouched), demo."""

from __future__ import annotations

import os
import sqlite3
import sys
import types
from pathlib import Path

import pytest
from alembic import command
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select, text

from app.models import Customer, Site
from app.models import db as dbmod
from app.models.db import alembic_config, make_engine, open_database, sqlite_url
from app.ui import application, tasks
from app.ui.application import launch, run_gui
from app.ui.i18n import install_translators
from app.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _clean_app(qapp):
    """English again and no background thread left after each test."""
    yield
    tasks.manager().shutdown(10_000)
    install_translators("en", qapp)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes shown (patched, as Vorta's tests do: a real one would wait for a click)."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    return shown


def opened(qtbot, result) -> MainWindow:
    """The window, once its targeting screen has counted the new target's rows."""
    assert isinstance(result, MainWindow), result
    qtbot.addWidget(result)
    screen = result.targeting
    qtbot.waitUntil(lambda: screen.count is not None and not screen.results.busy, timeout=20_000)
    return result


def overview(qtbot, window: MainWindow):
    """File > Database overview…, once counted."""
    window.overview_action.trigger()
    shown = window.overview_dialog.overview
    if shown.figures is None:
        with qtbot.waitSignal(shown.loaded, timeout=20_000):
            pass
    return shown


def close(window: MainWindow) -> None:
    window.close()
    window.database.dispose()


# -- options ----------------------------------------------------------------------------------


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_gui(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m app")
    for option in ("--db PATH", "--demo", "--lang {fr,en}", "CIBLE_DATABASE_URL"):
        assert option in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lang", "de"], "invalid choice: 'de'"),
        (["--db", "a.sqlite", "--demo"], "not allowed with argument"),
        (["--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_bad_options(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], boxes
) -> None:
    assert run_gui(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "cible: error:" in err
    assert "Traceback" not in err


def test_opens_the_given_database_in_english(qtbot, db_path: Path, capsys) -> None:
    window = opened(qtbot, launch(["--db", str(db_path), "--lang", "en"]))
    assert window.database.path == db_path
    assert window.targeting.database is window.database
    assert window.targeting.count_label.text() == "0 records"
    assert overview(qtbot, window).value_text("location") == str(db_path)
    assert [a.text() for a in window.menuBar().actions()] == [
        "&File", "&Target", "&Query", "&List", "E&xport", "&SMS", "E-ma&il", "&Programs", "&Help",
    ]  # fmt: skip
    assert capsys.readouterr().err == ""
    close(window)


def test_lang_fr_gives_french_labels(qtbot, db_path: Path) -> None:
    window = opened(qtbot, launch(["--db", str(db_path), "--lang", "fr"]))
    menus = [a.text() for a in window.menuBar().actions()]
    assert (menus[0], menus[-1]) == ("&Fichier", "&Aide")
    shown = overview(qtbot, window)
    assert shown.findChild(object, "value_customers").text() == "0"
    assert "Contenu de la base de données" in [
        w.text() for w in shown.findChildren(type(shown.status))
    ]
    close(window)


def test_default_language_is_the_systems(
    qtbot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(application.i18n, "system_locale", lambda: "fr_CH")
    window = opened(qtbot, launch(["--db", str(db_path)]))
    assert window.quit_action.text() == "&Quitter"
    assert application.i18n.format_count(8679) == "8'679"  # Swiss grouping from the locale
    close(window)


def test_database_from_the_environment(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env.sqlite"
    monkeypatch.setenv("CIBLE_DATABASE_URL", f"sqlite:///{path}")
    window = opened(qtbot, launch(["--lang", "en"]))
    assert window.database.location == str(path)
    close(window)


def test_default_location_is_the_user_data_folder(qtbot) -> None:
    window = opened(qtbot, launch(["--lang", "en"]))
    assert window.database.path == dbmod.default_db_path()
    assert os.environ["XDG_DATA_HOME"] in str(window.database.path)  # the test's own folder
    close(window)


# -- bad input --------------------------------------------------------------------------------


def _not_sqlite(folder: Path) -> Path:
    path = folder / "clients.sqlite"
    path.write_text("Liste des clients à relancer\n", encoding="utf-8")
    return path


def _foreign(folder: Path) -> Path:
    path = folder / "compta.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE ecritures (id INTEGER)")
    return path


def _newer(folder: Path) -> Path:
    path = folder / "future.sqlite"
    open_database(path).dispose()
    conn = sqlite3.connect(path)
    with conn:  # commits; close() then checkpoints the WAL now, not at garbage collection
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    return path


def _corrupt(folder: Path) -> Path:
    path = folder / "abime.sqlite"
    open_database(path).dispose()
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)  # keep the header, ruin the schema page
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_not_sqlite, "is not a Cible database (it is not a SQLite file)"),
        (_foreign, "is not a Cible database (it holds other tables: ecritures)"),
        (_newer, "was made by a newer version of Cible"),
        (_corrupt, "damaged"),
    ],
    ids=["not-sqlite", "foreign-sqlite", "newer-schema", "corrupt"],
)
def test_bad_database_file(make, expected: str, tmp_path: Path, boxes: list[str], capsys) -> None:
    path = make(tmp_path)
    before = path.read_bytes()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert run_gui(["--db", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cible: error: ")
    line = err.removeprefix("cible: error: ").strip()
    assert expected in line and str(path) in line
    assert "Traceback" not in err
    assert len(boxes) == 1
    heading, message = boxes[0].split("\n\n", 1)
    assert heading == "Cible cannot open the database."
    assert " ".join(message.split()) == line  # the same line in the window and on stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # nothing made or removed


def test_read_only_location(tmp_path: Path, boxes: list[str], capsys, monkeypatch) -> None:
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    # Tests may run as root, for whom nothing is read-only: simulate what os.access reports.
    monkeypatch.setattr(dbmod.os, "access", lambda p, mode: False)
    assert run_gui(["--db", str(folder / "cible.sqlite"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "read-only" in err and err.startswith("cible: error: ")
    assert len(boxes) == 1 and "read-only" in boxes[0]
    assert list(folder.iterdir()) == []


def test_bad_input_message_box_is_french_with_lang_fr(
    tmp_path: Path, boxes: list[str], capsys
) -> None:
    path = _not_sqlite(tmp_path)
    assert run_gui(["--db", str(path), "--lang", "fr"]) == 2
    assert boxes[0].startswith("Cible ne peut pas ouvrir la base de données.")


# -- warnings and upgrades --------------------------------------------------------------------


def test_network_share_warning_in_the_window_and_on_stderr(
    qtbot, db_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(dbmod, "is_network_path", lambda p: True)
    window = opened(qtbot, launch(["--db", str(db_path), "--lang", "en"]))
    warnings = [bar.text() for bar in window.messages() if bar.kind == "warning"]
    assert len(warnings) == 1 and "network share" in warnings[0]
    assert "cible: warning:" in capsys.readouterr().err
    close(window)


def test_upgrade_tells_where_the_backup_is(qtbot, db_path: Path, capsys) -> None:
    engine = make_engine(sqlite_url(db_path))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO site (code, name, country) VALUES ('A', 'Garage A', 'FR')"))
    engine.dispose()
    window = opened(qtbot, launch(["--db", str(db_path), "--lang", "en"]))
    backup = window.database.backup
    assert backup is not None and backup.exists()
    notices = [bar.text() for bar in window.messages() if bar.kind == "info"]
    assert any(str(backup) in n and "upgraded" in n for n in notices)
    assert str(backup) in capsys.readouterr().err
    assert overview(qtbot, window).value_text("sites") == "1"
    close(window)


# -- demo -------------------------------------------------------------------------------------


@pytest.fixture
def fake_demo(monkeypatch: pytest.MonkeyPatch):
    """A stand-in for app.models.demo with the agreed signature, recording its calls."""
    calls: list[dict] = []
    module = types.ModuleType("app.models.demo")

    def generate_demo(database, customers=5000, seed=1, progress=None):
        calls.append({"customers": customers, "seed": seed, "path": database.path})
        with database.session() as s:
            site = Site(code="DEMO", name="Garage de démonstration")
            s.add(site)
            s.flush()
            for i in range(customers):
                if progress is not None:
                    progress(i, customers)
                s.add(Customer(dms_ref=f"D{i}", site_id=site.id, last_name=f"Client {i}"))

    module.generate_demo = generate_demo
    monkeypatch.setitem(sys.modules, "app.models.demo", module)
    monkeypatch.setattr(application, "DEMO_CUSTOMERS", 40)
    return calls


def test_demo_is_made_on_first_use_then_reused(qtbot, fake_demo) -> None:
    path = dbmod.demo_db_path()
    assert not path.exists()
    window = opened(qtbot, launch(["--demo", "--lang", "en"]))
    assert window.database.path == path
    assert fake_demo[0]["customers"] == 40 and fake_demo[0]["seed"] == 1
    assert fake_demo[0]["path"] != path  # made in a temporary file, then moved in place
    assert overview(qtbot, window).value_text("customers") == "40"
    assert window.targeting.count == 40
    assert any("demo database" in bar.text() for bar in window.messages())
    assert fake_demo[0]["path"].parent == path.parent  # next to it, not in the temp folder
    # no temporary file: only the open database (and SQLite's -wal and -shm)
    assert [p.name for p in path.parent.iterdir() if not p.name.startswith(path.name)] == []
    close(window)
    window = opened(qtbot, launch(["--demo", "--lang", "en"]))
    assert len(fake_demo) == 1  # not made twice
    close(window)


def test_cancelled_demo_leaves_nothing_behind(qtbot, fake_demo, monkeypatch, capsys) -> None:
    def cancelling(fn, label, parent=None, **kwargs):
        raise tasks.TaskCancelled()

    monkeypatch.setattr(application, "run_and_wait", cancelling)
    assert launch(["--demo", "--lang", "en"]) == 1
    folder = dbmod.demo_db_path().parent
    assert not folder.exists() or list(folder.iterdir()) == []
    assert "cancelled" in capsys.readouterr().err


def test_demo_with_the_real_generator(qtbot, monkeypatch) -> None:
    demo = pytest.importorskip("app.models.demo")
    monkeypatch.setattr(application, "DEMO_CUSTOMERS", 200)
    window = opened(qtbot, launch(["--demo", "--lang", "en"]))
    with window.database.session() as s:
        customers = s.scalar(select(func.count()).select_from(Customer))
    assert customers >= 200
    shown = overview(qtbot, window)
    assert shown.value_text("customers") == f"{customers:,}"
    assert int(shown.value_text("vehicles").replace(",", "")) > 0
    assert window.targeting.count is not None and window.targeting.count >= customers
    assert demo is sys.modules["app.models.demo"]
    close(window)


def test_a_double_clicked_target_file_opens_in_the_window(
    qtbot, db_path: Path, tmp_path, monkeypatch
) -> None:
    """Windows runs ``cible.exe "X.cible"`` for a double-clicked target file (the installer's
    association): the window opens on the database with that target imported."""
    from app.__main__ import _is_target_file
    from app.query.target import Target
    from app.query.targetfile import save_target_file

    path = tmp_path / "Relance CT.cible"
    save_target_file(Target(name="Relance CT", columns=["customer.last_name"]), path)
    assert _is_target_file(str(path)) and _is_target_file("OLD.JSON")
    assert not _is_target_file("run-target")
    window = opened(qtbot, launch(["--db", str(db_path), "--lang", "en", str(path)]))
    assert window.targeting.current_target().columns == ["customer.last_name"]
    assert "Imported from" in window.targeting.messages()[-1].text()
    assert not window.windowIcon().isNull()  # Cible's icon, from the package data
    # imported, not saved: closing asks (answered "Discard" here)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Discard)
    close(window)
