"""Programs › Loyalty programs: the dashboard, the editor and the settings, driven as a user."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import json  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.models.enums import Channel  # noqa: E402
from app.models.programs import (  # noqa: E402
    Program,
    ProgramContact,
    ProgramRun,
    ProgramSchedule,
    ProgramType,
    RunResult,
)
from app.programs.effectiveness import Comparison, Group, RunEffect  # noqa: E402
from app.programs.settings import load_settings  # noqa: E402
from app.ui.programs import ProgramsWindow  # noqa: E402
from app.ui.programs.chart import EffectChart  # noqa: E402
from app.ui.programs.dashboard import effect_text  # noqa: E402
from app.ui.programs.editor import ProgramDialog  # noqa: E402
from app.ui.programs.settings_dialog import ProgramSettingsDialog  # noqa: E402
from tests.programs.conftest import TODAY, D, Shop, add_program, configure_channels, refuse  # noqa: E402


@pytest.fixture
def shop_db(database):
    """Three customers with a CT due on 09/04/2027 (a contact today), an SMS-only program, and a
    program whose saved target was deleted."""
    with database.session() as s:
        shop = Shop(s)
        configure_channels(s)
        for name in ("DURAND", "MARTIN", "REFUS"):
            c = shop.customer(name, preferred="sms")
            shop.vehicle(c, inspection_due_date=D(2027, 4, 9))
            if name == "REFUS":
                refuse(s, c, Channel.SMS)
                refuse(s, c, Channel.EMAIL)
                refuse(s, c, Channel.POST)
        add_program(
            s, ProgramType.INSPECTION, name="CT à faire", channels="sms",
            templates={"sms": "Bonjour {nom}, le CT de votre {modèle} arrive."},
        )  # fmt: skip
        add_program(s, ProgramType.NEWSLETTER, name="Lettre d'info", target_name="Disparue")
        s.commit()
    return database


def _count(database, model, *where) -> int:
    with database.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _window(qtbot, database, manager) -> ProgramsWindow:
    window = ProgramsWindow(database, task_manager=manager, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.busy and len(window.model.lines) == 2, timeout=20_000)
    return window


def _row(window: ProgramsWindow, name: str) -> int:
    return next(n for n, line in enumerate(window.model.lines) if line.name == name)


def _cell(window: ProgramsWindow, row: int, column: int) -> str:
    return window.model.data(window.model.index(row, column))


def test_the_dashboard_lists_programs_with_their_counts_and_problems(
    qtbot, shop_db, manager, english
) -> None:
    window = _window(qtbot, shop_db, manager)
    ct = _row(window, "CT à faire")
    assert _cell(window, ct, 1) == "Roadworthiness test (CT) due"
    assert _cell(window, ct, 3) == "3"  # REFUS refused every channel but is still due
    assert _cell(window, ct, 6) == "Sophie"
    assert _cell(window, ct, 7) == "never"
    assert _cell(window, ct, 2) == "Ready"
    news = _row(window, "Lettre d'info")
    assert "Disparue" in _cell(window, news, 2) and "deleted" in _cell(window, news, 2)
    assert (
        window.model.data(window.model.index(news, 2), Qt.ItemDataRole.ForegroundRole) is not None
    )
    window.view.selectRow(news)
    assert not window.run_button.isEnabled() and not window.dry_button.isEnabled()
    window.view.selectRow(ct)
    assert window.run_button.isEnabled()
    assert "cannot run" in window.status.text()
    window.grab().save(str(shop_db.path.with_suffix(".png")))


def test_pause_and_resume(qtbot, shop_db, manager, english) -> None:
    window = _window(qtbot, shop_db, manager)
    window.view.selectRow(_row(window, "CT à faire"))
    assert window.pause_button.text() == "&Pause"
    window.pause_button.click()
    qtbot.waitUntil(lambda: not window.busy and window.selected_line() is not None
                    and window.selected_line().paused, timeout=20_000)  # fmt: skip
    assert _cell(window, _row(window, "CT à faire"), 5) == "paused"
    assert window.pause_button.text() == "Res&ume"
    with shop_db.session() as s:
        assert s.scalar(select(Program.paused).where(Program.name == "CT à faire"))
    window.pause_button.click()
    qtbot.waitUntil(lambda: not window.busy and window.selected_line() is not None
                    and not window.selected_line().paused, timeout=20_000)  # fmt: skip
    assert _cell(window, _row(window, "CT à faire"), 5) == "10/03/2027"


def test_run_now_records_the_contacts_shows_the_report_and_never_twice(
    qtbot, shop_db, manager, english, monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = _window(qtbot, shop_db, manager)
    window.view.selectRow(_row(window, "CT à faire"))
    with qtbot.waitSignal(window.run_finished, timeout=60_000) as finished:
        window.run_button.click()
    report = finished.args[0]
    assert report.result is RunResult.DONE and report.contacted == 2
    assert window.report_dialog is not None and window.report_dialog.isVisible()
    html = window.report_dialog.browser.toPlainText()
    assert "CT à faire" in html and "SMS" in html
    assert _count(shop_db, ProgramContact) == 2  # REFUS, with every channel refused, is left out
    qtbot.waitUntil(lambda: not window.busy and window.model.lines[_row(window, "CT à faire")].last_result
                    is RunResult.DONE, timeout=20_000)  # fmt: skip
    assert _cell(window, _row(window, "CT à faire"), 8) == "done"
    window.view.selectRow(_row(window, "CT à faire"))
    with qtbot.waitSignal(window.run_finished, timeout=60_000) as again:
        window.run_button.click()
    assert again.args[0].contacted == 0  # never twice for the same event
    assert _count(shop_db, ProgramContact) == 2


def test_a_dry_run_records_nothing(qtbot, shop_db, manager, english) -> None:
    window = _window(qtbot, shop_db, manager)
    window.view.selectRow(_row(window, "CT à faire"))
    with qtbot.waitSignal(window.run_finished, timeout=60_000) as finished:
        window.dry_button.click()
    assert finished.args[0].due == 3
    assert "Dry run" in window.report_dialog.browser.toPlainText()
    assert _count(shop_db, ProgramContact) == 0
    assert _count(shop_db, ProgramRun, ProgramRun.result != RunResult.DRY_RUN) == 0


def test_a_new_program_from_a_type_is_edited_and_saved(qtbot, shop_db, manager, english) -> None:
    window = _window(qtbot, shop_db, manager)
    action = next(
        a for a in window.new_menu.actions() if a.data() == ProgramType.WARRANTY_END.value
    )
    action.trigger()
    dialog = window.editor
    assert isinstance(dialog, ProgramDialog) and dialog.isVisible()
    dialog.name_edit.setText("Fin de garantie VO")
    dialog.offset_spin.setValue(45)
    dialog.offset_side.setCurrentIndex(0)  # before
    # only SMS, first
    for row in range(dialog.channel_list.count()):
        item = dialog.channel_list.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) == "sms"
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
    dialog.sms_edit.setPlainText("Bonjour {nom}, la garantie de votre {modèle} se termine.")
    dialog.schedule_combo.setCurrentIndex(
        dialog.schedule_combo.findData(ProgramSchedule.WEEKLY.value)
    )
    assert dialog.weekday_combo.isVisibleTo(dialog) and not dialog.date_edit.isVisibleTo(dialog)
    dialog.weekday_combo.setCurrentIndex(2)
    dialog.control_spin.setValue(10)
    assert dialog.show_problems() == []
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    with shop_db.session() as s:
        p = s.scalar(select(Program).where(Program.name == "Fin de garantie VO"))
        assert (p.type, p.offset_days, p.channels, p.schedule, p.schedule_day, p.control_percent) == (
            ProgramType.WARRANTY_END, -45, "sms", ProgramSchedule.WEEKLY, 2, 10,
        )  # fmt: skip
        assert json.loads(p.templates)["sms"].startswith("Bonjour {nom}")
    qtbot.waitUntil(lambda: not window.busy and len(window.model.lines) == 3, timeout=20_000)
    assert window.selected_line().name == "Fin de garantie VO"


def test_the_editor_refuses_a_name_taken_and_warns_of_problems(
    qtbot, shop_db, manager, english, monkeypatch
) -> None:
    warnings: list[str] = []
    questions: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    monkeypatch.setattr(
        QMessageBox, "question",
        lambda _p, _t, text, *a: questions.append(text) or QMessageBox.StandardButton.No,
    )  # fmt: skip
    window = _window(qtbot, shop_db, manager)
    window.view.selectRow(_row(window, "CT à faire"))
    dialog = window.open_program()
    assert dialog.name_edit.text() == "CT à faire"
    dialog.name_edit.setText("Lettre d'info")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert warnings and "already called" in warnings[-1]
    dialog.name_edit.setText("CT à faire")
    dialog.sms_edit.setPlainText("")
    assert any("no template" in p for p in dialog.show_problems())
    assert "cannot run yet" in dialog.problems_label.text()
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert questions and "Save it anyway" in questions[-1]
    with shop_db.session() as s:  # answered No: nothing changed
        assert "sms" in json.loads(
            s.scalar(select(Program.templates).where(Program.name == "CT à faire"))
        )


def test_settings_are_saved_and_a_bad_interval_is_named(
    qtbot, shop_db, manager, english, monkeypatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    dialog = ProgramSettingsDialog(shop_db)
    qtbot.addWidget(dialog)
    dialog.cap_spin.setValue(2)
    dialog.came_back_spin.setValue(60)
    row = dialog.intervals.rowCount()
    dialog._add_interval(load_settings.__globals__["ServiceInterval"](brand="dacia", days=0, km=0))
    dialog.save()
    assert warnings and f"line {row + 1}" in warnings[-1]
    dialog.intervals.item(row, 2).setText("730")
    with qtbot.waitSignal(dialog.saved, timeout=5_000):
        dialog.save()
    with shop_db.session() as s:
        settings = load_settings(s)
    assert (settings.monthly_cap, settings.came_back_days) == (2, 60)
    assert (
        settings.service_intervals[-1].brand == "DACIA"
        and settings.service_intervals[-1].days == 730
    )
    assert (
        "run-programs" in dialog.command_edit.text()
        and str(shop_db.path) in dialog.command_edit.text()
    )


def _effect(day: dt.date, n: int, came: int, control: int = 0, control_came: int = 0) -> RunEffect:
    mine = Group(n, came, [10_000] * came)
    theirs = Group(control, control_came, [10_000] * control_came)
    return RunEffect(1, day, mine, theirs, Comparison(False))


def test_the_chart_draws_one_pair_of_bars_per_run(qtbot) -> None:
    chart = EffectChart()
    qtbot.addWidget(chart)
    chart.resize(500, 200)
    chart.set_series(
        [
            _effect(D(2027, 1, 1), 10, 4, 5, 1),
            _effect(D(2027, 2, 1), 0, 0),
            _effect(D(2027, 3, 1), 20, 5),
        ]
    )
    assert chart.bars() == [(0.4, 0.2), (0.25, None)]  # a run with nobody is not drawn
    image = chart.grab().toImage()
    blue = sum(
        1
        for x in range(0, 500, 2)
        for y in range(0, 200, 2)
        if image.pixelColor(x, y).name() == "#2f6db3"
    )
    assert blue > 50


def test_effect_text_says_when_there_is_not_enough_data(english) -> None:
    assert "Not enough data yet" in effect_text(_effect(D(2027, 1, 1), 10, 4, 5, 1))
    assert "No control group" in effect_text(_effect(D(2027, 1, 1), 10, 4))
    assert effect_text(_effect(D(2027, 1, 1), 0, 0)) == "No customer contacted yet."
    enough = RunEffect(1, None, Group(400, 120, [1] * 120), Group(400, 80, [1] * 80),
                       Comparison(True, 0.1, (0.04, 0.16)))  # fmt: skip
    text = effect_text(enough)
    assert "10.0 points" in text and "4.0 to 16.0" in text


def test_the_main_window_offers_programs_due_today(qtbot, shop_db, manager, english) -> None:
    from app.ui.main_window import MainWindow

    window = MainWindow(shop_db, task_manager=manager)
    qtbot.addWidget(window)
    window.offer_due_programs(TODAY)  # asked on the task runner, off the GUI thread
    qtbot.waitUntil(lambda: window.due_programs_bar is not None, timeout=20_000)
    bar = window.due_programs_bar
    assert bar.text() == "One loyalty program due today has not run yet."
    bar.open_button.click()
    assert window.programs_window is not None and window.programs_window.isVisible()
    qtbot.waitUntil(lambda: not window.programs_window.busy and bool(window.programs_window.model.lines),
                    timeout=20_000)  # fmt: skip
    assert window.programs_action.shortcut().toString() == "Ctrl+Shift+P"
    window.targeting.shutdown()
