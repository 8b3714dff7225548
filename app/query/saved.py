"""Saved targets in the database: list, save (with an overwrite check), load, rename, delete.

Every function takes a SQLAlchemy ``Connection``; the caller owns the transaction
(``with database.engine.begin() as conn: ...``). The definition is stored in the target file
format, so a saved target and a target file hold exactly the same thing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, select, update

from app.errors import TargetError
from app.i18n import _
from app.models.base import current_user, utcnow
from app.models.targets import SavedTarget
from app.query.target import Target

TABLE = SavedTarget.__table__


class TargetExistsError(TargetError):
    """A saved target already has this name (ask the user before overwriting)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"A saved target is already called {name!r}.")
        self.name = name


@dataclass(frozen=True)
class SavedTargetInfo:
    """One line of the "Open a target" list."""

    id: int
    name: str
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime
    last_used_at: dt.datetime | None
    owner: str


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name or "").split())
    if not cleaned:
        raise TargetError(_("A saved target needs a name."))
    if len(cleaned) > 200:
        raise TargetError(_("A target name is limited to 200 characters."))
    return cleaned


def _find(conn: Connection, name: str) -> int | None:
    """The id of the saved target called *name* (case-insensitive), if any.

    Compared in Python: SQLite's ``lower()`` folds only ASCII letters, so a name with É, À or Ç
    ("CLIO ET LAGUNA COCHÉS") was saved but could not be found again. A database holds a few
    dozen saved targets."""
    wanted = name.casefold()
    for ident, stored in conn.execute(select(TABLE.c.id, TABLE.c.name)):
        if stored.casefold() == wanted:
            return ident
    return None


def list_saved(conn: Connection) -> list[SavedTargetInfo]:
    """Every saved target, by name."""
    rows = conn.execute(
        select(
            TABLE.c.id,
            TABLE.c.name,
            TABLE.c.description,
            TABLE.c.created_at,
            TABLE.c.updated_at,
            TABLE.c.last_used_at,
            TABLE.c.owner,
        ).order_by(func.lower(TABLE.c.name), TABLE.c.id)
    )
    return [SavedTargetInfo(*row) for row in rows]


def saved_exists(conn: Connection, name: str) -> bool:
    return _find(conn, _clean_name(name)) is not None


def save_target(
    conn: Connection,
    target: Target,
    *,
    name: str | None = None,
    overwrite: bool = False,
    owner: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Save *target* under ``name`` (default: its own name); return the row id.

    A target with the same name (case-insensitive) raises :class:`TargetExistsError` unless
    ``overwrite`` is true; overwriting keeps its creation date. "Save as" is a save under a new
    name.
    """
    clean = _clean_name(name if name is not None else target.name)
    target.validate()
    to_store = Target(
        name=clean,
        description=target.description,
        columns=list(target.columns),
        criteria=target.criteria,
        sort=list(target.sort),
        removed=set(target.removed),
        grain=target.grain,
    )
    definition = json.dumps(to_store.to_dict(), ensure_ascii=False)
    now = now or utcnow()
    existing = _find(conn, clean)
    if existing is not None:
        if not overwrite:
            raise TargetExistsError(clean)
        conn.execute(
            update(TABLE)
            .where(TABLE.c.id == existing)
            .values(
                name=clean, description=target.description, definition=definition, updated_at=now
            )
        )
        return existing
    result = conn.execute(
        TABLE.insert().values(
            name=clean,
            description=target.description,
            definition=definition,
            created_at=now,
            updated_at=now,
            last_used_at=None,
            owner=current_user() if owner is None else owner,
        )
    )
    return int(result.inserted_primary_key[0])


def load_saved(
    conn: Connection, name: str, *, mark_used: bool = True, now: dt.datetime | None = None
) -> Target:
    """The saved target called *name*; its "used on" date is set unless ``mark_used`` is false."""
    clean = _clean_name(name)
    ident = _find(conn, clean)
    if ident is None:
        raise TargetError(_("No saved target called {name!r}.").format(name=clean))
    target = _read(conn, ident)
    if mark_used:
        conn.execute(update(TABLE).where(TABLE.c.id == ident).values(last_used_at=now or utcnow()))
    return target


def _read(conn: Connection, ident: int) -> Target:
    """The target stored in row *ident*; :class:`TargetError` naming it if it cannot be read."""
    row = conn.execute(select(TABLE.c.name, TABLE.c.definition).where(TABLE.c.id == ident)).one()
    try:
        data = json.loads(row.definition)
    except (json.JSONDecodeError, TypeError):
        raise TargetError(
            _("The saved target {name!r} is damaged (its definition is not JSON).").format(
                name=row.name
            )
        ) from None
    try:
        return Target.from_dict(data)
    except TargetError as error:
        raise TargetError(
            _("The saved target {name!r} cannot be read: {error}").format(
                name=row.name, error=error
            )
        ) from None


def rename_saved(conn: Connection, old: str, new: str, *, now: dt.datetime | None = None) -> None:
    """Rename a saved target; :class:`TargetExistsError` if another one has the new name."""
    old_clean, new_clean = _clean_name(old), _clean_name(new)
    ident = _find(conn, old_clean)
    if ident is None:
        raise TargetError(_("No saved target called {name!r}.").format(name=old_clean))
    other = _find(conn, new_clean)
    if other is not None and other != ident:
        raise TargetExistsError(new_clean)
    definition = _read(conn, ident).to_dict()
    definition["name"] = new_clean
    conn.execute(
        update(TABLE)
        .where(TABLE.c.id == ident)
        .values(
            name=new_clean,
            definition=json.dumps(definition, ensure_ascii=False),
            updated_at=now or utcnow(),
        )
    )


def delete_saved(conn: Connection, *names: str) -> int:
    """Delete the saved targets with these names; return how many were deleted."""
    count = 0
    for name in names:
        ident = _find(conn, _clean_name(name))
        if ident is not None:
            count += conn.execute(delete(TABLE).where(TABLE.c.id == ident)).rowcount
    return count
