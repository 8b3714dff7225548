"""Screenshots of the e-mail window's editor for the README (docs/email-editor-*.png).

    xvfb-run -s "-screen 0 1366x768x24" python tools/email_screenshots.py [--lang fr|en] [--out docs]

Makes a small demo database, sets a sender with a signature, opens the e-mail window on the
customers with an e-mail address, loads the service reminder starter in the Text view, adds a
logo, a bold phrase and a link, and grabs the window once the preview is built; then the
win-back starter, which stays in the HTML view; then the settings' sender tab with the
signature in the compact editor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication

from app import i18n
from app.export.email.settings import EmailSettings, SiteSender, load_settings, save_settings
from app.models.db import open_database
from app.query.criteria import Condition, Group
from app.query.target import Target
from app.ui.i18n import install_translators
from app.ui.tasks import TaskManager


def make_logo(path: Path) -> None:
    image = QImage(360, 72, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#0b5cab"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(0, 0, 72, 72), 12, 12)
    painter.setPen(QColor("#ffffff"))
    font = QFont("Arial", 30, QFont.Weight.Bold)
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, 72, 72), Qt.AlignmentFlag.AlignCenter, "GT")
    painter.setPen(QColor("#0b5cab"))
    painter.setFont(QFont("Arial", 22, QFont.Weight.Bold))
    painter.drawText(QRectF(88, 0, 272, 72), Qt.AlignmentFlag.AlignVCenter, "Garage de Tours")
    painter.end()
    image.save(str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "fr"), default="fr")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    i18n.set_language(args.lang)
    install_translators(args.lang, app)
    work = Path(tempfile.mkdtemp(prefix="cible-email-shots-"))
    database = open_database(work / "cible.sqlite")
    from app.models.demo import generate_demo

    generate_demo(database, customers=300, seed=1, today=dt.date(2026, 11, 23))
    with database.session() as session:
        settings = load_settings(session) if session else EmailSettings()
        settings.default = SiteSender(
            from_name="Garage de Tours",
            from_address="atelier@garage-tours.example",
            reply_to="accueil@garage-tours.example",
            postal_address="1 rue Nationale, 37000 Tours",
            signature_html="<p><b>Julien Moreau</b><br>Conseiller service – 02 47 00 00 00</p>",
        )
        save_settings(session, settings)
    manager = TaskManager()

    def settle(done, ms: int = 30000) -> None:
        timer = QElapsedTimer()
        timer.start()
        while not done() and timer.elapsed() < ms:
            app.processEvents()

    from app.ui.email import EmailSendDialog, EmailSettingsDialog

    target = Target(
        name="Rappel entretien",
        grain="customer",
        columns=["customer.last_name", "customer.first_name", "customer.email"],
        criteria=Group("all", [Condition("customer.email", "not_empty", [])]),
    )
    args.out.mkdir(parents=True, exist_ok=True)
    dialog = EmailSendDialog(database, target, task_manager=manager)
    dialog.resize(1366, 740)
    dialog.show()
    settle(lambda: dialog.plan is not None and not manager.busy)
    dialog.select_template("Rappel d’entretien")
    settle(lambda: not manager.busy)
    editor = dialog.body_editor
    logo = work / "logo.png"
    make_logo(logo)
    editor.max_bytes = 400_000
    cursor = editor.visual_edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.Start)
    editor.visual_edit.setTextCursor(cursor)
    editor.insert_image_file(str(logo))
    editor.visual_edit.textCursor().insertBlock()
    found = editor.visual_edit.document().find("répondez simplement à ce message")
    editor.visual_edit.setTextCursor(found)
    editor.bold_action.trigger()
    found = editor.visual_edit.document().find("prendre rendez-vous")
    editor.visual_edit.setTextCursor(found)
    editor.insert_link("https://www.garage-tours.example/rendez-vous")
    found = editor.visual_edit.document().find("prochain entretien")
    editor.visual_edit.setTextCursor(found)
    dialog.update_preview()
    settle(lambda: not manager.busy)
    settle(lambda: False, 800)
    dialog.grab().save(str(args.out / f"email-editor-{args.lang}.png"))
    dialog.select_template("Reconquête avec prise de rendez-vous")
    settle(lambda: not manager.busy)
    settle(lambda: False, 800)
    dialog.grab().save(str(args.out / f"email-editor-html-{args.lang}.png"))
    settings_dialog = EmailSettingsDialog(database, task_manager=manager)
    settings_dialog.show()
    settle(lambda: not manager.busy)
    settings_dialog.tabs.setCurrentIndex(1)
    settle(lambda: False, 300)
    settings_dialog.grab().save(str(args.out / f"email-signature-{args.lang}.png"))
    for window in (dialog, settings_dialog):
        window.done(0)
    manager.shutdown(20000)
    database.dispose()
    print(f"screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
