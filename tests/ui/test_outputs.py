"""The Export, SMS and E-mail menus of the main window: each opens its dialog on the target on screen."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.models.db import open_database
from app.query.criteria import Condition, Group
from app.ui.email.log_window import EmailLogWindow
from app.ui.email.send_dialog import EmailSendDialog
from app.ui.email.settings_dialog import EmailSettingsDialog
from app.ui.exports.excel_dialog import ExcelExportDialog
from app.ui.exports.merge_dialog import MailMergeDialog
from app.ui.i18n import install_translators
from app.ui.main_window import MainWindow
from app.ui.sms.log_window import SmsLogWindow
from app.ui.sms.send_dialog import SmsSendDialog
from app.ui.sms.settings_dialog import SmsSettingsDialog

_spec = importlib.util.spec_from_file_location(
    "query_sample_data", Path(__file__).parents[1] / "query" / "conftest.py"
)
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)  # type: ignore[union-attr]


@pytest.fixture
def window(qtbot, qapp, tmp_path, manager, monkeypatch):
    install_translators("en", qapp)
    # the tests put targets on screen without saving them: closing must not ask
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    db = open_database(tmp_path / "sample.sqlite")
    _sample.build_sample(db)
    win = MainWindow(db, task_manager=manager)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.outputs.shutdown()


def _menu_titles(win: MainWindow) -> list[str]:
    return [a.text() for a in win.menuBar().actions()]


def test_export_and_sms_menus_come_before_help(window) -> None:
    titles = [t.replace("&", "") for t in _menu_titles(window)]
    assert titles.index("Export") < titles.index("SMS") < titles.index("E-mail") < titles.index("Help")
    shortcuts = {
        a.shortcut().toString()
        for a in (
            window.outputs.excel_action,
            window.outputs.merge_action,
            window.outputs.sms_action,
            window.outputs.email_action,
            window.outputs.email_log_action,
            window.outputs.email_settings_action,
        )
    }
    assert shortcuts == {"Ctrl+E", "Ctrl+M", "Ctrl+Shift+M", "Ctrl+Shift+K", "Ctrl+Alt+L", "Ctrl+Alt+K"}
    # no shortcut is given twice in the main window
    every = [a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(every) == len(set(every))


@pytest.mark.parametrize(
    ("action", "cls"),
    [
        ("excel_action", ExcelExportDialog),
        ("merge_action", MailMergeDialog),
        ("sms_action", SmsSendDialog),
        ("email_action", EmailSendDialog),
    ],
)
def test_dialogs_get_the_target_on_screen(qtbot, window, action, cls) -> None:
    target = window.current_target()
    target.criteria = Group("all", [Condition("vehicle.model", "eq", ["CLIO"])])
    target.columns = ["customer.last_name", "vehicle.model"]
    window.targeting.set_target(target)
    window.targeting.forget_changes()
    getattr(window.outputs, action).trigger()
    dialogs = [w for w in window.outputs.open_windows if isinstance(w, cls)]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.database is window.database
    assert dialog.target.columns == ["customer.last_name", "vehicle.model"]
    assert dialog.target.criteria.to_dict() == target.criteria.to_dict()
    dialog.close()
    qtbot.waitUntil(lambda: dialog not in window.outputs.open_windows)
    assert not window.targeting.is_modified()  # the dialog worked on a copy


def test_sms_log_and_settings_open(qtbot, window) -> None:
    window.outputs.sms_log_action.trigger()
    window.outputs.sms_settings_action.trigger()
    kinds = {type(w) for w in window.outputs.open_windows}
    assert kinds == {SmsLogWindow, SmsSettingsDialog}
    for widget in list(window.outputs.open_windows):
        widget.close()


def test_email_log_and_settings_open(qtbot, window) -> None:
    window.outputs.email_log_action.trigger()
    window.outputs.email_settings_action.trigger()
    kinds = {type(w) for w in window.outputs.open_windows}
    assert kinds == {EmailLogWindow, EmailSettingsDialog}
    for widget in list(window.outputs.open_windows):
        widget.close()


def test_pending_sms_are_watched_while_a_database_is_open(window, tmp_path) -> None:
    runner = window.outputs.pending
    assert runner is not None and runner.timer.isActive()
    assert runner.database is window.database
    window.outputs.sms_log_action.trigger()
    assert window.outputs.open_windows
    other = tmp_path / "other.sqlite"
    open_database(other).dispose()
    assert window.open_database(other)
    # the old database's windows are closed; a new runner watches the new database
    assert window.outputs.open_windows == []
    assert window.outputs.pending is not runner and window.outputs.pending.database.path == other
    assert window.outputs.pending_email.database.path == other
    assert window.outputs.pending_email.timer.isActive()
