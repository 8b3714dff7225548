"""Files Cible ships beside its code, as package data (so a wheel and the Windows installer have
them too): Qt translations (``i18n/<area>_<lang>.ts`` and the built ``.qm``), the French starter
letters of the mail merge (``templates/``), the example DMS extracts (``examples/``) and the
application icon (``icons/``)."""

from __future__ import annotations

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent
I18N_DIR = RESOURCES_DIR / "i18n"
TEMPLATES_DIR = RESOURCES_DIR / "templates"
EXAMPLES_DIR = RESOURCES_DIR / "examples"
ICONS_DIR = RESOURCES_DIR / "icons"
#: The application icon: PNG for Qt windows, ICO (16–256 px) for Windows launchers and files.
ICON_PNG = ICONS_DIR / "cible.png"
ICON_ICO = ICONS_DIR / "cible.ico"
