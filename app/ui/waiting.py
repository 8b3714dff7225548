"""The question the send windows (SMS, e-mail) ask before a new send when messages of earlier
sends are still waiting (:mod:`app.export.waiting`): send them, cancel them, or leave them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.export.waiting import WaitingSend

#: The answers: what the window then does first, before the new send is made.
RESUME, CANCEL, LEAVE = "resume", "cancel", "leave"


def waiting_box(
    parent: QWidget, waiting: Sequence[WaitingSend], title: str, question: str
) -> QMessageBox:
    """The question, not shown yet: each waiting send on a line, then *question*."""
    box = QMessageBox(parent)
    box.setObjectName("waiting_question")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText("\n".join(w.describe() + "." for w in waiting) + "\n\n" + question)
    for name, text, role in (
        (
            RESUME,
            QCoreApplication.translate("WaitingQuestion", "Send them"),
            QMessageBox.ButtonRole.AcceptRole,
        ),
        (
            CANCEL,
            QCoreApplication.translate("WaitingQuestion", "Cancel them"),
            QMessageBox.ButtonRole.DestructiveRole,
        ),
        (
            LEAVE,
            QCoreApplication.translate("WaitingQuestion", "Leave them"),
            QMessageBox.ButtonRole.ActionRole,
        ),
    ):
        button = box.addButton(text, role)
        button.setObjectName(name)
        if name == LEAVE:
            box.setDefaultButton(button)
    box.addButton(QMessageBox.StandardButton.Close)
    return box


def ask_waiting(
    parent: QWidget, waiting: Sequence[WaitingSend], title: str, question: str
) -> str | None:
    """Ask; :data:`RESUME`, :data:`CANCEL`, :data:`LEAVE`, or ``None`` (closed: do nothing now)."""
    box = waiting_box(parent, waiting, title, question)
    box.exec()
    clicked = box.clickedButton()
    name = clicked.objectName() if clicked is not None else ""
    return name if name in (RESUME, CANCEL, LEAVE) else None
