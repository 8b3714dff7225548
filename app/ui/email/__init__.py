"""The e-mail windows (translation area ``email``): send, log, settings, and the background
sender of deferred messages. The work itself is in :mod:`app.export.email` (no Qt)."""

from app.ui.email.log_window import EmailLogWindow
from app.ui.email.pending import PendingEmailRunner
from app.ui.email.send_dialog import EmailSendDialog
from app.ui.email.settings_dialog import EmailSettingsDialog

__all__ = ["EmailLogWindow", "EmailSendDialog", "EmailSettingsDialog", "PendingEmailRunner"]
