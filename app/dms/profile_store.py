"""Import profiles kept in the database, so every PC of the dealership finds them.

Each profile is one ``setting`` row, key ``dms_profile:<name>``, value the profile's JSON
(:meth:`app.dms.profile.Profile.to_json`, compact). The same JSON saved as a file is shared
between sites (:func:`app.dms.profile.save_profile`).
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from app.dms.profile import Profile
from app.errors import ImportFileError
from app.i18n import _
from app.models.activity import Setting
from app.models.db import Database

PREFIX = "dms_profile:"
#: The setting's column length.
MAX_JSON = 4000


#: The longest profile name the setting's key holds.
MAX_NAME = 80 - len(PREFIX)


def _key(name: str) -> str:
    return PREFIX + name.strip()[:MAX_NAME]


def check_profile_name(name: str) -> None:
    """:class:`ImportFileError` when *name* cannot name a stored profile (empty, too long)."""
    name = name.strip()
    if not name:
        raise ImportFileError(_("A profile needs a name."))
    if len(name) > MAX_NAME:
        raise ImportFileError(
            _(
                "Profile “{name}”: the name is too long ({count} characters, at most {most})."
            ).format(name=name, count=len(name), most=MAX_NAME)
        )


def profile_text(profile: Profile) -> str:
    """*profile* as it is stored; :class:`ImportFileError` when it cannot be (a name too long
    for the key, or a mapping too large for the value). Called before an import that will save
    its profile, so nothing is imported when the profile cannot be saved."""
    check_profile_name(profile.name)
    text = json.dumps(profile.to_dict(), ensure_ascii=False, separators=(",", ":"))
    if len(text) > MAX_JSON:
        raise ImportFileError(
            _("Profile “{name}” maps too many columns to be stored ({count} characters).").format(
                name=profile.name, count=len(text)
            )
        )
    return text


def save_profile(database: Database, profile: Profile) -> None:
    """Store *profile* under its name (replacing one of the same name)."""
    text = profile_text(profile)
    with database.session() as session:
        row = session.get(Setting, _key(profile.name))
        if row is None:
            session.add(Setting(key=_key(profile.name), value=text))
        else:
            row.value = text


def load_profiles(database: Database) -> list[Profile]:
    """Every stored profile, by name (unreadable ones skipped)."""
    with database.session() as session:
        rows = session.execute(
            select(Setting.key, Setting.value).where(Setting.key.startswith(PREFIX))
        ).all()
    profiles = []
    for key, value in sorted(rows):
        try:
            profiles.append(Profile.from_json(value, key[len(PREFIX) :]))
        except ImportFileError:
            continue
    return profiles


def find_profile(database: Database, name: str) -> Profile | None:
    return next((p for p in load_profiles(database) if p.name == name.strip()), None)


def delete_profile(database: Database, name: str) -> None:
    with database.session() as session:
        session.execute(delete(Setting).where(Setting.key == _key(name)))
