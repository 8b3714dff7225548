"""Target files: the JSON format managers use to share targets between sites.

The format is documented for users in ``docs/target-format.md``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from app import files
from app.errors import TargetError
from app.query.target import Target


def load_target_file(path: str | os.PathLike[str]) -> Target:
    """Read a target file; :class:`TargetError` with one clear line if anything is wrong."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TargetError(f"No target file at {p}.") from None
    except IsADirectoryError:
        raise TargetError(f"{p} is a folder, not a target file.") from None
    except UnicodeDecodeError:
        raise TargetError(f"{p} is not a target file (it is not UTF-8 text).") from None
    except OSError as error:
        raise TargetError(f"Cannot read {p}: {error.strerror or error}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TargetError(
            f"{p} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    try:
        return Target.from_dict(data)
    except TargetError as error:
        raise TargetError(f"{p.name}: {error}") from None


def dumps_target(target: Target) -> str:
    return json.dumps(target.to_dict(), ensure_ascii=False, indent=2) + "\n"


def save_target_file(target: Target, path: str | os.PathLike[str]) -> None:
    """Write *target* as JSON (UTF-8); the old file is replaced only once the new one is complete."""
    p = Path(path)
    target.validate()
    text = dumps_target(target)
    try:
        with files.atomic_write(p, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        raise TargetError(f"Cannot write {p}: {error.strerror or error}.") from None
