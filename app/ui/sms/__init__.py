"""The SMS windows (translation area ``sms``): send, log, settings, and the background sender
of deferred messages. The work itself is in :mod:`app.export.sms` (no Qt)."""

from app.ui.sms.log_window import SmsLogWindow
from app.ui.sms.pending import PendingSmsRunner
from app.ui.sms.send_dialog import SmsSendDialog
from app.ui.sms.settings_dialog import SmsSettingsDialog

__all__ = ["PendingSmsRunner", "SmsLogWindow", "SmsSendDialog", "SmsSettingsDialog"]
