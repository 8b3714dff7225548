"""Target files: the JSON format managers use to share targets between sites (``NAME.cible``;
``NAME.json`` files are read too).

The format is documented for users in ``docs/target-format.md``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from app import files
from app.errors import TargetError
from app.i18n import _, format_size
from app.query.target import Target

if TYPE_CHECKING:
    from sqlalchemy import Connection

#: The extension of target files written by Cible (Windows opens them in Cible with a double
#: click); files ending in ``.json`` (written before) are read the same way.
SUFFIX = ".cible"
SUFFIXES = (".cible", ".json")

#: A target file is a few kilobytes; anything this large is not one (and would not run).
MAX_FILE_BYTES = 2 * 1024 * 1024


def load_target_file(path: str | os.PathLike[str]) -> Target:
    """Read a target file; :class:`TargetError` with one clear line if anything is wrong."""
    p = Path(path)
    try:
        if p.is_file() and p.stat().st_size > MAX_FILE_BYTES:
            raise TargetError(
                _("{path} is too large to be a target file ({size}; at most {max}).").format(
                    path=p, size=format_size(p.stat().st_size), max=format_size(MAX_FILE_BYTES)
                )
            )
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TargetError(_("No target file at {path}.").format(path=p)) from None
    except IsADirectoryError:
        raise TargetError(_("{path} is a folder, not a target file.").format(path=p)) from None
    except UnicodeDecodeError:
        raise TargetError(
            _("{path} is not a target file (it is not UTF-8 text).").format(path=p)
        ) from None
    except OSError as error:
        raise TargetError(
            _("Cannot read {path}: {detail}.").format(path=p, detail=error.strerror or error)
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TargetError(
            _("{path} is not valid JSON (line {lineno}, column {colno}: {msg}).").format(
                path=p, lineno=error.lineno, colno=error.colno, msg=error.msg
            )
        ) from None
    except RecursionError:
        raise TargetError(
            _("{path} is nested too deeply to be a target file.").format(path=p)
        ) from None
    except ValueError:  # an integer of thousands of digits
        raise TargetError(_("{path} holds a number too long to be read.").format(path=p)) from None
    try:
        return Target.from_dict(data)
    except TargetError as error:
        raise TargetError(f"{p.name}: {error}") from None


def dumps_target(target: Target, references: dict[int, tuple[str, str]] | None = None) -> str:
    return json.dumps(target.to_dict(references), ensure_ascii=False, indent=2) + "\n"


def save_target_file(
    target: Target, path: str | os.PathLike[str], conn: Connection | None = None
) -> None:
    """Write *target* as JSON (UTF-8); the old file is replaced only once the new one is complete.

    With *conn* (the database the target was made on), removed customers are written by site
    and DMS reference, so the file removes the same people at another site (or nobody there);
    without, by customer number, which only this database understands."""
    p = Path(path)
    target.validate()
    references = None
    if conn is not None and target.removed:
        from app.query.engine import removed_references

        references = removed_references(conn, target.removed)
    text = dumps_target(target, references)
    try:
        with files.atomic_write(p, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        raise TargetError(
            _("Cannot write {path}: {detail}.").format(path=p, detail=error.strerror or error)
        ) from None
