"""Qt translators: Cible's own ``app/resources/i18n/<area>_<lang>.qm`` plus Qt's ``qtbase_<lang>.qm``.

Each area of the UI (core, targeting, exports, sms) ships its own ``.ts``/``.qm`` pair, built by
``python tools/i18n.py``; every ``*_<lang>.qm`` found is installed, so a new area needs no change
here. English is the source language: nothing to install for it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app import i18n
from app.resources import I18N_DIR

# ``app/resources/`` (package data: a wheel and the Windows installer have it too).
TRANSLATIONS_DIR = I18N_DIR

_installed: list[QTranslator] = []


def translation_files(lang: str, folder: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Cible's compiled translations for *lang*, one per area, in name order."""
    return sorted(folder.glob(f"*_{lang}.qm")) if folder.is_dir() else []


def install_translators(lang: str, app: QCoreApplication | None = None) -> list[str]:
    """Make *lang* (``"fr"`` or ``"en"``, or a locale of one of them such as ``"fr_CH"``) the
    language of the UI and of :mod:`app.i18n` (messages and number formats).

    Replaces the translators a previous call installed. Returns the files loaded.
    """
    i18n.set_language(lang)
    lang = i18n.language()
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing translators")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(i18n.locale_name()))
    if lang == "en":
        return []
    loaded: list[str] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    candidates = [Path(qt_dir) / f"qtbase_{lang}.qm", *translation_files(lang)]
    for path in candidates:
        translator = QTranslator(app)
        if path.is_file() and translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(str(path))
    return loaded
