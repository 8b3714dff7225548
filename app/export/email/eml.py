""""Save as .eml files": one complete message per recipient in a folder, to send from Outlook
or any mail program without a server configured in Cible. No Qt here.

Each file is written through :mod:`app.files` (complete or not at all). Nothing is journaled
as sent: the user sends the files; no contact history is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from app import files
from app.export.email.message import build
from app.export.email.recipients import EmailPlan
from app.export.email.settings import EmailSettings

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(index: int, name: str) -> str:
    clean = " ".join(_UNSAFE.sub(" ", name).split())[:80] or "client"
    return f"{index:05d} {clean}.eml"


def save_eml(
    plan: EmailPlan,
    settings: EmailSettings,
    folder: str | Path,
    *,
    lang: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write one .eml per recipient of *plan* into *folder* (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    total = plan.count
    for i, r in enumerate(plan.recipients, 1):
        built = build(
            plan.template,
            r.values,
            to_address=r.address,
            to_name=r.name,
            sender=settings.sender_for(r.site_code),
            kind=plan.kind,
            lang=lang,
        )
        path = folder / file_name(i, r.name)
        with files.atomic_write(path, "wb") as out:
            out.write(built.content)
        written.append(path)
        if progress is not None:
            progress(i, total)
    return written
