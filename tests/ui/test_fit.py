"""Every window fits a 1366×768 screen with a taskbar (issue 10, point 2)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from app.query.target import Target
from app.ui import fit

#: 1366×768 less a 40 px Windows taskbar at the bottom.
LAPTOP = QRect(0, 0, 1366, 728)


@pytest.fixture
def laptop(monkeypatch):
    monkeypatch.setattr(fit, "available_geometry", lambda widget=None: QRect(LAPTOP))
    return LAPTOP


def _windows(database, manager):
    from app.ui.email import EmailLogWindow, EmailSendDialog, EmailSettingsDialog
    from app.ui.exports.excel_dialog import ExcelExportDialog
    from app.ui.exports.merge_dialog import MailMergeDialog
    from app.ui.main_window import MainWindow
    from app.ui.overview import DatabaseOverviewDialog
    from app.ui.sites import SitesDialog
    from app.ui.sms.log_window import SmsLogWindow
    from app.ui.sms.send_dialog import SmsSendDialog
    from app.ui.sms.settings_dialog import SmsSettingsDialog
    from app.ui.targeting.fields import FieldsDialog, SortDialog
    from app.ui.targeting.saved_dialogs import OpenTargetDialog, SaveTargetDialog

    main = MainWindow(database, task_manager=manager)
    yield main
    target = Target()
    yield from (
        DatabaseOverviewDialog(database, main, task_manager=manager),
        OpenTargetDialog([], lambda names: 0, main),
        SaveTargetDialog([], "", "", main),
        FieldsDialog(list(target.columns), main),
        SortDialog([], main),
        ExcelExportDialog(database, target, main, task_manager=manager),
        MailMergeDialog(database, target, main, task_manager=manager),
        SmsSendDialog(database, target, main, task_manager=manager),
        SmsSettingsDialog(database, main, task_manager=manager),
        SmsLogWindow(database, main, task_manager=manager),
        SitesDialog(database, main),
        EmailSendDialog(database, target, main, task_manager=manager),
        EmailSettingsDialog(database, main, task_manager=manager),
        EmailLogWindow(database, main, task_manager=manager),
    )
    yield from main.help_windows()


def test_every_window_fits_a_1366x768_screen(qtbot, laptop, database, manager) -> None:
    seen = []
    for window in _windows(database, manager):
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        name = type(window).__name__
        seen.append(name)
        assert fit.fits(window, laptop), f"{name} {window.geometry()} is off {laptop}"
        # its buttons are on the screen too
        for button in window.findChildren(QPushButton):
            if button.isVisible() and isinstance(button.parent(), QDialogButtonBox):
                corner = button.mapToGlobal(button.rect().bottomRight())
                assert laptop.contains(corner), f"{name}: {button.text()} at {corner}"
        window.close()
    assert len(seen) >= 13


def test_the_main_window_shrinks_to_the_screen(qtbot, laptop, database, manager) -> None:
    from PySide6.QtCore import QSettings

    from app.ui.main_window import MainWindow

    QSettings().remove("main_window/geometry")  # another test's window may have saved one

    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.height() <= laptop.height() - fit.FRAME.top() - fit.FRAME.bottom()
    assert window.width() <= 1280
    assert fit.fits(window, laptop)


def test_a_geometry_saved_on_a_larger_screen_is_fitted(qtbot, laptop, database, manager) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    big = QWidget()
    big.setGeometry(0, 0, 1900, 1000)
    QSettings().setValue("main_window/geometry", big.saveGeometry())
    from app.ui.main_window import MainWindow

    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert fit.fits(window, laptop)
    QSettings().remove("main_window/geometry")


def test_a_window_restored_off_the_screen_is_moved_back(qtbot, laptop) -> None:
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    fit.fit_to_screen(widget, 2000, 1200)
    widget.move(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.width() < 1366 and widget.height() < 728
    assert fit.fits(widget, laptop)
