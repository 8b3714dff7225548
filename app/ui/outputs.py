"""The main window's Export, SMS and E-mail menus: the dialogs that reach the people of the target.

Each dialog gets the open database and the target on screen (its columns, criteria, sort order
and removed customers) at the moment the user asks; it checks permissions itself when it runs.
While a database is open, deferred SMS and e-mails whose time has come are sent in the background
(:class:`~app.ui.sms.pending.PendingSmsRunner`, :class:`~app.ui.email.pending.PendingEmailRunner`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QWidget

from app.models.db import Database
from app.query.target import Target
from app.ui import tasks


class OutputMenus(QObject):
    """Builds the Export, SMS and E-mail menus of *window* and opens their dialogs.

    *target* returns the target on screen; *notify(text, kind)* shows a message bar.
    """

    def __init__(
        self,
        window: QMainWindow,
        target: Callable[[], Target],
        notify: Callable[[str, str], object],
        *,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._target = target
        self._notify = notify
        self._tasks = task_manager
        self.database: Database | None = None
        self.pending = None
        self.pending_email = None
        self.open_windows: list[QWidget] = []

        self.export_menu = QMenu(self.tr("E&xport"), window)
        self.excel_action = self._action(
            self.export_menu,
            self.tr("&Excel workbook…"),
            "Ctrl+E",
            self.export_excel,
            self.tr("Write the target's rows to an Excel workbook, or refresh a saved one"),
        )
        self.merge_action = self._action(
            self.export_menu,
            self.tr("&Letters and labels (Word)…"),
            "Ctrl+M",
            self.mail_merge,
            self.tr("Merge the target into a Word letter or print address labels"),
        )
        self.sms_menu = QMenu(self.tr("&SMS"), window)
        self.sms_action = self._action(
            self.sms_menu,
            self.tr("&Send an SMS…"),
            "Ctrl+Shift+M",
            self.send_sms,
            self.tr("Send an SMS to the target's mobile numbers, now or later"),
        )
        self.sms_log_action = self._action(
            self.sms_menu,
            self.tr("SMS &log"),
            "Ctrl+Shift+L",
            self.sms_log,
            self.tr("Every SMS sent or waiting, with its status"),
        )
        self.sms_settings_action = self._action(
            self.sms_menu,
            self.tr("SMS s&ettings…"),
            "Ctrl+Alt+M",
            self.sms_settings,
            self.tr("Gateway, sender name, opt-out mention, price, send windows"),
        )

        self.email_menu = QMenu(self.tr("E-ma&il"), window)
        self.email_action = self._action(
            self.email_menu,
            self.tr("Send an &e-mail…"),
            "Ctrl+Shift+K",
            self.send_email,
            self.tr("Send an e-mail to the target's addresses, now or later, or save .eml files"),
        )
        self.email_log_action = self._action(
            self.email_menu,
            self.tr("E-mail &log"),
            "Ctrl+Alt+L",
            self.email_log,
            self.tr("Every e-mail sent or waiting, bounces and unsubscribes"),
        )
        self.email_settings_action = self._action(
            self.email_menu,
            self.tr("E-mail s&ettings…"),
            "Ctrl+Alt+K",
            self.email_settings,
            self.tr("Mail server or Brevo, sender per site, unsubscribe address, mailbox"),
        )

    def _action(
        self, menu: QMenu, text: str, shortcut: str, slot: Callable[[], object], tip: str
    ) -> QAction:
        action = QAction(text, self._window)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self._window.addAction(action)
        return action

    def menus(self) -> list[QMenu]:
        return [self.export_menu, self.sms_menu, self.email_menu]

    # -- database -----------------------------------------------------------------------------
    def set_database(self, database: Database) -> None:
        """Follow the window to *database*: close the dialogs of the old one, send its pending SMS."""
        self.shutdown()
        self.database = database
        from app.ui.sms.pending import PendingSmsRunner

        self.pending = PendingSmsRunner(database, self, task_manager=self._tasks)
        self.pending.failed.connect(
            lambda message: self._notify(
                self.tr("Deferred SMS could not be sent: %1").replace("%1", message), "error"
            )
        )
        self.pending.start()
        from app.ui.email.pending import PendingEmailRunner

        self.pending_email = PendingEmailRunner(database, self, task_manager=self._tasks)
        self.pending_email.failed.connect(
            lambda message: self._notify(
                self.tr("Deferred e-mails could not be sent: %1").replace("%1", message), "error"
            )
        )
        self.pending_email.start()

    def shutdown(self) -> None:
        if self.pending is not None:
            self.pending.stop()
            self.pending.deleteLater()
            self.pending = None
        if self.pending_email is not None:
            self.pending_email.stop()
            self.pending_email.deleteLater()
            self.pending_email = None
        for widget in self.open_windows:
            widget.close()
        self.open_windows.clear()

    # -- the dialogs --------------------------------------------------------------------------
    def _open(self, widget: QWidget) -> QWidget:
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open_windows.append(widget)
        widget.destroyed.connect(lambda *_: self._forget(widget))
        if isinstance(widget, QDialog):
            widget.open()
        else:
            widget.show()
        return widget

    def _forget(self, widget: QWidget) -> None:
        if widget in self.open_windows:
            self.open_windows.remove(widget)

    def export_excel(self) -> QWidget:
        from app.ui.exports.excel_dialog import ExcelExportDialog

        return self._open(
            ExcelExportDialog(self.database, self._target(), self._window, task_manager=self._tasks)
        )

    def mail_merge(self) -> QWidget:
        from app.ui.exports.merge_dialog import MailMergeDialog

        return self._open(
            MailMergeDialog(self.database, self._target(), self._window, task_manager=self._tasks)
        )

    def send_sms(self) -> QWidget:
        from app.ui.sms.send_dialog import SmsSendDialog

        return self._open(
            SmsSendDialog(self.database, self._target(), self._window, task_manager=self._tasks)
        )

    def sms_log(self) -> QWidget:
        from app.ui.sms.log_window import SmsLogWindow

        return self._open(SmsLogWindow(self.database, self._window, task_manager=self._tasks))

    def sms_settings(self) -> QWidget:
        from app.ui.sms.settings_dialog import SmsSettingsDialog

        return self._open(SmsSettingsDialog(self.database, self._window, task_manager=self._tasks))

    def send_email(self) -> QWidget:
        from app.ui.email.send_dialog import EmailSendDialog

        return self._open(
            EmailSendDialog(self.database, self._target(), self._window, task_manager=self._tasks)
        )

    def email_log(self) -> QWidget:
        from app.ui.email.log_window import EmailLogWindow

        return self._open(EmailLogWindow(self.database, self._window, task_manager=self._tasks))

    def email_settings(self) -> QWidget:
        from app.ui.email.settings_dialog import EmailSettingsDialog

        return self._open(EmailSettingsDialog(self.database, self._window, task_manager=self._tasks))
